"""Runs aws:executeScript handlers for the simulator.

One persistent process per simulator: it reads JSON lines on stdin and answers on stdout.
  -> {"type": "run", "script": str, "handler": str, "events": any, "credentials": bool}
  <- {"type": "call", "service": str, "operation": str, "params": any}   (boto3 calls)
  -> {"type": "result", "ok": bool, "value"|"code"+"message": ...}
  <- {"type": "done", "ok": bool, "value"|"errorType"+"errorMessage": ...}
Bytes travel as {"__bytes__": "<base64>"} because JSON has no bytes.
  <- {"type": "sleep", "seconds": float}   (time.sleep: the virtual clock moves instead)
Every answer carries "now", the virtual time in epoch seconds: time.time() and
time.monotonic() return it, so handlers that poll with time.sleep run in virtual time.
The boto3 module handlers import is the shim next to this file, not the real boto3.
"""
import base64
import io
import json
import os
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True

PROTOCOL_IN = sys.stdin
PROTOCOL_OUT = sys.stdout
VIRTUAL_NOW = [0.0]
# Whether the running handler has AWS credentials (the execution has an assume role).
CREDENTIALS = [True]


def encode(value):
    if isinstance(value, (bytes, bytearray)):
        return {"__bytes__": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    return value


def send(message):
    PROTOCOL_OUT.write(json.dumps(message) + "\n")
    PROTOCOL_OUT.flush()


def receive():
    line = PROTOCOL_IN.readline()
    if not line:
        sys.exit(0)
    message = json.loads(line)
    if "now" in message:
        VIRTUAL_NOW[0] = message["now"]
    return message


def virtual_sleep(seconds):
    send({"type": "sleep", "seconds": float(seconds)})
    receive()


def virtual_time():
    return VIRTUAL_NOW[0]


time.sleep = virtual_sleep
time.time = virtual_time
time.monotonic = virtual_time


def proxy_call(service, operation, params):
    """Used by the boto3 shim: forwards one API call to the simulated world."""
    send({"type": "call", "service": service, "operation": operation, "params": encode(params)})
    return receive()


class Context:
    """The handler's context argument (Automation passes an object, rarely used)."""
    aws_request_id = "simulated"


COMPILED = {}


def run(message):
    namespace = {"__name__": "automation_script"}
    code = COMPILED.get(message["script"])
    if code is None:
        # The same handlers run thousands of times in a fault matrix: compile each once.
        code = COMPILED[message["script"]] = compile(message["script"], "<executeScript>", "exec")
    CREDENTIALS[0] = message.get("credentials", True) is not False
    captured = io.StringIO()
    sys.stdout = captured
    try:
        exec(code, namespace)
        handler = namespace.get(message["handler"])
        if not callable(handler):
            return {"type": "done", "ok": False, "errorType": "HandlerNotFound",
                    "errorMessage": "handler %s is not defined by the script" % message["handler"]}
        value = handler(message["events"], Context())
        json.dumps(encode(value))  # the payload must be JSON-serialisable, as in Automation
        return {"type": "done", "ok": True, "value": encode(value), "log": captured.getvalue()}
    except Exception as error:  # the step fails with the exception, as Automation reports it
        return {"type": "done", "ok": False, "errorType": type(error).__name__,
                "errorMessage": str(error), "traceback": traceback.format_exc(), "log": captured.getvalue()}
    finally:
        sys.stdout = PROTOCOL_OUT


def main():
    send({"type": "ready"})
    while True:
        message = receive()
        if message.get("type") == "run":
            send(run(message))


if __name__ == "__main__":
    # The boto3 shim imports this module by name; make that the running one, not a second copy.
    sys.modules["worker"] = sys.modules[__name__]
    main()
