"""JSON Schema 2020-12 -> struct rt_valid_schema tables (runtime/valid/rt_valid_schema.h).

schemas.py keeps the schemas the model walker checks itself as Rules and Models (C structs); a schema that uses
more (a union of types, composition, const, array or object keywords, boolean schemas...) becomes a rule of kind
any whose value is kept as JSON and validated in full by rt_valid_schema against the tables built here.  One
table per schema, named by its JSON pointer, so $ref (recursive ones too) point to their target's table.

needs_schema(ctx, schema) says which schemas go this way; schema_table(ctx, schema, where) builds one and
returns its C name.  Refusals name the construct and its JSON pointer.
"""

import json
from . import metaschema
from .document import pointer
from .keywords import is_null_schema
from .names import c_double, c_string, py_number_text
from .model import Pattern
from .refs import ref_target
from .refusals import (DOC_KEYWORDS, INTEGER_FORMATS, INTEGER_TEXT_FORMATS, KEYWORDS, STRING_FORMATS, SpecError,
                       check_format, string_type, with_length_format)
from .reach import UNWALKED
from .unions import discriminator_tags

TYPE_BITS = {"null": "RT_VALID_T_NULL", "boolean": "RT_VALID_T_BOOLEAN", "object": "RT_VALID_T_OBJECT",
             "array": "RT_VALID_T_ARRAY", "number": "RT_VALID_T_NUMBER", "integer": "RT_VALID_T_INTEGER",
             "string": "RT_VALID_T_STRING"}
# Numeric formats as ranges (float: IEEE single precision's largest finite value).
FORMAT_RANGES = dict(INTEGER_FORMATS, float=(-3.4028234663852886e38, 3.4028234663852886e38), double=None)
# The table built for the non-null part of a 3.0 nullable schema is keyed by its pointer and this segment, which
# no JSON pointer has (RFC 6901 escapes ~ as ~0): messages and the table's `where` name the schema's own pointer.
NOT_NULL = "/~nonnull"


def real_pointer(where):
    """where as a JSON pointer of the document (without the NOT_NULL segments of the keys of tables)."""
    return where.replace(NOT_NULL, "")
# Keywords that only hold subschemas for others, or document: no effect of their own.
INERT = DOC_KEYWORDS | {"$defs", "default", "$comment", "discriminator", "$schema", "$id"}
SCHEMA_KEYWORDS = {
    "$ref", "type", "const", "enum", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
    "minLength", "maxLength", "pattern", "format", "minItems", "maxItems", "uniqueItems", "prefixItems", "items",
    "contains", "minContains", "maxContains", "minProperties", "maxProperties", "required", "properties",
    "patternProperties", "additionalProperties", "propertyNames", "dependentRequired", "dependentSchemas",
    "allOf", "anyOf", "oneOf", "not", "if", "then", "else", "nullable", "unevaluatedItems", "unevaluatedProperties"}


# --- which schemas need the full validator ----------------------------------------------------------------

def with_default(schema, keys):
    """{allOf: [S], default: d} (pydantic 1's way of giving a $ref a default) as S with the default d: the
    schema it stands for, or None for any other schema."""
    alts = schema.get("allOf")
    if keys != {"allOf", "default"} or not isinstance(alts, list) or len(alts) != 1 or not isinstance(alts[0], dict):
        return None
    return dict(alts[0], default=schema["default"])


def scalar_ref(ctx, ref):
    """Whether the local $ref names a string, integer, number or boolean schema that a Rule enforces (an enum,
    say): {$ref, default} then is that Rule with the default, as pydantic 2 writes a field `x: E = E.a`."""
    try:
        target = ref_target(ctx, ref)[0]
    except SpecError:
        return False
    if not isinstance(target, dict) or "$ref" in target:
        return False
    types = simple_types(target)
    return bool(types) and types[0] in ("string", "integer", "number", "boolean") and not needs_schema(ctx, target)


