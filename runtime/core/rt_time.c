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

char *rt_time_format_rfc3339(char *buf, size_t size)
{
    struct timespec ts;
    struct tm tm;
    size_t n;

    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
    if (n > 0 && n + 6 <= size)
        snprintf(buf + n, size - n, ".%03ldZ", ts.tv_nsec / 1000000);
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
