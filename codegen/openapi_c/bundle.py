"""Bundling: a document split over several local files -> one document with local $ref only.

`$ref: schemas/pet.yaml`, `$ref: common.yaml#/components/schemas/Error` or a path item in a file of its
own are common ways to split a large spec.  The rest of the generator (and the /openapi.json we serve,
which Swagger UI and clients read without the other files) wants one document, so the loader bundles
it first, as `redocly bundle` and json-schema-ref-parser's bundle() do:

- a reference to `#/components/<section>/<Name>` of another file copies that component into the same
  place of the root document (its name kept, so the C names stay the spec's); a different component of
  the same name there already is an error;
- a whole file, or another part of a file, used where a schema goes becomes `#/components/schemas/<Name>`
  (the file's stem, or the pointer's last segment), so a schema kept in `Pet.yaml` is the C struct
  `api_pet`; anything else (a path item, a response, a parameter) is copied in place;
- a part placed once is referenced from everywhere else, so schemas that refer to themselves (trees)
  through another file stay finite; the references inside a copied part are rewritten relative to the
  root document.

Only files that exist, beside the referencing file, and end in .yaml, .yml or .json are read: any other
reference (a URL, a JSON Schema `$id`-relative one) is left for the later stages, which resolve or
refuse it.  A reference to another file with sibling keywords is refused, as is a file outside the
directory tree of the root document's own directory.
"""

import copy
import os

from .refusals import SpecError

FILE_SUFFIXES = (".yaml", ".yml", ".json")
# A schema's keywords whose values are data (instances), never schemas or references.
SCHEMA_DATA_KEYS = ("examples", "default", "const", "enum")
# Objects whose keys are names chosen by the spec's author (a property may be called "default").
NAME_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas", "responses")


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


def unescape(part):
    return part.replace("~1", "/").replace("~0", "~")


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
        self.files = [self.root]

    def bundle(self):
        self.walk(self.spec, self.root, "#", False, False)
        return self.spec

    # --- references ---

    def target_of(self, ref, file):
        """(absolute file, pointer) that ref names from file; None if it is not a local file's."""
        path, _, fragment = ref.partition("#")
        if not path:
            return file, "#" + fragment
        if "://" in path or path.startswith("urn:") or not path.endswith(FILE_SUFFIXES):
            return None
        target = os.path.normpath(os.path.join(os.path.dirname(file), path))
        if not os.path.isfile(target):
            return None
        if os.path.commonpath([target, self.top]) != self.top:
            raise SpecError("$ref %r leaves the directory of %s" % (ref, os.path.basename(self.root)))
        return target, "#" + fragment

    def document(self, file):
        if file not in self.docs:
            self.docs[file] = self.load(file)
            self.files.append(file)
        return self.docs[file]

    def node_at(self, file, ptr, ref):
        node = self.document(file)
        for part in [p for p in ptr[1:].split("/") if p != ""]:
            part = unescape(part)
            if isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            elif isinstance(node, dict) and part in node:
                node = node[part]
            else:
                raise SpecError("unresolved $ref %r (in %s)" % (ref, os.path.relpath(file, self.top)))
        return node

    def destination(self, file, ptr, at, in_schema):
        """Where the part (file, ptr) goes in the root document, used at pointer at: a component's place,
        or None to copy it in place."""
        parts = [unescape(p) for p in ptr[1:].split("/") if p != ""]
        if len(parts) == 3 and parts[0] == "components":
            return parts[1], parts[2]
        if len(at.split("/")) == 4 and at.startswith("#/components/"):
            return None  # a component that is a whole file (or part of one) keeps its own name
        if in_schema:
            name = parts[-1] if parts else os.path.splitext(os.path.basename(file))[0]
            return "schemas", name
        return None

    def place(self, node, ref, file, at, in_schema):
        """Replace the $ref node (at pointer at, read in file) by a reference to, or a copy of, its target."""
        target = self.target_of(ref, file)
        if target is None:
            return
        if target[0] == self.root:
            node["$ref"] = target[1]  # a reference back into the root document
            return
        if target[1] != "#" and not target[1].startswith("#/"):
            other = os.path.relpath(target[0], self.top)
            raise SpecError("%s/$ref: $ref %r: an anchor in another file (%s) is not supported: name the schema by "
                            "its JSON pointer (%s#/...)" % (at, ref, other, other))
        if target in self.placed:
            node["$ref"] = self.placed[target]
            return
        part = copy.deepcopy(self.node_at(target[0], target[1], ref))
        dest = self.destination(target[0], target[1], at, in_schema)
        here = "#/components/%s/%s" % (escape(dest[0]), escape(dest[1])) if dest else None
        if dest is not None and here != at:
            self.hoist(node, part, target, dest, here, in_schema or dest[0] == "schemas")
            return
        if set(node) != {"$ref"}:
            raise SpecError("%s: a $ref to another file (%r) with keywords beside it, copied in place: move "
                            "them into the referenced part" % (at, ref))
        self.copy_in_place(node, part, target, at, in_schema)

    def copy_in_place(self, node, part, target, at, in_schema):
        if not isinstance(part, dict):
            raise SpecError("%s: $ref %s#%s names a %s, not an object" % (at, os.path.basename(target[0]),
                                                                        target[1][1:], type(part).__name__))
        self.placed[target] = at
        del node["$ref"]
        node.update(part)
        self.walk(node, target[0], at, in_schema, False)  # it had a $ref: an object, not a names map

    def hoist(self, node, part, target, dest, here, in_schema):
        section = self.spec.setdefault("components", {}).setdefault(dest[0], {})
        if dest[1] in section and section[dest[1]] != part:
            raise SpecError("%s#%s and %s are different %s named %r: rename one" % (
                os.path.relpath(target[0], self.top), target[1][1:], here, dest[0], dest[1]))
        self.placed[target] = here
        node["$ref"] = here
        if dest[1] not in section:
            section[dest[1]] = part
            self.walk(part, target[0], here, in_schema, False)  # a component: an object, not a names map

    # --- the walk ---

    def walk(self, node, file, at, in_schema, names):
        """Bundle node (at pointer at, read in file); names: whether its keys are names, not keywords (names_map)."""
        if isinstance(node, list):
            for i, item in enumerate(node):
                self.walk(item, file, "%s/%d" % (at, i), in_schema, False)
            return
        if not isinstance(node, dict):
            return
        if isinstance(node.get("$ref"), str) and self.on_ref is not None:
            self.on_ref(at, node["$ref"])
        elif isinstance(node.get("$ref"), str):
            self.place(node, node["$ref"], file, at, in_schema)
        for key, value in list(node.items()):
            if key == "$ref" and not names:
                continue
            if not names and (key == "example" or (in_schema and key in SCHEMA_DATA_KEYS)):
                continue  # data, where a "$ref" key is no reference
            inner = in_schema or key == "schema" or at == "#/components/schemas"
            here = "%s/%s" % (at, escape(key))
            self.walk(value, file, here, inner, names_map(names, key, here))


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
