/*
 * rt_valid_schema — the walk of one schema: boolean schemas, $ref, type,
 * the number and string keywords, composition (allOf, anyOf, oneOf, not,
 * if/then/else), and the bookkeeping unevaluatedProperties/Items need.
 * Values, arrays and objects are in the modules next to this one
 * (rt_valid_schema.h).
 */
#include "rt_valid_schema.h"

#include "rt_mem.h"
#include "rt_valid_format.h"
#include "rt_valid_json.h"
#include "rt_valid_union.h"

#include <json-c/json.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rt_valid_schema_fail(struct rt_valid_errors *errs, const struct rt_valid_loc *loc, const char *type,
                          const char *msg, struct json_object *j)
{
    if (errs != NULL)
        rt_valid_error_ref(errs, loc, type, msg, j);
}

void rt_valid_schema_fail_n(struct rt_valid_errors *errs, const struct rt_valid_loc *loc, const char *type,
                            const char *msg, struct json_object *j, const char *key, size_t n)
{
    struct json_object *ctx;

    if (errs == NULL)
        return;
    ctx = json_object_new_object();
    json_object_object_add(ctx, key, json_object_new_int64((int64_t)n));
    rt_valid_error_add(errs, loc, type, msg, json_object_get(j), ctx);
}

/* An error whose ctx is {key: the number written as @p text in the spec}. */
static void fail_bound(struct rt_valid_errors *errs, const struct rt_valid_loc *loc, const char *type,
                       const char *msg, struct json_object *j, const char *key, const char *text)
{
    struct json_object *ctx;

    if (errs == NULL)
        return;
    ctx = json_object_new_object();
    json_object_object_add(ctx, key, rt_valid_json_value(text));
    rt_valid_error_add(errs, loc, type, msg, json_object_get(j), ctx);
}

/* --- type --- */

static bool is_integer(struct json_object *j)
{
    double d;

    if (json_object_get_type(j) == json_type_int)
        return true;
    if (json_object_get_type(j) != json_type_double)
        return false;
    d = json_object_get_double(j);
    return isfinite(d) && floor(d) == d;
}

static unsigned type_bits(struct json_object *j)
{
    switch (json_object_get_type(j)) {
    case json_type_null:
        return RT_VALID_T_NULL;
    case json_type_boolean:
        return RT_VALID_T_BOOLEAN;
    case json_type_object:
        return RT_VALID_T_OBJECT;
    case json_type_array:
        return RT_VALID_T_ARRAY;
    case json_type_string:
        return RT_VALID_T_STRING;
    case json_type_int:
        return RT_VALID_T_NUMBER | RT_VALID_T_INTEGER;
    case json_type_double:
        return RT_VALID_T_NUMBER | (is_integer(j) ? RT_VALID_T_INTEGER : 0);
    }
    return 0;
}

static const struct {
    unsigned bit;
    const char *name, *type, *msg;
} TYPES[] = {
    {RT_VALID_T_STRING, "string", "string_type", "Input should be a valid string"},
    {RT_VALID_T_INTEGER, "integer", "int_type", "Input should be a valid integer"},
    {RT_VALID_T_NUMBER, "number", "float_type", "Input should be a valid number"},
    {RT_VALID_T_BOOLEAN, "boolean", "bool_type", "Input should be a valid boolean"},
    {RT_VALID_T_ARRAY, "array", "list_type", "Input should be a valid list"},
    {RT_VALID_T_OBJECT, "object", "dict_type", "Input should be a valid dictionary"},
    {RT_VALID_T_NULL, "null", "none_required", "Input should be None"},
};

/* The type error: pydantic's for one type, else json_type naming them all. */
static bool type_error(unsigned types, struct json_object *j, struct rt_valid_errors *errs,
                       const struct rt_valid_loc *loc)
{
    char msg[160] = "Input should be of type";
    size_t i, n = 0;

    if (errs == NULL)
        return false;
    for (i = 0; i < sizeof(TYPES) / sizeof(TYPES[0]); i++) {
        if (types == TYPES[i].bit) {
            rt_valid_error_ref(errs, loc, TYPES[i].type, TYPES[i].msg, j);
            return false;
        }
    }
    for (i = 0; i < sizeof(TYPES) / sizeof(TYPES[0]); i++) {
        if (types & TYPES[i].bit) {
            size_t len = strlen(msg);

            snprintf(msg + len, sizeof(msg) - len, "%s %s", n++ ? " or" : "", TYPES[i].name);
        }
    }
    rt_valid_error_ref(errs, loc, "json_type", msg, j);
    return false;
}

