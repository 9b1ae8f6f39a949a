/*
 * rt_req: method names and masks; request memory (zeroed, aligned, large
 * pieces in chunks of their own, the first chunk kept across requests,
 * everything freed at cleanup); cleanups run newest first when the request
 * ends; the target split into path and query; headers looked up
 * case-insensitively; replies (plain, JSON, {"detail"}) with the headers a
 * handler added, in order; each answer counted in rt_metrics under its
 * operation; and exactly one answer per request, in release builds too: a
 * second one is not sent, but logged with the request id and counted in
 * http_handler_errors_total{kind="second_answer"}.
 *
 * Detached requests (rt_req_new_detached) show the public side.  Requests
 * set up by hand with rt_req_internal.h, as the connection layer does,
 * show what happens to the object itself around its reply.
 */
#include "test.h"

#include "rt_metrics.h"
#include "rt_req_internal.h"

#include <json-c/json.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* --- helpers --- */

/* What a request set up by hand was answered with. */
struct answer {
    int sends; /* calls of req->send */
    int ended; /* calls of req->ended */
    int status;
    char content_type[64];
    char body[256];
    size_t body_len;
    char first_out_header[64]; /* "Name: value" of the first added header at send time */
};

static void answer_send(struct rt_req *req, int status, const char *content_type, const void *body,
                        size_t len)
{
    struct answer *a = req->owner;

    a->sends++;
    a->status = status;
    snprintf(a->content_type, sizeof(a->content_type), "%s", content_type ? content_type : "");
    a->body_len = len;
    snprintf(a->body, sizeof(a->body), "%.*s", (int)len, len > 0 ? (const char *)body : ""); /* text bodies */
    if (req->out_headers != NULL)
        snprintf(a->first_out_header, sizeof(a->first_out_header), "%s: %s", req->out_headers->name,
                 req->out_headers->value);
}

static void answer_ended(struct rt_req *req)
{
    ((struct answer *)req->owner)->ended++;
}

/* Set @p req up as the connection layer does, handed to the application with id @p id. */
static void req_setup(struct rt_req *req, struct answer *a, const char *id)
{
    memset(a, 0, sizeof(*a));
    rt_req_init(req, NULL);
    req->owner = a;
    req->send = answer_send;
    req->ended = answer_ended;
    snprintf(req->id, sizeof(req->id), "%s", id);
    req->active = true;
}

static bool aligned16(const void *p)
{
    return ((uintptr_t)p & 15) == 0;
}

static bool all_zero(const void *p, size_t n)
{
    const unsigned char *b = p;
    size_t i;

    for (i = 0; i < n; i++) {
        if (b[i] != 0)
            return false;
    }
    return true;
}

static size_t chunk_count(const struct rt_req *req)
{
    const struct rt_arena_chunk *c;
    size_t n = 0;

    for (c = req->arena; c != NULL; c = c->next)
        n++;
    return n;
}

/* The value of sample @p series in the metrics text; -1 if absent. */
static double metric(const char *series)
{
    size_t len = 0, n = strlen(series);
    char *text = rt_metrics_render(&len), *p = text;
    double v = -1;

    while (p != NULL && *p != '\0') {
        if (strncmp(p, series, n) == 0 && p[n] == ' ') {
            v = strtod(p + n + 1, NULL);
            break;
        }
        p = strchr(p, '\n');
        if (p != NULL)
            p++;
    }
    free(text);
    return v;
}

/* --- methods --- */

static void test_method_names(void)
{
    CHECK(strcmp(rt_method_name(RT_METHOD_GET), "GET") == 0);
    CHECK(strcmp(rt_method_name(RT_METHOD_OPTIONS), "OPTIONS") == 0);
    CHECK(strcmp(rt_method_name(RT_METHOD_OTHER), "OTHER") == 0);
    CHECK(strcmp(rt_method_name(RT_METHOD_GET | RT_METHOD_POST), "OTHER") == 0); /* not a single method */
    CHECK(rt_method_parse("GET", 3) == RT_METHOD_GET);
    CHECK(rt_method_parse("PATCH", 5) == RT_METHOD_PATCH);
    CHECK(rt_method_parse("get", 3) == RT_METHOD_OTHER); /* case-sensitive */
    CHECK(rt_method_parse("GETX", 3) == RT_METHOD_GET);  /* only @len bytes count */
    CHECK(rt_method_parse("OTHER", 5) == RT_METHOD_OTHER);
    CHECK(rt_method_parse("BREW", 4) == RT_METHOD_OTHER);
}

