/*
 * rt_valid — FastAPI/pydantic v2 validation and table-driven JSON models.
 *
 * The error types and messages below are pydantic-core's, word for word,
 * because clients of the FastAPI original match on them.
 */
#include "rt_valid.h"
#include "rt_json.h"
#include "rt_mem.h"
#include "rt_req.h"
#include "rt_url.h"

#include <assert.h>
#include <ctype.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* --- errors --- */

void rt_valid_errors_init(struct rt_valid_errors *errs)
{
    errs->list = NULL;
}

void rt_valid_errors_cleanup(struct rt_valid_errors *errs)
{
    if (errs == NULL)
        return;
    json_object_put(errs->list);
    errs->list = NULL;
}

size_t rt_valid_errors_count(const struct rt_valid_errors *errs)
{
    return errs->list != NULL ? json_object_array_length(errs->list) : 0;
}

static struct json_object *loc_to_json(const struct rt_valid_loc *loc)
{
    struct json_object *arr = json_object_new_array();
    const struct rt_valid_loc *l;
    size_t n = 0, i;

    for (l = loc; l != NULL; l = l->parent)
        n++;
    for (i = 0; i < n; i++) /* pre-size, then fill from the innermost element backwards */
        json_object_array_add(arr, NULL);
    for (l = loc, i = n; l != NULL; l = l->parent) {
        struct json_object *e =
            l->key != NULL ? json_object_new_string(l->key) : json_object_new_int64(l->index);

        json_object_array_put_idx(arr, --i, e);
    }
    return arr;
}

void rt_valid_error_add(struct rt_valid_errors *errs, const struct rt_valid_loc *loc, const char *type,
                        const char *msg, struct json_object *input, struct json_object *ctx)
{
    struct json_object *e = json_object_new_object();

    json_object_object_add(e, "type", json_object_new_string(type));
    json_object_object_add(e, "loc", loc_to_json(loc));
    json_object_object_add(e, "msg", json_object_new_string(msg));
    json_object_object_add(e, "input", input);
    if (ctx != NULL)
        json_object_object_add(e, "ctx", ctx);
    if (errs->list == NULL)
        errs->list = json_object_new_array();
    json_object_array_add(errs->list, e);
}

struct json_object *rt_valid_errors_to_json(const struct rt_valid_errors *errs)
{
    struct json_object *body = json_object_new_object();

    json_object_object_add(body, "detail",
                           errs->list != NULL ? json_object_get(errs->list) : json_object_new_array());
    return body;
}

int rt_valid_errors_reply(struct rt_req *req, struct rt_valid_errors *errs)
{
    if (rt_valid_errors_count(errs) == 0)
        return 0;
    rt_req_reply_json(req, 422, rt_valid_errors_to_json(errs));
    rt_valid_errors_cleanup(errs);
    return 1;
}

/* An error whose ctx holds one string. */
static void error_ctx_str(struct rt_valid_errors *errs, const struct rt_valid_loc *loc, const char *type,
                          const char *msg, struct json_object *input, const char *key, const char *value)
{
    struct json_object *ctx = json_object_new_object();

    json_object_object_add(ctx, key, json_object_new_string(value));
    rt_valid_error_add(errs, loc, type, msg, input, ctx);
}

/* --- start-up --- */

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t pattern_lock = PTHREAD_MUTEX_INITIALIZER;

static void init_globals(void)
{
    json_c_set_serialization_double_format("%.15g", JSON_C_OPTION_GLOBAL);
}

void rt_valid_init(void)
{
    pthread_once(&init_once, init_globals);
}

int rt_valid_pattern_compile(struct rt_valid_pattern *p)
{
    int rc = 0;

    if (__atomic_load_n(&p->ready, __ATOMIC_ACQUIRE))
        return 0;
    pthread_mutex_lock(&pattern_lock);
    if (!p->ready) {
        int err = regcomp(&p->re, p->regex, REG_EXTENDED | REG_NOSUB);

        if (err != 0) {
            char msg[128];

            regerror(err, &p->re, msg, sizeof(msg));
            fprintf(stderr, "async-demo: pattern '%s' does not compile as a POSIX ERE: %s\n", p->source, msg);
            rc = -1;
        } else {
            __atomic_store_n(&p->ready, 1, __ATOMIC_RELEASE);
        }
    }
    pthread_mutex_unlock(&pattern_lock);
    return rc;
}

/* --- scalar parsing --- */

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Trim ASCII whitespace: [*start, *end). */
static void trim(const char *s, const char **start, const char **end)
{
    const char *b = s, *e = s + strlen(s);

    while (b < e && is_space(*b))
        b++;
    while (e > b && is_space(e[-1]))
        e--;
    *start = b;
    *end = e;
}

/*
 * Copy the digits of [p, end) into @p dst without the underscores that
 * separate digits ("1_000"); stop at the first character that is neither.
 * @return the number of characters consumed from @p p, or -1 if an
 * underscore is not between two digits.
 */
static long copy_digits(const char *p, const char *end, char *dst, size_t *n_out)
{
    const char *start = p;
    size_t n = 0;

    while (p < end) {
        if (isdigit((unsigned char)*p)) {
            dst[n++] = *p++;
        } else if (*p == '_') {
            if (p == start || !isdigit((unsigned char)p[-1]) || p + 1 >= end || !isdigit((unsigned char)p[1]))
                return -1;
            p++;
        } else {
            break;
        }
    }
    *n_out = n;
    return (long)(p - start);
}

