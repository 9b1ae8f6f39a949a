/*
 * rt_valid_scalar — pydantic-core's scalar validators: the error types and
 * messages below are pydantic's, word for word, because clients of the
 * FastAPI original match on them.
 */
#include "rt_valid_scalar.h"
#include "rt_valid_format.h"
#include "rt_valid_json.h"
#include "rt_valid_parse.h"
#include "rt_valid_schema.h"
#include "rt_url.h"

#include <ctype.h>
#include <errno.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- bounds --- */

/* A bound as it appears in ctx: 0 stays an int, 0.5 a float printed as in the spec. */
static struct json_object *bound_json(const struct rt_valid_bound *b)
{
    /* from the text, not the double: int64's bounds (format int64) are not doubles, and 2^63 overflows
     * int64_t (ctx showed {"le": -9223372036854775808}); an integer beyond int64_t keeps its text */
    if (b->is_int) {
        char *end;
        long long n;

        errno = 0;
        n = strtoll(b->text, &end, 10);
        if (errno == 0 && end != b->text && *end == '\0')
            return json_object_new_int64(n);
    }
    return json_object_new_double_s(b->value, b->text);
}

/* Whether @p v is on the wrong side of the bound @p b (none: never); @p below: @p b is a minimum. */
static bool out_of_bound(const struct rt_valid_bound *b, long double v, bool below)
{
    long double limit = (long double)b->value;

    if (b->text == NULL)
        return false;
    if (below)
        return b->exclusive ? !(v > limit) : !(v >= limit);
    return b->exclusive ? !(v < limit) : !(v <= limit);
}

/*
 * Check @p v against the rule's bounds (long double holds every int64_t
 * and every double exactly).  @return true if it is within them.
 */
static bool check_bounds(const struct rt_valid_rule *r, long double v, struct json_object *input,
                         struct rt_valid_errors *errs, const struct rt_valid_loc *loc)
{
    bool below = out_of_bound(&r->minimum, v, true);
    const struct rt_valid_bound *b = below ? &r->minimum : &r->maximum;
    const char *type, *key;
    char msg[128];
    struct json_object *ctx;

    if (!below && !out_of_bound(b, v, false))
        return true;
    if (below) {
        type = b->exclusive ? "greater_than" : "greater_than_equal";
        key = b->exclusive ? "gt" : "ge";
        snprintf(msg, sizeof(msg), "Input should be greater than %s%s", b->exclusive ? "" : "or equal to ",
                 b->text);
    } else {
        type = b->exclusive ? "less_than" : "less_than_equal";
        key = b->exclusive ? "lt" : "le";
        snprintf(msg, sizeof(msg), "Input should be less than %s%s", b->exclusive ? "" : "or equal to ",
                 b->text);
    }
    ctx = json_object_new_object();
    json_object_object_add(ctx, key, bound_json(b));
    rt_valid_error_add(errs, loc, type, msg, json_object_get(input), ctx);
    return false;
}

/* An integer outside int64_t: the bound's error if there is one on that side (pydantic has big ints). */
static int int_out_of_range(const struct rt_valid_rule *r, bool negative, struct json_object *input,
                            struct rt_valid_errors *errs, const struct rt_valid_loc *loc)
{
    if ((negative && r->minimum.text != NULL) || (!negative && r->maximum.text != NULL)) {
        check_bounds(r, negative ? -HUGE_VALL : HUGE_VALL, input, errs, loc);
        return -1;
    }
    rt_valid_error_ref(errs, loc, "int_parsing_size",
                       "Unable to parse input string as an integer, exceeded maximum size", input);
    return -1;
}

/* --- numbers and booleans --- */

/* A JSON number for an integer field: whole and within int64_t. @return 0 and *@p v, or -1 (error added). */
static int integer_from_double(const struct rt_valid_rule *r, struct json_object *j, int64_t *v,
                               struct rt_valid_errors *errs, const struct rt_valid_loc *loc)
{
    double d = json_object_get_double(j);

    if (!isfinite(d)) {
        rt_valid_error_ref(errs, loc, "finite_number", "Input should be a finite number", j);
        return -1;
    }
    if (d != floor(d)) {
        rt_valid_error_ref(errs, loc, "int_from_float",
                           "Input should be a valid integer, got a number with a fractional part", j);
        return -1;
    }
    if (d >= 9223372036854775808.0 || d < -9223372036854775808.0)
        return int_out_of_range(r, d < 0, j, errs, loc);
    *v = (int64_t)d;
    return 0;
}

static int convert_integer(const struct rt_valid_rule *r, struct json_object *j, int64_t *dst,
                           struct rt_valid_errors *errs, const struct rt_valid_loc *loc)
{
    int64_t v = 0;
    int rc;