/* --- numbers --- */

static long double number_value(struct json_object *j)
{
    if (json_object_get_type(j) == json_type_int) {
        int64_t v = json_object_get_int64(j);

        if (v == INT64_MAX)
            return (long double)json_object_get_uint64(j);
        return (long double)v;
    }
    return (long double)json_object_get_double(j);
}

/* A decimal number's text as digits * 10^exp, the digits without leading or trailing zeros. */
struct decimal {
    char digits[400];
    size_t n;
    long exp;
};

/* @return whether @p text is a JSON number whose digits fit (at most 399 significant ones). */
static bool decimal_parse(const char *text, struct decimal *d)
{
    const char *p = text + (*text == '-');
    long frac = 0;
    bool point = false;

    d->n = 0;
    d->exp = 0;
    for (; (*p >= '0' && *p <= '9') || (*p == '.' && !point); p++) {
        if (*p == '.') {
            point = true;
            continue;
        }
        frac += point;
        if (d->n == 0 && *p == '0')
            continue; /* a leading zero */
        if (d->n == sizeof(d->digits) - 1)
            return false;
        d->digits[d->n++] = *p;
    }
    if (*p == 'e' || *p == 'E')
        d->exp = strtol(p + 1, NULL, 10);
    if (d->exp > 100000 || d->exp < -100000)
        return false;
    d->exp -= frac;
    for (; d->n > 0 && d->digits[d->n - 1] == '0'; d->n--)
        d->exp++;
    return true;
}

/*
 * Whether the number written @p value is a multiple of the one written
 * @p multiple, in exact decimal arithmetic, as JSON Schema means it.
 * @return 1 or 0, or -1 when it cannot tell (texts too long).
 */
static int decimal_multiple(const char *value, const char *multiple)
{
    struct decimal a, b;
    unsigned __int128 r = 0;
    uint64_t m = 0;
    size_t i;
    long k;

    if (!decimal_parse(value, &a) || !decimal_parse(multiple, &b) || b.n == 0 || b.n > 19)
        return -1;
    if (a.n == 0)
        return 1; /* zero */
    if (a.exp < b.exp)
        return 0; /* a/b * 10^(a.exp - b.exp): a has no factor 10 to spare */
    for (i = 0; i < b.n; i++)
        m = m * 10 + (uint64_t)(b.digits[i] - '0');
    for (i = 0; i < a.n; i++)
        r = (r * 10 + (unsigned)(a.digits[i] - '0')) % m;
    for (k = a.exp - b.exp; k > 0 && r != 0; k--)
        r = r * 10 % m;
    return r == 0;
}

static bool check_multiple(const struct rt_valid_schema *s, struct json_object *j, long double v,
                           struct rt_valid_errors *errs, const struct rt_valid_loc *loc)
{
    long double q;
    char msg[96];

    if (s->multiple_of_text == NULL)
        return true;
    if (json_object_get_type(j) == json_type_int && s->multiple_of == floor(s->multiple_of) &&
        fabs(s->multiple_of) < 9e15) {
        int64_t m = (int64_t)s->multiple_of, i = json_object_get_int64(j);

        if (i == INT64_MAX && json_object_get_uint64(j) > (uint64_t)INT64_MAX) {
            if (m != 0 && json_object_get_uint64(j) % (uint64_t)llabs(m) == 0) /* above int64's range */
                return true;
        } else if (m != 0 && i % m == 0) {
            return true;
        }
    } else {
        q = v / (long double)s->multiple_of;
        /* Past 2^63 every long double is whole, so the quotient says nothing: the numbers' texts do, in
         * decimal (1e308 is a multiple of 0.5, not of 0.123456789; 1e17 is one of 0.01) */
        if (isfinite(q) && fabsl(q) >= 0x1p63L &&
            decimal_multiple(json_object_get_string(j), s->multiple_of_text) != 0)
            return true;
        if (isfinite(q) && fabsl(q) < 0x1p63L && fabsl(q - nearbyintl(q)) < 1e-9L * fmaxl(1.0L, fabsl(q)))
            return true;
    }
    snprintf(msg, sizeof(msg), "Input should be a multiple of %s", s->multiple_of_text);
    fail_bound(errs, loc, "multiple_of", msg, j, "multiple_of", s->multiple_of_text);
    return false;
}

