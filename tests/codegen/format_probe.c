/*
 * format_probe — the runtime's IP format checks (rt_valid_format_check) on
 * lines of stdin, for ip_formats_diff.py: each line is a JSON array
 * ["<format>", "value", ...]; the answer line has one character per value,
 * 1 (valid) or 0, or is the single character E for a format it does not
 * know.  Values are searched with their length.
 */
#include "rt_valid.h"
#include "rt_valid_errors.h"
#include "rt_valid_format.h"

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
};

static int probe_line(const char *line)
{
    struct json_object *case_ = json_tokener_parse(line);
    const char *name;
    size_t i, n;
    int rc = -1, f = -1;

    if (case_ == NULL || !json_object_is_type(case_, json_type_array) || json_object_array_length(case_) < 1)
        goto cleanup;
    name = json_object_get_string(json_object_array_get_idx(case_, 0));
    for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
        if (strcmp(formats[i].name, name) == 0)
            f = (int)i;
    rc = 0;
    if (f < 0) {
        fputs("E\n", stdout);
        goto cleanup;
    }
    n = json_object_array_length(case_);
    for (i = 1; i < n; i++) {
        struct json_object *v = json_object_array_get_idx(case_, i);
        const struct rt_valid_loc at = {NULL, "v", 0};
        struct rt_valid_errors errs;

        rt_valid_errors_init(&errs);
        putchar(rt_valid_format_check(formats[f].format, json_object_get_string(v),
                                      (size_t)json_object_get_string_len(v), v, &errs, &at) == 0
                    ? '1'
                    : '0');
        rt_valid_errors_cleanup(&errs);
    }
    putchar('\n');
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
        fputs("format_probe: a line is not a JSON array of strings\n", stderr);
    return rc == 0 ? 0 : 1;
}
