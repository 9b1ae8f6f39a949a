/*
 * rt_valid_format — the string formats of the spec (format: email,
 * date-time, uuid...), checked as pydantic checks them, with its messages
 * (hostname, which pydantic lacks: a value_error, as a custom validator's).
 */
#ifndef RT_VALID_FORMAT_H
#define RT_VALID_FORMAT_H

#include "rt_valid.h"
#include "rt_valid_errors.h"

#include <stddef.h>

struct json_object;

/**
 * Check an email address (pydantic's EmailStr, which uses email-validator
 * without deliverability checks): one '@', a non-empty local part of
 * allowed characters and at most 64 bytes, a dotted domain of letters,
 * digits and hyphens, no spaces, at most 254 bytes in all.
 * @return NULL if valid, else the reason, worded like email-validator's
 * (a static string, or thread-local storage valid until the next call).
 */
const char *rt_valid_format_email_reason(const char *s, size_t len);

/**
 * Check an internationalized email address (JSON Schema's idn-email, RFC
 * 6531) as rt_valid_format_email_reason() checks an address (which takes
 * UTF-8 in the local part and the domain already), a quoted local part
 * holding UTF-8 too.  The domain's labels are not checked against IDNA2008,
 * as the JSON Schema Test Suite asks (it takes a label not in NFC).
 * @return NULL if valid, else the reason (as rt_valid_format_email_reason()).
 */
const char *rt_valid_format_idn_email_reason(const char *s, size_t len);

/**
 * Check an RFC 3339 date-time as pydantic's datetime parser does (date
 * separator '-', 'T', 't', ' ' or '_' before the time, seconds, fraction
 * and zone optional).  @return NULL if valid, else the reason (static).
 */
const char *rt_valid_format_date_time_reason(const char *s, size_t len);

/**
 * Check a UUID: 32 hex digits, or 36 characters with dashes at 8, 13, 18
 * and 23.  @return NULL if valid, else the reason (static).
 */
const char *rt_valid_format_uuid_reason(const char *s, size_t len);

/** RFC 3339's full-date (YYYY-MM-DD, on the calendar). @return NULL if valid, else the reason. */
const char *rt_valid_format_date_reason(const char *s, size_t len);

/** RFC 3339's full-time (HH:MM:SS[.f] and an offset). @return NULL if valid, else the reason. */
const char *rt_valid_format_time_reason(const char *s, size_t len);

/** OpenAPI's byte: base64 (RFC 4648, padded). @return NULL if valid, else the reason. */
const char *rt_valid_format_byte_reason(const char *s, size_t len);

/**
 * An RFC 3339 (appendix A) duration, JSON Schema's format "duration" and
 * pydantic's timedelta in its schema: P, then a week (P2W), or date
 * elements Y, M, D and/or T and time elements H, M, S, each a number and
 * its unit, in that order without a gap (P1Y2D and PT1H2S are not), no
 * fraction, no sign.  @return NULL if valid, else the reason (static).
 */
const char *rt_valid_format_duration_reason(const char *s, size_t len);

/**
 * Check an RFC 1123 host name: 1 to 253 characters, dot-separated labels
 * of 1 to 63 ASCII letters, digits and hyphens, neither starting nor
 * ending with a hyphen, no trailing dot; a label starting with "xn--" must
 * be a valid A-label (IDNA2008, checked by libidn2).
 * @return NULL if valid, else the reason (static).
 */
const char *rt_valid_format_hostname_reason(const char *s, size_t len);

/**
 * Check an internationalized host name (JSON Schema's idn-hostname): labels
 * separated by '.', U+3002, U+FF0E or U+FF61, each an LDH label (as
 * hostname's, an xn-- one a valid A-label) or a U-label that libidn2
 * registers (IDNA2008: NFC, PVALID code points, CONTEXTJ/CONTEXTO rules, no
 * leading combining mark, hyphens, at most 63 octets as an A-label); at most
 * 253 characters as A-labels; if a label is right-to-left, every label
 * satisfies RFC 5893's Bidi rule.
 * @return NULL if valid, else the reason (static or thread-local, valid until the next call).
 */
const char *rt_valid_format_idn_hostname_reason(const char *s, size_t len);

/**
 * Parse the @p len bytes at @p s as an address of @p family (AF_INET: a
 * dotted quad without leading zeros; AF_INET6: RFC 4291's text forms, no
 * zone) into @p bin (4 or 16 bytes; NULL: only check).
 * @return whether they are one.
 */
bool rt_valid_format_ip_parse(int family, const char *s, size_t len, unsigned char *bin);

/**
 * drf-spectacular's decimal (rt_valid_format_number.c): an optional sign,
 * digits with an optional decimal point (at least one digit), an optional
 * exponent; no blanks, NaN or Infinity.  @return NULL if valid, else the
 * reason (static).
 */
const char *rt_valid_format_decimal_reason(const char *s, size_t len);

/**
 * An integer format on a string (RT_VALID_FORMAT_INT8_TEXT...UINT64_TEXT):
 * a decimal integer, -?(0|[1-9][0-9]*) (no sign for the unsigned ones),
 * within the format's range.  @return NULL if valid (or @p format is not
 * one of them), else the reason (static, or thread-local storage valid
 * until the next call).
 */
