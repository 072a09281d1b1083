# Keeps the original user data before the first change. DescribeInstanceAttribute returns it
# base64-encoded, and returns no Value when the instance has none.
# https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstanceAttribute.html
import base64
import hashlib

import boto3


def handler(events, context):
    iid = events['InstanceId']
    attr = boto3.client('ec2').describe_instance_attribute(InstanceId=iid, Attribute='userData')
    saved = attr.get('UserData', {}).get('Value', '')
    raw = base64.b64decode(saved)
    location = ''
    bucket = events.get('BucketName', '')
    if bucket:
        key = 'ec2-ssh-rescue/%s/%s/user-data.bin' % (iid, events['ExecutionId'])
        boto3.client('s3').put_object(Bucket=bucket, Key=key, Body=raw, ExpectedBucketOwner=events['AccountId'])
        location = 's3://%s/%s' % (bucket, key)
    return {'UserDataBase64': saved, 'Sha256': hashlib.sha256(raw).hexdigest(), 'Bytes': len(raw), 'S3Location': location}
