/*
 * rt_valid_format — email (email-validator's messages for the common
 * failures, no IDNA or special-use-domain checks), date-time (speedate's,
 * pydantic's parser) and uuid (the uuid crate's).
 */
#include "rt_valid_format.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* --- email --- */

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
    return isalnum(c) || c >= 0x80 || (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/* "<what> (<n> character(s) too many)." into @p buf. @return buf. */
static const char *too_many(char *buf, size_t size, const char *what, size_t n)
{
    snprintf(buf, size, "%s (%zu character%s too many).", what, n, n == 1 ? "" : "s");
    return buf;
}

/* "<what>: <the character shown>." into @p buf. @return buf. */
static const char *bad_char(char *buf, size_t size, const char *what, unsigned char c)
{
    char shown[16];

    show_char(c, shown, sizeof(shown));
    snprintf(buf, size, "%s: %s.", what, shown);
    return buf;
}

/* The part before the '@' (@p len > 0 bytes). @return NULL or the reason. */
static const char *email_local_reason(const char *s, size_t len, char *buf, size_t size)
{
    size_t i;

    for (i = 0; i < len; i++) {
        if (s[i] != '.' && !is_atext((unsigned char)s[i]))
            return bad_char(buf, size, "The email address contains invalid characters before the @-sign",
                            (unsigned char)s[i]);
    }
    if (s[0] == '.')
        return "An email address cannot start with a period.";
    if (s[len - 1] == '.')
        return "An email address cannot have a period immediately before the @-sign.";
    if (memmem(s, len, "..", 2) != NULL)
        return "An email address cannot have two periods in a row.";
    return NULL;
}

/* The labels of the domain [dom, end) (no empty ones). @return NULL or the reason. */
static const char *email_labels_reason(const char *dom, const char *end, char *buf, size_t size)
{
    const char *label, *p;

    for (label = dom; label < end; label = p + 1) {
        p = memchr(label, '.', (size_t)(end - label));
        if (p == NULL)
            p = end;
        if (label[0] == '-' || p[-1] == '-')
            return "An email address cannot have a hyphen immediately before or after a period.";
        if (p - label > 63)
            return too_many(buf, size, "After the @-sign, periods cannot be separated by so many characters",
                            (size_t)(p - label) - 63);
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

/* The part after the '@': [dom, end), not empty. @return NULL or the reason. */
static const char *email_domain_reason(const char *dom, const char *end, char *buf, size_t size)
{
    size_t len = (size_t)(end - dom);
    const char *p;

    for (p = dom; p < end; p++) {
        unsigned char c = (unsigned char)*p;

        if (!(isalnum(c) || c == '-' || c == '.' || c >= 0x80))
            return bad_char(buf, size, "The part after the @-sign contains invalid characters", c);
    }
    if (dom[0] == '.')
        return "An email address cannot have a period immediately after the @-sign.";
    if (end[-1] == '.')
        return "An email address cannot end with a period.";
    if (memmem(dom, len, "..", 2) != NULL)
        return "An email address cannot have two periods in a row.";
    if (memchr(dom, '.', len) == NULL)
        return "The part after the @-sign is not valid. It should have a period.";
    return email_labels_reason(dom, end, buf, size);
}

/*
 * RFC 5321's quoted local part ("joe bloggs"@...): the end of the quoted
 * string at @p s, or NULL when it is not one (or not closed).  @p idn: RFC
 * 6531's, whose quoted text may hold non-ASCII (UTF-8) characters too.
 */
static const char *quoted_local_end(const char *s, const char *end, bool idn)
{
    const char *p;

    if (s == end || *s != '"')
        return NULL;
    for (p = s + 1; p < end; p++) {
        if (*p == '\\' && p + 1 < end)
            p++;
        else if (*p == '"')
            return p + 1;
        else if ((unsigned char)*p < 0x20 || (unsigned char)*p == 0x7F || ((unsigned char)*p > 0x7F && !idn))
            return NULL;
    }
    return NULL;
}

/* RFC 5321's address literal: [IPv4] or [IPv6:address]. @return NULL or the reason. */
static const char *domain_literal_reason(const char *dom, const char *end)
{
    char addr[64];
    unsigned char bin[16];
    size_t n = (size_t)(end - dom);
    bool v6 = n > 7 && strncmp(dom + 1, "IPv6:", 5) == 0;
    size_t skip = v6 ? 6 : 1;

    if (n < 3 || dom[n - 1] != ']' || n - skip - 1 >= sizeof(addr))
        return "The domain literal is not valid.";
    memcpy(addr, dom + skip, n - skip - 1);
    addr[n - skip - 1] = '\0';
    if (inet_pton(v6 ? AF_INET6 : AF_INET, addr, bin) != 1)
        return "The domain literal is not a valid IP address.";
    return NULL;
}

/*
 * Check the email address in @p s (@p idn: RFC 6531's, see
 * quoted_local_end()); put a formatted reason into @p buf when one needs
 * numbers.  See rt_valid_format_email_reason().
 */
static const char *email_reason(const char *s, size_t len, bool idn, char *buf, size_t size)
{
    const char *end = s + len, *quoted = quoted_local_end(s, end, idn);
    const char *at = quoted != NULL && quoted < end && *quoted == '@' ? quoted : memchr(s, '@', len);
    size_t local_len;
    const char *why;

    if (quoted == at && at != NULL) {
        if (at + 1 == end)
            return "There must be something after the @-sign.";
        if (memchr(at + 1, '@', (size_t)(end - at - 1)) != NULL)
            return "The email address is not valid. It must have exactly one @-sign.";
        if (at + 1 < end && at[1] == '[')
            return domain_literal_reason(at + 1, end);
        return email_domain_reason(at + 1, end, buf, size);
    }
    if (at != NULL && at > s && at + 1 < end && at[1] == '[' &&
        memchr(at + 1, '@', (size_t)(end - at - 1)) == NULL &&
        email_local_reason(s, (size_t)(at - s), buf, size) == NULL)
        return domain_literal_reason(at + 1, end);
    if (at == NULL)
        return "An email address must have an @-sign.";
    if (memchr(at + 1, '@', (size_t)(end - at - 1)) != NULL)
        return "The email address is not valid. It must have exactly one @-sign.";
    local_len = (size_t)(at - s);
    if (local_len == 0)
        return "There must be something before the @-sign.";
    if (at + 1 == end)
        return "There must be something after the @-sign.";
    if (len > 254)
        return too_many(buf, size, "The email address is too long", len - 254);
    if (local_len > 64)
        return too_many(buf, size, "The email address is too long before the @-sign", local_len - 64);
    if ((why = email_local_reason(s, local_len, buf, size)) != NULL)
        return why;
    return email_domain_reason(at + 1, end, buf, size);
}

const char *rt_valid_format_email_reason(const char *s, size_t len)
{
    static _Thread_local char buf[160];

    return email_reason(s, len, false, buf, sizeof(buf));
}

const char *rt_valid_format_idn_email_reason(const char *s, size_t len)
{
    static _Thread_local char buf[160];

    return email_reason(s, len, true, buf, sizeof(buf));
}

/* --- date-time --- */

static bool digits_at(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return false;
    }
    return true;
}

static int two_digits(const char *s)
{
    return (s[0] - '0') * 10 + (s[1] - '0');
}

static int days_in_month(int year, int month)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

    return month == 2 && leap ? 29 : days[month - 1];
}

/* RFC 3339's full-date, YYYY-MM-DD, on the calendar. */
const char *rt_valid_format_date_reason(const char *s, size_t len)
{
    int year, month;

    if (len < 10)
        return "input is too short";
    if (!digits_at(s, 4) || s[4] != '-' || !digits_at(s + 5, 2) || s[7] != '-' || !digits_at(s + 8, 2))
        return "invalid date separator, expected `-`";
    if (len > 10)
        return "unexpected extra characters at the end of the input";
    year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + two_digits(s + 2);
    month = two_digits(s + 5);
    if (month < 1 || month > 12)
        return "month value is outside expected range of 1-12";
    if (two_digits(s + 8) < 1 || two_digits(s + 8) > days_in_month(year, month))
        return "day value is outside expected range";
    return NULL;
}

/* The offset at @p s (Z, or +HH:MM / -HH:MM) in minutes east of UTC. @return NULL or the reason. */
static const char *offset_reason(const char *s, size_t len, int *minutes)
{
    *minutes = 0;
    if (len == 1 && (s[0] == 'Z' || s[0] == 'z'))
        return NULL;
    if (len != 6 || (s[0] != '+' && s[0] != '-') || !digits_at(s + 1, 2) || s[3] != ':' ||
        !digits_at(s + 4, 2))
        return "invalid timezone: an offset (Z or +HH:MM) is required";
    if (two_digits(s + 1) > 23 || two_digits(s + 4) > 59)
        return "timezone offset is outside expected range";
    *minutes = (s[0] == '-' ? -1 : 1) * (two_digits(s + 1) * 60 + two_digits(s + 4));
    return NULL;
}

/* RFC 3339's full-time: HH:MM:SS[.fraction] and an offset; a leap second only at 23:59:60 UTC. */
const char *rt_valid_format_time_reason(const char *s, size_t len)
{
    size_t i = 8;
    int offset, utc;
    const char *why;

    if (len < 8)
        return "input is too short";
    if (!digits_at(s, 2) || s[2] != ':' || !digits_at(s + 3, 2) || s[5] != ':' || !digits_at(s + 6, 2))
        return "invalid character in hour, minute or second";
    if (two_digits(s) > 23 || two_digits(s + 3) > 59 || two_digits(s + 6) > 60)
        return "time value is outside expected range";
    if (i < len && s[i] == '.') {
        size_t f = ++i;

        while (i < len && isdigit((unsigned char)s[i]))
            i++;
        if (i == f)
            return "second fraction value is missing";
    }
    if ((why = offset_reason(s + i, len - i, &offset)) != NULL)
        return why;
    utc = ((two_digits(s) * 60 + two_digits(s + 3) - offset) % 1440 + 1440) % 1440;
    if (two_digits(s + 6) == 60 && utc != 23 * 60 + 59)
        return "a leap second is only valid at 23:59:60 UTC";
    return NULL;
}

/* RFC 3339's date-time: full-date "T" full-time. */
const char *rt_valid_format_date_time_reason(const char *s, size_t len)
{
    const char *why;

    if (len < 19)
        return "input is too short";
    if ((why = rt_valid_format_date_reason(s, 10)) != NULL)
        return why;
    if (s[10] != 'T' && s[10] != 't')
        return "invalid datetime separator, expected `T` or `t`";
    return rt_valid_format_time_reason(s + 11, len - 11);
}

/* --- byte (OpenAPI: base64, RFC 4648 with padding) --- */

const char *rt_valid_format_byte_reason(const char *s, size_t len)
{
    size_t i, pad = 0;

    if (len % 4 != 0)
        return "Incorrect padding";
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == '=' && i + 2 >= len && (pad > 0 || i + 1 == len || s[i + 1] == '='))
            pad++;
        else if (pad > 0 || !(isalnum(c) || c == '+' || c == '/') || c >= 0x80)
            return "Only base64 data is allowed";
    }
    return NULL;
}

