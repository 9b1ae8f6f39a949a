/*
 * rt_http in-process, compressed answers (http_harness.h; the server here
 * compresses bodies of 100 to 400 bytes): an answer in that range to a
 * client accepting gzip is gzipped with Vary and inflates back to the bytes
 * the application sent; HEAD gets the GET's head; a client that refuses
 * gzip gets the body as it is, with Vary; answers below the threshold or
 * above the bound, of other types, already encoded or with an ETag,
 * without a body (304), or with compression off, are left exactly as the application sent
 * them, without Vary; our Vary and the application's go out as one line.
 */
#include "http_harness.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

static struct rt_http_settings with_gzip(int enabled)
{
    struct rt_http_settings s = defaults;

    s.gzip.enabled = enabled;
    s.gzip.min_size = 100;
    s.gzip.max_size = 400;
    return s;
}

/* "GET /<n bytes of 'a'>": what answer() sends back is that, then " body=": 5 + n + 6 bytes. */
static void send_get(struct client *c, const char *method, size_t n, const char *accept)
{
    char path[1024], req[1400];

    memset(path, 'a', n);
    path[n] = '\0';
    snprintf(req, sizeof(req), "%s /%s HTTP/1.1\r\nHost: t\r\n%s%s%s\r\n", method, path,
             accept ? "Accept-Encoding: " : "", accept ? accept : "", accept ? "\r\n" : "");
    client_send(c, req);
}

static bool expected_body(const char *method, size_t n, char *out, size_t size)
{
    int k = snprintf(out, size, "%s /", method);

    if (k < 0 || (size_t)k + n + 7 > size)
        return false;
    memset(out + k, 'a', n);
    memcpy(out + k + n, " body=", 7);
    return true;
}

/* Inflate the gzip member of @p r into @p out.  The length, or -1. */
static long inflate_body(const struct response *r, char *out, size_t size)
{
    z_stream zs;
    long n;
    int rc;

    memset(&zs, 0, sizeof(zs));
    if (inflateInit2(&zs, 15 + 16) != Z_OK)
        return -1;
    zs.next_in = (Bytef *)(uintptr_t)r->body; /* zlib 1.2: not const, only read */
    zs.avail_in = (uInt)r->body_len;
    zs.next_out = (unsigned char *)out;
    zs.avail_out = (uInt)size;
    rc = inflate(&zs, Z_FINISH);
    n = rc == Z_STREAM_END && zs.avail_in == 0 ? (long)zs.total_out : -1;
    inflateEnd(&zs);
    return n;
}

static bool has(const struct response *r, const char *name, const char *value)
{
    const char *v = header(r, name);

    return value == NULL ? v == NULL : v != NULL && strcmp(v, value) == 0;
}

/* One request on a new server; its response in *@p r. */
static void exchange(const struct rt_http_settings *settings, void (*respond)(struct rt_req *),
                     const char *method, size_t n, const char *accept, struct response *r)
{
    struct server s;
    struct client c;

    CHECK(server_start(&s, settings));
    s.app.respond = respond;
    CHECK(client_open(&c, &s));
    send_get(&c, method, n, accept);
    if (strcmp(method, "HEAD") == 0)
        CHECK(run_until(s.base, has_head, &c, WAIT_MS)); /* its Content-Length counts no body that comes */
    else
        CHECK(wait_responses(&c, 1));
    CHECK(take(&c, r, strcmp(method, "HEAD") == 0));
    client_close(&c);
    server_stop(&s);
}

static void test_compressed(void)
{
    struct rt_http_settings s = with_gzip(1);
    struct response r;
    char want[600], back[600];
    long n;

    CHECK(expected_body("GET", 200, want, sizeof(want)));
    exchange(&s, NULL, "GET", 200, "deflate, gzip;q=0.5", &r);
    CHECK(r.status == 200 && has(&r, "Content-Encoding", "gzip") && has(&r, "Vary", "Accept-Encoding"));
    CHECK(has(&r, "Content-Type", "text/plain") && has(&r, "X-Test", "yes"));
    CHECK(header(&r, "Content-Length") && (size_t)atol(header(&r, "Content-Length")) == r.body_len);
    CHECK(r.body_len < strlen(want));
    n = inflate_body(&r, back, sizeof(back));
    CHECK(n == (long)strlen(want) && memcmp(back, want, (size_t)n) == 0);
}

