/*
 * rt_valid_format_net — the formats of network names: hostname (RFC 1123)
 * and idn-hostname (IDNA2008's IDN domain name, RFC 5890-5893); the URIs
 * are rt_valid_format_uri's.  libidn2 decodes A-labels (xn--...) and
 * registers U-labels, applying IDNA2008's rules (RFC 5891/5892: disallowed
 * code points, CONTEXTJ/CONTEXTO, leading combining marks, hyphens, the
 * Bidi rule within a label) as JSON Schema's formats ask; the Bidi rule
 * across the labels of a name (RFC 5893 section 2), which libidn2 does not
 * apply, is a PCRE2 expression over the code points' Bidi_Class.
 */
#include "rt_valid_format.h"
#include "rt_valid_pattern.h"

#include <ctype.h>
#include <idn2.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* --- hostname --- */

/*
 * An A-label ("xn--" and Punycode) that decodes to a valid U-label.  DNS
 * names are case-insensitive (RFC 4343) and RFC 5891 compares an A-label
 * with its re-encoding ignoring case: it is checked lower-cased.
 */
static bool alabel_ok(const char *s, size_t len)
{
    char buf[64];
    uint8_t *out = NULL;
    size_t i;
    int rc;

    for (i = 0; i < len; i++) /* len <= 63: checked by the caller */
        buf[i] = (char)tolower((unsigned char)s[i]);
    buf[len] = '\0';
    rc = idn2_register_u8(NULL, (const uint8_t *)buf, &out, 0);
    idn2_free(out);
    return rc == IDN2_OK;
}

/* One label of a host name (@p len > 0): ASCII letters, digits and hyphens (LDH), an xn-- label an A-label.
 * @return NULL if valid, else the reason (static). */
static const char *ldh_label_reason(const char *s, size_t len)
{
    size_t j;

    if (len > 63)
        return "a label is at most 63 characters long";
    if (s[0] == '-' || s[len - 1] == '-')
        return "a label neither starts nor ends with a hyphen";
    for (j = 0; j < len; j++)
        if (!isalnum((unsigned char)s[j]) && s[j] != '-')
            return "a label is made of ASCII letters, digits and hyphens";
    if (len >= 4 && strncasecmp(s, "xn--", 4) == 0 && !alabel_ok(s, len))
        return "a label starting with xn-- is not a valid A-label (IDNA2008 Punycode)";
    return NULL;
}

const char *rt_valid_format_hostname_reason(const char *s, size_t len)
{
    size_t i = 0, start;
    const char *why;

    if (len == 0)
        return "a host name is not empty";
    if (len > 253)
        return "a host name is at most 253 characters long";
    for (start = 0; start <= len; start = ++i) {
        while (i < len && s[i] != '.')
            i++;
        if (i == start)
            return "a label (between dots, no leading or trailing dot) is not empty";
        if ((why = ldh_label_reason(s + start, i - start)) != NULL)
            return why;
    }
    return NULL;
}

/* --- idn-hostname --- */

/*
 * RFC 5893's Bidi rule on one label (rules 1 to 6: an RTL label starts with
 * R or AL, an LTR one with L, each holds only its classes and ends as the
 * rule says, EN and AN never together), in PCRE2 syntax: PCRE2 knows each
 * code point's Bidi_Class.  codegen/openapi_c/formats.py has the same text.
 */
#define BIDI_RTL_CLASSES                                                                                     \
    "\\p{bc=R}\\p{bc=AL}\\p{bc=AN}\\p{bc=EN}\\p{bc=ES}\\p{bc=CS}\\p{bc=ET}\\p{bc=ON}\\p{bc=BN}\\p{bc=NSM}"
