"""The whole spec -> Ctx: models of the component schemas, then the operations, then what the templates
need about the API as a whole (title, version, the embedded spec)."""

import json
import re

from .anchors import resolve_anchors
from .document import check_document, pointer
from .jsonschema import needs_schema
from .reach import check_json_defaults, mark_reach
from .refs import check_refs, collect_ids
from .model import Ctx
from .multipart import has_file_parts  # built where a multipart body uses them
from .names import c_string
from .refusals import SpecError
from .operations import build_operations
from .paths import RT_VALID_H
from .servers import build_servers
from .schemas import is_object_schema, model_for
from .security import check_verifier_names

ABI_DEFINE = re.compile(r"^#define RT_CODEGEN_ABI ([0-9]+)[ \t]*$", re.M)


def codegen_abi(header=RT_VALID_H):
    """RT_CODEGEN_ABI as runtime/valid/rt_valid.h defines it: the one place the value is written, so a bump there
    regenerates (the codegen target depends on the header) and the generated #if check always agrees."""
    try:
        with open(header, encoding="utf-8") as f:
            found = ABI_DEFINE.findall(f.read())
    except OSError as e:
        raise SpecError("cannot read RT_CODEGEN_ABI from %s: %s" % (header, e))
    if len(found) != 1:
        raise SpecError("cannot read RT_CODEGEN_ABI from %s: expected one line '#define RT_CODEGEN_ABI <number>', "
                        "found %d" % (header, len(found)))
    return int(found[0])


def build(spec, spec_name, lax=False):
    """The Ctx of a loaded spec; spec_name is how the banners name it; lax: pydantic's lax conversions in JSON
    bodies (default: JSON types strictly)."""
    resolve_anchors(spec)  # a $ref by anchor becomes one by JSON pointer, for every stage below
    body_defaults, request_schemas = check_document(spec)  # every construct is supported or refused here
    ctx = Ctx(spec, spec_name)
    ctx.body_defaults, ctx.request_schemas = body_defaults, request_schemas
    ctx.lax = lax
    collect_ids(ctx)
    check_refs(ctx)  # every $ref resolves, reached by an operation or not
    # Every component schema gets a model, in spec order, used or not.
    components = [(pointer("#/components/schemas", name), name, schema)
                  for name, schema in ((ctx.spec.get("components") or {}).get("schemas") or {}).items()]
    ctx.component_models = {key for key, _, schema in components  # known before any is built (jsonschema.py)
                            if is_object_schema(schema) and not needs_schema(ctx, schema) and
                            not has_file_parts(ctx, schema)}
    for key, name, schema in components:
        if key in ctx.component_models:
            model_for(ctx, key, name, schema, key)
    build_servers(ctx)
    ctx.auth_schemes = []  # security.Scheme, each scheme an operation uses, once
    build_operations(ctx)
    check_json_defaults(ctx)
    mark_reach(ctx)
    check_verifier_names(ctx)
    info = spec.get("info", {})
    ctx.title_c = c_string(str(info.get("title", "")))
    ctx.version_c = c_string(str(info.get("version", "")))
    ctx.abi = codegen_abi()
    ctx.spec_json_lines = spec_json_lines(spec)
    return ctx


def spec_json_lines(spec):
    """The spec as compact JSON (key order as in the YAML), as C string literal lines."""
    text = json.dumps(spec, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    lines, i = [], 0
    while i < len(text):
        lines.append(c_string(text[i:i + 96]))
        i += 96
    return lines or ['""']
