"""openapi_c: one OpenAPI 3.1 document -> the C sources of generated/ (the package behind codegen/gen.py).

The stages, one module each, in the order a spec goes through them:

  loader      read the YAML, resolve local $ref
  bundle      a document split over several files -> one, with local $ref only
  anchors     a $ref to an $anchor ("#name", "<$id>#name") -> a $ref to its schema's JSON pointer
  document    walk the whole document against keywords.py (every keyword and field: supported, refused or
              annotation); a refused or unknown one is a SpecError with its JSON pointer
  refusals    SpecError and the keywords each kind of schema may use; everything else is refused
  refs        $id and $ref: what a reference points to; every $ref of the document must resolve
  schemas     schema -> Rule (one struct rt_valid_rule) and object schema -> Model (one C struct)
  params      a parameter -> Param; the path template's segments
  security    securitySchemes and security requirements -> the schemes and alternatives an Operation checks
  servers     the first server URL's path: the base path everything is served under
  operations  path item + method -> Operation: parameters, request body, security
  bodymedia   a request body of several media types with one schema: a reader per media type (rt_valid_media)
  responses   an operation's responses -> reply helpers (statuses, ranges, default, response headers)
  runtime_replies  the runtime's own 422/401/403 answers of an operation against the responses covering them
  client      what the client templates need on top of an Operation
  build       the whole spec -> Ctx, the one object the templates see
  render      Ctx -> file texts through templates/*.j2; writing only what changed
  up_to_date  gen.py --check: compare with a directory and with the committed generated/
  docschema   only when a stage fails on a value of a shape OpenAPI does not allow: where the document breaks
              OpenAPI's own schema (oas/), reported as the SpecError

Helpers shared by several stages: names (C names, literals and types), regex (ECMA-262 pattern -> PCRE2),
formats (the runtime's string format checks, mirrored: a default its format refuses is refused), model (the
classes the stages fill in), paths (where the repository and the templates are).
"""

from .build import build
from .docschema import document_error
from .loader import load_spec_files
from .refusals import SpecError
from .render import render, spec_display_name


def generate(spec_path, lax=False, inputs=None):
    """The generated files for the spec at spec_path: {file name: text}; lax: pydantic's lax conversions in JSON
    bodies ("3" for an integer...) instead of JSON's types; inputs: a list to which the spec's files are added
    (the spec's, then those its $ref read).  Raises SpecError, OSError, yaml and jinja2 errors."""
    spec, files = load_spec_files(spec_path)
    if inputs is not None:
        inputs.extend(files)
    try:
        return render(build(spec, spec_display_name(spec_path), lax))
    except (SpecError, RecursionError):
        raise
    except Exception as e:
        # A stage met a value of a shape OpenAPI does not allow (docschema.py): say where, as a refusal.  A
        # document OpenAPI's schema accepts keeps the traceback: that is the generator's bug.
        try:
            why = document_error(load_spec_files(spec_path)[0])
        except Exception:  # the diagnosis failing too: the first error is the one to see
            why = None
        if why is None:
            raise
        # the stage's own error too: should it be unrelated to the schema's, a generator bug stays visible
        raise SpecError("%s; the generator stopped on it with %s: %s" % (why, type(e).__name__, e)) from e
