"""multipart/form-data request bodies (RFC 7578; FastAPI's Form and UploadFile): an object schema whose properties
are file parts or text fields, read by runtime/valid/rt_valid_multipart.

A property is a file part when it is {type: string, format: binary} (OpenAPI 3.0's spelling) or a string with
contentMediaType (3.1's); an array of those is a list of files.  Its C member is a struct rt_valid_file (name,
filename, content type, bytes, size; rt_valid.h), or an array of them.  The accepted Content-Types of a file part are
the Encoding Object's contentType for its property, else its contentMediaType; none: any.  Every other property is a
text field, held to what a form field may be (operations.check_form_model).  What is not enforced is refused here,
with its JSON pointer: contentEncoding (the part would need decoding), a file's string keywords (minLength, pattern,
enum, default...), nullable files, encoding entries other than contentType, contentType on a text field.
"""

from .document import pointer
from .jsonschema import needs_schema
from .refs import ref_target
from .names import c_comment, c_string, camel
from .refusals import DOC_KEYWORDS, SpecError
from .schemas import build_rule, is_object_schema

MEDIA = "multipart/form-data"
FILE_KEYWORDS = {"type", "format", "contentMediaType"}


def through_refs(ctx, schema):
    """schema, or the schema its $ref (alone, beside annotations) names, followed to the end: ASP.NET writes a
    file part as {$ref: '#/components/schemas/IFormFile'} whose target is {type: string, format: binary}."""
    for _ in range(32):
        if not isinstance(schema, dict) or "$ref" not in schema or set(schema) - DOC_KEYWORDS != {"$ref"}:
            return schema
        try:
            schema = ref_target(ctx, schema["$ref"])[0]
        except SpecError:
            return schema  # refused where it is built
    return schema


def is_file_schema(ctx, schema):
    """A file part: {type: string, format: binary}, or a string with contentMediaType (through $ref)."""
    schema = through_refs(ctx, schema)
    return isinstance(schema, dict) and schema.get("type") == "string" and (
        schema.get("format") == "binary" or "contentMediaType" in schema)


def is_files_schema(ctx, schema):
    """An array of file parts (items by $ref too; ASP.NET's IFormFileCollection)."""
    schema = through_refs(ctx, schema)
    return isinstance(schema, dict) and schema.get("type") == "array" and is_file_schema(ctx, schema.get("items"))


def has_file_parts(ctx, schema):
    """Whether the object schema has file properties: its model is built by the multipart body using it (a JSON
    body or a response using it refuses format binary)."""
    return any(is_file_schema(ctx, p) or is_files_schema(ctx, p) for p in (schema.get("properties") or {}).values())


def multipart_content(rb, at):
    """(the Media Type Object of rb's multipart/form-data content, its JSON pointer), or (None, None).  An
    `encoding` on any other media type of rb is refused: only multipart bodies read it."""
    found = (None, None)
    for media, body in (rb.get("content") or {}).items():
        where = pointer(at + "/content", media)
        if media.split(";")[0].strip().lower() == MEDIA:
            found = (body if isinstance(body, dict) else {}, where)
        elif isinstance(body, dict) and "encoding" in body:
            raise SpecError("%s/encoding: encoding is supported for multipart/form-data bodies only (its "
                            "contentType); on %s it would be ignored" % (where, media))
    return found


def multipart_body(ctx, op, rb, at):
    """If rb (the Request Body Object at JSON pointer at) is multipart/form-data: set op.body (its Model),
    op.body_multipart and op.body_required, and return True; else False and op untouched."""
    media, where = multipart_content(rb, at)
    if media is None:
        return False
    schema, schema_at = media.get("schema", {}), where + "/schema"
    target, target_at, key = schema, schema_at, None
    if isinstance(schema, dict) and set(schema) - DOC_KEYWORDS == {"$ref"}:
        key = schema["$ref"]
        target, target_at = ref_target(ctx, key)[0], key
    files = file_properties(ctx, target, target_at)
    if not is_object_schema(target) or needs_schema(ctx, text_only(target, files)):
        raise SpecError("%s: a multipart/form-data body must be an object schema with properties, and only the "
                        "keywords its model enforces (additionalProperties false or left out: not true or a "
                        "schema, whose extra fields a model cannot keep; not minProperties, "
                        "composition...): the JSON Schema validator checks JSON bodies only" % schema_at)
    encodings = check_encoding(media.get("encoding") or {}, target, files, where)
    if key is not None and key in ctx.models_by_key:
        model = ctx.models_by_key[key]  # a component of text fields only, already built
    else:
        name = key.split("/")[-1] if key and key.startswith("#/components/schemas/") and len(key.split("/")) == 4 \
            else camel(op.id) + "Body"
        rule = build_rule(ctx, text_only(target, files), "rule_%s_body" % op.c_name, target_at, name)
        ctx.rules.remove(rule)  # only its model is used
        model = rule.model
        if key is not None:
            ctx.models_by_key[key] = model
    from .operations import check_form_model  # operations imports this module
    check_form_model(text_model(model, files), target_at)
    for f in model.fields:
        if f.name in files:
            file_field(ctx, model, f, files[f.name], encodings.get(f.name), pointer(target_at + "/properties", f.name))
    op.body, op.body_multipart = model, True
    op.body_required = bool(rb.get("required", False))
    return True