def simple_types(schema):
    """The non-null types of schema (a list), or None when its type keyword is something the rules do not
    model (only null, or several types)."""
    t = schema.get("type")
    types = [] if t is None else [t] if isinstance(t, str) else list(t) if isinstance(t, list) else None
    if types is None:
        return None
    non_null = [x for x in types if x != "null"]
    if len(non_null) > 1 or (types and not non_null):
        return None
    return non_null


def needs_schema(ctx, schema, nested=False):
    """Whether schema is beyond what a Rule (schemas.build_rule) enforces; nested: it is an array's items.  A
    schema met again while deciding (a $ref cycle) is left to the tables, which refuse the cycles that never
    reach a value."""
    key = (id(schema), nested)
    if key in ctx.needs_busy:
        return True
    ctx.needs_busy.add(key)
    try:
        return decide(ctx, schema, nested)
    finally:
        ctx.needs_busy.discard(key)


def decide(ctx, schema, nested):
    if not isinstance(schema, dict):
        return True
    keys = {k for k in schema if k not in DOC_KEYWORDS and not k.startswith("x-")}
    defaulted = with_default(schema, keys)
    if defaulted is not None:
        return needs_schema(ctx, defaulted, nested)
    if "$ref" in schema:
        ref = str(schema["$ref"])
        if keys == {"$ref", "default"} and ref.startswith("#/components/schemas/") and "%" not in ref:
            return not scalar_ref(ctx, schema["$ref"])  # a Rule of the target, with this default
        return keys != {"$ref"} or not ref.startswith("#/components/schemas/") or "%" in ref or (nested and needs_schema(ctx, ref_target(ctx, schema["$ref"])[0], True))
    for key in ("anyOf", "oneOf"):
        if key in schema and tagged_branches(ctx, schema, key, keys, nested):
            return False
        if key in schema:
            alts = schema[key]
            non_null = [a for a in alts if not is_null_schema(a)] if isinstance(alts, list) else []
            return not (len(non_null) == 1 and len(non_null) < len(alts)) or "allOf" in schema or \
                "anyOf" in schema and "oneOf" in schema or \
                needs_schema(ctx, non_null[0], nested)
    if "allOf" in schema:
        return not (isinstance(schema["allOf"], list) and len(schema["allOf"]) == 1 and keys == {"allOf"}
                    and not needs_schema(ctx, schema["allOf"][0], nested))
    types = simple_types(schema)
    if types is None:
        return True
    if not types and keys - KEYWORDS["any"]:
        return True  # constraints without a type hold for values of their type only: other values are valid
    t = types[0] if types else None
    return not rule_can(ctx, schema, t, keys, nested)


def tagged_branches(ctx, schema, key, keys, nested):
    """Whether the oneOf/anyOf (key) of schema is a tagged union (unions.py): two or more branches, each an
    object model, nothing beside it but a discriminator, and not an array's items."""
    alts = schema[key]
    if nested or keys - {key, "discriminator"} or not isinstance(alts, list) or len(alts) < 2:
        return False
    for alt in alts:
        target = alt
        if isinstance(alt, dict) and "$ref" in alt:
            if set(alt) - DOC_KEYWORDS != {"$ref"} or not str(alt["$ref"]).startswith("#/components/schemas/"):
                return False
            target = ref_target(ctx, alt["$ref"])[0]
        if not isinstance(target, dict) or "properties" not in target or "$ref" in target or \
                needs_schema(ctx, target):
            return False
    return True


