"""Bundling: a document split over several local files -> one document with local $ref only.

`$ref: schemas/pet.yaml`, `$ref: common.yaml#/components/schemas/Error` or a path item in a file of its
own are common ways to split a large spec (Redocly's openapi-starter: paths/*.yaml and components/*/*.yaml
referring to each other).  The rest of the generator (and the /openapi.json we serve, which Swagger UI and
clients read without the other files) wants one document, so the loader bundles it first, as `redocly bundle`
and json-schema-ref-parser's bundle() do.  A part of a file is (file, JSON pointer), the file by its absolute
path: `./a.yaml` and `../models/a.yaml` reached from two files are one part, placed once.

- a component of the root document that is only a `$ref` to a part of another file (`Pet: {$ref: Pet.yaml}`,
  perhaps with a description beside it) is where that part goes: every other reference to it, from any
  file and wherever the root writes the component (before or after the paths), becomes
  `#/components/schemas/Pet`.  So is every part that reference leads to through more files made only of a
  `$ref`;
- any other reference to `#/components/<section>/<Name>` of another file copies that component into the
  same place of the root document (its name kept, so the C names stay the spec's);
- a whole file, or another part of a file, used where a schema goes becomes `#/components/schemas/<Name>`
  (the file's stem, or the pointer's last segment), so a schema kept in `Pet.yaml` is the C struct
  `api_pet`; anything else (a path item, a response, a parameter) is copied in place, a description (and a
  summary, where the part may have one) beside the `$ref` over the part's, as OpenAPI 3.1's Reference
  Object says;
- a name taken by a different schema (two files `Address.yaml` in two directories, or one the root
  defines itself) is refused, naming both: name them in the root's components instead;
- a part placed once is referenced from everywhere else, and a pointer into a part placed already
  (`#/$defs/Tag` inside `User.yaml`) points into where it was placed, so schemas that refer to themselves
  (trees, A.yaml <-> B.yaml) through other files stay finite; the references inside a placed part are
  made relative to the root document, and the part is walked once;
- a discriminator's mapping naming a file (`dessert: ./Dessert.yaml`) names where that file is placed;
  inside an x- extension, a `$ref` to a file that is not YAML or JSON (a code sample) is that file's text,
  as Redocly bundles it;
- inside a schema with a `$id`, a reference resolves against the `$id` (refs.py), not the file: a pointer
  there is left as written, and another file's schema, placed as above, is referenced by its own absolute
  `$id` (one without is refused).

Only files that exist, beside the referencing file, and end in .yaml, .yml or .json are read.  A URL is left
for the later stages, which resolve it against the `$id` of the document's schemas or refuse it; a reference
to a file that does not exist is refused here (under a `$id`, left to them too).  Other keywords beside a
`$ref` copied in place are refused, as is a file outside the directory tree of the root document's own
directory.  Every refusal names the file and the JSON pointer of the `$ref` the user wrote.
"""

import copy
import os
import re
from urllib.parse import quote, unquote

from .refusals import SpecError, pointer_node, pointer_tokens

FILE_SUFFIXES = (".yaml", ".yml", ".json")
# A schema's keywords whose values are data (instances), never schemas or references.
SCHEMA_DATA_KEYS = ("examples", "default", "const", "enum")
# Objects whose keys are names chosen by the spec's author (a property may be called "default").
NAME_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas", "responses")
# Keywords beside a root component's $ref that do not keep it from naming its target: they only document it, and
# are kept over the target's when it is copied there (not default, readOnly or writeOnly, which the generator reads).
ANNOTATIONS = ("summary", "description", "title", "examples", "example", "deprecated", "$comment", "externalDocs")
# What OpenAPI 3.1 allows as a component's name (its schema's propertyNames); a hoisted name is made one.
COMPONENT_NAME = re.compile(r"[^A-Za-z0-9._-]")


