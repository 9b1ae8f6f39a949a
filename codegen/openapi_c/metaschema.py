"""JSON Schema 2020-12's meta-schema, bundled: a schema may $ref https://json-schema.org/draft/2020-12/schema (to
accept a JSON Schema as a value, as the suite's defs.json does), and the generator validates with the copy in
metaschema/ (json-schema-org/json-schema-spec, see metaschema/SOURCE and LICENSE) instead of fetching it.

The meta-schema is written with $dynamicRef "#meta", whose target depends on the dynamic scope; here it resolves
statically, so the bundle is loaded rewritten (each rewrite is exact, not an approximation):
- $dynamicRef "#meta" becomes a $ref to the root meta-schema.  It resolves to the outermost schema resource of
  the dynamic scope that declares $dynamicAnchor "meta"; the bundle is only entered through its root (a $ref
  to one of its meta/<vocabulary> schemas from a spec is refused), which declares it, and nothing outside the
  bundle can declare it (dynamic.py refuses a $ref to the bundle where a schema of the document declaring
  $dynamicAnchor "meta" is in the dynamic scope): the root is always that resource.
- format is dropped: in the meta-schemas' own dialect (their $schema, the 2020-12 meta-schema) format belongs
  to the format-annotation vocabulary, an annotation; the generator asserts the formats of a spec's schemas.
- $dynamicAnchor and $vocabulary are dropped: they declare the anchor above and the vocabularies in use, and
  constrain no value.
"""

import json
import os

from .refusals import SpecError

ROOT = "https://json-schema.org/draft/2020-12/schema"
PREFIX = "https://json-schema.org/draft/2020-12/"
FILES = ("schema", "core", "applicator", "unevaluated", "validation", "meta-data", "format-annotation", "content")
HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "metaschema")


def rewrite(node):
    """A meta-schema's (sub)schema with the rewrites of the module's docstring."""
    if isinstance(node, list):
        return [rewrite(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for k, v in node.items():
        if k == "$dynamicRef":
            if v != "#meta":
                raise SpecError("%s: $dynamicRef %r in the bundled meta-schema (only #meta is resolved)" % (ROOT, v))
            out["$ref"] = ROOT
        elif k in ("format", "$dynamicAnchor", "$vocabulary"):
            continue
        elif k in ("properties", "patternProperties", "dependentSchemas", "$defs"):
            out[k] = {name: rewrite(sub) for name, sub in v.items()}  # names, not keywords: kept
        elif k in ("const", "enum", "default", "examples"):
            out[k] = v
        else:
            out[k] = rewrite(v)
    return out


def load():
    """[(absolute $id, rewritten schema)] of the bundle, the root first."""
    out = []
    for name in FILES:
        with open(os.path.join(HERE, name + ".json"), encoding="utf-8") as f:
            schema = json.load(f)
        out.append((schema["$id"], rewrite(schema)))
    return out


def check_entry(ref_uri, where):
    """Refuse a $ref from a spec (at where) into the bundle anywhere but its root (see the docstring)."""
    if isinstance(ref_uri, str) and ref_uri.startswith(PREFIX) and not where.startswith(PREFIX) and ref_uri.partition("#")[0] != ROOT:
        raise SpecError("%s/$ref: $ref %r: of JSON Schema's meta-schemas only the whole 2020-12 one (%s) is "
                        "bundled; its vocabularies' meta-schemas are reached through it (their $dynamicRef "
                        "resolve to it)" % (where, ref_uri, ROOT))
