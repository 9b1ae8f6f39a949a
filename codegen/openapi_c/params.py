"""Parameters: the path template's segments, and each path, query, header or cookie parameter -> Param.

Parameters are validated by the rules of api_ops.c (build_rule(..., for_ops=True)) and the tables of
runtime/valid/rt_valid_param.c, and arrive in a handler as members of struct api_<op>_params.  What each style
can carry (OpenAPI 3.1 §4.8.12.4, "Style Values"), and what is refused:

  path     simple, matrix, label          scalars and arrays of scalars
  query    form                           scalars and arrays of scalars (explode true or false)
           spaceDelimited, pipeDelimited  arrays of scalars, explode false
           deepObject                     objects whose properties are scalars (explode true)
  header   simple                         scalars and arrays of scalars
  cookie   form                           scalars, and arrays of scalars with explode false

Objects in any other style are refused: their key/value lists ("R,100,G,200") have no C struct the rest of the
runtime knows, and no spec we have seen uses them.  A parameter with `content` (a JSON value) is params_json.py's.
"""

import re

from .document import pointer
from .names import C_PARAM, c_comment, c_decl, c_string, camel, field_name, py_number_text
from .defaults import check_union_default
from .keywords import is_null_schema
from .refusals import DOC_KEYWORDS, SpecError
from .model import Rule
from .params_json import json_param_rule
from .schemas import build_rule, c_item_type, model_for

MAX_PATH_PARAMS = 16
DEFAULT_STYLE = {"path": "simple", "header": "simple", "query": "form", "cookie": "form"}
STYLES = {"path": ("simple", "matrix", "label"), "header": ("simple",),
          "query": ("form", "spaceDelimited", "pipeDelimited", "deepObject"), "cookie": ("form",)}
STYLE_C = {"simple": "SIMPLE", "form": "FORM", "spaceDelimited": "SPACE_DELIMITED",
           "pipeDelimited": "PIPE_DELIMITED", "deepObject": "DEEP_OBJECT", "matrix": "MATRIX", "label": "LABEL"}
ARRAY_KEYWORDS = ("minItems", "maxItems", "uniqueItems")
SCALARS = ("RT_VALID_STRING", "RT_VALID_INTEGER", "RT_VALID_NUMBER", "RT_VALID_BOOLEAN")


def text_of(d):
    """A default value as the text a request would carry."""
    return ("true" if d else "false") if isinstance(d, bool) else \
        py_number_text(d) if isinstance(d, (int, float)) else str(d)


class Param:
    """One parameter of an operation: a member of struct api_<op>_params."""

    def __init__(self, spec_param, rule, where, array_keys, json=False):
        self.name = spec_param["name"]
        self.at = where  # its JSON pointer
        self.name_c = c_string(self.name)
        self.c_name = field_name(self.name, where + "/name")
        self.location = spec_param["in"]
        self.required = bool(spec_param.get("required", self.location == "path"))
        self.rule = rule
        self.style = spec_param.get("style", DEFAULT_STYLE[self.location])
        self.style_c = "RT_VALID_STYLE_" + STYLE_C.get(self.style, "SIMPLE")
        # OpenAPI's default is true for form only; deepObject is defined for explode true alone, so a spec
        # that leaves it out means that (an explicit false is refused in check_style)
        self.explode = bool(spec_param.get("explode", self.style in ("form", "deepObject"))) and not json
        self.allow_empty = spec_param.get("allowEmptyValue") is True
        self.min_items = int(array_keys.get("minItems", 0))
        self.max_items = int(array_keys.get("maxItems", 0))
        self.unique_items = array_keys.get("uniqueItems") is True
        self.default_c = None
        self.default_items = None
        self.is_array = rule.kind == "RT_VALID_ARRAY"
        self.is_object = rule.kind == "RT_VALID_OBJECT"
        self.is_json = json  # content: a JSON value (params_json.py), struct json_object *
        if rule.default is not None and self.is_array:
            self.default_items = [c_string(text_of(d)) for d in rule.default]
        elif rule.default is not None:
            self.default_c = c_string(text_of(rule.default))
        # an absent string, array or object is NULL or empty; other optional scalars without default: has_<name>
        self.has_flag = (not self.required and self.default_c is None and rule.kind in SCALARS
                         and rule.kind != "RT_VALID_STRING") or (json and not self.required)
        if json:  # NULL is JSON null as well as absence: has_<name> tells them apart when it may be absent
            self.c_decl = "struct json_object *%s;" % self.c_name
        elif self.is_array:
            self.c_decl = "struct {\n        size_t len;\n        %s;\n    } %s;" % (
                c_decl(c_item_type(rule.items), "*items"), self.c_name)
        elif self.is_object:
            self.c_decl = "const struct api_%s *%s;" % (rule.model.c_name, self.c_name)
        else:
            t = C_PARAM.get(rule.kind)
            if t is None:
                raise SpecError("%s/schema: parameter %r must be a string, integer, number, boolean, an array of "
                                "those or (deepObject) an object" % (where, self.name))
            self.c_decl = c_decl(t, self.c_name) + ";"
        words = [self.location, "required" if self.required else "optional"]
        if (self.style != DEFAULT_STYLE[self.location] or self.is_array) and not json:
            words.append("style %s%s" % (self.style, ", explode" if self.explode else ""))
        if self.allow_empty:
            words.append("empty allowed")
        if self.default_c:
            words.append("default " + c_comment(self.default_c.strip('"')))
        if self.default_items:
            words.append("default [%s]" % c_comment(", ".join(text_of(d) for d in rule.default)))
        if self.min_items and self.max_items:
            words.append("%s..%s items" % (self.min_items, self.max_items))
        elif self.min_items or self.max_items:
            words.append("at %s %s items" % (("least", self.min_items) if self.min_items else ("most", self.max_items)))
        if self.unique_items:
            words.append("unique items")
        self.comment = c_comment(", ".join(words + rule.summary))
        self.path_index = 0
        self.closed = False


