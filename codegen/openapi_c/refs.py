"""References: the $id of the document's schemas, and what a $ref points to.

collect_ids(ctx) records every $id (ctx.schema_ids) and makes the $ref under one absolute (ctx.abs_refs);
ref_target(ctx, ref) resolves a $ref: a local JSON pointer, a $id with an optional #pointer inside it, or the
bundled 2020-12 meta-schema.  check_refs(ctx) resolves every $ref of the document, reached by an operation or
not, so that a broken one is refused even where nothing validates with it (the served spec would carry it).
"""

import json
from urllib.parse import urljoin

from . import metaschema
from .bundle import NAME_MAPS as SCHEMA_NAME_MAPS
from .refusals import SpecError, pointer, pointer_node, pointer_tokens

# Members whose values are data, not schemas or OpenAPI objects: a "$ref" or "$id" in them is text.
DATA_KEYS = ("const", "enum", "examples", "example", "default")
# Members whose values are maps of names: a key there is a name, whatever it spells ("default" is a response
# code, "properties" may be a property).  Those of schemas are bundle.py's (anchors.py's too); this walk of the
# whole document adds OpenAPI's own maps.
NAME_MAPS = set(SCHEMA_NAME_MAPS) | {"schemas", "parameters", "requestBodies", "headers", "securitySchemes",
                                     "links", "callbacks", "pathItems", "content", "paths", "webhooks", "encoding",
                                     "variables"}

# --- $ref -------------------------------------------------------------------------------------------------

# The $id of JSON Schema's own meta-schemas: 2020-12's is bundled (metaschema.py), the older drafts' are not.
META_SCHEMAS = ("https://json-schema.org/draft/", "http://json-schema.org/draft")


def ref_target(ctx, ref):
    """(the schema a $ref points to, its JSON pointer): local pointers into the document, or a $id
    (ctx.schema_ids, by absolute URI, the bundled 2020-12 meta-schema's too) with an optional #pointer inside it."""
    if not isinstance(ref, str):
        raise SpecError("$ref must be a string, not %r" % (ref,))
    base, _, frag = ref.partition("#")
    if base:
        if base == metaschema.ROOT and base not in ctx.schema_ids:
            for uri, schema in metaschema.load():
                walk_ids(ctx, schema, uri + "#", uri, False)
        if base not in ctx.schema_ids and base.startswith(META_SCHEMAS):
            raise SpecError("$ref %r: of JSON Schema's meta-schemas only 2020-12's (%s) is bundled (only local $ref "
                            "and $id of this document are supported)" % (ref, metaschema.ROOT))
        if base not in ctx.schema_ids:
            raise SpecError("$ref %r: no schema with that $id in the document, nor a .yaml/.yml/.json file beside "
                            "the spec (only local $ref and $id of this document are supported, and other local "
                            "files; remote references are not fetched)" % ref)
        node, where = ctx.schema_ids[base]
    else:
        node, where = ctx.spec, "#"
    if frag and not frag.startswith("/"):
        raise SpecError("$ref %r: anchors are not supported, only JSON pointers" % ref)
    try:
        node = pointer_node(node, frag)
    except LookupError:
        raise SpecError("unresolved $ref %r" % ref)
    for token in pointer_tokens(frag):
        where = pointer(where, token)
    return node, where


# --- $id --------------------------------------------------------------------------------------------------

def collect_ids(ctx):
    """ctx.schema_ids: every $id of the document's schemas (resolved against the $id around it) -> (schema,
    JSON pointer), for $ref by URI."""
    walk_ids(ctx, (ctx.spec.get("components") or {}).get("schemas") or {}, "#/components/schemas", "")


def members(node, names):
    """(key, value, whether value is a map of names) for the members of node worth walking; names: node is a map
    of names (properties, $defs, components/schemas, responses...), whose keys are names, never keywords: a
    property called "default" or "properties" is a schema.  Elsewhere data (const, enum, examples, default) and
    x- extensions are left out."""
    for k, v in node.items():
        if names:
            yield k, v, False
        elif k not in DATA_KEYS and not str(k).startswith("x-"):
            yield k, v, k in NAME_MAPS


def walk_ids(ctx, node, where, base, names=True):
    """collect_ids() on node (at where, under the $id base; names: node is a map of names), and the $ref under a
    $id made absolute."""
    if isinstance(node, dict):
        if not names and isinstance(node.get("$id"), str):
            base = urljoin(base, node["$id"]).partition("#")[0]
            if base in ctx.schema_ids and ctx.schema_ids[base][1] != where:
                raise SpecError("%s/$id: %r is the $id of %s already: a $ref by it could not tell them apart"
                                % (where, base, ctx.schema_ids[base][1]))
            ctx.schema_ids[base] = (node, where)
        for k, v, child_names in members(node, names):
            if k == "$ref" and not names and isinstance(v, str) and base:
                ctx.abs_refs[where] = base + v if v.startswith("#") else urljoin(base, v)
            else:
                walk_ids(ctx, v, pointer(where, k), base, child_names)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            walk_ids(ctx, v, pointer(where, i), base, False)


def check_refs(ctx):
    """Resolve every $ref of the document (but those in data and x- extensions); SpecError names a broken one."""
    walk_refs(ctx, ctx.spec, "#", False)


def walk_refs(ctx, node, where, names):
    if isinstance(node, dict):
        ref = node.get("$ref")
        if not names and "$ref" in node and not isinstance(ref, str):
            raise SpecError("%s/$ref: %s is not a string: a $ref is a URI reference such as "
                            "'#/components/schemas/Pet'" % (where, json.dumps(ref)))
        if not names and isinstance(ref, str):
            uri = ctx.abs_refs.get(where, ref)
            metaschema.check_entry(uri, where)
            try:
                ref_target(ctx, uri)
            except SpecError as e:
                raise SpecError("%s/$ref: %s" % (where, e))
        for k, v, child_names in members(node, names):
            walk_refs(ctx, v, pointer(where, k), child_names)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            walk_refs(ctx, v, pointer(where, i), False)
