"""$dynamicRef resolved at build time into a $ref (JSON Schema 2020-12 §8.2.3.2), or refused.

The generated validators are static tables: one per schema, named by its JSON pointer, shared by every path that
reaches it.  A $dynamicRef can become a $ref to one schema when its target does not depend on how it is reached:

- its URI's fragment is a JSON pointer, or names an `$anchor` (or nothing bookends it: the schema it first
  resolves to carries no `$dynamicAnchor` of that name): it is a $ref;
- otherwise (the fragment names a `$dynamicAnchor` of the resource it resolves to) it names the `$dynamicAnchor`
  of that name in the outermost schema resource of the dynamic scope that declares one.  The dynamic scope is
  the chain of resources evaluation entered: every path from where validation starts (a component schema, the
  schema of a parameter, body, response or header) is followed through subschemas and $ref, each resource
  entered binding the names it declares that no outer one has bound.  When every path reaching the $dynamicRef
  binds its name to one resource, it is a $ref to that resource's `$dynamicAnchor`; when two paths bind it
  differently (the generic-list pattern: a list whose items are what the schema extending it says), one shared
  table cannot be right for both, and the $dynamicRef is refused saying so.

Validation starts at a component schema or at the schema of an OpenAPI object: every generated validator that
can be called on its own (a body's, a parameter's, a response's, api_<model>__from_json()) starts at one of
them, or at an object model inline in a component, which no $id (no resource) separates from the component, so
it starts with the component's binding.  $defs are only followed through the $ref that use them (they are not evaluated where they sit), so a $defs
entry no path reaches keeps its first resolution (it is never evaluated).  The rewritten schema has a $ref
(in an allOf entry added after the others when it has a $ref already), so everything after this stage sees $ref
only; the served spec has the $ref too, which means the same in this document.
"""

from urllib.parse import urljoin

from . import metaschema
from .bundle import FILE_SUFFIXES
from .refusals import SpecError, pointer

META = "meta"  # the bundled meta-schema's $dynamicAnchor, resolved to its root (metaschema.py)
REWRITTEN = ("$dynamicRef",)  # the keywords no stage after this one sees (test_keywords.py)
MAX_VISITS = 200000  # (schema, binding) pairs followed before the dynamic scopes are called too many
NOT_IN_PLACE = ("$defs", "definitions")  # schemas that are only evaluated through a $ref


class Site:
    """One $dynamicRef: where it is, and what it resolves to."""

    def __init__(self, node, at, base):
        self.node, self.at, self.base = node, at, base
        self.ref = node["$dynamicRef"]
        self.name = None  # the $dynamicAnchor's name, when the scope decides
        self.initial = None  # the resource its URI names (the bookend's), when the scope decides
        self.static = None  # the $ref it is, when the scope does not decide
        self.bound = set()  # the resources the paths reaching it bind name to


def classify(scan, site):
    """Set site.static (a $ref) or site.name and site.initial (the scope decides)."""
    ref = site.ref
    if not isinstance(ref, str):
        raise SpecError("%s/$dynamicRef: must be a string (a URI reference), not %r" % (site.at, ref))
    frag = ref.partition("#")[2]
    resource = scan.locate(ref, site.at, site.base, "$dynamicRef")[1]
    if resource not in scan.resources and resource.endswith(FILE_SUFFIXES):
        raise SpecError("%s/$dynamicRef: $dynamicRef %r: no schema with $id %s in the document (other files are "
                        "bundled through $ref only: write a $ref)" % (site.at, ref, resource))
    if not frag or frag.startswith("/"):
        site.static = ref
        return
    uri, resource, name = scan.locate(ref, site.at, site.base, "$dynamicRef")
    scan.anchor_at(ref, site.at, site.base, "$dynamicRef")  # refuses an unknown anchor
    if (resource, name) in scan.dynamic:
        site.name, site.initial = name, resource
    else:
        site.static = scan.target(ref, site.at, site.base, "$dynamicRef")


