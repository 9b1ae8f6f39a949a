/*
 * rt_valid_format_regex — JSON Schema's format "regex": whether a value is a
 * regular expression by ECMA-262's grammar read with the u flag (as the
 * pattern keyword is read), syntax only.  A recursive-descent parser over
 * the UTF-8 text, with the u flag's rules and none of Annex B's leniencies
 * (a lone { } ], \- outside a class, \c without a letter, octal escapes,
 * quantified lookaheads), and ECMA-262's early errors: {n,m} with n <= m,
 * class ranges in order and not of class escapes, \N at most the number of
 * groups, \k<name> naming a group, group names unique identifiers, \p{...}
 * of ECMA-262's property tables (rt_valid_format_regex_props.c).  Nothing
 * is compiled: a valid expression PCRE2 could not run is still a valid value.
 * The mirror is codegen/openapi_c/formats_regex.py, one function per function.
 */
#include "rt_mem.h"
#include "rt_valid_format.h"
#include "rt_valid_pattern.h"

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Groups nested deeper than this are refused: the parser recurses once per
 * level, on a worker's stack.  No hand-written expression comes near it. */
#define RX_MAX_DEPTH 200

/* Group names, decoded to UTF-8, NUL-separated in buf, with where each was
 * written in the pattern (for the message). */
struct rx_names {
    char *buf;
    size_t len, cap;
    size_t *start, *where;
    size_t n, cap_n;
};

struct rx {
    const unsigned char *s;
    size_t len, i;
    const char *why;      /* the first error (static), NULL while none */
    size_t at;            /* its byte offset */
    unsigned long groups; /* capturing groups seen */
    unsigned long max_ref;
    size_t max_ref_at; /* the back-reference \N with the highest N, and where */
    unsigned depth;
    struct rx_names defs, refs;
};

static int rx_disjunction(struct rx *r);

/* Record the first error, at byte @p at. @return -1. */
static int rx_fail(struct rx *r, size_t at, const char *why)
{
    if (r->why == NULL)
        r->why = why, r->at = at;
    return -1;
}

static bool rx_at(const struct rx *r, size_t k, char c)
{
    return r->i + k < r->len && r->s[r->i + k] == (unsigned char)c;
}

