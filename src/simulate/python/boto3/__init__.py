"""A boto3 stand-in for simulated aws:executeScript handlers.

boto3.client(service) returns a client whose snake_case methods map to the service's
API operations through botocore's own service model (botocore is installed with Debian's
python3-botocore), validate parameters with botocore's validator as real boto3 does, and
forward the call to the simulated world. Errors are botocore's real ClientError.
"""
import base64
import io

import botocore.session
from botocore.exceptions import ClientError, NoCredentialsError
from botocore.response import StreamingBody
from botocore.utils import parse_timestamp
from botocore.validate import ParamValidator

import worker

_session = botocore.session.get_session()
_models = {}
_validator = ParamValidator()


def _model(service):
    if service not in _models:
        model = _session.get_service_model(service)
        names = {botocore.xform_name(op): op for op in model.operation_names}
        _models[service] = (model, names)
    return _models[service]


def _decode(value):
    if isinstance(value, dict):
        if set(value.keys()) == {"__bytes__"}:
            return base64.b64decode(value["__bytes__"])
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def _typed(value, shape):
    """Gives response members the Python types botocore's parsers produce (datetime, bytes)."""
    if shape is None or value is None:
        return value
    kind = shape.type_name
    if kind == "timestamp" and isinstance(value, (str, int, float)):
        return parse_timestamp(value)
    if kind == "blob" and isinstance(value, str):
        data = base64.b64decode(value)
        if shape.serialization.get("streaming"):
            # Streaming payloads (S3 GetObject Body) reach handlers as botocore's StreamingBody.
            return StreamingBody(io.BytesIO(data), len(data))
        return data
    if kind == "structure" and isinstance(value, dict):
        return {k: _typed(v, shape.members.get(k)) for k, v in value.items()}
    if kind == "list" and isinstance(value, list):
        return [_typed(v, shape.member) for v in value]
    if kind == "map" and isinstance(value, dict):
        return {k: _typed(v, shape.value) for k, v in value.items()}
    return value


class _Client:
    def __init__(self, service):
        self._service = service
        self._model, self._names = _model(service)
        self.exceptions = type("Exceptions", (), {"ClientError": ClientError})

    def __getattr__(self, name):
        operation = self._names.get(name)
        if operation is None:
            raise AttributeError("'%s' object has no attribute '%s'" % (self._service, name))

        def call(**params):
            report = _validator.validate(params, self._model.operation_model(operation).input_shape)
            if report.has_errors():
                from botocore.exceptions import ParamValidationError
                raise ParamValidationError(report=report.generate_report())
            if not worker.CREDENTIALS[0]:
                # Without an assume role Automation runs the script with no permissions at all
                # ("Using scripts in runbooks", Systems Manager user guide,
                # https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-document-script-considerations.html):
                # boto3 finds no credentials and botocore raises before sending the request.
                raise NoCredentialsError()
            answer = worker.proxy_call(self._service, operation, params)
            if not answer.get("ok"):
                raise ClientError({"Error": {"Code": answer.get("code"), "Message": answer.get("message")},
                                   "ResponseMetadata": {"HTTPStatusCode": 400}}, operation)
            return _typed(_decode(answer.get("value")), self._model.operation_model(operation).output_shape)

        return call


def client(service_name, *args, **kwargs):
    return _Client(service_name)


class Session:
    def __init__(self, *args, **kwargs):
        pass

    def client(self, service_name, *args, **kwargs):
        return _Client(service_name)