static void test_method_mask(void)
{
    char buf[64], small[10];

    CHECK(strcmp(rt_method_mask_format(RT_METHOD_POST | RT_METHOD_GET | RT_METHOD_DELETE, buf, sizeof(buf)),
                 "GET, POST, DELETE") == 0);
    CHECK(strcmp(rt_method_mask_format(0, buf, sizeof(buf)), "") == 0);
    CHECK(strcmp(rt_method_mask_format(RT_METHOD_OTHER, buf, sizeof(buf)), "") == 0); /* not a method name */
    /* Truncated when it does not fit, always terminated. */
    CHECK(strcmp(rt_method_mask_format(RT_METHOD_GET | RT_METHOD_HEAD | RT_METHOD_POST, small, sizeof(small)),
                 "GET, HEAD") == 0);
    buf[0] = 'x';
    CHECK(rt_method_mask_format(RT_METHOD_GET, buf, 0) == buf && buf[0] == 'x');
}

/* --- request memory --- */

static void test_arena_zeroed_aligned(void)
{
    struct answer a;
    struct rt_req req;
    size_t sizes[] = {1, 7, 16, 33, 100, 0, 500};
    size_t i;

    req_setup(&req, &a, "arena");
    for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        unsigned char *p = rt_req_alloc(&req, sizes[i]);

        CHECK(aligned16(p) && all_zero(p, sizes[i])); /* never NULL: out of memory aborts */
        memset(p, 0xAB, sizes[i]);                    /* dirty it: the next piece must still come zeroed */
    }
    CHECK(chunk_count(&req) == 1); /* a small head fits the first chunk */
    CHECK(req.arena->size <= 1024);
    req.active = false;
    rt_req_cleanup(&req);
}

static void test_arena_large_pieces(void)
{
    struct answer a;
    struct rt_req req;
    char *small1, *big, *small2, *bigger;

    req_setup(&req, &a, "arena-large");
    small1 = rt_req_alloc(&req, 10);
    big = rt_req_alloc(&req, 10000);
    CHECK(aligned16(big) && all_zero(big, 10000));
    memset(big, 1, 10000);
    /* The current chunk stays in use after a large piece: the next small piece follows the first. */
    small2 = rt_req_alloc(&req, 10);
    CHECK(small2 == small1 + 16);
    CHECK(chunk_count(&req) == 2);
    bigger = rt_req_alloc(&req, 1 << 20);
    CHECK(all_zero(bigger, 1 << 20));
    memset(bigger, 2, 1 << 20);
    CHECK(chunk_count(&req) == 3);
    CHECK(big[9999] == 1 && small1[0] == 0 && small2[0] == 0);
    req.active = false;
    rt_req_cleanup(&req);
}

static void test_arena_many_pieces(void)
{
    struct answer a;
    struct rt_req req;
    char *prev = NULL;
    bool ok = true;
    int i;

    req_setup(&req, &a, "arena-many");
    for (i = 0; i < 2000; i++) {
        char *p = rt_req_alloc(&req, 100);

        ok = ok && p != NULL && aligned16(p) && all_zero(p, 100) && p != prev;
        memset(p, i & 0xff, 100);
        prev = p;
    }
    CHECK(ok);
    CHECK(chunk_count(&req) > 1);
    req.active = false;
    rt_req_cleanup(&req);
}

static void test_arena_reset_keeps_first_chunk(void)
{
    struct answer a;
    struct rt_req req;
    struct rt_arena_chunk *first;
    char *p;

    req_setup(&req, &a, "arena-reset");
    p = rt_req_alloc(&req, 64);
    first = req.arena;
    rt_req_alloc(&req, 8000);
    rt_req_alloc(&req, 3000);
    rt_req_reply(&req, 204, NULL, NULL, 0); /* ends the request: rt_req_reset() */
    CHECK(a.sends == 1 && a.ended == 1);
    /* One chunk stays, empty, for the next request of the connection. */
    CHECK(req.arena == first);
    CHECK(chunk_count(&req) == 1 && req.arena->used == 0);
    /* What the connection set up survives; the request's parts do not. */
    CHECK(req.send == answer_send && req.ended == answer_ended && req.owner == &a);
    CHECK(req.path == NULL && req.headers == NULL && req.body == NULL && req.out_headers == NULL);
    CHECK(!req.active);
    /* The next request's first piece reuses that chunk: no malloc per small request. */
    CHECK(rt_req_alloc(&req, 64) == p);
    rt_req_cleanup(&req);
    CHECK(req.arena == NULL);
    rt_req_cleanup(&req); /* twice is fine */
    rt_req_cleanup(NULL);
}

