#!/usr/bin/python3
"""Generate generated/ (C models, parameter tables, router, embedded spec, client) from openapi.yaml.

Usage:
  codegen/gen.py [--spec openapi.yaml] [--out generated] [--stamp FILE]   write what changed
  codegen/gen.py --check                                                  compare, write nothing

The generator only builds tables and thin typed wrappers; the logic they
drive lives in runtime/valid/ (rt_valid_*.c) and runtime/core/rt_url.c.
Everything it does not understand in the spec is an error, so that nothing
is silently left unvalidated.  Output is deterministic: no timestamps, no absolute paths,
spec order wherever the spec has one.

Run it with Debian's /usr/bin/python3 (python3-jinja2, python3-yaml).
"""

import argparse
import json
import os
import re
import subprocess
import sys

import jinja2
import yaml

# Must match RT_CODEGEN_ABI in runtime/valid/rt_valid.h.
CODEGEN_ABI = 2

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
TEMPLATES = os.path.join(HERE, "templates")

# template -> output file, in generation order
OUTPUTS = [
    ("api_models.h.j2", "api_models.h"),
    ("api_models.c.j2", "api_models.c"),
    ("api_ops.h.j2", "api_ops.h"),
    ("api_ops.c.j2", "api_ops.c"),
    ("api_spec.c.j2", "api_spec.c"),
    ("api.h.j2", "api.h"),
    ("api_client.h.j2", "api_client.h"),
    ("api_client.c.j2", "api_client.c"),
]

HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

C_KEYWORDS = set(
    """auto break case char const continue default do double else enum extern float for goto if inline
    int long register restrict return short signed sizeof static struct switch typedef union unsigned
    void volatile while _Bool _Complex _Imaginary bool true false errno req params body""".split()
)

# Keywords that only document a schema.
DOC_KEYWORDS = {"title", "description", "examples", "example", "deprecated", "readOnly", "writeOnly",
                "externalDocs", "xml", "discriminator", "$comment", "contentMediaType"}
NUMERIC_FORMATS = {"int32", "int64", "float", "double"}
STRING_FORMATS = {"email": "RT_VALID_FORMAT_EMAIL", "date-time": "RT_VALID_FORMAT_DATE_TIME",
                  "uuid": "RT_VALID_FORMAT_UUID"}


class SpecError(Exception):
    """The spec uses something the generator cannot turn into C faithfully."""


# --- loading ---

class SpecLoader(yaml.SafeLoader):
    """YAML without the 1.1 timestamp magic: dates stay strings, as in the JSON we serve."""


SpecLoader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_spec(path):
    with open(path, encoding="utf-8") as f:
        spec = yaml.load(f, Loader=SpecLoader)
    if not isinstance(spec, dict) or "paths" not in spec:
        raise SpecError("%s: not an OpenAPI document (no 'paths')" % path)
    return spec


# --- names and literals ---

def snake(name):
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s)
    s = re.sub(r"[^0-9A-Za-z]+", "_", s).strip("_").lower()
    if not s:
        raise SpecError("cannot make a C name from %r" % name)
    if s[0].isdigit():
        s = "_" + s
    return s


def field_name(name):
    s = snake(name)
    return s + "_" if s in C_KEYWORDS else s


def camel(name):
    return "".join(p[:1].upper() + p[1:] for p in re.split(r"[^0-9A-Za-z]+", name) if p)


def c_string(s):
    """A C string literal for s (UTF-8), escaping everything that is not plain printable ASCII."""
    out = ['"']
    prev = ""
    for b in s.encode("utf-8"):
        c = chr(b)
        if c in '"\\':
            out.append("\\" + c)
        elif c == "?" and prev == "?":
            out.append("\\?")  # no trigraphs
        elif 0x20 <= b < 0x7F:
            out.append(c)
        elif c == "\n":
            out.append("\\n")
        elif c == "\t":
            out.append("\\t")
        else:
            out.append("\\%03o" % b)
        prev = c
    out.append('"')
    return "".join(out)


def c_comment(s):
    """Text safe inside /* */ on one line."""
    return re.sub(r"\s+", " ", str(s)).replace("*/", "* /").strip()


