/*
 * rt_config — settings from defaults, environment and flags.
 */
#include "rt_config.h"
#include "rt_err.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

enum opt_kind { OPT_STRING, OPT_PORT, OPT_COUNT, OPT_BOOL, OPT_SIZE, OPT_DURATION, OPT_MS, OPT_LOG_LEVEL };

struct opt {
    const char *flag; /* --flag */
    const char *env;  /* ENVIRONMENT_VARIABLE */
    enum opt_kind kind;
    size_t offset; /* of the field in struct rt_config */
    size_t size;   /* of the field (the bound for OPT_STRING) */
    const char *help;
};

#define FIELD(f) offsetof(struct rt_config, f), sizeof(((struct rt_config *)0)->f)

static const struct opt opts[] = {
    {"host", "HOST", OPT_STRING, FIELD(host),
     "address to listen on (default 127.0.0.1; 0.0.0.0 or :: for all)"},
    {"port", "PORT", OPT_PORT, FIELD(port), "TCP port (default 8000; 0 picks a free port)"},
    {"workers", "WORKERS", OPT_COUNT, FIELD(workers),
     "worker threads, one event loop each (default: CPU count)"},
    {"log-level", "LOG_LEVEL", OPT_LOG_LEVEL, FIELD(log_level),
     "debug, info, warning, error or off (default info)"},
    {"access-log", "ACCESS_LOG", OPT_BOOL, FIELD(access_log),
     "one log line per request: on or off (default on)"},
    {"max-body-size", "MAX_BODY_SIZE", OPT_SIZE, FIELD(max_body_size),
     "largest request body, 413 beyond (default 1MiB)"},
    {"max-header-size", "MAX_HEADER_SIZE", OPT_SIZE, FIELD(max_header_size),
     "largest request line + headers, 431 beyond (default 16KiB)"},
    {"max-header-count", "MAX_HEADER_COUNT", OPT_COUNT, FIELD(max_header_count),
     "most headers in a request, 431 beyond (default 100)"},
    {"header-timeout", "HEADER_TIMEOUT", OPT_DURATION, FIELD(header_timeout_ms),
     "time to send a request's head, from its first byte; 408 beyond (default 10s)"},
    {"body-timeout", "BODY_TIMEOUT", OPT_DURATION, FIELD(body_timeout_ms),
     "time to send a request's body after its head; 408 beyond (default 30s)"},
    {"keepalive-timeout", "KEEPALIVE_TIMEOUT", OPT_DURATION, FIELD(keepalive_timeout_ms),
     "idle time before a keep-alive connection is closed (default 15s)"},
    {"write-timeout", "WRITE_TIMEOUT", OPT_DURATION, FIELD(write_timeout_ms),
     "time a response may take to reach a slow client (default 30s)"},
    {"shutdown-timeout", "SHUTDOWN_TIMEOUT", OPT_DURATION, FIELD(shutdown_timeout_ms),
     "grace period for in-flight requests on SIGTERM/SIGINT (default 10s)"},
    {"max-connections", "MAX_CONNECTIONS", OPT_COUNT, FIELD(max_connections),
     "open connections per worker; more wait in the backlog (default 100000)"},
    {"backlog", "BACKLOG", OPT_COUNT, FIELD(backlog), "listen backlog (default 4096)"},
    {"database-url", "DATABASE_URL", OPT_STRING, FIELD(database_url),
     "sqlite:///rel.db, sqlite:////abs.db, sqlite::memory: or postgresql://user:pw@host:port/db "
     "(default sqlite:///async-demo.db)"},
    {"db-pool-size", "DB_POOL_SIZE", OPT_COUNT, FIELD(db_pool_size),
     "PostgreSQL connections per worker (default 4)"},
    {"db-acquire-timeout", "DB_ACQUIRE_TIMEOUT", OPT_DURATION, FIELD(db_acquire_timeout_ms),
     "time a query waits for a usable database connection; 503 beyond (default 5s)"},
    {"db-connect-timeout", "DB_CONNECT_TIMEOUT", OPT_DURATION, FIELD(db_connect_timeout_ms),
     "time one database connection attempt may take (default 5s)"},
    {"external-api-urls", "EXTERNAL_API_URLS", OPT_STRING, FIELD(external_api_urls),
     "comma-separated http(s) URLs that /fetch-external-data calls at once (default: three jsonplaceholder "
     "posts)"},
    {"external-api-timeout-ms", "EXTERNAL_API_TIMEOUT_MS", OPT_MS, FIELD(external_api_timeout_ms),
     "milliseconds one outbound call may take (default 5000)"},
    {"external-ca-file", "EXTERNAL_CA_FILE", OPT_STRING, FIELD(external_ca_file),
     "PEM file of CAs trusted for outbound HTTPS (default: the system's store)"},
    {"external-max-response-size", "EXTERNAL_MAX_RESPONSE_SIZE", OPT_SIZE, FIELD(external_max_response_size),
     "largest outbound response body (default 1MiB)"},
    {"external-max-connections", "EXTERNAL_MAX_CONNECTIONS", OPT_COUNT, FIELD(external_max_connections),
     "outbound connections per worker and origin; more calls wait their turn (default 64)"},
    {"task-workers", "TASK_WORKERS", OPT_COUNT, FIELD(task_workers),
     "threads that run background tasks (default: CPU count)"},
    {"task-queue-size", "TASK_QUEUE_SIZE", OPT_COUNT, FIELD(task_queue_size),
     "background tasks waiting at most; more get 503 with Retry-After (default 1000)"},
    {"task-iterations", "TASK_ITERATIONS", OPT_COUNT, FIELD(task_iterations),
     "SHA-256 rounds per background task, i.e. its CPU cost (default 1000000)"},
};

