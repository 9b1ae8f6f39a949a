/*
 * rt_log: the JSON line format.  Whatever bytes a message or a request's
 * path holds (quotes, control bytes, invalid UTF-8, megabytes), the line is
 * one JSON object that json-c parses back to the same text (invalid bytes
 * as U+FFFD), ended by its only newline, within RT_LOG_LINE_MAX; and the
 * access fields are all there, in both formats.
 */
#include "test.h"

#include "rt_log.h"

#include <json-c/json.h>
#include <string.h>

static char line[RT_LOG_LINE_MAX];

/* Format @p message (or @p a) as JSON; @return the parsed object if the line is one well-formed line, else
 * NULL. */
static struct json_object *json_of(const char *message, const struct rt_log_access *a)
{
    size_t n = rt_log_format_line(line, RT_LOG_JSON, RT_LOG_INFO, message, a);
    struct json_object *o;
    struct json_tokener *tok;

    if (n == 0 || n > RT_LOG_LINE_MAX || line[n - 1] != '\n' || memchr(line, '\n', n - 1) != NULL ||
        memchr(line, '\r', n) != NULL || memchr(line, '\0', n) != NULL) {
        printf("# not one line: %.*s\n", (int)n, line);
        return NULL;
    }
    tok = json_tokener_new();
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    o = json_tokener_parse_ex(tok, line, (int)n - 1);
    if (json_tokener_get_error(tok) != json_tokener_success || tok->char_offset != (int)n - 1 ||
        !json_object_is_type(o, json_type_object)) {
        printf("# not JSON (%s): %.*s\n", json_tokener_error_desc(json_tokener_get_error(tok)), (int)n, line);
        json_object_put(o);
        o = NULL;
    }
    json_tokener_free(tok);
    return o;
}

static const char *field(struct json_object *o, const char *key)
{
    struct json_object *v;

    return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
               ? json_object_get_string(v)
               : NULL;
}

static void test_plain_line(void)
{
    struct json_object *o = json_of("listening on http://127.0.0.1:8000", NULL);
    const char *time;

    CHECK(o != NULL);
    CHECK(field(o, "message") && strcmp(field(o, "message"), "listening on http://127.0.0.1:8000") == 0);
    CHECK(field(o, "level") && strcmp(field(o, "level"), "info") == 0);
    CHECK(field(o, "worker") && strcmp(field(o, "worker"), "main") == 0);
    time = field(o, "time"); /* RFC 3339, milliseconds, UTC: 2026-11-23T22:36:00.123Z */
    CHECK(time && strlen(time) == 24 && time[10] == 'T' && time[19] == '.' && time[23] == 'Z');
    json_object_put(o);
}

static void test_every_control_byte(void)
{
    char msg[64];
    int c, bad = 0;

    for (c = 1; c < 0x20 || c == 0x7f; c = c == 0x1f ? 0x7f : c + 1) {
        struct json_object *o;

        snprintf(msg, sizeof(msg), "a%cb\"c\\", c);
        o = json_of(msg, NULL);
        if (o == NULL || !field(o, "message") || strcmp(field(o, "message"), msg) != 0) {
            printf("# byte 0x%02x\n", c);
            bad++;
        }
        json_object_put(o);
        if (c == 0x7f)
            break;
    }
    CHECK(bad == 0);
}

static void test_utf8(void)
{
    struct json_object *o;

    o = json_of("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", NULL); /* valid: kept as they are */
    CHECK(o && strcmp(field(o, "message"), "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80") == 0);
    json_object_put(o);
    /* A lone continuation byte, a cut sequence, an overlong '/', a surrogate, beyond U+10FFFF, 0xff. */
    o = json_of("a\x80"
                "b\xc3"
                "c\xc0\xaf"
                "d\xed\xa0\x80"
                "e\xf4\x90\x80\x80"
                "f\xff",
                NULL);
    CHECK(o != NULL);
    CHECK(o && strstr(line, "\\ufffd") != NULL &&
          strstr(field(o, "message"), "a\xef\xbf\xbd"
                                      "b") != NULL);
    CHECK(o && strchr(field(o, "message"), 0xff) == NULL && strchr(field(o, "message"), 0x80) == NULL);
    json_object_put(o);
}

static struct rt_log_access sample(const char *path)
{
    return (struct rt_log_access){.peer = "127.0.0.1:5000",
                                  .method = "GET",
                                  .path = path,
                                  .query = "q=1",
                                  .http_minor = 1,
                                  .request_id = "req-1",
                                  .trace_id = "4bf92f3577b34da6a3ce929d0e0e4736",
                                  .operation = "get_user",
                                  .status = 200,
                                  .duration_ms = 1.5,
                                  .bytes_in = 12,
                                  .bytes_out = 345};
}