def rule_can(ctx, schema, t, keys, nested):
    """Whether a Rule of type t enforces every keyword of schema (keys: its validation keywords)."""
    if t is None:
        return keys <= KEYWORDS["any"]
    if t == "string":
        enum = schema.get("enum")
        nullable = schema.get("nullable") is True or "null" in (schema.get("type") or [])
        # any format: string_rule() enforces it or refuses it with its reason (a number's format, an unknown one)
        return keys <= KEYWORDS["string"] and isinstance(schema.get("format", ""), str) and (
            enum is None or (isinstance(enum, list) and enum and all(isinstance(v, str) or v is None for v in enum)
                             and (None in enum) == nullable))
    if t in ("integer", "number"):
        return keys <= KEYWORDS["number"] and isinstance(schema.get("format", ""), str)  # number_rule() judges it
    if t == "boolean":
        return keys <= KEYWORDS["boolean"]
    if t == "array":
        items = schema.get("items", {})
        # items a Rule cannot enforce are JSON values checked by their schema (an array of them)
        return keys <= KEYWORDS["array"] and not nested and (needs_schema(ctx, items, True) or
                                                             item_storable(ctx, items))
    if t == "object":
        if schema.get("properties") == {}:
            # tsoa's Record<string, T>: no property, so a map or a JSON value, never an empty struct dropping
            # every member
            return is_map(ctx, schema, keys - {"properties"}, nested)
        if "properties" not in schema:
            return is_map(ctx, schema, keys, nested)
        props = schema.get("properties")
        # absent: extras ignored (pydantic's default); false: a closed model, which refuses them (extra_forbidden);
        # true or {} beside properties (pydantic's extra="allow") keeps them: a JSON value, as a struct drops them
        extra = schema.get("additionalProperties") is None or schema["additionalProperties"] is False
        return keys <= KEYWORDS["object"] and extra and isinstance(props, dict) and \
            set(schema.get("required", [])) <= set(props)
    return False


def is_map(ctx, schema, keys, nested):
    """additionalProperties with a schema and nothing else: a map, an array of key/value pairs in C, whose
    values are Rules stored by value (not arrays or maps themselves)."""
    values = schema.get("additionalProperties")
    if nested or not isinstance(values, dict) or not values or not keys <= {"type", "additionalProperties"}:
        return False
    if needs_schema(ctx, values, True):
        return True  # JSON values, each checked by its schema
    target = ref_target(ctx, values["$ref"])[0] if "$ref" in values else values
    types = simple_types(target) if isinstance(target, dict) else None
    return item_storable(ctx, values) and types is not None and not set(types) & {"array"} and not (
        "object" in types and "properties" not in target)


def item_storable(ctx, items):
    """Array items a C array can hold: not arrays, and null only for strings and JSON values."""
    target = ref_target(ctx, items["$ref"])[0] if isinstance(items, dict) and "$ref" in items else items
    if not isinstance(target, dict):
        return False
    types = simple_types(target) or []
    if "array" in types:
        return False
    nullable = target.get("nullable") is True or "null" in (target.get("type") or []) or any(
        is_null_schema(a) for a in target.get("anyOf", []) + target.get("oneOf", []))
    return not nullable or types in ([], ["string"])


# --- tables -----------------------------------------------------------------------------------------------

class Table:
    """The C text of one struct rt_valid_schema and the arrays it points to."""

    def __init__(self, ctx, name, where, exported=False):
        self.ctx, self.name, self.where, self.exported = ctx, name, where, exported
        self.aux = []      # definitions before the table
        self.members = [("where", c_string(real_pointer(where)))]

    def sub(self, schema, where, inplace=False):
        """&table of a subschema; inplace: it applies to the same value (not to a member or an item)."""
        return "&" + schema_table(self.ctx, schema, where, inplace=inplace)

    def add(self, member, value):
        self.members.append((member, value))

    def array(self, suffix, ctype, items, const=True):
        name = "%s_%s" % (self.name, suffix)
        self.aux.append("static %s%s %s[] = {%s};" % ("const " if const else "", ctype, name, ", ".join(items)))
        return name

    def c_text(self):
        members = self.members + ([("has_write_only", "true")] if self.where in self.ctx.write_only_reach else []) \
            + ([("has_default", "true")] if self.where in self.ctx.default_reach else [])
        body = "".join("    .%s = %s,\n" % m for m in members)
        return "\n".join(self.aux + ["%sconst struct rt_valid_schema %s = {\n%s};"
                                     % ("" if self.exported else "static ", self.name, body)])

    __str__ = c_text  # ctx.schema_defs holds the tables, written once mark_reach() has run


