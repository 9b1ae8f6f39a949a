/*
 * libFuzzer target: multipart/form-data bodies — the parser (rt_multipart)
 * and the model reader (rt_valid_multipart) — and the generated client's
 * multipart writer read back by the parser.
 *
 * Input: one byte choosing what the rest is:
 *   0, 1  a body sent with "boundary=b0undary" (0) or the quoted
 *         "boundary=\"a b'()+_,-./:=?\"" (1): split by rt_multipart_parse()
 *         (every part's bytes inside the body, names NUL-terminated), then
 *         read into a model of a file, an array of image files, a caption
 *         (1..8 characters), an integer and an array of booleans, answered
 *         204 (every stored value checked against its rule) or 422 in
 *         FastAPI's shape;
 *   2     a Content-Type header value (up to the first CRLF) for the body
 *         after it: the boundary parser, then the same reader;
 *   3     text split at '\n' into the client's field values: what
 *         rt_api_client_multipart_text() writes parses back into the same parts.
 */
#include "fuzz_common.h"
#include "rt_api_client_multipart.h"
#include "rt_multipart.h"
#include "rt_req.h"
#include "rt_url.h"
#include "rt_valid_multipart.h"
#include "rt_valid_req.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct files {
    size_t len;
    struct rt_valid_file *items;
};

struct bools {
    size_t len;
    bool *items;
};

struct upload {
    struct rt_valid_file file;
    struct files scans;
    const char *caption;
    int64_t n;
    bool has_n;
    struct bools flags;
};

static const char *const image_types[] = {"image/*", NULL};
static const struct rt_valid_rule r_file = {.kind = RT_VALID_FILE};
static const struct rt_valid_rule r_image = {.kind = RT_VALID_FILE, .enum_values = image_types};
static const struct rt_valid_rule r_scans = {.kind = RT_VALID_ARRAY, .items = &r_image};
static const struct rt_valid_rule r_caption = {.kind = RT_VALID_STRING, .min_length = 1, .max_length = 8};
static const struct rt_valid_rule r_n = {.kind = RT_VALID_INTEGER};
static const struct rt_valid_rule r_bool = {.kind = RT_VALID_BOOLEAN};
static const struct rt_valid_rule r_flags = {.kind = RT_VALID_ARRAY, .items = &r_bool};
static const struct rt_valid_field fields[] = {
    {.name = "file",
     .rule = &r_file,
     .required = true,
     .offset = offsetof(struct upload, file),
     .aux_offset = RT_VALID_NO_OFFSET},
    {.name = "scans",
     .rule = &r_scans,
     .offset = offsetof(struct upload, scans.items),
     .aux_offset = offsetof(struct upload, scans.len)},
    {.name = "caption",
     .rule = &r_caption,
     .offset = offsetof(struct upload, caption),
     .aux_offset = RT_VALID_NO_OFFSET},
    {.name = "n",
     .rule = &r_n,
     .offset = offsetof(struct upload, n),
     .aux_offset = offsetof(struct upload, has_n)},
    {.name = "flags",
     .rule = &r_flags,
     .offset = offsetof(struct upload, flags.items),
     .aux_offset = offsetof(struct upload, flags.len)},
};
static const struct rt_valid_model model = {"Upload", sizeof(struct upload), fields, 5, false};

/* A file the reader stored: its bytes inside the request's body, its name the field's. */
static void check_file(const struct rt_req *req, const struct rt_valid_file *f, const char *name)
{
    size_t len;
    const char *body = rt_req_body(req, &len);

    FUZZ_CHECK(f->name != NULL && strcmp(f->name, name) == 0 && f->filename != NULL, "file %s: no name",
               name);
    FUZZ_CHECK((const char *)f->data >= body && (const char *)f->data + f->size <= body + len,
               "file %s: bytes outside the body", name);
}

static void read_body(const char *content_type, const uint8_t *body, size_t len)
{
    const char *headers[] = {"Content-Type", content_type, NULL};
    struct rt_req_capture cap = {0};
    struct rt_req *req =
        rt_req_new_detached(NULL, RT_METHOD_POST, "/u", headers, (const char *)body, len, &cap);
    struct upload *u = rt_req_alloc(req, sizeof(*u));
    struct rt_valid_errors errs;

    rt_valid_errors_init(&errs);
    if (rt_valid_multipart_body(req, &model, true, u, &errs) == 1 && !rt_valid_req_reply_errors(req, &errs)) {
        check_file(req, &u->file, "file");
        for (size_t i = 0; i < u->scans.len; i++) {
            check_file(req, &u->scans.items[i], "scans");
            FUZZ_CHECK(u->scans.items[i].content_type != NULL &&
                           strncasecmp(u->scans.items[i].content_type, "image/", 6) == 0,
                       "a scan that is no image");
        }
        FUZZ_CHECK(u->caption == NULL || (rt_url_utf8_length(u->caption, strlen(u->caption)) >= 1 &&
                                          rt_url_utf8_length(u->caption, strlen(u->caption)) <= 8),
                   "caption outside its lengths");
        rt_req_reply(req, 204, NULL, NULL, 0);
    } else {
        FUZZ_CHECK(rt_valid_req_reply_errors(req, &errs), "a body refused without an error");
    }
    rt_valid_errors_cleanup(&errs);
    fuzz_check_capture(&cap);
    rt_req_capture_cleanup(&cap);
}

