/*
 * rt_config — the service's settings, from a configuration file, the
 * environment and command-line flags, each with a default.
 *
 * Precedence, lowest first: defaults < file < environment < flags.  The
 * file is named by --config FILE or CONFIG_FILE; it holds `name = value`
 * lines with the flags' names (see rt_config_load_file()).
 *
 * Every setting is listed once, in a table in rt_config.c, which also
 * produces --help and rt_config_write(); the README's configuration table
 * and docs/async-demo.conf.example mirror it.
 */
#ifndef RT_CONFIG_H
#define RT_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "rt_log.h"

struct rt_config {
    char config_file[1024];      /* the configuration file read, or empty (CONFIG_FILE) */
    int check_config;            /* 1: --check-config was given (validate, report, exit) */
    char host[256];              /* address to listen on (HOST) */
    int port;                    /* TCP port; 0 picks a free one (PORT) */
    int workers;                 /* worker threads, one event loop each (WORKERS) */
    enum rt_log_level log_level; /* lowest level logged (LOG_LEVEL) */
    int access_log;              /* 1 to log one line per request (ACCESS_LOG) */
    size_t max_body_size;        /* bytes; larger bodies get 413 (MAX_BODY_SIZE) */
    size_t max_header_size;      /* bytes of request line + headers; larger get 431 (MAX_HEADER_SIZE) */
    int max_header_count;        /* headers per request; more get 431 (MAX_HEADER_COUNT) */
    int header_timeout_ms;       /* ms from a request's first byte to the end of its head (HEADER_TIMEOUT) */
    int body_timeout_ms;         /* ms from the end of the head to the end of the body (BODY_TIMEOUT) */
    int keepalive_timeout_ms;    /* ms an idle keep-alive connection is kept (KEEPALIVE_TIMEOUT) */
    int write_timeout_ms;        /* ms a response may take to drain to a slow client (WRITE_TIMEOUT) */
    int shutdown_timeout_ms;     /* ms in-flight requests get after SIGTERM/SIGINT (SHUTDOWN_TIMEOUT) */
    int max_connections;         /* open connections per worker; more wait in the backlog (MAX_CONNECTIONS) */
    int backlog;                 /* listen(2) backlog (BACKLOG) */
    char database_url[1024];     /* sqlite:///path.db, sqlite::memory: or postgresql://... (DATABASE_URL) */
    int db_pool_size;            /* PostgreSQL connections per worker (DB_POOL_SIZE) */
    int db_acquire_timeout_ms;   /* ms a statement waits for a usable connection; 503 beyond
                                    (DB_ACQUIRE_TIMEOUT) */
    int db_connect_timeout_ms;   /* ms one connection attempt may take (DB_CONNECT_TIMEOUT) */
    char external_api_urls[4096]; /* comma-separated sources for /fetch-external-data (EXTERNAL_API_URLS) */
    int external_api_timeout_ms;  /* ms per outbound call (EXTERNAL_API_TIMEOUT_MS) */
    char external_ca_file[1024];  /* PEM CA file for HTTPS calls; empty: the system's (EXTERNAL_CA_FILE) */
    size_t external_max_response_size; /* bytes of an outbound response body (EXTERNAL_MAX_RESPONSE_SIZE) */
    int external_max_connections;      /* per worker and origin (EXTERNAL_MAX_CONNECTIONS) */
    int task_workers;                  /* threads for background tasks (TASK_WORKERS) */
    int task_queue_size;               /* tasks waiting at most; 503 beyond (TASK_QUEUE_SIZE) */
    int task_iterations;               /* SHA-256 rounds per task: its CPU cost (TASK_ITERATIONS) */
    char tls_cert_file[1024];          /* PEM certificate chain; with the key: serve HTTPS (TLS_CERT_FILE) */
    char tls_key_file[1024];           /* PEM private key of that certificate (TLS_KEY_FILE) */
};

/** Fill @p cfg with the defaults (WORKERS = number of online CPUs). */
void rt_config_defaults(struct rt_config *cfg);

/**
 * Load the configuration: defaults, then the configuration file (--config
 * in @p argv, else CONFIG_FILE), then the environment, then @p argv.
 * --help and --version print to standard output; --check-config sets
 * cfg->check_config.
 * @return 0 to run, 1 when the program should exit successfully (after
 *         --help or --version), -1 on invalid settings.  Then @p err
 *         (which may be NULL) holds one line per problem, each naming the
 *         setting and where it came from (file:line for the file), never a
 *         string setting's value (it may hold a password).
 */
int rt_config_load(struct rt_config *cfg, int argc, char **argv, char *err, size_t errlen);

/**
 * Apply the configuration file @p path to @p cfg (on top of what it holds).
 * One setting per line: `name = value`, where name is a flag's name without
 * the dashes (underscores may stand for dashes; case does not matter) and
 * value may be quoted with " or ' (to keep spaces or a " #" in it); `#`
 * starts a comment (inside an unquoted value only after white space);
 * blank lines are skipped.  An unknown name, a bad value, a name given
 * twice or a line that is not `name = value` is an error naming
 * path:line; every line is checked, so all the errors are reported.
 * @return 0, or -1 with one line per error appended to @p err.
 */
int rt_config_load_file(struct rt_config *cfg, const char *path, char *err, size_t errlen);

/**
 * Write every setting of @p cfg to @p out in the configuration file's
 * format (`name = value`), so the output is itself a valid file.  The
 * database URL's password is replaced by ***.
 */
void rt_config_write(const struct rt_config *cfg, FILE *out);

/** Write a one-line summary of @p cfg to the log at info level. */
void rt_config_log(const struct rt_config *cfg);

#endif /* RT_CONFIG_H */
