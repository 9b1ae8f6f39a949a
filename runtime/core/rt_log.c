/*
 * rt_log — leveled logging to standard error, one write(2) per line.
 */
#include "rt_log.h"
#include "rt_time.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define LINE_MAX_BYTES 2048

static enum rt_log_level min_level = RT_LOG_INFO;
static _Thread_local char thread_name[16] = "main";

static const char *const level_names[] = {"DEBUG", "INFO", "WARN", "ERROR"};

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

void rt_log_set_thread_name(const char *name)
{
    snprintf(thread_name, sizeof(thread_name), "%s", name);
}

int rt_log_enabled(enum rt_log_level level)
{
    return level >= min_level && level < RT_LOG_OFF;
}

void rt_log(enum rt_log_level level, const char *fmt, ...)
{
    char line[LINE_MAX_BYTES];
    char stamp[32];
    va_list ap;
    int n, m;

    if (!rt_log_enabled(level))
        return;
    n = snprintf(line, sizeof(line), "%s %-5s [%s] ", rt_time_format_rfc3339(stamp, sizeof(stamp)),
                 level_names[level], thread_name);
    va_start(ap, fmt);
    m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
    va_end(ap);
    if (m < 0)
        m = 0;
    n += m;
    if ((size_t)n > sizeof(line) - 2) /* truncated: keep the newline */
        n = (int)sizeof(line) - 2;
    line[n++] = '\n';
    /* One write per line: atomic with respect to other threads' lines. */
    if (write(STDERR_FILENO, line, (size_t)n) < 0) {
        /* nowhere left to report it */
    }
}