static void test_strndup(void)
{
    struct answer a;
    struct rt_req req;
    char *s;

    req_setup(&req, &a, "strndup");
    s = rt_req_strndup(&req, "hello world", 5);
    CHECK(strcmp(s, "hello") == 0);
    s = rt_req_strndup(&req, "", 0);
    CHECK(s != NULL && s[0] == '\0');
    s = rt_req_strndup(&req, "a\0b", 3); /* bytes, not a string: the NUL is copied */
    CHECK(s[0] == 'a' && s[1] == '\0' && s[2] == 'b' && s[3] == '\0');
    req.active = false;
    rt_req_cleanup(&req);
}

/* --- cleanups --- */

struct order {
    char log[16];
    int n;
};

static void defer_a(void *arg)
{
    struct order *o = arg;

    o->log[o->n++] = 'a';
}

static void defer_b(void *arg)
{
    struct order *o = arg;

    o->log[o->n++] = 'b';
}

static void defer_c(void *arg)
{
    struct order *o = arg;

    o->log[o->n++] = 'c';
}

static void test_defer_order_at_reply(void)
{
    struct rt_req_capture cap = {0};
    struct order o = {{0}, 0};
    struct rt_req *req = rt_req_new_detached(NULL, RT_METHOD_GET, "/", NULL, NULL, 0, &cap);

    rt_req_defer(req, defer_a, &o);
    rt_req_defer(req, defer_b, &o);
    rt_req_defer(req, defer_c, &o);
    CHECK(o.n == 0);
    rt_req_reply(req, 200, NULL, NULL, 0);
    CHECK(cap.replied == 1);
    CHECK(o.n == 3 && memcmp(o.log, "cba", 3) == 0); /* newest first, after the answer */
    rt_req_capture_cleanup(&cap);
}

static void test_defer_at_cleanup(void)
{
    struct answer a;
    struct rt_req req;
    struct order o = {{0}, 0};

    req_setup(&req, &a, "defer-cleanup");
    rt_req_defer(&req, defer_a, &o);
    rt_req_defer(&req, defer_b, &o);
    req.active = false; /* abandoned, as rt_http_free() does */
    rt_req_cleanup(&req);
    CHECK(o.n == 2 && memcmp(o.log, "ba", 2) == 0);
    CHECK(a.sends == 0);
}

/* --- the request's parts --- */

static void test_target(void)
{
    struct rt_req_capture cap = {0};
    struct rt_req *req;

    req = rt_req_new_detached(NULL, RT_METHOD_GET, "/a/b%20c?x=1&y", NULL, NULL, 0, &cap);
    CHECK(strcmp(rt_req_path(req), "/a/b%20c") == 0); /* raw */
    CHECK(strcmp(rt_req_query(req), "x=1&y") == 0);
    rt_req_reply(req, 204, NULL, NULL, 0);
    req = rt_req_new_detached(NULL, RT_METHOD_GET, "/plain", NULL, NULL, 0, &cap);
    CHECK(strcmp(rt_req_path(req), "/plain") == 0 && rt_req_query(req) == NULL);
    rt_req_reply(req, 204, NULL, NULL, 0);
    req = rt_req_new_detached(NULL, RT_METHOD_GET, "/empty?", NULL, NULL, 0, &cap);
    CHECK(rt_req_query(req) != NULL && rt_req_query(req)[0] == '\0');
    rt_req_reply(req, 204, NULL, NULL, 0);
    CHECK(rt_req_new_detached(NULL, RT_METHOD_GET, "no-slash", NULL, NULL, 0, &cap) == NULL);
    CHECK(rt_req_new_detached(NULL, RT_METHOD_GET, NULL, NULL, NULL, 0, &cap) == NULL);
    rt_req_capture_cleanup(&cap);
}

