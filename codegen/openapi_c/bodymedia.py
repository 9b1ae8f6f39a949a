"""A requestBody with several media types: one schema sent as JSON, as a form or as multipart/form-data (an HTML
form and a JSON client posting to one endpoint).  The request's Content-Type picks the reader
(runtime/valid/rt_valid_media), and each reader fills the same model, so the handler gets one typed body.

Accepted: every media type is JSON (application/json or one application/*+json type; at most one JSON type),
application/x-www-form-urlencoded or multipart/form-data, written without parameters, each once, and all carry
the same schema.  The same schema means equal once a top-level $ref is resolved (annotations beside it aside): the
same $ref twice, identical inline schemas, or a $ref beside an inline copy of its target; a nested $ref compares by
its pointer, not by what it points to.  That schema must be one a form carries (an object model whose fields are
scalars or arrays of scalars, operations.check_form_model), since the form or multipart reader fills the model
the JSON reader fills, and without file parts (neither JSON nor a form can carry a file).  Each reader types as
it does alone: JSON strictly, form and multipart fields as text (pydantic's parsing).  An `encoding` is read
where it is read alone (multipart/form-data's; refused on the others, multipart.multipart_content).

Refused, with the content's JSON pointer and why: text or bytes media types beside the others (the handler gets
them as body/body_len, not as the typed body), other multipart/* types, wildcards, media type parameters, two JSON
types, one media type written twice, different schemas.

The primary media type is the JSON one when declared, else the first declared: a body without Content-Type is
read as it (and answered as an operation of that media type alone would), and the generated client sends it
unless its caller names another declared type (api_client_<op>()'s media_type).
"""

from .refs import ref_target
from .multipart import MEDIA as MULTIPART, multipart_content
from .names import c_string
from .rawbody import FORM, is_json, media_type
from .refusals import DOC_KEYWORDS, SpecError

KINDS = {"json": "RT_VALID_MEDIA_JSON", FORM: "RT_VALID_MEDIA_FORM", MULTIPART: "RT_VALID_MEDIA_MULTIPART"}


class BodyMedia:
    """One declared media type of a body of several (a struct rt_valid_media)."""

    def __init__(self, key, media, kind):
        self.key = key                # as written in the spec
        self.media = media            # type/subtype, lower case
        self.media_c = c_string(media)
        self.kind = kind              # RT_VALID_MEDIA_JSON, _FORM or _MULTIPART


def several_media(ctx, op, rb, at, one_media_body):
    """If the requestBody rb (at JSON pointer at) has several media types: check them, build op.body with
    one_media_body(ctx, op, rb', at) (operations.py's reading of a body of one media type) on the one whose reader
    asks the most of the schema, set op.body_media (BodyMedia list, spec order) and op.body_primary (its index),
    and return True.  False, op untouched, for a body of one media type."""
    content = rb.get("content") or {}
    if not isinstance(content, dict) or len(content) < 2:
        return False
    where = at + "/content"

    def refuse(why):
        raise SpecError("%s: a request body with several media types (%s) is not supported: %s"
                        % (where, ", ".join(content), why))

    media = [declared(key, refuse) for key in content]
    seen = {}
    for m in media:
        if m.media in seen:
            refuse("%r and %r are the same media type" % (seen[m.media], m.key))
        seen[m.media] = m.key
    if sum(m.kind == KINDS["json"] for m in media) > 1:
        refuse("several JSON media types: declare application/json, which accepts every application/*+json type")
    first = media[0]
    for m in media[1:]:
        if same_schema(ctx, content[m.key]) != same_schema(ctx, content[first.key]):
            refuse("different schemas per media type are not supported: the handler gets one typed body "
                   "(the schema of %s differs from that of %s)" % (m.key, first.key))
    multipart_content(rb, at)  # encoding on a media type other than multipart/form-data is refused
    # multipart's reader, else the form's, builds the model (the JSON reader reads any model a form can carry)
    builder = next(m for kind in ("RT_VALID_MEDIA_MULTIPART", "RT_VALID_MEDIA_FORM") for m in media
                   if m.kind == kind)
    one_media_body(ctx, op, dict(rb, content={builder.key: content[builder.key]}), at)
    files = [f.name for f in op.body.fields if "RT_VALID_FILE" in (f.rule.kind, getattr(f.rule.items, "kind", None))]
    if files:
        refuse("the file part(s) %s of %s cannot be sent as %s" % (
            ", ".join(files), builder.key, " or ".join(m.key for m in media if m is not builder)))
    op.body_primary = next((i for i, m in enumerate(media) if m.kind == KINDS["json"]), 0)
    op.body_media = media
    primary = media[op.body_primary]
    # what the generated client sends by default: the primary media type; its caller may name another of
    # op.body_media (the client's media table; the server template reads op.body_media too)
    op.body_form = primary.kind == KINDS[FORM]
    op.body_multipart = primary.kind == KINDS[MULTIPART]
    op.body_json_media_c = primary.media_c if primary.kind == KINDS["json"] and \
        primary.media != "application/json" else None
    return True


def declared(key, refuse):
    """The BodyMedia of the content key key, or refuse(why) for one the readers cannot take beside others."""
    mt, params = media_type(key)
    if "*" in mt:
        refuse("the wildcard media type %r: the handler could not tell which type came, nor the client which "
               "to send" % key)
    if params:
        refuse("%r has parameters, which would not be enforced" % key)
    if is_json(mt):
        return BodyMedia(key, mt, KINDS["json"])
    if mt in KINDS:
        return BodyMedia(key, mt, KINDS[mt])
    if mt.startswith("multipart/"):
        refuse("%s is not supported, in a body of several media types or alone (only multipart/form-data)" % key)
    refuse("%s is not JSON, a form or multipart/form-data: the handler gets such a body as its text or bytes "
           "(body, body_len), not as the one typed body the others fill; give it an operation of its own" % key)


def same_schema(ctx, node):
    """The schema of a Media Type Object as compared with the others': its top-level $ref resolved (annotations
    beside it aside)."""
    schema = node.get("schema", {}) if isinstance(node, dict) else {}
    if isinstance(schema, dict) and "$ref" in schema and not set(schema) - DOC_KEYWORDS - {"$ref"}:
        return ref_target(ctx, schema["$ref"])[0]
    return schema

