"""Where a document breaks OpenAPI's own schema: the diagnosis of a document the generator could not read.

The generator reads a document with its keyword table (keywords.py, checked by document.py) and refuses what it
does not support, but it takes the shape of what it supports from OpenAPI: a `description` is text, a security
scheme has a `type`, a `$ref` is a string.  A document that breaks that shape can make a stage fail with a
Python error instead of a SpecError.  generate() then asks this module where the document breaks the official
schema of its OpenAPI version (oas/3.1: the document schema with its Schema Object dialect, over JSON Schema
2020-12's meta-schemas in metaschema/; oas/3.0: its draft-04 schema), and reports that as the SpecError.

Only on that path: validating every document up front would cost about half a second per build, more than the
generation itself.  python3-jsonschema (Debian's) does the validating.
"""

import glob
import json
import os

import yaml

from .refusals import pointer

HERE = os.path.dirname(os.path.abspath(__file__))
# The schemas, by the OpenAPI version they describe: (the file to validate with, JSON Schema draft).
DOCUMENT_SCHEMAS = {"3.1": ("schema-base.yaml", "2020-12"), "3.0": ("schema.yaml", "4")}
# Keywords that flag a member the schema does not know: the least telling error where others are as deep.
UNKNOWN_MEMBER = {"additionalProperties", "unevaluatedProperties"}


def _load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f) if path.endswith(".json") else yaml.safe_load(f)


def _validator(version):
    """A validator of the official schema of OpenAPI `version` ("3.1" or "3.0")."""
    import jsonschema  # only on this path (python3-jsonschema)

    name, draft = DOCUMENT_SCHEMAS[version]
    store = {}
    paths = glob.glob(os.path.join(HERE, "oas", version, "*.yaml"))
    if version == "3.1":
        paths += glob.glob(os.path.join(HERE, "metaschema", "*.json"))
    for path in paths:
        doc = _load(path)
        store[doc.get("$id", doc.get("id"))] = doc
    schema = _load(os.path.join(HERE, "oas", version, name))
    cls = jsonschema.Draft202012Validator if draft == "2020-12" else jsonschema.Draft4Validator
    return cls(schema, resolver=jsonschema.RefResolver.from_schema(schema, store=store))


def _leaves(errors):
    """The innermost errors: those of the alternatives of a oneOf/anyOf rather than the oneOf's own."""
    for e in errors:
        if e.context:
            yield from _leaves(e.context)
        else:
            yield e


def document_error(spec):
    """Where spec breaks the official schema of its OpenAPI version: "pointer: why", or None when it does not
    (or its version has no schema here, or python3-jsonschema is missing)."""
    version = str(spec.get("openapi", ""))[:3] if isinstance(spec, dict) else ""
    if version not in DOCUMENT_SCHEMAS:
        return None
    try:
        validator = _validator(version)
    except ImportError:
        return None
    # as JSON sees it: YAML's unquoted response codes (200:) are integer keys, which the validator cannot take
    errors = list(validator.iter_errors(json.loads(json.dumps(spec, default=str))))
    if not errors:
        return None
    # the deepest error says most about what is wrong; an unknown member only if nothing else is as deep
    e = max(_leaves(errors), key=lambda e: (len(e.absolute_path), e.validator not in UNKNOWN_MEMBER))
    where = "#"
    for token in e.absolute_path:
        where = pointer(where, token)
    return "%s: %s (the document is not valid OpenAPI %s: its official schema says so)" % (
        where, e.message, version)