def names_map(parent_names, key, here):
    """Whether the value under key (at pointer here) of an object maps names to objects, so that its keys are not
    keywords; parent_names: whether that object does.  The walk decides, not here's last token: a property may be
    called "properties" or "$defs", and it is a schema, whose $ref and $anchor count.  A value in a names map is
    an object (a schema, a response), never a names map; one under a NAME_MAPS keyword, or
    #/components/schemas, is one.  Shared by the walks of this module, anchors.py and (through it) dynamic.py,
    which must agree on which keys are keywords."""
    return not parent_names and key in NAME_MAPS or here == "#/components/schemas"


def escape(part):
    """A JSON pointer segment for the key part."""
    return str(part).replace("~", "~0").replace("/", "~1")


def pointer_of(tokens):
    """The JSON pointer ("#/a/b") of reference tokens."""
    return "#" + "".join("/" + escape(t) for t in tokens)


def ref_to(ptr):
    """The $ref to the pointer ptr of the root document: a URI fragment, so percent-encoded where a path's
    template ("/users/{id}") or a name has characters a URI may not hold."""
    return quote(ptr, safe="#/~!$&'()*+,;=:@-._")


def is_pointer(ptr):
    """Whether a part's "#..." is a JSON pointer ("#", "#/a"), not an anchor ("#pet")."""
    return ptr == "#" or ptr.startswith("#/")


def only_ref(node):
    """Whether node is a reference and nothing else ({"$ref": "..."}): the same thing as its target."""
    return isinstance(node, dict) and set(node) == {"$ref"} and isinstance(node["$ref"], str)


def names_part(node):
    """Whether a root component is a $ref that names its target: nothing beside it but what only documents it
    (ANNOTATIONS, which cover OpenAPI's summary and description of a Reference Object)."""
    return isinstance(node, dict) and isinstance(node.get("$ref"), str) and set(node) - {"$ref"} <= set(ANNOTATIONS)


class Site:
    """Where the walk is: the node at pointer src of file, which lands at pointer at of the root document;
    under_id: inside a schema with a $id, against which its references resolve."""

    def __init__(self, file, src, at, under_id=False, value=False, ext=False):
        self.file, self.src, self.at, self.under_id = file, src, at, under_id
        self.value = value  # the reference is this node's value (a discriminator's mapping), not its $ref
        self.ext = ext  # inside an x- extension

    def child(self, key, value=False, ext=False):
        return Site(self.file, "%s/%s" % (self.src, escape(key)), "%s/%s" % (self.at, escape(key)), self.under_id,
                    value, self.ext or ext)

    def ref(self, bundler):
        """file#pointer of this node's $ref, for messages."""
        return bundler.where(self.file, self.src if self.value else self.src + "/$ref")


