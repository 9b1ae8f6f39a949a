"""Schemas: a JSON Schema -> Rule (one struct rt_valid_rule), an object schema -> Model (one C struct).

build_rule() and model_for() call each other: a property's schema may be an object (a Model of its own), an
object's properties are Rules.  Rules and patterns are listed in ctx in the order they are built, which is the
order of their definitions in the generated C.  `where` is the JSON pointer of the schema being built (of the
target, for a $ref), which the messages name.
"""

import json
import re

from .defaults import beyond_rule_valid, bound, check_default, check_union_default
from .document import pointer
from .jsonschema import FORMAT_RANGES, needs_schema, schema_table, simple_types
from .refs import ref_target
from .keywords import is_null_schema
from .model import Field, Model, Pattern, Rule
from .cnames import MODEL_NAMES, claim_union
from .names import (C_SCALAR, c_comment, c_decl, c_double, c_names, c_string, camel, field_name, py_number_text,
                    snake, snake_or_empty)
from .refusals import (DOC_KEYWORDS, KEYWORDS, SpecError, check_keywords, check_number_format, check_string_enum,
                       string_format, with_length_format)
from .unions import union_field, union_rule as union_rule_tagged


def is_object_schema(schema):
    """Whether schema describes an object with properties, i.e. a Model (not a free-form object)."""
    return isinstance(schema, dict) and schema.get("properties", {}) != {} and "$ref" not in schema


def rule_list(ctx, for_ops):
    """Where a rule is defined: api_ops.c (parameters) or api_models.c (everything else)."""
    return ctx.op_rules if for_ops else ctx.rules


def build_rule(ctx, schema, name, where, inline_name, for_ops=False, nested=False):
    """Turn a schema into a Rule; inline object schemas become models named inline_name.

    name is the C name of the rule (rule_<owner>_<field>), where names the schema in error messages, for_ops
    puts the rule in api_ops.c instead of api_models.c, nested says the schema is an array's items.
    """
    try:
        generic = needs_schema(ctx, schema, nested)
    except SpecError as e:  # a $ref it followed: name where it was met
        raise SpecError("%s: %s" % (where, e))
    if generic and for_ops:
        rule = checked_scalar_rule(ctx, schema, name, where, inline_name, nested)
        if rule is not None:
            return rule
    if generic:
        return schema_rule(ctx, schema, name, where, for_ops)
    if "$ref" in schema:
        return ref_rule(ctx, schema, name, where, inline_name, for_ops)
    schema = dict(schema)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return union_rule(ctx, schema, key, name, where, inline_name, for_ops, nested)
    if "allOf" in schema:
        alts = schema.pop("allOf")
        if len(alts) != 1:
            raise SpecError("%s/allOf: allOf with more than one schema is not supported" % where)
        inner = dict(alts[0], **({"default": schema["default"]} if "default" in schema else {}))
        return build_rule(ctx, inner, name, where + "/allOf/0", inline_name, for_ops, nested)

    rule = Rule(name)
    t = schema_type(schema, rule, where)
    if t is None:
        check_keywords(schema, "any", where)
        rule.kind = "RT_VALID_ANY"
    elif t == "string":
        string_rule(ctx, schema, rule, where, for_ops)
    elif t in ("integer", "number"):
        number_rule(schema, rule, t, where)
    elif t == "boolean":
        check_keywords(schema, "boolean", where)
        rule.kind = "RT_VALID_BOOLEAN"
    elif t == "array":
        array_rule(ctx, schema, rule, where, inline_name, for_ops, nested)
    elif t == "object":
        object_rule(ctx, schema, rule, where, inline_name)
    else:
        raise SpecError("%s/type: type %r is not supported" % (where, t))

    rule.members.insert(0, ("kind", rule.kind))
    if rule.nullable:
        rule.members.insert(1, ("nullable", "true"))
    if ctx.lax and not for_ops:
        rule.members.append(("lax", "true"))  # JSON bodies: JSON's types unless --lax (parameters are text)
    if "default" in schema and schema["default"] is not None:
        rule.default = schema["default"]
        if for_ops:
            check_default(schema, t, where)
    add_rule(ctx, rule, for_ops, where)
    return rule


