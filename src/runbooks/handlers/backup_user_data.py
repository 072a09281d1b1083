# Keeps the original user data before the first change. DescribeInstanceAttribute returns it
# base64-encoded, and no Value when the instance has none. User data often holds secrets, so with
# a bucket the bytes go to S3 (ExpectedBucketOwner: a bucket of this account only) and are read
# back and hashed before anything changes — a bucket whose SSE-KMS key the role cannot use
# (kms:GenerateDataKey to write, kms:Decrypt to read) stops the run here, not at the restore — and
# only the location and SHA-256 are outputs. The base64 is an output only with
# AllowUserDataInExecutionRecord=true and no bucket (the Preflight refuses otherwise).
# https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstanceAttribute.html
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-owner-condition.html
import base64
import hashlib

import boto3


def handler(events, context):
    iid, bucket = events['InstanceId'], events.get('BucketName', '')
    saved = boto3.client('ec2').describe_instance_attribute(InstanceId=iid, Attribute='userData').get('UserData', {}).get('Value', '')
    raw = base64.b64decode(saved)
    out = {'Sha256': hashlib.sha256(raw).hexdigest(), 'BackupLocation': '', 'UserDataBase64': ''}
    if bucket:
        s3 = boto3.client('s3')
        key = 'ec2-ssh-rescue/%s/%s/user-data.bin' % (iid, events['ExecutionId'])
        s3.put_object(Bucket=bucket, Key=key, Body=raw, ExpectedBucketOwner=events['AccountId'])
        if s3.get_object(Bucket=bucket, Key=key, ExpectedBucketOwner=events['AccountId'])['Body'].read() != raw:
            raise Exception('The copy in s3://%s/%s does not read back as written; nothing was changed.' % (bucket, key))
        out['BackupLocation'] = 's3://%s/%s' % (bucket, key)
    elif raw and str(events.get('AllowUserDataInExecutionRecord')).lower() == 'true':
        out['UserDataBase64'] = saved
    elif raw:
        raise Exception('No BackupS3BucketName and AllowUserDataInExecutionRecord is false; nothing was changed.')
    return out