    switch (json_object_get_type(j)) {
    case json_type_int:
        v = json_object_get_int64(j);
        /* json-c keeps values above INT64_MAX as uint64 (and clamps below INT64_MIN, which we cannot see) */
        if (v == INT64_MAX && json_object_get_uint64(j) > (uint64_t)INT64_MAX)
            return int_out_of_range(r, false, j, errs, loc);
        break;
    case json_type_double:
        if (integer_from_double(r, j, &v, errs, loc) < 0)
            return -1;
        break;
    case json_type_boolean:
        v = json_object_get_boolean(j);
        break;
    case json_type_string:
        rc = rt_valid_parse_int(json_object_get_string(j), &v);
        if (rc > 0)
            return int_out_of_range(r, v < 0, j, errs, loc);
        if (rc < 0) {
            rt_valid_error_ref(errs, loc, "int_parsing",
                               "Input should be a valid integer, unable to parse string as an integer", j);
            return -1;
        }
        break;
    default:
        rt_valid_error_ref(errs, loc, "int_type", "Input should be a valid integer", j);
        return -1;
    }
    if (!check_bounds(r, (long double)v, j, errs, loc))
        return -1;
    *dst = v;
    return 0;
}

static int convert_number(const struct rt_valid_rule *r, struct json_object *j, double *dst,
                          struct rt_valid_errors *errs, const struct rt_valid_loc *loc)
{
    double v;

    switch (json_object_get_type(j)) {
    case json_type_int:
        v = json_object_get_int64(j) == INT64_MAX ? (double)json_object_get_uint64(j)
                                                  : (double)json_object_get_int64(j);
        break;
    case json_type_double:
        v = json_object_get_double(j);
        break;
    case json_type_boolean:
        v = json_object_get_boolean(j);
        break;
    case json_type_string:
        if (rt_valid_parse_number(json_object_get_string(j), &v) < 0) {
            rt_valid_error_ref(errs, loc, "float_parsing",
                               "Input should be a valid number, unable to parse string as a number", j);
            return -1;
        }
        break;
    default:
        rt_valid_error_ref(errs, loc, "float_type", "Input should be a valid number", j);
        return -1;
    }
    if (!isfinite(v)) {
        rt_valid_error_ref(errs, loc, "finite_number", "Input should be a finite number", j);
        return -1;
    }
    if (!check_bounds(r, (long double)v, j, errs, loc))
        return -1;
    *dst = v;
    return 0;
}

static int convert_boolean(struct json_object *j, bool *dst, struct rt_valid_errors *errs,
                           const struct rt_valid_loc *loc)
{
    switch (json_object_get_type(j)) {
    case json_type_boolean:
        *dst = json_object_get_boolean(j);
        return 0;
    case json_type_int:
    case json_type_double: {
        double d = json_object_get_double(j);

        if (d == 0 || d == 1) {
            *dst = d == 1;
            return 0;
        }
        break;
    }
    case json_type_string:
        if (rt_valid_parse_bool(json_object_get_string(j), dst) == 0)
            return 0;
        break;
    default:
        rt_valid_error_ref(errs, loc, "bool_type", "Input should be a valid boolean", j);
        return -1;
    }
    rt_valid_error_ref(errs, loc, "bool_parsing",
                       "Input should be a valid boolean, unable to interpret input", j);
    return -1;
}

/* --- strings --- */

/* Valid UTF-8, no NUL, within min/maxLength. @return 0 or -1 (error added). */
static int check_length(const struct rt_valid_rule *r, const char *s, size_t len, struct json_object *input,
                        struct rt_valid_errors *errs, const struct rt_valid_loc *loc)
{
    long chars = rt_url_utf8_length(s, len);
    bool too_short;
    size_t limit;
    char msg[128];
    struct json_object *ctx;

    if (chars < 0) {
        rt_valid_error_add(errs, loc, "string_unicode",
                           "Input should be a valid string, unable to parse raw data as a unicode string",
                           NULL, NULL);
        return -1;
    }
    if (memchr(s, '\0', len) != NULL) {
        rt_valid_error_ctx(errs, loc, "value_error", "Value error, NUL characters are not allowed",
                           json_object_get(input), "error", "NUL characters are not allowed");
        return -1;
    }
    too_short = (size_t)chars < r->min_length;
    if (!too_short && (r->max_length == 0 || (size_t)chars <= r->max_length))
        return 0;
    limit = too_short ? r->min_length : r->max_length;
    snprintf(msg, sizeof(msg), "String should have at %s %zu character%s", too_short ? "least" : "most",
             limit, limit == 1 ? "" : "s");
    ctx = json_object_new_object();
    json_object_object_add(ctx, too_short ? "min_length" : "max_length",
                           json_object_new_int64((int64_t)limit));
    rt_valid_error_add(errs, loc, too_short ? "string_too_short" : "string_too_long", msg,
                       json_object_get(input), ctx);
    return -1;
}