def schema_rule(ctx, schema, name, where, for_ops):
    """A schema beyond what a Rule enforces: any JSON value, validated in full against its JSON Schema table
    (jsonschema.py, rt_valid_schema)."""
    if for_ops:
        raise SpecError("%s: this parameter schema is not supported%s: a parameter is text, read into a string, "
                        "integer, number or boolean, an array of those or (deepObject) an object of those, each "
                        "with its own keywords (params.py); it is never a JSON value that the JSON Schema "
                        "validator could check" % (where, param_schema_why(schema)))
    rule = Rule(name)
    rule.members.append(("kind", rule.kind))
    rule.members.append(("schema", "&" + schema_table(ctx, schema, where)))
    rule.summary.append("JSON Schema")
    if ctx.lax:
        rule.members.append(("lax", "true"))
    add_rule(ctx, rule, for_ops, where)
    return rule


def param_schema_why(schema):
    """What makes schema more than a parameter's one type, for the refusal (", " and the construct, or "")."""
    if not isinstance(schema, dict):
        return ""
    types = schema.get("type")
    if isinstance(types, list) and len([t for t in types if t != "null"]) > 1:
        return " (several types %s: a text is read into one type; declare one)" % types
    unions = [k for k in ("anyOf", "oneOf", "allOf", "not", "if") if k in schema]
    if unions:
        return " (%s: a text is read into one type, checked by that type's keywords; a string or an array of " \
               "strings is type: array, items: {type: string}, one value being an array of one)" % "/".join(unions)
    if types is None:
        return " (no type, with %s: a text is read into the type the schema declares; declare one)" % ", ".join(
            sorted(k for k in schema if k not in DOC_KEYWORDS and not k.startswith("x-")))
    return ""


def checked_scalar_rule(ctx, schema, name, where, inline_name, nested):
    """A parameter's string, integer, number or boolean schema with keywords beyond its Rule (an integer enum,
    const, multipleOf, not...): the Rule reads the text into its type within its own keywords, then the whole
    schema, a JSON Schema table (rule->schema), checks the value read.  None if the schema is not one."""
    target = schema
    while isinstance(target, dict) and set(target) - DOC_KEYWORDS == {"$ref"}:
        target = ref_target(ctx, target["$ref"])[0]
    kind = target.get("type") if isinstance(target, dict) else None
    if kind not in ("string", "integer", "number", "boolean") or target.get("nullable") is True:
        return None
    kind_keys = KEYWORDS["number" if kind in ("integer", "number") else kind]
    reduced = {k: v for k, v in target.items() if k in kind_keys or k in DOC_KEYWORDS}
    if kind == "string" and not all(isinstance(v, str) for v in reduced.get("enum", [""])):
        del reduced["enum"]  # a string rule's enum holds strings; the table checks the others
    if needs_schema(ctx, reduced, nested):
        return None
    rule = build_rule(ctx, reduced, name, where, inline_name, True, nested)
    if rule.default is not None and not beyond_rule_valid(target, rule.default):
        raise SpecError("%s/default: the default %r is not valid against its own schema (its enum, const or "
                        "multipleOf)" % (where, rule.default))
    # the rule is in api_ops.c, the tables in api_models.c: exported (api_models.h declares it)
    table = schema_table(ctx, schema, where, export="api_%s__schema" % name)
    ctx.body_schemas.append((table, where))
    rule.members.append(("schema", "&" + table))
    rule.summary.append("then its whole JSON Schema")
    return rule


def add_rule(ctx, rule, for_ops, where):
    """List rule where it is defined; two rules with one C name (a property x_items beside an array x's items
    rule, ...) are refused."""
    rules = rule_list(ctx, for_ops)
    if any(r.name == rule.name for r in rules):
        raise SpecError("%s: its C name %s is already used by another schema (rename a property)" % (where, rule.name))
    rules.append(rule)