int rt_valid_parse_int(const char *s, int64_t *out)
{
    const char *p, *end;
    bool neg = false;
    uint64_t mag = 0;
    int overflow = 0;

    trim(s, &p, &end);
    if (p < end && (*p == '+' || *p == '-'))
        neg = *p++ == '-';
    if (p == end || !isdigit((unsigned char)*p))
        return -1;
    for (; p < end; p++) {
        if (*p == '_') {
            if (p + 1 >= end || !isdigit((unsigned char)p[1]))
                return -1;
            continue;
        }
        if (!isdigit((unsigned char)*p))
            break;
        if (mag > (UINT64_MAX - 9) / 10)
            overflow = 1;
        else
            mag = mag * 10 + (uint64_t)(*p - '0');
    }
    if (p < end && *p == '.') { /* pydantic accepts a fraction of zeros: "2.0", "2." */
        for (p++; p < end && *p == '0'; p++)
            ;
    }
    if (p != end)
        return -1;
    if (overflow || mag > (uint64_t)INT64_MAX + neg) {
        *out = neg ? INT64_MIN : INT64_MAX;
        return 1;
    }
    *out = neg ? (int64_t)(0 - mag) : (int64_t)mag;
    return 0;
}

int rt_valid_parse_number(const char *s, double *out)
{
    const char *p, *end, *q;
    char *buf, *stop;
    size_t n = 0, k, digits = 0;
    long used;
    int rc = -1;

    trim(s, &p, &end);
    buf = malloc((size_t)(end - p) + 2);
    if (buf == NULL)
        abort();
    q = p;
    if (q < end && (*q == '+' || *q == '-'))
        buf[n++] = *q++;
    /* inf, infinity, nan, as Rust's f64 parser (pydantic-core) reads them */
    if ((end - q == 3 && (strncasecmp(q, "inf", 3) == 0 || strncasecmp(q, "nan", 3) == 0)) ||
        (end - q == 8 && strncasecmp(q, "infinity", 8) == 0)) {
        memcpy(buf + n, q, (size_t)(end - q));
        n += (size_t)(end - q);
        goto convert;
    }
    if ((used = copy_digits(q, end, buf + n, &k)) < 0)
        goto done;
    q += used, n += k, digits += k;
    if (q < end && *q == '.') {
        buf[n++] = *q++;
        if ((used = copy_digits(q, end, buf + n, &k)) < 0)
            goto done;
        q += used, n += k, digits += k;
    }
    if (digits == 0)
        goto done;
    if (q < end && (*q == 'e' || *q == 'E')) {
        buf[n++] = *q++;
        if (q < end && (*q == '+' || *q == '-'))
            buf[n++] = *q++;
        if ((used = copy_digits(q, end, buf + n, &k)) < 0 || k == 0)
            goto done;
        q += used, n += k;
    }
    if (q != end)
        goto done;
convert:
    buf[n] = '\0';
    *out = strtod(buf, &stop); /* overflow gives +-HUGE_VAL, i.e. infinity: refused as not finite */
    rc = *stop == '\0' ? 0 : -1;
done:
    free(buf);
    return rc;
}

int rt_valid_parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = {"1", "on", "t", "true", "y", "yes"};
    static const char *const no[] = {"0", "off", "f", "false", "n", "no"};
    const char *p, *end;
    size_t len, i;

    trim(s, &p, &end);
    len = (size_t)(end - p);
    for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
        if (strlen(yes[i]) == len && strncasecmp(p, yes[i], len) == 0) {
            *out = true;
            return 0;
        }
        if (strlen(no[i]) == len && strncasecmp(p, no[i], len) == 0) {
            *out = false;
            return 0;
        }
    }
    return -1;
}

/* --- formats --- */

/* How email-validator shows a bad character: SPACE, 'x', or U+XXXX. */
static void show_char(unsigned char c, char *buf, size_t size)
{
    if (c == ' ')
        snprintf(buf, size, "SPACE");
    else if (c > 0x20 && c < 0x7f)
        snprintf(buf, size, "'%c'", c);
    else
        snprintf(buf, size, "U+%04X", c);
}

static bool is_atext(unsigned char c)
{
    return isalnum(c) || c >= 0x80 || strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL;
}

/*
 * Check the email address in @p s; put a formatted reason into @p buf when
 * one needs numbers.  See rt_valid_email_reason().
 */
static const char *email_reason(const char *s, size_t len, char *buf, size_t size)
{
    const char *at = memchr(s, '@', len), *dom, *end = s + len, *p, *label;
    size_t local_len, dom_len;
    char shown[16];

    if (at == NULL)
        return "An email address must have an @-sign.";
    if (memchr(at + 1, '@', (size_t)(end - at - 1)) != NULL)
        return "The email address is not valid. It must have exactly one @-sign.";
    dom = at + 1;
    local_len = (size_t)(at - s);
    dom_len = (size_t)(end - dom);
    if (local_len == 0)
        return "There must be something before the @-sign.";
    if (dom_len == 0)
        return "There must be something after the @-sign.";
    if (len > 254) {
        snprintf(buf, size, "The email address is too long (%zu character%s too many).", len - 254,
                 len - 254 == 1 ? "" : "s");
        return buf;
    }
    if (local_len > 64) {
        snprintf(buf, size, "The email address is too long before the @-sign (%zu character%s too many).",
                 local_len - 64, local_len - 64 == 1 ? "" : "s");
        return buf;
    }
    for (p = s; p < at; p++) {
        if (*p != '.' && !is_atext((unsigned char)*p)) {
            show_char((unsigned char)*p, shown, sizeof(shown));
            snprintf(buf, size, "The email address contains invalid characters before the @-sign: %s.",
                     shown);
            return buf;
        }
    }
    if (s[0] == '.')
        return "An email address cannot start with a period.";
    if (at[-1] == '.')
        return "An email address cannot have a period immediately before the @-sign.";
    if (memmem(s, local_len, "..", 2) != NULL)
        return "An email address cannot have two periods in a row.";
    for (p = dom; p < end; p++) {
        unsigned char c = (unsigned char)*p;

        if (!(isalnum(c) || c == '-' || c == '.' || c >= 0x80)) {
            show_char(c, shown, sizeof(shown));
            snprintf(buf, size, "The part after the @-sign contains invalid characters: %s.", shown);
            return buf;
        }
    }
    if (dom[0] == '.')
        return "An email address cannot have a period immediately after the @-sign.";
    if (end[-1] == '.')
        return "An email address cannot end with a period.";
    if (memmem(dom, dom_len, "..", 2) != NULL)
        return "An email address cannot have two periods in a row.";
    if (memchr(dom, '.', dom_len) == NULL)
        return "The part after the @-sign is not valid. It should have a period.";
    for (label = dom; label < end; label = p + 1) {
        size_t label_len;

        p = memchr(label, '.', (size_t)(end - label));
        if (p == NULL)
            p = end;
        label_len = (size_t)(p - label);
        if (label[0] == '-' || p[-1] == '-')
            return "An email address cannot have a hyphen immediately before or after a period.";
        if (label_len > 63) {
            snprintf(buf, size,
                     "After the @-sign, periods cannot be separated by so many characters (%zu character%s "
                     "too many).",
                     label_len - 63, label_len - 63 == 1 ? "" : "s");
            return buf;
        }
        if (p == end) { /* the top-level domain */
            const char *c = label;

            while (c < end && isdigit((unsigned char)*c))
                c++;
            if (c == end)
                return "The part after the @-sign is not valid. It is not within a valid top-level domain.";
        }
    }
    return NULL;
}