static int rx_hex(int c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* The code point at i (UTF-8; an encoded surrogate is taken as itself, as
 * JSON's lone \uD800 reaches us), advancing i. @return it, or -1. */
static int32_t rx_char(struct rx *r)
{
    const unsigned char *p = r->s + r->i;
    size_t n, k, left = r->len - r->i;
    int32_t cp;

    if (p[0] < 0x80)
        return r->i++, p[0];
    n = p[0] >= 0xF0 && p[0] <= 0xF4 ? 4 : p[0] >= 0xE0 ? 3 : p[0] >= 0xC2 && p[0] < 0xE0 ? 2 : 0;
    if (n == 0 || n > left)
        return rx_fail(r, r->i, "the text is not valid UTF-8");
    cp = p[0] & (0x7F >> n);
    for (k = 1; k < n; k++) {
        if ((p[k] & 0xC0) != 0x80)
            return rx_fail(r, r->i, "the text is not valid UTF-8");
        cp = cp << 6 | (p[k] & 0x3F);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return rx_fail(r, r->i, "the text is not valid UTF-8");
    r->i += n;
    return cp;
}

/* Room for @p n more bytes in @p names->buf. */
static void rx_names_reserve(struct rx_names *names, size_t n)
{
    if (names->len + n > names->cap) {
        names->cap = (names->len + n) * 2;
        names->buf = rt_xrealloc(names->buf, names->cap);
    }
}

/* Append the code point @p cp as UTF-8 to @p names' current name. */
static void rx_names_put(struct rx_names *names, int32_t cp)
{
    size_t n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4, k;

    rx_names_reserve(names, n);
    for (k = n - 1; k > 0; k--, cp >>= 6)
        names->buf[names->len + k] = (char)(0x80 | (cp & 0x3F));
    names->buf[names->len] = (char)(n == 1 ? cp : (0xF00 >> n) | cp);
    names->len += n;
}

/* Start a name written at byte @p where. */
static void rx_names_open(struct rx_names *names, size_t where)
{
    if (names->n == names->cap_n) {
        names->cap_n = names->cap_n ? names->cap_n * 2 : 8;
        names->start = rt_xrealloc(names->start, names->cap_n * sizeof(*names->start));
        names->where = rt_xrealloc(names->where, names->cap_n * sizeof(*names->where));
    }
    names->start[names->n] = names->len;
    names->where[names->n++] = where;
}

/* End the current name (NUL). */
static void rx_names_close(struct rx_names *names)
{
    rx_names_reserve(names, 1);
    names->buf[names->len++] = '\0';
}

static void rx_names_free(struct rx_names *names)
{
    free(names->buf);
    free(names->start);
    free(names->where);
}

/* Whether @p cp may start (@p start) or continue a group name: ECMA-262's
 * IdentifierStartChar (ID_Start, $, _) or IdentifierPartChar (ID_Continue,
 * $, ZWNJ, ZWJ), ID_Start and ID_Continue as PCRE2's Unicode tables have them. */
static bool rx_ident_char(int32_t cp, bool start)
{
    static struct rt_valid_pattern id_start = {.source = "ID_Start", .regex = "\\A[\\p{ID_Start}$_]\\z"};
    static struct rt_valid_pattern id_part = {.source = "ID_Continue",
                                              .regex = "\\A[\\p{ID_Continue}$\\x{200c}\\x{200d}]\\z"};
    struct rx_names one = {0};
    int found;

    if (cp >= 0xD800 && cp <= 0xDFFF)
        return false; /* a lone surrogate is no identifier character (nor valid UTF-8 for PCRE2) */
    rx_names_put(&one, cp);
    found = rt_valid_pattern_search(start ? &id_start : &id_part, one.buf, one.len);
    rx_names_free(&one);
    return found == 1;
}

/* \uXXXX (a lead and a trail surrogate escaped one after the other are one
 * code point) or \u{X...} at i (on the u), into @p cp. @return 0 or -1. */
static int rx_unicode_escape(struct rx *r, int32_t *cp)
{
    size_t at = r->i - 1, k;
    int32_t v = 0;

    if (rx_at(r, 1, '{')) {
        for (k = r->i + 2; k < r->len && rx_hex(r->s[k]) >= 0; k++)
            v = v > 0x10FFFF ? v : v * 16 + rx_hex(r->s[k]);
        if (k == r->i + 2 || k >= r->len || r->s[k] != '}' || v > 0x10FFFF)
            return rx_fail(r, at, "\\u{...} holds a code point in hexadecimal, at most 10FFFF");
        return r->i = k + 1, *cp = v, 0;
    }
    for (k = r->i + 1; k < r->i + 5; k++) {
        if (k >= r->len || rx_hex(r->s[k]) < 0)
            return rx_fail(r, at, "\\u is followed by four hexadecimal digits or {code point}");
        v = v * 16 + rx_hex(r->s[k]);
    }
    r->i += 5;
    if (v >= 0xD800 && v <= 0xDBFF && r->i + 6 <= r->len && r->s[r->i] == '\\' && r->s[r->i + 1] == 'u') {
        int32_t low = 0;

        for (k = r->i + 2; k < r->i + 6 && rx_hex(r->s[k]) >= 0; k++)
            low = low * 16 + rx_hex(r->s[k]);
        if (k == r->i + 6 && low >= 0xDC00 && low <= 0xDFFF)
            v = 0x10000 + ((v - 0xD800) << 10) + (low - 0xDC00), r->i += 6;
    }
    *cp = v;
    return 0;
}

/* A group name <...> at i (on the '<') into @p names. @return 0 or -1. */
static int rx_group_name(struct rx *r, struct rx_names *names)
{
    size_t at = r->i;
    int32_t cp;

    r->i++;
    rx_names_open(names, at);
    while (r->i < r->len && r->s[r->i] != '>') {
        if (r->s[r->i] == '\\') {
            if (!rx_at(r, 1, 'u'))
                return rx_fail(r, r->i, "a group name holds identifier characters or \\u escapes of them");
            r->i++;
            if (rx_unicode_escape(r, &cp) < 0)
                return -1;
        } else if ((cp = rx_char(r)) < 0)
            return -1;
        if (!rx_ident_char(cp, names->len == names->start[names->n - 1]))
            return rx_fail(r, at,
                           "a group name is an identifier (a letter, $ or _, then letters, digits, $ or _)");
        rx_names_put(names, cp);
    }
    if (r->i >= r->len || names->len == names->start[names->n - 1])
        return rx_fail(r, at, "a group name is a non-empty identifier between < and >");
    r->i++;
    rx_names_close(names);
    return 0;
}

/* A CharacterEscape at i (after the backslash) into @p cp; in a class, \-
 * too. @return 0 or -1. */
static int rx_char_escape(struct rx *r, bool in_class, int32_t *cp)
{
    size_t at = r->i - 1;
    int c = r->i < r->len ? r->s[r->i] : -1;
    const char *control = c > 0 ? strchr("f\fn\nr\rt\tv\v", c) : NULL;

    if (c < 0)
        return rx_fail(r, at, "a backslash at the end escapes nothing");
    if (control != NULL && (control - "f\fn\nr\rt\tv\v") % 2 == 0)
        return r->i++, *cp = (unsigned char)control[1], 0;
    if (c == 'c') {
        int letter = r->i + 1 < r->len ? r->s[r->i + 1] : 0;

        if (!((letter >= 'a' && letter <= 'z') || (letter >= 'A' && letter <= 'Z')))
            return rx_fail(r, at, "\\c is followed by an ASCII letter");
        return r->i += 2, *cp = letter % 32, 0;
    }
    if (c == '0') {
        if (r->i + 1 < r->len && r->s[r->i + 1] >= '0' && r->s[r->i + 1] <= '9')
            return rx_fail(r, at, "\\0 followed by a digit (an octal escape) is not allowed with the u flag");
        return r->i++, *cp = 0, 0;
    }
    if (c == 'x') {
        if (r->i + 2 >= r->len || rx_hex(r->s[r->i + 1]) < 0 || rx_hex(r->s[r->i + 2]) < 0)
            return rx_fail(r, at, "\\x is followed by two hexadecimal digits");
        *cp = rx_hex(r->s[r->i + 1]) * 16 + rx_hex(r->s[r->i + 2]);
        return r->i += 3, 0;
    }
    if (c == 'u')
        return rx_unicode_escape(r, cp);
    if ((c > 0 && strchr("^$\\.*+?()[]{}|/", c) != NULL) || (in_class && c == '-'))
        return r->i++, *cp = c, 0;
    return rx_fail(r, at,
                   "not an escape of ECMA-262 with the u flag (only syntax characters and / are escaped)");
}

/* \p{...} or \P{...} at i (on the letter). @return 0 or -1. */
static int rx_property(struct rx *r)
{
    size_t at = r->i - 1, k, eq = 0;

    if (!rx_at(r, 1, '{'))
        return rx_fail(r, at, "\\p and \\P are followed by {property}");
    for (k = r->i + 2; k < r->len && r->s[k] != '}'; k++)
        if (r->s[k] == '=' && eq == 0)
            eq = k;
    if (k >= r->len || !rt_valid_format_regex_property((const char *)r->s + r->i + 2, k - r->i - 2,
                                                       eq ? eq - r->i - 2 : k - r->i - 2))
        return rx_fail(r, at,
                       "not a Unicode property of ECMA-262 (a General_Category value, Script=..., "
                       "Script_Extensions=... or a binary property, spelled as ECMA-262 lists it)");
    r->i = k + 1;
    return 0;
}

/* A class member at i into @p cp, or @p set for a class escape. @return 0 or -1. */
static int rx_class_atom(struct rx *r, int32_t *cp, bool *set)
{
    int c;

    *set = false;
    if (r->i >= r->len)
        return rx_fail(r, r->i, "a character class is not closed with ']'");
    if (r->s[r->i] != '\\')
        return (*cp = rx_char(r)) < 0 ? -1 : 0;
    r->i++;
    c = r->i < r->len ? r->s[r->i] : -1;
    if (c == 'b')
        return r->i++, *cp = 8, 0;
    if (c > 0 && strchr("dDsSwW", c) != NULL)
        return r->i++, *set = true, 0;
    if (c == 'p' || c == 'P')
        return *set = true, rx_property(r);
    return rx_char_escape(r, true, cp);
}

/* A class [...] at i. @return 0 or -1. */
static int rx_class(struct rx *r)
{
    int32_t low, high;
    bool low_set, high_set;
    size_t at;

    r->i++;
    if (rx_at(r, 0, '^'))
        r->i++;
    while (!rx_at(r, 0, ']')) {
        at = r->i;
        if (rx_class_atom(r, &low, &low_set) < 0)
            return -1;
        if (!rx_at(r, 0, '-') || r->i + 1 >= r->len || r->s[r->i + 1] == ']')
            continue;
        r->i++;
        if (rx_class_atom(r, &high, &high_set) < 0)
            return -1;
        if (low_set || high_set)
            return rx_fail(r, at, "a class escape (\\d, \\p{...}...) cannot end a range in a class");
        if (low > high)
            return rx_fail(r, at, "a range in a class is out of order");
    }
    r->i++;
    return 0;
}

/* An AtomEscape at i (on the backslash). @return 0 or -1. */
static int rx_atom_escape(struct rx *r)
{
    int c = r->i + 1 < r->len ? r->s[r->i + 1] : -1;
    size_t at = r->i;
    int32_t cp;

    r->i++;
    if (c >= '1' && c <= '9') {
        unsigned long n = 0;

        for (; r->i < r->len && r->s[r->i] >= '0' && r->s[r->i] <= '9'; r->i++)
            n = n > 0xFFFFFFFFul ? n : n * 10 + (r->s[r->i] - '0');
        if (n > r->max_ref)
            r->max_ref = n, r->max_ref_at = at;
        return 0;
    }
    if (c == 'k') {
        if (!rx_at(r, 1, '<'))
            return rx_fail(r, at, "\\k is followed by <group name>");
        r->i++;
        return rx_group_name(r, &r->refs);
    }
    if (c > 0 && strchr("dDsSwW", c) != NULL)
        return r->i++, 0;
    if (c == 'p' || c == 'P')
        return rx_property(r);
    return rx_char_escape(r, false, &cp);
}

/* A group at i (on the '('); @p quantifiable: whether a quantifier may follow. @return 0 or -1. */
static int rx_group(struct rx *r, bool *quantifiable)
{
    size_t at = r->i;

    *quantifiable = true;
    if (++r->depth > RX_MAX_DEPTH)
        return rx_fail(r, at, "groups are nested too deeply (the checker takes 200 levels)");
    r->i++;
    if (rx_at(r, 0, '?')) {
        if (rx_at(r, 1, ':'))
            r->i += 2;
        else if (rx_at(r, 1, '=') || rx_at(r, 1, '!'))
            r->i += 2, *quantifiable = false;
        else if (rx_at(r, 1, '<') && (rx_at(r, 2, '=') || rx_at(r, 2, '!')))
            r->i += 3, *quantifiable = false;
        else if (rx_at(r, 1, '<')) {
            r->i++;
            if (rx_group_name(r, &r->defs) < 0)
                return -1;
            r->groups++;
        } else
            return rx_fail(r, at,
                           "not a group of ECMA-262: (...), (?:...), (?<name>...), (?=...), (?!...), "
                           "(?<=...) or (?<!...)");
    } else
        r->groups++;
    if (rx_disjunction(r) < 0)
        return -1;
    if (!rx_at(r, 0, ')'))
        return rx_fail(r, at, "a group is not closed with ')'");
    r->i++;
    r->depth--;
    return 0;
}

/* Compare the decimal numbers [a, a_end) and [b, b_end) exactly (any length). */
static int rx_cmp_decimal(const unsigned char *a, size_t a_len, const unsigned char *b, size_t b_len)
{
    while (a_len > 1 && a[0] == '0')
        a++, a_len--;
    while (b_len > 1 && b[0] == '0')
        b++, b_len--;
    if (a_len != b_len)
        return a_len < b_len ? -1 : 1;
    return memcmp(a, b, a_len);
}

/* The length of the digits at byte @p k. */
static size_t rx_digits(const struct rx *r, size_t k)
{
    size_t n = 0;

    while (k + n < r->len && r->s[k + n] >= '0' && r->s[k + n] <= '9')
        n++;
    return n;
}

/* A quantifier {n}, {n,} or {n,m} at i: its length (0 if there is none, as
 * in "{", "{,5}", "{a}"); a range out of order is an error. @return it or -1. */
static long rx_braced(struct rx *r)
{
    size_t low = rx_digits(r, r->i + 1), k = r->i + 1 + low, high;

    if (low == 0 || k >= r->len)
        return 0;
    if (r->s[k] == '}')
        return (long)(k + 1 - r->i);
    if (r->s[k] != ',')
        return 0;
    high = rx_digits(r, k + 1);
    if (k + 1 + high >= r->len || r->s[k + 1 + high] != '}')
        return 0;
    if (high > 0 && rx_cmp_decimal(r->s + r->i + 1, low, r->s + k + 1, high) > 0)
        return rx_fail(r, r->i, "numbers out of order in a {n,m} quantifier");
    return (long)(k + 2 + high - r->i);
}

/* The quantifier at i, if any; @p quantifiable: whether the term before may
 * take one. @return 0 or -1. */
static int rx_quantifier(struct rx *r, bool quantifiable)
{
    size_t at = r->i;
    long n = 1;
    int c = r->i < r->len ? r->s[r->i] : -1;

    if (c == '{' && (n = rx_braced(r)) <= 0)
        return n < 0 ? -1 : rx_fail(r, at, "a lone '{' (write \\{), or an incomplete {n,m} quantifier");
    if (c != '*' && c != '+' && c != '?' && c != '{')
        return 0;
    if (!quantifiable)
        return rx_fail(r, at, "nothing to repeat (an assertion takes no quantifier)");
    r->i += (size_t)n;
    if (rx_at(r, 0, '?'))
        r->i++;
    return 0;
}

/* A term at i: an assertion, or an atom and its quantifier. @return 0 or -1. */
static int rx_term(struct rx *r)
{
    size_t at = r->i;
    int c = r->s[r->i];
    bool quantifiable = true;

    if (c == '^' || c == '$')
        r->i++, quantifiable = false;
    else if (c == '\\' && (rx_at(r, 1, 'b') || rx_at(r, 1, 'B')))
        r->i += 2, quantifiable = false;
    else if (c == '(') {
        if (rx_group(r, &quantifiable) < 0)
            return -1;
    } else if (c == '[') {
        if (rx_class(r) < 0)
            return -1;
    } else if (c == '\\') {
        if (rx_atom_escape(r) < 0)
            return -1;
    } else if (c == '*' || c == '+' || c == '?' || c == '{')
        return rx_fail(r, at, "nothing to repeat");
    else if (c == '}' || c == ']')
        return rx_fail(r, at, "a lone '}' or ']' (write \\} or \\])");
    else if (rx_char(r) < 0)
        return -1;
    return rx_quantifier(r, quantifiable);
}

/* Alternatives separated by '|', up to a ')' or the end. @return 0 or -1. */
static int rx_disjunction(struct rx *r)
{
    for (;;) {
        while (r->i < r->len && r->s[r->i] != '|' && r->s[r->i] != ')')
            if (rx_term(r) < 0)
                return -1;
        if (!rx_at(r, 0, '|'))
            return 0;
        r->i++;
    }
}

static int rx_strcmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* By name, then in the order written (the buffer's). */
static int rx_name_order(const void *a, const void *b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    int c = strcmp(x, y);

    return c != 0 ? c : (x > y) - (x < y);
}

/* The early errors on names: a name defined twice, \k<name> of no group.
 * @return 0 or -1. */
static int rx_check_names(struct rx *r)
{
    const char **defs = rt_xcalloc(r->defs.n + 1, sizeof(*defs));
    size_t k;
    int rc = 0;

    for (k = 0; k < r->defs.n; k++)
        defs[k] = r->defs.buf + r->defs.start[k];
    qsort(defs, r->defs.n, sizeof(*defs), rx_name_order);
    for (k = 1; k < r->defs.n && rc == 0; k++)
        if (strcmp(defs[k - 1], defs[k]) == 0) {
            size_t second = 0;

            while (r->defs.buf + r->defs.start[second] != defs[k])
                second++;
            rc = rx_fail(r, r->defs.where[second], "a group name is used twice");
        }
    for (k = 0; k < r->refs.n && rc == 0; k++) {
        const char *name = r->refs.buf + r->refs.start[k];

        if (bsearch(&name, defs, r->defs.n, sizeof(*defs), rx_strcmp) == NULL)
            rc = rx_fail(r, r->refs.where[k], "\\k<name> names no group of the expression");
    }
    free(defs);
    return rc;
}

const char *rt_valid_format_regex_reason(const char *s, size_t len)
{
    static __thread char buf[256];
    struct rx r = {.s = (const unsigned char *)s, .len = len};
    size_t k, cp = 0;

    if (rx_disjunction(&r) == 0) {
        if (r.i < r.len)
            rx_fail(&r, r.i, "unmatched ')'");
        else if (r.max_ref > r.groups)
            rx_fail(&r, r.max_ref_at, "a back-reference \\N refers to a group the expression does not have");
        else
            rx_check_names(&r);
    }
    rx_names_free(&r.defs);
    rx_names_free(&r.refs);
    if (r.why == NULL)
        return NULL;
    for (k = 0; k < r.at && k < len; k++)
        cp += ((unsigned char)s[k] & 0xC0) != 0x80; /* the offset in characters, as the writer counts */
    snprintf(buf, sizeof(buf), "%s (at offset %zu)", r.why, cp);
    return buf;
}

int rt_valid_format_regex_check(const char *s, size_t len, struct json_object *input,
                                struct rt_valid_errors *errs, const struct rt_valid_loc *loc)
{
    const char *reason = rt_valid_format_regex_reason(s, len);

    return reason == NULL
               ? 0
               : rt_valid_format_fail("regular expression (ECMA-262, u flag)", reason, input, errs, loc);
}