def ref_rule(ctx, schema, name, where, inline_name, for_ops):
    """{$ref: ...}: an object schema is used by reference (its Model); a scalar one is validated inline."""
    check_keywords({k: v for k, v in schema.items() if k != "default"}, "$ref", where)
    key = schema["$ref"]
    try:
        target = ref_target(ctx, key)[0]
    except SpecError as e:
        raise SpecError("%s/$ref: %s" % (where, e))
    if "default" in schema:  # a scalar target (needs_schema): its Rule, with the default given beside the $ref
        target = dict(target, default=schema["default"])
        if for_ops:  # a parameter's: judged here, to name the parameter rather than the component
            check_default(target, simple_types(target)[0], where)
    if key in ctx.ref_busy:  # a cycle through a union or $ref chain: the tables build (or refuse) it
        return schema_rule(ctx, target, name, key, for_ops)
    if not is_object_schema(target) or needs_schema(ctx, target):
        ctx.ref_busy.add(key)
        try:
            return build_rule(ctx, target, name, key, inline_name, for_ops)
        finally:
            ctx.ref_busy.discard(key)
    parts = key.split("/")
    schema_name = parts[-1] if len(parts) == 4 else camel("_".join(p.strip("$") for p in parts[3:]))
    model = model_for(ctx, key, schema_name, target, key)
    rule = Rule(name)
    rule.kind, rule.model = "RT_VALID_OBJECT", model
    rule.members.append(("kind", rule.kind))
    rule.members.append(("model", "&api_%s__model" % model.c_name))
    if ctx.lax and not for_ops:
        rule.members.append(("lax", "true"))
    add_rule(ctx, rule, for_ops, where)
    return rule


def union_rule(ctx, schema, key, name, where, inline_name, for_ops, nested):
    """anyOf/oneOf (key): [X, {type: null}] is a nullable X; a union of several types is any JSON value."""
    alts = schema.pop(key)
    non_null = [a for a in alts if not is_null_schema(a)]
    if len(non_null) == 1 and len(non_null) < len(alts):
        # FastAPI's Optional[X]: anyOf [X, {type: null}]
        outer = {k: v for k, v in schema.items() if k not in DOC_KEYWORDS and k != "default"}
        at = "%s/%s/%d" % (where, key, alts.index(non_null[0]))
        inner = build_rule(ctx, dict(non_null[0], **outer), name, at, inline_name, for_ops, nested)
        if not inner.nullable:
            inner.nullable = True
            inner.members.insert(1, ("nullable", "true"))
        return inner
    rule = Rule(name)
    schema[key] = alts
    union_rule_tagged(ctx, rule, schema, key, where, inline_name, for_ops)
    if ctx.lax and not for_ops:
        rule.members.append(("lax", "true"))
    add_rule(ctx, rule, for_ops, where)
    return rule


def schema_type(schema, rule, where):
    """The one non-null type of schema (None: any), setting rule.nullable; refuses several types."""
    types = schema.get("type")
    if types is None:
        types = []
    elif isinstance(types, str):
        types = [types]
    if "null" in types or schema.get("nullable") is True:
        rule.nullable = True
    types = [t for t in types if t != "null"]
    if len(types) > 1:
        raise SpecError("%s/type: several types %s are not supported" % (where, types))
    t = types[0] if types else None
    if t is None and ("properties" in schema):
        t = "object"
    return t


