/*
 * rt_settings — the runtime's settings and their declarations.
 */
#include "rt_settings.h"
#include "rt_base_path.h"
#include "rt_client_options.h"
#include "rt_cors.h"
#include "rt_db.h"
#include "rt_gzip.h"

#include <stdio.h>
#include <string.h>

static struct rt_settings settings;

/* "sqlite:///<program>.db", set by rt_settings_init() before the defaults are applied. */
static char default_database_url[300] = "sqlite:///async-demo.db";

#define STR(field) RT_OPTION_STRING, settings.field, sizeof(settings.field)
#define VAL(kind, field) kind, &settings.field, 0

static const struct rt_option server_options[] = {
    {"host", "HOST", STR(host), "127.0.0.1", NULL, "address to listen on (0.0.0.0 or :: for all)", NULL},
    {"port", "PORT", VAL(RT_OPTION_PORT, port), "8000", NULL,
     "TCP port; 0 picks a free one (logged at start)", NULL},
    {"workers", "WORKERS", VAL(RT_OPTION_THREADS, workers), "auto", "number of CPUs",
     "worker threads, one event loop each", NULL},
    {"max-connections", "MAX_CONNECTIONS", VAL(RT_OPTION_COUNT, max_connections), "100000", NULL,
     "open connections per worker; more wait in the backlog", NULL},
    {"backlog", "BACKLOG", VAL(RT_OPTION_COUNT, backlog), "65535", NULL,
     "listen backlog (Linux: at most somaxconn)", NULL},
    {"shutdown-timeout", "SHUTDOWN_TIMEOUT", VAL(RT_OPTION_DURATION, shutdown_timeout_ms), "10s", NULL,
     "grace period for in-flight requests on SIGTERM/SIGINT (0: none, close them at once)", NULL},
    {"log-level", "LOG_LEVEL", VAL(RT_OPTION_LOG_LEVEL, log_level), "info", NULL,
     "debug, info, warning, error or off", NULL},
    {"access-log", "ACCESS_LOG", VAL(RT_OPTION_BOOL, access_log), "on", NULL, "one log line per request",
     NULL},
    {"log-format", "LOG_FORMAT", STR(log_format), "text", NULL,
     "text, or json: one JSON object per line (access lines with request and trace ids)", NULL},
    {"base-path", "BASE_PATH", STR(base_path), NULL, "the path of the spec's first server URL",
     "serve the operations, /docs and /openapi.json under this path (/ for the root)", NULL},
};

/* LOG_FORMAT names one of rt_log's formats; rt_main applies it with the level. */
static int check_log_format(char *err, size_t errlen)
{
    enum rt_log_format format;

    if (rt_log_parse_format(settings.log_format, &format) == 0)
        return 0;
    rt_config_add_err(err, errlen, "LOG_FORMAT: '%s' is not a log format (text or json)",
                      settings.log_format);
    return -1;
}

static const struct rt_option http_options[] = {
    {"max-body-size", "MAX_BODY_SIZE", VAL(RT_OPTION_SIZE, max_body_size), "1MiB", NULL,
     "largest request body; 413 beyond", NULL},
    {"max-header-size", "MAX_HEADER_SIZE", VAL(RT_OPTION_SIZE, max_header_size), "16KiB", NULL,
     "largest request line + headers; 431 beyond", NULL},
    {"max-header-count", "MAX_HEADER_COUNT", VAL(RT_OPTION_COUNT, max_header_count), "100", NULL,
     "most header fields in a request; 431 beyond", NULL},
    {"header-timeout", "HEADER_TIMEOUT", VAL(RT_OPTION_TIMEOUT, header_timeout_ms), "10s", NULL,
     "time to send a request's head, from its first byte; 408 beyond", NULL},
    {"body-timeout", "BODY_TIMEOUT", VAL(RT_OPTION_TIMEOUT, body_timeout_ms), "30s", NULL,
     "time to send a request's body after its head; 408 beyond", NULL},
    {"keepalive-timeout", "KEEPALIVE_TIMEOUT", VAL(RT_OPTION_TIMEOUT, keepalive_timeout_ms), "15s", NULL,
     "idle time before a keep-alive connection is closed", NULL},
    {"write-timeout", "WRITE_TIMEOUT", VAL(RT_OPTION_TIMEOUT, write_timeout_ms), "30s", NULL,
     "time a response may take to reach a slow client", NULL},
    {"handler-timeout", "HANDLER_TIMEOUT", VAL(RT_OPTION_TIMEOUT, handler_timeout_ms), "120s", NULL,
     "time a handler has to answer a request, async work included; 503 and a logged error beyond", NULL},
};

