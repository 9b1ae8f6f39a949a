"""Anchors: a `$ref` to "#name" or "<uri>#name" made a `$ref` to the JSON pointer of the schema that carries
`"$anchor": "name"` (JSON Schema 2020-12 §8.2.2), before anything else reads the document.

An anchor is one more way to name a schema; once every reference by anchor is a reference by JSON pointer, each
consumer of $ref (document.py's walk, the models, the JSON Schema tables, the bundle served as /openapi.json, the
client) resolves it as it resolves any other, and nothing else needs to know about anchors.

The anchor is looked up in the schema resource that the reference's URI names: the one of the `$id` the URI
resolves to (RFC 3986, against the `$id` around the reference), or the document itself for "#name" outside any
`$id`.  Resources are counted as refs.py's collect_ids() counts them, from the `$id` under
#/components/schemas only: a `$id` elsewhere is not one codegen resolves against, so a reference under it is
rewritten to the document's own pointer (as that reference's pointers are read).

The rewritten reference keeps its URI part and replaces only the fragment, by the pointer of the target inside
the resource: resolved against the same base, it names the same resource, so the `$id` machinery of
jsonschema.py (ctx.abs_refs, ctx.schema_ids) finds the target without knowing it was an anchor.

A `$dynamicAnchor` names its schema for a $ref as an `$anchor` does (both share the resource's names); the
walk also collects each `$dynamicRef`, which dynamic.py resolves with what it recorded.

Refused, with the JSON pointer of the construct: an anchor that is not a plain name
(`^[A-Za-z_][-A-Za-z0-9._]*$`), the same anchor twice in one resource, a reference to an anchor no schema of
that resource declares, a reference by anchor into a resource whose `$id` two schemas declare, and an anchor
or a reference by one under a `$id` outside #/components/schemas (no resource there, see above).
"""

import re
from urllib.parse import unquote, urljoin

from .bundle import SCHEMA_DATA_KEYS, names_map
from .dynamic import resolve_dynamic
from .refusals import SpecError, pointer

PLAIN_NAME = re.compile(r"[A-Za-z_][-A-Za-z0-9._]*\Z")
IDS_UNDER = "#/components/schemas/"  # where a $id starts a resource (jsonschema.collect_ids())


def plain_name_refusal(value):
    """None if value is a valid anchor name (a plain-name fragment), else why not."""
    if not isinstance(value, str) or not PLAIN_NAME.match(value):
        return ("must be a plain name (a letter or '_', then letters, digits, '-', '_', '.'), not %r; it names "
                "the schema in a $ref \"#name\"" % (value,))
    return None