def string_rule(ctx, schema, rule, where, for_ops):
    """type: string, with minLength, maxLength, pattern, format and enum."""
    check_keywords(schema, "string", where)
    rule.kind = "RT_VALID_STRING"
    schema = with_length_format(schema)  # char: exactly one character
    if "minLength" in schema and schema["minLength"] > 0:
        rule.members.append(("min_length", str(int(schema["minLength"]))))
    if "maxLength" in schema:
        if int(schema["maxLength"]) <= 0:
            raise SpecError("%s/maxLength: maxLength must be positive" % where)
        rule.members.append(("max_length", str(int(schema["maxLength"]))))
    if "minLength" in schema and "maxLength" in schema:
        rule.summary.append("%s..%s characters" % (schema["minLength"], schema["maxLength"]))
    elif "minLength" in schema:
        rule.summary.append("at least %s characters" % schema["minLength"])
    elif "maxLength" in schema:
        rule.summary.append("at most %s characters" % schema["maxLength"])
    suffix = rule.name[len("rule_"):]
    if "pattern" in schema:
        rule.pattern = Pattern("pattern_" + suffix, schema["pattern"])
        (ctx.op_patterns if for_ops else ctx.patterns).append(rule.pattern)
        rule.members.append(("pattern", "&" + rule.pattern.name))
        rule.summary.append("pattern " + c_comment(schema["pattern"]))
    if "format" in schema:
        fmt = schema["format"]
        constant = string_format(fmt, where + "/format")
        if constant is not None:
            rule.members.append(("format", constant))
        rule.summary.append("format " + fmt)
    if "enum" in schema:
        # null in the enum of a nullable schema is the null the rule accepts (keywords.enum_list refuses a
        # nullable schema whose enum lacks it); elsewhere type refuses null before the enum is looked at.
        values = [v for v in schema["enum"] if v is not None]
        check_string_enum(values, where + "/enum")
        rule.enum_name = "enum_" + suffix
        rule.enum_raw = list(values)
        rule.enum_values = [c_string(v) for v in values]
        rule.members.append(("enum_values", rule.enum_name))
        rule.summary.append("one of " + ", ".join(values))


def number_rule(schema, rule, t, where):
    """type: integer or number (t), with its bounds in OpenAPI 3.1 or 3.0 spelling."""
    check_keywords(schema, "number", where)
    check_number_format(schema, where + "/format", t)
    rule.kind = "RT_VALID_INTEGER" if t == "integer" else "RT_VALID_NUMBER"
    lo = format_bound(schema, bound(schema, "minimum", "exclusiveMinimum"), 0)
    hi = format_bound(schema, bound(schema, "maximum", "exclusiveMaximum"), 1)
    for b in (lo, hi):
        if b is not None:
            make_bound(rule, b[0], b[1], b[2])
    if lo or hi:
        left = "%s%s" % (py_number_text(lo[1]), " < " if lo[2] else " <= ") if lo else ""
        right = "%s%s" % (" < " if hi[2] else " <= ", py_number_text(hi[1])) if hi else ""
        rule.summary.append(left + "x" + right)


def format_bound(schema, b, side):
    """b (a side of the range, as bound() gives it) tightened to the range of format int32, int64 or float
    (side 0: the lower bound, 1: the upper)."""
    rng = FORMAT_RANGES.get(schema.get("format"))
    if rng is None:
        return b
    member, lim = ("minimum", "maximum")[side], rng[side]
    if b is None or (b[1] < lim if side == 0 else b[1] > lim):
        return (member, lim, False)
    return b


def make_bound(rule, member, value, exclusive):
    """Add the struct rt_valid_bound for rule.<member> (minimum or maximum)."""
    text = py_number_text(value)
    is_int = isinstance(value, int)
    big = is_int and abs(value) > 2 ** 53  # int64's limits: not an integer literal a double takes as is
    init = "{.text = %s, .value = %s%s%s}" % (c_string(text), "%.17g" % value if big else c_double(value),
                                              ", .exclusive = true" if exclusive else "",
                                              ", .is_int = true" if is_int else "")
    rule.members.append((member, init))


def array_rule(ctx, schema, rule, where, inline_name, for_ops, nested):
    """type: array: its items get a rule of their own (<name>_items); arrays of arrays are refused."""
    check_keywords(schema, "array", where)
    if nested:
        raise SpecError("%s: arrays of arrays are not supported" % where)
    rule.kind = "RT_VALID_ARRAY"
    rule.items = build_rule(ctx, schema.get("items", {}), rule.name + "_items", where + "/items",
                            inline_name + "Item", for_ops, nested=True)
    if rule.items.nullable and rule.items.kind not in ("RT_VALID_STRING", "RT_VALID_ANY"):
        raise SpecError("%s/items: nullable items are supported only for strings and any JSON value: a %s item "
                        "is stored by value in C, where null would read as 0 or an empty object"
                        % (where, rule.items.kind[len("RT_VALID_"):].lower()))
    rule.members.append(("items", "&" + rule.items.name))
    if for_ops and isinstance(schema.get("default"), list):
        check_item_defaults(ctx, schema, rule.items, where)