/* Several answers on one connection, on the worker's one deflate state: each inflates on its own. */
static void test_keep_alive(void)
{
    struct rt_http_settings s = with_gzip(1);
    struct server srv;
    struct client c;
    struct response r;
    char want[600], back[600];
    size_t sizes[] = {150, 300, 120}, i;

    CHECK(server_start(&srv, &s));
    CHECK(client_open(&c, &srv));
    for (i = 0; i < 3; i++) {
        send_get(&c, "GET", sizes[i], "gzip");
        CHECK(receive(&c, &r));
        CHECK(has(&r, "Content-Encoding", "gzip"));
        CHECK(expected_body("GET", sizes[i], want, sizeof(want)));
        CHECK(inflate_body(&r, back, sizeof(back)) == (long)strlen(want) &&
              memcmp(back, want, strlen(want)) == 0);
    }
    client_close(&c);
    server_stop(&srv);
}

/* Refused or not asked for: the body as it is, but with Vary (a gzip client would have had it compressed). */
static void test_refused(void)
{
    static const char *const refusals[] = {NULL, "identity", "gzip;q=0", "*;q=0", "br, deflate"};
    struct rt_http_settings s = with_gzip(1);
    struct response r;
    char want[600];
    size_t i;

    CHECK(expected_body("GET", 200, want, sizeof(want)));
    for (i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
        exchange(&s, NULL, "GET", 200, refusals[i], &r);
        CHECK(r.status == 200 && has(&r, "Content-Encoding", NULL) && has(&r, "Vary", "Accept-Encoding"));
        CHECK(r.body_len == strlen(want) && memcmp(r.body, want, r.body_len) == 0);
    }
}

/* Outside the sizes, or compression off: exactly what the application sent, no Vary. */
static void test_untouched_sizes(void)
{
    struct rt_http_settings on = with_gzip(1), off = with_gzip(0);
    static const size_t sizes[] = {50, 88, 390, 600}; /* bodies of 99 and 401 bytes are just outside */
    struct response r;
    char want[700];
    size_t i;

    for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        CHECK(expected_body("GET", sizes[i], want, sizeof(want)));
        exchange(&on, NULL, "GET", sizes[i], "gzip", &r);
        CHECK(r.status == 200 && has(&r, "Content-Encoding", NULL) && has(&r, "Vary", NULL));
        CHECK(r.body_len == strlen(want) && memcmp(r.body, want, r.body_len) == 0);
    }
    exchange(&off, NULL, "GET", 200, "gzip", &r);
    CHECK(has(&r, "Content-Encoding", NULL) && has(&r, "Vary", NULL) && r.body_len == 211);
    /* The bounds themselves are in: 100 and 400 bytes. */
    exchange(&on, NULL, "GET", 89, "gzip", &r);
    CHECK(has(&r, "Content-Encoding", "gzip"));
    exchange(&on, NULL, "GET", 389, "gzip", &r);
    CHECK(has(&r, "Content-Encoding", "gzip"));
}

static const char filler[] = "0123456789012345678901234567890123456789012345678901234567890123456789"
                             "0123456789012345678901234567890123456789012345678901234567890123456789";

static void respond_png(struct rt_req *req)
{
    rt_req_reply(req, 200, "image/png", filler, sizeof(filler) - 1);
}

static void respond_encoded(struct rt_req *req)
{
    rt_req_add_header(req, "Content-Encoding", "br");
    rt_req_reply(req, 200, "application/json", filler, sizeof(filler) - 1);
}

static void respond_etag(struct rt_req *req)
{
    rt_req_add_header(req, "ETag", "\"v1\"");
    rt_req_reply(req, 200, "application/json", filler, sizeof(filler) - 1);
}

static void respond_json(struct rt_req *req)
{
    rt_req_reply(req, 201, "application/json; charset=utf-8", filler, sizeof(filler) - 1);
}

