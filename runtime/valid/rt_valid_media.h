/*
 * rt_valid_media — a request body declared under several media types with
 * one schema (JSON, application/x-www-form-urlencoded, multipart/form-data):
 * the request's Content-Type picks the reader, and every reader fills the
 * same model, so the handler gets one typed body whichever form was sent.
 *
 * The generator (codegen/openapi_c/bodymedia.py) emits such a table only
 * when every media type is one of those three and all carry the same
 * schema, an object model whose fields a form can carry (no file parts);
 * anything else with several media types is refused at build time.
 *
 * Which reader (rt_valid_media_select()):
 *   - no Content-Type, or an empty body: the primary media type's (JSON
 *     when declared, else the first declared): that reader then answers as
 *     the operation would if it declared that media type alone (a missing
 *     required body is "missing" at ["body"]; a form or multipart body
 *     without Content-Type is model_attributes_type, as it is today);
 *   - a Content-Type whose type/subtype (any case, parameters aside) is a
 *     declared one: that one's; its parameters are then its reader's
 *     (a multipart boundary, a JSON charset ignored as rt_valid_json does);
 *   - an application/<x>+json type when application/json is declared: the
 *     JSON reader (FastAPI's acceptance, as for a JSON-only operation);
 *   - anything else: 415 {"detail": "Unsupported Media Type: ..."}, the
 *     answer rt_valid_raw gives a text or bytes body sent under another
 *     media type (no one reader's 422 entry would describe the mismatch).
 */
#ifndef RT_VALID_MEDIA_H
#define RT_VALID_MEDIA_H

#include "rt_valid.h"
#include "rt_valid_errors.h"

#include <stdbool.h>
#include <stddef.h>

struct rt_req;

/** The reader of one media type. */
enum rt_valid_media_kind {
    RT_VALID_MEDIA_JSON,     /* rt_valid_req_body() */
    RT_VALID_MEDIA_FORM,     /* rt_valid_form_body() */
    RT_VALID_MEDIA_MULTIPART /* rt_valid_multipart_body() */
};

/** One declared media type. */
struct rt_valid_media {
    const char *media;             /* type/subtype, lower case: "application/json" */
    enum rt_valid_media_kind kind; /* its reader */
};

/** A request body of several media types; generated as a static const table. */
struct rt_valid_media_body {
    const struct rt_valid_media *media; /* the declared media types, in the spec's order */
    size_t n_media;                     /* at least 2 */
    size_t primary;                     /* index of the one a body without Content-Type is read as */
    const struct rt_valid_model *model; /* the body's model, which every reader fills */
    bool required;                      /* requestBody.required */
};

/** rt_valid_media_req_body()'s answer when no media type matched (it answered 415). */
#define RT_VALID_MEDIA_UNSUPPORTED (-1)

/**
 * The declared media type of @p b that reads a body of @p body_len bytes
 * sent with @p content_type (NULL: none), by the rules above.
 * @return an entry of b->media, or NULL when none matches (415).
 */
const struct rt_valid_media *rt_valid_media_select(const struct rt_valid_media_body *b,
                                                   const char *content_type, size_t body_len);

/**
 * Read @p req's body into @p out (a zeroed struct of b->model, in request
 * memory) with the reader rt_valid_media_select() picks, errors in @p errs
 * as that reader adds them (at ["body", ...]).  No match: answered 415 at
 * once, nothing added to @p errs (the caller still cleans it up).
 * @return RT_VALID_MEDIA_UNSUPPORTED (answered), or the reader's: 1 if a
 * body was present and valid, 0 if absent (and allowed to be) or invalid.
 */
int rt_valid_media_req_body(struct rt_req *req, const struct rt_valid_media_body *b, void *out,
                            struct rt_valid_errors *errs);

#endif /* RT_VALID_MEDIA_H */