const char *rt_valid_email_reason(const char *s, size_t len)
{
    static _Thread_local char buf[160];

    return email_reason(s, len, buf, sizeof(buf));
}

static bool digits_at(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return false;
    }
    return true;
}

/* RFC 3339 date-time (separator T, t, space or _; seconds and zone optional). @return NULL or the reason. */
static const char *datetime_reason(const char *s, size_t len)
{
    size_t i = 16;

    if (len < 16)
        return "input is too short";
    if (!digits_at(s, 4) || s[4] != '-' || !digits_at(s + 5, 2) || s[7] != '-' || !digits_at(s + 8, 2))
        return "invalid date separator, expected `-`";
    if (!strchr("Tt _", s[10]))
        return "invalid datetime separator, expected `T`, `t`, `_` or space";
    if (!digits_at(s + 11, 2) || s[13] != ':' || !digits_at(s + 14, 2))
        return "invalid character in hour or minute";
    if ((s[5] - '0') * 10 + (s[6] - '0') < 1 || (s[5] - '0') * 10 + (s[6] - '0') > 12)
        return "month value is outside expected range of 1-12";
    if ((s[8] - '0') * 10 + (s[9] - '0') < 1 || (s[8] - '0') * 10 + (s[9] - '0') > 31)
        return "day value is outside expected range";
    if ((s[11] - '0') * 10 + (s[12] - '0') > 23 || (s[14] - '0') * 10 + (s[15] - '0') > 59)
        return "time value is outside expected range";
    if (i < len && s[i] == ':') {
        if (len < i + 3 || !digits_at(s + i + 1, 2) || (s[i + 1] - '0') * 10 + (s[i + 2] - '0') > 60)
            return "invalid character in second";
        i += 3;
        if (i < len && (s[i] == '.' || s[i] == ',')) {
            size_t f = ++i;

            while (i < len && isdigit((unsigned char)s[i]))
                i++;
            if (i == f)
                return "second fraction value is missing";
        }
    }
    if (i == len)
        return NULL;
    if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == len)
        return NULL;
    if ((s[i] == '+' || s[i] == '-') && len - i >= 3 && digits_at(s + i + 1, 2)) {
        i += 3;
        if (i < len && s[i] == ':')
            i++;
        if (i == len || (len - i == 2 && digits_at(s + i, 2)))
            return NULL;
    }
    return "invalid timezone sign";
}

static const char *uuid_reason(const char *s, size_t len)
{
    static const int dashes[] = {8, 13, 18, 23};
    size_t i, d = 0;

    if (len != 36 && len != 32)
        return "invalid length: expected length 32 for simple format or 36 for hyphenated format";
    for (i = 0; i < len; i++) {
        if (len == 36 && d < 4 && (int)i == dashes[d]) {
            if (s[i] != '-')
                return "invalid group count";
            d++;
        } else if (!isxdigit((unsigned char)s[i])) {
            return "invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-]";
        }
    }
    return NULL;
}

/* --- JSON numbers --- */

struct json_object *rt_valid_json_double(double value)
{
    char buf[40];

    if (!isfinite(value))
        return json_object_new_double(value);
    rt_json_format_double(value, buf);
    return json_object_new_double_s(value, buf);
}

/* A bound as it appears in ctx: 0 stays an int, 0.5 a float printed as in the spec. */
static struct json_object *bound_json(const struct rt_valid_bound *b)
{
    if (b->is_int)
        return json_object_new_int64((int64_t)b->value);
    return json_object_new_double_s(b->value, b->text);
}

/*
 * Check @p v against the rule's bounds (long double holds every int64_t
 * and every double exactly).  @return true if it is within them.
 */
static bool check_bounds(const struct rt_valid_rule *r, long double v, struct json_object *input,
                         struct rt_valid_errors *errs, const struct rt_valid_loc *loc)
{
    const struct rt_valid_bound *b;
    const char *type, *key;
    char msg[128];
    struct json_object *ctx;

    b = &r->minimum;
    if (b->text != NULL && (b->exclusive ? !(v > (long double)b->value) : !(v >= (long double)b->value))) {
        type = b->exclusive ? "greater_than" : "greater_than_equal";
        key = b->exclusive ? "gt" : "ge";
        snprintf(msg, sizeof(msg), "Input should be greater than %s%s", b->exclusive ? "" : "or equal to ",
                 b->text);
        goto fail;
    }
    b = &r->maximum;
    if (b->text != NULL && (b->exclusive ? !(v < (long double)b->value) : !(v <= (long double)b->value))) {
        type = b->exclusive ? "less_than" : "less_than_equal";
        key = b->exclusive ? "lt" : "le";
        snprintf(msg, sizeof(msg), "Input should be less than %s%s", b->exclusive ? "" : "or equal to ",
                 b->text);
        goto fail;
    }
    return true;
fail:
    ctx = json_object_new_object();
    json_object_object_add(ctx, key, bound_json(b));
    rt_valid_error_add(errs, loc, type, msg, json_object_get(input), ctx);
    return false;
}

