"""Loading the OpenAPI document (bundled, when it spans several files) and resolving its local $ref."""

import json
import re

import yaml

from .anchors import resolve_anchors
from .bundle import bundle
from .refusals import SpecError, pointer, pointer_node


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
    text = node.value
    if text.startswith(("0o", "0x")):
        return int(text[2:], 8 if text[1] == "o" else 16)
    return int(text, 10)


SpecLoader.add_constructor("tag:yaml.org,2002:int", construct_int_12)


def load_yaml(path):
    """One YAML (or JSON) file as plain dicts and lists (mapping order kept).  A key written twice in one
    mapping is refused (check_unique_keys)."""
    text = read_utf8(path)
    loader = SpecLoader(text)
    loader.name = path  # a syntax error names the file (a string stream would be "<unicode string>")
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        check_unique_keys(path, node, "#")
        return json_keys(loader.construct_document(node), set())
    except yaml.YAMLError:
        as_json = load_json(path, text)  # JSON that is no YAML: a tab before a key, say
        if as_json is None:
            raise
        return as_json
    finally:
        loader.dispose()


def read_utf8(path):
    """The text of path, which OpenAPI (and JSON, RFC 8259 §8.1) requires in UTF-8: other bytes are refused
    with their line and column, not decoded by guess."""
    with open(path, "rb") as f:
        data = f.read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        column = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        raise SpecError("%s:%d:%d: byte 0x%02x is not UTF-8 (%s): save the file as UTF-8" % (
            path, line, column, data[e.start], e.reason)) from None


def load_json(path, text):
    """text read as JSON (None if it is not JSON), a name written twice in one object refused."""
    def unique(pairs):
        seen = set()
        for key, _ in pairs:
            if key in seen:
                raise SpecError("%s: key %r appears twice in one JSON object: the parser would keep the last and "
                                "silently drop the first; write it once" % (path, key))
            seen.add(key)
        return dict(pairs)
    try:
        return json.loads(text, object_pairs_hook=unique)
    except ValueError:
        return None


def json_key(key):
    """A mapping key as the JSON text of the document has it: YAML's unquoted 404, true or ~ is a string."""
    if isinstance(key, str):
        return key
    return json.dumps(key) if isinstance(key, (bool, int, float)) or key is None else str(key)


def json_keys(node, seen):
    """node with every mapping key a string, in place and in order (YAML's unquoted `404:` as a property
    name or response code is JSON's "404", which every stage and the served spec expect); seen: the ids of
    the mappings done (an alias may share one)."""
    if isinstance(node, dict) and id(node) not in seen:
        seen.add(id(node))
        items = [(json_key(k), json_keys(v, seen)) for k, v in node.items()]
        node.clear()
        node.update(items)
    elif isinstance(node, list) and id(node) not in seen:
        seen.add(id(node))
        node[:] = [json_keys(v, seen) for v in node]
    return node


def key_text(key):
    """The JSON name a mapping's key node becomes (json_key), or None for a key that is not a scalar: 0o310
    and 200 are one name."""
    if not isinstance(key, yaml.ScalarNode):
        return None
    if key.tag == "tag:yaml.org,2002:int":
        return json_key(construct_int_12(None, key))
    if key.tag in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:null"):
        return json_key(True if key.value.lower() == "true" else False if key.tag.endswith("bool") else None)
    if key.tag == "tag:yaml.org,2002:float":
        try:
            return json_key(float(key.value))
        except ValueError:
            return key.value  # .inf, .nan: as written
    return key.value


def check_unique_keys(path, node, where):
    """Refuse a mapping of the node tree (at JSON pointer where) with a key written twice.  YAML 1.2 requires
    unique keys and JSON's names SHOULD be (RFC 8259), but both parsers keep the last one silently, which can
    drop an operation's `security` or a property's bounds without a word.  Keys are compared as the text they
    are written with, since the document is JSON: 200 and "200" are one response.  YAML's merge keys (<<)
    are left to YAML, whose explicit keys override merged ones by design."""
    if isinstance(node, yaml.MappingNode):
        seen = {}
        for key, value in node.value:
            if key.tag == "tag:yaml.org,2002:merge":
                continue
            text = key_text(key)
            here = pointer(where, text if text is not None else "?")
            if text is not None and text in seen:
                raise SpecError("%s: key %r appears twice in one mapping (%s line %d column %d, then line %d column %d): the parser "
                                "would keep the last and silently drop the first; write it once"
                                % (here, text, path, seen[text].start_mark.line + 1, seen[text].start_mark.column + 1,
                                   key.start_mark.line + 1, key.start_mark.column + 1))
            if text is not None:
                seen[text] = key
            check_unique_keys(path, value, here)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            check_unique_keys(path, item, pointer(where, i))


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