#define BIDI_LTR_CLASSES "\\p{bc=L}\\p{bc=EN}\\p{bc=ES}\\p{bc=CS}\\p{bc=ET}\\p{bc=ON}\\p{bc=BN}\\p{bc=NSM}"
#define BIDI_RULE                                                                                            \
    "(?s)\\A(?!.*\\p{bc=EN}.*\\p{bc=AN})(?!.*\\p{bc=AN}.*\\p{bc=EN})"                                        \
    "(?:[\\p{bc=R}\\p{bc=AL}](?:[" BIDI_RTL_CLASSES "]*[\\p{bc=R}\\p{bc=AL}\\p{bc=EN}\\p{bc=AN}])?"          \
    "|\\p{bc=L}(?:[" BIDI_LTR_CLASSES "]*[\\p{bc=L}\\p{bc=EN}])?)\\p{bc=NSM}*\\z"
/* An RTL label: one with a character of class R, AL or AN. */
#define BIDI_RTL "[\\p{bc=R}\\p{bc=AL}\\p{bc=AN}]"

static struct rt_valid_pattern bidi_rule = {.source = BIDI_RULE, .regex = BIDI_RULE};
static struct rt_valid_pattern bidi_rtl = {.source = BIDI_RTL, .regex = BIDI_RTL};

/* JSON Schema's label separators (RFC 3490): '.', U+3002, U+FF0E, U+FF61.  @return the separator's length at
 * @p s (@p len bytes left), or 0. */
static size_t idn_separator(const char *s, size_t len)
{
    static const char *const wide[] = {"\xe3\x80\x82", "\xef\xbc\x8e", "\xef\xbd\xa1"};

    if (s[0] == '.')
        return 1;
    for (size_t k = 0; k < 3; k++)
        if (len >= 3 && memcmp(s, wide[k], 3) == 0)
            return 3;
    return 0;
}

/*
 * One label of an internationalized host name: an LDH label (as hostname's),
 * or a U-label libidn2 registers (IDNA2008, RFC 5891 section 4: NFC,
 * code points PVALID or allowed by their CONTEXTJ/CONTEXTO rule, no leading
 * combining mark, hyphens, the Bidi rule within an RTL label, at most 63
 * octets as an A-label).  Adds the length of its A-label to @p ascii_len and
 * notes in @p rtl whether it is an RTL label (for the rule across labels).
 * @return NULL if valid, else the reason (static or thread-local).
 */
static const char *idn_label_reason(const char *s, size_t len, size_t *ascii_len, bool *rtl)
{
    static _Thread_local char why[160];
    char label[256];
    char *ulabel = NULL;
    uint8_t *alabel = NULL;
    size_t j = 0;
    int rc;

    while (j < len && (unsigned char)s[j] < 0x80)
        j++;
    if (j == len) { /* ASCII: LDH; an xn-- label is decoded to see whether it is an RTL one */
        const char *ldh = ldh_label_reason(s, len);

        *ascii_len += len;
        if (ldh == NULL && len >= 4 && s[2] == '-' && s[3] == '-' && strncasecmp(s, "xn", 2) != 0)
            return "a label with \"--\" in its third and fourth positions is an A-label (xn--) or reserved "
                   "(RFC 5890: an IDN domain name's ASCII labels are A-labels or NR-LDH labels)";
        if (ldh == NULL && len >= 4 && len < sizeof(label) && strncasecmp(s, "xn--", 4) == 0) {
            for (j = 0; j < len; j++)
                label[j] = (char)tolower((unsigned char)s[j]);
            label[len] = '\0';
            if (idn2_to_unicode_8z8z(label, &ulabel, 0) == IDN2_OK)
                *rtl |= rt_valid_pattern_search(&bidi_rtl, ulabel, strlen(ulabel)) == 1;
            idn2_free(ulabel);
        }
        return ldh;
    }
    if (len >= sizeof(label))
        return "a label is at most 63 characters long as an A-label";
    if (memchr(s, '\0', len) != NULL)
        return "a label is not a valid IDNA2008 U-label (it holds U+0000)";
    memcpy(label, s, len);
    label[len] = '\0';
    rc = idn2_register_u8((const uint8_t *)label, NULL, &alabel, 0);
    if (rc == IDN2_OK)
        *ascii_len += strlen((const char *)alabel);
    idn2_free(alabel);
    if (rc != IDN2_OK) {
        snprintf(why, sizeof(why), "a label is not a valid IDNA2008 U-label (%s)", idn2_strerror(rc));
        return why;
    }
    *rtl |= rt_valid_pattern_search(&bidi_rtl, s, len) == 1;
    return NULL;
}

