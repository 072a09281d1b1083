# Drives src/cdk/promote-default-version.py as Lambda would: a real HTTP server on 127.0.0.1 stands in
# for CloudFormation's pre-signed ResponseURL, and botocore's Stubber checks every SSM call against
# the SSM API model shipped with botocore. Prints one JSON line per scenario.
import http.server
import importlib.util
import json
import sys
import threading

import botocore.session
from botocore.stub import Stubber

spec = importlib.util.spec_from_file_location('promoter', sys.argv[1])
promoter = importlib.util.module_from_spec(spec)
spec.loader.exec_module(promoter)

received = []


class Handler(http.server.BaseHTTPRequestHandler):
    def do_PUT(self):
        body = self.rfile.read(int(self.headers['Content-Length']))
        received.append({'path': self.path, 'contentType': self.headers.get('Content-Type'), 'body': json.loads(body)})
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(('127.0.0.1', 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()


def event(request_type, physical=None):
    e = {'RequestType': request_type, 'ResponseURL': 'http://127.0.0.1:%d/cfn-response?sig=1' % server.server_port,
         'StackId': 'arn:aws:cloudformation:eu-west-1:123456789012:stack/s/1', 'RequestId': 'r1',
         'LogicalResourceId': 'Promote', 'ResourceType': 'Custom::SsmDocumentDefaultVersion',
         'ResourceProperties': {'ServiceToken': 'x', 'DocumentName': 'EC2SSHRescue-Repair', 'ContentHash': 'h'}}
    if physical:
        e['PhysicalResourceId'] = physical
    return e


def run(name, request_type, describe, update=None, error=None, physical=None):
    client = botocore.session.get_session().create_client('ssm', region_name='eu-west-1', aws_access_key_id='a', aws_secret_access_key='b')
    stub = Stubber(client)
    if describe is not None:
        stub.add_response('describe_document', {'Document': describe}, {'Name': 'EC2SSHRescue-Repair'})
    if update is not None:
        stub.add_response('update_document_default_version', {'Description': {'Name': 'EC2SSHRescue-Repair', 'DefaultVersion': update}},
                          {'Name': 'EC2SSHRescue-Repair', 'DocumentVersion': update})
    if error is not None:
        stub.add_client_error('describe_document', service_error_code=error, http_status_code=400)
    stub.activate()
    promoter.ssm_client = lambda: client
    received.clear()
    status = promoter.handler(event(request_type, physical), None)
    stub.assert_no_pending_responses()
    print(json.dumps({'scenario': name, 'status': status, 'responses': received}))


doc = lambda default, latest: {'Name': 'EC2SSHRescue-Repair', 'DefaultVersion': default, 'LatestVersion': latest}
run('stale-default', 'Update', doc('3', '4'), update='4', physical='EC2SSHRescue-Repair')
run('already-current', 'Create', doc('1', '1'))
run('missing-document', 'Update', None, error='InvalidDocument', physical='EC2SSHRescue-Repair')
run('delete', 'Delete', None, physical='EC2SSHRescue-Repair')
server.shutdown()
