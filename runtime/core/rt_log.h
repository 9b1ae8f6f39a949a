/*
 * rt_log — leveled logging to standard error.
 *
 * Each message is formatted into one line and written with a single
 * write(2), so lines from different worker threads never interleave.
 * Lines look like
 *   2026-11-23T22:36:00.123Z INFO  [w1] listening on http://127.0.0.1:8000
 */
#ifndef RT_LOG_H
#define RT_LOG_H

enum rt_log_level { RT_LOG_DEBUG = 0, RT_LOG_INFO, RT_LOG_WARNING, RT_LOG_ERROR, RT_LOG_OFF };

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

/** Name the calling thread in log lines ("main", "w0", ...); @p name is copied (max 15 chars). */
void rt_log_set_thread_name(const char *name);

/** @return 1 if messages at @p level are written, else 0 (to skip costly formatting). */
int rt_log_enabled(enum rt_log_level level);

/** Write one line at @p level; printf-style. */
void rt_log(enum rt_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define rt_log_debug(...) rt_log(RT_LOG_DEBUG, __VA_ARGS__)
#define rt_log_info(...) rt_log(RT_LOG_INFO, __VA_ARGS__)
#define rt_log_warning(...) rt_log(RT_LOG_WARNING, __VA_ARGS__)
#define rt_log_error(...) rt_log(RT_LOG_ERROR, __VA_ARGS__)

#endif /* RT_LOG_H */