def py_number_text(v):
    """The number as Python (pydantic's messages) prints the constraint."""
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise SpecError("expected a number, got %r" % (v,))
    return str(v) if isinstance(v, int) else repr(float(v))


def c_double(v):
    if isinstance(v, int):
        return str(v)
    r = repr(float(v))
    if r in ("inf", "-inf", "nan"):
        raise SpecError("non-finite bound %r" % v)
    return r


def posix_regex(pattern):
    r"""Rewrite the few Perl classes POSIX ERE lacks (\d, \D); refuse what ERE cannot express."""
    out, i, in_bracket = [], 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            n = pattern[i + 1]
            if n == "d":
                out.append("0-9" if in_bracket else "[0-9]")
            elif n == "D" and not in_bracket:
                out.append("[^0-9]")
            elif n in "wWsSbB" and not in_bracket or n in ".^$|()[]{}*+?\\/-":
                out.append(c + n)  # glibc regcomp knows \w \s \b; escapes of specials are plain ERE
            else:
                raise SpecError("pattern %r: \\%s is not supported by POSIX ERE" % (pattern, n))
            i += 2
            continue
        if c == "(" and pattern[i + 1:i + 2] == "?":
            raise SpecError("pattern %r: (?...) groups are not supported by POSIX ERE" % pattern)
        if c == "[" and not in_bracket:
            in_bracket = True
            out.append(c)
            if pattern[i + 1:i + 2] == "^":
                out.append("^")
                i += 1
            if pattern[i + 1:i + 2] == "]":
                out.append("]")
                i += 1
        elif c == "]" and in_bracket:
            in_bracket = False
            out.append(c)
        else:
            out.append(c)
        i += 1
    return "".join(out)


# --- the model ---

class Ctx:
    """Everything collected from the spec, handed to the templates."""

    def __init__(self, spec, spec_name):
        self.spec = spec
        self.spec_name = spec_name
        self.models = []          # Model, in spec order (components first, then inline ones as met)
        self.models_by_key = {}   # "#/components/schemas/X" or inline name -> Model
        self.rules = []           # (owner, Rule) for rules in api_models.c
        self.op_rules = []        # Rule for rules in api_ops.c
        self.patterns = []        # Pattern in api_models.c
        self.op_patterns = []     # Pattern in api_ops.c
        self.enums = []           # (macro, value) constants for string enums
        self.ops = []

    def resolve(self, ref, seen=()):
        if not ref.startswith("#/"):
            raise SpecError("only local $ref are supported, not %r" % ref)
        node = self.spec
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, dict) or part not in node:
                raise SpecError("unresolved $ref %r" % ref)
            node = node[part]
        if isinstance(node, dict) and "$ref" in node:
            if ref in seen:
                raise SpecError("$ref cycle through %r" % ref)
            return self.resolve(node["$ref"], seen + (ref,))
        return node


class Pattern:
    def __init__(self, name, source):
        self.name = name
        self.source = source
        self.regex = posix_regex(source)
        self.source_c = c_string(source)
        self.regex_c = c_string(self.regex)


class Rule:
    """One struct rt_valid_rule."""

    def __init__(self, name):
        self.name = name
        self.kind = "RT_VALID_ANY"
        self.nullable = False
        self.members = []      # (member, C initializer) in struct order
        self.summary = []      # words for comments: "0 <= x <= 60", "format email"
        self.model = None      # Model for objects
        self.items = None      # Rule for arrays
        self.enum_name = None
        self.enum_values = None
        self.pattern = None
        self.default = None

    @property
    def c_init(self):
        return self.members


class Field:
    def __init__(self, name, rule, required):
        self.name = name
        self.c_name = field_name(name)
        self.name_c = c_string(name)
        self.rule = rule
        self.required = required
        self.has_flag = False
        self.c_decl = None
        self.comment = None


class Model:
    def __init__(self, schema_name, c_name, description):
        self.schema_name = schema_name
        self.c_name = c_name
        self.schema_name_c = c_string(schema_name)
        self.description = c_comment(description) if description else None
        self.fields = []
        self.is_http_error = False


def make_bound(rule, member, value, exclusive):
    text = py_number_text(value)
    is_int = isinstance(value, int)
    init = "{.text = %s, .value = %s%s%s}" % (c_string(text), c_double(value),
                                              ", .exclusive = true" if exclusive else "",
                                              ", .is_int = true" if is_int else "")
    rule.members.append((member, init))


