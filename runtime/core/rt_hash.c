/*
 * rt_hash — FNV-1a, 64 bits (see rt_hash.h): offset basis
 * 14695981039346656037, prime 1099511628211, as the FNV reference gives them.
 */
#include "rt_hash.h"

#include <string.h>

uint64_t rt_hash_fnv1a(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint64_t h = UINT64_C(14695981039346656037);
    size_t i;

    for (i = 0; i < len; i++) {
        h ^= p[i];
        h *= UINT64_C(1099511628211);
    }
    return h;
}

uint64_t rt_hash_fnv1a_str(const char *s)
{
    return rt_hash_fnv1a(s, strlen(s));
}