def path_template(op, where):
    """Set op.segments (C literals, NULL for a parameter), op.templates (for segments mixing literal text and
    parameters: the segment with "{}" for each, else NULL) and op.precedence; return the template's parameter
    names in order."""
    op.segments, op.templates = [], []
    template_params = []
    op.mixed_params = set()
    for seg in op.path[1:].split("/"):
        m = re.fullmatch(r"\{([^{}]+)\}", seg)
        if m:
            op.segments.append("NULL")
            op.templates.append("NULL")
            template_params.append(m.group(1))
        elif "{" in seg or "}" in seg:
            names = re.findall(r"\{([^{}]*)\}", seg)
            shape = re.sub(r"\{[^{}]*\}", "{}", seg)
            if "{" in re.sub(r"\{\}", "", shape) or "}" in re.sub(r"\{\}", "", shape) or "" in names:
                raise SpecError("%s: the path segment %r has an unbalanced or empty {}" % (where, seg))
            if "{}{}" in shape:
                raise SpecError("%s: the path segment %r has two parameters with nothing between them: where one "
                                "ends and the next begins cannot be told" % (where, seg))
            op.segments.append("NULL")
            op.templates.append(c_string(shape))
            template_params.extend(names)
            op.mixed_params.update(names)
        else:
            op.segments.append(c_string(seg))
            op.templates.append("NULL")
    if len(template_params) > MAX_PATH_PARAMS:
        raise SpecError("%s: too many path parameters" % where)
    if len(set(template_params)) != len(template_params):
        raise SpecError("%s: a path parameter appears twice in the template" % where)
    # literal segments first, then segments with literal parts, then whole parameters
    op.precedence = tuple(0 if s != "NULL" else 1 if t != "NULL" else 2 for s, t in zip(op.segments, op.templates))
    op.has_templates = any(t != "NULL" for t in op.templates)
    return template_params


def own_keywords(ctx, schema, at):
    """(the schema build_rule sees, the keywords the parameter's table enforces itself, the $ref it came from or
    None) of the schema at JSON pointer at: minItems/maxItems/uniqueItems of an array, additionalProperties of an
    object (deepObject).  Taken out, they leave a schema a Rule enforces, which is what a parameter must be (the
    JSON Schema tables, which would otherwise take them, validate JSON values; parameters are text)."""
    key, target = None, schema
    if isinstance(schema, dict) and "$ref" in schema and len(schema) == 1:
        key, target = schema["$ref"], ctx.resolve(schema["$ref"])
    if not isinstance(target, dict):
        return schema, {}, None
    if "properties" in target and "additionalProperties" in target:
        extra = target["additionalProperties"]
        if extra not in (True, False, {}):
            raise SpecError("%s/additionalProperties: only true or false are supported in a parameter's object "
                            "schema: unknown properties are either ignored or refused"
                            % (key if key else at))
        own = ("additionalProperties",)
    elif target.get("type") == "array":
        own = ARRAY_KEYWORDS
    else:
        for k in ARRAY_KEYWORDS:
            if k in target:
                raise SpecError("%s/%s: %s applies to array parameters only"
                                % (key if key else at, k, k))
        return schema, {}, None
    if not any(k in target for k in own):
        return schema, {}, None
    return {k: v for k, v in target.items() if k not in own}, {k: target[k] for k in own if k in target}, key


