"""Operations: each method of each path item -> Operation, with its parameters, request body and responses.

The operations are kept in spec order (enum api__op, the ops table); ctx.routes orders them for matching.
"""

import re

from .bodymedia import several_media
from .client import client_operation
from .jsonschema import needs_schema, schema_table, tagged_branches
from .keywords import is_null_schema
from .refs import ref_target
from .unions import body_union
from .document import pointer
from .model import Operation
from .multipart import multipart_body
from .cnames import OP_CLIENT_PARAMS_NAMES, OP_MEDIA_NAMES, OP_NAMES, OP_PARAMS_NAMES, check_members
from .names import c_comment, c_string, camel, op_c_name
from .params import build_params, path_template
from .rawbody import json_media, raw_body
from .refusals import DOC_KEYWORDS, SpecError
from .responses import build_responses
from .runtime_replies import check_runtime_replies
from .schemas import build_rule, is_object_schema
from .security import build_security

HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]


def json_content_schema(node, where):
    """(the schema of the JSON (application/json or application/*+json) content of node, its JSON pointer);
    (None, None) if it has none.  where: node's pointer."""
    content = node.get("content") or {}
    for media, body in content.items():
        mt = media.split(";")[0].strip().lower()
        if mt == "application/json" or (mt.startswith("application/") and mt.endswith("+json")):
            return (body.get("schema", {}) if isinstance(body, dict) else {},
                    pointer(pointer(where + "/content", media), "schema"))
    return None, None


def form_content_schema(node, where):
    """(the schema of node's application/x-www-form-urlencoded content, its JSON pointer), or (None, None)."""
    for media, body in (node.get("content") or {}).items():
        if media.split(";")[0].strip().lower() == "application/x-www-form-urlencoded":
            return (body.get("schema", {}) if isinstance(body, dict) else {},
                    pointer(pointer(where + "/content", media), "schema"))
    return None, None


def check_form_model(model, where):
    """A form body's fields are text: scalars, or arrays of scalars (a repeated key).  A nullable scalar is an
    optional one (FastAPI's `x: str | None = Form(None)`): text is never null, an absent field reads as null; a
    scalar's default is applied when the field is absent, as the JSON reader does."""
    for f in model.fields:
        if "JSON Schema" in f.rule.summary:
            raise SpecError("%s: property %r of a form body uses keywords only the JSON Schema validator enforces "
                            "(minItems, const, a union...), which checks JSON values: a form field carries text"
                            % (where, f.name))
        if f.read_only:
            continue  # the form and multipart readers refuse it when sent (422 read_only), as the JSON reader does
        kind = f.rule.items.kind if f.rule.kind == "RT_VALID_ARRAY" else f.rule.kind
        if kind not in ("RT_VALID_STRING", "RT_VALID_INTEGER", "RT_VALID_NUMBER", "RT_VALID_BOOLEAN") or \
                (f.rule.kind == "RT_VALID_ARRAY" and (f.rule.nullable or f.rule.items.nullable)):
            raise SpecError("%s: property %r of a form body must be a string, integer, number, boolean or an "
                            "array of those (not null): a form field carries text" % (where, f.name))


def build_operations(ctx):
    """Fill ctx.ops (spec order) and ctx.routes (matching order)."""
    seen_ids = {}  # C name of an operation -> (JSON pointer, what)
    for path, item in ctx.spec["paths"].items():
        where = pointer("#/paths", path)
        if not path.startswith("/"):
            raise SpecError("%s: path %r must start with '/'" % (where, path))
        check_path_key(path, where)
        if "$ref" in item:
            where = item["$ref"]
            item = ctx.resolve(item["$ref"])
        shared = [(p, "%s/parameters/%d" % (where, i)) for i, p in enumerate(item.get("parameters", []))]
        for method in HTTP_METHODS:
            if method in item:
                ctx.ops.append(build_operation(ctx, path, method, item[method], shared, seen_ids,
                                               pointer(where, method)))
    check_routes(ctx.ops)
    # Routes: literal segments before parameters (OpenAPI's matching rule), else spec order.
    ctx.routes = sorted(ctx.ops, key=lambda o: (o.precedence, o.index))


def check_path_key(path, where):
    """Refuse a path the router could never match: it compares decoded segments with the template's text, and a
    client resolves '.' and '..' segments before sending."""
    if "?" in path or "#" in path:
        raise SpecError("%s: path %r has a query or fragment: a path template is the path alone (declare "
                        "query parameters instead)" % (where, path))
    if "%" in path:
        raise SpecError("%s: path %r has a percent-escape: the router matches decoded paths, so this route would "
                        "never be reached (write the character itself)" % (where, path))
    if any(seg in (".", "..") for seg in path.split("/")):
        raise SpecError("%s: path %r has a '.' or '..' segment, which a client resolves before sending: this "
                        "route would never be reached" % (where, path))


