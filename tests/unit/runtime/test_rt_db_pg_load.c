/*
 * rt_db_pg, load on the pool of two connections against a live server
 * (pg_harness.h): 500 statements at once, each answered once; far more
 * to send than the socket buffers hold; a slow statement on one
 * connection does not hold up those the other one can take.
 */
#include "pg_harness.h"

#include "rt_time.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_CONCURRENT 500

static const struct rt_db_statement st_count = {"t_count", "SELECT count(*) FROM items WHERE name LIKE $1",
                                                1};
static const struct rt_db_statement st_length = {"t_length", "SELECT length($1)", 1};

static void concurrent(struct event_base *base, void *loop)
{
    const char *target = pg_target;
    static struct req r[N_CONCURRENT];
    char names[N_CONCURRENT][24];
    int i, ok = 0, submitted = 0, once = 1;
    uint64_t t0 = rt_time_mono_ns();

    for (i = 0; i < N_CONCURRENT; i++) {
        const char *p[2];

        snprintf(names[i], sizeof(names[i]), "bulk-%d", i);
        p[0] = names[i];
        p[1] = i % 2 ? "odd" : NULL;
        submitted += submit(loop, &st_insert, p, &r[i]) == 0;
    }
    CHECK(submitted == N_CONCURRENT);
    CHECK(wait_all(base, r, N_CONCURRENT, 20000));
    for (i = 0; i < N_CONCURRENT; i++) {
        ok += r[i].status == RT_DB_OK;
        once &= r[i].calls == 1;
    }
    CHECK(ok == N_CONCURRENT);
    CHECK(once);
    CHECK(scalar(target, "SELECT count(*) FROM items WHERE name LIKE 'bulk-%'") == N_CONCURRENT);
    printf("# %d inserts over 2 connections in %.0f ms\n", N_CONCURRENT, (rt_time_mono_ns() - t0) / 1e6);
    {
        const char *p[] = {"bulk-%"};
        struct req c;

        CHECK(submit(loop, &st_count, p, &c) == 0);
        CHECK(wait_all(base, &c, 1, 5000));
        CHECK(c.status == RT_DB_OK && strcmp(c.v0, "500") == 0);
    }
}

static void test_concurrent(void)
{
    pg_with_session(concurrent);
}

/*
 * Far more to send than the socket buffers hold (64 x 256 KiB): PQflush
 * returns 1 and the rest goes out on write-ready, while results are read.
 */
static void large(struct event_base *base, void *loop)
{
    static struct req r[64];
    size_t size = 256 * 1024;
    char *big = malloc(size + 1);
    const char *p[1];
    int i, ok = 0;

    memset(big, 'x', size);
    big[size] = '\0';
    p[0] = big;
    for (i = 0; i < 64; i++)
        submit(loop, &st_length, p, &r[i]);
    free(big); /* parameters are copied */
    CHECK(wait_all(base, r, 64, 20000));
    for (i = 0; i < 64; i++)
        ok += r[i].status == RT_DB_OK && strcmp(r[i].v0, "262144") == 0;
    CHECK(ok == 64);
}

static void test_large(void)
{
    pg_with_session(large);
}

/* A slow statement on one connection does not hold up statements that the other one can take. */
static void slow(struct event_base *base, void *loop)
{
    const char *p_sleep[] = {"1"};
    struct req slow, quick[20];
    uint64_t t0 = rt_time_mono_ns(), quick_done;
    int i, all = 1;

    CHECK(submit(loop, &st_sleep, p_sleep, &slow) == 0);
    run_for(base, 20); /* let it go out */
    for (i = 0; i < 20; i++) {
        if (submit(loop, &st_one, NULL, &quick[i]) != 0 || !wait_all(base, &quick[i], 1, 3000))
            all = 0;
        all &= quick[i].status == RT_DB_OK;
    }
    quick_done = rt_time_mono_ns();
    CHECK(all);
    CHECK(slow.calls == 0);
    CHECK(quick_done - t0 < 500000000u);
    CHECK(wait_all(base, &slow, 1, 5000));
    CHECK(slow.status == RT_DB_OK && slow.done_ns - t0 >= 900000000u);
    printf("# 20 quick statements in %.0f ms beside a 1 s one\n", (quick_done - t0) / 1e6);
}

static void test_slow(void)
{
    pg_with_session(slow);
}

static const struct test_case cases[] = {
    {"load.concurrent_statements", test_concurrent},
    {"load.large_parameters", test_large},
    {"load.slow_beside_quick", test_slow},
};

int main(int argc, char **argv)
{
    return pg_test_main(cases, TEST_N(cases), argc, argv);
}
