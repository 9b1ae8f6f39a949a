/*
 * Unit tests for runtime/rt_config.c: defaults, environment, flags (which
 * win), units, and clear refusals.
 */
#include "rt_config.h"
#include "test.h"

#include <stdlib.h>
#include <string.h>

static int load(struct rt_config *cfg, char *err, int argc, char **argv)
{
    return rt_config_load(cfg, argc, argv, err, 256);
}

static void test_defaults(void)
{
    struct rt_config cfg;
    char err[256] = "";
    char *argv[] = {"async-demo", NULL};

    CHECK(load(&cfg, err, 1, argv) == 0);
    CHECK(cfg.port == 8000);
    CHECK(strcmp(cfg.host, "127.0.0.1") == 0);
    CHECK(cfg.workers >= 1);
    CHECK(cfg.max_body_size == 1024 * 1024);
    CHECK(cfg.log_level == RT_LOG_INFO);
}

static void test_env_then_flags(void)
{
    struct rt_config cfg;
    char err[256] = "";
    char *argv[] = {"async-demo", "--port", "9001", "--max-body-size=64k", "--header-timeout", "500ms", NULL};

    setenv("PORT", "7000", 1);
    setenv("WORKERS", "3", 1);
    setenv("SHUTDOWN_TIMEOUT", "2.5s", 1);
    setenv("LOG_LEVEL", "WARNING", 1);
    CHECK(load(&cfg, err, 6, argv) == 0);
    CHECK(cfg.port == 9001); /* the flag wins */
    CHECK(cfg.workers == 3);
    CHECK(cfg.max_body_size == 64 * 1024);
    CHECK(cfg.header_timeout_ms == 500);
    CHECK(cfg.shutdown_timeout_ms == 2500);
    CHECK(cfg.log_level == RT_LOG_WARNING);
    unsetenv("PORT");
    unsetenv("WORKERS");
    unsetenv("SHUTDOWN_TIMEOUT");
    unsetenv("LOG_LEVEL");
}

static void test_refusals(void)
{
    struct rt_config cfg;
    char err[256] = "";
    char *bad_port[] = {"async-demo", "--port", "70000", NULL};
    char *bad_size[] = {"async-demo", "--max-body-size", "12q", NULL};
    char *unknown[] = {"async-demo", "--nope", NULL};
    char *missing[] = {"async-demo", "--port", NULL};

    CHECK(load(&cfg, err, 3, bad_port) == -1);
    CHECK(strstr(err, "PORT") != NULL);
    CHECK(load(&cfg, err, 3, bad_size) == -1);
    CHECK(strstr(err, "MAX_BODY_SIZE") != NULL);
    CHECK(load(&cfg, err, 2, unknown) == -1);
    CHECK(strstr(err, "--nope") != NULL);
    CHECK(load(&cfg, err, 2, missing) == -1);
    setenv("ACCESS_LOG", "maybe", 1);
    CHECK(load(&cfg, err, 1, bad_port) == -1);
    CHECK(strstr(err, "ACCESS_LOG") != NULL);
    unsetenv("ACCESS_LOG");
}

int main(void)
{
    test_defaults();
    test_env_then_flags();
    test_refusals();
    return test_done();
}