def optional_scalar(ctx, schema, at):
    """FastAPI's `limit: int | None = Query(10)`: {anyOf: [S, {type: 'null'}], default: 10, title: Limit} (or
    oneOf) is S with that default: text never carries null, so the parameter reads as S (its bounds and format
    too), and an absent one is the default, or unset without one.  (schema, its pointer at) for S, or as given
    for any other schema.  The default is judged against the schema as a whole, at its own pointer."""
    keys = [k for k in ("anyOf", "oneOf") if isinstance(schema, dict) and k in schema]
    if len(keys) != 1 or not isinstance(schema[keys[0]], list):
        return schema, at
    alts = schema[keys[0]]
    non_null = [a for a in alts if not is_null_schema(a)]
    beside = {k for k in schema if not k.startswith("x-")} - DOC_KEYWORDS - {keys[0], "default"}
    if len(non_null) != 1 or len(non_null) == len(alts) or beside or not isinstance(non_null[0], dict):
        return schema, at
    inner = dict(non_null[0])
    if schema.get("default") is not None:
        if "default" in inner:
            raise SpecError("%s/default: a default beside anyOf and another in its alternative %s/%s/%d: only one "
                            "can apply" % (at, at, keys[0], alts.index(non_null[0])))
        check_union_default(ctx, schema, at)
        inner["default"] = schema["default"]
    return inner, "%s/%s/%d" % (at, keys[0], alts.index(non_null[0]))


TEXT_KEYWORDS = {"pattern", "format", "minLength", "maxLength", "default"}


def text_shape(schema, at):
    """Parameter schemas other tools write, read as the one type that admits exactly their texts (README,
    Parameters); (schema, its pointer) as given for any other.
    - {type: [integer, string], ...} (ASP.NET Core 10's ints, NumberHandling.AllowReadingFromString) and its 3.0
      form without a type, {pattern, format: int32}: a text is always a string, so the parameter is the string
      with the schema's pattern and lengths, its integer format a decimal integer within its range
      (refusals.INTEGER_TEXT_FORMATS); the handler gets the text.
    - anyOf/oneOf [S, {type: array, items: S}] (Hono/zod's ?tag=a&tag=b): the array of S, one value an array
      of one."""
    if not isinstance(schema, dict) or "$ref" in schema:
        return schema, at
    keys = {k for k in schema if not k.startswith("x-")} - DOC_KEYWORDS
    t = schema.get("type")
    if isinstance(t, list) and sorted(t) == ["integer", "string"] and keys - {"type"} <= TEXT_KEYWORDS:
        d = schema.get("default")
        if isinstance(d, int) and not isinstance(d, bool):  # default: 1 is the text "1"
            return dict(schema, type="string", default=py_number_text(d)), at
        return dict(schema, type="string"), at
    if t is None and keys and keys <= TEXT_KEYWORDS and "default" not in keys:
        return dict(schema, type="string"), at
    for key in ("anyOf", "oneOf"):
        alts = schema.get(key)
        if keys == {key} and isinstance(alts, list) and len(alts) == 2 and all(isinstance(a, dict) for a in alts):
            one, many = sorted(alts, key=lambda a: a.get("type") == "array")
            if many.get("type") == "array" and set(many) - DOC_KEYWORDS == {"type", "items"} and \
                    many["items"] == one and one.get("type") in ("string", "integer", "number", "boolean"):
                return dict({k: v for k, v in schema.items() if k != key}, type="array", items=one), at
    return schema, at


