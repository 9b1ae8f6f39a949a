/*
 * rt_err — error messages for callers that pass a buffer.
 *
 * Functions that can fail with a reason take `char *err, size_t errlen`
 * (redis's anet style); err may be NULL when the caller does not care.
 */
#ifndef RT_ERR_H
#define RT_ERR_H

#include <stddef.h>

/** Format a message into @p err (@p errlen bytes, always NUL-terminated); a NULL @p err is fine. */
void rt_err_set(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif /* RT_ERR_H */
