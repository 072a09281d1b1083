# Reads the instance's launch key pair so the repair script can say which local users authorize
# it ("key pair prod-2024 is authorized for ubuntu, not ec2-user"). The instance names its key
# pair in KeyName; DescribeKeyPairs with IncludePublicKey=true returns the public key material
# (without it the response has no PublicKey). A key pair deleted since the launch answers
# InvalidKeyPair.NotFound; an instance launched without one has no KeyName. Both are reported,
# not failed (empty Fingerprint): the repair does not need the key pair.
# https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Instance.html
# https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeKeyPairs.html
# https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html
# What travels to the instance is the key's SHA256 fingerprint as ssh-keygen -l -E sha256 prints
# it (unpadded base64 of the SHA-256 of the key blob): fixed-length data that fits the offline
# path's 16 KB of user data. The name is shown in the report; characters the script does not
# accept in it become "_".
import base64
import hashlib
import re

import boto3


def handler(events, context):
    ec2 = boto3.client('ec2')
    name = ec2.describe_instances(InstanceIds=[events['InstanceId']])['Reservations'][0]['Instances'][0].get('KeyName', '')
    key = ''
    if name:
        try:
            key = ec2.describe_key_pairs(KeyNames=[name], IncludePublicKey=True)['KeyPairs'][0].get('PublicKey', '')
        except Exception as e:
            if getattr(e, 'response', {}).get('Error', {}).get('Code') != 'InvalidKeyPair.NotFound':
                raise
    m = re.match(r'(ssh-ed25519|ecdsa-sha2-nistp\d+|ssh-rsa) ([A-Za-z0-9+/]+=*)', key.strip())
    fp = 'SHA256:' + base64.b64encode(hashlib.sha256(base64.b64decode(m.group(2))).digest()).decode().rstrip('=') if m else ''
    return {'KeyName': re.sub(r'[^A-Za-z0-9._@+-]', '_', name)[:128], 'Fingerprint': fp}
