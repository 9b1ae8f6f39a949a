/*
 * rt_log — leveled logging to standard error, one write(2) per line, as
 * text or as one JSON object per line.
 */
#include "rt_log.h"
#include "rt_time.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* Escaped bytes each string may take in a JSON line: together they fit RT_LOG_LINE_MAX with the rest. */
#define BUDGET_MESSAGE 2400
#define BUDGET_PATH 2400
#define BUDGET_QUERY 1200
#define BUDGET_SHORT 160 /* peer, method, ids, operation */

static enum rt_log_level min_level = RT_LOG_INFO;
static enum rt_log_format line_format = RT_LOG_TEXT;
static _Thread_local char thread_name[16] = "main";

static const char *const level_names[] = {"DEBUG", "INFO", "WARN", "ERROR"};
static const char *const json_level_names[] = {"debug", "info", "warning", "error"};

void rt_log_set_level(enum rt_log_level level)
{
    min_level = level;
}

enum rt_log_level rt_log_get_level(void)
{
    return min_level;
}

int rt_log_parse_level(const char *name, enum rt_log_level *out)
{
    static const struct {
        const char *name;
        enum rt_log_level level;
    } table[] = {{"debug", RT_LOG_DEBUG},  {"info", RT_LOG_INFO},   {"warning", RT_LOG_WARNING},
                 {"warn", RT_LOG_WARNING}, {"error", RT_LOG_ERROR}, {"off", RT_LOG_OFF}};
    size_t i;

    for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        if (strcasecmp(name, table[i].name) == 0) {
            *out = table[i].level;
            return 0;
        }
    }
    return -1;
}

void rt_log_set_format(enum rt_log_format format)
{
    line_format = format;
}

int rt_log_parse_format(const char *name, enum rt_log_format *out)
{
    if (strcasecmp(name, "text") == 0)
        *out = RT_LOG_TEXT;
    else if (strcasecmp(name, "json") == 0)
        *out = RT_LOG_JSON;
    else
        return -1;
    return 0;
}

void rt_log_set_thread_name(const char *name)
{
    snprintf(thread_name, sizeof(thread_name), "%s", name);
}

int rt_log_enabled(enum rt_log_level level)
{
    return level >= min_level && level < RT_LOG_OFF;
}

/* --- JSON: a writer into a fixed line that can only ever hold whole, valid JSON --- */

struct jw {
    char *p, *end;  /* next byte, and the end of the room (the newline is kept out of it) */
    bool truncated; /* a string was cut to its budget */
};

static void jw_raw(struct jw *w, const char *s)
{
    size_t n = strlen(s);

    if (n > (size_t)(w->end - w->p)) /* cannot happen within the budgets; never write a partial token */
        return;
    memcpy(w->p, s, n);
    w->p += n;
}

/* @return the length of the valid UTF-8 sequence at @p s (1 to 4), or 0 if none starts there. */
static size_t utf8_len(const unsigned char *s)
{
    unsigned lo = 0x80, hi = 0xbf;
    size_t n, i;

    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf)
        n = 2;
    else if (s[0] >= 0xe0 && s[0] <= 0xef)
        n = 3, lo = s[0] == 0xe0 ? 0xa0 : 0x80,
        hi = s[0] == 0xed ? 0x9f : 0xbf; /* no overlong, no surrogate */
    else if (s[0] >= 0xf0 && s[0] <= 0xf4)
        n = 4, lo = s[0] == 0xf0 ? 0x90 : 0x80, hi = s[0] == 0xf4 ? 0x8f : 0xbf; /* up to U+10FFFF */
    else
        return 0;
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (i = 2; i < n; i++) /* a NUL is no continuation byte: nothing past the string is read */
        if (s[i] < 0x80 || s[i] > 0xbf)
            return 0;
    return n;
}

/* Append @p s as a JSON string of at most @p budget bytes between its quotes; NULL as null. */
static void jw_string(struct jw *w, const char *s, size_t budget)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *u = (const unsigned char *)s;
    char *q, *stop;

    if (s == NULL) {
        jw_raw(w, "null");
        return;
    }
    if ((size_t)(w->end - w->p) < budget + 2)
        budget = (size_t)(w->end - w->p) > 2 ? (size_t)(w->end - w->p) - 2 : 0;
    q = w->p;
    stop = q + 1 + budget;
    *q++ = '"';
    while (*u != '\0') {
        char esc[8];
        size_t n = utf8_len(u), m;

        if (n == 0) {
            memcpy(esc, "\\ufffd", 7); /* not UTF-8: replaced, never copied into the line */
            n = 1;
        } else if (*u == '"' || *u == '\\') {
            esc[0] = '\\', esc[1] = (char)*u, esc[2] = '\0';
        } else if (*u == '\n' || *u == '\r' || *u == '\t') {
            esc[0] = '\\', esc[1] = *u == '\n' ? 'n' : *u == '\r' ? 'r' : 't', esc[2] = '\0';
        } else if (*u < 0x20 || *u == 0x7f) {
            memcpy(esc, "\\u00", 4), esc[4] = hex[*u >> 4], esc[5] = hex[*u & 15], esc[6] = '\0';
        } else {
            memcpy(esc, u, n), esc[n] = '\0';
        }
        m = strlen(esc);
        if (q + m > stop) {
            w->truncated = true;
            break;
        }
        memcpy(q, esc, m);
        q += m;
        u += n;
    }
    *q++ = '"';
    w->p = q;
}

static void jw_key_string(struct jw *w, const char *key, const char *s, size_t budget)
{
    jw_raw(w, key);
    jw_string(w, s, budget);
}

