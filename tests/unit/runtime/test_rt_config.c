/*
 * Unit tests for runtime/rt_config.c: defaults, configuration file,
 * environment, flags (which win), units, and clear refusals; the example
 * file in docs/ parses and names every setting.
 */
#include "rt_config.h"
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
                     "external-api-urls = \"http://a.example/x # not a comment\"\n"
                     "database-url = 'postgresql://u:p#w@h/db'\n"
                     "external-ca-file = /etc/ca#1.pem\n"
                     "access-log = off\n");
    rt_config_defaults(&cfg);
    CHECK(rt_config_load_file(&cfg, path, err, sizeof(err)) == 0);
    CHECK(err[0] == '\0');
    if (err[0] != '\0')
        printf("# %s\n", err);
    CHECK(cfg.port == 9100);
    CHECK(cfg.log_level == RT_LOG_DEBUG);
    CHECK(cfg.max_body_size == 64 * 1024);
    CHECK(strcmp(cfg.external_api_urls, "http://a.example/x # not a comment") == 0);
    CHECK(strcmp(cfg.database_url, "postgresql://u:p#w@h/db") == 0);
    CHECK(strcmp(cfg.external_ca_file, "/etc/ca#1.pem") == 0); /* '#' only starts a comment after a space */
    CHECK(cfg.access_log == 0);
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
    rt_config_defaults(&cfg);
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
    CHECK(cfg.port == 9100); /* the first one stays */
    unlink(path);
    rt_config_defaults(&cfg);
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
    CHECK(cfg.port == 9100);            /* file over default */
    CHECK(cfg.max_header_count == 7);   /* file over default */
    CHECK(cfg.body_timeout_ms == 3000); /* environment over file */
    CHECK(cfg.workers == 5);            /* flag over environment */
    CHECK(strcmp(cfg.config_file, path) == 0);
    CHECK(cfg.check_config == 0);
    setenv("CONFIG_FILE", path, 1);
    CHECK(load(&cfg, err, 2, argv_env) == 0);
    CHECK(cfg.port == 9100);
    CHECK(cfg.workers == 4);
    CHECK(cfg.check_config == 1);
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
    CHECK(strcmp(cfg.tls_key_file, "/x/key.pem") == 0);
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
    struct rt_config a, b;
    char path[64], err[1024] = "";
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    rt_config_defaults(&a);
    a.port = 1234;
    a.header_timeout_ms = 1500;
    snprintf(a.external_api_urls, sizeof(a.external_api_urls), "http://x/ #1");
    rt_config_write(&a, f);
    fclose(f);
    write_file(path, text);
    rt_config_defaults(&b);
    CHECK(rt_config_load_file(&b, path, err, sizeof(err)) == 0);
    CHECK(b.port == 1234);
    CHECK(b.header_timeout_ms == 1500);
    CHECK(strcmp(b.external_api_urls, "http://x/ #1") == 0);
    CHECK(b.max_body_size == a.max_body_size && b.log_level == a.log_level && b.access_log == a.access_log);
    unlink(path);
    free(text);
}

/*
 * docs/async-demo.conf.example cannot rot: uncommented, it parses, and
 * every setting rt_config_write() knows (the whole table) appears in it.
 */
static void test_example_file(void)
{
    char path[64], err[2048] = "", *line = NULL, *text = NULL, *written = NULL;
    size_t cap = 0, len = 0, wlen = 0;
    FILE *in = fopen(ASYNC_DEMO_SOURCE_DIR "/docs/async-demo.conf.example", "r");
    FILE *out = open_memstream(&text, &len), *w = open_memstream(&written, &wlen);
    struct rt_config cfg;
    const char *p;
    int missing = 0;

    CHECK(in != NULL);
    if (in == NULL)
        return;
    /* "# name = value" lines are the settings; other comments stay comments. */
    while (getline(&line, &cap, in) >= 0) {
        size_t name_len = strncmp(line, "# ", 2) == 0 ? strspn(line + 2, "abcdefghijklmnopqrstuvwxyz-") : 0;

        fputs(name_len > 0 && strncmp(line + 2 + name_len, " = ", 3) == 0 ? line + 2 : line, out);
    }
    fclose(in);
    fclose(out);
    write_file(path, text);
    rt_config_defaults(&cfg);
    CHECK(rt_config_load_file(&cfg, path, err, sizeof(err)) == 0);
    if (err[0] != '\0')
        printf("# %s\n", err);
    rt_config_defaults(&cfg);
    rt_config_write(&cfg, w);
    fclose(w);
    for (p = written; *p != '\0'; p = strchr(p, '\n') + 1) {
        const char *name = strncmp(p, "# ", 2) == 0 ? p + 2 : p;
        char key[80];

        snprintf(key, sizeof(key), "\n%.*s = ", (int)strcspn(name, " "), name);
        if (strstr(text, key) == NULL) {
            printf("# not in the example: %s\n", key + 1);
            missing++;
        }
    }
    CHECK(missing == 0);
    unlink(path);
    free(line);
    free(text);
    free(written);
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
    test_example_file();
    return test_done();
}
