/*
 * rt_config — settings from defaults, a configuration file, the environment
 * and flags.
 */
#include "rt_config.h"
#include "rt_db.h"
#include "rt_err.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
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
    /* First: read before everything else, and not a setting a file may hold. */
    {"config", "CONFIG_FILE", OPT_STRING, FIELD(config_file),
     "read settings from this file first; the environment and flags win (default: none)"},
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
    {"tls-cert-file", "TLS_CERT_FILE", OPT_STRING, FIELD(tls_cert_file),
     "PEM certificate (chain) to serve HTTPS with; needs tls-key-file (default: plain HTTP)"},
    {"tls-key-file", "TLS_KEY_FILE", OPT_STRING, FIELD(tls_key_file),
     "PEM private key of tls-cert-file (default: plain HTTP)"},
};

#define CONFIG_OPT (&opts[0])

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

/* Store @value into the field of @o; 0, or -1 if it is not a valid value. */
static int set_value(struct rt_config *cfg, const struct opt *o, const char *value)
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
    return rc;
}

/*
 * Append one line to @err (lines are separated by '\n'), so that every
 * problem is reported at once; what does not fit is cut off.
 */
static void add_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void add_err(char *err, size_t errlen, const char *fmt, ...)
{
    size_t used;
    va_list ap;

    if (err == NULL || errlen == 0)
        return;
    used = strnlen(err, errlen - 1);
    if (used > 0 && used + 1 < errlen)
        err[used++] = '\n';
    err[used] = '\0';
    va_start(ap, fmt);
    vsnprintf(err + used, errlen - used, fmt, ap);
    va_end(ap);
}

/*
 * Store @value, or report it as "<where>invalid <name>...<from>".  A
 * string may hold a secret (DATABASE_URL's password): its value is never
 * echoed.
 */
static int apply(struct rt_config *cfg, const struct opt *o, const char *value, const char *name,
                 const char *where, const char *from, char *err, size_t errlen)
{
    if (set_value(cfg, o, value) == 0)
        return 0;
    if (o->kind == OPT_STRING)
        add_err(err, errlen, "%sinvalid %s%s: empty or longer than %zu characters", where, name, from,
                o->size - 1);
    else
        add_err(err, errlen, "%sinvalid %s '%s'%s: %s", where, name, value, from, o->help);
    return -1;
}

/* --- the configuration file --- */

static bool is_space(char ch)
{
    return ch == ' ' || ch == '\t';
}

/*
 * Split one line of a configuration file in place.  @return 0 for a blank
 * or comment line, 1 with *name and *value set, or -1 with *why set.
 */
static int split_line(char *line, char **name, char **value, const char **why)
{
    char *p = line, *v, *end;

    line[strcspn(line, "\r\n")] = '\0';
    while (is_space(*p))
        p++;
    if (*p == '\0' || *p == '#')
        return 0;
    *name = p;
    while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
           *p == '_')
        p++;
    end = p;
    while (is_space(*p))
        p++;
    if (end == *name || *p != '=') {
        *why = "expected 'name = value'";
        return -1;
    }
    *end = '\0';
    for (v = p + 1; is_space(*v); v++)
        ;
    if (*v == '"' || *v == '\'') {
        char *close = strchr(v + 1, *v);

        if (close == NULL) {
            *why = "unterminated quoted value";
            return -1;
        }
        *close = '\0';
        for (p = close + 1; is_space(*p); p++)
            ;
        if (*p != '\0' && *p != '#') {
            *why = "unexpected text after the quoted value";
            return -1;
        }
        *value = v + 1;
        return 1;
    }
    /* Unquoted: a '#' starts a comment at the start or after white space, so URLs may keep theirs. */
    for (p = v; *p != '\0'; p++) {
        if (*p == '#' && (p == v || is_space(p[-1]))) {
            *p = '\0';
            break;
        }
    }
    while (p > v && is_space(p[-1]))
        *--p = '\0';
    *value = v;
    return 1;
}

/* The option a file's key names: flag names, case-insensitive, '_' for '-'. */
static const struct opt *find_key(const char *key)
{
    char norm[64];
    size_t i;

    for (i = 0; key[i] != '\0'; i++) {
        if (i + 1 == sizeof(norm))
            return NULL;
        norm[i] = key[i] == '_' ? '-' : (char)(key[i] >= 'A' && key[i] <= 'Z' ? key[i] + 32 : key[i]);
    }
    norm[i] = '\0';
    for (i = 0; i < N_OPTS; i++) {
        if (strcmp(opts[i].flag, norm) == 0)
            return &opts[i];
    }
    return NULL;
}

