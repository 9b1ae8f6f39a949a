/*
 * rt_mem — allocation that never returns NULL.
 *
 * Small internal allocations (request bookkeeping, statements, models) go
 * through these: running out of memory aborts with a message, as h2o and
 * Kore do, instead of threading an impossible error through every caller.
 * Sizes that come from input are bounded before they get here.
 */
#ifndef RT_MEM_H
#define RT_MEM_H

#include <stddef.h>

/** @return @p size bytes (uninitialized); aborts when memory runs out. */
void *rt_xmalloc(size_t size);

/** @return @p n * @p size zeroed bytes (at least one byte); aborts when memory runs out or on overflow. */
void *rt_xcalloc(size_t n, size_t size);

/** @return a copy of @p s; aborts when memory runs out. */
char *rt_xstrdup(const char *s);

#endif /* RT_MEM_H */
