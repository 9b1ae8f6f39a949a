/*
 * What the rt_valid_* unit tests share: comparing a text with what was
 * expected (printing both when they differ), and a validation error list
 * as the compact JSON of its "detail".
 */
#ifndef VALID_TEST_H
#define VALID_TEST_H

#include "rt_valid_errors.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

/* 1 if @p got is @p expected; else 0, after printing both as TAP comments. */
static inline int same(const char *got, const char *expected)
{
    if (got != NULL && strcmp(got, expected) == 0)
        return 1;
    printf("# expected %s\n#      got %s\n", expected, got != NULL ? got : "(null)");
    return 0;
}

/* The errors in @p errs as compact JSON (static buffer), then none left. */
static inline const char *errors_text(struct rt_valid_errors *errs)
{
    static char out[2048];
    struct json_object *detail = rt_valid_errors_to_json(errs);

    snprintf(
        out, sizeof(out), "%s",
        json_object_to_json_string_ext(json_object_object_get(detail, "detail"), JSON_C_TO_STRING_PLAIN));
    json_object_put(detail);
    rt_valid_errors_cleanup(errs);
    return out;
}

#endif /* VALID_TEST_H */
