"""Loading the OpenAPI document (bundled, when it spans several files) and resolving its local $ref."""

import re

import yaml

from .anchors import resolve_anchors
from .bundle import bundle
from .refusals import SpecError, pointer_node


class SpecLoader(yaml.SafeLoader):
    """YAML read as 1.2 reads it (OpenAPI 3.1 asks for 1.2), not 1.1: dates stay strings, as in the JSON we
    serve; only true/false are booleans, so a property named `on`, `off`, `yes` or `no` stays a name; numbers
    are 1.2's core schema: 1e-06 is a number (1.1 wants a dot, so JSON's own 1e-06 was a string), 012 is
    twelve (not octal ten), and 1_000 and 1:30 are strings (not 1000 and 90)."""


BOOL_12 = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
INT_12 = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
FLOAT_12 = re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
                      r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")
YAML_11_ONLY = ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int",
                "tag:yaml.org,2002:float")

SpecLoader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag not in YAML_11_ONLY]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
SpecLoader.add_implicit_resolver("tag:yaml.org,2002:bool", BOOL_12, list("tTfF"))
SpecLoader.add_implicit_resolver("tag:yaml.org,2002:int", INT_12, list("-+0123456789"))  # before float: 12 is int
SpecLoader.add_implicit_resolver("tag:yaml.org,2002:float", FLOAT_12, list("-+0123456789."))


def construct_int_12(loader, node):
    """An int of 1.2's core schema: decimal (a leading zero included), 0o octal or 0x hexadecimal."""
    text = loader.construct_scalar(node)
    if text.startswith(("0o", "0x")):
        return int(text[2:], 8 if text[1] == "o" else 16)
    return int(text, 10)


SpecLoader.add_constructor("tag:yaml.org,2002:int", construct_int_12)


def load_yaml(path):
    """One YAML (or JSON) file as plain dicts and lists (mapping order kept)."""
    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=SpecLoader)


def load_spec_files(path):
    """(the document at path, bundled: $ref to other local files made local (bundle.py) and $ref by anchor made
    JSON pointers (anchors.py); the files read)."""
    spec = load_yaml(path)
    if not isinstance(spec, dict) or "paths" not in spec:
        raise SpecError("%s: not an OpenAPI document (no 'paths')" % path)
    spec, files = bundle(path, spec, load_yaml)
    return resolve_anchors(spec), files


def load_spec(path):
    """The document at path, bundled (load_spec_files())."""
    return load_spec_files(path)[0]


def resolve(spec, ref, seen=()):
    """The node a local $ref ("#/a/b") points to, following chains of $ref; refuses external and cyclic ones."""
    if not ref.startswith("#/"):
        raise SpecError("$ref %r: not a pointer into the document, nor a .yaml/.yml/.json file beside it "
                        "(remote references are not fetched: save the file next to the spec)" % ref)
    try:
        node = pointer_node(spec, ref[1:])
    except LookupError:
        raise SpecError("unresolved $ref %r" % ref)
    if isinstance(node, dict) and "$ref" in node:
        if ref in seen:
            raise SpecError("$ref cycle through %r" % ref)
        return resolve(spec, node["$ref"], seen + (ref,))
    return node
