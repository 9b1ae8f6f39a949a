"""Loading the OpenAPI document (bundled, when it spans several files) and resolving its local $ref."""

import re

import yaml

from .bundle import bundle
from .refusals import SpecError


class SpecLoader(yaml.SafeLoader):
    """YAML read as 1.2 reads it (OpenAPI 3.1 asks for 1.2), not 1.1: dates stay strings, as in the JSON we
    serve, and only true/false are booleans, so a property named `on`, `off`, `yes` or `no` stays a name."""


BOOL_12 = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")

SpecLoader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
SpecLoader.add_implicit_resolver("tag:yaml.org,2002:bool", BOOL_12, list("tTfF"))


def load_yaml(path):
    """One YAML (or JSON) file as plain dicts and lists (mapping order kept)."""
    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=SpecLoader)


def load_spec_files(path):
    """(the document at path, bundled: $ref to other local files made local (bundle.py); the files read)."""
    spec = load_yaml(path)
    if not isinstance(spec, dict) or "paths" not in spec:
        raise SpecError("%s: not an OpenAPI document (no 'paths')" % path)
    return bundle(path, spec, load_yaml)


def load_spec(path):
    """The document at path, bundled (load_spec_files())."""
    return load_spec_files(path)[0]


def resolve(spec, ref, seen=()):
    """The node a local $ref ("#/a/b") points to, following chains of $ref; refuses external and cyclic ones."""
    if not ref.startswith("#/"):
        raise SpecError("$ref %r: not a pointer into the document, nor a .yaml/.yml/.json file beside it "
                        "(remote references are not fetched: save the file next to the spec)" % ref)
    node = spec
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or part not in node:
            raise SpecError("unresolved $ref %r" % ref)
        node = node[part]
    if isinstance(node, dict) and "$ref" in node:
        if ref in seen:
            raise SpecError("$ref cycle through %r" % ref)
        return resolve(spec, node["$ref"], seen + (ref,))
    return node