/* An integer outside int64_t: the bound's error if there is one on that side (pydantic has big ints). */
static void int_out_of_range(const struct rt_valid_rule *r, bool negative, struct json_object *input,
                             struct rt_valid_errors *errs, const struct rt_valid_loc *loc)
{
    if ((negative && r->minimum.text != NULL) || (!negative && r->maximum.text != NULL)) {
        check_bounds(r, negative ? -HUGE_VALL : HUGE_VALL, input, errs, loc);
        return;
    }
    rt_valid_error_add(errs, loc, "int_parsing_size",
                       "Unable to parse input string as an integer, exceeded maximum size",
                       json_object_get(input), NULL);
}

/* --- values --- */

static void type_error(struct rt_valid_errors *errs, const struct rt_valid_loc *loc, const char *type,
                       const char *msg, struct json_object *input)
{
    rt_valid_error_add(errs, loc, type, msg, json_object_get(input), NULL);
}

static int convert_integer(const struct rt_valid_rule *r, struct json_object *j, int64_t *dst,
                           struct rt_valid_errors *errs, const struct rt_valid_loc *loc)
{
    int64_t v = 0;
    double d;
    int rc;

    switch (json_object_get_type(j)) {
    case json_type_int:
        v = json_object_get_int64(j);
        /* json-c keeps values above INT64_MAX as uint64 (and clamps below INT64_MIN, which we cannot see) */
        if (v == INT64_MAX && json_object_get_uint64(j) > (uint64_t)INT64_MAX) {
            int_out_of_range(r, false, j, errs, loc);
            return -1;
        }
        break;
    case json_type_double:
        d = json_object_get_double(j);
        if (!isfinite(d)) {
            type_error(errs, loc, "finite_number", "Input should be a finite number", j);
            return -1;
        }
        if (d != floor(d)) {
            type_error(errs, loc, "int_from_float",
                       "Input should be a valid integer, got a number with a fractional part", j);
            return -1;
        }
        if (d >= 9223372036854775808.0 || d < -9223372036854775808.0) {
            int_out_of_range(r, d < 0, j, errs, loc);
            return -1;
        }
        v = (int64_t)d;
        break;
    case json_type_boolean:
        v = json_object_get_boolean(j);
        break;
    case json_type_string:
        rc = rt_valid_parse_int(json_object_get_string(j), &v);
        if (rc < 0) {
            type_error(errs, loc, "int_parsing",
                       "Input should be a valid integer, unable to parse string as an integer", j);
            return -1;
        }
        if (rc > 0) {
            int_out_of_range(r, v < 0, j, errs, loc);
            return -1;
        }
        break;
    default:
        type_error(errs, loc, "int_type", "Input should be a valid integer", j);
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
            type_error(errs, loc, "float_parsing",
                       "Input should be a valid number, unable to parse string as a number", j);
            return -1;
        }
        break;
    default:
        type_error(errs, loc, "float_type", "Input should be a valid number", j);
        return -1;
    }
    if (!isfinite(v)) {
        type_error(errs, loc, "finite_number", "Input should be a finite number", j);
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
        type_error(errs, loc, "bool_type", "Input should be a valid boolean", j);
        return -1;
    }
    type_error(errs, loc, "bool_parsing", "Input should be a valid boolean, unable to interpret input", j);
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

/* Check a string's constraints, in pydantic's order. @return 0 or -1 (error added). */
static int check_string(const struct rt_valid_rule *r, const char *s, size_t len, struct json_object *input,
                        struct rt_valid_errors *errs, const struct rt_valid_loc *loc)
{
    long chars = rt_url_utf8_length(s, len);
    char msg[512];
    const char *reason;
    struct json_object *ctx;

    if (chars < 0) {
        type_error(errs, loc, "string_unicode",
                   "Input should be a valid string, unable to parse raw data as a unicode string", NULL);
        return -1;
    }
    if (memchr(s, '\0', len) != NULL) {
        error_ctx_str(errs, loc, "value_error", "Value error, NUL characters are not allowed",
                      json_object_get(input), "error", "NUL characters are not allowed");
        return -1;
    }
    if ((size_t)chars < r->min_length || (r->max_length > 0 && (size_t)chars > r->max_length)) {
        bool short_ = (size_t)chars < r->min_length;
        size_t limit = short_ ? r->min_length : r->max_length;

        snprintf(msg, sizeof(msg), "String should have at %s %zu character%s", short_ ? "least" : "most",
                 limit, limit == 1 ? "" : "s");
        ctx = json_object_new_object();
        json_object_object_add(ctx, short_ ? "min_length" : "max_length",
                               json_object_new_int64((int64_t)limit));
        rt_valid_error_add(errs, loc, short_ ? "string_too_short" : "string_too_long", msg,
                           json_object_get(input), ctx);
        return -1;
    }
    if (r->pattern != NULL) {
        if (rt_valid_pattern_compile(r->pattern) < 0)
            abort(); /* a broken spec; api_init() reports it at start-up */
        if (regexec(&r->pattern->re, s, 0, NULL, 0) != 0) {
            snprintf(msg, sizeof(msg), "String should match pattern '%s'", r->pattern->source);
            error_ctx_str(errs, loc, "string_pattern_mismatch", msg, json_object_get(input), "pattern",
                          r->pattern->source);
            return -1;
        }
    }
    switch (r->format) {
    case RT_VALID_FORMAT_EMAIL:
        if ((reason = rt_valid_email_reason(s, len)) != NULL) {
            snprintf(msg, sizeof(msg), "value is not a valid email address: %s", reason);
            error_ctx_str(errs, loc, "value_error", msg, json_object_get(input), "reason", reason);
            return -1;
        }
        break;
    case RT_VALID_FORMAT_DATE_TIME:
        if ((reason = datetime_reason(s, len)) != NULL) {
            snprintf(msg, sizeof(msg), "Input should be a valid datetime, %s", reason);
            error_ctx_str(errs, loc, "datetime_parsing", msg, json_object_get(input), "error", reason);
            return -1;
        }
        break;
    case RT_VALID_FORMAT_UUID:
        if ((reason = uuid_reason(s, len)) != NULL) {
            snprintf(msg, sizeof(msg), "Input should be a valid UUID, %s", reason);
            error_ctx_str(errs, loc, "uuid_parsing", msg, json_object_get(input), "error", reason);
            return -1;
        }
        break;
    case RT_VALID_FORMAT_NONE:
        break;
    }
    if (r->enum_values != NULL) {
        const char *const *e;

        for (e = r->enum_values; *e != NULL; e++) {
            if (strlen(*e) == len && memcmp(*e, s, len) == 0)
                return 0;
        }
        enum_expected(r->enum_values, msg, sizeof(msg) - 32);
        {
            char full[sizeof(msg) + 32];

            snprintf(full, sizeof(full), "Input should be %s", msg);
            error_ctx_str(errs, loc, "enum", full, json_object_get(input), "expected", msg);
        }
        return -1;
    }
    return 0;
}

