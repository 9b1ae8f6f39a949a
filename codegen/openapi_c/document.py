"""Walking the whole document against the table of keywords.py, before anything is built.

Every key of every object (root, paths, operations, parameters, bodies, media types, responses, headers,
components, schemas recursively) must be in the table: a REFUSED one, one a check refuses, and an unknown one
(x-* extensions excepted) are a SpecError naming the construct and its JSON pointer (RFC 6901), e.g.
`#/paths/~1users~1{id}/get/callbacks: Operation field 'callbacks' is refused: ...`.

The paths are walked first, in the context of a request (parameters, request bodies) or of a response: a $ref
is followed into the components in that context, so that a schema is checked against what reaches it (see
keywords.py); the components are also walked on their own (context None) for what is refused everywhere.
"""

import re

from .keywords import BODY, NAMES, NOOP_FIELDS, OBJECTS, OUTPUT, PARAM, REFUSED, REQUIRED, SCHEMA, is_null_schema
from .refusals import SpecError, pointer, pointer_node

STATUS = re.compile(r"[1-5][0-9][0-9]")
STATUS_RANGE = re.compile(r"[1-5][Xx][Xx]")
# The context an object is walked in -> the context of a schema under it.
SCHEMA_CTX = {"request": BODY, "response": OUTPUT, PARAM: PARAM, BODY: BODY, OUTPUT: OUTPUT}


def construct(key, value):
    """How an error names a key: with its value when that is a scalar ('style: matrix')."""
    if isinstance(value, bool):
        return "'%s: %s'" % (key, "true" if value else "false")
    if isinstance(value, (str, int, float)):
        return "'%s: %s'" % (key, value)
    return "'%s'" % key


def check_document(spec):
    """Raise SpecError for the first construct of spec the generator does not support (see keywords.py); return
    the pointers of the property schemas a request reaches that carry a default (jsonschema.py refuses those it
    validates as a JSON value, where nothing fills a default in), and those of every schema a request reaches."""
    walker = Walker(spec)
    walker.object(spec, "openapi", "#", None)
    return walker.body_defaults, {ptr for ptr, kind, ctx, *_ in walker.seen if kind == "schema" and ctx in (PARAM, BODY)}


