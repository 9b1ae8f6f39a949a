/*
 * rt_settings — the runtime's own settings: listening, workers, logs,
 * request limits and deadlines, the database and TLS, declared here in
 * option groups that point at the fields of the one struct rt_settings of
 * the process (rt_settings_get()).  rt_settings_groups[] lists them with
 * the groups of the answers' compression and the outbound client, which
 * those declare themselves (rt_gzip.h, rt_client_options.h); rt_main() loads them all together with the
 * settings the application's modules declare (struct rt_module, rt_app.h).
 */
#ifndef RT_SETTINGS_H
#define RT_SETTINGS_H

#include "rt_config.h"
#include "rt_log.h"

#include <stddef.h>

struct rt_settings {
    char host[256];              /* address to listen on (HOST) */
    int port;                    /* TCP port; 0 picks a free one (PORT) */
    int workers;                 /* worker threads, one event loop each (WORKERS) */
    int max_connections;         /* open connections per worker; more wait in the backlog (MAX_CONNECTIONS) */
    int backlog;                 /* listen(2) backlog (BACKLOG) */
    int shutdown_timeout_ms;     /* ms in-flight requests get after SIGTERM/SIGINT (SHUTDOWN_TIMEOUT) */
    enum rt_log_level log_level; /* lowest level logged (LOG_LEVEL) */
    int access_log;              /* 1 to log one line per request (ACCESS_LOG) */
    char log_format[8];          /* "text" or "json" (LOG_FORMAT); see rt_log.h */
    size_t max_body_size;        /* bytes; larger bodies get 413 (MAX_BODY_SIZE) */
    size_t max_header_size;      /* bytes of request line + headers; larger get 431 (MAX_HEADER_SIZE) */
    int max_header_count;        /* headers per request; more get 431 (MAX_HEADER_COUNT) */
    int header_timeout_ms;       /* ms from a request's first byte to the end of its head (HEADER_TIMEOUT) */
    int body_timeout_ms;         /* ms from the end of the head to the end of the body (BODY_TIMEOUT) */
    int keepalive_timeout_ms;    /* ms an idle keep-alive connection is kept (KEEPALIVE_TIMEOUT) */
    int write_timeout_ms;        /* ms a response may take to drain to a slow client (WRITE_TIMEOUT) */
    int handler_timeout_ms;      /* ms a handler has to answer a request; 503 beyond (HANDLER_TIMEOUT) */
    char database_url[1024];     /* sqlite:///path.db, sqlite::memory: or postgresql://... (DATABASE_URL) */
    int db_pool_size;            /* PostgreSQL connections per worker (DB_POOL_SIZE) */
    int db_acquire_timeout_ms;   /* ms a statement waits for a usable connection; 503 beyond */
    int db_connect_timeout_ms;   /* ms one connection attempt may take (DB_CONNECT_TIMEOUT) */
    char tls_cert_file[1024];    /* PEM certificate chain; with the key: serve HTTPS (TLS_CERT_FILE) */
    char tls_key_file[1024];     /* PEM private key of that certificate (TLS_KEY_FILE) */
    char base_path[256];         /* mount the API here; empty: the spec's first server path (BASE_PATH) */
};

/** The runtime's option groups, in --help order (they set the fields of rt_settings_get()). */
extern const struct rt_option_group *const rt_settings_groups[];
extern const size_t rt_settings_n_groups;

/** @return the process's runtime settings (what rt_config_load() fills through rt_settings_groups). */
struct rt_settings *rt_settings_get(void);

/** Name the default database file after @p program ("sqlite:///<program>.db"); before loading. */
void rt_settings_init(const char *program);

/** Write a one-line summary of @p s to the log at info level (and CORS's, rt_cors_log()). */
void rt_settings_log(const struct rt_settings *s);

#endif /* RT_SETTINGS_H */
