/*
 * suite_driver — runs the JSON Schema Test Suite's instances through the
 * validators generated from suite.yaml (make_suite.py): each line of the
 * cases file is "group TAB expected TAB file TAB instance"; the instance is
 * validated as the body {"v": instance} of the group's operation, with the
 * body model's table (rt_valid_model_from_json, as a request body is), and
 * one line "ok|FAIL TAB file TAB expected TAB instance" is printed per case.
 * run_suite.py sums them up.
 */
#include "api_models.h"
#include "rt_mem.h"
#include "rt_valid_json.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const struct rt_valid_model *const suite_models[];
extern const unsigned long suite_n_models;

static int run_case(char *line)
{
    char *expected = strchr(line, '\t'), *file, *instance;
    unsigned long group = strtoul(line, NULL, 10);
    struct rt_valid_errors errs;
    struct json_object *body, *parsed;
    void *out;
    int valid, rc;

    if (expected == NULL || (file = strchr(expected + 1, '\t')) == NULL ||
        (instance = strchr(file + 1, '\t')) == NULL || group >= suite_n_models)
        return -1;
    *file++ = '\0';
    *instance++ = '\0';
    instance[strcspn(instance, "\n")] = '\0';
    /* read as the service reads a body (rt_valid_json: integers beyond json-c's range keep their value) */
    rt_valid_errors_init(&errs);
    rc = rt_valid_json_parse(instance, strlen(instance), &parsed, &errs);
    rt_valid_errors_cleanup(&errs);
    if (rc < 0)
        return -1;
    body = json_object_new_object();
    json_object_object_add(body, "v", parsed);
    out = rt_xcalloc(1, suite_models[group]->size);
    rt_valid_errors_init(&errs);
    valid = rt_valid_model_from_json(suite_models[group], body, out, &errs, NULL) == 0;
    if (valid != (rt_valid_errors_count(&errs) == 0))
        valid = -1; /* a verdict and its errors disagree: counted as a failure */
    printf("%s\t%s\t%s\t%s\n", valid == atoi(expected + 1) ? "ok" : "FAIL", file, expected + 1, instance);
    rt_valid_model_cleanup(suite_models[group], out);
    free(out);
    rt_valid_errors_cleanup(&errs);
    json_object_put(body);
    return 0;
}

int main(int argc, char **argv)
{
    char line[65536];
    FILE *f;

    if (argc != 2 || (f = fopen(argv[1], "r")) == NULL) {
        fprintf(stderr, "usage: suite_driver cases.tsv\n");
        return 2;
    }
    while (fgets(line, sizeof(line), f) != NULL) {
        if (run_case(line) < 0) {
            fprintf(stderr, "suite_driver: bad line: %s", line);
            fclose(f);
            return 2;
        }
    }
    fclose(f);
    return 0;
}
