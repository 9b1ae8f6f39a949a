/*
 * rt_valid_json — json-c's tokener in strict mode, plus the checks it
 * leaves out (numbers JSON does not allow, trailing data), and the
 * Content-Type rules FastAPI applies before it parses a body.
 */
#include "rt_valid_json.h"
#include "rt_json.h"
#include "rt_mem.h"
#include "rt_url.h"

#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct json_object *rt_valid_json_double(double value)
{
    char buf[40];

    if (!isfinite(value))
        return json_object_new_double(value);
    rt_json_format_double(value, buf);
    return json_object_new_double_s(value, buf);
}

/* --- parsing --- */

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* JSON's whitespace (RFC 8259): space, tab, LF, CR. */
static bool is_json_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Skip the JSON string that starts at text[i] ('"'). @return the index after it. */
static size_t skip_string(const char *text, size_t len, size_t i)
{
    for (i++; i < len && text[i] != '"'; i++) {
        if (text[i] == '\\')
            i++;
    }
    return i + 1;
}

/* Skip digits from text[i]. @return the index of the first non-digit. */
static size_t skip_digits(const char *text, size_t len, size_t i)
{
    while (i < len && is_digit(text[i]))
        i++;
    return i;
}

/*
 * Read the number that starts at text[*i] by JSON's grammar,
 * -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, and advance *@p i past it.
 * @return false if it does not follow the grammar.
 */
static bool json_number(const char *text, size_t len, size_t *i)
{
    size_t p = *i;

    if (text[p] == '-')
        p++;
    if (p >= len || !is_digit(text[p]) || (text[p] == '0' && p + 1 < len && is_digit(text[p + 1])))
        return false;
    p = skip_digits(text, len, p);
    if (p < len && text[p] == '.') {
        if (++p >= len || !is_digit(text[p]))
            return false;
        p = skip_digits(text, len, p);
    }
    if (p < len && (text[p] == 'e' || text[p] == 'E')) {
        if (++p < len && (text[p] == '+' || text[p] == '-'))
            p++;
        if (p >= len || !is_digit(text[p]))
            return false;
        p = skip_digits(text, len, p);
    }
    *i = p;
    return true;
}

/*
 * json-c clamps integer literals outside its range: those below INT64_MIN
 * to INT64_MIN, those above UINT64_MAX to UINT64_MAX, where the validators
 * could not tell them from those values (nor see 1e30 beyond a maximum of
 * 1e20).  Where such literals are in the text: the text is then parsed
 * again with "e0" after each, which json-c reads as a double that keeps its
 * text, and unclamp() gives it back the client's text.
 */
struct clamped {
    size_t n, cap;
    size_t *end; /* the offset just past each such literal */
};

/*
 * The integer literal text[start..end) (JSON's grammar, no fraction or
 * exponent): note it if it is beyond json-c's range.
 */
static void note_clamped(const char *text, size_t start, size_t end, struct clamped *c)
{
    bool negative = text[start] == '-';
    const char *digits = text + start + negative,
               *edge = negative ? "9223372036854775808" : "18446744073709551615";
    size_t n = end - start - negative, edge_len = strlen(edge);

    if (n < edge_len || (n == edge_len && memcmp(digits, edge, n) <= 0))
        return; /* inside json-c's range */
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 4;
        c->end = rt_xrealloc(c->end, c->cap * sizeof(c->end[0]));
    }
    c->end[c->n++] = end;
}

/*
 * json-c's strict mode still takes some numbers that JSON (RFC 8259) does
 * not: NaN, Infinity, -Infinity, 1., 1.e5, -.5 and -01.  They would also
 * come back out verbatim in a 422's "input", which would then not be JSON.
 * Scan @p text (which json-c has parsed: its strings are terminated) for
 * the first number that does not follow JSON's grammar, noting in @p c the
 * integers json-c reads as INT64_MIN or UINT64_MAX on the way.
 * @return its byte offset, or -1 if every number is fine.
 */
static long bad_number_offset(const char *text, size_t len, struct clamped *c)
{
    size_t i = 0;

    while (i < len) {
        size_t start = i;

        if (text[i] == '"') {
            i = skip_string(text, len, i);
        } else if (text[i] != '-' && text[i] != 'N' && text[i] != 'I' && !is_digit(text[i])) {
            i++;
        } else if (!json_number(text, len, &i)) {
            return (long)start;
        } else if (i - start >= 19 && skip_digits(text, i, start + (text[start] == '-')) == i) {
            note_clamped(text, start, i, c); /* an integer of 19 digits or more */
        }
    }
    return -1;
}

