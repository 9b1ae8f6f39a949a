"""The format checker both contract checkers validate answers with (tools/async_demo_contract.py and
tests/contract/spec_contract.py), and which `required` errors an answer may have (writeOnly properties).

The formats the runtime enforces (email, date-time, date, time, duration, uuid, byte, ipv4, ipv6, uri, hostname) are
checked by codegen's Python mirror of the runtime's checks (codegen/openapi_c/formats.py, which also refuses a
default its format refuses), so an answer is judged as the service judges a request; python3-jsonschema alone
would let any uri, hostname or byte pass (it checks them only with modules Debian does not depend on, or never),
and any text with an @ pass as an email.  Other formats keep Draft 2020-12's checkers.
"""

import os
import sys

import jsonschema

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "codegen"))
from openapi_c import formats  # noqa: E402

FORMATS = jsonschema.FormatChecker(formats=())
FORMATS.checkers = dict(jsonschema.Draft202012Validator.FORMAT_CHECKER.checkers)


def runtime_check(name):
    def check(value):
        return not isinstance(value, str) or formats.reason(name, value) is None
    return check


for _name in formats.CHECKS:
    FORMATS.checks(_name)(runtime_check(_name))


def write_only_missing(error):
    """Whether the jsonschema @error is a `required` one for properties that are all writeOnly: an answer never
    has them (OpenAPI: a writeOnly property is required in requests only).  Both checkers drop such errors."""
    if error.validator != "required" or not isinstance(error.instance, dict):
        return False
    props = error.schema.get("properties", {})
    missing = [k for k in error.validator_value if k not in error.instance]
    return bool(missing) and all(isinstance(props.get(k), dict) and props[k].get("writeOnly") is True
                                 for k in missing)