def check_keywords(schema, allowed, where):
    unknown = sorted(set(schema) - allowed - DOC_KEYWORDS)
    if unknown:
        raise SpecError("%s: unsupported schema keyword(s) %s" % (where, ", ".join(unknown)))


def build_rule(ctx, schema, name, where, inline_name, for_ops=False, nested=False):
    """Turn a schema into a Rule; inline object schemas become models named inline_name."""
    rules = ctx.op_rules if for_ops else ctx.rules
    patterns = ctx.op_patterns if for_ops else ctx.patterns
    rule = Rule(name)
    if not isinstance(schema, dict):
        raise SpecError("%s: schema must be a mapping" % where)

    if "$ref" in schema:
        check_keywords(schema, {"$ref"}, where)
        target = ctx.resolve(schema["$ref"])
        key = schema["$ref"]
        if is_object_schema(target):
            model = model_for(ctx, key, key.rsplit("/", 1)[-1], target)
            rule.kind, rule.model = "RT_VALID_OBJECT", model
            rule.members.append(("kind", rule.kind))
            rule.members.append(("model", "&api_%s__model" % model.c_name))
            rules.append(rule)
            return rule
        # a scalar schema by reference: validate it inline
        return build_rule(ctx, target, name, where + " -> " + key, inline_name, for_ops)

    schema = dict(schema)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            alts = schema.pop(key)
            non_null = [a for a in alts if not (isinstance(a, dict) and a.get("type") == "null")]
            if len(non_null) == 1 and len(non_null) < len(alts):
                # FastAPI's Optional[X]: anyOf [X, {type: null}]
                inner = build_rule(ctx, dict(non_null[0], **{k: v for k, v in schema.items()
                                                            if k not in DOC_KEYWORDS and k != "default"}),
                                   name, where, inline_name, for_ops, nested)
                inner.nullable = True
                inner.members.insert(1, ("nullable", "true"))
                return inner
            # a union of several types: kept as any JSON value
            check_keywords(schema, {"default"}, where)
            rule.summary.append(key)
            rule.members.append(("kind", rule.kind))
            rules.append(rule)
            return rule
    if "allOf" in schema:
        alts = schema.pop("allOf")
        if len(alts) != 1:
            raise SpecError("%s: allOf with more than one schema is not supported" % where)
        return build_rule(ctx, dict(alts[0]), name, where, inline_name, for_ops, nested)

    types = schema.get("type")
    if types is None:
        types = []
    elif isinstance(types, str):
        types = [types]
    if "null" in types or schema.get("nullable") is True:
        rule.nullable = True
    types = [t for t in types if t != "null"]
    if len(types) > 1:
        raise SpecError("%s: several types %s are not supported" % (where, types))
    t = types[0] if types else None
    if t is None and ("properties" in schema):
        t = "object"

    if t is None:
        check_keywords(schema, {"type", "default", "nullable"}, where)
        rule.kind = "RT_VALID_ANY"
    elif t == "string":
        check_keywords(schema, {"type", "minLength", "maxLength", "pattern", "format", "enum", "default",
                                "nullable"}, where)
        rule.kind = "RT_VALID_STRING"
        if "minLength" in schema and schema["minLength"] > 0:
            rule.members.append(("min_length", str(int(schema["minLength"]))))
        if "maxLength" in schema:
            if int(schema["maxLength"]) <= 0:
                raise SpecError("%s: maxLength must be positive" % where)
            rule.members.append(("max_length", str(int(schema["maxLength"]))))
        if "minLength" in schema and "maxLength" in schema:
            rule.summary.append("%s..%s characters" % (schema["minLength"], schema["maxLength"]))
        elif "minLength" in schema:
            rule.summary.append("at least %s characters" % schema["minLength"])
        elif "maxLength" in schema:
            rule.summary.append("at most %s characters" % schema["maxLength"])
        if "pattern" in schema:
            rule.pattern = Pattern("pattern_" + name[len("rule_"):], schema["pattern"])
            patterns.append(rule.pattern)
            rule.members.append(("pattern", "&" + rule.pattern.name))
            rule.summary.append("pattern " + c_comment(schema["pattern"]))
        if "format" in schema:
            fmt = schema["format"]
            if fmt not in STRING_FORMATS:
                raise SpecError("%s: string format %r is not supported (supported: %s)"
                                % (where, fmt, ", ".join(sorted(STRING_FORMATS))))
            rule.members.append(("format", STRING_FORMATS[fmt]))
            rule.summary.append("format " + fmt)
        if "enum" in schema:
            values = schema["enum"]
            if not values or not all(isinstance(v, str) for v in values):
                raise SpecError("%s: only non-empty enums of strings are supported" % where)
            rule.enum_name = "enum_" + name[len("rule_"):]
            rule.enum_raw = list(values)
            rule.enum_values = [c_string(v) for v in values]
            rule.members.append(("enum_values", rule.enum_name))
            rule.summary.append("one of " + ", ".join(values))
    elif t in ("integer", "number"):
        check_keywords(schema, {"type", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "format",
                                "default", "nullable"}, where)
        if "format" in schema and schema["format"] not in NUMERIC_FORMATS:
            raise SpecError("%s: number format %r is not supported" % (where, schema["format"]))
        rule.kind = "RT_VALID_INTEGER" if t == "integer" else "RT_VALID_NUMBER"
        lo = hi = None
        # OpenAPI 3.1: exclusiveMinimum is the bound; 3.0: a flag on minimum.
        if isinstance(schema.get("exclusiveMinimum"), bool):
            if schema["exclusiveMinimum"]:
                lo = ("minimum", schema["minimum"], True)
        elif "exclusiveMinimum" in schema:
            lo = ("minimum", schema["exclusiveMinimum"], True)
        if lo is None and "minimum" in schema:
            lo = ("minimum", schema["minimum"], False)
        if isinstance(schema.get("exclusiveMaximum"), bool):
            if schema["exclusiveMaximum"]:
                hi = ("maximum", schema["maximum"], True)
        elif "exclusiveMaximum" in schema:
            hi = ("maximum", schema["exclusiveMaximum"], True)
        if hi is None and "maximum" in schema:
            hi = ("maximum", schema["maximum"], False)
        for b in (lo, hi):
            if b is not None:
                make_bound(rule, b[0], b[1], b[2])
        if lo or hi:
            rule.summary.append("%s%sx%s%s" % (py_number_text(lo[1]) if lo else "", (" < " if lo[2] else " <= ") if lo else "",
                                               (" < " if hi[2] else " <= ") if hi else "", py_number_text(hi[1]) if hi else ""))
    elif t == "boolean":
        check_keywords(schema, {"type", "default", "nullable"}, where)
        rule.kind = "RT_VALID_BOOLEAN"
    elif t == "array":
        check_keywords(schema, {"type", "items", "default", "nullable"}, where)
        if nested:
            raise SpecError("%s: arrays of arrays are not supported" % where)
        rule.kind = "RT_VALID_ARRAY"
        rule.items = build_rule(ctx, schema.get("items", {}), name + "_items", where + ".items",
                                inline_name + "Item", for_ops, nested=True)
        if rule.items.kind == "RT_VALID_ARRAY":
            raise SpecError("%s: arrays of arrays are not supported" % where)
        rule.members.append(("items", "&" + rule.items.name))
    elif t == "object":
        if is_object_schema(schema):
            model = model_for(ctx, inline_name, inline_name, schema)
            rule.kind, rule.model = "RT_VALID_OBJECT", model
            rule.members.append(("model", "&api_%s__model" % model.c_name))
        else:
            # a free-form object (additionalProperties only): any JSON object, kept as JSON
            check_keywords(schema, {"type", "additionalProperties", "default", "nullable"}, where)
            rule.kind = "RT_VALID_ANY"
    else:
        raise SpecError("%s: type %r is not supported" % (where, t))

    rule.members.insert(0, ("kind", rule.kind))
    if rule.nullable:
        rule.members.insert(1, ("nullable", "true"))
    if "default" in schema and schema["default"] is not None:
        rule.default = schema["default"]
    rules.append(rule)
    return rule


