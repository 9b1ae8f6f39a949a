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

#include <stdbool.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>

struct rt_app;
struct rt_db;
struct rt_settings;

/**
 * Run @p app with the settings @p cfg until it is told to stop: set up the
 * generated code and the documentation pages, check the modules' settings,
 * open the database (applying the modules' migrations), start the modules
 * and the workers, serve; then stop the modules in reverse order.  Must be
 * called once, from the main thread, before any other thread is started
 * (rt_main() does).
 * @return the process exit status: 0 after a graceful shutdown, 1 if the
 *         service could not start or a worker failed.
 */
int rt_server_run(const struct rt_settings *cfg, const struct rt_app *app);

/**
 * Validate what rt_config_load() cannot check alone, without starting
 * anything: HOST resolves, WORKERS fits the descriptor limit, the TLS
 * certificate and key load and match, the database URL parses (no
 * connection is made), and every module of @p app accepts its settings
 * (each logs its own complaints).  --check-config runs it, and so does
 * rt_main() before rt_server_run(): a start stops (exit status 2) on what
 * --check-config reports.
 * @return 0 if all is well, else -1 after writing one line per problem
 *         to @p out.
 */
int rt_server_check_config(const struct rt_settings *cfg, const struct rt_app *app, FILE *out);

/** @return seconds since rt_server_run() started. */
double rt_server_uptime_seconds(void);

/**
 * @return true once a graceful shutdown has begun (SIGTERM or SIGINT): the
 * service finishes what it has and takes nothing new, so it is not ready.
 */
bool rt_server_draining(void);

/** @return the number of worker threads (event loops). */
int rt_server_worker_count(void);

/** @return the database the service runs on (valid while it runs). */
struct rt_db *rt_server_db(void);

/** @return the base path the API is served under: "" for the root, else "/a/b" (BASE_PATH or the spec's). */
const char *rt_server_base_path(void);

#endif /* RT_SERVER_H */