/* @p text with "e0" after each literal @p c notes (a new string of *@p len bytes, NUL-terminated). */
static char *mark_clamped(const char *text, size_t *len, const struct clamped *c)
{
    char *out = rt_xmalloc(*len + 2 * c->n + 1), *p = out;
    size_t i, from = 0;

    for (i = 0; i < c->n; i++) {
        memcpy(p, text + from, c->end[i] - from);
        p += c->end[i] - from;
        memcpy(p, "e0", 2);
        p += 2;
        from = c->end[i];
    }
    memcpy(p, text + from, *len - from);
    p += *len - from;
    *p = '\0';
    *len = (size_t)(p - out);
    return out;
}

/* Whether @p lit is an integer literal of 19 digits or more followed by "e0" (as mark_clamped() writes it).
 */
static bool is_marked(const char *lit, size_t len)
{
    size_t digits = len - 2 - (lit[0] == '-');

    return len > 2 && digits >= 19 && memcmp(lit + len - 2, "e0", 2) == 0 &&
           skip_digits(lit, len - 2, (size_t)(lit[0] == '-')) == len - 2;
}

/*
 * Replace, in @p j, each double read from a marked literal with one that
 * has the client's text (the literal without "e0"); a value just below
 * INT64_MIN that rounds to it becomes the next double below, so the
 * validators still see it out of int64's range.
 * @return the value to keep in place of @p j.
 */
static struct json_object *unclamp(struct json_object *j)
{
    size_t i, n;

    if (json_object_get_type(j) == json_type_double) {
        const char *lit = json_object_get_string(j);
        size_t len = strlen(lit);
        double d = json_object_get_double(j);
        struct json_object *big;
        char *text;

        if (!is_marked(lit, len))
            return j;
        if (d < 0 && d >= -9223372036854775808.0)
            d = nextafter(-9223372036854775808.0, -INFINITY);
        text = rt_xstrndup(lit, len - 2);
        big = json_object_new_double_s(d, text); /* json-c keeps its own copy of the text */
        free(text);
        json_object_put(j);
        return big;
    }
    if (json_object_get_type(j) == json_type_array) {
        n = json_object_array_length(j);
        for (i = 0; i < n; i++) {
            struct json_object *v = json_object_array_get_idx(j, i), *w = unclamp(json_object_get(v));

            if (w != v)
                json_object_array_put_idx(j, i, w);
            else
                json_object_put(w);
        }
    } else if (json_object_get_type(j) == json_type_object) {
        json_object_object_foreach(j, key, v)
        {
            struct json_object *w = unclamp(json_object_get(v));

            if (w != v)
                json_object_object_add(j, key, w);
            else
                json_object_put(w);
        }
    }
    return j;
}

/*
 * Parse again the text whose literals @p c notes, marked (mark_clamped()),
 * and give them back their text.  @return the value, in place of @p j.
 */
static struct json_object *reparse_clamped(struct json_object *j, const char *text, size_t len,
                                           const struct clamped *c)
{
    struct json_tokener *tok = json_tokener_new_ex(RT_VALID_JSON_MAX_DEPTH);
    char *marked = mark_clamped(text, &len, c);
    struct json_object *again;
    enum json_tokener_error err;

    if (tok == NULL)
        abort();
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    again = json_tokener_parse_ex(tok, marked, (int)len);
    if (json_tokener_get_error(tok) == json_tokener_continue) /* a number at the very end */
        again = json_tokener_parse_ex(tok, " ", 1);
    err = json_tokener_get_error(tok);
    json_tokener_free(tok);
    free(marked);
    if (err != json_tokener_success) {
        json_object_put(again);
        return j; /* cannot be: the text parsed before, and "e0" keeps a number a number */
    }
    json_object_put(j);
    return unclamp(again);
}

/*
 * Run @p tok over the text; *@p j gets the value, *@p end the offset where
 * parsing stopped.  @return NULL, or why the text is not one JSON value.
 */
static const char *tokenize(struct json_tokener *tok, const char *text, size_t len, struct json_object **j,
                            size_t *end)
{
    enum json_tokener_error err;

    *j = json_tokener_parse_ex(tok, text, (int)len);
    err = json_tokener_get_error(tok);
    *end = json_tokener_get_parse_end(tok);
    if (err == json_tokener_continue) {
        /* A number at the very end is only complete once something follows it. */
        *j = json_tokener_parse_ex(tok, " ", 1);
        err = json_tokener_get_error(tok);
        *end = len;
        if (err == json_tokener_continue)
            return "unexpected end of data";
    }
    if (err != json_tokener_success)
        return json_tokener_error_desc(err);
    for (; *end < len; (*end)++) {
        if (!is_json_space(text[*end]))
            return "extra data after the JSON value";
    }
    return NULL;
}

