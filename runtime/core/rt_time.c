/*
 * rt_time — clocks.
 */
#include "rt_time.h"

#include <math.h>
#include <stdio.h>
#include <time.h>

uint64_t rt_time_mono_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

double rt_time_mono_seconds(void)
{
    return (double)rt_time_mono_ns() / 1e9;
}

struct timeval rt_time_tv_ms(int64_t ms)
{
    struct timeval tv = {0, 0};

    if (ms > 0) {
        tv.tv_sec = (time_t)(ms / 1000);
        tv.tv_usec = (suseconds_t)((ms % 1000) * 1000);
    }
    return tv;
}

struct timeval rt_time_tv_seconds(double seconds)
{
    struct timeval tv = {0, 0};
    double whole;

    if (!(seconds > 0) || !isfinite(seconds))
        return tv;
    whole = floor(seconds);
    tv.tv_sec = (time_t)whole;
    tv.tv_usec = (suseconds_t)llround((seconds - whole) * 1e6);
    if (tv.tv_usec >= 1000000) {
        tv.tv_sec += 1;
        tv.tv_usec -= 1000000;
    }
    return tv;
}

char *rt_time_format_rfc3339_ms(int64_t unix_ms, char *buf, size_t size)
{
    time_t seconds = (time_t)(unix_ms / 1000);
    int ms = (int)(unix_ms % 1000);
    struct tm tm;
    int n;

    if (ms < 0) { /* floor, not truncation, before 1970 */
        ms += 1000;
        seconds--;
    }
    if (gmtime_r(&seconds, &tm) == NULL || tm.tm_year + 1900 < 1 || tm.tm_year + 1900 > 9999)
        return NULL;
    /* %04d, not strftime's %Y, which does not pad years before 1000 */
    n = snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
    return n > 0 && (size_t)n < size ? buf : NULL;
}

char *rt_time_format_rfc3339(char *buf, size_t size)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    if (rt_time_format_rfc3339_ms((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000, buf, size) == NULL &&
        buf != NULL && size > 0)
        buf[0] = '\0';
    return buf;
}

char *rt_time_format_http_date(time_t t, char *buf, size_t size)
{
    struct tm tm;

    gmtime_r(&t, &tm);
    if (strftime(buf, size, "%a, %d %b %Y %H:%M:%S GMT", &tm) == 0 && size > 0)
        buf[0] = '\0';
    return buf;
}