/* Copy a validated string, to request memory when @p req is set, else malloc. Emails get a lower-case domain.
 */
static char *copy_string(const struct rt_valid_rule *r, const char *s, size_t len, struct rt_req *req)
{
    char *copy;

    if (req != NULL) {
        copy = rt_req_strndup(req, s, len);
    } else {
        copy = malloc(len + 1);
        if (copy == NULL)
            abort();
        memcpy(copy, s, len);
        copy[len] = '\0';
    }
    if (r->format == RT_VALID_FORMAT_EMAIL) {
        char *p;

        for (p = strchr(copy, '@'); p != NULL && *p != '\0'; p++)
            *p = (char)tolower((unsigned char)*p);
    }
    return copy;
}

static size_t item_size(const struct rt_valid_rule *r)
{
    switch (r->kind) {
    case RT_VALID_STRING:
        return sizeof(char *);
    case RT_VALID_INTEGER:
        return sizeof(int64_t);
    case RT_VALID_NUMBER:
        return sizeof(double);
    case RT_VALID_BOOLEAN:
        return sizeof(bool);
    case RT_VALID_OBJECT:
        return r->model->size;
    case RT_VALID_ANY:
        return sizeof(struct json_object *);
    case RT_VALID_ARRAY:
        break;
    }
    abort(); /* arrays of arrays are refused by the generator */
}

/*
 * Validate @p j (NULL for JSON null) against @p r and store it at @p dst
 * (an array stores its items there and its length at @p len_dst; an object
 * item of an array is stored by value when @p by_value).  Strings go to
 * request memory when @p req is set, else they are malloc'd.
 * @return 0 if stored, 1 if null was accepted (nothing stored), -1 if an
 * error was added.
 */
static int convert(const struct rt_valid_rule *r, struct json_object *j, void *dst, size_t *len_dst,
                   bool by_value, struct rt_valid_errors *errs, const struct rt_valid_loc *loc,
                   struct rt_req *req)
{
    if (j == NULL || json_object_get_type(j) == json_type_null) {
        if (r->nullable)
            return 1;
        switch (r->kind) {
        case RT_VALID_ANY:
            *(struct json_object **)dst = NULL;
            return 0;
        case RT_VALID_STRING:
            type_error(errs, loc, "string_type", "Input should be a valid string", NULL);
            return -1;
        case RT_VALID_ARRAY:
            type_error(errs, loc, "list_type", "Input should be a valid list", NULL);
            return -1;
        case RT_VALID_OBJECT:
            type_error(errs, loc, "model_attributes_type",
                       "Input should be a valid dictionary or object to extract fields from", NULL);
            return -1;
        default:
            break; /* the type-specific converters report null */
        }
    }
    switch (r->kind) {
    case RT_VALID_ANY:
        *(struct json_object **)dst = json_object_get(j);
        return 0;
    case RT_VALID_STRING: {
        const char *s;
        size_t len;

        if (json_object_get_type(j) != json_type_string) {
            type_error(errs, loc, "string_type", "Input should be a valid string", j);
            return -1;
        }
        s = json_object_get_string(j);
        len = (size_t)json_object_get_string_len(j);
        if (check_string(r, s, len, j, errs, loc) < 0)
            return -1;
        *(char **)dst = copy_string(r, s, len, req);
        return 0;
    }
    case RT_VALID_INTEGER:
        return convert_integer(r, j, dst, errs, loc);
    case RT_VALID_NUMBER:
        return convert_number(r, j, dst, errs, loc);
    case RT_VALID_BOOLEAN:
        return convert_boolean(j, dst, errs, loc);
    case RT_VALID_OBJECT: {
        void *obj;

        if (json_object_get_type(j) != json_type_object) {
            type_error(errs, loc, "model_attributes_type",
                       "Input should be a valid dictionary or object to extract fields from", j);
            return -1;
        }
        if (by_value)
            return rt_valid_model_from_json(r->model, j, dst, errs, loc);
        obj = rt_xcalloc(1, r->model->size);
        *(void **)dst = obj; /* stored even when invalid, so that cleanup frees it */
        return rt_valid_model_from_json(r->model, j, obj, errs, loc);
    }
    case RT_VALID_ARRAY: {
        size_t n, i, size = item_size(r->items);
        char *items;
        int rc = 0;

        if (json_object_get_type(j) != json_type_array) {
            type_error(errs, loc, "list_type", "Input should be a valid list", j);
            return -1;
        }
        n = json_object_array_length(j);
        items = rt_xcalloc(n, size);
        *(void **)dst = items;
        *len_dst = n;
        for (i = 0; i < n; i++) {
            struct rt_valid_loc at = {loc, NULL, (int64_t)i};

            if (convert(r->items, json_object_array_get_idx(j, i), items + i * size, NULL, true, errs, &at,
                        req) < 0)
                rc = -1;
        }
        return rc;
    }
    }
    abort();
}

/* --- models --- */