def is_object_schema(schema):
    return isinstance(schema, dict) and "properties" in schema and "$ref" not in schema


# Strings are const char * everywhere: handlers fill reply models with literals and data they do not own, and
# the runtime allocates and frees the strings of the models it parses (rt_valid_model).
C_SCALAR = {"RT_VALID_STRING": "const char *", "RT_VALID_INTEGER": "int64_t", "RT_VALID_NUMBER": "double",
            "RT_VALID_BOOLEAN": "bool", "RT_VALID_ANY": "struct json_object *"}


def c_item_type(rule):
    if rule.kind == "RT_VALID_OBJECT":
        return "struct api_%s" % rule.model.c_name
    return C_SCALAR[rule.kind]


def model_for(ctx, key, schema_name, schema):
    """The Model for an object schema, created (and its fields built) on first use."""
    if key in ctx.models_by_key:
        return ctx.models_by_key[key]
    c_name = snake(schema_name)
    if any(m.c_name == c_name for m in ctx.models):
        raise SpecError("two schemas map to the C name api_%s" % c_name)
    model = Model(schema_name, c_name, schema.get("description") or schema.get("title"))
    ctx.models_by_key[key] = model
    ctx.models.append(model)
    check_keywords(schema, {"type", "properties", "required", "additionalProperties"}, "schema " + schema_name)
    required = set(schema.get("required", []))
    for pname, pschema in schema["properties"].items():
        rule = build_rule(ctx, pschema, "rule_%s_%s" % (c_name, field_name(pname)), "%s.%s" % (schema_name, pname),
                          schema_name + camel(pname))
        f = Field(pname, rule, pname in required)
        if rule.kind == "RT_VALID_ARRAY":
            t = c_item_type(rule.items)
            f.c_decl = "struct {\n        size_t len;\n        %s%s*items;\n    } %s;" % (
                t, "" if t.endswith("*") else " ", f.c_name)
        elif rule.kind == "RT_VALID_OBJECT":
            f.c_decl = "struct api_%s *%s;" % (rule.model.c_name, f.c_name)
        else:
            t = C_SCALAR[rule.kind]
            f.c_decl = "%s%s%s;" % (t, "" if t.endswith("*") else " ", f.c_name)
            f.has_flag = rule.kind in ("RT_VALID_INTEGER", "RT_VALID_NUMBER", "RT_VALID_BOOLEAN") and (
                rule.nullable or not f.required)
        words = ["required" if f.required else "optional"]
        if rule.nullable:
            words.append("nullable")
        words += rule.summary
        if rule.kind == "RT_VALID_ANY":
            words.append("any JSON value")
        f.comment = c_comment(", ".join(words))
        if rule.enum_values:
            for v in rule.enum_raw:
                ctx.enums.append(("API_%s_%s_%s" % (c_name.upper(), f.c_name.upper().rstrip("_"), snake(v).upper()),
                                  c_string(v)))
        model.fields.append(f)
    names = [f.name for f in model.fields]
    model.is_http_error = (names == ["detail"] and model.fields[0].rule.kind == "RT_VALID_STRING"
                           and model.fields[0].required)
    return model