def check_item_defaults(ctx, schema, items, where):
    """Refuse an array parameter's default with an item its items' schema refuses (a format, a bound, a length,
    an enum...): each item is checked as a scalar default is (params.py checks the array's own keywords)."""
    target = schema.get("items", {})
    while isinstance(target, dict) and "$ref" in target:
        target = ref_target(ctx, target["$ref"])[0]
    if items.kind not in SCALAR_TYPES or not isinstance(target, dict):
        return
    for i, d in enumerate(schema["default"]):
        if d is None and items.nullable:
            continue
        check_default(dict(target, default=d), SCALAR_TYPES[items.kind], where, "%s/default/%d" % (where, i))


def object_rule(ctx, schema, rule, where, inline_name):
    """type: object: with properties, an inline Model; without, any JSON object, kept as JSON."""
    if is_object_schema(schema):
        model = model_for(ctx, inline_name, inline_name, schema, where)
        rule.kind, rule.model = "RT_VALID_OBJECT", model
        rule.members.append(("model", "&api_%s__model" % model.c_name))
    else:
        # a map (additionalProperties with a schema): the C struct holds its key/value pairs
        rule.kind = "RT_VALID_MAP"
        rule.items = build_rule(ctx, schema["additionalProperties"], rule.name + "_values",
                                where + "/additionalProperties", inline_name + "Value", nested=True)
        rule.members.append(("items", "&" + rule.items.name))


def c_item_type(rule):
    """The C type of one item of an array whose items have this rule."""
    if rule.kind == "RT_VALID_OBJECT":
        return "struct api_%s" % rule.model.c_name
    return C_SCALAR[rule.kind]


def model_for(ctx, key, schema_name, schema, where):
    """The Model for an object schema (at JSON pointer where), created (and its fields built) on first use."""
    if key in ctx.models_by_key:
        return ctx.models_by_key[key]
    c_name = snake(schema_name, where)
    other = [m for m in ctx.models if m.c_name == c_name]
    if other:
        raise SpecError("%s: two schemas map to the C name api_%s (%s and %s)"
                        % (where, c_name, other[0].where, where))
    model = Model(schema_name, c_name, schema.get("description") or schema.get("title"))
    model.where = where
    model.closed = schema.get("additionalProperties") is False  # extra_forbidden for an undeclared member
    ctx.models_by_key[key] = model
    ctx.models.append(model)
    check_keywords(schema, "object", where)
    required = set(schema.get("required", []))
    ctx.names.claim_all(MODEL_NAMES, c_name, where, "schema %r" % schema_name)
    members = c_names(list(schema["properties"]))  # names.c_names: a fallback for names C cannot spell
    for (pname, pschema), member in zip(schema["properties"].items(), members):
        at = pointer(where + "/properties", pname)
        model.fields.append(build_field(ctx, model, pname, pschema, pname in required, at, member))
    check_flag_members(model, where)
    names = [f.name for f in model.fields]
    model.is_http_error = (names == ["detail"] and model.fields[0].rule.kind == "RT_VALID_STRING"
                           and model.fields[0].required)
    return model


def check_flag_members(model, where):
    """A property whose C field is another's has_<field> or <field>_null flag would be a duplicate member of the
    struct."""
    fields = {f.c_name: f for f in model.fields}
    for f in model.fields:
        flags = ([("has_" + f.c_name, "whether property %r is set")] if f.has_flag else []) + \
            ([(f.c_name + "_null", "whether property %r is null")] if f.null_flag else [])
        for member, says in flags:
            other = fields.get(member)
            if other is not None:
                raise SpecError("%s: property %r maps to the C field %s, the flag saying %s (rename one)" % (
                    pointer(where + "/properties", other.name), other.name, other.c_name, says % f.name))
    flags = {}
    for f in model.fields:
        for member in (["has_" + f.c_name] if f.has_flag else []) + ([f.c_name + "_null"] if f.null_flag else []):
            if member in flags:
                raise SpecError("%s: the flags of properties %r and %r are both the C field %s (rename one)" % (
                    pointer(where + "/properties", f.name), flags[member].name, f.name, member))
            flags[member] = f


