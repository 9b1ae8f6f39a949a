/*
 * Unit tests for runtime/core/rt_config.c over the runtime's own settings
 * (runtime/server/rt_settings.c) and a module's option group of the test's
 * own: defaults, configuration file, environment, flags (which win), units,
 * and clear refusals.  That the README and docs/async-demo.conf.example
 * list every option of the service is checked against the binary's
 * --list-options (tests/integration/test_options_docs.py).
 */
#include "rt_client_options.h"
#include "rt_config.h"
#include "rt_settings.h"
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A module's settings, as an application declares them. */
static char urls[4096];
static int rounds;

static const struct rt_option module_options[] = {
    {"test-urls", "TEST_URLS", RT_OPTION_STRING, urls, sizeof(urls), "http://a/,http://b/", NULL, "sources",
     NULL},
    {"test-rounds", "TEST_ROUNDS", RT_OPTION_THREADS, &rounds, 0, "auto", "the number of CPUs", "rounds",
     NULL},
};
static const struct rt_option_group module_group = {"test module", module_options, 2, NULL};

static const struct rt_option_group *groups[8];

/* The configuration of a program with the runtime's settings and the test module's. */
static struct rt_config program(void)
{
    struct rt_config cfg = {.program = "async-demo", .version = "0", .description = "test"};
    size_t i;

    for (i = 0; i < rt_settings_n_groups; i++)
        groups[i] = rt_settings_groups[i];
    groups[i++] = &module_group;
    cfg.groups = groups;
    cfg.n_groups = i;
    return cfg;
}

static int load(struct rt_config *cfg, char *err, int argc, char **argv)
{
    *cfg = program();
    return rt_config_load(cfg, argc, argv, err, 1024); /* every err here holds 1024 */
}

/* Back to the defaults; 0 if they are all valid. */
static int defaults(struct rt_config *cfg)
{
    char err[1024] = "";

    *cfg = program();
    return rt_config_defaults(cfg, err, sizeof(err));
}

static void test_defaults(void)
{
    struct rt_config cfg;
    char err[1024] = "";
    char *argv[] = {"async-demo", NULL};

    CHECK(load(&cfg, err, 1, argv) == 0);
    CHECK(rt_settings_get()->port == 8000);
    CHECK(strcmp(rt_settings_get()->host, "127.0.0.1") == 0);
    CHECK(rt_settings_get()->workers >= 1);
    CHECK(rt_settings_get()->max_body_size == 1024 * 1024);
    CHECK(rt_settings_get()->log_level == RT_LOG_INFO);
}

static void test_env_then_flags(void)
{
    struct rt_config cfg;
    char err[1024] = "";
    char *argv[] = {"async-demo", "--port", "9001", "--max-body-size=64k", "--header-timeout", "500ms", NULL};

    setenv("PORT", "7000", 1);
    setenv("WORKERS", "3", 1);
    setenv("SHUTDOWN_TIMEOUT", "2.5s", 1);
    setenv("LOG_LEVEL", "WARNING", 1);
    CHECK(load(&cfg, err, 6, argv) == 0);
    CHECK(rt_settings_get()->port == 9001); /* the flag wins */
    CHECK(rt_settings_get()->workers == 3);
    CHECK(rt_settings_get()->max_body_size == 64 * 1024);
    CHECK(rt_settings_get()->header_timeout_ms == 500);
    CHECK(rt_settings_get()->shutdown_timeout_ms == 2500);
    CHECK(rt_settings_get()->log_level == RT_LOG_WARNING);
    unsetenv("PORT");
    unsetenv("WORKERS");
    unsetenv("SHUTDOWN_TIMEOUT");
    unsetenv("LOG_LEVEL");
}

