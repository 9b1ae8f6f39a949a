"""Defaults: a default (a parameter's, a body property's, an array parameter's item) is applied to every request
leaving the value out, so one its own schema refuses would get every such request answered 422; such a default is
refused at build time, with its JSON pointer.  The checks mirror the runtime's: the rules' keywords (bounds,
lengths, pattern, formats as openapi_c/formats.py mirrors rt_valid_format), the table's enum, const and multipleOf,
and for a union (anyOf, oneOf) the schema as a whole: anyOf accepts a value one branch at least accepts, oneOf one
exactly one branch accepts, beside the union's own keywords (how the runtime validates [X, null]: X with the
keywords beside the union, nullable).

bound() (one side of a number's range) lives here as the default checks and the rules (schemas.py) share it.
"""

from . import formats
from .refs import ref_target
from .refusals import SpecError
from .regex import search


def bound(schema, inclusive, exclusive):
    """(member, value, exclusive) for one side of a number's range, or None."""
    # OpenAPI 3.0: exclusiveMinimum is a flag on minimum.
    if isinstance(schema.get(exclusive), bool):
        if schema[exclusive]:
            return (inclusive, schema[inclusive], True)
        exclusive = None
    # OpenAPI 3.1: exclusiveMinimum is a bound of its own; with minimum beside it, the tighter one holds (on a
    # tie, the exclusive one).
    both = [(inclusive, schema[exclusive], True)] if exclusive in schema else []
    if inclusive in schema:
        both.append((inclusive, schema[inclusive], False))
    if not both:
        return None
    lower = inclusive == "minimum"
    return (max if lower else min)(both, key=lambda b: (b[1], b[2] if lower else not b[2]))


def beyond_rule_valid(schema, value):
    """Whether value satisfies the keywords of schema (no $ref) that a Rule leaves to the table and that a
    default can break (enum, const, multipleOf); the Rule's own keywords checked it already."""
    if "enum" in schema and value not in schema["enum"]:
        return False
    if "const" in schema and value != schema["const"]:
        return False
    m = schema.get("multipleOf")
    return not (isinstance(m, (int, float)) and isinstance(value, (int, float)) and m > 0 and
                abs(value / m - round(value / m)) > 1e-9)


def check_default(schema, t, where, at=None):
    """Refuse a default (a parameter's, a body property's) that its own schema refuses: every request leaving it
    out would be answered 422.  at: the default's pointer, if not where/default (an item of an array's)."""
    d, why = schema["default"], None
    if t == "string":
        why = string_default(schema, d)
    elif t in ("integer", "number"):
        if isinstance(d, bool) or not isinstance(d, (int, float)) or (t == "integer" and d != int(d)):
            why = "it is not an %s" % t
        else:
            why = bound_default(schema, d)
    elif t == "boolean" and not isinstance(d, bool):
        why = "it is not a boolean"
    if why:
        refuse_default(d, why, at or where + "/default")


def refuse_default(d, why, at):
    raise SpecError("%s: the default %r does not satisfy its own schema (%s): it is applied to every request "
                    "leaving it out, which would then be refused" % (at, d, why))


def string_default(schema, d):
    """Why the string schema refuses its default d (None: it accepts it)."""
    if not isinstance(d, str):
        return "it is not a string"
    if len(d) < schema.get("minLength", 0):
        return "minLength %s" % schema["minLength"]
    if "maxLength" in schema and len(d) > schema["maxLength"]:
        return "maxLength %s" % schema["maxLength"]
    if "enum" in schema and d not in schema["enum"]:
        return "not in the enum"
    if "pattern" in schema and not search(schema["pattern"], d):
        return "pattern %s" % schema["pattern"]
    why = formats.reason(schema.get("format"), d)  # the runtime's own format checks, mirrored
    if why:
        return "format %s: %s" % (schema["format"], why)
    return None


def bound_default(schema, d):
    """Why the bounds of the number schema refuse its default d (None: they accept it)."""
    lo = bound(schema, "minimum", "exclusiveMinimum")
    hi = bound(schema, "maximum", "exclusiveMaximum")
    if lo and (d < lo[1] or (lo[2] and d == lo[1])):
        return "%s %s" % ("exclusiveMinimum" if lo[2] else "minimum", lo[1])
    if hi and (d > hi[1] or (hi[2] and d == hi[1])):
        return "%s %s" % ("exclusiveMaximum" if hi[2] else "maximum", hi[1])
    return None