/* --- duration (RFC 3339 appendix A) --- */

/*
 * Read the elements at *@p pp: numbers each followed by one of @p units,
 * the units in their order, each the one after the last (no gap).
 * @return how many, or -1 with *@p why set.
 */
static int duration_elements(const char **pp, const char *end, const char *units, const char **why)
{
    const char *p = *pp, *unit, *next = NULL;
    int n = 0;

    while (p < end && *p >= '0' && *p <= '9') {
        while (p < end && *p >= '0' && *p <= '9')
            p++;
        if (p == end || (unit = strchr(units, *p)) == NULL || *p == '\0') {
            *why = "a number without its unit";
            return -1;
        }
        if (next != NULL && unit != next) {
            *why = "the elements are out of order or skip one";
            return -1;
        }
        next = unit + 1;
        p++;
        n++;
    }
    *pp = p;
    return n;
}

const char *rt_valid_format_duration_reason(const char *s, size_t len)
{
    const char *p = s + 1, *end = s + len, *why = NULL;
    int n_date, n_time = 0;

    if (len < 2 || s[0] != 'P')
        return "expected P and at least one element";
    if (p < end && *p >= '0' && *p <= '9') { /* P<n>W: weeks, alone */
        const char *q = p;

        while (q < end && *q >= '0' && *q <= '9')
            q++;
        if (q + 1 == end && *q == 'W')
            return NULL;
    }
    if ((n_date = duration_elements(&p, end, "YMD", &why)) < 0)
        return why;
    if (p < end && *p == 'T') {
        p++;
        if ((n_time = duration_elements(&p, end, "HMS", &why)) < 0)
            return why;
        if (n_time == 0)
            return "T without a time element";
    }
    if (p != end)
        return "unexpected characters after the duration";
    return n_date + n_time > 0 ? NULL : "expected at least one element";
}