static void test_headers(void)
{
    const char *const headers[] = {"Content-Type", "text/plain", "X-Dup",    "first",
                                   "x-dup",        "second",     "Dangling", NULL};
    struct rt_req_capture cap = {0};
    struct rt_req *req = rt_req_new_detached(NULL, RT_METHOD_POST, "/h", headers, NULL, 0, &cap);

    CHECK(strcmp(rt_req_header(req, "content-type"), "text/plain") == 0);
    CHECK(strcmp(rt_req_header(req, "CONTENT-TYPE"), "text/plain") == 0);
    CHECK(strcmp(rt_req_header(req, "X-DUP"), "first") == 0); /* the first of a repeated name */
    CHECK(rt_req_header(req, "Dangling") == NULL);            /* a name without a value is ignored */
    CHECK(rt_req_header(req, "Missing") == NULL);
    CHECK(rt_req_header(req, "Content-Typ") == NULL);
    rt_req_reply(req, 204, NULL, NULL, 0);
    rt_req_capture_cleanup(&cap);
}

static void test_body_and_accessors(void)
{
    struct rt_req_capture cap = {0};
    struct rt_req *req = rt_req_new_detached(NULL, RT_METHOD_PUT, "/b", NULL, "abc\0def", 7, &cap);
    size_t len = 0;
    const char *body = rt_req_body(req, &len);

    CHECK(len == 7 && memcmp(body, "abc\0def", 7) == 0 && body[7] == '\0');
    CHECK(rt_req_body(req, NULL) == body);
    CHECK(rt_req_method(req) == RT_METHOD_PUT);
    CHECK(rt_req_base(req) == NULL);
    CHECK(strncmp(rt_req_id(req), "detached-", 9) == 0);
    CHECK(rt_req_peer_gone(req) == 0);
    rt_req_reply(req, 204, NULL, NULL, 0);
    req = rt_req_new_detached(NULL, RT_METHOD_GET, "/nobody", NULL, NULL, 0, &cap);
    len = 99;
    CHECK(rt_req_body(req, &len) == NULL && len == 0);
    rt_req_reply(req, 204, NULL, NULL, 0);
    rt_req_capture_cleanup(&cap);
}

/* --- replies --- */

static void test_reply_plain(void)
{
    struct rt_req_capture cap = {0};
    struct rt_req *req = rt_req_new_detached(NULL, RT_METHOD_GET, "/r", NULL, NULL, 0, &cap);
    char body[] = "hello";

    rt_req_reply(req, 201, "text/plain", body, 5);
    body[0] = 'j'; /* the body was copied */
    CHECK(strcmp(body, "jello") == 0);
    CHECK(cap.replied == 1 && cap.status == 201);
    CHECK(strcmp(cap.content_type, "text/plain") == 0);
    CHECK(cap.body_len == 5 && strcmp(cap.body, "hello") == 0);
    CHECK(cap.headers == NULL);
    req = rt_req_new_detached(NULL, RT_METHOD_GET, "/r", NULL, NULL, 0, &cap);
    rt_req_reply(req, 304, NULL, NULL, 0); /* the capture is reset for the next answer */
    CHECK(cap.status == 304 && cap.content_type == NULL && cap.body == NULL && cap.body_len == 0);
    rt_req_capture_cleanup(&cap);
    CHECK(cap.replied == 0 && cap.body == NULL);
    rt_req_capture_cleanup(NULL);
}

static void test_reply_json(void)
{
    struct rt_req_capture cap = {0};
    struct rt_req *req = rt_req_new_detached(NULL, RT_METHOD_GET, "/j", NULL, NULL, 0, &cap);
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "path", json_object_new_string("/a/b"));
    json_object_object_add(o, "n", json_object_new_int(3));
    rt_req_reply_json(req, 200, o); /* takes o */
    CHECK(cap.status == 200 && strcmp(cap.content_type, "application/json") == 0);
    CHECK(strcmp(cap.body, "{\"path\":\"/a/b\",\"n\":3}") == 0); /* plain, slashes not escaped */
    rt_req_capture_cleanup(&cap);
}

