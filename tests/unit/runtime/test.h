/*
 * A minimal TAP-style check macro for the C unit tests: each CHECK prints
 * "ok N - expr" or "not ok N - expr (file:line)", and test_done() returns
 * the exit status (0 only if every check passed and at least one ran).
 *
 * Named cases: after TEST_CASE("name") (or for each entry of a table run by
 * test_run()), the checks are reported as "ok N - name: expr", a
 * "# case: name" line opens the case, and test_done() ends with the names
 * of the cases that failed ("# failed cases: a b"), so a failure says
 * which case it belongs to without reading the whole log:
 *
 *     static const struct test_case cases[] = {
 *         {"arena.aligned", test_arena_aligned},
 *         {"reply.twice", test_reply_twice},
 *     };
 *     int main(int argc, char **argv) { return test_run(cases, TEST_N(cases), argc, argv); }
 *
 * Run one test binary with case names as arguments to run only those
 * (an argument ending in '.' runs every case that starts with it).
 */
#ifndef TEST_H
#define TEST_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TEST_MAX_FAILED_CASES 64

static int test_count, test_failed;
static const char *test_case_name; /* the case the checks belong to, or NULL */
static int test_case_failures;     /* checks failed in test_case_name so far */
static const char *test_failed_cases[TEST_MAX_FAILED_CASES];
static int test_n_failed_cases;

#define CHECK(expr)                                                                                          \
    do {                                                                                                     \
        test_count++;                                                                                        \
        if (expr) {                                                                                          \
            printf("ok %d - %s%s%s\n", test_count, test_case_name ? test_case_name : "",                     \
                   test_case_name ? ": " : "", #expr);                                                       \
        } else {                                                                                             \
            test_failed++;                                                                                   \
            test_case_failures++;                                                                            \
            printf("not ok %d - %s%s%s (%s:%d)\n", test_count, test_case_name ? test_case_name : "",         \
                   test_case_name ? ": " : "", #expr, __FILE__, __LINE__);                                   \
        }                                                                                                    \
    } while (0)

/* Close the current case: remember its name if one of its checks failed. */
static inline void test_case_end(void)
{
    if (test_case_name != NULL && test_case_failures > 0 && test_n_failed_cases < TEST_MAX_FAILED_CASES)
        test_failed_cases[test_n_failed_cases++] = test_case_name;
    test_case_name = NULL;
    test_case_failures = 0;
}

/* Start case @p name (a string literal or other static storage); the checks that follow belong to it. */
static inline void test_case_begin(const char *name)
{
    test_case_end();
    test_case_name = name;
    printf("# case: %s\n", name);
    fflush(stdout);
}

#define TEST_CASE(name) test_case_begin(name)

static inline int test_done(void)
{
    test_case_end();
    printf("1..%d\n# %d passed, %d failed\n", test_count, test_count - test_failed, test_failed);
    if (test_n_failed_cases > 0) {
        printf("# failed cases:");
        for (int i = 0; i < test_n_failed_cases; i++)
            printf(" %s", test_failed_cases[i]);
        printf("\n");
    }
    return test_failed == 0 && test_count > 0 ? 0 : 1;
}

/* --- a table of named cases --- */

struct test_case {
    const char *name; /* stable, dotted by area: "arena.reset_keeps_first_chunk" */
    void (*fn)(void); /* runs the case's CHECKs */
};

#define TEST_N(cases) (sizeof(cases) / sizeof((cases)[0]))

/* Whether case @p name was asked for on the command line (no arguments: every case). */
static inline bool test_selected(const char *name, int argc, char **argv)
{
    int i;

    if (argc <= 1)
        return true;
    for (i = 1; i < argc; i++) {
        size_t n = strlen(argv[i]);

        if (strcmp(argv[i], name) == 0 || (n > 0 && argv[i][n - 1] == '.' && strncmp(argv[i], name, n) == 0))
            return true;
    }
    return false;
}

/*
 * Run the cases of @p cases in order (only those named in @p argv, if
 * any), each under its name.
 * @return test_done()'s exit status.
 */
static inline int test_run(const struct test_case *cases, size_t n, int argc, char **argv)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (!test_selected(cases[i].name, argc, argv))
            continue;
        test_case_begin(cases[i].name);
        cases[i].fn();
        test_case_end();
    }
    return test_done();
}

/* --- what the code under test writes to standard error (rt_log) --- */

static int test_stderr_fd = -1, test_stderr_saved = -1;
static char test_stderr_path[64];

/*
 * Send standard error to a temporary file until test_stderr_end().  Its
 * name is printed first: if the process dies meanwhile (a sanitizer's
 * report goes to standard error too), the file stays, with the report.
 */
static inline void test_stderr_begin(void)
{
    snprintf(test_stderr_path, sizeof(test_stderr_path), "/tmp/test-stderr-XXXXXX");
    test_stderr_fd = mkstemp(test_stderr_path);
    if (test_stderr_fd < 0)
        return;
    printf("# standard error goes to %s for a moment\n", test_stderr_path);
    fflush(stdout);
    fflush(stderr);
    test_stderr_saved = dup(STDERR_FILENO);
    dup2(test_stderr_fd, STDERR_FILENO);
}

/* Restore standard error. @return what was written to it meanwhile, in @p buf (NUL-terminated). */
static inline const char *test_stderr_end(char *buf, size_t size)
{
    ssize_t n = 0;

    if (test_stderr_saved >= 0) {
        dup2(test_stderr_saved, STDERR_FILENO);
        close(test_stderr_saved);
        test_stderr_saved = -1;
    }
    if (test_stderr_fd >= 0) {
        n = pread(test_stderr_fd, buf, size - 1, 0);
        close(test_stderr_fd);
        unlink(test_stderr_path);
        test_stderr_fd = -1;
    }
    buf[n > 0 ? n : 0] = '\0';
    return buf;
}

#endif /* TEST_H */