class Walker:
    """One walk of one document; seen keeps each (pointer, kind, context) to one visit ($ref cycles)."""

    def __init__(self, spec):
        self.spec = spec
        self.seen = set()
        self.version = str(spec.get("openapi", ""))
        self.body_defaults = set()  # check_document()
        self.param_content = False  # walking a parameter's content (a JSON parameter's schema), for the messages

    def versioned(self, entry, value):
        """None if the key of entry exists in this document's OpenAPI version (or has a value there that means
        nothing), else why it is refused."""
        if entry.only_in and not self.version.startswith(entry.only_in[0]) and not (
                len(entry.only_in) > 2 and value is entry.only_in[2]):
            return entry.only_in[1]
        return None

    @staticmethod
    def fail(at, message, via=None):
        if via:
            message += " (reached through %s)" % via
        raise SpecError("%s: %s" % (at, message))

    def object(self, node, kind, ptr, ctx):
        """An OpenAPI object of this kind (a key of OBJECTS) at ptr: its fields, then their values."""
        table, name = OBJECTS[kind], NAMES[kind]
        if not isinstance(node, dict):
            self.fail(ptr, "a %s must be a mapping" % name)
        for key in REQUIRED.get(kind, ()):
            if key not in node:
                self.fail(ptr, "a %s must have '%s'" % (name, key))
        for key, value in node.items():
            key = str(key)
            if key.startswith("x-"):
                continue
            at = pointer(ptr, key)
            entry = table.get(key)
            if entry is None and value is False and NOOP_FIELDS.get(kind, {}).get(key) is False:
                continue
            if entry is None:
                self.fail(at, "unknown %s field '%s' (not in OpenAPI 3.1; extensions start with x-)" % (name, key))
            why = self.versioned(entry, value) or entry.refusal(value, node, ctx)
            if why:
                self.fail(at, "%s field %s is refused: %s" % (name, construct(key, value), why))
            if kind == "path-item" and key == "$ref":
                self.follow(value, at, "path-item", ctx)
            elif entry.child:
                outer, self.param_content = self.param_content, self.param_content or (
                    kind == "parameter" and key == "content")
                try:
                    self.child(value, entry.child, at, entry.ctx if entry.ctx and ctx else ctx)
                finally:
                    self.param_content = outer

    def child(self, value, spec, at, ctx):
        """The value of a field, walked as spec says (keywords.py: child)."""
        if spec.startswith("["):
            if not isinstance(value, list):
                self.fail(at, "must be a list")
            for i, v in enumerate(value):
                self.child(v, spec[1:-1], pointer(at, i), ctx)
        elif spec.startswith("{"):
            if not isinstance(value, dict):
                self.fail(at, "must be a mapping")
            for k, v in value.items():
                self.child(v, spec[1:-1], pointer(at, k), ctx)
        elif spec.endswith("?"):
            if isinstance(value, dict) and "$ref" in value:
                self.object(value, "reference", at, ctx)
                self.follow(value["$ref"], pointer(at, "$ref"), spec[:-1], ctx)
            else:
                self.child(value, spec[:-1], at, ctx)
        elif spec == "schema":
            self.schema(value, at, SCHEMA_CTX.get(ctx), None)
        elif spec == "paths":
            self.paths(value, at)
        elif spec == "responses":
            self.responses(value, at, ctx)
        elif spec == "content":
            if not isinstance(value, dict):
                self.fail(at, "must be a mapping of media types")
            for media, v in value.items():
                self.object(v, "media-type", pointer(at, media), ctx)
        else:
            self.object(value, spec, at, ctx)

    def target(self, ref, at):
        """The node the local $ref at `at` points to."""
        if not isinstance(ref, str) or not ref.startswith("#/"):
            self.fail(at, "only local $ref (and .yaml/.yml/.json files beside the spec) are supported, not %r"
                      % (ref,))
        try:
            return pointer_node(self.spec, ref[1:])
        except LookupError:
            self.fail(at, "unresolved $ref %r" % ref)

    def local_target(self, ref):
        """The schema a $ref into this document points to; None for one the generator resolves itself
        (against a $id) or refuses (refs.py)."""
        if not isinstance(ref, str) or not ref.startswith("#/"):
            return None
        try:
            return pointer_node(self.spec, ref[1:])
        except LookupError:
            return None

    def follow(self, ref, at, kind, ctx):
        """The object a $ref points to, walked as kind in ctx (once)."""
        node = self.target(ref, at)
        if (ref, kind, ctx) not in self.seen:
            self.seen.add((ref, kind, ctx))
            self.child(node, kind + "?", ref, ctx)

    def paths(self, value, at):
        """The Paths Object: each path item is where requests come in."""
        if not isinstance(value, dict):
            self.fail(at, "paths must be a mapping")
        for path, item in value.items():
            if not str(path).startswith("x-"):
                self.object(item, "path-item", pointer(at, path), "live")

    def responses(self, value, at, ctx):
        """The Responses Object: a response per status code, range (4XX) or default."""
        if not isinstance(value, dict):
            self.fail(at, "responses must be a mapping")
        for status, resp in value.items():
            status = str(status)
            here = pointer(at, status)
            if status.startswith("x-"):
                continue
            if not (STATUS.fullmatch(status) or STATUS_RANGE.fullmatch(status) or status == "default"):
                self.fail(here, "unknown response status %r (a status code 100-599, a range 1XX-5XX or default is expected)" % status)
            self.child(resp, "response?", here, ctx)

    def schema(self, node, ptr, ctx, via, null_alt=False, prop=False):
        """A schema at ptr in context ctx (keywords.PARAM, BODY, OUTPUT or None); via: the $ref a request or a
        response reached it through, for the messages; null_alt: the schema is the {type: 'null'} alternative of
        an anyOf/oneOf (where type 'null' alone is fine); prop: it is a property's schema (or the one its $ref
        names), the only place readOnly and writeOnly have an effect."""
        if (ptr, "schema", ctx, prop, self.param_content) in self.seen:
            return
        self.seen.add((ptr, "schema", ctx, prop, self.param_content))
        if isinstance(node, bool):
            return  # true and false: boolean schemas
        if not isinstance(node, dict):
            self.fail(ptr, "a schema must be a mapping or a boolean", via)
        for key, value in node.items():
            key = str(key)
            if key.startswith("x-"):
                continue
            at = pointer(ptr, key)
            if not (null_alt and key == "type"):
                self.schema_keyword(key, value, node, at, ctx, via)
            if key in ("readOnly", "writeOnly") and value is True and not prop and ctx is not None:
                self.fail(at, "schema keyword '%s: true' is refused: it is enforced on properties only (here it "
                              "would be ignored)" % key, via)
            if key == "default" and ctx == BODY and self.param_content:
                self.fail(at, "schema keyword 'default' is refused in a JSON parameter's schema (a parameter with "
                              "content): its value is handed to the handler as sent, a struct json_object *, and "
                              "nothing fills in a default (of the whole value, a property or an item); an absent "
                              "optional parameter is NULL", via)
            if key == "default" and ctx == BODY and not prop:
                self.fail(at, "schema keyword 'default' is refused here: a request body's defaults are applied to "
                              "absent properties only (an item's or a whole body's would be ignored)", via)
            if key == "default" and ctx == BODY:
                self.body_defaults.add(ptr)
            self.subschemas(key, value, at, ctx, via, prop)

    def schema_keyword(self, key, value, node, at, ctx, via):
        """Refuse one keyword of a schema: unknown, REFUSED, or refused by its check in this context."""
        entry = SCHEMA.get(key)
        if entry is None:
            self.fail(at, "unsupported schema keyword(s) %s: not a keyword of JSON Schema 2020-12 or of the OpenAPI "
                          "dialect (extensions start with x-)" % key, via)
        why = self.versioned(entry, value) or entry.refusal(value, node, ctx)
        if why and entry.status == REFUSED:
            self.fail(at, "unsupported schema keyword(s) %s: %s" % (key, why), via if ctx else None)
        if why:
            self.fail(at, "schema keyword %s is refused: %s" % (construct(key, value), why), via if ctx else None)

    def subschemas(self, key, value, at, ctx, via, prop=False):
        """Walk the schemas under one keyword: a property's or an item's schema leaves a parameter's top level."""
        inner = BODY if ctx == PARAM else ctx
        if key == "$ref":
            target = self.local_target(value)
            if target is not None:
                self.schema(target, value, ctx, via or (at if ctx else None), prop=prop)
            # a $ref by $id is resolved (and refused when unknown) by refs.py; its target is walked
            # where it sits, under components
        elif key in ("properties", "patternProperties", "dependentSchemas", "$defs"):
            if not isinstance(value, dict):
                self.fail(at, "%s must be a mapping" % key, via)
            for name, sub in value.items():
                # only a property's schema can carry readOnly, writeOnly or a body default
                self.schema(sub, pointer(at, name), inner, via, prop=key == "properties")
        elif key in ("items", "additionalProperties", "contains", "propertyNames", "not", "if", "then", "else"):
            self.schema(value, at, inner, via)
        elif key in ("allOf", "anyOf", "oneOf", "prefixItems") and isinstance(value, list):
            for i, sub in enumerate(value):
                self.schema(sub, pointer(at, i), ctx if key != "prefixItems" else inner, via,
                            null_alt=is_null_schema(sub))

