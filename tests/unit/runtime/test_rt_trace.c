/*
 * rt_trace: W3C Trace Context parsing (each malformed form refused, a
 * later version read as the spec says), the ids we make, tracestate kept
 * to whole members, the child traceparent of an outbound call, and the
 * context a request gets from its headers (never an error).
 */
#include "test.h"

#include "rt_db.h"
#include "rt_req.h"
#include "rt_trace.h"

#include <event2/event.h>
#include <string.h>

#define TID "4bf92f3577b34da6a3ce929d0e0e4736"
#define PID "00f067aa0ba902b7"

static int parses(const char *v)
{
    struct rt_trace t;

    memset(&t, 0, sizeof(t));
    return rt_trace_parse_parent(v, &t) == 0;
}

static int is_lower_hex(const char *s, size_t n)
{
    size_t i;

    if (strlen(s) != n)
        return 0;
    for (i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}

static void test_valid(void)
{
    struct rt_trace t;

    memset(&t, 0, sizeof(t));
    CHECK(rt_trace_parse_parent("00-" TID "-" PID "-01", &t) == 0);
    CHECK(strcmp(t.trace_id, TID) == 0);
    CHECK(strcmp(t.parent_id, PID) == 0);
    CHECK(t.flags == 1);
    CHECK(parses("00-" TID "-" PID "-00"));
    CHECK(parses("00-" TID "-" PID "-ff")); /* unknown flags are not an error */
}

static void test_malformed(void)
{
    struct rt_trace t;

    memset(&t, 0, sizeof(t));
    strcpy(t.trace_id, "unchanged");
    CHECK(rt_trace_parse_parent(NULL, &t) == -1);
    CHECK(rt_trace_parse_parent("", &t) == -1);
    CHECK(rt_trace_parse_parent("garbage", &t) == -1);
    CHECK(strcmp(t.trace_id, "unchanged") == 0);   /* a refused value leaves the context alone */
    CHECK(!parses("00-" TID "-" PID "-1"));        /* short flags */
    CHECK(!parses("00-" TID "-" PID "-011"));      /* version 00 is exactly 55 characters */
    CHECK(!parses("00-" TID "-" PID "-01-extra")); /* ... even with a dash */
    CHECK(!parses("00-4bf92f3577b34da6a3ce929d0e0e473-" PID "-01")); /* 31 hex trace id */
    CHECK(!parses("00-" TID "-00f067aa0ba902b-01"));                 /* 15 hex parent id */
    CHECK(!parses("00_" TID "-" PID "-01"));                         /* separators */
    CHECK(!parses("00-" TID "_" PID "-01"));
    CHECK(!parses("00-" TID "-" PID "_01"));
    CHECK(!parses("0x-" TID "-" PID "-01"));                          /* version not hex */
    CHECK(!parses("00-4bf92f3577b34da6a3ce929d0e0e473g-" PID "-01")); /* not hex */
    CHECK(!parses("00-" TID "-00f067aa0ba902bz-01"));
    CHECK(!parses("00-" TID "-" PID "-0g"));
    CHECK(!parses(" 00-" TID "-" PID "-01"));
}

static void test_uppercase_refused(void)
{
    CHECK(!parses("00-4BF92F3577B34DA6A3CE929D0E0E4736-" PID "-01"));
    CHECK(!parses("00-" TID "-00F067AA0BA902B7-01"));
    CHECK(!parses("00-" TID "-" PID "-0A"));
    CHECK(!parses("0A-" TID "-" PID "-01"));
}

static void test_all_zero_refused(void)
{
    CHECK(!parses("00-00000000000000000000000000000000-" PID "-01"));
    CHECK(!parses("00-" TID "-0000000000000000-01"));
}

/* Spec 3.2.4: a later version is read as 00 when its first fields are; ff is never valid. */
static void test_versions(void)
{
    struct rt_trace t;

    memset(&t, 0, sizeof(t));
    CHECK(rt_trace_parse_parent("01-" TID "-" PID "-01", &t) == 0);
    CHECK(strcmp(t.trace_id, TID) == 0);
    CHECK(parses("cc-" TID "-" PID "-01-what-the-future-holds"));
    CHECK(!parses("cc-" TID "-" PID "-01what"));      /* more must come after a dash */
    CHECK(!parses("ff-" TID "-" PID "-01"));          /* version ff is forbidden */
    CHECK(!parses("cc-" TID "-" PID "-0"));           /* still at least the 00 fields */
    CHECK(!parses("cc-" TID "-0000000000000000-01")); /* with their rules */
}

static void test_random_ids(void)
{
    char a[33], b[33];

    rt_trace_random_hex(a, 16);
    rt_trace_random_hex(b, 16);
    CHECK(is_lower_hex(a, 32));
    CHECK(strcmp(a, b) != 0);
    rt_trace_random_hex(a, 8);
    CHECK(is_lower_hex(a, 16));
}

static void test_start(void)
{
    struct rt_trace t;

    CHECK(rt_trace_start(&t, "00-" TID "-" PID "-01", "congo=t61rcWkgMzE, rojo=00f067aa0ba902b7") == 1);
    CHECK(strcmp(t.trace_id, TID) == 0 && strcmp(t.parent_id, PID) == 0);
    CHECK(is_lower_hex(t.span_id, 16) && strcmp(t.span_id, PID) != 0);
    CHECK(t.state_len == strlen("congo=t61rcWkgMzE, rojo=00f067aa0ba902b7"));
    /* Malformed or absent: a new trace, and its tracestate is not taken (spec 4.3). */
    CHECK(rt_trace_start(&t, "00-" TID "-" PID "-0", "congo=t61rcWkgMzE") == 0);
    CHECK(is_lower_hex(t.trace_id, 32) && strcmp(t.trace_id, TID) != 0);
    CHECK(t.parent_id[0] == '\0' && t.state == NULL && t.state_len == 0 && t.flags == 0);
    CHECK(rt_trace_start(&t, NULL, NULL) == 0);
    CHECK(is_lower_hex(t.trace_id, 32) && is_lower_hex(t.span_id, 16));
}

/* tracestate over the limit keeps the whole members that fit, never half of one. */
static void test_state_cut(void)
{
    char state[1200];
    struct rt_trace t;
    size_t i, n = 0;

    for (i = 0; i < 40; i++)
        n += (size_t)snprintf(state + n, sizeof(state) - n, "%svendor%02zu=%020zu", i ? "," : "", i, i);
    CHECK(n > RT_TRACE_STATE_MAX);
    CHECK(rt_trace_start(&t, "00-" TID "-" PID "-01", state) == 1);
    CHECK(t.state_len > 0 && t.state_len <= RT_TRACE_STATE_MAX);
    CHECK(state[t.state_len] == ',');   /* cut at a member's end */
    CHECK((t.state_len + 1) % 30 == 0); /* each member is 29 bytes and a comma */
    CHECK(rt_trace_start(&t, "00-" TID "-" PID "-01", "a=1, ") == 1);
    CHECK(t.state_len == 3); /* trailing list separators dropped */
}

static void test_child(void)
{
    struct rt_trace t;
    char buf[RT_TRACEPARENT_LEN + 1], again[RT_TRACEPARENT_LEN + 1];
    struct rt_trace child;

    rt_trace_start(&t, "00-" TID "-" PID "-03", NULL);
    CHECK(rt_trace_child_parent(&t, buf, sizeof(buf)) == buf);
    CHECK(strlen(buf) == RT_TRACEPARENT_LEN);
    CHECK(rt_trace_parse_parent(buf, &child) == 0);
    CHECK(strcmp(child.trace_id, TID) == 0);
    CHECK(strcmp(child.parent_id, PID) != 0 && strcmp(child.parent_id, t.span_id) != 0);
    CHECK(child.flags == 1); /* only the sampled flag is passed on */
    CHECK(strncmp(buf, "00-", 3) == 0);
    rt_trace_child_parent(&t, again, sizeof(again));
    CHECK(strcmp(buf, again) != 0); /* a new span per call */
    /* A later version received is sent on as 00. */
    rt_trace_start(&t, "cc-" TID "-" PID "-01-more", NULL);
    rt_trace_child_parent(&t, buf, sizeof(buf));
    CHECK(strncmp(buf, "00-" TID "-", 36) == 0);
    CHECK(rt_trace_child_parent(NULL, buf, sizeof(buf)) == NULL);
    CHECK(rt_trace_child_parent(&t, buf, 10) == NULL);
}

static void test_current(void)
{
    struct rt_trace a, b;

    CHECK(rt_trace_current() == NULL);
    CHECK(rt_trace_set_current(&a) == NULL);
    CHECK(rt_trace_set_current(&b) == &a);
    CHECK(rt_trace_current() == &b);
    CHECK(rt_trace_set_current(NULL) == &b);
}

/* A request takes its context from its headers; a malformed one is replaced, and the request still served. */
static void test_request(void)
{
    const char *good[] = {"traceparent", "00-" TID "-" PID "-01", "tracestate", "rojo=1", NULL};
    const char *bad[] = {"traceparent", "00-" TID "-" PID "-01-x", NULL};
    const char *twice[] = {"traceparent", "00-" TID "-" PID "-01", "traceparent", "00-" TID "-" PID "-01",
                           NULL};
    const char *states[] = {
        "traceparent", "00-" TID "-" PID "-01", "tracestate", "rojo=1", "tracestate", "congo=2", NULL};
    struct rt_req_capture cap;
    struct rt_req *req;

    memset(&cap, 0, sizeof(cap));
    req = rt_req_new_detached(NULL, RT_METHOD_GET, "/x", good, NULL, 0, &cap);
    CHECK(strcmp(rt_req_trace_id(req), TID) == 0);
    CHECK(rt_req_trace(req)->state_len == 6 && strncmp(rt_req_trace(req)->state, "rojo=1", 6) == 0);
    rt_req_reply(req, 204, NULL, NULL, 0);
    req = rt_req_new_detached(NULL, RT_METHOD_GET, "/x", bad, NULL, 0, &cap);
    CHECK(is_lower_hex(rt_req_trace_id(req), 32) && strcmp(rt_req_trace_id(req), TID) != 0);
    rt_req_reply(req, 204, NULL, NULL, 0);
    /* Two traceparent fields: invalid (a new trace); two tracestate fields: one list. */
    req = rt_req_new_detached(NULL, RT_METHOD_GET, "/x", twice, NULL, 0, &cap);
    CHECK(is_lower_hex(rt_req_trace_id(req), 32) && strcmp(rt_req_trace_id(req), TID) != 0);
    rt_req_reply(req, 204, NULL, NULL, 0);
    req = rt_req_new_detached(NULL, RT_METHOD_GET, "/x", states, NULL, 0, &cap);
    CHECK(strcmp(rt_req_trace_id(req), TID) == 0);
    CHECK(rt_req_trace(req)->state_len == 14 && strncmp(rt_req_trace(req)->state, "rojo=1,congo=2", 14) == 0);
    rt_req_reply(req, 204, NULL, NULL, 0);
    CHECK(cap.status == 204);
    rt_req_capture_cleanup(&cap);
}

struct seen {
    int calls;
    char trace_id[33];
    char state[32];
    const struct rt_trace *current;
};

static void statement_done(const struct rt_db_result *result, void *arg)
{
    struct seen *seen = arg;
    const struct rt_trace *t = rt_trace_current();

    (void)result;
    seen->calls++;
    seen->current = t;
    if (t != NULL) {
        snprintf(seen->trace_id, sizeof(seen->trace_id), "%s", t->trace_id);
        snprintf(seen->state, sizeof(seen->state), "%.*s", (int)t->state_len, t->state ? t->state : "");
    }
}

/*
 * A statement's callback runs under the context it was submitted under
 * (a copy: the request, and the header its tracestate was in, may be gone),
 * so a call started from it carries the trace; without one, none.
 */
static void test_db_callback(void)
{
    static const struct rt_db_statement one = {"trace_one", "SELECT 1", 0};
    struct rt_db_settings dbs = {
        .url = "sqlite::memory:", .pool_size = 1, .acquire_timeout_ms = 2000, .connect_timeout_ms = 2000};
    struct event_base *base = event_base_new();
    struct rt_db *db;
    struct rt_db_loop *loop;
    struct seen with = {0}, without = {0};
    struct rt_trace t;
    char state[] = "rojo=1";
    char err[256];
    int i;

    db = rt_db_open(&dbs, err, sizeof(err));
    CHECK(db != NULL);
    if (db == NULL) {
        printf("# %s\n", err);
        event_base_free(base);
        return;
    }
    loop = rt_db_loop_new(db, base);
    CHECK(loop != NULL);
    rt_trace_start(&t, "00-" TID "-" PID "-01", state);
    rt_trace_set_current(&t);
    CHECK(rt_db_query(loop, &one, NULL, statement_done, &with) == 0);
    rt_trace_set_current(NULL);
    CHECK(rt_db_query(loop, &one, NULL, statement_done, &without) == 0);
    memset(&t, 0, sizeof(t)); /* the request has ended */
    memset(state, 'x', sizeof(state) - 1);
    for (i = 0; i < 200 && (with.calls == 0 || without.calls == 0); i++)
        event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK), usleep(5000);
    CHECK(with.calls == 1 && without.calls == 1);
    CHECK(strcmp(with.trace_id, TID) == 0);
    CHECK(strcmp(with.state, "rojo=1") == 0);
    CHECK(with.current != NULL && with.current != &t);
    CHECK(without.current == NULL);
    CHECK(rt_trace_current() == NULL); /* put back after each callback */
    rt_db_loop_free(loop);
    rt_db_close(db);
    event_base_free(base);
}

static const struct test_case cases[] = {
    {"parse.valid", test_valid},
    {"parse.malformed", test_malformed},
    {"parse.uppercase", test_uppercase_refused},
    {"parse.all_zero", test_all_zero_refused},
    {"parse.versions", test_versions},
    {"ids.random", test_random_ids},
    {"start.headers", test_start},
    {"start.state_cut", test_state_cut},
    {"child.traceparent", test_child},
    {"current", test_current},
    {"request", test_request},
    {"db.callback", test_db_callback},
};

int main(int argc, char **argv)
{
    return test_run(cases, TEST_N(cases), argc, argv);
}