# --- operations ---

class Param:
    def __init__(self, spec_param, rule, op):
        self.name = spec_param["name"]
        self.name_c = c_string(self.name)
        self.c_name = field_name(self.name)
        self.location = spec_param["in"]
        self.required = bool(spec_param.get("required", self.location == "path"))
        self.rule = rule
        self.default_c = None
        if rule.default is not None:
            d = rule.default
            text = ("true" if d else "false") if isinstance(d, bool) else \
                py_number_text(d) if isinstance(d, (int, float)) else str(d)
            self.default_c = c_string(text)
        # an absent string parameter is just NULL; other optional ones without default get has_<name>
        self.has_flag = not self.required and self.default_c is None and rule.kind != "RT_VALID_STRING"
        t = {"RT_VALID_STRING": "const char *", "RT_VALID_INTEGER": "int64_t", "RT_VALID_NUMBER": "double",
             "RT_VALID_BOOLEAN": "bool"}.get(rule.kind)
        if t is None:
            raise SpecError("%s: parameter %r must be a string, integer, number or boolean" % (op, self.name))
        self.c_decl = "%s%s%s;" % (t, "" if t.endswith("*") else " ", self.c_name)
        words = [self.location, "required" if self.required else "optional"]
        if self.default_c:
            words.append("default " + c_comment(self.default_c.strip('"')))
        self.comment = c_comment(", ".join(words + rule.summary))
        self.path_index = 0


