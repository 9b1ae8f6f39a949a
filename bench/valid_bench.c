/*
 * valid_bench — validations per second of the generated validators on
 * three request bodies of tests/codegen/fixture.yaml, parsed as a request
 * body is (rt_valid_json_parse) and validated as one is:
 *   owner   a struct with tagged unions (a discriminator, and a oneOf tried branch by branch)
 *   stock   a struct with two maps (integers, and Tag structs)
 *   batch   a JSON value (an array of oneOf items) checked by rt_valid_schema
 * Usage: valid_bench [seconds per body, default 1].  Figures are for reading.
 */
#include "api_models.h"
#include "rt_valid_json.h"
#include "rt_valid_schema.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One body: parse, validate, release; @return 0 if valid. */
static int one(const char *name, const char *text)
{
    struct rt_valid_errors errs;
    struct json_object *j = NULL;
    int rc = -1;

    rt_valid_errors_init(&errs);
    if (rt_valid_json_parse(text, strlen(text), &j, &errs) == 0) {
        if (strcmp(name, "owner") == 0) {
            struct api_owner o;

            rc = api_owner__from_json(j, &o, &errs, NULL);
            api_owner__cleanup(&o);
        } else if (strcmp(name, "stock") == 0) {
            struct api_stock s;

            rc = api_stock__from_json(j, &s, &errs, NULL);
            api_stock__cleanup(&s);
        } else {
            rc = rt_valid_schema_check(&api_batch__body_schema, j, &errs, NULL) ? 0 : -1;
        }
    }
    json_object_put(j);
    rt_valid_errors_cleanup(&errs);
    return rc;
}

int main(int argc, char **argv)
{
    static const char *const bodies[][2] = {
        {"owner", "{\"pet\":{\"kind\":\"kitty\",\"lives\":7},\"other\":{\"kind\":\"x\",\"barks\":true}}"},
        {"stock",
         "{\"counts\":{\"a\":1,\"b\":2,\"c\":3,\"d\":4},\"tags\":{\"x\":{\"name\":\"abc\"},\"y\":{\"name\":"
         "\"de\",\"weight\":1.5}}}"},
        {"batch", "[2,\"x\",4,{\"name\":\"abc\"},6,8,\"x\",10]"},
    };
    double seconds = argc > 1 ? atof(argv[1]) : 1.0;
    size_t b;

    for (b = 0; b < sizeof(bodies) / sizeof(bodies[0]); b++) {
        double start = now(), elapsed;
        long n = 0;

        if (one(bodies[b][0], bodies[b][1]) != 0) {
            fprintf(stderr, "valid_bench: the %s body is not valid\n", bodies[b][0]);
            return 1;
        }
        do {
            int i;

            for (i = 0; i < 1000; i++)
                one(bodies[b][0], bodies[b][1]);
            n += 1000;
            elapsed = now() - start;
        } while (elapsed < seconds);
        printf("%-6s %10.0f validations/s (parse + validate + release, %zu bytes)\n", bodies[b][0],
               (double)n / elapsed, strlen(bodies[b][1]));
    }
    return 0;
}