static void respond_304(struct rt_req *req)
{
    rt_req_reply(req, 304, "application/json", filler, sizeof(filler) - 1);
}

static void respond_fixed(struct rt_req *req)
{
    rt_req_reply(req, 200, "application/json", filler, sizeof(filler) - 1);
}

/* HEAD: the head a GET of the same answer gets (Content-Length of the gzipped body), and no body. */
static void test_head(void)
{
    struct rt_http_settings s = with_gzip(1);
    struct response get, head;
    char get_len[32] = "";

    exchange(&s, respond_fixed, "GET", 1, "gzip", &get);
    CHECK(has(&get, "Content-Encoding", "gzip") && header(&get, "Content-Length"));
    snprintf(get_len, sizeof(get_len), "%s",
             header(&get, "Content-Length") ? header(&get, "Content-Length") : "");
    CHECK((size_t)atol(get_len) == get.body_len && get.body_len < sizeof(filler) - 1);
    exchange(&s, respond_fixed, "HEAD", 1, "gzip", &head);
    CHECK(head.status == 200 && has(&head, "Content-Encoding", "gzip") &&
          has(&head, "Vary", "Accept-Encoding"));
    CHECK(has(&head, "Content-Length", get_len) && head.body_len == 0);
}

/* Another type, encoded already, or with an ETag: untouched.  JSON with parameters and any 2xx: compressed.
 */
static void test_untouched_types(void)
{
    struct rt_http_settings s = with_gzip(1);
    struct response r;

    exchange(&s, respond_png, "GET", 1, "gzip", &r);
    CHECK(has(&r, "Content-Encoding", NULL) && has(&r, "Vary", NULL) && r.body_len == sizeof(filler) - 1);
    exchange(&s, respond_encoded, "GET", 1, "gzip", &r);
    CHECK(has(&r, "Content-Encoding", "br") && has(&r, "Vary", NULL) && r.body_len == sizeof(filler) - 1);
    CHECK(memcmp(r.body, filler, r.body_len) == 0);
    /* A strong ETag names the identity body; a gzipped one would need another (RFC 9110 8.8.3). */
    exchange(&s, respond_etag, "GET", 1, "gzip", &r);
    CHECK(has(&r, "Content-Encoding", NULL) && has(&r, "ETag", "\"v1\"") && r.body_len == sizeof(filler) - 1);
    exchange(&s, respond_json, "GET", 1, "gzip", &r);
    CHECK(r.status == 201 && has(&r, "Content-Encoding", "gzip") && has(&r, "Vary", "Accept-Encoding"));
}

/* 304 has no body to encode, and none goes out (RFC 9110 15.4.5), even if the application passed one. */
static void test_not_modified(void)
{
    struct rt_http_settings s = with_gzip(1);
    struct server srv;
    struct client c;
    struct response r;

    CHECK(server_start(&srv, &s));
    srv.app.respond = respond_304;
    CHECK(client_open(&c, &srv));
    send_get(&c, "GET", 1, "gzip");
    send_get(&c, "GET", 1, "gzip");
    CHECK(wait_responses(&c, 2));
    CHECK(take(&c, &r, false) && r.status == 304 && has(&r, "Content-Encoding", NULL) &&
          has(&r, "Vary", NULL));
    CHECK(take(&c, &r, false) && r.status == 304); /* the second answer starts right after the first's head */
    CHECK(c.len == 0);
    client_close(&c);
    server_stop(&srv);
}

static void respond_vary_origin(struct rt_req *req)
{
    rt_req_add_header(req, "Vary", "Origin"); /* what rt_cors adds to every answer */
    rt_req_reply(req, 200, "application/json", filler, sizeof(filler) - 1);
}

static void respond_vary_docs(struct rt_req *req)
{
    rt_req_add_header(req, "Vary", "Origin");
    rt_req_add_header(req, "Vary", "Accept-Encoding"); /* what rt_docs adds to what it compresses itself */
    rt_req_add_header(req, "ETag", "\"v1\"");
    rt_req_reply(req, 200, "application/json", filler, sizeof(filler) - 1);
}

