"""The answers the runtime gives on its own, checked against the responses an operation declares.

Before a handler runs, the runtime answers a request it refuses: 422 with FastAPI's
{"detail": [{"type", "loc", "msg", "input", ...}]} (rt_valid_errors) when a parameter or the body is invalid,
401 or 403 with {"detail": "..."} (rt_valid_auth) when the operation is secured, and 415 with {"detail": "..."}
(rt_valid_raw, rt_valid_media) when a text, bytes or several-type body comes with a Content-Type it does not take.  A declared response that
covers such a status (the code itself, else its range 4XX, else default) describes those answers too: a JSON
schema that rejects them, or content without JSON, would be a contract the server breaks on every refused
request.  Such a declaration is refused with its JSON pointer.

Whether a schema refuses those bodies is judged by defaults.schema_refuses(), the check a default gets: it
names the keyword that refuses, and takes a keyword it does not know as accepting, so that only a schema that
surely rejects what the runtime sends is refused.
"""

import json

from .defaults import schema_refuses
from .document import pointer
from .refusals import SpecError

# What the runtime sends (the shapes of rt_valid_errors.c and rt_valid_auth_req.c), one or more examples each.
VALIDATION = [{"detail": [{"type": "missing", "loc": ["query", "q"], "msg": "Field required", "input": None}]},
              {"detail": [{"type": "less_than_equal", "loc": ["body", "items", 0], "msg": "Input should be less "
                           "than or equal to 5", "input": 9, "ctx": {"le": 5}}]}]
UNAUTHORIZED = [{"detail": "Not authenticated"}]
FORBIDDEN = [{"detail": "Not enough permissions"}]
UNSUPPORTED = [{"detail": "Unsupported Media Type: this operation takes a text/plain body in UTF-8"}]


def covering(responses, status):
    """(key, response) of the declared response covering status: the code, its range, default; else None."""
    for key in (str(status), "%dXX" % (status // 100), "%dxx" % (status // 100), "default"):
        if key in responses:
            return key, responses[key]



def check_runtime_replies(ctx, op, spec_op, where):
    """Refuse a declared response that the runtime's own 422, 401, 403 or 415 answers of this operation break."""
    responses = spec_op.get("responses") or {}
    answers = []
    if op.params or op.body or op.body_schema or op.body_union or op.body_raw or op.body_media:
        answers.append((422, VALIDATION, "a parameter or the body it refuses"))
    if op.auth_schemes:
        answers += [(401, UNAUTHORIZED, "missing or refused credentials"),
                    (403, FORBIDDEN, "credentials without the permission")]
    if op.body_raw or op.body_media:
        answers.append((415, UNSUPPORTED, "a body of a media type it does not take"))
    for status, samples, what in answers:
        found = covering(responses, status)
        if found is None:
            continue
        key, resp = found
        at = pointer(where + "/responses", key)
        if isinstance(resp, dict) and "$ref" in resp:
            at, resp = resp["$ref"], ctx.resolve(resp["$ref"])
        content = resp.get("content") if isinstance(resp, dict) else None
        if not content:
            continue  # no body described
        json_media = [m for m in content if m.split(";")[0].strip().lower() in ("application/json", "*/*",
                                                                                 "application/*")]
        fix = "" if key == str(status) else (
            "; or declare %d itself (FastAPI's %s), so that %s describes only what the handler sends" % (
                status, "HTTPValidationError" if status == 422 else "HTTPException {detail: text}", key))
        if not json_media:
            raise SpecError("%s/content: response %s covers the runtime's %d for %s, which is application/json "
                            "(%s): declare application/json%s" % (at, key, status, what, json.dumps(samples[0]),
                                                                 fix))
        media = content[json_media[0]]
        schema = media.get("schema", True) if isinstance(media, dict) else True
        for sample in samples:
            why = schema_refuses(ctx, schema, sample, "")
            if why:
                shape = "FastAPI's HTTPValidationError" if status == 422 else "FastAPI's HTTPException"
                raise SpecError("%s: response %s covers the runtime's %d for %s, whose body this schema does not "
                                "accept: %s (%s; declare %d with that shape, as %s, or narrow the range)" % (
                                    pointer(pointer(at + "/content", json_media[0]), "schema"), key, status, what,
                                    json.dumps(sample), why, status, shape))