static void jw_key_number(struct jw *w, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void jw_key_number(struct jw *w, const char *key, const char *fmt, ...)
{
    char num[64];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(num, sizeof(num), fmt, ap);
    va_end(ap);
    jw_raw(w, key);
    jw_raw(w, num);
}

/* The request line as the message of an access line: "GET /path?q HTTP/1.1" 200 */
static void access_message(char *buf, size_t size, const struct rt_log_access *a)
{
    snprintf(buf, size, "\"%s %s%s%s HTTP/1.%d\" %d", a->method ? a->method : "-", a->path ? a->path : "-",
             a->query ? "?" : "", a->query ? a->query : "", a->http_minor, a->status);
}

static void json_access_fields(struct jw *w, const struct rt_log_access *a)
{
    jw_key_string(w, ",\"request_id\":", a->request_id, BUDGET_SHORT);
    jw_key_string(w, ",\"trace_id\":", a->trace_id && a->trace_id[0] ? a->trace_id : NULL, BUDGET_SHORT);
    jw_key_string(w, ",\"method\":", a->method, BUDGET_SHORT);
    jw_key_string(w, ",\"path\":", a->path, BUDGET_PATH);
    jw_key_string(w, ",\"query\":", a->query, BUDGET_QUERY);
    jw_key_string(w, ",\"operation\":", a->operation, BUDGET_SHORT);
    jw_key_number(w, ",\"status\":", "%d", a->status);
    jw_key_number(w, ",\"duration_ms\":", "%.3f", a->duration_ms);
    jw_key_number(w, ",\"bytes_in\":", "%zu", a->bytes_in);
    jw_key_number(w, ",\"bytes_out\":", "%zu", a->bytes_out);
    jw_key_string(w, ",\"peer\":", a->peer, BUDGET_SHORT);
    jw_key_number(w, ",\"http_version\":", "\"1.%d\"", a->http_minor);
    if (a->client_gone)
        jw_raw(w, ",\"client_gone\":true");
}

static size_t json_line(char *buf, enum rt_log_level level, const char *message,
                        const struct rt_log_access *a)
{
    struct jw w = {buf, buf + RT_LOG_LINE_MAX - 1, false};
    char stamp[32], msg[BUDGET_PATH + 64];

    if (a != NULL) {
        access_message(msg, sizeof(msg), a);
        message = msg;
    }
    jw_key_string(&w, "{\"time\":", rt_time_format_rfc3339(stamp, sizeof(stamp)), BUDGET_SHORT);
    jw_key_string(&w, ",\"level\":", json_level_names[level], BUDGET_SHORT);
    jw_key_string(&w, ",\"worker\":", thread_name, BUDGET_SHORT);
    jw_key_string(&w, ",\"message\":", message, BUDGET_MESSAGE);
    if (a != NULL)
        json_access_fields(&w, a);
    if (w.truncated)
        jw_raw(&w, ",\"truncated\":true");
    jw_raw(&w, "}");
    *w.p++ = '\n';
    return (size_t)(w.p - buf);
}

/* --- text --- */

static size_t text_line(char *buf, enum rt_log_level level, const char *message,
                        const struct rt_log_access *a)
{
    char stamp[32];
    int n;

    n = snprintf(buf, RT_LOG_LINE_MAX, "%s %-5s [%s] ", rt_time_format_rfc3339(stamp, sizeof(stamp)),
                 level_names[level], thread_name);
    if (a != NULL)
        snprintf(buf + n, RT_LOG_LINE_MAX - (size_t)n - 1,
                 "%s \"%s %s%s%s HTTP/1.%d\" %d %zuB %.3fms id=%s trace=%s op=%s%s", a->peer ? a->peer : "-",
                 a->method ? a->method : "-", a->path ? a->path : "-", a->query ? "?" : "",
                 a->query ? a->query : "", a->http_minor, a->status, a->bytes_out, a->duration_ms,
                 a->request_id && a->request_id[0] ? a->request_id : "-",
                 a->trace_id && a->trace_id[0] ? a->trace_id : "-", a->operation ? a->operation : "-",
                 a->client_gone ? " (client gone)" : "");
    else
        snprintf(buf + n, RT_LOG_LINE_MAX - (size_t)n - 1, "%s", message != NULL ? message : "");
    n = (int)strlen(buf); /* snprintf truncated at the room left: the newline still fits */
    buf[n++] = '\n';
    return (size_t)n;
}

size_t rt_log_format_line(char *buf, enum rt_log_format format, enum rt_log_level level, const char *message,
                          const struct rt_log_access *access)
{
    if (level < RT_LOG_DEBUG || level >= RT_LOG_OFF)
        level = RT_LOG_ERROR;
    return format == RT_LOG_JSON ? json_line(buf, level, message, access)
                                 : text_line(buf, level, message, access);
}

static void write_line(const char *line, size_t n)
{
    /* One write per line: atomic with respect to other threads' lines. */
    if (write(STDERR_FILENO, line, n) < 0) {
        /* nowhere left to report it */
    }
}

void rt_log(enum rt_log_level level, const char *fmt, ...)
{
    char message[RT_LOG_LINE_MAX], line[RT_LOG_LINE_MAX];
    va_list ap;

    if (!rt_log_enabled(level))
        return;
    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    write_line(line, rt_log_format_line(line, line_format, level, message, NULL));
}

void rt_log_access(const struct rt_log_access *a)
{
    char line[RT_LOG_LINE_MAX];

    if (!rt_log_enabled(RT_LOG_INFO))
        return;
    write_line(line, rt_log_format_line(line, line_format, RT_LOG_INFO, NULL, a));
}