#define N_OPTS (sizeof(opts) / sizeof(opts[0]))

void rt_config_defaults(struct rt_config *cfg)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);

    memset(cfg, 0, sizeof(*cfg));
    snprintf(cfg->host, sizeof(cfg->host), "127.0.0.1");
    cfg->port = 8000;
    cfg->workers = cpus > 0 ? (int)cpus : 1;
    cfg->log_level = RT_LOG_INFO;
    cfg->access_log = 1;
    cfg->max_body_size = 1024 * 1024;
    cfg->max_header_size = 16 * 1024;
    cfg->max_header_count = 100;
    cfg->header_timeout_ms = 10000;
    cfg->body_timeout_ms = 30000;
    cfg->keepalive_timeout_ms = 15000;
    cfg->write_timeout_ms = 30000;
    cfg->shutdown_timeout_ms = 10000;
    cfg->max_connections = 100000;
    cfg->backlog = 4096;
    snprintf(cfg->database_url, sizeof(cfg->database_url), "sqlite:///async-demo.db");
    cfg->db_pool_size = 4;
    cfg->db_acquire_timeout_ms = 5000;
    cfg->db_connect_timeout_ms = 5000;
    snprintf(cfg->external_api_urls, sizeof(cfg->external_api_urls), "%s",
             "https://jsonplaceholder.typicode.com/posts/1,https://jsonplaceholder.typicode.com/posts/2,"
             "https://jsonplaceholder.typicode.com/users/1");
    cfg->external_api_timeout_ms = 5000;
    cfg->external_max_response_size = 1024 * 1024;
    cfg->external_max_connections = 64;
    cfg->task_workers = cfg->workers;
    cfg->task_iterations = 1000000;
    cfg->task_queue_size = 1000;
}

/* "1048576", "64k", "64KiB", "1m", "1MiB" (powers of 1024). */
static int parse_size(const char *s, size_t *out)
{
    char *end;
    unsigned long long v;
    unsigned shift = 0;

    errno = 0;
    v = strtoull(s, &end, 10);
    if (end == s || errno != 0 || s[0] == '-')
        return -1;
    if (*end != '\0') {
        switch (*end | 0x20) {
        case 'k':
            shift = 10;
            break;
        case 'm':
            shift = 20;
            break;
        case 'g':
            shift = 30;
            break;
        default:
            return -1;
        }
        end++;
        if (strcasecmp(end, "") != 0 && strcasecmp(end, "b") != 0 && strcasecmp(end, "ib") != 0)
            return -1;
    }
    if (v > (SIZE_MAX >> shift))
        return -1;
    *out = (size_t)(v << shift);
    return 0;
}

/* "10" and "10s" are seconds, "2.5s", "500ms"; the result is in milliseconds. */
static int parse_duration(const char *s, int *out_ms)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(s, &end);
    if (end == s || errno != 0 || !isfinite(v) || v < 0)
        return -1;
    if (strcmp(end, "ms") == 0)
        ;
    else if (*end == '\0' || strcmp(end, "s") == 0)
        v *= 1000;
    else
        return -1;
    if (v > 24.0 * 3600 * 1000)
        return -1;
    *out_ms = (int)llround(v);
    return 0;
}

