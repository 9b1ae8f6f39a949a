/*
 * rt_server — the process: listening sockets, one worker thread with its
 * own event loop and rt_http per configured worker, signal handling and
 * graceful shutdown.
 *
 * Each worker has its own SO_REUSEPORT listening socket on the same
 * address, so the kernel spreads new connections across the loops and no
 * libevent object is ever shared between threads.
 *
 * On SIGTERM or SIGINT every worker closes its listening socket at once
 * (new connects are refused), lets requests in flight finish and answers
 * every request still received with "Connection: close", and leaves idle
 * keep-alive connections for their clients to close (see rt_http_drain);
 * the process exits 0 when the last connection has closed, or at
 * shutdown_timeout, when whatever is still open is closed.  A second
 * signal cuts the grace period short.
 */
#ifndef RT_SERVER_H
#define RT_SERVER_H

#include <stddef.h>
#include <stdio.h>

struct rt_config;
struct rt_db;
struct rt_db_migration;

/** What the application brings to the runtime. */
struct rt_server_app {
    const struct rt_db_migration *migrations; /* the database schema, in order */
    size_t n_migrations;
    /* Called once with the configuration, before the database is opened; 0, or -1 to refuse to start. */
    int (*init)(const struct rt_config *cfg);
    /* Called once the database is open, before the workers start; 0, or -1 to refuse to start. */
    int (*start)(const struct rt_config *cfg, struct rt_db *db);
    /* Called after the workers have stopped, before the database is closed. */
    void (*stop)(const struct rt_config *cfg);
};

/**
 * Run the service with @p cfg until it is told to stop: open the database
 * (applying @p app's migrations), start the workers, serve.  Must be called
 * once, from the main thread, before any other thread is started.
 * @return the process exit status: 0 after a graceful shutdown, 1 if the
 *         service could not start or a worker failed.
 */
int rt_server_run(const struct rt_config *cfg, const struct rt_server_app *app);

/**
 * Validate what rt_config_load() cannot check alone, without starting
 * anything: the TLS certificate and key load and match, the database URL
 * parses (no connection is made), and @p app's init accepts it (it
 * logs its own complaints).
 * @return 0 if all is well, else -1 after writing one line per problem
 *         to @p out.
 */
int rt_server_check_config(const struct rt_config *cfg, const struct rt_server_app *app, FILE *out);

/** @return seconds since rt_server_run() started. */
double rt_server_uptime_seconds(void);

/** @return the number of worker threads (event loops). */
int rt_server_worker_count(void);

/** @return the database the service runs on (valid while it runs). */
struct rt_db *rt_server_db(void);

#endif /* RT_SERVER_H */