const char *rt_valid_format_integer_text_reason(enum rt_valid_format format, const char *s, size_t len);

/** decimal and the integer formats on a string (rt_valid_format_number.c), as rt_valid_format_check()
 * (decimal_parsing and int_parsing, pydantic's types; any other format is valid). */
int rt_valid_format_number_check(enum rt_valid_format format, const char *s, size_t len,
                                 struct json_object *input, struct rt_valid_errors *errs,
                                 const struct rt_valid_loc *loc);

/** The IP formats (rt_valid_format_ip.c: ipv4, ipv6, pydantic's ipvany*, networks and interfaces), as
 * rt_valid_format_check() (any other format is valid). */
int rt_valid_format_ip_check(enum rt_valid_format format, const char *s, size_t len,
                             struct json_object *input, struct rt_valid_errors *errs,
                             const struct rt_valid_loc *loc);

/** hostname and idn-hostname (rt_valid_format_net.c), as rt_valid_format_check() (any other format is valid).
 */
int rt_valid_format_net_check(enum rt_valid_format format, const char *s, size_t len,
                              struct json_object *input, struct rt_valid_errors *errs,
                              const struct rt_valid_loc *loc);

/**
 * Check a URI (RFC 3986: a scheme, then an optional authority, path, query
 * and fragment, %-escapes well formed, a bracketed host an IPv6 address as
 * rt_valid_format_ip_parse() reads it, or IPvFuture), or with @p reference
 * a URI reference (a URI, or a relative reference: no scheme, no ':' in a
 * first path segment without authority).  @p iri: RFC 3987's IRI forms,
 * where UTF-8 characters of the ucschar ranges may stand wherever
 * unreserved ones may, and private-use ones in the query.
 * @return NULL if valid, else the reason (static).
 */
const char *rt_valid_format_uri_reason(const char *s, size_t len, bool reference, bool iri);

/**
 * Check a URI Template (RFC 6570, level 4: literals and {expressions}).
 * @return NULL if valid, else the reason (static).
 */
const char *rt_valid_format_uri_template_reason(const char *s, size_t len);

/** uri, uri-reference, iri, iri-reference and uri-template (rt_valid_format_uri.c), as
 * rt_valid_format_check() (uri: pydantic's url_parsing; the others a value_error; any other format is
 * valid). */
int rt_valid_format_uri_check(enum rt_valid_format format, const char *s, size_t len,
                              struct json_object *input, struct rt_valid_errors *errs,
                              const struct rt_valid_loc *loc);

/** An RFC 6901 JSON pointer in its JSON string form ("" or "/..."; ~ only as ~0 or ~1).
 * @return NULL if valid, else the reason (static). */
const char *rt_valid_format_json_pointer_reason(const char *s, size_t len);

/** A relative JSON pointer (draft-handrews-relative-json-pointer-01): a non-negative integer without
 * leading zero, then '#' or a JSON pointer.  @return NULL if valid, else the reason (static). */
const char *rt_valid_format_relative_json_pointer_reason(const char *s, size_t len);

/** json-pointer and relative-json-pointer (rt_valid_format_pointer.c), as rt_valid_format_check() (a
 * value_error; any other format is valid). */
int rt_valid_format_pointer_check(enum rt_valid_format format, const char *s, size_t len,
                                  struct json_object *input, struct rt_valid_errors *errs,
                                  const struct rt_valid_loc *loc);

/**
 * Check a regular expression (JSON Schema's format regex): ECMA-262's
 * grammar with the u flag, as the pattern keyword is read, syntax and early
 * errors only (nothing is compiled).  Groups nested over 200 deep are
 * refused.  @return NULL if valid, else the reason with its offset in
 * characters (thread-local storage, valid until the next call).
 */
const char *rt_valid_format_regex_reason(const char *s, size_t len);

/** Whether \p{body} is a property ECMA-262 names (rt_valid_format_regex_props.c): the @p len bytes at
 * @p body, of which the first @p key_len are the key before '=' (@p key_len >= @p len: there is no '='). */
bool rt_valid_format_regex_property(const char *body, size_t len, size_t key_len);

/** regex (rt_valid_format_regex.c), as rt_valid_format_check() (a value_error). */
int rt_valid_format_regex_check(const char *s, size_t len, struct json_object *input,
                                struct rt_valid_errors *errs, const struct rt_valid_loc *loc);

/**
 * Check the @p len bytes at @p s against @p format; if they are not valid,
 * add pydantic's error (value_error, datetime_parsing or uuid_parsing, with
 * the reason in ctx) to @p errs at @p loc, with @p input (borrowed) as input.
 * @return 0 if valid (RT_VALID_FORMAT_NONE always is), or -1.
 */
/**
 * Add the error of a JSON Schema format that pydantic has no type for (a
 * value_error, as a custom validator's): msg "value is not a valid <what>:
 * <reason>", ctx {"error": reason}, @p input (borrowed) as input.
 * @return -1.
 */
int rt_valid_format_fail(const char *what, const char *reason, struct json_object *input,
                         struct rt_valid_errors *errs, const struct rt_valid_loc *loc);

int rt_valid_format_check(enum rt_valid_format format, const char *s, size_t len, struct json_object *input,
                          struct rt_valid_errors *errs, const struct rt_valid_loc *loc);

#endif /* RT_VALID_FORMAT_H */