def schema_table(ctx, schema, where, export=None, inplace=False):
    """The C name of the table of schema (at JSON pointer where), built on first use; export: the name of a
    table other files use (api_models.h declares it), made for this schema; inplace: it is reached from the
    table being built for the same value (a $ref, allOf...), which matters for cycles."""
    stack = ctx.schema_stack
    if stack:
        ctx.table_edges.setdefault(stack[-1][0], set()).add(where)
        if where.startswith(stack[-1][0] + "/") and where[len(stack[-1][0]) + 1:].split("/")[0] in UNWALKED:
            ctx.table_unwalked.add((stack[-1][0], where))
    else:
        ctx.table_roots.add(where)
    ends = [i for i, (w, _) in enumerate(stack) if w == where]
    if ends and inplace and all(e for _, e in stack[ends[-1] + 1:]):
        raise SpecError("%s: the schema refers back to itself without going into a property or an item (through "
                        "%s): validating any value would never end" % (where, " -> ".join(w for w, _ in
                                                                                       stack[ends[-1]:])))
    if export is not None and where in ctx.schema_tables:
        t = Table(ctx, export, where, True)
        t.add("ref", "&" + ctx.schema_tables[where])
        ctx.schema_decls.append("const struct rt_valid_schema %s;" % export)
        ctx.schema_defs.append(t)
        return export
    if where in ctx.schema_tables:
        return ctx.schema_tables[where]
    name = export or "schema_%d" % (len(ctx.schema_tables) + 1)
    ctx.schema_tables[where] = name
    ctx.schema_decls.append("%sconst struct rt_valid_schema %s;" % ("" if export else "static ", name))
    t = Table(ctx, name, where, export is not None)
    if schema is True or schema == {}:
        t.add("kind", "RT_VALID_SCHEMA_TRUE")
    elif schema is False:
        t.add("kind", "RT_VALID_SCHEMA_FALSE")
    elif not isinstance(schema, dict):
        raise SpecError("%s: a schema must be a mapping or a boolean" % where)
    elif schema.get("nullable") is True:
        # OpenAPI 3.0: null is valid whatever the other keywords say (beside type, enum, allOf or $ref alike)
        inner = {k: v for k, v in schema.items() if k != "nullable"}
        stack.append((where, inplace))
        try:
            alts = [t.sub({"type": "null"}, where + "/nullable"), t.sub(inner, where + NOT_NULL, True)]
        except SpecError as e:  # raised for the schema at where, not for a made-up pointer
            raise SpecError(str(e).replace(where + NOT_NULL, where))
        stack.pop()
        t.add("any_of", "{%s, 2}" % t.array("anyof", "struct rt_valid_schema *const", alts))
    else:
        stack.append((where, inplace))
        keywords(ctx, t, schema, where)
        stack.pop()
    ctx.schema_defs.append(t)
    return name


def keywords(ctx, t, schema, where):
    for key in schema:
        if key not in SCHEMA_KEYWORDS and key not in INERT and not key.startswith("x-"):
            raise SpecError("%s/%s: schema keyword %s is not supported" % (where, key, key))
    # a property's default is filled into a request's value (objects(): default_json; rt_valid_schema_fill)
    if schema.get("readOnly") is True:
        # document.py lets it only on a property's schema: rt_valid_schema_check_request() refuses the property
        # from a request's value (422 read_only) and does not require it, as the model reader does a field's
        t.add("read_only", "true")
    if schema.get("writeOnly") is True:
        # document.py lets it only on a property's schema: a response's value is sent without the property
        # (rt_valid_schema_without_write_only, walking the tables that reach this one: mark_write_only), and a
        # response need not have it
        t.add("write_only", "true")
        ctx.write_only_tables.add(where)
    if "discriminator" in schema:
        discriminator(t, schema, where)
    if "$ref" in schema:
        others = sorted(k for k in schema if k in SCHEMA_KEYWORDS and k != "$ref")
        in_bundle = where.startswith(metaschema.PREFIX)  # the bundled meta-schema is 2020-12 whatever the document
        if str(ctx.spec.get("openapi", "")).startswith("3.0.") and others and not in_bundle:
            raise SpecError("%s/$ref: in OpenAPI 3.0 the keywords beside $ref (%s) are ignored: put them in an allOf "
                            "with the $ref (nullable excepted)" % (where, ", ".join(others)))
        uri = ctx.abs_refs.get(where, schema["$ref"])
        metaschema.check_entry(uri, where)
        try:
            target, at = ref_target(ctx, uri)
        except SpecError as e:
            raise SpecError("%s/$ref: %s" % (where, e))
        t.add("ref", t.sub(target, at, True))
    type_keyword(ctx, t, schema, where)
    values(t, schema, where)
    numbers(t, schema, where)
    strings(ctx, t, schema, where)
    arrays(t, schema, where)
    objects(ctx, t, schema, where)
    composition(t, schema, where)