class Response:
    def __init__(self, status, model, any_json, detail, text_type=None):
        self.status = status
        self.model = model          # Model, or None
        self.any_json = any_json    # body is {} / not an object schema: struct json_object *
        self.detail = detail        # HTTPError-shaped: also a _detail variant
        self.text_type = text_type  # C literal of a text/* media type: the body is text the handler renders


class Operation:
    pass


def json_content_schema(node, where):
    content = node.get("content") or {}
    for media, body in content.items():
        mt = media.split(";")[0].strip().lower()
        if mt == "application/json" or (mt.startswith("application/") and mt.endswith("+json")):
            return body.get("schema", {}) if isinstance(body, dict) else {}
    return None


def text_content_type(node, where):
    """The media type of a text/* body (a string schema), as a C literal; None if the content is not text."""
    content = node.get("content") or {}
    for media, body in content.items():
        if not media.split(";")[0].strip().lower().startswith("text/"):
            continue
        schema = body.get("schema", {}) if isinstance(body, dict) else {}
        if schema.get("type") != "string":
            raise SpecError("%s: a %s body must have a string schema" % (where, media))
        return c_string(media)
    return None


CLIENT_C_TYPE = {"RT_VALID_STRING": "const char *", "RT_VALID_INTEGER": "int64_t", "RT_VALID_NUMBER": "double",
                 "RT_VALID_BOOLEAN": "bool"}


def client_operation(op):
    """What the client templates need: path parameters as C arguments, the rest in a struct."""
    op.id_c = c_string(op.id)
    op.summary_c = c_string(op.summary or "")
    op.method_c = c_string(op.method)
    op.path_params = sorted([p for p in op.params if p.location == "path"], key=lambda p: p.path_index)
    op.other_params = [p for p in op.params if p.location != "path"]
    op.client_args = []
    for p in op.path_params:
        t = CLIENT_C_TYPE[p.rule.kind]
        op.client_args.append("%s%s%s" % (t, "" if t.endswith("*") else " ", p.c_name))
    for p in op.params:
        t = CLIENT_C_TYPE[p.rule.kind]
        p.client_decl = "%s%s%s;" % (t, "" if t.endswith("*") else " ", p.c_name)
        p.client_has_flag = p.rule.kind != "RT_VALID_STRING"
        p.summary_c = c_string(p.comment)
        p.kind_word = {"RT_VALID_STRING": "string", "RT_VALID_INTEGER": "integer", "RT_VALID_NUMBER": "number",
                       "RT_VALID_BOOLEAN": "boolean"}[p.rule.kind]
    op.client_params = op.path_params + op.other_params  # the order of api_client_ops[].params
    op.model_responses = [r for r in op.responses if r.model]


