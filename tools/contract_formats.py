"""The format checker both contract checkers validate answers with (tools/async_demo_contract.py and
tests/contract/spec_contract.py): Draft 2020-12's, plus date-time and time, which Debian's python3-jsonschema
checks only with rfc3339-validator installed (not a Debian dependency) and would otherwise let any text pass;
and which `required` errors an answer may have (writeOnly properties).
"""

import re

import jsonschema

FORMATS = jsonschema.FormatChecker(formats=())
FORMATS.checkers = dict(jsonschema.Draft202012Validator.FORMAT_CHECKER.checkers)
RFC3339_TIME = r"([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)"


@FORMATS.checks("date-time")
def is_date_time(value):
    if not isinstance(value, str):
        return True
    m = re.fullmatch(r"(\d{4}-\d{2}-\d{2})[Tt]" + RFC3339_TIME, value)
    return m is not None and FORMATS.conforms(m.group(1), "date")


@FORMATS.checks("time")
def is_time(value):
    return not isinstance(value, str) or re.fullmatch(RFC3339_TIME, value) is not None


def write_only_missing(error):
    """Whether the jsonschema @error is a `required` one for properties that are all writeOnly: an answer never
    has them (OpenAPI: a writeOnly property is required in requests only).  Both checkers drop such errors."""
    if error.validator != "required" or not isinstance(error.instance, dict):
        return False
    props = error.schema.get("properties", {})
    missing = [k for k in error.validator_value if k not in error.instance]
    return bool(missing) and all(isinstance(props.get(k), dict) and props[k].get("writeOnly") is True
                                 for k in missing)
