/*
 * A minimal TAP-style check macro for the C unit tests: each CHECK prints
 * "ok N - expr" or "not ok N - expr (file:line)", and test_done() returns
 * the exit status (0 only if every check passed and at least one ran).
 */
#ifndef TEST_H
#define TEST_H

#include <stdio.h>

static int test_count, test_failed;

#define CHECK(expr)                                                                                          \
    do {                                                                                                     \
        test_count++;                                                                                        \
        if (expr) {                                                                                          \
            printf("ok %d - %s\n", test_count, #expr);                                                       \
        } else {                                                                                             \
            test_failed++;                                                                                   \
            printf("not ok %d - %s (%s:%d)\n", test_count, #expr, __FILE__, __LINE__);                       \
        }                                                                                                    \
    } while (0)

static inline int test_done(void)
{
    printf("1..%d\n# %d passed, %d failed\n", test_count, test_count - test_failed, test_failed);
    return test_failed == 0 && test_count > 0 ? 0 : 1;
}

#endif /* TEST_H */