def check_routes(ops):
    """Refuse two operations of one method on paths that differ only in their parameters' names (OpenAPI: such
    paths MUST NOT exist): the second could never be reached.  A GET route answers HEAD too, unless the spec
    declares a HEAD operation on the same path: then that one does."""
    seen = {}
    for op in ops:
        key = (key_shape(op), op.method)
        if key in seen:
            raise SpecError("%s: %s %s is the same route as %s %s (%s): paths that differ only in their parameters' "
                            "names are identical, and the second operation could never be reached"
                            % (op.where, op.method, op.path, seen[key].method, seen[key].path, seen[key].where))
        seen[key] = op
    for op in ops:
        if op.method == "GET" and (key_shape(op), "HEAD") in seen:
            op.methods_c = "RT_METHOD_GET"


def key_shape(op):
    """op's path with each parameter's name left out: what the router matches."""
    return re.sub(r"\{[^{}]*\}", "{}", op.path)


def operation_id(ctx, op, spec_op, seen_ids):
    """op.id: the operationId, or when there is none FastAPI's kind of derived one (generate_unique_id:
    <method>_<path, each character not a letter, digit or _ as _>, GET /users/{user_id} -> get_users__user_id_);
    op.c_name: its C name (names.op_c_name), claimed with every name the templates make of it."""
    where = op.where
    if "operationId" in spec_op:
        op.id, derived = spec_op["operationId"], False
        if not isinstance(op.id, str):
            raise SpecError("%s/operationId: operationId must be a string" % where)
        where += "/operationId"
    else:
        op.id, derived = "%s_%s" % (op.method.lower(), re.sub(r"[^0-9A-Za-z_]", "_", op.path[1:])), True
    op.c_name = op_c_name(op.id, where)
    what = ("operation %s %s (no operationId: its derived one is %r)" % (op.method, op.path, op.id) if derived
            else "operationId %r" % op.id)
    if op.c_name in seen_ids:
        raise SpecError("%s: %s is used twice (or maps to the C name of another: %s, of %s at %s)"
                        % (where, what, op.c_name, seen_ids[op.c_name][1], seen_ids[op.c_name][0]))
    seen_ids[op.c_name] = (where, what)
    ctx.names.claim_all(OP_NAMES, op.c_name, where, what)


def build_operation(ctx, path, method, spec_op, shared, seen_ids, where):
    """The Operation for one method of a path item (at JSON pointer where); shared are the path item's
    parameters, with their pointers."""
    op = Operation()
    op.method = method.upper()
    op.path = path
    op.where = where
    operation_id(ctx, op, spec_op, seen_ids)
    op.summary = c_comment(spec_op.get("summary", "")) if spec_op.get("summary") else None
    op.path_c = c_string(path)
    op.methods_c = "RT_METHOD_GET | RT_METHOD_HEAD" if op.method == "GET" else "RT_METHOD_" + op.method
    op.not_implemented_c = c_string("Operation '%s' (%s %s) is not implemented yet" % (op.id, op.method, path))

    template_params = path_template(op, where)
    own = [(p, "%s/parameters/%d" % (where, i)) for i, p in enumerate(spec_op.get("parameters", []))]
    build_params(ctx, op, shared, own, template_params, where)
    request_body(ctx, op, spec_op, where)
    build_security(ctx, op, spec_op, where)
    build_responses(ctx, op, spec_op, where)
    check_runtime_replies(ctx, op, spec_op, where)

    op.has_params = bool(op.params or op.body or op.body_schema or op.body_union or op.body_raw or op.auth_schemes)  # principals travel in params
    client_operation(op)
    check_members(op)
    what = "operation %r" % op.id
    for names, declared in ((OP_MEDIA_NAMES, op.body_media), (OP_PARAMS_NAMES, op.has_params),
                            (OP_CLIENT_PARAMS_NAMES, op.other_params)):
        if declared:
            ctx.names.claim_all(names, op.c_name, where, what)
    claim_reply_names(ctx, op, where)
    op.index = len(ctx.ops)
    op.enum = "API_OP_" + op.c_name.upper()
    return op


def claim_reply_names(ctx, op, where):
    """The file-scope names of op's responses (cnames.py): the client's tables of each response's headers and
    media types, and for a response of several media types its enum, enumerators and accept function.  A
    property's enum macro can spell an enumerator (API_X__200_TEXT_PLAIN: property _200 of operation x's model,
    value text_plain), and an operation x_200's media table operation x's."""
    for r in op.client_replies:
        what = "response %s of operation %r" % (r.key, op.id)
        for table, declared in (("headers", r.headers), ("media", r.media)):
            if declared:
                ctx.names.claim("%s_%s_%s" % (table, op.c_name, r.suffix), where, what)
    for r in op.replies:
        if len(r.media) > 1:
            what = "response %s of operation %r" % (r.key, op.id)
            for name in [m.enum for m in r.media] + [r.media_none, "struct " + r.media_enum,
                                                     "api_%s__accept_%s" % (op.c_name, r.suffix)]:
                ctx.names.claim(name, where, what)


