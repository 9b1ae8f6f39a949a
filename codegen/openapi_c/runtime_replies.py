"""The answers the runtime gives on its own, checked against the responses an operation declares.

Before a handler runs, the runtime answers a request it refuses: 422 with FastAPI's
{"detail": [{"type", "loc", "msg", "input", ...}]} (rt_valid_errors) when a parameter or the body is invalid,
401 or 403 with {"detail": "..."} (rt_valid_auth) when the operation is secured.  A declared response that
covers such a status (the code itself, else its range 4XX, else default) describes those answers too: a JSON
schema that rejects them, or content without JSON, would be a contract the server breaks on every refused
request.  Such a declaration is refused with its JSON pointer.

accepts() is a small validator for that one question: it knows the keywords that shape such a document (type,
properties, required, additionalProperties, items, enum, const, the compositions, lengths and bounds, $ref,
3.0's nullable) and takes any other keyword as accepting, so that it refuses only a schema that surely rejects
what the runtime sends.
"""

import json

from .document import pointer
from .refusals import SpecError

# What the runtime sends (the shapes of rt_valid_errors.c and rt_valid_auth_req.c), one or more examples each.
VALIDATION = [{"detail": [{"type": "missing", "loc": ["query", "q"], "msg": "Field required", "input": None}]},
              {"detail": [{"type": "less_than_equal", "loc": ["body", "items", 0], "msg": "Input should be less "
                           "than or equal to 5", "input": 9, "ctx": {"le": 5}}]}]
UNAUTHORIZED = [{"detail": "Not authenticated"}]
FORBIDDEN = [{"detail": "Not enough permissions"}]
JSON_TYPES = {"object": dict, "array": list, "string": str, "boolean": bool}


def is_type(value, t):
    if t == "null":
        return value is None
    if t in ("integer", "number"):
        return not isinstance(value, bool) and isinstance(value, (int, float)) and (
            t == "number" or float(value).is_integer())
    return isinstance(value, JSON_TYPES.get(t, object)) and not (t != "boolean" and isinstance(value, bool))


def accepts(ctx, schema, value, depth=0):
    """Whether schema surely accepts value (True when unsure)."""
    if isinstance(schema, bool) or depth > 32:
        return schema is not False
    if not isinstance(schema, dict):
        return True
    if value is None and schema.get("nullable") is True:
        return True
    if "$ref" in schema and isinstance(schema["$ref"], str) and schema["$ref"].startswith("#/"):
        if not accepts(ctx, ctx.resolve(schema["$ref"]), value, depth + 1):
            return False
    types = schema.get("type")
    types = [types] if isinstance(types, str) else types
    if isinstance(types, list) and not any(is_type(value, t) for t in types):
        return False
    if "enum" in schema and isinstance(schema["enum"], list) and value not in schema["enum"]:
        return False
    if "const" in schema and value != schema["const"]:
        return False
    subs = lambda key: [s for s in schema.get(key) or [] if isinstance(schema.get(key), list)]
    if not all(accepts(ctx, s, value, depth + 1) for s in subs("allOf")):
        return False
    for key in ("anyOf", "oneOf"):
        if subs(key) and not any(accepts(ctx, s, value, depth + 1) for s in subs(key)):
            return False
    if isinstance(value, dict):
        return object_accepts(ctx, schema, value, depth)
    if isinstance(value, list):
        items = schema.get("items")
        return all(accepts(ctx, items, v, depth + 1) for v in value) if items is not None else True
    return True


def object_accepts(ctx, schema, value, depth):
    props = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
    required = schema.get("required") if isinstance(schema.get("required"), list) else []
    if any(name not in value for name in required):
        return False
    if not all(accepts(ctx, props[k], v, depth + 1) for k, v in value.items() if k in props):
        return False
    extra = [v for k, v in value.items() if k not in props]
    additional = schema.get("additionalProperties", True)
    if extra and "patternProperties" not in schema and not all(accepts(ctx, additional, v, depth + 1)
                                                                for v in extra):
        return False
    return True


def covering(responses, status):
    """(key, response) of the declared response covering status: the code, its range, default; else None."""
    for key in (str(status), "%dXX" % (status // 100), "%dxx" % (status // 100), "default"):
        if key in responses:
            return key, responses[key]
    return None


def check_runtime_replies(ctx, op, spec_op, where):
    """Refuse a declared response that the runtime's own 422, 401 or 403 answers of this operation break."""
    responses = spec_op.get("responses") or {}
    answers = []
    if op.params or op.body or op.body_schema or op.body_union or op.body_raw or op.body_media:
        answers.append((422, VALIDATION, "a parameter or the body it refuses"))
    if op.auth_schemes:
        answers += [(401, UNAUTHORIZED, "missing or refused credentials"),
                    (403, FORBIDDEN, "credentials without the permission")]
    for status, samples, what in answers:
        found = covering(responses, status)
        if found is None:
            continue
        key, resp = found
        at = pointer(where + "/responses", key)
        if isinstance(resp, dict) and "$ref" in resp:
            at, resp = resp["$ref"], ctx.resolve(resp["$ref"])
        content = resp.get("content") if isinstance(resp, dict) else None
        if not content:
            continue  # no body described
        json_media = [m for m in content if m.split(";")[0].strip().lower() in ("application/json", "*/*",
                                                                                 "application/*")]
        if not json_media:
            raise SpecError("%s/content: response %s covers the runtime's %d for %s, which is JSON (%s): declare "
                            "application/json" % (at, key, status, what, json.dumps(samples[0])))
        media = content[json_media[0]]
        schema = media.get("schema", True) if isinstance(media, dict) else True
        for sample in samples:
            if not accepts(ctx, schema, sample):
                raise SpecError("%s: response %s covers the runtime's %d for %s, whose body this schema does not "
                                "accept: %s (declare %d with that shape, as FastAPI's HTTPValidationError, or "
                                "narrow the range)" % (pointer(pointer(at + "/content", json_media[0]), "schema"),
                                                       key, status, what, json.dumps(sample), status))