def param_rule(ctx, p, op, at):
    """The Rule of parameter p (at its pointer), and the keywords its table enforces (own_keywords)."""
    name = "rule_%s_%s" % (op.c_name, field_name(p["name"], at + "/name"))
    inline = camel(op.id) + camel(p["name"])
    schema, schema_at = text_shape(*optional_scalar(ctx, p["schema"], at + "/schema"))
    schema, own, key = own_keywords(ctx, schema, schema_at)
    if key is None or "additionalProperties" not in own:
        return build_rule(ctx, schema, name, key or schema_at, inline, for_ops=True), own
    # a component object: its Model keeps the component's name (struct api_<Schema>), as a $ref builds it
    model = model_for(ctx, key, key.rsplit("/", 1)[-1], schema, key)
    model.closed = own["additionalProperties"] is False  # taken out of schema: the component's, wherever used
    rule = Rule(name)
    rule.kind, rule.model = "RT_VALID_OBJECT", model
    rule.members += [("kind", rule.kind), ("model", "&api_%s__model" % model.c_name)]
    ctx.op_rules.append(rule)
    return rule, own


def check_style(ctx, param, p, own, at):
    """Refuse what the parameter's place, style, explode and type cannot carry (see the module's table)."""
    loc, style, kind = param.location, param.style, param.rule.kind
    if style not in STYLES[loc]:
        raise SpecError("%s/style: style %r is not supported in %s (supported: %s)"
                        % (at, style, loc, ", ".join(STYLES[loc])))
    if param.is_object:
        if style != "deepObject":
            raise SpecError("%s/schema: an object parameter is supported only in the query with style deepObject"
                            % at)
        if not param.explode:
            raise SpecError("%s/explode: deepObject is defined for explode true only" % at)
        for f in param.rule.model.fields:
            if f.read_only:
                raise SpecError("%s/schema: property %r of a deepObject parameter is readOnly, which is refused "
                                "from JSON bodies only" % (at, f.name))
            if f.rule.kind not in SCALARS or f.rule.nullable:
                raise SpecError("%s/schema: property %r of a deepObject parameter must be a string, integer, number "
                                "or boolean (not null): a query key carries one text" % (at, f.name))
        schema, where = p["schema"], at + "/schema"
        if "$ref" in schema:
            schema, where = ctx.resolve(schema["$ref"]), schema["$ref"]
        for pname, ps in schema.get("properties", {}).items():
            if isinstance(ps, dict) and "default" in ps:
                raise SpecError("%s/default: defaults are not applied to the properties of a deepObject parameter"
                                % pointer(where + "/properties", pname))
        param.closed = own.get("additionalProperties", True) is False
    elif style == "deepObject":
        raise SpecError("%s/style: deepObject needs an object schema with properties" % at)
    if param.is_array:
        item = param.rule.items
        if item.kind not in SCALARS or item.nullable:
            raise SpecError("%s/schema/items: the items of an array parameter must be strings, integers, numbers or "
                            "booleans (not null)" % at)
        if style in ("spaceDelimited", "pipeDelimited") and param.explode:
            raise SpecError("%s/explode: %s with explode true is the same as style form: use that" % (at, style))
        if loc == "cookie" and param.explode:
            raise SpecError("%s/explode: an exploded array cookie would be several cookies of one name, which a "
                            "Cookie header does not order reliably: set explode: false" % at)
    elif style in ("spaceDelimited", "pipeDelimited"):
        raise SpecError("%s/style: %s applies to arrays only" % (at, style))
    if param.allow_empty and (loc != "query" or kind not in SCALARS or style != "form"):
        raise SpecError("%s/allowEmptyValue: supported for scalar query parameters of style form only" % at)
    if param.max_items == 0 and "maxItems" in own:
        raise SpecError("%s/schema/maxItems: maxItems 0 is not supported (the parameter could only be empty)" % at)


def check_array_default(param, where):
    """Refuse an array default that its own schema refuses."""
    d = param.rule.default
    if not isinstance(d, list):
        raise SpecError("%s/schema/default: the default of an array parameter must be a list" % where)
    if len(d) < param.min_items or (param.max_items and len(d) > param.max_items) or \
            (param.unique_items and len(set(map(text_of, d))) != len(d)):
        raise SpecError("%s/schema/default: the default %r does not satisfy minItems/maxItems/uniqueItems: every "
                        "request without the parameter would be refused" % (where, d))