def json_type(d):
    """The JSON Schema types the value d has (an integral number is also an integer)."""
    if d is None:
        return {"null"}
    if isinstance(d, bool):
        return {"boolean"}
    if isinstance(d, (int, float)):
        return {"number", "integer"} if d == int(d) else {"number"}
    if isinstance(d, str):
        return {"string"}
    return {"array"} if isinstance(d, list) else {"object"}


def check_union_default(ctx, schema, where):
    """Refuse the default of a schema with anyOf/oneOf (a body property's [X, null]) that the schema as a whole
    refuses."""
    why = schema_refuses(ctx, schema, schema["default"], "")
    if why:
        refuse_default(schema["default"], why, where + "/default")


def schema_refuses(ctx, schema, d, at, depth=0):
    """Why schema (at: its pointer relative to the default's schema, for the message) refuses the value d as a
    whole, or None: its $ref's target, its own keywords, then each of allOf, anyOf (a branch at least) and oneOf
    (exactly one branch)."""
    if depth > 32:
        return "%s: the schema nests deeper than 32 levels" % (at or "/")
    if schema is True or schema is False:
        return None if schema else "%s: the false schema" % (at or "/")
    if not isinstance(schema, dict):
        return None
    if "$ref" in schema:
        why = schema_refuses(ctx, ref_target(ctx, schema["$ref"])[0], d, at + "/$ref", depth + 1)
        if why:
            return why
    why = own_keywords_refuse(schema, d)
    if why:
        return "%s%s" % (at + ": " if at else "", why)
    why = members_refuse(ctx, schema, d, at, depth)
    if why:
        return why
    for i, sub in enumerate(schema.get("allOf") or []):
        why = schema_refuses(ctx, sub, d, "%s/allOf/%d" % (at, i), depth + 1)
        if why:
            return why
    for key in ("anyOf", "oneOf"):
        branches = schema.get(key)
        if not isinstance(branches, list):
            continue
        whys = [schema_refuses(ctx, sub, d, "%s/%s/%d" % (at, key, i), depth + 1) for i, sub in enumerate(branches)]
        accepting = ["%s/%s/%d" % (at, key, i) for i, w in enumerate(whys) if w is None]
        if not accepting:
            return "no branch of %s/%s accepts it: %s" % (at, key, "; ".join(whys))
        if key == "oneOf" and len(accepting) > 1:
            return "%s/oneOf: %d branches accept it (%s), oneOf takes exactly one" % (
                at, len(accepting), ", ".join(accepting))
    return None


def members_refuse(ctx, schema, d, at, depth):
    """Why the object or array keywords of schema refuse the members of d, or None: required, properties,
    additionalProperties (left to patternProperties when there are some: not judged), items (not beside
    prefixItems)."""
    if isinstance(d, dict):
        required = schema.get("required") if isinstance(schema.get("required"), list) else []
        missing = [name for name in required if name not in d]
        if missing:
            return "%s: it lacks the required %s" % (at or "/", ", ".join(map(repr, missing)))
        props = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
        for key, value in d.items():
            if key in props:
                sub, where = props[key], "%s/properties/%s" % (at, key)
            elif "patternProperties" in schema:
                continue
            else:
                sub, where = schema.get("additionalProperties", True), at + "/additionalProperties"
            why = schema_refuses(ctx, sub, value, where, depth + 1)
            if why:
                return why
    elif isinstance(d, list) and "items" in schema and "prefixItems" not in schema:
        for value in d:
            why = schema_refuses(ctx, schema["items"], value, at + "/items", depth + 1)
            if why:
                return why
    return None


def own_keywords_refuse(schema, d):
    """Why the keywords of schema itself (type, enum, const, the string and number keywords) refuse d, or None."""
    types = schema.get("type")
    types = [types] if isinstance(types, str) else types
    if schema.get("nullable") is True and isinstance(types, list):
        types = types + ["null"]  # OpenAPI 3.0's nullable
    if isinstance(types, list) and not json_type(d) & set(types):
        return "it is not %s" % " or ".join("a " + t for t in types)
    if isinstance(d, str) and string_default(schema, d):
        return string_default(schema, d)  # then const and enum below, which a string's default may break too
    if isinstance(d, (int, float)) and not isinstance(d, bool):
        why = bound_default(schema, d)
        if why:
            return why
    if not beyond_rule_valid(schema, d):
        return "its enum, const or multipleOf"
    return None