#define AT(base, off, type) ((type *)((char *)(base) + (off)))
#define AT_CONST(base, off, type) ((const type *)((const char *)(base) + (off)))

int rt_valid_model_from_json(const struct rt_valid_model *model, struct json_object *j, void *out,
                             struct rt_valid_errors *errs, const struct rt_valid_loc *loc)
{
    size_t i, before = rt_valid_errors_count(errs);

    memset(out, 0, model->size);
    if (j == NULL || json_object_get_type(j) != json_type_object) {
        type_error(errs, loc, "model_attributes_type",
                   "Input should be a valid dictionary or object to extract fields from", j);
        return -1;
    }
    for (i = 0; i < model->n_fields; i++) {
        const struct rt_valid_field *f = &model->fields[i];
        struct rt_valid_loc at = {loc, f->name, 0};
        struct json_object *v;
        bool is_array = f->rule->kind == RT_VALID_ARRAY;
        int rc;

        if (!json_object_object_get_ex(j, f->name, &v)) {
            if (f->required)
                rt_valid_error_add(errs, &at, "missing", "Field required", json_object_get(j), NULL);
            continue;
        }
        rc = convert(f->rule, v, AT(out, f->offset, void), is_array ? AT(out, f->aux_offset, size_t) : NULL,
                     false, errs, &at, NULL);
        if (rc == 0 && !is_array && f->aux_offset != RT_VALID_NO_OFFSET)
            *AT(out, f->aux_offset, bool) = true;
    }
    return rt_valid_errors_count(errs) > before ? -1 : 0;
}

static struct json_object *value_to_json(const struct rt_valid_rule *r, const void *p, bool by_value);

static struct json_object *array_to_json(const struct rt_valid_rule *r, const void *items, size_t n)
{
    struct json_object *arr = json_object_new_array_ext((int)n);
    size_t i, size = item_size(r->items);

    for (i = 0; i < n; i++)
        json_object_array_add(arr, value_to_json(r->items, (const char *)items + i * size, true));
    return arr;
}

/* @p p points at the stored value (for an object field: at the pointer to it). */
static struct json_object *value_to_json(const struct rt_valid_rule *r, const void *p, bool by_value)
{
    switch (r->kind) {
    case RT_VALID_ANY:
        return json_object_get(*(struct json_object *const *)p);
    case RT_VALID_STRING: {
        const char *s = *(const char *const *)p;

        return s != NULL ? json_object_new_string(s) : NULL;
    }
    case RT_VALID_INTEGER:
        return json_object_new_int64(*(const int64_t *)p);
    case RT_VALID_NUMBER:
        return rt_valid_json_double(*(const double *)p);
    case RT_VALID_BOOLEAN:
        return json_object_new_boolean(*(const bool *)p);
    case RT_VALID_OBJECT: {
        const void *obj = by_value ? p : *(const void *const *)p;

        return obj != NULL ? rt_valid_model_to_json(r->model, obj) : NULL;
    }
    case RT_VALID_ARRAY:
        break; /* handled by the caller, which knows where the length is */
    }
    abort();
}

struct json_object *rt_valid_model_to_json(const struct rt_valid_model *model, const void *v)
{
    struct json_object *obj = json_object_new_object();
    size_t i;

    for (i = 0; i < model->n_fields; i++) {
        const struct rt_valid_field *f = &model->fields[i];
        const void *p = AT_CONST(v, f->offset, void);
        struct json_object *value;

        if (f->rule->kind == RT_VALID_ARRAY) {
            value = array_to_json(f->rule, *(const void *const *)p, *AT_CONST(v, f->aux_offset, size_t));
        } else if (f->aux_offset != RT_VALID_NO_OFFSET && !*AT_CONST(v, f->aux_offset, bool)) {
            if (!f->rule->nullable)
                continue; /* optional and absent */
            value = NULL;
        } else {
            value = value_to_json(f->rule, p, false);
            if (value == NULL && !f->rule->nullable && !f->required)
                continue; /* an optional string, object or JSON value left NULL */
        }
        json_object_object_add(obj, f->name, value);
    }
    return obj;
}

/*
 * The same serialization as rt_valid_model_to_json(), written as text
 * straight into @p out: what answers use, without building a json-c tree.
 * unit.rt_json checks that both give the same bytes.
 */
static void value_write_json(const struct rt_valid_rule *r, const void *p, bool by_value,
                             struct rt_json_buf *out);

static void array_write_json(const struct rt_valid_rule *r, const void *items, size_t n,
                             struct rt_json_buf *out)
{
    size_t i, size = item_size(r->items);

    rt_json_put_raw(out, "[", 1);
    for (i = 0; i < n; i++) {
        if (i > 0)
            rt_json_put_raw(out, ",", 1);
        value_write_json(r->items, (const char *)items + i * size, true, out);
    }
    rt_json_put_raw(out, "]", 1);
}

/* Whether value_to_json() would give NULL (a string or object left NULL). */
static bool value_is_null(const struct rt_valid_rule *r, const void *p, bool by_value)
{
    if (r->kind == RT_VALID_ANY || r->kind == RT_VALID_STRING)
        return *(const void *const *)p == NULL;
    return r->kind == RT_VALID_OBJECT && !by_value && *(const void *const *)p == NULL;
}

static void value_write_json(const struct rt_valid_rule *r, const void *p, bool by_value,
                             struct rt_json_buf *out)
{
    if (value_is_null(r, p, by_value)) {
        rt_json_put_null(out);
        return;
    }
    switch (r->kind) {
    case RT_VALID_ANY:
        rt_json_put_value(out, *(struct json_object *const *)p);
        return;
    case RT_VALID_STRING:
        rt_json_put_string(out, *(const char *const *)p);
        return;
    case RT_VALID_INTEGER:
        rt_json_put_int(out, *(const int64_t *)p);
        return;
    case RT_VALID_NUMBER:
        rt_json_put_double(out, *(const double *)p);
        return;
    case RT_VALID_BOOLEAN:
        rt_json_put_bool(out, *(const bool *)p);
        return;
    case RT_VALID_OBJECT:
        rt_valid_model_write_json(r->model, by_value ? p : *(const void *const *)p, out);
        return;
    case RT_VALID_ARRAY:
        break; /* handled by the caller, which knows where the length is */
    }
    abort();
}