def build_operations(ctx):
    seen_ids = set()
    for path, item in ctx.spec["paths"].items():
        if not path.startswith("/"):
            raise SpecError("path %r must start with '/'" % path)
        if "$ref" in item:
            item = ctx.resolve(item["$ref"])
        shared = item.get("parameters", [])
        for method in HTTP_METHODS:
            if method not in item:
                continue
            spec_op = item[method]
            op = Operation()
            op.method = method.upper()
            op.path = path
            where = "%s %s" % (op.method, path)
            if "operationId" not in spec_op:
                raise SpecError("%s: operationId is required" % where)
            op.id = spec_op["operationId"]
            if op.id in seen_ids:
                raise SpecError("operationId %r is used twice" % op.id)
            seen_ids.add(op.id)
            op.c_name = snake(op.id)
            op.summary = c_comment(spec_op.get("summary", "")) if spec_op.get("summary") else None
            op.path_c = c_string(path)
            op.methods_c = "RT_METHOD_GET | RT_METHOD_HEAD" if op.method == "GET" else "RT_METHOD_" + op.method
            op.not_implemented_c = c_string("Operation '%s' (%s %s) is not implemented yet" % (op.id, op.method, path))

            # path template
            op.segments = []
            template_params = []
            for seg in path[1:].split("/"):
                m = re.fullmatch(r"\{([^{}]+)\}", seg)
                if m:
                    op.segments.append("NULL")
                    template_params.append(m.group(1))
                elif "{" in seg or "}" in seg:
                    raise SpecError("%s: a parameter must be a whole path segment" % where)
                else:
                    op.segments.append(c_string(seg))
            if len(template_params) > 16:
                raise SpecError("%s: too many path parameters" % where)
            op.precedence = tuple(1 if s == "NULL" else 0 for s in op.segments)

            # parameters: operation-level ones override path-level ones of the same name and place
            merged = {}
            for p in list(shared) + list(spec_op.get("parameters", [])):
                if "$ref" in p:
                    p = ctx.resolve(p["$ref"])
                merged[(p["name"], p["in"])] = p
            op.params = []
            for (pname, pin), p in merged.items():
                if pin not in ("path", "query", "header"):
                    raise SpecError("%s: parameters in %r are not supported" % (where, pin))
                if "schema" not in p:
                    raise SpecError("%s: parameter %r needs a schema" % (where, pname))
                rule = build_rule(ctx, p["schema"], "rule_%s_%s" % (op.c_name, field_name(pname)),
                                  "%s parameter %s" % (where, pname), camel(op.id) + camel(pname), for_ops=True)
                param = Param(p, rule, where)
                if pin == "path":
                    if pname not in template_params:
                        raise SpecError("%s: path parameter %r is not in the template" % (where, pname))
                    param.path_index = template_params.index(pname)
                    param.required = True
                    param.has_flag = False
                op.params.append(param)
            for tp in template_params:
                if (tp, "path") not in merged:
                    raise SpecError("%s: template parameter {%s} is not declared" % (where, tp))
            if len({p.c_name for p in op.params}) != len(op.params):
                raise SpecError("%s: two parameters map to the same C name" % where)

            # body
            op.body = None
            op.body_required = False
            if "requestBody" in spec_op:
                rb = spec_op["requestBody"]
                if "$ref" in rb:
                    rb = ctx.resolve(rb["$ref"])
                schema = json_content_schema(rb, where)
                if schema is None:
                    raise SpecError("%s: only application/json request bodies are supported" % where)
                rule = build_rule(ctx, schema, "rule_%s_body" % op.c_name, where + " body", camel(op.id) + "Body")
                if rule.kind != "RT_VALID_OBJECT":
                    raise SpecError("%s: the request body must be an object schema" % where)
                ctx.rules.remove(rule)  # only its model is used
                op.body = rule.model
                op.body_required = bool(rb.get("required", False))

            # responses
            op.responses = []
            for status, resp in (spec_op.get("responses") or {}).items():
                status = str(status)
                if not re.fullmatch(r"[1-5][0-9][0-9]", status):
                    continue  # "default", "4XX": nothing to generate
                if "$ref" in resp:
                    resp = ctx.resolve(resp["$ref"])
                schema = json_content_schema(resp, where)
                model, any_json, text_type = None, False, None
                if schema is None:
                    text_type = text_content_type(resp, "%s response %s" % (where, status))
                    if text_type is None and resp.get("content"):
                        raise SpecError("%s response %s: only JSON and text/* bodies are supported" % (where, status))
                else:
                    if "$ref" in schema and is_object_schema(ctx.resolve(schema["$ref"])):
                        model = model_for(ctx, schema["$ref"], schema["$ref"].rsplit("/", 1)[-1],
                                          ctx.resolve(schema["$ref"]))
                    elif is_object_schema(schema):
                        model = model_for(ctx, camel(op.id) + status, camel(op.id) + status, schema)
                    else:
                        any_json = True
                op.responses.append(Response(int(status), model, any_json, bool(model and model.is_http_error),
                                             text_type))

            op.has_params = bool(op.params or op.body)
            client_operation(op)
            op.index = len(ctx.ops)
            op.enum = "API_OP_" + op.c_name.upper()
            ctx.ops.append(op)
    # Routes: literal segments before parameters (OpenAPI's matching rule), else spec order.
    ctx.routes = sorted(ctx.ops, key=lambda o: (o.precedence, o.index))


