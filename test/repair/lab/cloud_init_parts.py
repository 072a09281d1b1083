"""Splits user data with cloud-init's own code, as an instance would.

Usage: /usr/bin/python3 cloud_init_parts.py USER_DATA CLOUD_DIR
Prints JSON: one entry per part with its content type and filename; cloud-config parts
carry the YAML cloud-init loads, shell parts the path where cloud-init's shell-script
handler wrote them (what scripts-user then runs), boothook parts the path where its
boothook handler writes them (the file it then executes; not executed here).
"""
import json
import os
import sys

from cloudinit import util
from cloudinit.handlers.boot_hook import BootHookPartHandler
from cloudinit.handlers.shell_script import ShellScriptPartHandler
from cloudinit.helpers import Paths
from cloudinit.user_data import UserDataProcessor

with open(sys.argv[1], "rb") as f:
    message = UserDataProcessor({}).process(f.read())
handler = ShellScriptPartHandler(Paths({"cloud_dir": sys.argv[2]}))
boothooks = BootHookPartHandler(Paths({"cloud_dir": sys.argv[2]}), None)
# Without a datasource there is no instance directory: write where the instance's would be.
boothooks.boothook_dir = os.path.join(sys.argv[2], "instance", "boothooks")
parts = []
for part in message.walk():
    if part.get_content_maintype() == "multipart":
        continue
    payload = part.get_payload(decode=True).decode("ascii")
    entry = {"type": part.get_content_type(), "filename": part.get_filename()}
    if entry["type"] == "text/cloud-config":
        entry["config"] = util.load_yaml(payload)
    elif entry["type"] == "text/x-shellscript":
        handler.handle_part(None, entry["type"], entry["filename"], payload, None)
        entry["written"] = os.path.join(handler.script_dir, entry["filename"])
    elif entry["type"] == "text/cloud-boothook":
        entry["written"] = boothooks._write_part(payload, entry["filename"])
    parts.append(entry)
print(json.dumps(parts))
