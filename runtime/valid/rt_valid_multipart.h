/*
 * rt_valid_multipart — multipart/form-data request bodies into a model
 * (FastAPI's Form fields beside UploadFile ones): RFC 7578 parts, split by
 * rt_multipart, each read into the field of its name.
 *
 * A file field (RT_VALID_FILE, or an array of them) takes parts that carry
 * a filename: a struct rt_valid_file pointing into the request's body (no
 * copy), its Content-Type checked against the rule's enum_values when the
 * spec names media types (the Encoding Object's contentType, or
 * contentMediaType).  Any other field is text, converted as a form field
 * is (rt_valid_scalar_from_text()); a scalar takes exactly one part of its
 * name, an array every part of its name, in order.  Parts that name no
 * field are ignored.  The generator allows only models of such fields here.
 * The server's body size limit bounds the whole upload (413 before any of
 * this runs).
 */
#ifndef RT_VALID_MULTIPART_H
#define RT_VALID_MULTIPART_H

#include "rt_valid.h"
#include "rt_valid_errors.h"

#include <stdbool.h>

struct rt_req;

/**
 * Validate the multipart/form-data body of @p req into @p out (a struct of
 * @p model, in request memory, zeroed), adding an error per failing field
 * at [body, field] (or [body, field, index] for an array item):
 *   missing            a required field without a part;
 *   value_error        a file field's part without a filename (text sent
 *                      for a file), or a scalar field sent more than once;
 *   string_type, int_type, float_type, bool_type
 *                      a text field's part with a filename (a file sent
 *                      for text), after the field's type;
 *   content_type       a file whose Content-Type the spec does not accept;
 *   string_unicode     text that is not UTF-8 (or holds a NUL);
 * and the errors of the field's rule.  A body that is not
 * multipart/form-data is one error at [body] (model_attributes_type, as for
 * a form body); a malformed one (the boundary, the framing, a part's
 * headers) is one multipart_invalid error at [body] or [body, offset] whose
 * ctx.error says what is wrong.  An absent or empty body is "missing" at
 * [body] when @p required.
 * @return 1 if a body was present and valid, 0 if absent (and allowed to
 * be) or invalid (errors added).
 */
int rt_valid_multipart_body(struct rt_req *req, const struct rt_valid_model *model, bool required, void *out,
                            struct rt_valid_errors *errs);

#endif /* RT_VALID_MULTIPART_H */