static bool check_number(const struct rt_valid_schema *s, struct json_object *j, struct rt_valid_errors *errs,
                         const struct rt_valid_loc *loc)
{
    long double v = number_value(j);
    const struct rt_valid_bound *lo = &s->minimum, *hi = &s->maximum;
    bool ok = true;
    char msg[96];

    if (lo->text != NULL && (v < (long double)lo->value || (lo->exclusive && v == (long double)lo->value))) {
        snprintf(msg, sizeof(msg), "Input should be greater than %s%s", lo->exclusive ? "" : "or equal to ",
                 lo->text);
        fail_bound(errs, loc, lo->exclusive ? "greater_than" : "greater_than_equal", msg, j,
                   lo->exclusive ? "gt" : "ge", lo->text);
        ok = false;
    }
    if (hi->text != NULL && (v > (long double)hi->value || (hi->exclusive && v == (long double)hi->value))) {
        snprintf(msg, sizeof(msg), "Input should be less than %s%s", hi->exclusive ? "" : "or equal to ",
                 hi->text);
        fail_bound(errs, loc, hi->exclusive ? "less_than" : "less_than_equal", msg, j,
                   hi->exclusive ? "lt" : "le", hi->text);
        ok = false;
    }
    return check_multiple(s, j, v, errs, loc) && ok;
}

/* --- strings --- */

