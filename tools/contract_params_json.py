"""JSON parameters (a parameter with `content` of one JSON media type) for async-demo-contract's request generation.

Such a parameter's value is JSON text: a positive request sends a value drawn from its media type's schema as
compact JSON (json.dumps with separators (",", ":")); the driver then percent-encodes it in a path, query or
cookie and sends it as it is in a header, as for any text value.  Its negatives break one thing each, starting
from a drawn valid value: the text is not JSON (a stray "}" after it), the value is of another type or breaks a
bound of the schema itself, an object's required property is left out, or a property has a bad value; each
mutated value is checked against the schema, and one the schema still accepts is discarded.
"""

import json

import contract_gen  # this folder (which imports this module: its names are looked up at call time)


def compact(value):
    """@value as compact JSON text, as the generated C client sends it (but for non-ASCII characters, escaped
    here as \\uXXXX, which a header, written in Latin-1 by http.client, can always carry)."""
    return json.dumps(value, separators=(",", ":"))


def json_content(p):
    """Whether parameter @p has content of one JSON media type (a value sent as JSON text)."""
    media = [m.split(";")[0].strip().lower() for m in p.get("content", {})]
    return len(media) == 1 and contract_gen.is_json(media[0])


def content_schema(p):
    """The schema of JSON parameter @p's media type ({} when it has none)."""
    return next(iter(p["content"].values())).get("schema", {})


def json_value(p, caps):
    """A strategy for the text of JSON parameter @p: a valid value as compact JSON; @caps as for its place."""
    return contract_gen.from_schema(content_schema(p), p["name"], caps).map(compact)


def json_param_mutations(p):
    """[(name, edit)] of JSON parameter @p's single violations: edit(value), for a drawn valid value, gives the
    text to send, or None when the edit leaves it valid."""
    schema, label = content_schema(p), "%s %s" % (p["in"], p["name"])

    def checked(value):
        return None if contract_gen.valid(schema, value) else compact(value)

    out = [(label + ": malformed JSON", lambda v: compact(v) + "}")]
    for constraint, bad in contract_gen.bad_values(schema):
        out.append(("%s: %s" % (label, constraint), lambda v, bad=bad: checked(bad)))
    if schema.get("type") == "object":
        for key in schema.get("required", []):
            out.append(("%s %s: required" % (label, key),
                        lambda v, key=key: checked({k: x for k, x in v.items() if k != key})))
        for key, sub in schema.get("properties", {}).items():
            for constraint, bad in contract_gen.bad_values(sub):
                out.append(("%s %s: %s" % (label, key, constraint),
                            lambda v, key=key, bad=bad: checked(dict(v, **{key: bad}))))
    return out