def param_key(p):
    """What identifies a parameter (OpenAPI: name and location; a header's name in any case)."""
    name = p["name"]
    return (name.lower() if p["in"] == "header" and isinstance(name, str) else name, p["in"])


def merged_params(ctx, shared, own):
    """{key: (parameter, its JSON pointer)} of the path item's (shared) and the operation's (own) parameters,
    each a list of (parameter, pointer): operation-level ones override path-level ones of the same name and place.
    A list naming one twice is refused: OpenAPI forbids it, and only one of the two could be enforced."""
    merged = {}
    for level in (shared, own):
        seen = {}
        for p, at in level:
            ref_at = at
            if "$ref" in p:
                at = p["$ref"]
                p = ctx.resolve(p["$ref"])
            key = param_key(p)
            if key in seen:
                raise SpecError("%s: parameter %r in %s is declared twice in one list (also at %s): only one of "
                                "the two would be enforced" % (ref_at, p["name"], p["in"], seen[key]))
            seen[key] = ref_at
            merged[key] = (p, at)
    return merged


def check_required(param, p, rule, at):
    """A path parameter is required: true (OpenAPI: it MUST be); a required one has no default (never applied)."""
    if param.location == "path" and p.get("required") is not True:
        raise SpecError("%s: path parameter %r must have required: true (OpenAPI requires it: a path without it "
                        "does not match the route)" % (at + "/required" if "required" in p else at, param.name))
    if param.required and rule.default is not None:
        raise SpecError("%s/schema/default: a default on a required parameter is never applied (a request without "
                        "it is refused): drop the default or required" % at)


def add_param(op, param, template_params):
    """Append param to op.params (a path parameter: at its place in the template)."""
    pname, at = param.name, param.at
    if param.location == "path":
        if pname not in template_params:
            raise SpecError("%s: path parameter %r is not in the template" % (at, pname))
        if pname in op.mixed_params and param.style != "simple":
            raise SpecError("%s/style: a parameter sharing its path segment with literal text must have style "
                            "simple" % at)
        param.path_index = template_params.index(pname)
        param.required = True
        param.has_flag = False
    op.params.append(param)


def build_params(ctx, op, shared, own, template_params, where):
    """Set op.params from the path item's (shared) and the operation's (own) parameters, each a list of
    (parameter, its JSON pointer) (merged_params())."""
    merged = merged_params(ctx, shared, own)
    op.params = []
    for (_, pin), (p, at) in merged.items():
        pname = p["name"]
        if pin not in ("path", "query", "header", "cookie"):
            raise SpecError("%s/in: parameters in %r are not supported" % (at, pin))
        if "schema" not in p and "content" not in p:
            raise SpecError("%s: parameter %r needs a schema (or content)" % (at, pname))
        for other in op.params:  # before its rule, whose C name is made from the same name
            if other.c_name == field_name(pname, at + "/name"):
                raise SpecError("%s/name: parameter %r in %s maps to the C name %s of parameter %r in %s: both "
                                "would be params->%s (rename one)" % (at, pname, pin, other.c_name, other.name,
                                                                      other.location, other.c_name))
        if "content" in p:
            param = Param(p, json_param_rule(ctx, op, p, at, field_name(pname, at + "/name")), at, {}, json=True)
            check_required(param, p, param.rule, at)
            if param.allow_empty and pin != "query":
                raise SpecError("%s/allowEmptyValue: applies to query parameters only" % at)
            add_param(op, param, template_params)
            continue
        rule, own_keys = param_rule(ctx, p, op, at)
        param = Param(p, rule, at, own_keys)
        check_required(param, p, rule, at)
        check_style(ctx, param, p, own_keys, at)
        if param.is_array and rule.default is not None:
            check_array_default(param, at)
        add_param(op, param, template_params)
    for tp in template_params:
        if (tp, "path") not in merged:
            raise SpecError("%s: template parameter {%s} is not declared" % (where, tp))
    names = {p.c_name: p for p in op.params}
    for p in op.params:
        other = names.get("has_" + p.c_name) if p.has_flag else None
        if other is not None:  # one struct member twice (api_<op>_params, the client's)
            raise SpecError("%s/name: parameter %r maps to the C name %s, the flag saying whether parameter %r was "
                            "sent (rename one)" % (other.at, other.name, other.c_name, p.name))