def type_keyword(ctx, t, schema, where):
    types = schema.get("type")
    if types is None:
        types = []
    elif isinstance(types, str):
        types = [types]
    if not isinstance(types, list) or not all(x in TYPE_BITS for x in types):
        raise SpecError("%s/type: type must be one of %s or a list of them" % (where, ", ".join(TYPE_BITS)))
    if types:
        t.add("types", " | ".join(TYPE_BITS[x] for x in dict.fromkeys(types)))


def json_value(v):
    return "{.text = %s}" % c_string(json.dumps(v, ensure_ascii=False, separators=(",", ":")))


def values(t, schema, where):
    if "const" in schema:
        t.add("konst", t.array("const", "struct rt_valid_schema_json", [json_value(schema["const"])],
                                     const=False))
    if "enum" in schema:
        enum = schema["enum"]
        if not isinstance(enum, list):
            raise SpecError("%s/enum: enum must be a list" % where)
        if not enum:
            t.add("kind", "RT_VALID_SCHEMA_FALSE")  # an empty enum admits no value
            return
        t.add("enums", t.array("enum", "struct rt_valid_schema_json", [json_value(v) for v in enum], const=False))
        t.add("n_enums", str(len(enum)))


def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def bound_init(value, exclusive):
    big = isinstance(value, int) and abs(value) > 2 ** 53  # not a C integer literal a double takes as is
    return "{.text = %s, .value = %s%s%s}" % (c_string(py_number_text(value)),
                                              "%.17g" % value if big else c_double(value),
                                              ", .exclusive = true" if exclusive else "",
                                              ", .is_int = true" if isinstance(value, int) else "")


def numbers(t, schema, where):
    from .schemas import bound
    for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"):
        if key in schema and not is_number(schema[key]) and not isinstance(schema[key], bool):
            raise SpecError("%s/%s: must be a number" % (where, key))
    # a numeric format's range applies to numbers whatever `type` says (ASP.NET Core 10 writes an int as
    # {pattern, format: int32} without a type in 3.0 mode); minimum and maximum apply to numbers only
    fmt = schema.get("format")
    rng = FORMAT_RANGES.get(fmt) if isinstance(fmt, str) else None
    for member, inclusive, exclusive, side in (("minimum", "minimum", "exclusiveMinimum", 0),
                                               ("maximum", "maximum", "exclusiveMaximum", 1)):
        b = bound(schema, inclusive, exclusive)
        if rng is not None:
            lim = rng[side]
            if b is None or (b[1] < lim if side == 0 else b[1] > lim):
                b = (inclusive, lim, False)
        if b is not None:
            t.add(member, bound_init(b[1], b[2]))
    if "multipleOf" in schema:
        m = schema["multipleOf"]
        if m <= 0:
            raise SpecError("%s/multipleOf: must be greater than 0" % where)
        t.add("multiple_of_text", c_string(py_number_text(m)))
        t.add("multiple_of", c_double(m))


def count(t, schema, key, member, where):
    if key in schema:
        v = schema[key]
        if isinstance(v, float) and v == int(v):
            v = int(v)
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            raise SpecError("%s/%s: must be a non-negative integer" % (where, key))
        t.add(member, "{true, %d}" % v)


def strings(ctx, t, schema, where):
    fmt = check_format(schema, where)
    schema = with_length_format(schema)  # char: exactly one character
    count(t, schema, "minLength", "min_length", where)
    count(t, schema, "maxLength", "max_length", where)
    if "pattern" in schema:
        t.add("pattern", "&" + pattern(ctx, schema["pattern"], where + "/pattern"))
    if fmt in STRING_FORMATS and STRING_FORMATS[fmt] is not None:  # else a hint (password, path) or a length
        t.add("format", STRING_FORMATS[fmt])
    elif fmt in INTEGER_TEXT_FORMATS and string_type(schema):  # a string is an integer as text (its range)
        t.add("format", INTEGER_TEXT_FORMATS[fmt])


