/*
 * rt_valid_format_regex_props — the Unicode property names ECMA-262 takes in
 * \p{...} and \P{...} with the u flag (for rt_valid_format_regex.c), exactly
 * as spelled (case matters, no loose matching).
 *
 * The tables (rt_valid_format_regex_props_tables.h) are written at build time
 * by codegen/regex_props_c.py from codegen/openapi_c/regex_props.py, the
 * generator's own tables for rewriting `pattern` for PCRE2: the General_Category
 * values and binary properties, and the Script values and aliases (Unicode
 * 15.0's PropertyValueAliases.txt, plus the scripts of Unicode 16 and 17 that
 * Node 20's ICU knows; without Katakana_Or_Hiragana, which ECMA-262 does not
 * list).  One source, so `format: regex` and `pattern` cannot drift apart;
 * codegen.regex_format still probes every name through this module and Node.
 * Each table is sorted by strcmp, for bsearch.
 */
#include "rt_valid_format.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* general_categories, binary_properties, scripts, category_keys, script_keys */
#include "rt_valid_format_regex_props_tables.h"

struct props_key {
    const char *s;
    size_t len;
};

static int props_cmp(const void *key, const void *entry)
{
    const struct props_key *k = key;
    const char *name = *(const char *const *)entry;
    size_t n = strlen(name);
    int c = memcmp(k->s, name, k->len < n ? k->len : n);

    return c != 0 ? c : k->len < n ? -1 : k->len > n ? 1 : 0;
}

/* Whether the @p len bytes at @p s are one of the @p n names of @p table. */
static bool props_has(const char *const *table, size_t n, const char *s, size_t len)
{
    struct props_key k = {s, len};

    return bsearch(&k, table, n, sizeof(*table), props_cmp) != NULL;
}

#define PROPS_HAS(table, s, len) props_has((table), sizeof(table) / sizeof((table)[0]), (s), (len))

bool rt_valid_format_regex_property(const char *body, size_t len, size_t key_len)
{
    const char *value = body + key_len + 1;
    size_t value_len = len - key_len - (key_len < len);

    if (key_len >= len)
        return PROPS_HAS(general_categories, body, len) || PROPS_HAS(binary_properties, body, len);
    if (PROPS_HAS(category_keys, body, key_len))
        return PROPS_HAS(general_categories, value, value_len);
    if (PROPS_HAS(script_keys, body, key_len))
        return PROPS_HAS(scripts, value, value_len);
    return false;
}