/*
 * Parse @p len bytes at @p text into *@p out (owned by the caller; NULL for
 * the JSON null).  @return NULL, or why the text is not strict JSON (*@p end:
 * the offset where that was found).
 */
static const char *parse(const char *text, size_t len, struct json_object **out, size_t *end)
{
    struct json_tokener *tok;
    struct json_object *j = NULL;
    const char *why = "document too large";
    struct clamped clamped = {0, 0, NULL};
    long bad;

    *out = NULL;
    *end = 0;
    if (len > (size_t)INT32_MAX)
        return why;
    tok = json_tokener_new_ex(RT_VALID_JSON_MAX_DEPTH);
    if (tok == NULL)
        abort();
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    why = tokenize(tok, text, len, &j, end);
    json_tokener_free(tok);
    if (why == NULL && (bad = bad_number_offset(text, len, &clamped)) >= 0) {
        why = "invalid number";
        *end = (size_t)bad;
    }
    if (why != NULL)
        json_object_put(j);
    else
        *out = clamped.n > 0 ? reparse_clamped(j, text, len, &clamped) : j;
    free(clamped.end);
    return why;
}

int rt_valid_json_parse(const char *text, size_t len, struct json_object **out, struct rt_valid_errors *errs)
{
    struct rt_valid_loc body = {NULL, "body", 0}, at = {&body, NULL, 0};
    size_t end;
    const char *why = parse(text, len, out, &end);

    if (why == NULL)
        return 0;
    at.index = (int64_t)end;
    rt_valid_error_ctx(errs, &at, "json_invalid", "JSON decode error", json_object_new_object(), "error",
                       why);
    return -1;
}

int rt_valid_json_parse_at(const char *text, size_t len, struct json_object **out,
                           struct rt_valid_errors *errs, const struct rt_valid_loc *loc)
{
    size_t end;
    const char *why = parse(text, len, out, &end);
    char msg[120];

    if (why == NULL)
        return 0;
    snprintf(msg, sizeof(msg), "Invalid JSON: %s", why); /* pydantic's Json: the reason in msg and ctx */
    rt_valid_error_ctx(errs, loc, "json_invalid", msg,
                       rt_url_utf8_length(text, len) >= 0 && memchr(text, '\0', len) == NULL
                           ? json_object_new_string_len(text, (int)len)
                           : NULL,
                       "error", why);
    return -1;
}

/* --- bodies --- */

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool rt_valid_json_media_type(const char *ct)
{
    const char *sub;
    size_t len;

    while (is_space(*ct))
        ct++;
    len = strcspn(ct, ";");
    while (len > 0 && is_space(ct[len - 1]))
        len--;
    if (len < 12 || strncasecmp(ct, "application/", 12) != 0)
        return false;
    sub = ct + 12; /* the subtype */
    len -= 12;
    if (len == 4 && strncasecmp(sub, "json", 4) == 0)
        return true;
    return len > 5 && strncasecmp(sub + len - 5, "+json", 5) == 0;
}

int rt_valid_json_body(const char *content_type, const char *text, size_t len, bool required,
                       struct json_object **out, struct rt_valid_errors *errs)
{
    struct rt_valid_loc at = {NULL, "body", 0};

    *out = NULL;
    if (text == NULL || len == 0)
        goto missing;
    if (content_type != NULL && !rt_valid_json_media_type(content_type)) {
        struct json_object *input = rt_url_utf8_length(text, len) >= 0 && memchr(text, '\0', len) == NULL
                                        ? json_object_new_string_len(text, (int)len)
                                        : NULL;

        rt_valid_error_add(errs, &at, "model_attributes_type",
                           "Input should be a valid dictionary or object to extract fields from", input,
                           NULL);
        return 0;
    }
    if (rt_valid_json_parse(text, len, out, errs) < 0)
        return 0;
    if (*out != NULL)
        return 1;
missing: /* no body, or the JSON null, which FastAPI treats as no body */
    if (required)
        rt_valid_error_add(errs, &at, "missing", "Field required", NULL, NULL);
    return 0;
}

struct json_object *rt_valid_json_value(const char *text)
{
    struct rt_valid_errors errs;
    struct json_object *j = NULL;

    rt_valid_errors_init(&errs);
    if (rt_valid_json_parse(text, strlen(text), &j, &errs) < 0)
        j = NULL;
    rt_valid_errors_cleanup(&errs);
    return j;
}