static void test_reply_detail(void)
{
    struct rt_req_capture cap = {0};
    struct rt_req *req = rt_req_new_detached(NULL, RT_METHOD_GET, "/d", NULL, NULL, 0, &cap);

    rt_req_reply_detail(req, 404, "No \"user\"\nhere\\");
    CHECK(cap.status == 404 && strcmp(cap.content_type, "application/json") == 0);
    CHECK(strcmp(cap.body, "{\"detail\":\"No \\\"user\\\"\\nhere\\\\\"}") == 0);
    rt_req_capture_cleanup(&cap);
}

static void test_out_headers(void)
{
    struct rt_req_capture cap = {0};
    struct rt_req *req = rt_req_new_detached(NULL, RT_METHOD_GET, "/o", NULL, NULL, 0, &cap);
    char name[] = "Location", value[] = "/users/1";

    rt_req_add_header(req, name, value);
    name[0] = 'X'; /* both strings were copied */
    value[0] = 'X';
    CHECK(strcmp(name, "Xocation") == 0 && strcmp(value, "Xusers/1") == 0);
    rt_req_add_header(req, "Allow", "GET, HEAD");
    rt_req_add_header(req, "X-Empty", "");
    CHECK(strcmp(rt_req_out_header(req, "location"), "/users/1") == 0);
    CHECK(strcmp(rt_req_out_header(req, "ALLOW"), "GET, HEAD") == 0);
    CHECK(rt_req_out_header(req, "Xocation") == NULL);
    rt_req_reply(req, 201, NULL, NULL, 0);
    CHECK(cap.headers != NULL &&
          strcmp(cap.headers, "Location: /users/1\r\nAllow: GET, HEAD\r\nX-Empty: \r\n") == 0); /* in order */
    rt_req_capture_cleanup(&cap);
}

static void test_out_headers_reset(void)
{
    struct answer a;
    struct rt_req req;

    req_setup(&req, &a, "out-headers");
    rt_req_add_header(&req, "Retry-After", "1");
    rt_req_reply(&req, 503, NULL, NULL, 0);
    CHECK(strcmp(a.first_out_header, "Retry-After: 1") == 0); /* there when the answer left */
    CHECK(req.out_headers == NULL && rt_req_out_header(&req, "Retry-After") == NULL); /* not for the next */
    rt_req_cleanup(&req);
}

static void test_reply_counted(void)
{
    const char *mine = "http_requests_total{operation=\"op_zero\",status=\"201\"}";
    const char *unmatched = "http_requests_total{operation=\"unmatched\",status=\"409\"}";
    double m0 = metric(mine), u0 = metric(unmatched);
    struct rt_req_capture cap = {0};
    struct rt_req *req;

    req = rt_req_new_detached(NULL, RT_METHOD_POST, "/m", NULL, NULL, 0, &cap);
    rt_req_set_operation(req, 0);
    rt_req_reply(req, 201, NULL, NULL, 0);
    req = rt_req_new_detached(NULL, RT_METHOD_POST, "/m", NULL, NULL, 0, &cap);
    rt_req_reply(req, 409, NULL, NULL, 0); /* never given an operation */
    CHECK(metric(mine) == (m0 < 0 ? 0 : m0) + 1);
    CHECK(metric(unmatched) == (u0 < 0 ? 0 : u0) + 1);
    rt_req_capture_cleanup(&cap);
}

/* --- exactly once --- */

#define SECOND_ANSWERS "http_handler_errors_total{kind=\"second_answer\"}"

static void test_second_answer_not_sent(void)
{
    const char *ok = "http_requests_total{operation=\"unmatched\",status=\"200\"}";
    double errors0 = metric(SECOND_ANSWERS), ok0 = metric(ok);
    struct order o = {{0}, 0};
    struct answer a;
    struct rt_req req;
    char log[1024];

    req_setup(&req, &a, "req-7f3a");
    rt_req_defer(&req, defer_a, &o);
    rt_req_reply(&req, 200, "text/plain", "first", 5);
    CHECK(a.sends == 1 && a.ended == 1 && strcmp(a.body, "first") == 0);
    test_stderr_begin();
    rt_req_reply(&req, 500, "text/plain", "second", 6);
    test_stderr_end(log, sizeof(log));
    /* Not sent, not ended again, cleanups not run again. */
    CHECK(a.sends == 1 && a.ended == 1 && a.status == 200 && strcmp(a.body, "first") == 0);
    CHECK(o.n == 1);
    /* Counted apart, and not as an answer. */
    CHECK(metric(SECOND_ANSWERS) == errors0 + 1);
    CHECK(metric(ok) == (ok0 < 0 ? 0 : ok0) + 1);
    /* Logged as an error, with the request's id. */
    CHECK(strstr(log, "ERROR") != NULL && strstr(log, "req-7f3a") != NULL && strstr(log, "500") != NULL);
    rt_req_cleanup(&req);
}

