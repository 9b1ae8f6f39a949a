"""The format checker both contract checkers validate answers with (tools/async_demo_contract.py and
tests/contract/spec_contract.py), and which `required` errors an answer may have (writeOnly properties).

The formats the runtime enforces (email, date-time, date, time, duration, uuid, byte, ipv4, ipv6, uri, hostname, JSON
Schema's URI family, pointers, idn-hostname and idn-email, pydantic's IP and UUID types) are
checked by codegen's Python mirror of the runtime's checks (codegen/openapi_c/formats.py, which also refuses a
default its format refuses), so an answer is judged as the service judges a request; python3-jsonschema alone
would let any uri, hostname or byte pass (it checks them only with modules Debian does not depend on, or never),
and any text with an @ pass as an email.  Other formats keep Draft 2020-12's checkers.

Validator is Draft 2020-12's validator with the service's reading of `pattern` and `patternProperties`: ECMA-262
with the u flag, through the engine the service runs (codegen/openapi_c/regex.py, PCRE2), where
python3-jsonschema uses Python's re (Unicode \d and \w, $ before a final newline, no \p{...}).
"""

import functools
import os
import sys

import jsonschema
from jsonschema import ValidationError

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "codegen"))
from openapi_c import formats, regex  # noqa: E402

FORMATS = jsonschema.FormatChecker(formats=())
FORMATS.checkers = dict(jsonschema.Draft202012Validator.FORMAT_CHECKER.checkers)


def runtime_check(name):
    def check(value):
        return not isinstance(value, str) or formats.reason(name, value) is None
    return check


for _name in formats.CHECKS:
    FORMATS.checks(_name)(runtime_check(_name))


@functools.lru_cache(maxsize=4096)
def matches(pattern, text):
    """Whether the service's engine finds the ECMA-262 pattern in text."""
    return regex.search(pattern, text)


def _pattern(validator, pattern, instance, schema):
    if validator.is_type(instance, "string") and not matches(pattern, instance):
        yield ValidationError("%r does not match %r" % (instance, pattern))


def _pattern_properties(validator, pattern_properties, instance, schema):
    if not validator.is_type(instance, "object"):
        return
    for pattern, subschema in pattern_properties.items():
        for k, v in instance.items():
            if matches(pattern, k):
                yield from validator.descend(v, subschema, path=k, schema_path=pattern)


def _additional_properties(validator, additional, instance, schema):
    if not validator.is_type(instance, "object"):
        return
    properties, patterns = schema.get("properties", {}), schema.get("patternProperties", {})
    extras = [k for k in instance if k not in properties and not any(matches(p, k) for p in patterns)]
    if validator.is_type(additional, "object"):
        for extra in extras:
            yield from validator.descend(instance[extra], additional, path=extra)
    elif additional is False and extras:
        yield ValidationError("Additional properties are not allowed (%s unexpected)" % ", ".join(
            repr(k) for k in sorted(extras)))


Validator = jsonschema.validators.extend(jsonschema.Draft202012Validator, {
    "pattern": _pattern, "patternProperties": _pattern_properties, "additionalProperties": _additional_properties})


def write_only_missing(error):
    """Whether the jsonschema @error is a `required` one for properties that are all writeOnly: an answer never
    has them (OpenAPI: a writeOnly property is required in requests only).  Both checkers drop such errors."""
    if error.validator != "required" or not isinstance(error.instance, dict):
        return False
    props = error.schema.get("properties", {})
    missing = [k for k in error.validator_value if k not in error.instance]
    return bool(missing) and all(isinstance(props.get(k), dict) and props[k].get("writeOnly") is True
                                 for k in missing)