/* --- uuid --- */

const char *rt_valid_format_uuid_reason(const char *s, size_t len)
{
    static const int dashes[] = {8, 13, 18, 23};
    size_t i, d = 0;

    if (len != 36)
        return "invalid length: expected length 36 for the hyphenated format";
    for (i = 0; i < len; i++) {
        if (d < 4 && (int)i == dashes[d]) {
            if (s[i] != '-')
                return "invalid group count";
            d++;
        } else if (!isxdigit((unsigned char)s[i])) {
            return "invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-]";
        }
    }
    return NULL;
}

/* The uuid @p s (already checked: 36 characters) is of the version @p format
 * names (pydantic's UUID1...UUID5: the version field, the 13th hex digit,
 * is checked; the variant is not). */
static int uuid_version_check(enum rt_valid_format format, const char *s, struct json_object *input,
                              struct rt_valid_errors *errs, const struct rt_valid_loc *loc)
{
    int want = format == RT_VALID_FORMAT_UUID1   ? 1
               : format == RT_VALID_FORMAT_UUID3 ? 3
               : format == RT_VALID_FORMAT_UUID4 ? 4
                                                 : 5;
    struct json_object *ctx;
    char msg[64];

    if (s[14] == '0' + want)
        return 0;
    snprintf(msg, sizeof(msg), "UUID version %d expected", want);
    ctx = json_object_new_object();
    json_object_object_add(ctx, "expected_version", json_object_new_int(want));
    rt_valid_error_add(errs, loc, "uuid_version", msg, json_object_get(input), ctx);
    return -1;
}