class Bundler:
    """Bundles the document at root_path (already loaded as spec, with load) in place."""

    def __init__(self, root_path, spec, load, on_ref=None):
        self.on_ref = on_ref  # references(): on_ref(pointer, $ref) for each reference, and nothing placed
        self.root = os.path.abspath(root_path)
        self.top = os.path.dirname(self.root)
        self.spec = spec
        self.load = load
        self.docs = {self.root: spec}
        self.placed = {}  # (absolute file, pointer) -> the pointer in the root document where it now lives
        self.owner = {}  # a pointer of the root document -> the part (file, pointer) whose content is there
        self.copying = set()  # (part, pointer) being copied there: a cycle of files made only of a $ref
        self.walked = set()  # id() of the parts hoisted into components, walked already
        self.files = [self.root]

    def bundle(self):
        if self.on_ref is None:
            self.claim_root_components()
        self.walk(self.spec, Site(self.root, "#", "#"), False, False)
        return self.spec

    # --- references ---

    def where(self, file, ptr):
        """file#ptr for a message (a whole file: file), the file relative to the root document's directory."""
        return os.path.relpath(file, self.top) + ("" if ptr == "#" else ptr)

    def target_of(self, ref, file, site, under_id=False):
        """The part (absolute file, JSON pointer, or "#name" for an anchor) that ref names from file; None if
        it is not a local file's (under_id: nor a file that does not exist, which may be a $id's).  site:
        "file#pointer" of the $ref, for messages."""
        path, _, fragment = ref.partition("#")
        ptr = pointer_of(pointer_tokens(fragment)) if fragment.startswith("/") or not fragment else "#" + fragment
        if not path:
            return file, ptr
        path = unquote(path)
        if "://" in path or "\0" in path or path.startswith("urn:") or not path.endswith(FILE_SUFFIXES):
            return None
        target = os.path.normpath(os.path.join(os.path.dirname(file), path))
        if not os.path.isfile(target) and under_id:
            return None  # ("/absref/foobar.json" beside a $id is the $id's, not a file's)
        if os.path.commonpath([target, self.top]) != self.top:
            raise SpecError("%s: $ref %r leaves the directory of %s" % (site, ref, os.path.basename(self.root)))
        if not os.path.isfile(target):
            raise SpecError("%s: $ref %r: no file %s (only local $ref and $id of this document are supported, and "
                            "other local files, read relative to the file that writes the $ref; remote references are "
                            "not fetched)" % (site, ref, self.where(target, "")))
        return target, ptr

    def document(self, file):
        if file not in self.docs:
            self.docs[file] = self.load(file)
            self.files.append(file)
        return self.docs[file]

    def node_at(self, target, ref, site):
        """The node of the part target, which ref (at site) names."""
        try:
            node = pointer_node(self.document(target[0]), target[1][1:])
        except LookupError:
            hint = ""
            if ref.startswith("#") and target[0] != self.root:
                try:  # a pointer written as if the file were the root document
                    pointer_node(self.spec, target[1][1:])
                    hint = " (a $ref is read in the file that writes it: to name the root document's, write %s)" % (
                        os.path.relpath(self.root, os.path.dirname(target[0])) + ref)
                except LookupError:
                    pass
            raise SpecError("%s: unresolved $ref %r: %s has no %s%s" % (
                site, ref, os.path.relpath(target[0], self.top), target[1], hint))
        if node is None:
            raise SpecError("%s: $ref %r: %s is empty (null)" % (site, ref, self.where(*target)))
        return node

    def chain(self, target, site):
        """target and, while the part is only a $ref to a part of another file, the parts it leads to in turn."""
        found = []
        while target is not None and target[0] != self.root and is_pointer(target[1]) and target not in found:
            found.append(target)
            node = self.node_at(target, target[1], site)
            if not only_ref(node):
                break
            site = self.where(target[0], target[1] + "/$ref")
            target = self.target_of(node["$ref"], target[0], site)
        return found

    def claim_root_components(self):
        """A root component that is only a $ref to a part of another file names that part (and the parts it
        leads to): references to it anywhere, before or after it in the document, are made references to it.
        A schema component with other keywords beside a $ref to a part that would take its name is refused here,
        before a reference met first would say the name is taken."""
        components = self.spec.get("components")
        for section, entries in (components.items() if isinstance(components, dict) else ()):
            if not isinstance(entries, dict):
                continue
            for name, node in entries.items():
                if not isinstance(node, dict) or not isinstance(node.get("$ref"), str) or "$id" in node:
                    continue  # (beside a $id, the $ref resolves against the $id: place_under_id())
                here = "#/components/%s/%s" % (escape(section), escape(name))
                site = self.where(self.root, here + "/$ref")
                target = self.target_of(node["$ref"], self.root, site)
                if target is None or target[0] == self.root or not is_pointer(target[1]):
                    continue
                if not names_part(node):
                    if section == "schemas" and self.destination(target, here, True, False) == (section, name):
                        self.overrides(node, None, here, site, True)
                    continue
                found = self.chain(target, site)
                for target in found:
                    self.placed.setdefault(target, here)
                if found and self.placed[found[-1]] == here:
                    self.owner[here] = found[-1]

    def placed_at(self, target):
        """Where the part target lives in the root document: where it, or a part holding it, was placed."""
        if target in self.placed:
            return self.placed[target]
        tokens = pointer_tokens(target[1][1:])
        for n in range(len(tokens) - 1, -1, -1):
            holder = self.placed.get((target[0], pointer_of(tokens[:n])))
            if holder is not None and self.owner.get(holder) == (target[0], pointer_of(tokens[:n])):
                return holder + "".join("/" + escape(t) for t in tokens[n:])
        return None

    # --- placing a part ---

    def place(self, node, site, in_schema):
        """Replace the $ref node by a reference to, or a copy of, its target; True if the target was copied over
        node (and walked there), so that node is done."""
        ref, ref_site = node["$ref"], site.ref(self)
        target = self.target_of(ref, site.file, ref_site, site.under_id)
        if target is None or site.under_id and ref.startswith("#"):
            return False  # not a file's; under a $id, a pointer names a part of the same schema where it is
        if target[0] == self.root and not site.under_id:
            node["$ref"] = "#" + ref.partition("#")[2]  # a reference back into the root document
            return False
        if not is_pointer(target[1]):
            other = os.path.relpath(target[0], self.top)
            raise SpecError("%s: $ref %r: an anchor in another file (%s) is not supported: name the schema by its "
                            "JSON pointer (%s#/...)" % (ref_site, ref, other, other))
        if site.under_id:
            return self.place_under_id(node, target, site, in_schema)
        part = copy.deepcopy(self.node_at(target, ref, ref_site))
        there = self.placed_at(target)
        if there == site.at:  # a root component that is only this $ref: the part's own place
            return self.copy_over(node, part, target, site, in_schema, ref_site)
        if there is not None:
            if not in_schema:
                self.overrides(node, part, site.at, ref_site, False)  # a Reference Object's, or refused
            node["$ref"] = ref_to(there)
            return False
        dest = self.destination(target, site.at, in_schema, only_ref(node))
        if dest is not None and "#/components/%s/%s" % (escape(dest[0]), escape(dest[1])) == site.at:
            self.overrides(node, part, site.at, ref_site, True)  # the file's own name, taken by the $ref: refused
        if dest is not None:
            self.hoist(node, part, target, dest, in_schema or dest[0] == "schemas", ref_site)
            return False
        return self.copy_over(node, part, target, site, in_schema, ref_site)

    def copy_over(self, node, part, target, site, in_schema, ref_site):
        """copy_in_place(), the keywords beside the $ref (overrides()) kept over the part's."""
        overrides = self.overrides(node, part, site.at, ref_site, in_schema)
        for key in overrides:
            del node[key]
        claimed = self.placed.get(target) == site.at  # a root component naming the part, other uses refer to it
        done = self.copy_in_place(node, part, target, site, in_schema, share=claimed or not overrides)
        node.update(overrides)
        return done

    def overrides(self, node, part, at, ref_site, in_schema):
        """The keywords beside a $ref copied in place, which override the part's: in a schema (a root component
        naming a file) those that only document it (ANNOTATIONS); elsewhere OpenAPI 3.1's Reference Object's
        description, and summary where the part may have one (a path item, or a part that has one).  Anything
        else is refused: merged into the part it could mean something else than beside the $ref."""
        extra = sorted(set(node) - {"$ref"})
        tokens = pointer_tokens(at[1:])
        path_item = len(tokens) == 2 and tokens[0] in ("paths", "webhooks") or tokens[:2] == ["components",
                                                                                                "pathItems"]
        allowed = {"description"} | ({"summary"} if path_item or isinstance(part, dict) and "summary" in part
                                     else set())
        allowed = set(ANNOTATIONS) if in_schema else allowed
        if set(extra) - allowed:
            why = ("a component naming a schema file may only document it (%s)" if in_schema else
                   "beside a $ref, OpenAPI 3.1 allows only %s, which override the part's")
            refused = ", ".join(k for k in extra if k not in allowed)
            raise SpecError("%s: $ref %r to another file with keywords beside it (%s): %s: move them into the "
                            "referenced part" % (ref_site, node["$ref"], refused, why % ", ".join(sorted(allowed))))
        return {k: node[k] for k in extra}

    def place_under_id(self, node, target, site, in_schema):
        """place() for a $ref inside a schema with a $id, which resolves against the $id (as refs.py resolves it),
        not against the file (a pointer, "#/$defs/X", is left as written by place(): it names a part of the same
        schema wherever that is placed): another file's schema is placed as any other, and referenced by its
        own absolute $id.  One without an absolute $id could not be named from there: refused."""
        ref = node["$ref"]
        tid = self.node_at(target, ref, site.ref(self))
        tid = tid.get("$id") if isinstance(tid, dict) else None
        if not isinstance(tid, str) or "://" not in tid and not tid.startswith("urn:"):
            raise SpecError("%s: $ref %r inside a schema with a $id: a reference there resolves against the $id, "
                            "not against the file, so the bundled document could not name %s from there: give "
                            "that schema an absolute $id, or drop the $id around the $ref" % (
                                site.ref(self), ref, self.where(*target)))
        done = self.place(node, Site(site.file, site.src, site.at), in_schema)
        if not done:
            node["$ref"] = tid
        return done

    def destination(self, target, at, in_schema, alone):
        """The component (section, name) the part target goes to, used at pointer at (alone: by a $ref without
        keywords beside it); None to copy it in place."""
        tokens = pointer_tokens(target[1][1:])
        if len(tokens) == 3 and tokens[0] == "components":
            return tokens[1], tokens[2]
        if alone and len(at.split("/")) == 4 and at.startswith("#/components/"):
            return None  # a component that is a whole file (or part of one) keeps its own name
        if in_schema:
            name = tokens[-1] if tokens and tokens[-1] else os.path.splitext(os.path.basename(target[0]))[0]
            return "schemas", COMPONENT_NAME.sub("_", name)
        return None

    def hoist(self, node, part, target, dest, in_schema, ref_site):
        """Make part (the part target) the component dest, node a reference to it."""
        here = "#/components/%s/%s" % (escape(dest[0]), escape(dest[1]))
        section = self.spec.setdefault("components", {})
        section = section.setdefault(dest[0], {}) if isinstance(section, dict) else None
        if not isinstance(section, dict):
            raise SpecError("%s: $ref %r: %s is not an object, where the part would go" % (
                ref_site, node["$ref"], self.where(self.root, here.rpartition("/")[0])))
        if dest[1] in section and not self.same(target, part, here, section[dest[1]], ref_site):
            other = self.owner.get(here)
            other = self.where(*other) if other else self.where(self.root, here)  # the root's own
            raise SpecError("%s: $ref %r: %s and %s are different %s named %r, and a component needs a name of its "
                            "own: rename one, or name each in the components of %s (%s: {$ref: ...})" % (
                                ref_site, node["$ref"], self.where(*target), other, dest[0], dest[1],
                                os.path.basename(self.root), dest[1]))
        self.placed[target] = here
        node["$ref"] = ref_to(here)
        if dest[1] not in section:
            section[dest[1]] = part
            self.owner[here] = target
            self.copying.add((target, here))
            self.walk(part, Site(target[0], target[1], here), in_schema, False)  # an object, not a names map
            self.copying.discard((target, here))
            self.walked.add(id(part))  # the walk of the root document may meet it again in components

    def same(self, target, part, here, existing, ref_site):
        """Whether the part target (its copy part) is what lives at here already (existing): the same content,
        or only a $ref to a part that was placed there."""
        if existing == part:
            return True
        return any(self.placed_at(link) == here for link in self.chain(target, ref_site)[1:])

    def copy_in_place(self, node, part, target, site, in_schema, share=True):
        """Copy part (the part target) over the $ref node, and walk it there; True.  share: other references to
        target may refer to this copy (not where keywords beside the $ref override the part's)."""
        if not isinstance(part, dict):
            raise SpecError("%s: $ref %r names a %s, not an object" % (site.ref(self), node["$ref"],
                                                                       type(part).__name__))
        if (target, site.at) in self.copying:
            raise SpecError("%s: $ref %r: a cycle of $ref that are nothing else (%s is one): there is no schema in it"
                            % (site.ref(self), node["$ref"], self.where(*target)))
        if share:
            self.placed.setdefault(target, site.at)
            self.owner[site.at] = target
        del node["$ref"]
        node.update(part)
        self.copying.add((target, site.at))
        self.walk(node, Site(target[0], target[1], site.at), in_schema, False)  # it had a $ref: not a names map
        self.copying.discard((target, site.at))
        return True

    # --- the walk ---

    def map_discriminator(self, node, site):
        """A discriminator's mapping names its schemas by reference too (`dessert: ./Dessert.yaml`, Redocly's
        starter): a value naming a part of another file is made the reference to where it is placed, as its
        branch's $ref is (whichever the walk meets first)."""
        mapping = node.get("discriminator", {}).get("mapping") if isinstance(node.get("discriminator"), dict) else None
        if not isinstance(mapping, dict):
            return
        here = site.child("discriminator").child("mapping")
        for tag, value in mapping.items():
            if isinstance(value, str) and (value.startswith("#") or value.partition("#")[0].endswith(FILE_SUFFIXES)):
                ref = {"$ref": value}  # not a schema's name
                self.place(ref, here.child(tag, value=True), True)
                mapping[tag] = ref["$ref"]

    def walk(self, node, site, in_schema, names):
        """Bundle node (at site); names: whether its keys are names, not keywords (names_map)."""
        if isinstance(node, list):
            for i, item in enumerate(node):
                self.walk(item, site.child(i), in_schema, False)
            return
        if not isinstance(node, dict) or id(node) in self.walked:
            return
        if in_schema and not names and isinstance(node.get("$id"), str):
            site = Site(site.file, site.src, site.at, True)
        if in_schema and not names and self.on_ref is None:
            self.map_discriminator(node, site)
        if not names and isinstance(node.get("$ref"), str):
            if self.on_ref is not None:
                self.on_ref(site.at, node["$ref"])
            elif self.place(node, site, in_schema):
                return
        for key, value in list(node.items()):
            if key == "$ref" and not names:
                continue
            if not names and (key == "example" or (in_schema and key in SCHEMA_DATA_KEYS)):
                continue  # data, where a "$ref" key is no reference
            inner = in_schema or key == "schema" or site.at == "#/components/schemas"
            child = site.child(key, ext=not names and str(key).startswith("x-"))
            if child.ext and self.on_ref is None and only_ref(value) and self.inline_text(node, key, child):
                continue
            self.walk(value, child, inner, names_map(names, key, child.at))

    def inline_text(self, node, key, site):
        """Inside an x- extension, a $ref to a file that is not YAML or JSON is that file's text, as Redocly
        bundles it (its starter's `x-codeSamples: [{source: {$ref: ../code_samples/C_sharp/menu/get.cs}}]`):
        node[key] becomes the text.  False if node[key] is no such reference."""
        ref = node[key]["$ref"]
        path = unquote(ref.partition("#")[0])
        if not path or "://" in path or "\0" in path or path.startswith("urn:") or path.endswith(FILE_SUFFIXES):
            return False
        target = os.path.normpath(os.path.join(os.path.dirname(site.file), path))
        if os.path.commonpath([target, self.top]) != self.top:
            raise SpecError("%s: $ref %r leaves the directory of %s" % (site.ref(self), ref,
                                                                        os.path.basename(self.root)))
        try:
            with open(target, encoding="utf-8") as f:
                node[key] = f.read()
        except (OSError, UnicodeDecodeError) as e:
            raise SpecError("%s: $ref %r: the text of %s could not be read: %s" % (
                site.ref(self), ref, self.where(target, ""), e))
        if target not in self.files:
            self.files.append(target)
        return True


def bundle(root_path, spec, load):
    """spec (the document at root_path) with every $ref to another local file bundled into it, and the files
    read (the root first).  load(path) reads one file."""
    b = Bundler(root_path, spec, load)
    return b.bundle(), b.files


def references(spec):
    """[(JSON pointer, $ref)] of every reference in spec (a document, bundled or not, left as it is), in the order
    bundling meets them: the keys bundling takes for references, not those it takes for data (an example, a
    default, a property named $ref).  For callers that judge a document's references as codegen reads them
    (tools/contract_spec.py)."""
    found = []
    Bundler("openapi.yaml", spec, None, on_ref=lambda at, ref: found.append((at, ref))).bundle()
    return found