static long number(struct json_object *o, const char *key)
{
    struct json_object *v;

    return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_int)
               ? json_object_get_int(v)
               : -1;
}

static void test_access_fields(void)
{
    struct rt_log_access a = sample("/users/ada");
    struct json_object *o = json_of(NULL, &a), *v;

    CHECK(o != NULL);
    CHECK(strcmp(field(o, "request_id"), "req-1") == 0);
    CHECK(strcmp(field(o, "trace_id"), "4bf92f3577b34da6a3ce929d0e0e4736") == 0);
    CHECK(strcmp(field(o, "method"), "GET") == 0 && strcmp(field(o, "path"), "/users/ada") == 0);
    CHECK(strcmp(field(o, "query"), "q=1") == 0 && strcmp(field(o, "operation"), "get_user") == 0);
    CHECK(strcmp(field(o, "peer"), "127.0.0.1:5000") == 0);
    CHECK(number(o, "status") == 200 && number(o, "bytes_in") == 12 && number(o, "bytes_out") == 345);
    CHECK(json_object_object_get_ex(o, "duration_ms", &v) && json_object_get_double(v) == 1.5);
    CHECK(!json_object_object_get_ex(o, "truncated", &v));
    json_object_put(o);
    a.operation = NULL; /* no route: null, not a made-up name */
    a.trace_id = "";
    o = json_of(NULL, &a);
    CHECK(o && json_object_object_get_ex(o, "operation", &v) && v == NULL);
    CHECK(o && json_object_object_get_ex(o, "trace_id", &v) && v == NULL);
    json_object_put(o);
}

/* A path that no HTTP parser should pass still cannot break the line. */
static void test_access_hostile_path(void)
{
    struct rt_log_access a = sample("/a\"b\\c\n{\"x\":1}\r\x01\x1b[31m\xff\xfe");
    struct json_object *o = json_of(NULL, &a);

    CHECK(o != NULL);
    CHECK(o && strcmp(field(o, "path"), "/a\"b\\c\n{\"x\":1}\r\x01\x1b[31m\xef\xbf\xbd\xef\xbf\xbd") == 0);
    CHECK(o && !json_object_object_get_ex(o, "x", NULL));
    json_object_put(o);
}

/* Strings too long for the line are cut at a character boundary; the line stays whole JSON and says so. */
static void test_long_strings(void)
{
    static char path[40000];
    struct rt_log_access a;
    struct json_object *o, *v;
    size_t i;

    path[0] = '/';
    for (i = 1; i + 3 < sizeof(path); i += 3)
        memcpy(path + i, i % 2 ? "\xe2\x82\xac" : "\x01\"\\", 3);
    path[i] = '\0';
    a = sample(path);
    a.query = path;
    o = json_of(path, &a);
    CHECK(o != NULL);
    CHECK(o && json_object_object_get_ex(o, "truncated", &v) && json_object_get_boolean(v));
    CHECK(o && strcmp(field(o, "trace_id"), "4bf92f3577b34da6a3ce929d0e0e4736") == 0); /* after the path */
    CHECK(o && number(o, "status") == 200);
    json_object_put(o);
    o = json_of(path, NULL);
    CHECK(o && field(o, "message") && strlen(field(o, "message")) > 100);
    json_object_put(o);
}

static void test_text_access_line(void)
{
    struct rt_log_access a = sample("/users/ada");
    size_t n = rt_log_format_line(line, RT_LOG_TEXT, RT_LOG_INFO, NULL, &a);

    line[n - 1] = '\0';
    CHECK(strstr(line, "127.0.0.1:5000 \"GET /users/ada?q=1 HTTP/1.1\" 200 345B 1.500ms id=req-1 "
                       "trace=4bf92f3577b34da6a3ce929d0e0e4736 op=get_user") != NULL);
    CHECK(strstr(line, " INFO  [main] ") != NULL);
}

static void test_parse_format(void)
{
    enum rt_log_format f = RT_LOG_TEXT;

    CHECK(rt_log_parse_format("json", &f) == 0 && f == RT_LOG_JSON);
    CHECK(rt_log_parse_format("TEXT", &f) == 0 && f == RT_LOG_TEXT);
    CHECK(rt_log_parse_format("xml", &f) == -1 && f == RT_LOG_TEXT);
}

static const struct test_case cases[] = {
    {"json.plain", test_plain_line},
    {"json.control_bytes", test_every_control_byte},
    {"json.utf8", test_utf8},
    {"json.access_fields", test_access_fields},
    {"json.hostile_path", test_access_hostile_path},
    {"json.long_strings", test_long_strings},
    {"text.access", test_text_access_line},
    {"format.parse", test_parse_format},
};

int main(int argc, char **argv)
{
    return test_run(cases, TEST_N(cases), argc, argv);
}