static int check_pattern(const struct rt_valid_rule *r, const char *s, size_t len, struct json_object *input,
                         struct rt_valid_errors *errs, const struct rt_valid_loc *loc)
{
    char msg[512];
    int match;

    if (r->pattern == NULL)
        return 0;
    match = rt_valid_pattern_search(r->pattern, s, len);
    if (match < 0)
        abort(); /* a broken spec; api_init() reports it at start-up */
    if (match == 1)
        return 0;
    snprintf(msg, sizeof(msg), "String should match pattern '%s'", r->pattern->source);
    rt_valid_error_ctx(errs, loc, "string_pattern_mismatch", msg, json_object_get(input), "pattern",
                       r->pattern->source);
    return -1;
}

/* "Input should be 'a', 'b' or 'c'" -> the quoted list into @p buf. */
static void enum_expected(const char *const *values, char *buf, size_t size)
{
    size_t n = 0, i, used = 0;

    while (values[n] != NULL)
        n++;
    buf[0] = '\0';
    for (i = 0; i < n && used < size; i++) {
        const char *sep = i == 0 ? "" : i + 1 == n ? " or " : ", ";
        int w = snprintf(buf + used, size - used, "%s'%s'", sep, values[i]);

        if (w < 0)
            break;
        used += (size_t)w;
    }
}

static int check_enum(const struct rt_valid_rule *r, const char *s, size_t len, struct json_object *input,
                      struct rt_valid_errors *errs, const struct rt_valid_loc *loc)
{
    const char *const *e;
    char expected[480], msg[512];

    if (r->enum_values == NULL)
        return 0;
    for (e = r->enum_values; *e != NULL; e++) {
        if (strlen(*e) == len && memcmp(*e, s, len) == 0)
            return 0;
    }
    enum_expected(r->enum_values, expected, sizeof(expected));
    snprintf(msg, sizeof(msg), "Input should be %s", expected);
    rt_valid_error_ctx(errs, loc, "enum", msg, json_object_get(input), "expected", expected);
    return -1;
}

/* Copy a validated string into @p arena (or malloc). Emails get a lower-case domain. */
static char *copy_string(const struct rt_valid_rule *r, const char *s, size_t len,
                         const struct rt_valid_arena *arena)
{
    char *copy = rt_valid_alloc(arena, 1, len + 1); /* zeroed: NUL-terminated */

    memcpy(copy, s, len);
    if (r->format == RT_VALID_FORMAT_EMAIL) {
        char *p;

        for (p = strchr(copy, '@'); p != NULL && *p != '\0'; p++)
            *p = (char)tolower((unsigned char)*p);
    }
    return copy;
}

static int convert_string(const struct rt_valid_rule *r, struct json_object *j, const char **dst,
                          const struct rt_valid_arena *arena, struct rt_valid_errors *errs,
                          const struct rt_valid_loc *loc)
{
    const char *s;
    size_t len;

    if (json_object_get_type(j) != json_type_string) {
        rt_valid_error_ref(errs, loc, "string_type", "Input should be a valid string", j);
        return -1;
    }
    s = json_object_get_string(j);
    len = (size_t)json_object_get_string_len(j);
    if (check_length(r, s, len, j, errs, loc) < 0 || check_pattern(r, s, len, j, errs, loc) < 0 ||
        rt_valid_format_check(r->format, s, len, j, errs, loc) < 0 || check_enum(r, s, len, j, errs, loc) < 0)
        return -1;
    *dst = copy_string(r, s, len, arena);
    return 0;
}

/* --- entry points --- */

/*
 * Strict typing (a rule without lax): JSON Schema's types, no conversion
 * between them ("3" is not an integer, 1 is not a boolean); 2.0 is an
 * integer, as JSON Schema says.  @return 0, or -1 with pydantic's type error.
 */
static int check_strict_type(const struct rt_valid_rule *r, struct json_object *j,
                             struct rt_valid_errors *errs, const struct rt_valid_loc *loc)
{
    enum json_type t = json_object_get_type(j);
    bool number = t == json_type_int || t == json_type_double;

