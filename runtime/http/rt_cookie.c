/*
 * rt_cookie — the Cookie header's cookie-pairs.
 */
#include "rt_cookie.h"

#include <string.h>

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Trim blanks from both ends of [*s, *s + *len). */
static void trim(const char **s, size_t *len)
{
    while (*len > 0 && is_blank(**s)) {
        (*s)++;
        (*len)--;
    }
    while (*len > 0 && is_blank((*s)[*len - 1]))
        (*len)--;
}

bool rt_cookie_get(const char *header, const char *name, const char **value, size_t *len)
{
    const char *p = header;
    size_t name_len = strlen(name);

    if (header == NULL || name_len == 0)
        return false;
    while (*p != '\0') {
        size_t pair_len = strcspn(p, ";");
        const char *eq = memchr(p, '=', pair_len);

        if (eq != NULL) {
            const char *k = p, *v = eq + 1;
            size_t k_len = (size_t)(eq - p), v_len = pair_len - k_len - 1;

            trim(&k, &k_len);
            trim(&v, &v_len);
            if (k_len == name_len && memcmp(k, name, name_len) == 0) {
                /* cookie-value = *cookie-octet / ( DQUOTE *cookie-octet DQUOTE ) */
                if (v_len >= 2 && v[0] == '"' && v[v_len - 1] == '"') {
                    v++;
                    v_len -= 2;
                }
                *value = v;
                *len = v_len;
                return true;
            }
        }
        p += pair_len;
        if (*p == ';')
            p++;
    }
    return false;
}
