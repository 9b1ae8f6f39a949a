/*
 * pattern_probe — the runtime's pattern engine (rt_valid_pattern) on lines
 * of stdin, for regex_node_diff.py: each line is a JSON array
 * ["<PCRE2 expression as codegen writes it>", "subject", ...]; the answer
 * line has one character per subject, 1 (matches somewhere) or 0, or is
 * the single character E if the expression does not compile.  Subjects are
 * JSON strings, so they may hold NUL and any code point; they are searched
 * with their length, as the validators search values.
 */
#include "rt_valid_pattern.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int probe_line(const char *line)
{
    struct json_object *case_ = json_tokener_parse(line);
    struct rt_valid_pattern p = {0};
    size_t i, n;
    int rc = -1;

    if (case_ == NULL || !json_object_is_type(case_, json_type_array) || json_object_array_length(case_) < 1)
        goto cleanup;
    p.source = p.regex = json_object_get_string(json_object_array_get_idx(case_, 0));
    n = json_object_array_length(case_);
    if (rt_valid_pattern_compile(&p) < 0) {
        fputs("E\n", stdout);
        rc = 0;
        goto cleanup;
    }
    for (i = 1; i < n; i++) {
        struct json_object *s = json_object_array_get_idx(case_, i);

        putchar(
            rt_valid_pattern_search(&p, json_object_get_string(s), (size_t)json_object_get_string_len(s)) == 1
                ? '1'
                : '0');
    }
    putchar('\n');
    rc = 0;
cleanup:
    rt_valid_pattern_clear(&p);
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
        fputs("pattern_probe: a line is not a JSON array of strings\n", stderr);
    return rc == 0 ? 0 : 1;
}