    if (r->kind == RT_VALID_INTEGER && !number) {
        rt_valid_error_ref(errs, loc, "int_type", "Input should be a valid integer", j);
        return -1;
    }
    if (r->kind == RT_VALID_NUMBER && !number) {
        rt_valid_error_ref(errs, loc, "float_type", "Input should be a valid number", j);
        return -1;
    }
    if (r->kind == RT_VALID_BOOLEAN && t != json_type_boolean) {
        rt_valid_error_ref(errs, loc, "bool_type", "Input should be a valid boolean", j);
        return -1;
    }
    return 0;
}

/* One value against @p r, with pydantic's lax conversions when @p lax. */
static int scalar_convert(const struct rt_valid_rule *r, struct json_object *j, void *dst, bool lax,
                          const struct rt_valid_arena *arena, struct rt_valid_errors *errs,
                          const struct rt_valid_loc *loc)
{
    if (!lax && check_strict_type(r, j, errs, loc) < 0)
        return -1;
    switch (r->kind) {
    case RT_VALID_STRING:
        return convert_string(r, j, dst, arena, errs, loc);
    case RT_VALID_INTEGER:
        return convert_integer(r, j, dst, errs, loc);
    case RT_VALID_NUMBER:
        return convert_number(r, j, dst, errs, loc);
    case RT_VALID_BOOLEAN:
        return convert_boolean(j, dst, errs, loc);
    default:
        abort(); /* not a scalar rule: the generator never makes one here */
    }
}

int rt_valid_scalar_from_json(const struct rt_valid_rule *r, struct json_object *j, void *dst,
                              const struct rt_valid_arena *arena, struct rt_valid_errors *errs,
                              const struct rt_valid_loc *loc)
{
    return scalar_convert(r, j, dst, r->lax, arena, errs, loc);
}

/*
 * A parameter's scalar whose schema has keywords beyond its rule (an integer
 * enum, const, multipleOf...): the value read, as JSON, against the whole
 * schema (rule->schema).  @return 0, or -1 with its errors added.
 */
static int check_schema(const struct rt_valid_rule *r, const void *dst, struct rt_valid_errors *errs,
                        const struct rt_valid_loc *loc)
{
    struct json_object *j;
    bool ok;

    switch (r->kind) {
    case RT_VALID_STRING:
        j = json_object_new_string(*(const char *const *)dst);
        break;
    case RT_VALID_INTEGER:
        j = json_object_new_int64(*(const int64_t *)dst);
        break;
    case RT_VALID_NUMBER:
        j = rt_valid_json_double(*(const double *)dst);
        break;
    case RT_VALID_BOOLEAN:
        j = json_object_new_boolean(*(const bool *)dst);
        break;
    default:
        return 0;
    }
    ok = rt_valid_schema_check(r->schema, j, errs, loc);
    json_object_put(j);
    return ok ? 0 : -1;
}

int rt_valid_scalar_from_text(const struct rt_valid_rule *r, const char *text, void *dst,
                              const struct rt_valid_arena *arena, struct rt_valid_errors *errs,
                              const struct rt_valid_loc *loc)
{
    struct json_object *j = json_object_new_string(text);
    int rc = scalar_convert(r, j, dst, true, arena, errs, loc); /* text: parsed, never strictly typed */

    json_object_put(j);
    if (rc == 0 && r->schema != NULL && !(r->kind == RT_VALID_STRING && *(const char *const *)dst == NULL))
        rc = check_schema(r, dst, errs, loc);
    return rc;
}

static const char *in_name(enum rt_valid_in in)
{
    return in == RT_VALID_IN_PATH ? "path" : in == RT_VALID_IN_QUERY ? "query" : "header";
}

int rt_valid_scalar_param(const struct rt_valid_param *p, const char *text, void *out,
                          const struct rt_valid_arena *arena, struct rt_valid_errors *errs)
{
    struct rt_valid_loc root = {NULL, in_name(p->in), 0}, at = {&root, p->name, 0};
    int rc;

    if (text == NULL)
        text = p->default_text;
    if (text == NULL) {
        if (!p->required)
            return 0;
        rt_valid_error_add(errs, &at, "missing", "Field required", NULL, NULL);
        return -1;
    }
    rc = rt_valid_scalar_from_text(p->rule, text, (char *)out + p->offset, arena, errs, &at);
    if (rc == 0 && p->has_offset != RT_VALID_NO_OFFSET)
        *(bool *)((char *)out + p->has_offset) = true;
    return rc;
}

size_t rt_valid_scalar_size(enum rt_valid_kind kind)
{
    return kind == RT_VALID_STRING    ? sizeof(const char *)
           : kind == RT_VALID_INTEGER ? sizeof(int64_t)
           : kind == RT_VALID_NUMBER  ? sizeof(double)
                                      : sizeof(bool);
}