static const struct rt_option database_options[] = {
    {"database-url", "DATABASE_URL", STR(database_url), default_database_url, NULL,
     "sqlite:///rel.db, sqlite:////abs.db, sqlite::memory: or postgresql://user:pw@host:port/db",
     rt_db_redact_url},
    {"db-pool-size", "DB_POOL_SIZE", VAL(RT_OPTION_COUNT, db_pool_size), "4", NULL,
     "PostgreSQL connections per worker", NULL},
    {"db-acquire-timeout", "DB_ACQUIRE_TIMEOUT", VAL(RT_OPTION_TIMEOUT, db_acquire_timeout_ms), "5s", NULL,
     "time a query waits for a usable database connection; 503 beyond", NULL},
    {"db-connect-timeout", "DB_CONNECT_TIMEOUT", VAL(RT_OPTION_TIMEOUT, db_connect_timeout_ms), "5s", NULL,
     "time one database connection attempt may take", NULL},
};

static const struct rt_option tls_options[] = {
    {"tls-cert-file", "TLS_CERT_FILE", STR(tls_cert_file), NULL, "none (plain HTTP)",
     "PEM certificate (chain) to serve HTTPS with; needs tls-key-file", NULL},
    {"tls-key-file", "TLS_KEY_FILE", STR(tls_key_file), NULL, "none (plain HTTP)",
     "PEM private key of tls-cert-file", NULL},
};

/* Settings that are only valid together. */
static int check_tls(char *err, size_t errlen)
{
    if ((settings.tls_cert_file[0] != '\0') == (settings.tls_key_file[0] != '\0'))
        return 0;
    rt_config_add_err(err, errlen, "%s is set but %s is not: HTTPS needs both the certificate and its key",
                      settings.tls_cert_file[0] != '\0' ? "TLS_CERT_FILE" : "TLS_KEY_FILE",
                      settings.tls_cert_file[0] != '\0' ? "TLS_KEY_FILE" : "TLS_CERT_FILE");
    return -1;
}

#define GROUP(title, opts, check)                                                                            \
    {                                                                                                        \
        title, opts, sizeof(opts) / sizeof((opts)[0]), check                                                 \
    }

/* A base path the requests could not match is refused when the settings are loaded, not at the first request.
 */
static int check_base_path(char *err, size_t errlen)
{
    return rt_base_path_check(settings.base_path, err, errlen);
}

/* The server group's settings: each check adds its own error. */
static int check_server(char *err, size_t errlen)
{
    int rc = check_base_path(err, errlen);

    if (check_log_format(err, errlen) != 0)
        rc = -1;
    return rc;
}

static const struct rt_option_group server_group = GROUP("server", server_options, check_server);
static const struct rt_option_group http_group = GROUP("requests", http_options, NULL);
static const struct rt_option_group database_group = GROUP("database", database_options, NULL);
static const struct rt_option_group tls_group = GROUP("TLS", tls_options, check_tls);

const struct rt_option_group *const rt_settings_groups[] = {
    &server_group,           &http_group, &rt_gzip_option_group, &database_group,
    &rt_client_option_group, &tls_group,  &rt_cors_option_group};
const size_t rt_settings_n_groups = sizeof(rt_settings_groups) / sizeof(rt_settings_groups[0]);

struct rt_settings *rt_settings_get(void)
{
    return &settings;
}

void rt_settings_init(const char *program)
{
    snprintf(default_database_url, sizeof(default_database_url), "sqlite:///%s.db", program);
}

/*
 * The backlog listen(2) really gets: Linux cuts a larger one to
 * net.core.somaxconn without a word, and a burst of connects beyond it
 * overflows the accept queue (the kernel's ListenOverflows counter) and
 * waits for SYN-ACK retransmissions, a second or more.
 */
static int effective_backlog(int asked)
{
    FILE *f = fopen("/proc/sys/net/core/somaxconn", "r");
    int cap = -1;

    if (f != NULL) {
        if (fscanf(f, "%d", &cap) != 1)
            cap = -1;
        fclose(f);
    }
    return cap > 0 && cap < asked ? cap : asked;
}

void rt_settings_log(const struct rt_settings *s)
{
    int backlog = effective_backlog(s->backlog);

    rt_log_info(
        "config: workers=%d max_body_size=%zu max_header_size=%zu header_timeout=%dms body_timeout=%dms "
        "keepalive_timeout=%dms shutdown_timeout=%dms access_log=%s backlog=%d%s",
        s->workers, s->max_body_size, s->max_header_size, s->header_timeout_ms, s->body_timeout_ms,
        s->keepalive_timeout_ms, s->shutdown_timeout_ms, s->access_log ? "on" : "off", backlog,
        backlog < s->backlog ? " (net.core.somaxconn)" : "");
    rt_cors_log();
}