void rt_valid_model_write_json(const struct rt_valid_model *model, const void *v, struct rt_json_buf *out)
{
    bool first = true;
    size_t i;

    rt_json_put_raw(out, "{", 1);
    for (i = 0; i < model->n_fields; i++) {
        const struct rt_valid_field *f = &model->fields[i];
        const void *p = AT_CONST(v, f->offset, void);
        bool absent = f->rule->kind != RT_VALID_ARRAY && f->aux_offset != RT_VALID_NO_OFFSET &&
                      !*AT_CONST(v, f->aux_offset, bool);

        if (absent && !f->rule->nullable)
            continue; /* optional and absent */
        if (!absent && value_is_null(f->rule, p, false) && !f->rule->nullable && !f->required)
            continue; /* an optional string, object or JSON value left NULL */
        if (!first)
            rt_json_put_raw(out, ",", 1);
        first = false;
        rt_json_put_string(out, f->name);
        rt_json_put_raw(out, ":", 1);
        if (absent)
            rt_json_put_null(out);
        else if (f->rule->kind == RT_VALID_ARRAY)
            array_write_json(f->rule, *(const void *const *)p, *AT_CONST(v, f->aux_offset, size_t), out);
        else
            value_write_json(f->rule, p, false, out);
    }
    rt_json_put_raw(out, "}", 1);
}

/*
 * One text buffer per thread, kept across answers (an answer is copied out
 * of it at once) and freed when the thread exits.
 */
static pthread_key_t reply_text_key;
static pthread_once_t reply_text_once = PTHREAD_ONCE_INIT;

static void reply_text_free(void *p)
{
    rt_json_buf_free(p);
    free(p);
}

static void reply_text_key_create(void)
{
    if (pthread_key_create(&reply_text_key, reply_text_free) != 0)
        abort();
}

static struct rt_json_buf *reply_text(void)
{
    struct rt_json_buf *text;

    pthread_once(&reply_text_once, reply_text_key_create);
    text = pthread_getspecific(reply_text_key);
    if (text == NULL) {
        text = rt_xcalloc(1, sizeof(*text));
        pthread_setspecific(reply_text_key, text);
    }
    text->len = 0;
    return text;
}

void rt_valid_reply_model(struct rt_req *req, int status, const struct rt_valid_model *model, const void *v)
{
    struct rt_json_buf *text = reply_text();

    rt_valid_model_write_json(model, v, text);
    rt_req_reply(req, status, "application/json", text->data, text->len);
}

/* Free what one stored value owns; @p p as in value_to_json(). */
static void value_cleanup(const struct rt_valid_rule *r, void *p, size_t *len, bool by_value)
{
    switch (r->kind) {
    case RT_VALID_ANY:
        json_object_put(*(struct json_object **)p);
        *(struct json_object **)p = NULL;
        break;
    case RT_VALID_STRING:
        free(*(char **)p);
        *(char **)p = NULL;
        break;
    case RT_VALID_OBJECT:
        if (by_value) {
            rt_valid_model_cleanup(r->model, p);
        } else {
            rt_valid_model_cleanup(r->model, *(void **)p);
            free(*(void **)p);
            *(void **)p = NULL;
        }
        break;
    case RT_VALID_ARRAY: {
        char *items = *(char **)p;
        size_t i, size = item_size(r->items);

        for (i = 0; items != NULL && i < *len; i++)
            value_cleanup(r->items, items + i * size, NULL, true);
        free(items);
        *(char **)p = NULL;
        *len = 0;
        break;
    }
    default:
        break;
    }
}

void rt_valid_model_cleanup(const struct rt_valid_model *model, void *v)
{
    size_t i;

    if (v == NULL)
        return;
    for (i = 0; i < model->n_fields; i++) {
        const struct rt_valid_field *f = &model->fields[i];

        value_cleanup(f->rule, AT(v, f->offset, void),
                      f->rule->kind == RT_VALID_ARRAY ? AT(v, f->aux_offset, size_t) : NULL, false);
    }
    memset(v, 0, model->size);
}

/* --- requests --- */

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/*
 * json-c's strict mode still takes some numbers that JSON (RFC 8259) does
 * not: NaN, Infinity, -Infinity, 1., 1.e5, -.5 and -01.  They would also
 * come back out verbatim in a 422's "input", which would then not be JSON.
 * Scan @p text (which json-c has parsed: its strings are terminated) for
 * the first number that does not follow JSON's grammar.
 * @return its byte offset, or -1 if every number is fine.
 */