def pattern(ctx, source, where):
    if not isinstance(source, str):
        raise SpecError("%s: must be a string" % where)
    p = Pattern("pattern_s%d" % (len(ctx.patterns) + 1), source)
    ctx.patterns.append(p)
    return p.name


ACCESS_FLAGS = ("readOnly", "writeOnly")


def access_names(ctx, schema, flag, depth=0):
    """The property names schema declares readOnly or writeOnly (flag), through $ref and allOf (what every value
    it accepts has)."""
    if depth > 32 or not isinstance(schema, dict):
        return set()
    if isinstance(schema.get("$ref"), str):
        try:
            target = ref_target(ctx, schema["$ref"])[0]
        except SpecError:
            target = None  # refused where the table is built
        names = access_names(ctx, target, flag, depth + 1)
    else:
        names = set()
    for name, prop in (schema.get("properties") or {}).items():
        if isinstance(prop, dict) and isinstance(prop.get("$ref"), str) and prop.get(flag) is not True:
            try:
                prop = ref_target(ctx, prop["$ref"])[0]  # the flag on the $ref's target
            except SpecError:
                prop = {}
        if isinstance(prop, dict) and prop.get(flag) is True:
            names.add(name)
    for branch in schema.get("allOf") or []:
        names |= access_names(ctx, branch, flag, depth + 1)
    return names


def schema_list(t, schema, key, where):
    alts = schema[key]
    if not isinstance(alts, list) or (key != "prefixItems" and not alts):
        raise SpecError("%s/%s: must be a non-empty list of schemas" % (where, key))
    if key == "allOf":  # each branch's required may name what another declares readOnly/writeOnly (objects())
        whole = {"allOf": alts, "properties": schema.get("properties") or {}}
        family = {flag: access_names(t.ctx, whole, flag) for flag in ACCESS_FLAGS}
        for i in range(len(alts)):
            t.ctx.allof_access["%s/%s/%d" % (where, key, i)] = family
    items = [t.sub(a, "%s/%s/%d" % (where, key, i), key != "prefixItems") for i, a in enumerate(alts)]
    name = t.array(key.lower(), "struct rt_valid_schema *const", items)
    return "{%s, %d}" % (name, len(items))


def arrays(t, schema, where):
    count(t, schema, "minItems", "min_items", where)
    count(t, schema, "maxItems", "max_items", where)
    count(t, schema, "minContains", "min_contains", where)
    count(t, schema, "maxContains", "max_contains", where)
    if schema.get("uniqueItems") is True:
        t.add("unique_items", "true")
    if "prefixItems" in schema:
        t.add("prefix_items", schema_list(t, schema, "prefixItems", where))
    for key, member in (("items", "items"), ("contains", "contains"), ("unevaluatedItems", "unevaluated_items")):
        if key in schema:
            t.add(member, t.sub(schema[key], where + "/" + key))


def names_list(t, suffix, names, where):
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise SpecError("%s: must be a list of property names" % where)
    return t.array(suffix, "char *const", [c_string(n) for n in names] + ["NULL"])


