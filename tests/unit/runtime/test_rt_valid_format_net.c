/*
 * rt_valid_format_net: the hostname format (RFC 1123 labels, A-labels
 * through libidn2), its error in the FastAPI shape, and the format on a
 * parameter (the same check a JSON body's string gets).
 */
#include "test.h"
#include "valid_test.h"

#include "rt_valid.h"
#include "rt_valid_errors.h"
#include "rt_valid_format.h"
#include "rt_valid_scalar.h"

#include <json-c/json.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* The reason for the NUL-terminated @p s, or "ok". */
static const char *host(const char *s)
{
    const char *why = rt_valid_format_hostname_reason(s, strlen(s));

    return why != NULL ? why : "ok";
}

static void test_hostname_labels(void)
{
    char name[300];

    CHECK(same(host("www.example.com"), "ok"));
    CHECK(same(host("1host"), "ok"));
    CHECK(same(host("a--b.com"), "ok"));
    CHECK(same(host("Host-Name.EXAMPLE"), "ok"));
    CHECK(same(host(""), "a host name is not empty"));
    CHECK(same(host("."), "a label (between dots, no leading or trailing dot) is not empty"));
    CHECK(same(host(".example"), "a label (between dots, no leading or trailing dot) is not empty"));
    CHECK(same(host("example."), "a label (between dots, no leading or trailing dot) is not empty"));
    CHECK(same(host("a..b"), "a label (between dots, no leading or trailing dot) is not empty"));
    CHECK(same(host("-host"), "a label neither starts nor ends with a hyphen"));
    CHECK(same(host("host-.com"), "a label neither starts nor ends with a hyphen"));
    CHECK(same(host("host_name"), "a label is made of ASCII letters, digits and hyphens"));
    CHECK(same(host("example.com\n"), "a label is made of ASCII letters, digits and hyphens"));
    CHECK(same(host("\xe2\x84\xaa"
                    "elvin.example.com"),
               "a label is made of ASCII letters, digits and hyphens")); /* U+212A KELVIN SIGN */
    CHECK(rt_valid_format_hostname_reason("a\0b", 3) != NULL);           /* a NUL is no letter */
    /* 63 characters in a label, 253 in all */
    memset(name, 'a', 63);
    strcpy(name + 63, ".com");
    CHECK(same(host(name), "ok"));
    memset(name, 'a', 64);
    strcpy(name + 64, ".com");
    CHECK(same(host(name), "a label is at most 63 characters long"));
    memset(name, 'a', 253);
    for (int i = 63; i < 253; i += 64)
        name[i] = '.';
    name[253] = '\0';
    CHECK(same(host(name), "ok"));
    name[253] = 'a', name[254] = '\0';
    CHECK(same(host(name), "a host name is at most 253 characters long"));
}

static void test_hostname_alabels(void)
{
    const char *bad = "a label starting with xn-- is not a valid A-label (IDNA2008 Punycode)";

    CHECK(same(host("xn--9n2bp8q.xn--9t4b11yi5a"), "ok"));    /* example.test in Hangul */
    CHECK(same(host("xn--ll-0ea"), "ok"));                    /* MIDDLE DOT between two l's */
    CHECK(same(host("XN--9N2BP8Q.example"), "ok"));           /* DNS ignores case */
    CHECK(same(host("xn--X"), bad));                          /* not Punycode */
    CHECK(same(host("xn--07jt112bpxg.xn--9t4b11yi5a"), bad)); /* U+302E, disallowed */
    CHECK(same(host("xn--hello-txk"), bad));                  /* begins with a combining mark */
    CHECK(same(host("xn--al-0ea"), bad));                     /* MIDDLE DOT without 'l' before: CONTEXTO */
    CHECK(same(host("xn--11b2er09f"), bad));                  /* ZERO WIDTH JOINER without virama: CONTEXTJ */
    CHECK(same(host("XN--aa---o47jg78q"), bad));              /* "--" in the U-label's 3rd and 4th places */
}

static void test_hostname_error(void)
{
    struct rt_valid_errors errs;
    struct rt_valid_loc at = {NULL, "x", 0};
    struct json_object *input = json_object_new_string("-a");

    rt_valid_errors_init(&errs);
    CHECK(rt_valid_format_check(RT_VALID_FORMAT_HOSTNAME, "ok.example", 10, input, &errs, &at) == 0);
    CHECK(rt_valid_format_check(RT_VALID_FORMAT_HOSTNAME, "-a", 2, input, &errs, &at) == -1);
    CHECK(
        same(errors_text(&errs),
             "[{\"type\":\"value_error\",\"loc\":[\"x\"],\"msg\":\"value is not a valid host name: a label "
             "neither starts nor ends with a hyphen\",\"input\":\"-a\",\"ctx\":{\"error\":\"a label neither "
             "starts nor ends with a hyphen\"}}]"));
    json_object_put(input);
}

/* A query parameter with format: hostname, into a struct, from its text. */
struct params {
    const char *host;
};

static void *test_alloc(void *ctx, size_t size)
{
    void **keep = ctx, *p = calloc(1, size != 0 ? size : 1);

    if (p == NULL || *keep != NULL) /* one allocation per test call */
        abort();
    *keep = p; /* the test frees it */
    return p;
}

static const struct rt_valid_rule r_host = {.kind = RT_VALID_STRING, .format = RT_VALID_FORMAT_HOSTNAME};
static const struct rt_valid_param p_host = {.name = "host",
                                             .in = RT_VALID_IN_QUERY,
                                             .required = true,
                                             .rule = &r_host,
                                             .offset = offsetof(struct params, host),
                                             .has_offset = RT_VALID_NO_OFFSET};

static void test_hostname_param(void)
{
    void *block = NULL;
    const struct rt_valid_arena arena = {test_alloc, &block, NULL};
    struct params p = {NULL};
    struct rt_valid_errors errs;

    rt_valid_errors_init(&errs);
    CHECK(rt_valid_scalar_param(&p_host, "db.internal", &p, &arena, &errs) == 0 &&
          same(p.host, "db.internal"));
    free(block);
    block = NULL;
    CHECK(rt_valid_scalar_param(&p_host, "db_internal", &p, &arena, &errs) == -1);
    CHECK(same(
        errors_text(&errs),
        "[{\"type\":\"value_error\",\"loc\":[\"query\",\"host\"],\"msg\":\"value is not a valid host "
        "name: a label is made of ASCII letters, digits and hyphens\",\"input\":\"db_internal\",\"ctx\":{"
        "\"error\":\"a label is made of ASCII letters, digits and hyphens\"}}]"));
    free(block);
}

int main(void)
{
    test_hostname_labels();
    test_hostname_alabels();
    test_hostname_error();
    test_hostname_param();
    return test_done();
}
