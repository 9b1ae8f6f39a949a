/*
 * rt_log — leveled logging to standard error.
 *
 * Each message is formatted into one line and written with a single
 * write(2), so lines from different worker threads never interleave.
 * Lines look like
 *   2026-11-23T22:36:00.123Z INFO  [w1] listening on http://127.0.0.1:8000
 * or, with RT_LOG_JSON (LOG_FORMAT=json), one JSON object per line:
 *   {"time":"2026-11-23T22:36:00.123Z","level":"info","worker":"w1","message":"listening on ..."}
 * Access-log lines (rt_log_access) add the request's fields.  Every string
 * is escaped so that no byte of it can end or break the line: control
 * bytes as \u00XX, and a byte that is not part of valid UTF-8 as \ufffd.
 * Long strings are cut (at a character boundary) so the object always
 * fits the line; such a line has "truncated":true.
 */
#ifndef RT_LOG_H
#define RT_LOG_H

#include <stdbool.h>
#include <stddef.h>

enum rt_log_level { RT_LOG_DEBUG = 0, RT_LOG_INFO, RT_LOG_WARNING, RT_LOG_ERROR, RT_LOG_OFF };

enum rt_log_format { RT_LOG_TEXT = 0, RT_LOG_JSON };

#define RT_LOG_LINE_MAX 8192 /* bytes of one line, newline included */

/** One answered request, for the access log; strings may be NULL ("-" or null). */
struct rt_log_access {
    const char *peer;       /* "address:port" of the client */
    const char *method;     /* as received */
    const char *path;       /* raw, still percent-encoded; any bytes */
    const char *query;      /* raw, without '?', or NULL */
    int http_minor;         /* 0 or 1 */
    const char *request_id; /* X-Request-ID */
    const char *trace_id;   /* W3C trace id (32 hex), or NULL/"" before one was given */
    const char *operation;  /* operationId of the route taken, or NULL */
    int status;
    double duration_ms; /* from the request's first byte to its answer */
    size_t bytes_in;    /* bytes of request body */
    size_t bytes_out;   /* bytes of response body */
    bool client_gone;   /* the client closed its side before the answer */
};

/** Set the lowest level that is written (default RT_LOG_INFO).  Call before threads start. */
void rt_log_set_level(enum rt_log_level level);

/** @return the current level. */
enum rt_log_level rt_log_get_level(void);

/**
 * Parse a level name: "debug", "info", "warning" (or "warn"), "error",
 * "off"; case-insensitive.
 * @return 0 and *out set, or -1 if @p name is none of these.
 */
int rt_log_parse_level(const char *name, enum rt_log_level *out);

/** Set the line format (default RT_LOG_TEXT).  Call before threads start. */
void rt_log_set_format(enum rt_log_format format);

/** Parse a format name: "text" or "json", case-insensitive.  @return 0, or -1 if neither. */
int rt_log_parse_format(const char *name, enum rt_log_format *out);

/** Name the calling thread in log lines ("main", "w0", ...); @p name is copied (max 15 chars). */
void rt_log_set_thread_name(const char *name);

/** @return 1 if messages at @p level are written, else 0 (to skip costly formatting). */
int rt_log_enabled(enum rt_log_level level);

/** Write one line at @p level; printf-style. */
void rt_log(enum rt_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/** Write the access-log line of @p a at RT_LOG_INFO, in the current format. */
void rt_log_access(const struct rt_log_access *a);

/**
 * Format one line (newline included) into @p buf (RT_LOG_LINE_MAX bytes):
 * the line rt_log() or, when @p access is not NULL, rt_log_access() would
 * write now in @p format with @p message.  For the tests.
 * @return its length.
 */
size_t rt_log_format_line(char *buf, enum rt_log_format format, enum rt_log_level level, const char *message,
                          const struct rt_log_access *access);

#define rt_log_debug(...) rt_log(RT_LOG_DEBUG, __VA_ARGS__)
#define rt_log_info(...) rt_log(RT_LOG_INFO, __VA_ARGS__)
#define rt_log_warning(...) rt_log(RT_LOG_WARNING, __VA_ARGS__)
#define rt_log_error(...) rt_log(RT_LOG_ERROR, __VA_ARGS__)

#endif /* RT_LOG_H */