def request_body(ctx, op, spec_op, where):
    """Set op.body (the Model of a JSON object body, or None), op.body_schema (for any other JSON body: the C
    name of the pointer to its JSON Schema table, the body being a JSON value validated in full) and
    op.body_required."""
    op.body = op.body_schema = op.body_union = None
    op.body_required = False
    op.body_form = False  # application/x-www-form-urlencoded rather than JSON
    op.body_raw = op.body_json_media_c = None  # rawbody.py: a text or bytes body; a vendor JSON type
    op.body_media, op.body_primary = None, 0  # bodymedia.py: the media types of a body of several, the primary's index
    if "requestBody" not in spec_op:
        return
    rb = spec_op["requestBody"]
    if "$ref" in rb:
        rb = ctx.resolve(rb["$ref"])
    at = spec_op["requestBody"]["$ref"] if "$ref" in spec_op["requestBody"] else where + "/requestBody"
    if not several_media(ctx, op, rb, at, one_media_body):
        one_media_body(ctx, op, rb, at)


def one_media_body(ctx, op, rb, at):
    """The body of the Request Body Object rb (at JSON pointer at) of one media type into op (request_body())."""
    if multipart_body(ctx, op, rb, at):  # multipart/form-data, file parts; refuses encoding elsewhere
        return
    if raw_body(ctx, op, rb, at):
        return
    op.body_json_media_c = json_media(rb)
    form = form_content_schema(rb, at)
    schema, schema_at = form if form[0] is not None else json_content_schema(rb, at)
    if schema is None:
        raise SpecError("%s/content: only application/json and application/x-www-form-urlencoded request "
                        "bodies are supported" % at)
    at = schema_at
    op.body_form = form[0] is not None
    op.body_required = bool(rb.get("required", False))
    if not op.body_required:
        schema, at = optional_body(schema, at)
    target = schema
    if isinstance(schema, dict) and set(schema) - DOC_KEYWORDS == {"$ref"}:
        target = ref_target(ctx, schema["$ref"])[0]
    if admits_null(target) and op.body_required:
        # FastAPI reads a JSON null body as no body (rt_valid_json_body()): a required one answers 422 missing
        raise SpecError("%s: a required nullable request body (type [object, 'null'], anyOf [X, {type: 'null'}]) "
                        "is not supported: a JSON null body reads as no body, as FastAPI reads it, so the null the "
                        "schema admits would be refused (422 missing); leave required out, as FastAPI writes "
                        "`item: Item | None = None`" % at)
    if op.body_form:
        if not is_object_schema(target) or needs_schema(ctx, target):
            # rt_valid_form fills a model from the fields' text; JSON Schema tables validate JSON values only
            raise SpecError("%s: a form body must be an object schema with properties, and only the keywords "
                            "its model enforces (additionalProperties false or left out: not true or a "
                            "schema, whose extra fields a model cannot keep; not minProperties, "
                            "composition...): the JSON Schema validator checks JSON bodies only" % at)
    else:
        keys = set(target) - DOC_KEYWORDS if isinstance(target, dict) else set()
        for key in ("oneOf", "anyOf"):
            if key in keys and tagged_branches(ctx, target, key, keys, False):
                body_union(ctx, op, target, at if target is schema else schema["$ref"], camel(op.id) + "Body")
                return
        if not is_object_schema(target) or needs_schema(ctx, target):
            # an array, a scalar, a union...: the body is a JSON value (struct json_object *)
            op.body_schema = schema_table(ctx, schema, at, "api_%s__body_schema" % op.c_name)
            ctx.body_schemas.append((op.body_schema, at))
            return
    rule = build_rule(ctx, schema, "rule_%s_body" % op.c_name, at, camel(op.id) + "Body")
    # nullable (FastAPI's `item: Item | None = None`): optional, since admits_null() refused a required one; a
    # JSON null body reads as none (has_body false), as FastAPI reads it
    ctx.rules.remove(rule)  # only its model is used
    if op.body_form:
        check_form_model(rule.model, at)
    op.body = rule.model


def optional_body(schema, at):
    """FastAPI's optional body, `item: Item | None = None`: {anyOf: [X, {type: 'null'}], title} (or oneOf) is X at
    its pointer (a JSON null body reads as none, has_body false), so that the handler gets X's model; (schema, at)
    as given for any other schema."""
    keys = [k for k in ("anyOf", "oneOf") if isinstance(schema, dict) and k in schema]
    alts = schema[keys[0]] if len(keys) == 1 else None
    if not isinstance(alts, list) or {k for k in schema if not k.startswith("x-")} - DOC_KEYWORDS != set(keys):
        return schema, at
    non_null = [a for a in alts if not is_null_schema(a)]
    if len(non_null) != 1 or len(non_null) == len(alts):
        return schema, at
    return non_null[0], "%s/%s/%d" % (at, keys[0], alts.index(non_null[0]))


def admits_null(schema):
    """Whether schema itself says null is valid (a null body reads as no body)."""
    if not isinstance(schema, dict):
        return schema is True
    t = schema.get("type")
    alts = (schema.get("anyOf") or []) + (schema.get("oneOf") or [])
    return schema.get("nullable") is True or t == "null" or (isinstance(t, list) and "null" in t) or any(
        isinstance(a, dict) and a.get("type") in ("null", ["null"]) for a in alts)