def build_field(ctx, model, pname, pschema, required, where, member):
    """The Field for property pname of model, its C member member (and the API_<SCHEMA>_<FIELD>_<VALUE>
    constants of its enum)."""
    # readOnly/writeOnly of the property itself are the field's (access_flags): not left in a JSON-value table,
    # which refuses them (jsonschema.py)
    inner = {k: v for k, v in pschema.items() if k not in ("readOnly", "writeOnly")} if isinstance(
        pschema, dict) and ("readOnly" in pschema or "writeOnly" in pschema) else pschema
    # a property C spells as it is keeps its inline schema name; one with a fallback C name takes that
    fallback = member != (snake_or_empty(pname) and field_name(pname))
    inline = camel(member) if fallback else camel(pname)
    rule = build_rule(ctx, inner, "rule_%s_%s" % (model.c_name, member), where, model.schema_name + inline)
    f = Field(pname, rule, required, member)
    access_flags(ctx, f, pschema, where)
    body_default(ctx, f, pschema, where)
    if rule.kind == "RT_VALID_ARRAY":
        f.c_decl = "struct {\n        size_t len;\n        %s;\n    } %s;" % (
            c_decl(c_item_type(rule.items), "*items"), f.c_name)
    elif rule.kind == "RT_VALID_UNION":
        union_field(model, f)
        claim_union(ctx, "api_%s_%s" % (model.c_name, f.c_name), rule, where, "property %r" % pname)
    elif rule.kind == "RT_VALID_MAP":
        entry = "api_%s_%s_entry" % (model.c_name, f.c_name)
        ctx.names.claim("struct " + entry, where, "property %r" % pname)
        f.entry_decl = "struct %s {\n    const char *key;\n    %s;\n};" % (entry, c_decl(c_item_type(rule.items),
                                                                                              "value"))
        f.c_decl = "struct {\n        size_t len;\n        struct %s *items;\n    } %s;" % (entry, f.c_name)
        rule.members.append(("entry_size", "sizeof(struct %s)" % entry))
        rule.members.append(("value_offset", "offsetof(struct %s, value)" % entry))
    elif rule.kind == "RT_VALID_OBJECT":
        f.c_decl = "struct api_%s *%s;" % (rule.model.c_name, f.c_name)
    else:
        f.c_decl = c_decl(C_SCALAR[rule.kind], f.c_name) + ";"
        f.has_flag = rule.kind in ("RT_VALID_INTEGER", "RT_VALID_NUMBER", "RT_VALID_BOOLEAN") and (
            rule.nullable or not f.required)
    # JSON null is not absence (a PATCH's "clear it" against "leave it"): an optional field that may be null gets
    # <field>_null, read from and written to the JSON member (a required one is never absent: unset is null)
    f.null_flag = not f.required and (rule.nullable or rule.kind == "RT_VALID_ANY")
    words = ["required" if f.required else "optional"]
    if f.required and (f.read_only or f.write_only):
        words = ["required in %s" % ("responses" if f.read_only else "requests")]
    words += ["read-only (refused in requests)"] if f.read_only else []
    words += ["write-only (never in responses)"] if f.write_only else []
    if f.empty_default:
        words.append("default %s: absent reads as empty" % json.dumps(default_scope(ctx, pschema, where)["default"]))
    if f.default_json:
        words.append("default %s when absent from a request%s" % (
            json.dumps(f.default), " (has_%s then true)" % f.c_name if f.has_flag else ""))
    if rule.nullable:
        words.append("nullable")
    if rule.kind == "RT_VALID_MAP":
        words.append("a map: its key/value pairs")
    if rule.kind == "RT_VALID_ANY":
        words.append("a JSON value validated against its JSON Schema" if "JSON Schema" in rule.summary
                     else "any JSON value")
    else:
        words += rule.summary
    words += ["JSON name %s" % json.dumps(pname)] if fallback or re.search(r"[^0-9A-Za-z_]", pname) else []
    f.comment = c_comment(", ".join(words))
    if rule.enum_values:
        for v, c in zip(rule.enum_raw, c_names(rule.enum_raw, member=False)):
            macro = "API_%s_%s_%s" % (model.c_name.upper(), f.c_name.upper().rstrip("_"), c.upper())
            ctx.names.claim(macro, where, "the enum value %r" % v)
            ctx.enums.append((macro, c_string(v)))
    return f