static int parse_int(const char *s, long lo, long hi, int *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (end == s || *end != '\0' || errno != 0 || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

static int parse_bool(const char *s, int *out)
{
    static const char *const yes[] = {"1", "on", "true", "yes"};
    static const char *const no[] = {"0", "off", "false", "no"};
    size_t i;

    for (i = 0; i < 4; i++) {
        if (strcasecmp(s, yes[i]) == 0)
            return (*out = 1), 0;
        if (strcasecmp(s, no[i]) == 0)
            return (*out = 0), 0;
    }
    return -1;
}

/* Store @value into the field of @o; 0 or -1 with @err filled. */
static int apply(struct rt_config *cfg, const struct opt *o, const char *value, const char *source, char *err,
                 size_t errlen)
{
    char *field = (char *)cfg + o->offset;
    int rc = -1;

    switch (o->kind) {
    case OPT_STRING:
        if (value[0] != '\0' && strlen(value) < o->size) {
            snprintf(field, o->size, "%s", value);
            rc = 0;
        }
        break;
    case OPT_PORT:
        rc = parse_int(value, 0, 65535, (int *)(void *)field);
        break;
    case OPT_COUNT:
        rc = parse_int(value, 1, 1000000000, (int *)(void *)field);
        break;
    case OPT_BOOL:
        rc = parse_bool(value, (int *)(void *)field);
        break;
    case OPT_SIZE:
        rc = parse_size(value, (size_t *)(void *)field);
        break;
    case OPT_DURATION:
        rc = parse_duration(value, (int *)(void *)field);
        break;
    case OPT_MS:
        rc = parse_int(value, 1, 24 * 3600 * 1000, (int *)(void *)field);
        break;
    case OPT_LOG_LEVEL:
        rc = rt_log_parse_level(value, (enum rt_log_level *)(void *)field);
        break;
    }
    /* A string may hold a secret (DATABASE_URL's password): never echo it. */
    if (rc != 0 && o->kind == OPT_STRING)
        rt_err_set(err, errlen, "invalid %s (from %s): empty or longer than %zu characters", o->env, source,
                   o->size - 1);
    else if (rc != 0)
        rt_err_set(err, errlen, "invalid %s '%s' (from %s): %s", o->env, value, source, o->help);
    return rc;
}

static void print_help(const char *prog)
{
    size_t i;

    printf("Usage: %s [options]\n\n"
           "async-demo: the FastAPI async tutorial's service, spec-first in C.\n"
           "Every option can also be set by the environment variable shown; flags win.\n"
           "Durations take s or ms (10s, 500ms); sizes take k, m or g (64k, 1MiB).\n\n",
           prog);
    for (i = 0; i < N_OPTS; i++)
        printf("  --%-20s %-18s %s\n", opts[i].flag, opts[i].env, opts[i].help);
    printf("  --%-20s %-18s %s\n  --%-20s %-18s %s\n", "help", "", "show this help and exit", "version", "",
           "show the version and exit");
}

static const struct opt *find_flag(const char *name, size_t len)
{
    size_t i;

    for (i = 0; i < N_OPTS; i++) {
        if (strlen(opts[i].flag) == len && strncmp(opts[i].flag, name, len) == 0)
            return &opts[i];
    }
    return NULL;
}

int rt_config_load(struct rt_config *cfg, int argc, char **argv, char *err, size_t errlen)
{
    size_t i;
    int a;

    rt_config_defaults(cfg);
    for (i = 0; i < N_OPTS; i++) {
        const char *v = getenv(opts[i].env);

        if (v != NULL && v[0] != '\0' && apply(cfg, &opts[i], v, "environment", err, errlen) != 0)
            return -1;
    }
    for (a = 1; a < argc; a++) {
        const char *arg = argv[a], *name, *eq, *value;
        const struct opt *o;

        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            print_help(argv[0]);
            return 1;
        }
        if (strcmp(arg, "--version") == 0) {
            printf("async-demo %s\n", ASYNC_DEMO_VERSION);
            return 1;
        }
        if (strncmp(arg, "--", 2) != 0) {
            rt_err_set(err, errlen, "unexpected argument '%s' (see --help)", arg);
            return -1;
        }
        name = arg + 2;
        eq = strchr(name, '=');
        o = find_flag(name, eq ? (size_t)(eq - name) : strlen(name));
        if (o == NULL) {
            rt_err_set(err, errlen, "unknown option '%s' (see --help)", arg);
            return -1;
        }
        if (eq != NULL) {
            value = eq + 1;
        } else if (a + 1 < argc) {
            value = argv[++a];
        } else {
            rt_err_set(err, errlen, "option '%s' needs a value", arg);
            return -1;
        }
        if (apply(cfg, o, value, "command line", err, errlen) != 0)
            return -1;
    }
    return 0;
}

void rt_config_log(const struct rt_config *cfg)
{
    rt_log_info(
        "config: workers=%d max_body_size=%zu max_header_size=%zu header_timeout=%dms body_timeout=%dms "
        "keepalive_timeout=%dms shutdown_timeout=%dms access_log=%s",
        cfg->workers, cfg->max_body_size, cfg->max_header_size, cfg->header_timeout_ms, cfg->body_timeout_ms,
        cfg->keepalive_timeout_ms, cfg->shutdown_timeout_ms, cfg->access_log ? "on" : "off");
}
