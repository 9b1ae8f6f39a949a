"""Parameters with `content` (OpenAPI 3.1 §4.8.12.1): a value serialized in one media type, JSON here.

A parameter with content {application/json: {schema: S}} (or application/<x>+json) is a JSON parameter: its text,
after the percent-decoding its place uses (query, cookie, path; a header as it is), is parsed as strict JSON
and validated in full against S with the JSON Schema tables (jsonschema.py, rt_valid_schema), as a JSON-value
body is.  The handler gets it as a struct json_object * (NULL when absent; JSON null is a value), which the
request owns.  rt_valid_param_json.c reads it; the rule's kind RT_VALID_ANY is what marks such a parameter
(a schema parameter's rule never has it: params.py refuses schemas that need JSON values).

Refused, with the construct's pointer: several media types, a media type that is not JSON, encoding, content
beside schema, style or explode (OpenAPI forbids them together).  S is walked by document.py as any schema a
request reaches: a default on S itself is refused there (a whole value's default would not be applied), as for a
JSON body.
"""

from .document import pointer
from .jsonschema import schema_table
from .model import Rule
from .rawbody import is_json, media_type
from .refusals import SpecError


def json_content(ctx, p, at):
    """(the schema of parameter p's one JSON media type, its pointer) after refusing what params_json does not
    take (see the module); p has `content`."""
    for key in ("schema", "style", "explode"):
        if key in p:
            raise SpecError("%s/%s: a parameter has either content or schema (with style and explode), not both: "
                            "OpenAPI forbids %s beside content" % (at, key, key))
    content = p["content"]
    if not isinstance(content, dict) or len(content) != 1:
        raise SpecError("%s/content: a parameter's content must have exactly one media type (it has %d): which "
                        "one a request used could not be told" % (at, len(content) if isinstance(content, dict)
                                                                   else 0))
    media, mt_obj = next(iter(content.items()))
    where = pointer(at + "/content", media)
    if not is_json(media_type(media)[0]):
        raise SpecError("%s: only JSON (application/json or application/<x>+json) parameter content is supported, "
                        "not %r" % (where, media))
    if not isinstance(mt_obj, dict):
        raise SpecError("%s: a Media Type Object must be a mapping" % where)
    if "encoding" in mt_obj:
        raise SpecError("%s/encoding: encoding applies to multipart and form request bodies only" % where)
    return mt_obj.get("schema", {}), where + "/schema"


def json_param_rule(ctx, op, p, at, c_name):
    """The Rule of JSON parameter p (at its pointer): kind RT_VALID_ANY and its schema's table, which
    api_models.c defines and api_ops.c's rule points to (exported, declared in api_models.h)."""
    schema, where = json_content(ctx, p, at)
    table = schema_table(ctx, schema, where, export="api_%s__param_%s_schema" % (op.c_name, c_name))
    ctx.body_schemas.append((table, where))
    rule = Rule("rule_%s_%s" % (op.c_name, c_name))
    rule.members += [("kind", rule.kind), ("schema", "&" + table)]
    rule.summary.append("JSON (%s) valid against its JSON Schema" % media_type(next(iter(p["content"])))[0])
    ctx.op_rules.append(rule)
    return rule
