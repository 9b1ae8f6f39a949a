/*
 * rt_req — one HTTP request: its parts, request-scoped memory, and the
 * reply functions that end it.
 */
#include "rt_req_internal.h"
#include "rt_json.h"
#include "rt_log.h"
#include "rt_mem.h"
#include "rt_metrics.h"
#include "rt_time.h"

#include <assert.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/*
 * A request's memory comes from chunks: the first is small, because a
 * connection keeps it while idle or waiting (100,000 connections waiting on
 * /async-delay hold 100,000 of them).  512 bytes hold what a short request
 * takes: wrk's GET /async-delay/10 (one header) uses 432 with the delay's
 * timer, curl's (three headers) 496.  At 1,024 bytes, a connection waiting
 * on /async-delay took 2,654 bytes of PSS; at 512, 2,073.  A longer request (a
 * browser's head with cookies) takes chunks twice the size of the last one,
 * up to ARENA_CHUNK_SIZE: 512 + 1,024 bytes for a head of about 1 KB.
 */
#define ARENA_FIRST_SIZE 512
#define ARENA_CHUNK_SIZE 4096

static const char *const method_names[] = {"GET",    "HEAD",  "POST",    "PUT",
                                           "DELETE", "PATCH", "OPTIONS", "OTHER"};

const char *rt_method_name(enum rt_method method)
{
    unsigned i;

    for (i = 0; i < sizeof(method_names) / sizeof(method_names[0]); i++) {
        if ((unsigned)method == 1u << i)
            return method_names[i];
    }
    return "OTHER";
}

char *rt_method_mask_format(unsigned mask, char *buf, size_t size)
{
    size_t used = 0;
    unsigned i;

    if (size == 0)
        return buf;
    buf[0] = '\0';
    for (i = 0; i + 1 < sizeof(method_names) / sizeof(method_names[0]); i++) {
        int n;

        if (!(mask & (1u << i)))
            continue;
        n = snprintf(buf + used, size - used, "%s%s", used ? ", " : "", method_names[i]);
        if (n < 0 || (size_t)n >= size - used)
            break;
        used += (size_t)n;
    }
    return buf;
}

enum rt_method rt_method_parse(const char *name, size_t len)
{
    unsigned i;

    for (i = 0; i + 1 < sizeof(method_names) / sizeof(method_names[0]); i++) {
        if (strlen(method_names[i]) == len && memcmp(method_names[i], name, len) == 0)
            return (enum rt_method)(1u << i);
    }
    return RT_METHOD_OTHER;
}

/* --- request memory --- */

static struct rt_arena_chunk *chunk_new(size_t size, struct rt_arena_chunk *next)
{
    struct rt_arena_chunk *c = rt_xmalloc(sizeof(*c) + size);

    c->next = next;
    c->size = size;
    c->used = 0;
    return c;
}

#ifndef RT_REQ_EXACT_ALLOC
/* The size of the chunk that takes @p need bytes after the current chunk @p c (NULL: none yet). */
static size_t next_chunk_size(const struct rt_arena_chunk *c, size_t need)
{
    size_t size;

    if (need > ARENA_CHUNK_SIZE / 2)
        return need; /* a chunk of its own */
    if (c == NULL)
        return need <= ARENA_FIRST_SIZE / 2 ? ARENA_FIRST_SIZE : ARENA_CHUNK_SIZE;
    size = c->size < ARENA_CHUNK_SIZE / 2 ? 2 * c->size : ARENA_CHUNK_SIZE;
    while (size < need)
        size *= 2; /* need <= ARENA_CHUNK_SIZE / 2 */
    return size;
}
#endif

/*
 * Hand out @p size zeroed bytes from the request's arena.  Built with
 * RT_REQ_EXACT_ALLOC (the fuzzers define it), every allocation is a
 * malloc'd chunk of exactly @p size bytes, so that AddressSanitizer sees a
 * read or write past the end of request memory instead of it landing in
 * the rest of a chunk.
 */
void *rt_req_alloc(struct rt_req *req, size_t size)
{
#ifdef RT_REQ_EXACT_ALLOC
    struct rt_arena_chunk *c = chunk_new(size, req->arena);

    c->used = size;
    req->arena = c;
    return memset(c->data, 0, size);
#else
    struct rt_arena_chunk *c = req->arena;
    size_t need = (size + 15) & ~(size_t)15;
    void *p;

    if (c == NULL || c->size - c->used < need) {
        size_t chunk_size = next_chunk_size(c, need);

        /* Large requests get a chunk of their own; the current chunk stays in use. */
        if (c != NULL && need > ARENA_CHUNK_SIZE / 2) {
            struct rt_arena_chunk *big = chunk_new(chunk_size, c->next);

            c->next = big;
            big->used = need;
            return memset(big->data, 0, size);
        }
        req->arena = c = chunk_new(chunk_size, c);
    }
    p = c->data + c->used;
    c->used += need;
    return memset(p, 0, size);
#endif
}

char *rt_req_strndup(struct rt_req *req, const char *s, size_t len)
{
    char *p = rt_req_alloc(req, len + 1);

    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

void rt_req_defer(struct rt_req *req, void (*fn)(void *arg), void *arg)
{
    struct rt_defer *d = rt_req_alloc(req, sizeof(*d));

    d->fn = fn;
    d->arg = arg;
    d->next = req->defers;
    req->defers = d;
}

/* --- lifecycle --- */

void rt_req_init(struct rt_req *req, struct event_base *base)
{
    memset(req, 0, sizeof(*req));
    req->base = base;
}

static void free_out_headers(struct rt_req *req)
{
    struct rt_out_header *h = req->out_headers, *next;

    for (; h != NULL; h = next) {
        next = h->next;
        free(h->name);
        free(h->value);
        free(h);
    }
    req->out_headers = NULL;
}

/* Run cleanups newest first; a cleanup may not register new ones. */
static void run_defers(struct rt_req *req)
{
    struct rt_defer *d = req->defers;

    req->defers = NULL;
    for (; d != NULL; d = d->next)
        d->fn(d->arg);
}

void rt_req_reset(struct rt_req *req)
{
    struct rt_arena_chunk *c, *next, *keep = NULL;
    char id[sizeof(req->id)];
    struct event_base *base = req->base;
    rt_req_send_fn send = req->send;
    void (*ended)(struct rt_req *) = req->ended;
    void *owner = req->owner;

    memcpy(id, req->id, sizeof(id));
    run_defers(req);
    free_out_headers(req);
    /* Keep the first chunk so a keep-alive connection allocates nothing per (small) request. */
    for (c = req->arena; c != NULL; c = next) {
        next = c->next;
        if (keep == NULL && c->size == ARENA_FIRST_SIZE) {
            keep = c;
            continue;
        }
        free(c);
    }
    memset(req, 0, sizeof(*req));
    if (keep != NULL) {
        keep->next = NULL;
        keep->used = 0;
    }
    req->arena = keep;
    memcpy(req->id, id, sizeof(id)); /* for the log line of a late second answer */
    req->base = base;
    req->send = send;
    req->ended = ended;
    req->owner = owner;
}

void rt_req_cleanup(struct rt_req *req)
{
    struct rt_arena_chunk *c, *next;

    if (req == NULL)
        return;
    assert(!req->active);
    run_defers(req);
    free_out_headers(req);
    for (c = req->arena; c != NULL; c = next) {
        next = c->next;
        free(c);
    }
    req->arena = NULL;
}

/* --- accessors --- */

enum rt_method rt_req_method(const struct rt_req *req)
{
    return req->method;
}

const char *rt_req_path(const struct rt_req *req)
{
    return req->mounted != NULL ? req->mounted : req->path;
}

const char *rt_req_full_path(const struct rt_req *req)
{
    return req->path;
}

void rt_req_set_mount(struct rt_req *req, size_t len)
{
    req->mounted = req->path[len] != '\0' ? req->path + len : "/";
}

const char *rt_req_query(const struct rt_req *req)
{
    return req->query;
}

const char *rt_req_header(const struct rt_req *req, const char *name)
{
    size_t i;

    for (i = 0; i < req->n_headers; i++) {
        if (strcasecmp(req->headers[i].name, name) == 0)
            return req->headers[i].value;
    }
    return NULL;
}

const char *rt_req_body(const struct rt_req *req, size_t *len)
{
    if (len != NULL)
        *len = req->body_len;
    return req->body;
}

struct event_base *rt_req_base(const struct rt_req *req)
{
    return req->base;
}

const char *rt_req_id(const struct rt_req *req)
{
    return req->id;
}

const char *rt_req_trace_id(const struct rt_req *req)
{
    return req->trace.trace_id;
}

const struct rt_trace *rt_req_trace(const struct rt_req *req)
{
    return &req->trace;
}

/*
 * W3C Trace Context 3.2 and 3.3: more than one traceparent field makes the
 * context invalid (a new trace); several tracestate fields are one list,
 * joined with commas as RFC 9110 5.3 combines fields.
 */
void rt_req_trace_start(struct rt_req *req)
{
    const char *parent = NULL, *state = NULL;
    size_t i, parents = 0, states = 0, len = 0;

    for (i = 0; i < req->n_headers; i++) {
        if (strcasecmp(req->headers[i].name, "traceparent") == 0) {
            parent = req->headers[i].value;
            parents++;
        } else if (strcasecmp(req->headers[i].name, "tracestate") == 0) {
            state = state == NULL ? req->headers[i].value : state;
            len += strlen(req->headers[i].value) + 1;
            states++;
        }
    }
    if (states > 1) {
        char *joined = rt_req_alloc(req, len), *p = joined;

        for (i = 0; i < req->n_headers; i++) {
            if (strcasecmp(req->headers[i].name, "tracestate") != 0)
                continue;
            if (p != joined)
                *p++ = ',';
            p = stpcpy(p, req->headers[i].value);
        }
        state = joined;
    }
    rt_trace_start(&req->trace, parents == 1 ? parent : NULL, state);
}

void rt_req_set_operation(struct rt_req *req, int op)
{
    req->op_plus_2 = op + 2;
}

int rt_req_peer_gone(const struct rt_req *req)
{
    return req->peer_gone;
}

const char *rt_req_out_header(const struct rt_req *req, const char *name)
{
    const struct rt_out_header *h;

    for (h = req->out_headers; h != NULL; h = h->next) {
        if (strcasecmp(h->name, name) == 0)
            return h->value;
    }
    return NULL;
}

/* --- replies --- */

void rt_req_add_header(struct rt_req *req, const char *name, const char *value)
{
    struct rt_out_header *h, **tail = &req->out_headers;

    if (!req->active && !req->refusing)
        return; /* answered already: the header would go out with the connection's next answer */
    if (strpbrk(name, "\r\n: ") != NULL || name[0] == '\0' || strpbrk(value, "\r\n") != NULL) {
        /* A line break would let the value write headers (or a body) of its own: response splitting. */
        rt_log_error("request %s: header %s not sent: its name or value would break the header line", req->id,
                     name);
        return;
    }
    h = rt_xmalloc(sizeof(*h));
    h->name = rt_xstrdup(name);
    h->value = rt_xstrdup(value);
    h->next = NULL;
    while (*tail != NULL) /* a handful at most; keep the order they were added in */
        tail = &(*tail)->next;
    *tail = h;
}

/*
 * An answer on a request that is not waiting for one: it was answered
 * already, or never handed to the application.  Release builds check this
 * too, since sending it would corrupt the connection's stream of answers
 * (or answer the next request on it): it is dropped, logged with the id of
 * the request, and counted (http_handler_errors_total{kind="second_answer"}).
 */
static void refuse_second_answer(const struct rt_req *req, int status)
{
    rt_metrics_handler_error(RT_METRICS_SECOND_ANSWER);
    rt_log_error("request %s: a second answer (status %d) was not sent; a request is answered exactly once",
                 req->id[0] != '\0' ? req->id : "-", status);
}

void rt_req_reply(struct rt_req *req, int status, const char *content_type, const void *body, size_t len)
{
    void (*ended)(struct rt_req *);

    if (!req->active) {
        refuse_second_answer(req, status);
        return;
    }
    req->active = false;
    if (req->late) /* the runtime answered 503 in its place, counted then (rt_http_conn_no_answer) */
        rt_log_warning("request %s: the handler answered %d after its 503 (HANDLER_TIMEOUT); not sent",
                       req->id, status);
    else
        rt_metrics_request(req->op_plus_2 - 2, status, req->start_ns ? rt_time_mono_ns() - req->start_ns : 0);
    req->send(req, status, content_type, body, len);
    ended = req->ended;
    rt_req_reset(req);
    if (ended != NULL)
        ended(req);
}

void rt_req_reply_json(struct rt_req *req, int status, struct json_object *body)
{
    size_t len = 0;
    const char *text = json_object_to_json_string_length(
        body, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);

    rt_req_reply(req, status, "application/json", text, len);
    json_object_put(body);
}

void rt_req_reply_detail(struct rt_req *req, int status, const char *detail)
{
    struct rt_json_buf body = {0};

    rt_json_put_detail(&body, detail);
    rt_req_reply(req, status, "application/json", body.data, body.len);
    rt_json_buf_free(&body);
}

/* --- detached requests --- */

struct detached {
    struct rt_req req;
    struct rt_req_capture *capture;
};

static char *join_out_headers(const struct rt_req *req)
{
    const struct rt_out_header *h;
    size_t len = 0, used = 0;
    char *s;

    for (h = req->out_headers; h != NULL; h = h->next)
        len += strlen(h->name) + strlen(h->value) + 4;
    if (len == 0)
        return NULL;
    s = rt_xmalloc(len + 1);
    for (h = req->out_headers; h != NULL; h = h->next)
        used += (size_t)sprintf(s + used, "%s: %s\r\n", h->name, h->value);
    return s;
}

static void detached_send(struct rt_req *req, int status, const char *content_type, const void *body,
                          size_t len)
{
    struct rt_req_capture *cap = ((struct detached *)req->owner)->capture;

    rt_req_capture_cleanup(cap);
    cap->replied = 1;
    cap->status = status;
    cap->content_type = content_type ? rt_xstrdup(content_type) : NULL;
    cap->headers = join_out_headers(req);
    if (len > 0) {
        cap->body = rt_xmalloc(len + 1);
        memcpy(cap->body, body, len);
        cap->body[len] = '\0';
        cap->body_len = len;
    }
}

static void detached_ended(struct rt_req *req)
{
    struct detached *d = req->owner;

    rt_req_cleanup(&d->req);
    free(d);
}

struct rt_req *rt_req_new_detached(struct event_base *base, enum rt_method method, const char *target,
                                   const char *const *headers, const char *body, size_t body_len,
                                   struct rt_req_capture *capture)
{
    struct detached *d;
    struct rt_req *req;
    const char *q;
    size_t n = 0, i;
    static unsigned long counter;

    if (target == NULL || target[0] != '/')
        return NULL;
    d = rt_xmalloc(sizeof(*d));
    req = &d->req;
    rt_req_init(req, base);
    d->capture = capture;
    req->owner = d;
    req->send = detached_send;
    req->ended = detached_ended;
    req->method = method;
    req->method_name = rt_method_name(method);
    req->http_minor = 1;
    q = strchr(target, '?');
    if (q != NULL) {
        req->path = rt_req_strndup(req, target, (size_t)(q - target));
        req->query = rt_req_strndup(req, q + 1, strlen(q + 1));
    } else {
        req->path = rt_req_strndup(req, target, strlen(target));
    }
    while (headers != NULL && headers[n] != NULL && headers[n + 1] != NULL)
        n += 2;
    req->headers = rt_req_alloc(req, (n / 2 + 1) * sizeof(*req->headers));
    for (i = 0; i < n; i += 2) {
        req->headers[i / 2].name = rt_req_strndup(req, headers[i], strlen(headers[i]));
        req->headers[i / 2].value = rt_req_strndup(req, headers[i + 1], strlen(headers[i + 1]));
    }
    req->n_headers = n / 2;
    if (body != NULL) {
        req->body = rt_req_strndup(req, body, body_len);
        req->body_len = body_len;
    }
    snprintf(req->id, sizeof(req->id), "detached-%lu", ++counter);
    rt_req_trace_start(req);
    req->start_ns = rt_time_mono_ns();
    req->active = true;
    return req;
}

void rt_req_capture_cleanup(struct rt_req_capture *capture)
{
    if (capture == NULL)
        return;
    free(capture->content_type);
    free(capture->headers);
    free(capture->body);
    memset(capture, 0, sizeof(*capture));
}
