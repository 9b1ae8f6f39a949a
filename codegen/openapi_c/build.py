"""The whole spec -> Ctx: models of the component schemas, then the operations, then what the templates
need about the API as a whole (title, version, the embedded spec)."""

import json

from .document import check_document
from .model import Ctx
from .names import c_string
from .operations import build_operations
from .schemas import is_object_schema, model_for

# Must match RT_CODEGEN_ABI in runtime/valid/rt_valid.h.
CODEGEN_ABI = 3


def build(spec, spec_name):
    """The Ctx of a loaded spec; spec_name is how the banners name it."""
    check_document(spec)  # every construct is supported or refused here, with its JSON pointer
    ctx = Ctx(spec, spec_name)
    # Every component schema gets a model, in spec order, used or not.
    for name, schema in ((ctx.spec.get("components") or {}).get("schemas") or {}).items():
        if is_object_schema(schema):
            model_for(ctx, "#/components/schemas/" + name, name, schema)
    build_operations(ctx)
    info = spec.get("info", {})
    ctx.title_c = c_string(str(info.get("title", "")))
    ctx.version_c = c_string(str(info.get("version", "")))
    ctx.abi = CODEGEN_ABI
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
