/*
 * rt_valid_media — one request body under several media types: the
 * Content-Type picks the reader (rt_valid_req, rt_valid_form,
 * rt_valid_multipart), which fills the one model.
 */
#include "rt_valid_media.h"
#include "rt_req.h"
#include "rt_valid_form.h"
#include "rt_valid_json.h"
#include "rt_valid_multipart.h"
#include "rt_valid_raw.h"
#include "rt_valid_req.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

/* The declared type whose type/subtype the Content-Type names, exactly first, then application/json for a
 * +json type; the primary one when there is nothing to tell by (no Content-Type, no body); NULL for none. */
const struct rt_valid_media *rt_valid_media_select(const struct rt_valid_media_body *b,
                                                   const char *content_type, size_t body_len)
{
    assert(b->n_media > 0 && b->primary < b->n_media);
    if (content_type == NULL || body_len == 0)
        return &b->media[b->primary]; /* its reader answers as a one-media-type operation would */
    for (size_t i = 0; i < b->n_media; i++)
        if (rt_valid_raw_media_is(content_type, b->media[i].media))
            return &b->media[i];
    /* application/json takes every JSON type, as a JSON-only operation does (rt_valid_json_body()) */
    if (rt_valid_json_media_type(content_type))
        for (size_t i = 0; i < b->n_media; i++)
            if (strcmp(b->media[i].media, "application/json") == 0)
                return &b->media[i];
    return NULL;
}

/*
 * Write @b's media types into @out (@size bytes) as "a, b, c", or with
 * @last_sep before the last one ("a, b or c").  @return the length the
 * list needs: @size or more when it was cut short.
 */
static size_t join_types(char *out, size_t size, const struct rt_valid_media_body *b, const char *last_sep)
{
    size_t len = 0;

    out[0] = '\0';
    for (size_t i = 0; i < b->n_media && len < size; i++) {
        const char *sep = i == 0 ? "" : i + 1 == b->n_media ? last_sep : ", ";

        /* NOLINTNEXTLINE(clang-analyzer-core.NullDereference): b->media has b->n_media entries */
        len += (size_t)snprintf(out + len, size - len, "%s%s", sep, b->media[i].media);
    }
    return len;
}

/*
 * 415 {"detail": "Unsupported Media Type: this operation takes a body of
 * type a, b or c"}, with Accept: a, b, c (RFC 9110 15.5.16: the media types
 * the request could have had).
 */
static void reply_unsupported(struct rt_req *req, const struct rt_valid_media_body *b)
{
    char types[192], detail[256];

    if (join_types(types, sizeof(types), b, ", ") < sizeof(types)) /* else none rather than a wrong list */
        rt_req_add_header(req, "Accept", types);
    (void)join_types(types, sizeof(types), b, " or ");
    snprintf(detail, sizeof(detail), "Unsupported Media Type: this operation takes a body of type %s", types);
    rt_req_reply_detail(req, 415, detail);
}

/* The reader of the selected media type, on the one model (each reader checks the Content-Type's parameters
 * and the body itself as it does for an operation of that media type alone); 415 when none is selected. */
int rt_valid_media_req_body(struct rt_req *req, const struct rt_valid_media_body *b, void *out,
                            struct rt_valid_errors *errs)
{
    size_t len = 0;
    const struct rt_valid_media *m;

    (void)rt_req_body(req, &len);
    m = rt_valid_media_select(b, rt_req_header(req, "Content-Type"), len);
    if (m == NULL) {
        reply_unsupported(req, b);
        return RT_VALID_MEDIA_UNSUPPORTED;
    }
    switch (m->kind) {
    case RT_VALID_MEDIA_FORM:
        return rt_valid_form_body(req, b->model, b->required, out, errs);
    case RT_VALID_MEDIA_MULTIPART:
        return rt_valid_multipart_body(req, b->model, b->required, out, errs);
    case RT_VALID_MEDIA_JSON:
        break;
    }
    return rt_valid_req_body(req, b->model, b->required, out, errs);
}