def file_properties(ctx, target, at):
    """{property: (its file schema, whether an array of files, the file schema's pointer)} of the object schema
    target, checked (a $ref is followed, and the pointers then name its target)."""
    files = {}
    for name, prop in ((target.get("properties") or {}) if isinstance(target, dict) else {}).items():
        where = pointer(at + "/properties", name)
        if is_files_schema(ctx, prop):
            where, prop = ref_at(ctx, prop, where)
            extra = set(prop) - DOC_KEYWORDS - {"type", "items"}
            if extra:
                raise SpecError("%s: %s on an array of files is not enforced" % (where, ", ".join(sorted(extra))))
            at_items, items = ref_at(ctx, prop["items"], where + "/items")
            files[name] = (items, True, at_items)
            check_file_schema(items, at_items)
        elif is_file_schema(ctx, prop):
            where, prop = ref_at(ctx, prop, where)
            files[name] = (prop, False, where)
            check_file_schema(prop, where)
    return files


def ref_at(ctx, schema, where):
    """(the JSON pointer, the schema) that schema at where stands for, through $ref."""
    for _ in range(32):
        if not isinstance(schema, dict) or "$ref" not in schema or set(schema) - DOC_KEYWORDS != {"$ref"}:
            break
        where = schema["$ref"]
        schema = ref_target(ctx, where)[0]
    return where, schema


def check_file_schema(schema, where):
    if "contentEncoding" in schema:
        raise SpecError("%s/contentEncoding: a file part with a contentEncoding would have to be decoded, which is "
                        "not supported: send its bytes as they are (format: binary)" % where)
    if "format" in schema and schema["format"] != "binary":
        raise SpecError("%s/format: a file part's format must be binary, not %r" % (where, schema["format"]))
    extra = sorted(set(schema) - FILE_KEYWORDS - DOC_KEYWORDS | ({"readOnly", "writeOnly"} & set(schema)))
    if extra:
        raise SpecError("%s: %s on a file part is not enforced (a file part is its bytes, with a filename and a "
                        "Content-Type)" % (where, ", ".join(extra)))
    if not isinstance(schema.get("contentMediaType", ""), str):
        raise SpecError("%s/contentMediaType: must be a media type" % where)


def text_only(target, files):
    """target with each file property replaced by a text field of the same name, for the model's other fields to
    be built (and checked) as usual; file_field() then turns those fields into file parts."""
    if not files:
        return target
    props = {name: ({"type": "array", "items": {"type": "string"}} if files[name][1] else {"type": "string"})
             if name in files else prop for name, prop in target["properties"].items()}
    return dict(target, properties=props)


def text_model(model, files):
    """model without its file fields (what check_form_model looks at)."""
    class Text:
        fields = [f for f in model.fields if f.name not in files]
    return Text


def check_encoding(encoding, target, files, where):
    """{property: [accepted media ranges]} from the Encoding Objects of a multipart body."""
    out = {}
    for name, enc in encoding.items():
        at = pointer(where + "/encoding", name)
        if name not in (target.get("properties") or {}):
            raise SpecError("%s: encoding names %r, which is no property of the body" % (at, name))
        if not isinstance(enc, dict) or "contentType" not in enc:
            continue
        if name not in files:
            raise SpecError("%s/contentType: contentType is enforced on file parts only; on the text field %r it "
                            "would be ignored" % (at, name))
        out[name] = media_ranges(enc["contentType"], at + "/contentType")
    return out


def media_ranges(text, where):
    """The media ranges of a contentType ("image/png, image/*"), each type/subtype."""
    if isinstance(text, str) and ";" in text:
        raise SpecError("%s: %r: media type parameters (;charset=...) in a part's accepted types are not supported: "
                        "a part is accepted by its type/subtype alone, so they would not be enforced; remove them"
                        % (where, text))
    ranges = [r.strip().lower() for r in str(text).split(",")] if isinstance(text, str) else []
    if not ranges or any(r.count("/") != 1 or r.startswith("/") or r.endswith("/") or
                         ("*" in r and r not in ("*/*",) and not r.endswith("/*")) for r in ranges):
        raise SpecError("%s: %r is not a comma-separated list of media types or ranges (image/png, image/*)"
                        % (where, text))
    return ranges


def file_field(ctx, model, f, file_schema, ranges, where):
    """Turn the text field f (made by text_only) into a file part: its rule RT_VALID_FILE (with the accepted
    media types), its C member a struct rt_valid_file or an array of them."""
    schema, many, schema_at = file_schema
    if ranges is None and "contentMediaType" in schema:
        ranges = media_ranges(schema["contentMediaType"], schema_at + "/contentMediaType")
    rule = f.rule.items if many else f.rule
    accepted = sorted(ranges or [])
    if getattr(rule, "file_types", accepted) != accepted:  # the model of a component another body already uses
        raise SpecError("%s: two multipart bodies use this schema with different accepted Content-Types for %r "
                        "(encoding contentType): its one C table cannot hold both; give one body a schema of its "
                        "own" % (where, f.name))
    rule.file_types = accepted
    rule.kind, rule.summary = "RT_VALID_FILE", []
    rule.members = [("kind", "RT_VALID_FILE")]
    if ranges and "*/*" not in ranges:
        rule.aux = ["static const char *const %s_types[] = {%s, NULL};" % (
            rule.name, ", ".join(c_string(r) for r in ranges))]
        rule.members.append(("enum_values", "%s_types" % rule.name))
    f.has_flag = f.null_flag = False
    if many:
        f.c_decl = "struct {\n        size_t len;\n        struct rt_valid_file *items;\n    } %s;" % f.c_name
    else:
        f.c_decl = "struct rt_valid_file %s;" % f.c_name
    words = ["required" if f.required else "optional (name NULL when not sent)",
             "files" if many else "a file part"]
    if ranges and "*/*" not in ranges:
        words.append("Content-Type " + " or ".join(r.replace("*", "(any)") for r in ranges))
    f.comment = c_comment(", ".join(words))

