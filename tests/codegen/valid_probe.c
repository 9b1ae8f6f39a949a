/*
 * valid_probe — the runtime's validators on lines of stdin, for the
 * differential tests that judge them against an outside reference:
 *   ["pattern", "<PCRE2 expression as codegen writes it>", "subject", ...]
 *       rt_valid_pattern_search() on each subject (regex_node_diff.py, Node);
 *   ["format", "<format name>", "value", ...]
 *       rt_valid_format_check() on each value (formats_diff.py: Python's ipaddress and uuid;
 *       json_formats_diff.py: the suite and the generator's mirror, codegen/openapi_c/formats.py;
 *       regex_format_diff.py: format regex against Node's RegExp).
 *   ["regex_reason", "", "value", ...]
 *       rt_valid_format_regex_reason() on each value: the answer line is a
 *       JSON array of the reasons (null: valid), which regex_format_diff.py
 *       holds the mirror's to, word for word.
 * The answer line has one character per subject or value, 1 (matches,
 * valid) or 0, or is the single character E if the expression does not
 * compile or the format is not one it knows.  Subjects and values are JSON
 * strings, so they may hold NUL and any code point; they are read with
 * their length, as the validators read values.
 */
#include "rt_valid.h"
#include "rt_valid_errors.h"
#include "rt_valid_format.h"
#include "rt_valid_pattern.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *name;
    enum rt_valid_format format;
} formats[] = {
    {"ipv4", RT_VALID_FORMAT_IPV4},
    {"ipv6", RT_VALID_FORMAT_IPV6},
    {"ipvanyaddress", RT_VALID_FORMAT_IPVANYADDRESS},
    {"ipv4network", RT_VALID_FORMAT_IPV4NETWORK},
    {"ipv6network", RT_VALID_FORMAT_IPV6NETWORK},
    {"ipvanynetwork", RT_VALID_FORMAT_IPVANYNETWORK},
    {"ipv4interface", RT_VALID_FORMAT_IPV4INTERFACE},
    {"ipv6interface", RT_VALID_FORMAT_IPV6INTERFACE},
    {"ipvanyinterface", RT_VALID_FORMAT_IPVANYINTERFACE},
    {"uuid1", RT_VALID_FORMAT_UUID1},
    {"uuid3", RT_VALID_FORMAT_UUID3},
    {"uuid4", RT_VALID_FORMAT_UUID4},
    {"uuid5", RT_VALID_FORMAT_UUID5},
    {"email", RT_VALID_FORMAT_EMAIL},
    {"hostname", RT_VALID_FORMAT_HOSTNAME},
    {"uri", RT_VALID_FORMAT_URI},
    {"uri-reference", RT_VALID_FORMAT_URI_REFERENCE},
    {"iri", RT_VALID_FORMAT_IRI},
    {"iri-reference", RT_VALID_FORMAT_IRI_REFERENCE},
    {"uri-template", RT_VALID_FORMAT_URI_TEMPLATE},
    {"json-pointer", RT_VALID_FORMAT_JSON_POINTER},
    {"relative-json-pointer", RT_VALID_FORMAT_RELATIVE_JSON_POINTER},
    {"idn-hostname", RT_VALID_FORMAT_IDN_HOSTNAME},
    {"idn-email", RT_VALID_FORMAT_IDN_EMAIL},
    {"regex", RT_VALID_FORMAT_REGEX},
};

/* 1 if the JSON string @p v is valid for @p format, else 0. */
static int format_ok(enum rt_valid_format format, struct json_object *v)
{
    const struct rt_valid_loc at = {NULL, "v", 0};
    struct rt_valid_errors errs;
    int rc;

    rt_valid_errors_init(&errs);
    rc = rt_valid_format_check(format, json_object_get_string(v), (size_t)json_object_get_string_len(v), v,
                               &errs, &at);
    rt_valid_errors_cleanup(&errs);
    return rc == 0;
}

static void probe_format(const char *name, struct json_object *case_)
{
    size_t i, n = json_object_array_length(case_);
    int f = -1;

    for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
        if (strcmp(formats[i].name, name) == 0)
            f = (int)i;
    if (f < 0) {
        fputs("E\n", stdout);
        return;
    }
    for (i = 2; i < n; i++)
        putchar(format_ok(formats[f].format, json_object_array_get_idx(case_, i)) ? '1' : '0');
    putchar('\n');
}

static void probe_regex_reason(struct json_object *case_)
{
    struct json_object *out = json_object_new_array();
    size_t i, n = json_object_array_length(case_);

    for (i = 2; i < n; i++) {
        struct json_object *v = json_object_array_get_idx(case_, i);
        const char *why =
            rt_valid_format_regex_reason(json_object_get_string(v), (size_t)json_object_get_string_len(v));

        json_object_array_add(out, why != NULL ? json_object_new_string(why) : NULL);
    }
    puts(json_object_to_json_string_ext(out, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(out);
}

static void probe_pattern(const char *regex, struct json_object *case_)
{
    struct rt_valid_pattern p = {.source = regex, .regex = regex};
    size_t i, n = json_object_array_length(case_);

    if (rt_valid_pattern_compile(&p) < 0) {
        fputs("E\n", stdout);
        return;
    }
    for (i = 2; i < n; i++) {
        struct json_object *s = json_object_array_get_idx(case_, i);

        putchar(
            rt_valid_pattern_search(&p, json_object_get_string(s), (size_t)json_object_get_string_len(s)) == 1
                ? '1'
                : '0');
    }
    putchar('\n');
    rt_valid_pattern_clear(&p);
}

static int probe_line(const char *line)
{
    struct json_object *case_ = json_tokener_parse(line);
    const char *kind, *arg;
    int rc = -1;

    if (case_ == NULL || !json_object_is_type(case_, json_type_array) || json_object_array_length(case_) < 2)
        goto cleanup;
    kind = json_object_get_string(json_object_array_get_idx(case_, 0));
    arg = json_object_get_string(json_object_array_get_idx(case_, 1));
    if (strcmp(kind, "pattern") == 0)
        probe_pattern(arg, case_);
    else if (strcmp(kind, "format") == 0)
        probe_format(arg, case_);
    else if (strcmp(kind, "regex_reason") == 0)
        probe_regex_reason(case_);
    else
        goto cleanup;
    rc = 0;
cleanup:
    json_object_put(case_);
    return rc;
}

int main(void)
{
    char *line = NULL;
    size_t cap = 0;
    int rc = 0;

    while (rc == 0 && getline(&line, &cap, stdin) > 0)
        rc = probe_line(line);
    free(line);
    if (rc != 0)
        fputs("valid_probe: a line is not [\"pattern\", \"format\" or \"regex_reason\", its argument, "
              "strings...]\n",
              stderr);
    return rc == 0 ? 0 : 1;
}