/* Apply one split line; 0 or -1 with the error appended. */
static int file_setting(struct rt_config *cfg, const char *key, const char *value, const char *where,
                        int lineno, int *seen, char *err, size_t errlen)
{
    const struct opt *o = find_key(key);
    size_t idx;

    if (o == NULL) {
        add_err(err, errlen, "%sunknown setting '%s' (see --help for the names)", where, key);
        return -1;
    }
    if (o == CONFIG_OPT) {
        add_err(err, errlen, "%s'%s' cannot be set in a configuration file", where, key);
        return -1;
    }
    idx = (size_t)(o - opts);
    if (seen[idx] != 0) {
        add_err(err, errlen, "%sduplicate setting '%s' (already set on line %d)", where, o->flag, seen[idx]);
        return -1;
    }
    seen[idx] = lineno;
    if (value[0] == '\0') {
        add_err(err, errlen, "%s'%s' has no value", where, o->flag);
        return -1;
    }
    return apply(cfg, o, value, o->flag, where, "", err, errlen);
}

int rt_config_load_file(struct rt_config *cfg, const char *path, char *err, size_t errlen)
{
    int seen[N_OPTS] = {0};
    FILE *f = fopen(path, "r");
    char *line = NULL, where[1100];
    size_t cap = 0;
    int lineno = 0, rc = 0;

    if (f == NULL) {
        add_err(err, errlen, "cannot read configuration file '%s': %s", path, strerror(errno));
        return -1;
    }
    while (getline(&line, &cap, f) >= 0) {
        char *p = line, *key, *value;
        const char *why = NULL;
        int kind;

        lineno++;
        if (lineno == 1 && strncmp(p, "\xef\xbb\xbf", 3) == 0)
            p += 3; /* a UTF-8 byte order mark, as some editors write */
        snprintf(where, sizeof(where), "%s:%d: ", path, lineno);
        kind = split_line(p, &key, &value, &why);
        if (kind < 0) {
            add_err(err, errlen, "%s%s", where, why);
            rc = -1;
        } else if (kind > 0 && file_setting(cfg, key, value, where, lineno, seen, err, errlen) != 0) {
            rc = -1;
        }
    }
    if (ferror(f)) {
        add_err(err, errlen, "cannot read configuration file '%s': %s", path, strerror(errno));
        rc = -1;
    }
    free(line);
    fclose(f);
    return rc;
}