static void test_refusals(void)
{
    struct rt_config cfg;
    char err[1024] = "";
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

/* Write @text to a fresh temporary file; its path goes to @path (at least 64 bytes). */
static void write_file(char *path, const char *text)
{
    int fd;
    FILE *f;

    snprintf(path, 64, "/tmp/test_rt_config-XXXXXX");
    fd = mkstemp(path);
    f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
}

static void test_file_syntax(void)
{
    struct rt_config cfg;
    char path[64], err[1024] = "";

    write_file(path, "\xef\xbb\xbf# a comment\n"
                     "\n"
                     "   port = 9100   # trailing comment\r\n"
                     "LOG_LEVEL=debug\n"
                     "max_body_size = 64k\n"
                     "test_urls = \"http://a.example/x # not a comment\"\n"
                     "database-url = 'postgresql://u:p#w@h/db'\n"
                     "external-ca-file = /etc/ca#1.pem\n"
                     "access-log = off\n");
    CHECK(defaults(&cfg) == 0);
    CHECK(rt_config_load_file(&cfg, path, err, sizeof(err)) == 0);
    CHECK(err[0] == '\0');
    if (err[0] != '\0')
        printf("# %s\n", err);
    CHECK(rt_settings_get()->port == 9100);
    CHECK(rt_settings_get()->log_level == RT_LOG_DEBUG);
    CHECK(rt_settings_get()->max_body_size == 64 * 1024);
    CHECK(strcmp(urls, "http://a.example/x # not a comment") == 0);
    CHECK(strcmp(rt_settings_get()->database_url, "postgresql://u:p#w@h/db") == 0);
    {
        struct rt_client_settings client;

        rt_client_options_settings(&client, 0);
        CHECK(strcmp(client.ca_file, "/etc/ca#1.pem") == 0); /* '#' only starts a comment after a space */
    }
    CHECK(rt_settings_get()->access_log == 0);
    unlink(path);
}

static void test_file_errors(void)
{
    struct rt_config cfg;
    char path[64], err[2048] = "", want[128];

    write_file(path, "port = 9100\n"
                     "nonsense = 1\n"
                     "port = 9200\n"
                     "workers\n"
                     "max-body-size = 12q\n"
                     "host = \"unterminated\n"
                     "config = other.conf\n"
                     "database-url = 'x' y\n"
                     "db-pool-size =\n"
                     "database-url = postgresql://u:secret@h/db\n");
    CHECK(defaults(&cfg) == 0);
    CHECK(rt_config_load_file(&cfg, path, err, sizeof(err)) == -1);
    snprintf(want, sizeof(want), "%s:2: unknown setting 'nonsense'", path);
    CHECK(strstr(err, want) != NULL);
    snprintf(want, sizeof(want), "%s:3: duplicate setting 'port' (already set on line 1)", path);
    CHECK(strstr(err, want) != NULL);
    snprintf(want, sizeof(want), "%s:4: expected 'name = value'", path);
    CHECK(strstr(err, want) != NULL);
    snprintf(want, sizeof(want), "%s:5: invalid max-body-size '12q'", path);
    CHECK(strstr(err, want) != NULL);
    snprintf(want, sizeof(want), "%s:6: unterminated quoted value", path);
    CHECK(strstr(err, want) != NULL);
    snprintf(want, sizeof(want), "%s:7: 'config' cannot be set", path);
    CHECK(strstr(err, want) != NULL);
    snprintf(want, sizeof(want), "%s:8: unexpected text after the quoted value", path);
    CHECK(strstr(err, want) != NULL);
    snprintf(want, sizeof(want), "%s:9: 'db-pool-size' has no value", path);
    CHECK(strstr(err, want) != NULL);
    CHECK(strstr(err, "secret") == NULL);
    CHECK(rt_settings_get()->port == 9100); /* the first one stays */
    unlink(path);
    CHECK(defaults(&cfg) == 0);
    err[0] = '\0';
    CHECK(rt_config_load_file(&cfg, "/nonexistent/async-demo.conf", err, sizeof(err)) == -1);
    CHECK(strstr(err, "cannot read configuration file '/nonexistent/async-demo.conf'") != NULL);
}

/* defaults < file < environment < flags, with the file named by a flag or by CONFIG_FILE. */
static void test_precedence(void)
{
    struct rt_config cfg;
    char path[64], err[1024] = "", flag[80];
    char *argv[] = {"async-demo", "--config", path, "--workers", "5", NULL};
    char *argv_env[] = {"async-demo", "--check-config", NULL};

    write_file(path, "port = 9100\nworkers = 3\nmax-header-count = 7\nbody-timeout = 2s\n");
    setenv("WORKERS", "4", 1);
    setenv("BODY_TIMEOUT", "3s", 1);
    CHECK(load(&cfg, err, 5, argv) == 0);
    CHECK(rt_settings_get()->port == 9100);            /* file over default */
    CHECK(rt_settings_get()->max_header_count == 7);   /* file over default */
    CHECK(rt_settings_get()->body_timeout_ms == 3000); /* environment over file */
    CHECK(rt_settings_get()->workers == 5);            /* flag over environment */
    CHECK(strcmp(cfg.file, path) == 0);
    CHECK(!cfg.check_config);
    setenv("CONFIG_FILE", path, 1);
    CHECK(load(&cfg, err, 2, argv_env) == 0);
    CHECK(rt_settings_get()->port == 9100);
    CHECK(rt_settings_get()->workers == 4);
    CHECK(cfg.check_config);
    snprintf(flag, sizeof(flag), "--config=/nonexistent/x.conf");
    argv_env[1] = flag;
    CHECK(load(&cfg, err, 2, argv_env) == -1); /* the flag names the file, over CONFIG_FILE */
    CHECK(strstr(err, "/nonexistent/x.conf") != NULL);
    unsetenv("CONFIG_FILE");
    unsetenv("WORKERS");
    unsetenv("BODY_TIMEOUT");
    unlink(path);
}

static void test_tls_pair(void)
{
    struct rt_config cfg;
    char err[1024] = "";
    char *cert_only[] = {"async-demo", "--tls-cert-file", "/x/cert.pem", NULL};
    char *both[] = {"async-demo", "--tls-cert-file", "/x/cert.pem", "--tls-key-file", "/x/key.pem", NULL};

    CHECK(load(&cfg, err, 3, cert_only) == -1);
    CHECK(strstr(err, "TLS_KEY_FILE") != NULL);
    CHECK(load(&cfg, err, 5, both) == 0); /* whether the files load is rt_tls's business */
    CHECK(strcmp(rt_settings_get()->tls_key_file, "/x/key.pem") == 0);
}

/* Several bad settings: each is reported, one per line. */
static void test_all_errors_reported(void)
{
    struct rt_config cfg;
    char err[1024] = "";
    char *argv[] = {"async-demo", "--port", "x", "--workers", "0", NULL};

    setenv("BACKLOG", "lots", 1);
    CHECK(load(&cfg, err, 5, argv) == -1);
    CHECK(strstr(err, "BACKLOG") != NULL);
    CHECK(strstr(err, "PORT") != NULL);
    CHECK(strstr(err, "WORKERS") != NULL);
    CHECK(strchr(err, '\n') != NULL);
    unsetenv("BACKLOG");
}

/* rt_config_write's output is a valid file that reads back the same settings. */
static void test_write_round_trip(void)
{
    struct rt_config cfg;
    char path[64], err[1024] = "";
    char *text = NULL;
    size_t len = 0, body;
    FILE *f = open_memstream(&text, &len);

    CHECK(defaults(&cfg) == 0);
    rt_settings_get()->port = 1234;
    rt_settings_get()->header_timeout_ms = 1500;
    snprintf(urls, sizeof(urls), "http://x/ #1");
    rounds = 7;
    snprintf(rt_settings_get()->database_url, sizeof(rt_settings_get()->database_url),
             "postgresql://u:pw@h/db");
    rt_config_write(&cfg, f);
    fclose(f);
    CHECK(strstr(text, "pw") == NULL); /* the password is masked */
    write_file(path, text);
    body = rt_settings_get()->max_body_size;
    CHECK(defaults(&cfg) == 0);
    CHECK(rt_config_load_file(&cfg, path, err, sizeof(err)) == 0);
    CHECK(rt_settings_get()->port == 1234);
    CHECK(rt_settings_get()->header_timeout_ms == 1500);
    CHECK(strcmp(urls, "http://x/ #1") == 0);
    CHECK(rounds == 7);
    CHECK(rt_settings_get()->max_body_size == body);
    unlink(path);
    free(text);
}

/* --list-options: one line per setting (variable, flag, default, its documentation, help), tab-separated. */
static void test_list(void)
{
    struct rt_config cfg = program();
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    rt_config_list(&cfg, f);
    fclose(f);
    CHECK(strstr(text, "CONFIG_FILE\t--config\t\tnone\t") == text);
    CHECK(strstr(text, "\nPORT\t--port\t8000\t8000\t") != NULL);
    CHECK(strstr(text, "\nTEST_ROUNDS\t--test-rounds\tauto\tthe number of CPUs\trounds\n") != NULL);
    free(text);
}

/* A module's option: its default, "auto", and refusals that name it. */
static void test_module_option(void)
{
    struct rt_config cfg;
    char err[1024] = "";
    char *auto_argv[] = {"async-demo", "--test-rounds", "auto", NULL};
    char *bad[] = {"async-demo", "--test-rounds=0", NULL};

    CHECK(load(&cfg, err, 1, auto_argv) == 0);
    CHECK(strcmp(urls, "http://a/,http://b/") == 0 && rounds >= 1);
    setenv("TEST_ROUNDS", "3", 1);
    CHECK(load(&cfg, err, 1, auto_argv) == 0 && rounds == 3);
    CHECK(load(&cfg, err, 3, auto_argv) == 0 && rounds == sysconf(_SC_NPROCESSORS_ONLN));
    unsetenv("TEST_ROUNDS");
    CHECK(load(&cfg, err, 2, bad) == -1);
    CHECK(strstr(err, "TEST_ROUNDS") != NULL && strstr(err, "auto") != NULL);
}

int main(void)
{
    test_defaults();
    test_env_then_flags();
    test_refusals();
    test_file_syntax();
    test_file_errors();
    test_precedence();
    test_tls_pair();
    test_all_errors_reported();
    test_write_round_trip();
    test_list();
    test_module_option();
    return test_done();
}
