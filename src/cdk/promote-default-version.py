# Custom resource: make an SSM document's latest version its default version.
# CloudFormation documents that UpdateMethod NewVersion moves the default version, but stacks have
# been seen reporting UPDATE_COMPLETE with the old default (cloudformation-coverage-roadmap#2539).
# Kept inline (no asset) so the same template deploys through StackSets; uses botocore, which the
# Lambda Python runtime ships, and answers CloudFormation itself (the response protocol is a PUT of
# a JSON body to the pre-signed ResponseURL).
# https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-responses.html
import json
import os
import urllib.request

import botocore.session


def ssm_client():
    return botocore.session.get_session().create_client('ssm', region_name=os.environ.get('AWS_REGION'))


def promote(client, name):
    doc = client.describe_document(Name=name)['Document']
    latest = doc['LatestVersion']
    if doc['DefaultVersion'] != latest:
        client.update_document_default_version(Name=name, DocumentVersion=latest)
    return latest


def handler(event, context):
    name = event['ResourceProperties'].get('DocumentName', '')
    status, reason, data = 'SUCCESS', 'ok', {}
    try:
        if event['RequestType'] in ('Create', 'Update'):
            data['DefaultVersion'] = promote(ssm_client(), name)
    except Exception as error:  # every failure must reach CloudFormation, or the stack hangs
        status, reason = 'FAILED', ('%s: %s' % (type(error).__name__, error))[:1000]
    body = json.dumps({
        'Status': status,
        'Reason': reason,
        'PhysicalResourceId': event.get('PhysicalResourceId') or name or 'none',
        'StackId': event['StackId'],
        'RequestId': event['RequestId'],
        'LogicalResourceId': event['LogicalResourceId'],
        'Data': data,
    }).encode()
    request = urllib.request.Request(event['ResponseURL'], data=body, method='PUT',
                                     headers={'Content-Type': '', 'Content-Length': str(len(body))})
    urllib.request.urlopen(request, timeout=30).close()
    return status