/* --- errors --- */

int rt_valid_format_check(enum rt_valid_format format, const char *s, size_t len, struct json_object *input,
                          struct rt_valid_errors *errs, const struct rt_valid_loc *loc)
{
    const char *reason, *type, *prefix, *key = "error";
    char msg[512];

    switch (format) {
    case RT_VALID_FORMAT_EMAIL:
        reason = rt_valid_format_email_reason(s, len);
        type = "value_error", prefix = "value is not a valid email address: ", key = "reason";
        break;
    case RT_VALID_FORMAT_IDN_EMAIL:
        reason = rt_valid_format_idn_email_reason(s, len);
        type = "value_error", prefix = "value is not a valid email address: ", key = "reason";
        break;
    case RT_VALID_FORMAT_DATE_TIME:
        reason = rt_valid_format_date_time_reason(s, len);
        type = "datetime_parsing", prefix = "Input should be a valid datetime, ";
        break;
    case RT_VALID_FORMAT_UUID:
    case RT_VALID_FORMAT_UUID1:
    case RT_VALID_FORMAT_UUID3:
    case RT_VALID_FORMAT_UUID4:
    case RT_VALID_FORMAT_UUID5:
        reason = rt_valid_format_uuid_reason(s, len);
        if (reason == NULL && format != RT_VALID_FORMAT_UUID)
            return uuid_version_check(format, s, input, errs, loc);
        type = "uuid_parsing", prefix = "Input should be a valid UUID, ";
        break;
    case RT_VALID_FORMAT_DATE:
        reason = rt_valid_format_date_reason(s, len);
        type = "date_parsing", prefix = "Input should be a valid date in the format YYYY-MM-DD, ";
        break;
    case RT_VALID_FORMAT_BYTE:
        reason = rt_valid_format_byte_reason(s, len);
        type = "base64_decode", prefix = "Base64 decoding error: ", key = "error";
        break;
    case RT_VALID_FORMAT_TIME:
        reason = rt_valid_format_time_reason(s, len);
        type = "time_parsing", prefix = "Input should be in a valid time format, ";
        break;
    case RT_VALID_FORMAT_DURATION:
        reason = rt_valid_format_duration_reason(s, len);
        type = "time_delta_parsing", prefix = "Input should be a valid timedelta, ";
        break;
    case RT_VALID_FORMAT_HOSTNAME:
    case RT_VALID_FORMAT_IDN_HOSTNAME:
        return rt_valid_format_net_check(format, s, len, input, errs, loc);
    case RT_VALID_FORMAT_URI:
    case RT_VALID_FORMAT_URI_REFERENCE:
    case RT_VALID_FORMAT_IRI:
    case RT_VALID_FORMAT_IRI_REFERENCE:
    case RT_VALID_FORMAT_URI_TEMPLATE:
        return rt_valid_format_uri_check(format, s, len, input, errs, loc);
    case RT_VALID_FORMAT_JSON_POINTER:
    case RT_VALID_FORMAT_RELATIVE_JSON_POINTER:
        return rt_valid_format_pointer_check(format, s, len, input, errs, loc);
    case RT_VALID_FORMAT_REGEX:
        return rt_valid_format_regex_check(s, len, input, errs, loc);
    case RT_VALID_FORMAT_DECIMAL:
    case RT_VALID_FORMAT_INT8_TEXT:
    case RT_VALID_FORMAT_INT16_TEXT:
    case RT_VALID_FORMAT_INT32_TEXT:
    case RT_VALID_FORMAT_INT64_TEXT:
    case RT_VALID_FORMAT_UINT8_TEXT:
    case RT_VALID_FORMAT_UINT16_TEXT:
    case RT_VALID_FORMAT_UINT32_TEXT:
    case RT_VALID_FORMAT_UINT64_TEXT:
        return rt_valid_format_number_check(format, s, len, input, errs, loc);
    default:
        return rt_valid_format_ip_check(format, s, len, input, errs, loc);
    }
    if (reason == NULL)
        return 0;
    snprintf(msg, sizeof(msg), "%s%s", prefix, reason);
    rt_valid_error_ctx(errs, loc, type, msg, json_object_get(input), key, reason);
    return -1;
}

int rt_valid_format_fail(const char *what, const char *reason, struct json_object *input,
                         struct rt_valid_errors *errs, const struct rt_valid_loc *loc)
{
    char msg[320];

    snprintf(msg, sizeof(msg), "value is not a valid %s: %s", what, reason);
    rt_valid_error_ctx(errs, loc, "value_error", msg, json_object_get(input), "error", reason);
    return -1;
}
