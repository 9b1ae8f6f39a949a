/*
 * pattern_bench — searches per second of the runtime's pattern engine
 * (rt_valid_pattern: PCRE2 with its JIT, on the generator's rewrite of the
 * ECMA-262 pattern) side by side with the engine it replaced (glibc's
 * regexec on the POSIX ERE the generator wrote before, REG_EXTENDED |
 * REG_NOSUB, C locale), on patterns and values spec authors write.
 * Usage: pattern_bench [seconds per engine and pattern, default 0.5].
 * Figures are for reading (bench/RESULTS.md).
 */
#include "rt_valid_pattern.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct bench_case {
    const char *name;
    const char *source; /* the ECMA-262 pattern of the spec */
    const char *ere;    /* what codegen/openapi_c/regex.py wrote for regcomp (before PCRE2) */
    const char *pcre2;  /* what it writes now (pcre2_regex()), taken from it at build time */
    const char *value;  /* a value that matches */
};

/* cases[]: bench/pattern_cases.py, run by the build */
#include "pattern_cases.h"

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Searches per second of glibc's regexec; -1 if the ERE does not compile or match. */
static double rate_regexec(const struct bench_case *c, double seconds)
{
    regex_t re;
    double start, n = 0;

    if (regcomp(&re, c->ere, REG_EXTENDED | REG_NOSUB) != 0)
        return -1;
    if (regexec(&re, c->value, 0, NULL, 0) != 0) {
        regfree(&re);
        return -1;
    }
    start = now();
    do {
        for (int i = 0; i < 1000; i++)
            n += regexec(&re, c->value, 0, NULL, 0) == 0;
    } while (now() - start < seconds);
    regfree(&re);
    return n / (now() - start);
}

/* Searches per second of rt_valid_pattern_search(); -1 if it does not compile or match. */
static double rate_pcre2(const struct bench_case *c, double seconds)
{
    struct rt_valid_pattern p = {.source = c->source, .regex = c->pcre2};
    size_t len = strlen(c->value);
    double start, n = 0;

    if (rt_valid_pattern_search(&p, c->value, len) != 1) {
        rt_valid_pattern_clear(&p);
        return -1;
    }
    start = now();
    do {
        for (int i = 0; i < 1000; i++)
            n += rt_valid_pattern_search(&p, c->value, len) == 1;
    } while (now() - start < seconds);
    rt_valid_pattern_clear(&p);
    return n / (now() - start);
}

int main(int argc, char **argv)
{
    double seconds = argc > 1 ? atof(argv[1]) : 0.5;
    int rc = 0;

    printf("%-44s %16s %16s %8s\n", "pattern", "regexec /s", "PCRE2 JIT /s", "ratio");
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        double old = rate_regexec(&cases[i], seconds), new = rate_pcre2(&cases[i], seconds);

        if (old < 0 || new < 0) {
            printf("%-44s does not compile or does not match its value\n", cases[i].name);
            rc = 1;
            continue;
        }
        printf("%-44s %16.0f %16.0f %7.1fx\n", cases[i].name, old, new, new / old);
        printf("    %s -> %s\n", cases[i].source, cases[i].pcre2);
    }
    return rc;
}