/* The parser's arena for a direct call: blocks chained, freed after. */
struct arena {
    void **blocks;
    size_t n;
};

static void *arena_alloc(void *ctx, size_t size)
{
    struct arena *a = ctx;
    void *p = calloc(1, size ? size : 1);

    a->blocks = realloc(a->blocks, (a->n + 1) * sizeof(*a->blocks));
    if (p == NULL || a->blocks == NULL)
        abort();
    return a->blocks[a->n++] = p;
}

static void arena_free(struct arena *a)
{
    while (a->n > 0)
        free(a->blocks[--a->n]);
    free(a->blocks);
}

/* Split @p body directly: parts in order, inside the body, not overlapping. */
static void split(const char *boundary, const uint8_t *body, size_t len)
{
    struct arena a = {NULL, 0};
    struct rt_multipart_part *parts;
    struct rt_multipart_error err = {NULL, 0};
    size_t n = 0;
    const char *end = (const char *)body;

    if (rt_multipart_parse((const char *)body, len, boundary, arena_alloc, &a, &parts, &n, &err) == 0) {
        for (size_t i = 0; i < n; i++) {
            FUZZ_CHECK(parts[i].data >= end && parts[i].data + parts[i].size <= (const char *)body + len,
                       "part %zu outside the body or overlapping", i);
            FUZZ_CHECK(parts[i].name != NULL, "part %zu without a name", i);
            end = parts[i].data + parts[i].size;
        }
    } else {
        FUZZ_CHECK(err.why != NULL && n == 0 && err.offset <= len, "a refusal without a reason");
    }
    arena_free(&a);
}

/* The client's writer, read back: every value is one part, with its bytes as written. */
static void client_round_trip(const uint8_t *text, size_t len)
{
    const char *names[] = {"a", "b \"q\"", "file", "c\\d"};
    struct rt_api_client_part parts[4];
    struct rt_multipart_part *back;
    struct rt_multipart_error err = {NULL, 0};
    struct arena a = {NULL, 0};
    size_t n = 0, k = 0, out_len, back_n = 0;
    char boundary[RT_MULTIPART_BOUNDARY_MAX + 1];
    char *out;

    for (const uint8_t *p = text; n < 4 && p <= text + len; n++) {
        const uint8_t *nl = memchr(p, '\n', (size_t)(text + len - p));
        size_t vlen = nl != NULL ? (size_t)(nl - p) : (size_t)(text + len - p);

        parts[n] = (struct rt_api_client_part){names[n], n == 2 ? "f \"1\".bin" : NULL,
                                               n == 2 ? "image/png" : NULL, (const unsigned char *)p, vlen};
        p += vlen + 1;
    }
    out = rt_api_client_multipart_text(parts, n, boundary, &out_len);
    FUZZ_CHECK(rt_multipart_parse(out, out_len, boundary, arena_alloc, &a, &back, &back_n, &err) == 0,
               "the client's body does not parse: %s", err.why);
    FUZZ_CHECK(back_n == n, "%zu parts written, %zu read", n, back_n);
    for (k = 0; k < n; k++) {
        FUZZ_CHECK(strcmp(back[k].name, parts[k].name) == 0 && back[k].size == parts[k].size &&
                       memcmp(back[k].data, parts[k].data, parts[k].size) == 0,
                   "part %zu changed on the way", k);
        FUZZ_CHECK((back[k].filename == NULL) == (parts[k].filename == NULL) &&
                       (parts[k].filename == NULL || strcmp(back[k].filename, parts[k].filename) == 0),
                   "part %zu's filename changed", k);
    }
    arena_free(&a);
    free(out);
}

/* Whether @p s could be a header value: no control character but tab. */
static bool header_text(const char *s)
{
    for (; *s != '\0'; s++) {
        if (((unsigned char)*s < 0x20 && *s != '\t') || *s == 0x7f)
            return false;
    }
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const types[] = {"multipart/form-data; boundary=b0undary",
                                        "multipart/form-data; boundary=\"a b'()+_,-./:=?\""};
    static const char *const boundaries[] = {"b0undary", "a b'()+_,-./:=?"};

    if (size < 1)
        return 0;
    switch (data[0] % 4) {
    case 0:
    case 1:
        split(boundaries[data[0] % 4], data + 1, size - 1);
        read_body(types[data[0] % 4], data + 1, size - 1);
        break;
    case 2: {
        const uint8_t *crlf = size > 2 ? memmem(data + 1, size - 1, "\r\n", 2) : NULL;
        char *ct;

        if (crlf == NULL)
            break;
        ct = fuzz_strndup(data + 1, (size_t)(crlf - data - 1));
        if (strlen(ct) == (size_t)(crlf - data - 1) && header_text(ct))
            read_body(ct, crlf + 2, (size_t)(data + size - crlf - 2));
        free(ct);
        break;
    }
    default:
        client_round_trip(data + 1, size - 1);
    }
    return 0;
}