static void respond_vary_repeated(struct rt_req *req)
{
    rt_req_add_header(req, "Vary", "origin,Cookie");
    rt_req_add_header(req, "X-Between", "1");
    rt_req_add_header(req, "vary", " ACCEPT-ENCODING , Origin,, cookie ");
    rt_req_reply(req, 200, "application/json", filler, sizeof(filler) - 1);
}

static void respond_vary_star(struct rt_req *req)
{
    rt_req_add_header(req, "Vary", "Origin");
    rt_req_add_header(req, "Vary", "*");
    rt_req_reply(req, 200, "application/json", filler, sizeof(filler) - 1);
}

static void respond_vary_empty(struct rt_req *req)
{
    rt_req_add_header(req, "Vary", " ");
    rt_req_add_header(req, "Vary", ",");
    rt_req_reply(req, 200, "image/png", filler, sizeof(filler) - 1);
}

static void respond_vary_png(struct rt_req *req)
{
    rt_req_add_header(req, "Vary", "Origin");
    rt_req_reply(req, 200, "image/png", filler, sizeof(filler) - 1);
}

/* How many header lines of @p r's head are named Vary (any case): the raw bytes, not a parsed value. */
static int vary_lines(const struct response *r)
{
    const char *p = r->head;
    int n = 0;

    while ((p = strstr(p, "\r\n")) != NULL) {
        p += 2;
        n += strncasecmp(p, "Vary:", 5) == 0;
    }
    return n;
}

/*
 * Our Vary: Accept-Encoding and the application's Vary (CORS's Origin, the
 * docs' own Accept-Encoding) go out as one line, each field once (its first
 * spelling), "*" alone; other headers keep their order.
 */
static void test_one_vary_line(void)
{
    struct rt_http_settings s = with_gzip(1);
    struct response r;

    exchange(&s, respond_vary_origin, "GET", 1, "gzip", &r);
    CHECK(has(&r, "Content-Encoding", "gzip") && vary_lines(&r) == 1 &&
          has(&r, "Vary", "Origin, Accept-Encoding"));
    exchange(&s, respond_vary_origin, "GET", 1, "identity", &r); /* not compressed, but could have been */
    CHECK(has(&r, "Content-Encoding", NULL) && vary_lines(&r) == 1 &&
          has(&r, "Vary", "Origin, Accept-Encoding"));
    exchange(&s, respond_vary_docs, "GET", 1, "gzip", &r);
    CHECK(has(&r, "Content-Encoding", NULL) && vary_lines(&r) == 1 &&
          has(&r, "Vary", "Origin, Accept-Encoding"));
    exchange(&s, respond_vary_repeated, "GET", 1, "gzip", &r);
    CHECK(has(&r, "Content-Encoding", "gzip") && vary_lines(&r) == 1 &&
          has(&r, "Vary", "origin, Cookie, ACCEPT-ENCODING") && has(&r, "X-Between", "1"));
    exchange(&s, respond_vary_star, "GET", 1, "gzip", &r);
    CHECK(has(&r, "Content-Encoding", "gzip") && vary_lines(&r) == 1 && has(&r, "Vary", "*"));
    exchange(&s, respond_vary_empty, "GET", 1, "gzip", &r); /* nothing in them: no line */
    CHECK(r.status == 200 && vary_lines(&r) == 0);
    exchange(&s, respond_vary_png, "GET", 1, "gzip", &r); /* one Vary of the application's own: as it is */
    CHECK(has(&r, "Content-Encoding", NULL) && vary_lines(&r) == 1 && has(&r, "Vary", "Origin"));
}

static const struct test_case cases[] = {
    {"gzip.compressed", test_compressed},
    {"gzip.keep_alive_one_state", test_keep_alive},
    {"gzip.head_like_get", test_head},
    {"gzip.refused_plain_with_vary", test_refused},
    {"gzip.untouched_sizes", test_untouched_sizes},
    {"gzip.untouched_types", test_untouched_types},
    {"gzip.not_modified", test_not_modified},
    {"gzip.one_vary_line", test_one_vary_line},
};

int main(int argc, char **argv)
{
    return http_test_main(cases, TEST_N(cases), argc, argv);
}
