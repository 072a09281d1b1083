# Shared by RestoreUserData and CancelCleanup (prepended, see handler-source.ts): reads the
# original user data from where BackupUserData kept it — the S3 object of BackupS3BucketName, or,
# only with AllowUserDataInExecutionRecord=true, the base64 in the execution record — and checks
# the SHA-256 taken before the first change, so only those bytes are ever written back.
# https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-owner-condition.html
import hashlib


def load_original(events):
    where = events.get('BackupLocation', '')
    if where:
        bucket, key = where[5:].split('/', 1)
        body = boto3.client('s3').get_object(Bucket=bucket, Key=key, ExpectedBucketOwner=events['AccountId'])['Body'].read()
    else:
        body = base64.b64decode(events.get('UserDataBase64', ''))
    if hashlib.sha256(body).hexdigest() != events['Sha256']:
        raise Exception('The user data backup (%s) does not match its SHA-256; nothing written.' % (where or 'execution record'))
    return body
