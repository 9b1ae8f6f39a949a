/*
 * rt_mem — allocation that never returns NULL.
 */
#include "rt_mem.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void out_of_memory(size_t size)
{
    fprintf(stderr, "%s: out of memory (%zu bytes)\n", program_invocation_short_name, size);
    abort();
}

void *rt_xmalloc(size_t size)
{
    void *p = malloc(size != 0 ? size : 1);

    if (p == NULL)
        out_of_memory(size);
    return p;
}

void *rt_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n != 0 ? n : 1, size != 0 ? size : 1);

    if (p == NULL)
        out_of_memory(n * size);
    return p;
}

char *rt_xstrdup(const char *s)
{
    size_t len = strlen(s) + 1;

    return memcpy(rt_xmalloc(len), s, len);
}

void *rt_xrealloc(void *p, size_t size)
{
    void *q = realloc(p, size != 0 ? size : 1);

    if (q == NULL)
        out_of_memory(size);
    return q;
}

char *rt_xstrndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *copy = rt_xmalloc(len + 1);

    memcpy(copy, s, len);
    copy[len] = '\0';
    return copy;
}