/* Whether every label of the internationalized host name @p s (its labels already valid: an xn-- one at most
 * 63 characters) satisfies the Bidi rule. */
static bool idn_bidi_ok(const char *s, size_t len)
{
    size_t i = 0, start, sep = 0;
    char *ulabel = NULL;
    bool ok = true;

    for (start = 0; ok; start = i += sep) {
        while (i < len && (sep = idn_separator(s + i, len - i)) == 0)
            i++;
        if (i - start >= 4 && strncasecmp(s + start, "xn--", 4) == 0) {
            char label[64];

            for (size_t j = start; j < i; j++)
                label[j - start] = (char)tolower((unsigned char)s[j]);
            label[i - start] = '\0';
            ok = idn2_to_unicode_8z8z(label, &ulabel, 0) == IDN2_OK &&
                 rt_valid_pattern_search(&bidi_rule, ulabel, strlen(ulabel)) == 1;
            idn2_free(ulabel);
            ulabel = NULL;
        } else {
            ok = rt_valid_pattern_search(&bidi_rule, s + start, i - start) == 1;
        }
        if (i == len)
            break;
    }
    return ok;
}

const char *rt_valid_format_idn_hostname_reason(const char *s, size_t len)
{
    size_t i = 0, start, sep = 0, ascii_len = 0;
    bool rtl = false;
    const char *why;

    if (len == 0)
        return "a host name is not empty";
    for (start = 0;; start = i += sep) {
        while (i < len && (sep = idn_separator(s + i, len - i)) == 0)
            i++;
        if (i == start)
            return "a label (between dots or ideographic full stops, no leading or trailing one) is not "
                   "empty";
        if ((why = idn_label_reason(s + start, i - start, &ascii_len, &rtl)) != NULL)
            return why;
        if (i == len)
            break;
        ascii_len++;
    }
    if (ascii_len > 253)
        return "a host name is at most 253 characters long (its labels as A-labels)";
    if (rtl && !idn_bidi_ok(s, len))
        return "a host name with a right-to-left label (RFC 5893) has a label that breaks the Bidi rule";
    return NULL;
}

int rt_valid_format_net_check(enum rt_valid_format format, const char *s, size_t len,
                              struct json_object *input, struct rt_valid_errors *errs,
                              const struct rt_valid_loc *loc)
{
    const char *reason = NULL, *type = NULL, *msg = NULL;
    char buf[256];

    switch (format) {
    case RT_VALID_FORMAT_HOSTNAME:
        if ((reason = rt_valid_format_hostname_reason(s, len)) != NULL) {
            snprintf(buf, sizeof(buf), "value is not a valid host name: %s", reason);
            type = "value_error", msg = buf;
        }
        break;
    case RT_VALID_FORMAT_IDN_HOSTNAME:
        if ((reason = rt_valid_format_idn_hostname_reason(s, len)) != NULL) {
            snprintf(buf, sizeof(buf), "value is not a valid internationalized host name: %s", reason);
            type = "value_error", msg = buf;
        }
        break;
    default:
        break;
    }
    if (type == NULL)
        return 0;
    if (reason != NULL)
        rt_valid_error_ctx(errs, loc, type, msg, json_object_get(input), "error", reason);
    else
        rt_valid_error_ref(errs, loc, type, msg, input);
    return -1;
}