static void test_second_answer_every_kind(void)
{
    double errors0 = metric(SECOND_ANSWERS);
    struct answer a;
    struct rt_req req;
    char log[1024];

    req_setup(&req, &a, "req-kinds");
    rt_req_reply_detail(&req, 404, "Not Found");
    test_stderr_begin();
    rt_req_reply_detail(&req, 500, "again");
    rt_req_reply_json(&req, 200, json_object_new_string("again")); /* still takes (frees) the object */
    rt_req_reply(&req, 204, NULL, NULL, 0);
    test_stderr_end(log, sizeof(log));
    CHECK(a.sends == 1 && a.status == 404 && a.ended == 1);
    CHECK(metric(SECOND_ANSWERS) == errors0 + 3);
    rt_req_cleanup(&req);
}

static void test_answer_before_handed_over(void)
{
    double errors0 = metric(SECOND_ANSWERS);
    struct answer a;
    struct rt_req req;
    char log[1024];

    req_setup(&req, &a, "");
    req.active = false; /* as a connection's request while its head is still being read */
    test_stderr_begin();
    rt_req_reply(&req, 200, NULL, NULL, 0);
    test_stderr_end(log, sizeof(log));
    CHECK(a.sends == 0 && a.ended == 0);
    CHECK(metric(SECOND_ANSWERS) == errors0 + 1);
    CHECK(strstr(log, "request -:") != NULL); /* no id yet */
    rt_req_cleanup(&req);
}

static void test_header_after_end_dropped(void)
{
    struct answer a;
    struct rt_req req;

    req_setup(&req, &a, "req-header");
    rt_req_reply(&req, 204, NULL, NULL, 0);
    /* A second path adding a header before its (refused) answer: not kept for the next request. */
    rt_req_add_header(&req, "Location", "/elsewhere");
    CHECK(req.out_headers == NULL);
    rt_req_cleanup(&req);
}

static void test_id_kept_after_end(void)
{
    struct answer a;
    struct rt_req req;

    req_setup(&req, &a, "req-kept");
    rt_req_reply(&req, 204, NULL, NULL, 0);
    /* Kept for the log line of a late answer; the connection clears it when the next request starts. */
    CHECK(strcmp(rt_req_id(&req), "req-kept") == 0);
    rt_req_cleanup(&req);
}

static const char *const op_names[] = {"op_zero"};
static const char *const op_methods[] = {"POST"};

static const struct test_case cases[] = {
    {"method.names", test_method_names},
    {"method.mask", test_method_mask},
    {"arena.zeroed_aligned", test_arena_zeroed_aligned},
    {"arena.large_pieces", test_arena_large_pieces},
    {"arena.many_pieces", test_arena_many_pieces},
    {"arena.reset_keeps_first_chunk", test_arena_reset_keeps_first_chunk},
    {"arena.strndup", test_strndup},
    {"defer.newest_first_after_reply", test_defer_order_at_reply},
    {"defer.at_cleanup", test_defer_at_cleanup},
    {"parts.target", test_target},
    {"parts.headers", test_headers},
    {"parts.body_and_accessors", test_body_and_accessors},
    {"reply.plain", test_reply_plain},
    {"reply.json", test_reply_json},
    {"reply.detail", test_reply_detail},
    {"reply.out_headers", test_out_headers},
    {"reply.out_headers_reset", test_out_headers_reset},
    {"reply.counted_in_metrics", test_reply_counted},
    {"exactly_once.second_answer_not_sent", test_second_answer_not_sent},
    {"exactly_once.every_reply_function", test_second_answer_every_kind},
    {"exactly_once.answer_before_handed_over", test_answer_before_handed_over},
    {"exactly_once.header_after_end_dropped", test_header_after_end_dropped},
    {"exactly_once.id_kept_after_end", test_id_kept_after_end},
};

int main(int argc, char **argv)
{
    rt_metrics_set_operations(op_names, op_methods, 1);
    return test_run(cases, TEST_N(cases), argc, argv);
}