class Scopes:
    """The walk of every path validation can take, with the binding of the dynamic anchors' names."""

    def __init__(self, scan, sites):
        self.scan = scan
        self.sites = {s.at: s for s in sites}
        names = {s.name for s in sites if s.name is not None} | {META}
        self.declares = {}  # resource -> the names of its $dynamicAnchor a $dynamicRef asks for
        for resource, name in sorted(scan.dynamic):
            if name in names:
                self.declares.setdefault(resource, []).append(name)
        self.roots = {p for ps in scan.resources.values() for p in ps if p != "#"}
        self.seen = set()

    def enter(self, binding, resource):
        """binding (sorted (name, resource) pairs) once resource is entered: the names it declares, if unbound."""
        if not self.declares.get(resource):
            return binding
        bound = dict(binding)
        for name in self.declares[resource]:
            bound.setdefault(name, resource)
        return tuple(sorted(bound.items()))

    def walk(self):
        doc = self.enter((), "")
        todo = [(at, doc) for at in self.scan.entries]
        for at in self.scan.nodes:
            if at.count("/") == 3 and at.startswith("#/components/schemas/"):
                todo += [(at, doc), (at, ())]  # a component validated on its own: inside the document or not
        while todo:
            at, binding = todo.pop()
            if (at, binding) in self.seen or at not in self.scan.nodes:
                continue
            self.seen.add((at, binding))
            if len(self.seen) > MAX_VISITS:
                raise SpecError("%s: the paths validation can take through the document's schemas are too many to "
                                "resolve its $dynamicRef at build time (more than %d)" % (at, MAX_VISITS))
            todo += self.step(at, binding)

    def step(self, at, binding):
        """The (pointer, binding) pairs validating the schema at pointer at goes on to."""
        node, base, names = self.scan.nodes[at]
        if at in self.roots:
            binding = self.enter(binding, base)
        out = []
        if not names and isinstance(node.get("$ref"), str):
            out.append(self.follow(node["$ref"], at, base, binding))
        site = self.sites.get(at) if not names else None
        if site is not None and site.static is not None:
            out.append(self.follow(site.static, at, base, binding))
        elif site is not None:
            resource = dict(binding).get(site.name, site.initial)
            site.bound.add(resource)
            out.append((self.scan.anchors[(resource, site.name)], self.enter(binding, resource)))
        for key, value in node.items():
            if not names and key in NOT_IN_PLACE:
                continue
            here = pointer(at, key)
            out += [(pointer(here, i), binding) for i in range(len(value))] if isinstance(value, list) else \
                [(here, binding)]
        return out

    def follow(self, ref, at, base, binding):
        uri = ref.partition("#")[0]
        if META in dict(binding) and (urljoin(base, uri) if uri else base) == metaschema.ROOT:
            meta = self.scan.anchors[(dict(binding)[META], META)]
            raise SpecError("%s: JSON Schema's meta-schema is reached where %s/$dynamicAnchor 'meta' is in the dynamic "
                            "scope: the bundled meta-schema resolves its $dynamicRef '#meta' to its own root, so a "
                            "schema extending it is not supported" % (at, meta))
        target = self.scan.pointer_of(ref, base)
        if target is None or target not in self.scan.nodes:
            return (None, binding)  # outside the document (the bundled meta-schema), or a boolean schema
        return (target, self.enter(binding, self.scan.nodes[target][1]))


def bound_ref(scan, site):
    """The $ref the $dynamicRef of site is, once the scopes are known; SpecError if they disagree."""
    if not site.bound:
        site.bound.add(site.initial)  # no path reaches it: never evaluated
    if len(site.bound) > 1:
        targets = ", ".join(sorted(scan.anchors[(r, site.name)] for r in site.bound))
        raise SpecError("%s/$dynamicRef: $dynamicRef %r resolves to a different schema depending on the dynamic "
                        "scope (%s, by the path validation takes): a generated validator is one static table per "
                        "schema, so this is not supported; use a $ref per case" % (site.at, site.ref, targets))
    resource = next(iter(site.bound))
    ref = resource + "#" + scan.inside(resource, scan.anchors[(resource, site.name)])
    if resource == "" and site.base or urljoin(site.base, resource) != resource:
        raise SpecError("%s/$dynamicRef: $dynamicRef %r resolves to %s, which a $ref under the $id %s cannot name"
                        % (site.at, site.ref, scan.anchors[(resource, site.name)], site.base))
    return ref


def resolve_dynamic(scan):
    """Rewrite every $dynamicRef of the document scan walked (anchors.Scan) into a $ref, or refuse it."""
    sites = [Site(node, at, base) for node, at, base in scan.dynamic_refs]
    for site in sites:
        classify(scan, site)
    if any(site.static is None for site in sites) or any(name == META for _, name in scan.dynamic):
        Scopes(scan, sites).walk()
    for site in sites:
        ref = site.static if site.static is not None else bound_ref(scan, site)
        del site.node["$dynamicRef"]
        if "$ref" in site.node:
            site.node.setdefault("allOf", []).append({"$ref": ref})
        else:
            site.node["$ref"] = ref