static size_t utf8_chars(const char *s, size_t len)
{
    size_t i, n = 0;

    for (i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

static bool check_format(const struct rt_valid_schema *s, struct json_object *j, const char *str, size_t len,
                         struct rt_valid_errors *errs, const struct rt_valid_loc *loc)
{
    struct rt_valid_errors quiet;
    int rc;

    if (s->format == RT_VALID_FORMAT_NONE)
        return true;
    if (errs != NULL)
        return rt_valid_format_check(s->format, str, len, j, errs, loc) == 0;
    rt_valid_errors_init(&quiet);
    rc = rt_valid_format_check(s->format, str, len, j, &quiet, loc);
    rt_valid_errors_cleanup(&quiet);
    return rc == 0;
}

static bool check_string(const struct rt_valid_schema *s, struct json_object *j, struct rt_valid_errors *errs,
                         const struct rt_valid_loc *loc)
{
    const char *str = json_object_get_string(j);
    size_t len = (size_t)json_object_get_string_len(j), chars = utf8_chars(str, len);
    bool ok = true;
    char msg[128];

    if (s->min_length.set && chars < s->min_length.n) {
        snprintf(msg, sizeof(msg), "String should have at least %zu character%s", s->min_length.n,
                 s->min_length.n == 1 ? "" : "s");
        rt_valid_schema_fail_n(errs, loc, "string_too_short", msg, j, "min_length", s->min_length.n);
        ok = false;
    }
    if (s->max_length.set && chars > s->max_length.n) {
        snprintf(msg, sizeof(msg), "String should have at most %zu character%s", s->max_length.n,
                 s->max_length.n == 1 ? "" : "s");
        rt_valid_schema_fail_n(errs, loc, "string_too_long", msg, j, "max_length", s->max_length.n);
        ok = false;
    }
    if (s->pattern != NULL && rt_valid_pattern_search(s->pattern, str, len) != 1) {
        snprintf(msg, sizeof(msg), "String should match pattern '%s'", s->pattern->source);
        if (errs != NULL)
            rt_valid_error_ctx(errs, loc, "string_pattern_mismatch", msg, json_object_get(j), "pattern",
                               s->pattern->source);
        ok = false;
    }
    return check_format(s, j, str, len, errs, loc) && ok;
}

/* --- what was evaluated (unevaluatedProperties, unevaluatedItems) --- */

static void seen_init(struct rt_valid_schema_seen *seen, size_t n)
{
    seen->n = n;
    seen->flags = rt_xcalloc(n > 0 ? n : 1, sizeof(bool));
}

static void seen_cleanup(struct rt_valid_schema_seen *seen)
{
    free(seen->flags);
}

static void seen_merge(struct rt_valid_schema_seen *into, const struct rt_valid_schema_seen *from)
{
    size_t i;

    for (i = 0; i < into->n; i++)
        into->flags[i] = into->flags[i] || from->flags[i];
}

/*
 * Whether @p j is valid against the branch @p b (of anyOf, oneOf, if),
 * without errors: the branch's failure is its keyword's to report.  What
 * a valid branch evaluated counts for @p seen; an invalid one's does not
 * (JSON Schema drops the annotations of a failed subschema).
 */
static bool branch_valid(const struct rt_valid_schema *b, struct json_object *j,
                         struct rt_valid_schema_seen *seen)
{
    struct rt_valid_schema_seen mine;
    bool ok;

    if (seen == NULL)
        return rt_valid_schema_walk(b, j, NULL, NULL, NULL);
    seen_init(&mine, seen->n);
    ok = rt_valid_schema_walk(b, j, NULL, NULL, &mine);
    if (ok)
        seen_merge(seen, &mine);
    seen_cleanup(&mine);
    return ok;
}

/* --- composition --- */

/*
 * The valid branches of @p l, counted up to @p stop; all of them when
 * @p seen asks what they evaluated.
 */
static size_t count_valid(const struct rt_valid_schema_list *l, struct json_object *j, size_t stop,
                          struct rt_valid_schema_seen *seen)
{
    size_t i, n = 0;

    for (i = 0; i < l->n && (n < stop || seen != NULL); i++)
        n += branch_valid(l->items[i], j, seen);
    return n;
}

/*
 * A discriminated oneOf/anyOf: the tag picks the branch, and only it is
 * checked, its errors reported (as for the unions of models, rt_valid_union);
 * the branches are objects, so anything else is refused as they would.
 */
static bool check_tagged(const struct rt_valid_schema *s, struct json_object *j, struct rt_valid_errors *errs,
                         const struct rt_valid_loc *loc, struct rt_valid_schema_seen *seen)
{
    const struct rt_valid_schema_list *branches = s->one_of.n > 0 ? &s->one_of : &s->any_of;
    const struct rt_valid_schema_disc *d = s->discriminator;
    long b;

    if (json_object_get_type(j) != json_type_object) {
        rt_valid_schema_fail(errs, loc, "model_attributes_type",
                             "Input should be a valid dictionary or object to extract fields from", j);
        return false;
    }
    b = rt_valid_union_pick(d->property, d->tags, d->n_tags, j, errs, loc);
    return b >= 0 && (size_t)b < branches->n && rt_valid_schema_walk(branches->items[b], j, errs, loc, seen);
}

static bool check_union(const struct rt_valid_schema *s, struct json_object *j, struct rt_valid_errors *errs,
                        const struct rt_valid_loc *loc, struct rt_valid_schema_seen *seen)
{
    bool ok = true;
    size_t n;

    if (s->discriminator != NULL)
        return check_tagged(s, j, errs, loc, seen);
    if (s->any_of.n > 0 && count_valid(&s->any_of, j, 1, seen) == 0) {
        rt_valid_schema_fail(errs, loc, "union_no_match", "Input should match at least one schema of anyOf",
                             j);
        ok = false;
    }
    if (s->one_of.n > 0 && (n = count_valid(&s->one_of, j, 2, seen)) != 1) {
        rt_valid_schema_fail(errs, loc, n == 0 ? "union_no_match" : "union_multiple_matches",
                             n == 0 ? "Input should match exactly one schema of oneOf, it matches none"
                                    : "Input should match exactly one schema of oneOf, it matches several",
                             j);
        ok = false;
    }
    return ok;
}

static bool check_composition(const struct rt_valid_schema *s, struct json_object *j,
                              struct rt_valid_errors *errs, const struct rt_valid_loc *loc,
                              struct rt_valid_schema_seen *seen)
{
    bool ok = true;
    size_t i;

    for (i = 0; i < s->all_of.n; i++)
        ok = rt_valid_schema_walk(s->all_of.items[i], j, errs, loc, seen) && ok;
    ok = check_union(s, j, errs, loc, seen) && ok;
    if (s->not_schema != NULL && rt_valid_schema_check(s->not_schema, j, NULL, NULL)) {
        rt_valid_schema_fail(errs, loc, "not_forbidden", "Input should not match the schema of 'not'", j);
        ok = false;
    }
    if (s->if_schema != NULL) {
        const struct rt_valid_schema *next =
            branch_valid(s->if_schema, j, seen) ? s->then_schema : s->else_schema;

        if (next != NULL)
            ok = rt_valid_schema_walk(next, j, errs, loc, seen) && ok;
    }
    return ok;
}

/* --- the walk --- */

/* Every keyword of @p s but the unevaluated ones, marking in @p seen what they evaluate. */
static bool check_keywords(const struct rt_valid_schema *s, struct json_object *j,
                           struct rt_valid_errors *errs, const struct rt_valid_loc *loc,
                           struct rt_valid_schema_seen *seen)
{
    unsigned bits = type_bits(j);
    bool ok = true;

    if (s->ref != NULL)
        ok = rt_valid_schema_walk(s->ref, j, errs, loc, seen);
    if (s->types != 0 && (bits & s->types) == 0)
        return type_error(s->types, j, errs, loc);
    ok = rt_valid_schema_values(s, j, errs, loc) && ok;
    if (bits & RT_VALID_T_NUMBER)
        ok = check_number(s, j, errs, loc) && ok;
    else if (bits & RT_VALID_T_STRING)
        ok = check_string(s, j, errs, loc) && ok;
    else if (bits & RT_VALID_T_ARRAY)
        ok = rt_valid_schema_array(s, j, errs, loc, seen) && ok;
    else if (bits & RT_VALID_T_OBJECT)
        ok = rt_valid_schema_object(s, j, errs, loc, seen) && ok;
    return check_composition(s, j, errs, loc, seen) && ok;
}

/*
 * @p s with unevaluatedProperties (@p j an object) or unevaluatedItems
 * (an array): its other keywords mark what they evaluate, then the
 * unevaluated keyword takes the rest.  When all holds, every member or item
 * has been evaluated, for the schemas around @p s too (@p seen).
 */
static bool check_unevaluated(const struct rt_valid_schema *s, struct json_object *j, bool object,
                              struct rt_valid_errors *errs, const struct rt_valid_loc *loc,
                              struct rt_valid_schema_seen *seen)
{
    struct rt_valid_schema_seen mine;
    bool ok;
    size_t i;

    seen_init(&mine, object ? (size_t)json_object_object_length(j) : json_object_array_length(j));
    ok = check_keywords(s, j, errs, loc, &mine);
    if (object)
        ok = rt_valid_schema_unevaluated_properties(s, j, errs, loc, &mine) && ok;
    else
        ok = rt_valid_schema_unevaluated_items(s, j, errs, loc, &mine) && ok;
    seen_cleanup(&mine);
    for (i = 0; ok && seen != NULL && i < seen->n; i++)
        rt_valid_schema_mark(seen, i);
    return ok;
}

bool rt_valid_schema_walk(const struct rt_valid_schema *s, struct json_object *j,
                          struct rt_valid_errors *errs, const struct rt_valid_loc *loc,
                          struct rt_valid_schema_seen *seen)
{
    enum json_type type = json_object_get_type(j);

    if (s->kind == RT_VALID_SCHEMA_TRUE)
        return true;
    if (s->kind == RT_VALID_SCHEMA_FALSE) {
        rt_valid_schema_fail(errs, loc, "schema_false", "No value is allowed here (schema false)", j);
        return false;
    }
    if (s->unevaluated_properties != NULL && type == json_type_object)
        return check_unevaluated(s, j, true, errs, loc, seen);
    if (s->unevaluated_items != NULL && type == json_type_array)
        return check_unevaluated(s, j, false, errs, loc, seen);
    return check_keywords(s, j, errs, loc, seen);
}

bool rt_valid_schema_check(const struct rt_valid_schema *s, struct json_object *j,
                           struct rt_valid_errors *errs, const struct rt_valid_loc *loc)
{
    return rt_valid_schema_walk(s, j, errs, loc, NULL);
}

/*
 * The direction of the check under way on this thread.  A check runs to its
 * end on the thread that started it, and only the object keywords ask, so a
 * thread-local says it to them rather than a parameter through every
 * keyword's function (and the anyOf/oneOf/not branches checked without
 * errors, which must see it too).
 */
static _Thread_local bool in_request;

bool rt_valid_schema_check_request(const struct rt_valid_schema *s, struct json_object *j,
                                   struct rt_valid_errors *errs, const struct rt_valid_loc *loc)
{
    bool was = in_request, ok;

    in_request = true;
    ok = rt_valid_schema_walk(s, j, errs, loc, NULL);
    in_request = was;
    return ok;
}

bool rt_valid_schema_in_request(void)
{
    return in_request;
}

/* Whether @p s or a schema its $ref chain names has readOnly (@p write: writeOnly). */
static bool has_access_flag(const struct rt_valid_schema *s, bool write)
{
    size_t hops;

    /* bounded: the generator refuses $ref chains that never reach a schema of their own */
    for (hops = 0; s != NULL && hops < 64; s = s->ref, hops++)
        if (write ? s->write_only : s->read_only)
            return true;
    return false;
}

bool rt_valid_schema_read_only(const struct rt_valid_schema *s)
{
    return has_access_flag(s, false);
}

bool rt_valid_schema_write_only(const struct rt_valid_schema *s)
{
    return has_access_flag(s, true);
}