class Scan:
    """One walk of a document: its resources, its anchors and its references."""

    def __init__(self):
        self.resources = {"": ["#"]}  # base URI ("" for the document) -> pointers of the schemas declaring it
        self.anchors = {}  # (base URI, anchor name) -> pointer of the schema carrying it ($anchor or $dynamicAnchor)
        self.dynamic = set()  # the (base URI, anchor name) of anchors that are $dynamicAnchor
        self.refs = []  # (node, pointer of node, base URI) of each {"$ref": str}
        self.dynamic_refs = []  # the same of each {"$dynamicRef": ...} (dynamic.py)
        self.nodes = {}  # pointer -> (node, base URI, whether its keys are names) of each object in a schema
        self.entries = []  # pointers of the schemas under an OpenAPI object's "schema" (dynamic.py)
        self.inline_ids = []  # pointers of the schemas with a $id outside #/components/schemas

    def walk(self, node, at, base, in_schema, names=False):
        """Mirrors bundle.py's walk: the same keys are schemas, names or data.  names: node maps names to objects,
        so its keys are not keywords (a component may be called "default"), as bundle.names_map() decides."""
        if isinstance(node, list):
            for i, item in enumerate(node):
                self.walk(item, pointer(at, i), base, in_schema)
            return
        if not isinstance(node, dict):
            return
        if not names:
            base = self.keywords(node, at, base, in_schema)
        if in_schema:
            self.nodes[at] = (node, base, names)
        for key, value in node.items():
            key = str(key)
            if not names and (key in ("$ref", "$dynamicRef", "example") or key.startswith("x-")):
                continue  # a reference (kept above), data, or an extension's own value
            if not names and (in_schema and key in SCHEMA_DATA_KEYS or not in_schema and key == "value"):
                continue  # data: a "$anchor" there names nothing (an Example Object's value too)
            here = pointer(at, key)
            if not in_schema and key == "schema":
                self.entries.append(here)
            self.walk(value, here, base, in_schema or key == "schema" or here == "#/components/schemas",
                      names_map(names, key, here))

    def keywords(self, node, at, base, in_schema):
        """Record the $id, $anchor and $ref of one object; the base URI inside it."""
        if in_schema and isinstance(node.get("$id"), str) and at.startswith(IDS_UNDER):
            base = urljoin(base, node["$id"]).partition("#")[0]
            self.resources.setdefault(base, []).append(at)
        elif in_schema and isinstance(node.get("$id"), str):
            self.inline_ids.append(at)
        for keyword in ("$anchor", "$dynamicAnchor") if in_schema else ():
            if keyword in node:
                self.anchor(node[keyword], keyword, at, base)
        if isinstance(node.get("$ref"), str):
            self.refs.append((node, at, base))
        if in_schema and "$dynamicRef" in node:
            self.dynamic_refs.append((node, at, base))
        return base

    def anchor(self, name, keyword, at, base):
        """Record the anchor name ($anchor or $dynamicAnchor: both name their schema for $ref) at pointer at."""
        why = plain_name_refusal(name)
        if why:
            raise SpecError("%s/%s: %s" % (at, keyword, why))
        self.check_inline(at, keyword)
        key = (base, name)
        if key in self.anchors:
            raise SpecError("%s/%s: anchor %r is declared twice in the schema resource %s (first at %s): a $ref to "
                            "it would be ambiguous" % (at, keyword, name, base or "of the document",
                                                       self.anchors[key]))
        self.anchors[key] = at
        if keyword == "$dynamicAnchor":
            self.dynamic.add(key)

    def check_inline(self, at, keyword):
        """Refuse an anchor, or a reference by one, under a $id that is no resource (outside #/components/schemas,
        where refs.py does not resolve against a $id): its resource could not be told right."""
        for p in self.inline_ids:
            if at == p or at.startswith(p + "/"):
                raise SpecError("%s/%s: under the $id of %s, outside #/components/schemas, where a $id is not resolved "
                                "against: move that schema to components/schemas" % (at, keyword, p))

    def locate(self, ref, at, base, keyword="$ref"):
        """(the URI part of ref, the resource it names, its fragment unquoted): ref at pointer at, under base."""
        self.check_inline(at, keyword)
        uri, _, frag = ref.partition("#")
        resource = urljoin(base, uri).partition("#")[0] if uri else base
        if frag and not frag.startswith("/") and resource not in self.resources:
            raise SpecError("%s/%s: %s %r: no schema with $id %s in the document, so no anchor %r in it (remote "
                            "references are not fetched)" % (at, keyword, keyword, ref, resource, unquote(frag)))
        return uri, resource, unquote(frag)

    def anchor_at(self, ref, at, base, keyword="$ref"):
        """The pointer of the schema the anchor of ref names (ref: "#name" or "<uri>#name")."""
        uri, resource, name = self.locate(ref, at, base, keyword)
        where = "the document" if not resource else "the schema resource %s" % resource
        if len(self.resources[resource]) > 1:
            raise SpecError("%s/%s: %s %r: the $id %s is declared by several schemas (%s): the anchor's resource is "
                            "ambiguous" % (at, keyword, keyword, ref, resource, ", ".join(self.resources[resource])))
        if (resource, name) not in self.anchors:
            raise SpecError("%s/%s: %s %r: no schema in %s declares \"$anchor\": %r (nor \"$dynamicAnchor\")"
                            % (at, keyword, keyword, ref, where, name))
        return self.anchors[(resource, name)]

    def target(self, ref, at, base, keyword="$ref"):
        """The $ref (at pointer at, under base) rewritten to a JSON pointer; None if it names no anchor."""
        frag = ref.partition("#")[2]
        if not frag or frag.startswith("/"):
            return None
        uri, resource, _ = self.locate(ref, at, base, keyword)
        return uri + "#" + self.inside(resource, self.anchor_at(ref, at, base, keyword))

    def inside(self, resource, target):
        """The fragment naming the schema at pointer target inside resource (whose root is at pointer root)."""
        return target[len(self.resources[resource][0]):].replace("%", "%25")

    def pointer_of(self, ref, base):
        """The pointer of the schema a $ref by JSON pointer names (under base); None outside the document."""
        uri, _, frag = ref.partition("#")
        resource = urljoin(base, uri).partition("#")[0] if uri else base
        if resource not in self.resources or (frag and not frag.startswith("/")):
            return None
        return self.resources[resource][0] + unquote(frag) if frag else self.resources[resource][0]


def resolve_anchors(spec):
    """Rewrite, in place, every $ref of spec that names an anchor into the JSON pointer of its schema (see the
    module's docstring); return spec.  Raises SpecError for the refusals listed there."""
    scan = Scan()
    scan.walk(spec, "#", "", False)
    for node, at, base in scan.refs:
        ref = scan.target(node["$ref"], at, base)
        if ref is not None:
            node["$ref"] = ref
    resolve_dynamic(scan)
    return spec