static long bad_number_offset(const char *text, size_t len)
{
    size_t i = 0;

    while (i < len) {
        size_t start = i;

        if (text[i] == '"') {
            for (i++; i < len && text[i] != '"'; i++) {
                if (text[i] == '\\')
                    i++;
            }
            i++;
            continue;
        }
        if (text[i] != '-' && text[i] != 'N' && text[i] != 'I' && !is_digit(text[i])) {
            i++;
            continue;
        }
        /* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
        if (text[i] == '-')
            i++;
        if (i >= len || !is_digit(text[i]) || (text[i] == '0' && i + 1 < len && is_digit(text[i + 1])))
            return (long)start;
        while (i < len && is_digit(text[i]))
            i++;
        if (i < len && text[i] == '.') {
            if (++i >= len || !is_digit(text[i]))
                return (long)start;
            while (i < len && is_digit(text[i]))
                i++;
        }
        if (i < len && (text[i] == 'e' || text[i] == 'E')) {
            if (++i < len && (text[i] == '+' || text[i] == '-'))
                i++;
            if (i >= len || !is_digit(text[i]))
                return (long)start;
            while (i < len && is_digit(text[i]))
                i++;
        }
    }
    return -1;
}

int rt_valid_json_parse(const char *text, size_t len, struct json_object **out, struct rt_valid_errors *errs)
{
    struct json_tokener *tok = json_tokener_new_ex(RT_VALID_JSON_MAX_DEPTH);
    struct json_object *j = NULL;
    enum json_tokener_error err;
    const char *why = NULL;
    size_t end = 0;
    long bad;

    *out = NULL;
    if (tok == NULL)
        abort();
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    if (len > (size_t)INT32_MAX) {
        why = "document too large";
        goto fail;
    }
    j = json_tokener_parse_ex(tok, text, (int)len);
    err = json_tokener_get_error(tok);
    end = json_tokener_get_parse_end(tok);
    if (err == json_tokener_continue) {
        /* A number at the very end is only complete once something follows it. */
        j = json_tokener_parse_ex(tok, " ", 1);
        err = json_tokener_get_error(tok);
        if (err == json_tokener_continue) {
            why = "unexpected end of data";
            end = len;
            goto fail;
        }
        end = len;
    }
    if (err != json_tokener_success) {
        why = json_tokener_error_desc(err);
        goto fail;
    }
    for (; end < len; end++) {
        if (!is_space(text[end]) || text[end] == '\v' || text[end] == '\f') {
            why = "extra data after the JSON value";
            goto fail;
        }
    }
    bad = bad_number_offset(text, len);
    if (bad >= 0) {
        why = "invalid number";
        end = (size_t)bad;
        goto fail;
    }
    json_tokener_free(tok);
    *out = j;
    return 0;
fail:
    json_object_put(j);
    json_tokener_free(tok);
    {
        struct rt_valid_loc body = {NULL, "body", 0}, at = {&body, NULL, (int64_t)end};

        error_ctx_str(errs, &at, "json_invalid", "JSON decode error", json_object_new_object(), "error", why);
    }
    return -1;
}

static const char *in_name(enum rt_valid_in in)
{
    return in == RT_VALID_IN_PATH ? "path" : in == RT_VALID_IN_QUERY ? "query" : "header";
}

int rt_valid_params(struct rt_req *req, const struct rt_valid_param *params, size_t n_params,
                    const char *const *path_values, void *out, struct rt_valid_errors *errs)
{
    size_t i;

    for (i = 0; i < n_params; i++) {
        const struct rt_valid_param *p = &params[i];
        struct rt_valid_loc root = {NULL, in_name(p->in), 0}, at = {&root, p->name, 0};
        const char *text = NULL;
        struct json_object *j;
        int rc;

        switch (p->in) {
        case RT_VALID_IN_PATH:
            text = path_values[p->path_index];
            break;
        case RT_VALID_IN_QUERY:
            rc = rt_url_query_get(req, rt_req_query(req), p->name, &text);
            if (rc != RT_URL_OK) {
                char detail[160];

                snprintf(detail, sizeof(detail), "Invalid query parameter '%.100s': %s", p->name,
                         rt_url_strerror(rc));
                rt_req_reply_detail(req, 400, detail);
                return -1;
            }
            break;
        case RT_VALID_IN_HEADER:
            text = rt_req_header(req, p->name);
            break;
        }
        if (text == NULL)
            text = p->default_text;
        if (text == NULL) {
            if (p->required)
                rt_valid_error_add(errs, &at, "missing", "Field required", NULL, NULL);
            continue;
        }
        j = json_object_new_string(text);
        rc = convert(p->rule, j, AT(out, p->offset, void), NULL, false, errs, &at, req);
        json_object_put(j);
        if (rc == 0 && p->has_offset != RT_VALID_NO_OFFSET)
            *AT(out, p->has_offset, bool) = true;
    }
    return 0;
}

/* application/json or application/<anything>+json, parameters ignored, any case. */
static bool is_json_media_type(const char *ct)
{
    const char *p, *end;
    size_t len;

    while (is_space(*ct))
        ct++;
    end = ct + strcspn(ct, ";");
    while (end > ct && is_space(end[-1]))
        end--;
    len = (size_t)(end - ct);
    if (len < 12 || strncasecmp(ct, "application/", 12) != 0)
        return false;
    p = ct + 12;
    if ((size_t)(end - p) == 4 && strncasecmp(p, "json", 4) == 0)
        return true;
    return (size_t)(end - p) > 5 && strncasecmp(end - 5, "+json", 5) == 0;
}

struct body_cleanup {
    const struct rt_valid_model *model;
    void *value;
};

static void body_cleanup_cb(void *arg)
{
    struct body_cleanup *c = arg;

    rt_valid_model_cleanup(c->model, c->value);
}

int rt_valid_body(struct rt_req *req, const struct rt_valid_model *model, bool required, void *out,
                  struct rt_valid_errors *errs)
{
    struct rt_valid_loc at = {NULL, "body", 0};
    const char *ct = rt_req_header(req, "Content-Type");
    struct json_object *j = NULL;
    struct body_cleanup *c;
    size_t len = 0;
    const char *text = rt_req_body(req, &len);
    int rc;

    if (text == NULL || len == 0)
        goto missing;
    if (ct != NULL && !is_json_media_type(ct)) {
        struct json_object *input = rt_url_utf8_length(text, len) >= 0 && memchr(text, '\0', len) == NULL
                                        ? json_object_new_string_len(text, (int)len)
                                        : NULL;

        rt_valid_error_add(errs, &at, "model_attributes_type",
                           "Input should be a valid dictionary or object to extract fields from", input,
                           NULL);
        return 0;
    }
    if (rt_valid_json_parse(text, len, &j, errs) < 0)
        return 0;
    if (j == NULL) /* the JSON null: FastAPI treats it as no body */
        goto missing;
    c = rt_req_alloc(req, sizeof(*c));
    c->model = model;
    c->value = out;
    rt_req_defer(req, body_cleanup_cb, c);
    rc = rt_valid_model_from_json(model, j, out, errs, &at);
    json_object_put(j);
    return rc == 0;
missing:
    if (required)
        rt_valid_error_add(errs, &at, "missing", "Field required", NULL, NULL);
    return 0;
}