static void print_help(const char *prog)
{
    size_t i;

    printf("Usage: %s [options]\n\n"
           "async-demo: the FastAPI async tutorial's service, spec-first in C.\n"
           "Every option can also be set by the environment variable shown, or in the\n"
           "configuration file as `name = value` (the option's name without the dashes).\n"
           "Precedence: defaults < file < environment < flags.\n"
           "Durations take s or ms (10s, 500ms); sizes take k, m or g (64k, 1MiB).\n\n",
           prog);
    for (i = 0; i < N_OPTS; i++)
        printf("  --%-26s %-26s %s\n", opts[i].flag, opts[i].env, opts[i].help);
    printf("  --%-26s %-26s %s\n", "check-config", "",
           "validate the configuration (files included), print it and exit: 0 if valid, 2 if not");
    printf("  --%-26s %-26s %s\n  --%-26s %-26s %s\n", "help", "", "show this help and exit", "version", "",
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

/*
 * Walk the command line.  With @apply false, only --help, --version,
 * --check-config and --config are acted on and malformed arguments are
 * left for the second walk; with @apply true, every option is stored.
 * @return 0, 1 after --help or --version, -1 after an error (appended to @err).
 */
static int walk_flags(struct rt_config *cfg, int argc, char **argv, bool store, char *err, size_t errlen)
{
    int a, rc = 0;

    for (a = 1; a < argc; a++) {
        const char *arg = argv[a], *name, *eq, *value;
        const struct opt *o;

        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            if (!store)
                print_help(argv[0]);
            return 1;
        }
        if (strcmp(arg, "--version") == 0) {
            if (!store)
                printf("async-demo %s\n", ASYNC_DEMO_VERSION);
            return 1;
        }
        if (strcmp(arg, "--check-config") == 0) {
            cfg->check_config = 1;
            continue;
        }
        if (strncmp(arg, "--", 2) != 0) {
            if (store)
                add_err(err, errlen, "unexpected argument '%s' (see --help)", arg);
            return store ? -1 : 0;
        }
        name = arg + 2;
        eq = strchr(name, '=');
        o = find_flag(name, eq ? (size_t)(eq - name) : strlen(name));
        if (o == NULL) {
            if (store)
                add_err(err, errlen, "unknown option '%s' (see --help)", arg);
            return store ? -1 : 0;
        }
        if (eq != NULL) {
            value = eq + 1;
        } else if (a + 1 < argc) {
            value = argv[++a];
        } else {
            if (store)
                add_err(err, errlen, "option '%s' needs a value", arg);
            return store ? -1 : 0;
        }
        if (store == (o != CONFIG_OPT) &&
            apply(cfg, o, value, o->env, "", " (from the command line)", err, errlen) != 0)
            rc = -1; /* go on: report every bad value at once */
    }
    return rc;
}

/* Settings that are only valid together. */
static int check_combinations(const struct rt_config *cfg, char *err, size_t errlen)
{
    if ((cfg->tls_cert_file[0] != '\0') != (cfg->tls_key_file[0] != '\0')) {
        add_err(err, errlen, "%s is set but %s is not: HTTPS needs both the certificate and its key",
                cfg->tls_cert_file[0] != '\0' ? "TLS_CERT_FILE" : "TLS_KEY_FILE",
                cfg->tls_cert_file[0] != '\0' ? "TLS_KEY_FILE" : "TLS_CERT_FILE");
        return -1;
    }
    return 0;
}

int rt_config_load(struct rt_config *cfg, int argc, char **argv, char *err, size_t errlen)
{
    const char *file_env = getenv(CONFIG_OPT->env);
    int rc = 0, walked;
    size_t i;

    if (err != NULL && errlen > 0)
        err[0] = '\0';
    rt_config_defaults(cfg);
    if (file_env != NULL && file_env[0] != '\0' &&
        apply(cfg, CONFIG_OPT, file_env, CONFIG_OPT->env, "", " (from the environment)", err, errlen) != 0)
        rc = -1;
    /* First pass: --help and --version work whatever else is wrong; --config names the file. */
    walked = walk_flags(cfg, argc, argv, false, err, errlen);
    if (walked > 0)
        return walked;
    if (walked < 0)
        rc = -1;
    if (rc == 0 && cfg->config_file[0] != '\0' &&
        rt_config_load_file(cfg, cfg->config_file, err, errlen) != 0)
        rc = -1;
    for (i = 0; i < N_OPTS; i++) {
        const char *v = getenv(opts[i].env);

        if (&opts[i] != CONFIG_OPT && v != NULL && v[0] != '\0' &&
            apply(cfg, &opts[i], v, opts[i].env, "", " (from the environment)", err, errlen) != 0)
            rc = -1;
    }
    if (walk_flags(cfg, argc, argv, true, err, errlen) != 0)
        rc = -1;
    if (rc == 0 && check_combinations(cfg, err, errlen) != 0)
        rc = -1;
    return rc;
}

/* Write @s as a file value: bare if that reads back the same, else quoted. */
static void write_string(FILE *out, const char *name, const char *s)
{
    if (s[0] == '\0')
        fprintf(out, "# %s =   (not set)\n", name);
    else if (strpbrk(s, "#\"' \t") == NULL)
        fprintf(out, "%s = %s\n", name, s);
    else
        fprintf(out, "%s = %c%s%c\n", name, strchr(s, '"') ? '\'' : '"', s, strchr(s, '"') ? '\'' : '"');
}

static void write_size(FILE *out, const char *name, size_t v)
{
    if (v != 0 && v % (1024 * 1024) == 0)
        fprintf(out, "%s = %zuMiB\n", name, v / (1024 * 1024));
    else if (v != 0 && v % 1024 == 0)
        fprintf(out, "%s = %zuKiB\n", name, v / 1024);
    else
        fprintf(out, "%s = %zu\n", name, v);
}

void rt_config_write(const struct rt_config *cfg, FILE *out)
{
    static const char *const levels[] = {"debug", "info", "warning", "error", "off"};
    size_t i;

    for (i = 0; i < N_OPTS; i++) {
        const struct opt *o = &opts[i];
        const char *field = (const char *)cfg + o->offset;
        int iv = o->kind == OPT_STRING || o->kind == OPT_SIZE ? 0 : *(const int *)(const void *)field;

        if (o == CONFIG_OPT)
            continue;
        switch (o->kind) {
        case OPT_STRING:
            if (o->offset == offsetof(struct rt_config, database_url)) {
                char *shown = rt_db_redact_url(field);

                write_string(out, o->flag, shown != NULL ? shown : "***");
                free(shown);
            } else {
                write_string(out, o->flag, field);
            }
            break;
        case OPT_SIZE:
            write_size(out, o->flag, *(const size_t *)(const void *)field);
            break;
        case OPT_DURATION:
            fprintf(out, iv % 1000 == 0 ? "%s = %ds\n" : "%s = %dms\n", o->flag,
                    iv % 1000 == 0 ? iv / 1000 : iv);
            break;
        case OPT_BOOL:
            fprintf(out, "%s = %s\n", o->flag, iv ? "on" : "off");
            break;
        case OPT_LOG_LEVEL:
            fprintf(out, "%s = %s\n", o->flag, levels[iv >= 0 && iv <= RT_LOG_OFF ? iv : 1]);
            break;
        case OPT_PORT:
        case OPT_COUNT:
        case OPT_MS:
            fprintf(out, "%s = %d\n", o->flag, iv);
            break;
        }
    }
}

void rt_config_log(const struct rt_config *cfg)
{
    rt_log_info(
        "config: workers=%d max_body_size=%zu max_header_size=%zu header_timeout=%dms body_timeout=%dms "
        "keepalive_timeout=%dms shutdown_timeout=%dms access_log=%s",
        cfg->workers, cfg->max_body_size, cfg->max_header_size, cfg->header_timeout_ms, cfg->body_timeout_ms,
        cfg->keepalive_timeout_ms, cfg->shutdown_timeout_ms, cfg->access_log ? "on" : "off");
}
