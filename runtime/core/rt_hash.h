/*
 * rt_hash — FNV-1a, 64 bits: the one non-cryptographic hash of the
 * runtime and the services on it (ETags of the documentation pages,
 * the SQLite statement cache, the example services' checksums of the
 * bytes they received).  Not for anything an attacker may choose to
 * collide with where that matters (it is not keyed).
 */
#ifndef RT_HASH_H
#define RT_HASH_H

#include <stddef.h>
#include <stdint.h>

/** @return the 64-bit FNV-1a hash of the @p len bytes at @p data (@p data may be NULL when @p len is 0). */
uint64_t rt_hash_fnv1a(const void *data, size_t len);

/** @return rt_hash_fnv1a() of the NUL-terminated @p s (without its NUL). */
uint64_t rt_hash_fnv1a_str(const char *s);

#endif /* RT_HASH_H */
