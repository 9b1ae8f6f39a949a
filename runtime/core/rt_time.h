/*
 * rt_time — clocks.  Durations come from the monotonic clock, timestamps
 * for humans from the wall clock.
 */
#ifndef RT_TIME_H
#define RT_TIME_H

#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

/** @return nanoseconds on the monotonic clock (for measuring durations). */
uint64_t rt_time_mono_ns(void);

/** @return seconds on the monotonic clock, as a double. */
double rt_time_mono_seconds(void);

/** @return a timeval of @p ms milliseconds (negative values give zero). */
struct timeval rt_time_tv_ms(int64_t ms);

/** @return a timeval of @p seconds (fractional; negative or NaN give zero). */
struct timeval rt_time_tv_seconds(double seconds);

/**
 * Format the current wall-clock time as RFC 3339 UTC with milliseconds
 * ("2026-11-23T22:36:00.123Z") into @p buf of @p size bytes (>= 25).
 * @return @p buf.
 */
char *rt_time_format_rfc3339(char *buf, size_t size);

/**
 * Format @p unix_ms (milliseconds since 1970-01-01T00:00:00Z) the same way.
 * @return @p buf, or NULL when the year is not 1..9999 (RFC 3339 has four
 *         digits for it) or @p size is under 25.
 */
char *rt_time_format_rfc3339_ms(int64_t unix_ms, char *buf, size_t size);

/**
 * Format the wall-clock second @p t as an HTTP date (IMF-fixdate,
 * "Mon, 23 Nov 2026 22:36:00 GMT") into @p buf of @p size bytes (>= 30).
 * @return @p buf.
 */
char *rt_time_format_http_date(time_t t, char *buf, size_t size);

#endif /* RT_TIME_H */