def objects(ctx, t, schema, where):
    count(t, schema, "minProperties", "min_properties", where)
    count(t, schema, "maxProperties", "max_properties", where)
    if "required" in schema:
        t.add("required", names_list(t, "required", schema["required"], where + "/required"))
        for flag, member, suffix in (("readOnly", "request_optional", "reqopt"),
                                     ("writeOnly", "response_optional", "respopt")):
            family = ctx.allof_access.get(where, {}).get(flag, set())
            if isinstance(schema.get("$ref"), str):
                family = family | access_names(ctx, {"$ref": ctx.abs_refs.get(where, schema["$ref"])}, flag)
            optional = [n for n in schema["required"] if n in family]
            if optional:  # required here, readOnly (writeOnly) in another subschema of the value: a request
                t.add(member, names_list(t, suffix, optional, where + "/required"))  # (response) need not have it
    for key, member, suffix in (("properties", "properties", "props"),
                                ("dependentSchemas", "dependent_schemas", "depschemas")):
        if key in schema:
            props = [(k, pointer(where + "/" + key, k), v) for k, v in schema[key].items()]
            rows = ["{.name = %s, .schema = %s%s}" % (c_string(k), t.sub(v, at, key == "dependentSchemas"),
                                                     prop_default(ctx, t, v, at) if key == "properties" else "")
                    for k, at, v in props]
            t.add(member, t.array(suffix, "struct rt_valid_schema_prop", rows))
            t.add("n_" + member, str(len(rows)))
    if "dependentRequired" in schema:
        rows = []
        for i, (k, names) in enumerate(schema["dependentRequired"].items()):
            at = pointer(where + "/dependentRequired", k)
            rows.append("{.name = %s, .required = %s}" % (c_string(k), names_list(t, "depreq%d" % i, names, at)))
        t.add("dependent_required", t.array("depreq", "struct rt_valid_schema_prop", rows))
        t.add("n_dependent_required", str(len(rows)))
    if "patternProperties" in schema:
        rows = ["{.pattern = &%s, .schema = %s}" % (pattern(ctx, k, pointer(where + "/patternProperties", k)),
                                                   t.sub(v, pointer(where + "/patternProperties", k)))
                for k, v in schema["patternProperties"].items()]
        t.add("pattern_properties", t.array("patprops", "struct rt_valid_schema_pat", rows))
        t.add("n_pattern_properties", str(len(rows)))
    for key, member in (("additionalProperties", "additional_properties"), ("propertyNames", "property_names"),
                        ("unevaluatedProperties", "unevaluated_properties")):
        if key in schema:
            t.add(member, t.sub(schema[key], where + "/" + key))


def prop_default(ctx, t, prop, at):
    """", .default_json = ..." for a property whose schema (or the one its $ref names) has a default other than
    null (absence reads as null already), listing the table in ctx.json_defaults; else ""."""
    for _ in range(32):
        if not isinstance(prop, dict) or "default" in prop or not isinstance(prop.get("$ref"), str):
            break
        try:
            prop = ref_target(ctx, ctx.abs_refs.get(at, prop["$ref"]))[0]
        except SpecError:
            return ""  # refused where its table is built
    if not isinstance(prop, dict) or prop.get("default") is None:
        return ""
    ctx.json_defaults.append((t.where, at))
    return ", .default_json = %s" % c_string(json.dumps(prop["default"], ensure_ascii=False, separators=(",", ":")))


def discriminator(t, schema, where):
    """OpenAPI's discriminator on the oneOf/anyOf of a schema validated as a JSON value: its propertyName's value
    picks the one branch checked (as for a tagged union of models, unions.py)."""
    keys = [k for k in ("oneOf", "anyOf") if k in schema]
    if len(keys) != 1 or not isinstance(schema[keys[0]], list):
        raise SpecError("%s/discriminator: a discriminator goes beside exactly one oneOf or anyOf (its branches)"
                        % where)
    prop, tags = discriminator_tags(schema, schema[keys[0]], where)
    values = t.array("tags", "struct rt_valid_tag", ["{%s, %d}" % (c_string(tag), i) for tag, i in tags])
    t.add("discriminator", t.array("disc", "struct rt_valid_schema_disc",
                                   ["{%s, %s, %d}" % (c_string(prop), values, len(tags))]))


def composition(t, schema, where):
    for key, member in (("allOf", "all_of"), ("anyOf", "any_of"), ("oneOf", "one_of")):
        if key in schema:
            t.add(member, schema_list(t, schema, key, where))
    for key, member in (("not", "not_schema"), ("if", "if_schema"), ("then", "then_schema"),
                        ("else", "else_schema")):
        if key in schema and (key in ("not", "if") or "if" in schema):
            t.add(member, t.sub(schema[key], where + "/" + key, True))