def build(spec, spec_name):
    ctx = Ctx(spec, spec_name)
    # Every component schema gets a model, in spec order, used or not.
    for name, schema in ((ctx.spec.get("components") or {}).get("schemas") or {}).items():
        if is_object_schema(schema):
            model_for(ctx, "#/components/schemas/" + name, name, schema)
    build_operations(ctx)
    ctx.client_kinds = sorted({p.rule.kind for op in ctx.ops for p in op.params})
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


# --- output ---

def render(ctx):
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), undefined=jinja2.StrictUndefined,
                             keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True, autoescape=False)
    out = {}
    for template, name in OUTPUTS:
        banner = "/* Generated by codegen/gen.py from %s (template: %s). DO NOT EDIT! */" % (ctx.spec_name, template)
        out[name] = env.get_template(template).render(ctx=ctx, banner=banner)
    return out


def spec_display_name(spec_path):
    """How the banner names the spec: relative to the repository, never absolute."""
    absolute = os.path.abspath(spec_path)
    rel = os.path.relpath(absolute, REPO)
    return os.path.basename(absolute) if rel.startswith("..") else rel


def generate(spec_path):
    return render(build(load_spec(spec_path), spec_display_name(spec_path)))


def write_outputs(files, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    changed = []
    for name, text in files.items():
        path = os.path.join(out_dir, name)
        try:
            with open(path, encoding="utf-8") as f:
                if f.read() == text:
                    continue
        except FileNotFoundError:
            pass
        tmp = path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
        changed.append(name)
    return changed


def git(*args):
    return subprocess.run(["git", "-C", REPO] + list(args), capture_output=True, text=True)


def check(files, out_dir, spec_path):
    """Compare with out_dir and, in a clean git checkout, with the committed generated/. @return problems."""
    problems = []
    for name, text in files.items():
        path = os.path.join(out_dir, name)
        try:
            with open(path, encoding="utf-8") as f:
                if f.read() != text:
                    problems.append("%s differs from what gen.py generates now" % path)
        except FileNotFoundError:
            problems.append("%s is missing" % path)
    default_out = os.path.abspath(out_dir) == os.path.join(REPO, "generated")
    default_spec = os.path.abspath(spec_path) == os.path.join(REPO, "openapi.yaml")
    if not (default_out and default_spec):
        return problems
    if git("rev-parse", "--verify", "-q", "HEAD").returncode != 0:
        print("gen.py --check: not a git checkout with commits; skipped the comparison with HEAD")
        return problems
    dirty = git("status", "--porcelain", "--", "openapi.yaml", "codegen/")
    if dirty.returncode != 0 or dirty.stdout.strip():
        print("gen.py --check: openapi.yaml or codegen/ has uncommitted changes; skipped the comparison with HEAD")
        return problems
    for name, text in files.items():
        shown = git("show", "HEAD:generated/" + name)
        if shown.returncode != 0:
            problems.append("generated/%s is not committed" % name)
        elif shown.stdout != text:
            problems.append("the committed generated/%s is stale: regenerate and commit it" % name)
    return problems


def main(argv=None):
    ap = argparse.ArgumentParser(description="Generate C from the OpenAPI spec.")
    ap.add_argument("--spec", default=os.path.join(REPO, "openapi.yaml"))
    ap.add_argument("--out", default=os.path.join(REPO, "generated"))
    ap.add_argument("--check", action="store_true", help="compare with --out (and HEAD) instead of writing")
    ap.add_argument("--stamp", help="touch this file after a successful run (for the build)")
    args = ap.parse_args(argv)
    try:
        files = generate(args.spec)
    except (SpecError, OSError, yaml.YAMLError, jinja2.TemplateError) as e:
        print("gen.py: %s" % e, file=sys.stderr)
        return 1
    if args.check:
        problems = check(files, args.out, args.spec)
        for p in problems:
            print("gen.py --check: %s" % p, file=sys.stderr)
        if problems:
            print("gen.py --check: run codegen/gen.py (or build the 'codegen' target) and commit generated/",
                  file=sys.stderr)
            return 1
        print("gen.py --check: generated/ is up to date")
        return 0
    for name in write_outputs(files, args.out):
        print("gen.py: wrote %s" % os.path.join(os.path.relpath(args.out), name))
    if args.stamp:
        with open(args.stamp, "w", encoding="utf-8") as f:
            f.write("")
    return 0


if __name__ == "__main__":
    sys.exit(main())
