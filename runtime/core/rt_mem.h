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

/** @return @p p resized to @p size bytes (what it held is kept); aborts when memory runs out. */
void *rt_xrealloc(void *p, size_t size);

/** @return a copy of @p s; aborts when memory runs out. */
char *rt_xstrdup(const char *s);

/** @return a NUL-terminated copy of the first @p n bytes of @p s (fewer if a NUL comes first); aborts when
 *  memory runs out. */
char *rt_xstrndup(const char *s, size_t n);

#endif /* RT_MEM_H */