def local_ref_target(ctx, pschema, where):
    """The schema the $ref of the property at where names when it is a pointer into the document, else {}: a
    $ref by $id (or under one) makes the property a JSON value whose table refuses readOnly, writeOnly and
    default (jsonschema.py)."""
    ref = pschema.get("$ref") if isinstance(pschema, dict) else None
    if not isinstance(ref, str) or not ref.startswith("#/") or where in ctx.abs_refs:
        return {}
    try:
        return ctx.resolve(ref)
    except SpecError:
        return {}  # it goes on by $id: the same JSON value table


def access_flags(ctx, f, pschema, where):
    """readOnly / writeOnly of a property: on its schema, or on the schema its $ref names."""
    nodes = [pschema, local_ref_target(ctx, pschema, where)]
    nodes = [n for n in nodes if isinstance(n, dict)]  # true/false: boolean schemas say neither
    f.read_only = any(n.get("readOnly") is True for n in nodes)
    f.write_only = any(n.get("writeOnly") is True for n in nodes)
    if f.read_only and f.write_only:
        raise SpecError("%s: readOnly and writeOnly both true: the property could be neither sent nor received"
                        % where)


SCALAR_TYPES = {"RT_VALID_STRING": "string", "RT_VALID_INTEGER": "integer", "RT_VALID_NUMBER": "number",
                "RT_VALID_BOOLEAN": "boolean"}


def default_scope(ctx, pschema, where):
    """The schema whose default a property has: its own, or the one its $ref names; with a default beside a
    $ref (or beside allOf: [$ref]), the named schema with that default, so that its enum judges it."""
    inner = pschema
    if isinstance(pschema.get("allOf"), list) and len(pschema["allOf"]) == 1 and "default" in pschema:
        inner = pschema["allOf"][0] if isinstance(pschema["allOf"][0], dict) else pschema
    target = local_ref_target(ctx, inner, where)
    if "default" not in pschema:
        return target
    return dict(target or inner, default=pschema["default"]) if isinstance(target, dict) else pschema


def body_default(ctx, f, pschema, where):
    """The default of a property (on its schema, or the one its $ref names), applied when a request body leaves
    it out: only an optional scalar's (C has no literal for the others), and one its own schema accepts."""
    if not isinstance(pschema, dict):
        return  # a boolean schema has no default
    node = default_scope(ctx, pschema, where)
    if not isinstance(node, dict) or node.get("default") is None:
        return  # none, or null: absent already reads as null (NULL, has_ false)
    if f.required:
        raise SpecError("%s/default: a default on a required property is never applied" % where)
    empty = f.rule.kind in ("RT_VALID_ARRAY", "RT_VALID_MAP") and node["default"] in ([], {})
    if f.rule.kind not in SCALAR_TYPES and f.rule.kind != "RT_VALID_ANY" and not empty:
        raise SpecError("%s/default: a default is applied to string, integer, number and boolean properties, JSON "
                        "values and empty arrays and maps only (not %s)" % (where, json.dumps(node["default"])))
    if empty:
        # pydantic's `tags: list[str] = []`: an absent array or map is already empty (len 0), which is its default
        check_union_default(ctx, node, where)
        f.empty_default = True
        return
    if "anyOf" in node or "oneOf" in node or f.rule.kind == "RT_VALID_ANY":
        # [X, null], or a JSON value (a Literal's const): checked against the schema as a whole
        check_union_default(ctx, node, where)
    else:
        check_default(node, SCALAR_TYPES[f.rule.kind], where)
    f.default = node["default"]
    f.default_json = c_string(json.dumps(f.default))
