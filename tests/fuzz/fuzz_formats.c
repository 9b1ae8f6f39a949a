/*
 * libFuzzer target: the string formats (rt_valid_format.h).
 *
 * Input: the text of a string value.  It goes, in a buffer of exactly its
 * size (no NUL), through rt_valid_format_check() under every format the
 * runtime enforces: the hand-written parsers of URIs and IRIs, URI
 * templates, JSON pointers, host names (libidn2 and the Bidi rule), e-mail
 * addresses, IP addresses and networks, dates and durations, and the
 * ECMA-262 syntax checker of format regex.  ASan and UBSan watch every read;
 * the checks below are what the formats promise of each other:
 *   - an answer is 0 or -1, and -1 adds exactly one error with a message;
 *   - the same text gets the same answer twice (no state leaks between calls);
 *   - the grammars nest: every URI is a URI reference and an IRI, every IRI an
 *     IRI reference, every URI reference an IRI reference; every ipv4 or ipv6
 *     address is an IPvAnyAddress; every uuid4 is a uuid; every e-mail
 *     address an idn-email; every ipv4 address an ipv4 network and interface;
 *     an integer as text of a narrower range is one of every wider range
 *     (int8 in int16..., uint8 in uint16 and int16...), and every one is a
 *     decimal.
 * The reasons of the _reason() functions are checked to be non-empty text.
 */
#include "fuzz_common.h"
#include "rt_valid.h"
#include "rt_valid_errors.h"
#include "rt_valid_format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FORMAT_COUNT ((int)RT_VALID_FORMAT_UINT64_TEXT + 1)

/* rt_valid_format_check() of the text under format f; checks the error it adds. */
static int check(enum rt_valid_format f, const char *s, size_t len)
{
    struct rt_valid_errors errs;
    struct rt_valid_loc loc = {NULL, "value", 0};
    struct json_object *input = json_object_new_string_len(s, (int)len);
    int rc;

    rt_valid_errors_init(&errs);
    rc = rt_valid_format_check(f, s, len, input, &errs, &loc);
    FUZZ_CHECK(rc == 0 || rc == -1, "format %d answered %d", (int)f, rc);
    FUZZ_CHECK(rt_valid_errors_count(&errs) == (rc == 0 ? 0u : 1u), "format %d: %d with %zu errors", (int)f,
               rc, rt_valid_errors_count(&errs));
    if (rc == -1) {
        struct json_object *err = json_object_array_get_idx(errs.list, 0);
        struct json_object *msg = NULL;

        FUZZ_CHECK(json_object_object_get_ex(err, "msg", &msg) && json_object_get_string_len(msg) > 0,
                   "format %d: an error without a message", (int)f);
    }
    rt_valid_errors_cleanup(&errs);
    json_object_put(input);
    return rc;
}

/* Every URI is a URI reference and an IRI ... (the list at the top). */
static void check_nesting(const int *ok)
{
    static const struct {
        enum rt_valid_format narrow, wide;
    } implies[] = {
        {RT_VALID_FORMAT_URI, RT_VALID_FORMAT_URI_REFERENCE},
        {RT_VALID_FORMAT_URI, RT_VALID_FORMAT_IRI},
        {RT_VALID_FORMAT_IRI, RT_VALID_FORMAT_IRI_REFERENCE},
        {RT_VALID_FORMAT_URI_REFERENCE, RT_VALID_FORMAT_IRI_REFERENCE},
        {RT_VALID_FORMAT_IPV4, RT_VALID_FORMAT_IPVANYADDRESS},
        {RT_VALID_FORMAT_IPV6, RT_VALID_FORMAT_IPVANYADDRESS},
        {RT_VALID_FORMAT_IPV4, RT_VALID_FORMAT_IPV4NETWORK},
        {RT_VALID_FORMAT_IPV4, RT_VALID_FORMAT_IPV4INTERFACE},
        {RT_VALID_FORMAT_UUID4, RT_VALID_FORMAT_UUID},
        {RT_VALID_FORMAT_EMAIL, RT_VALID_FORMAT_IDN_EMAIL},
        {RT_VALID_FORMAT_INT8_TEXT, RT_VALID_FORMAT_INT16_TEXT},
        {RT_VALID_FORMAT_INT16_TEXT, RT_VALID_FORMAT_INT32_TEXT},
        {RT_VALID_FORMAT_INT32_TEXT, RT_VALID_FORMAT_INT64_TEXT},
        {RT_VALID_FORMAT_UINT8_TEXT, RT_VALID_FORMAT_UINT16_TEXT},
        {RT_VALID_FORMAT_UINT16_TEXT, RT_VALID_FORMAT_UINT32_TEXT},
        {RT_VALID_FORMAT_UINT32_TEXT, RT_VALID_FORMAT_UINT64_TEXT},
        {RT_VALID_FORMAT_UINT8_TEXT, RT_VALID_FORMAT_INT16_TEXT},
        {RT_VALID_FORMAT_UINT16_TEXT, RT_VALID_FORMAT_INT32_TEXT},
        {RT_VALID_FORMAT_UINT32_TEXT, RT_VALID_FORMAT_INT64_TEXT},
        {RT_VALID_FORMAT_INT64_TEXT, RT_VALID_FORMAT_DECIMAL},
        {RT_VALID_FORMAT_UINT64_TEXT, RT_VALID_FORMAT_DECIMAL},
    };

    for (size_t i = 0; i < sizeof(implies) / sizeof(implies[0]); i++)
        FUZZ_CHECK(ok[implies[i].wide] || !ok[implies[i].narrow], "valid as format %d but not as format %d",
                   (int)implies[i].narrow, (int)implies[i].wide);
}

/* A reason is NULL or non-empty text. */
static void check_reason(const char *reason, const char *what)
{
    FUZZ_CHECK(reason == NULL || reason[0] != '\0', "%s: an empty reason", what);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *exact = malloc(size ? size : 1);
    int ok[FORMAT_COUNT];

    if (exact == NULL)
        return 0;
    if (size)
        memcpy(exact, data, size);
    for (int f = 1; f < FORMAT_COUNT; f++) {
        int rc = check((enum rt_valid_format)f, exact, size);

        FUZZ_CHECK(check((enum rt_valid_format)f, exact, size) == rc, "format %d: two answers", f);
        ok[f] = rc == 0;
    }
    check_nesting(ok);
    check_reason(rt_valid_format_uri_template_reason(exact, size), "uri-template");
    check_reason(rt_valid_format_json_pointer_reason(exact, size), "json-pointer");
    check_reason(rt_valid_format_relative_json_pointer_reason(exact, size), "relative-json-pointer");
    check_reason(rt_valid_format_regex_reason(exact, size), "regex");
    check_reason(rt_valid_format_idn_hostname_reason(exact, size), "idn-hostname");
    check_reason(rt_valid_format_duration_reason(exact, size), "duration");
    check_reason(rt_valid_format_decimal_reason(exact, size), "decimal");
    check_reason(rt_valid_format_integer_text_reason(RT_VALID_FORMAT_INT32_TEXT, exact, size), "int32 text");
    free(exact);
    return 0;
}
