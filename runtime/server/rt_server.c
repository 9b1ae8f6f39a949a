/*
 * rt_server — workers, signals, graceful shutdown (the listening sockets
 * are rt_listen.c's).
 */
#include "rt_server.h"
#include "rt_client.h"
#include "rt_client_options.h"
#include "rt_app.h"
#include "rt_cors.h"
#include "rt_db.h"
#include "rt_base_path.h"
#include "rt_docs.h"
#include "rt_http.h"
#include "rt_listen.h"
#include "rt_log.h"
#include "rt_mem.h"
#include "rt_notify.h"
#include "rt_settings.h"
#include "rt_time.h"
#include "rt_tls.h"

#include <event2/event.h>
#include <event2/thread.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

struct worker {
    int id;
    pthread_t thread;
    bool started;
    struct event_base *base;
    struct rt_http *http;
    struct rt_db *db; /* the process's database; the worker attaches its loop to it */
    struct rt_client_settings client_settings; /* for the worker's outbound HTTP client */
    struct event *shutdown_ev;                 /* made active by the main thread on SIGTERM/SIGINT */
    struct event *deadline_ev;                 /* ends the grace period */
    const struct rt_settings *cfg;
    const struct rt_app *app;
};

static double start_seconds;
static int worker_count;
static struct rt_db *server_db;
static atomic_int running_workers;
static atomic_bool draining; /* a graceful shutdown has begun */

double rt_server_uptime_seconds(void)
{
    return rt_time_mono_seconds() - start_seconds;
}

bool rt_server_draining(void)
{
    return atomic_load(&draining);
}

int rt_server_worker_count(void)
{
    return worker_count;
}

struct rt_db *rt_server_db(void)
{
    return server_db;
}

/* The base path everything is served under ("" for the root): BASE_PATH, else the spec's; set before workers.
 */
static char base_path[256];

const char *rt_server_base_path(void)
{
    return base_path;
}

/* Every request: CORS, under the base path only: the documentation pages, else the operations. */
static void handle_request(struct rt_req *req, void *arg)
{
    struct worker *w = arg;

    if (rt_cors_handle(req, w->app->path_methods, base_path) || !rt_base_path_enter(req, base_path))
        return; /* a CORS preflight answered, or 404 outside the base path (with the CORS headers) */
    if (rt_docs_handle(req))
        return;
    w->app->dispatch(req);
}

/*
 * A request rt_http refuses before it reaches handle_request() (a body too
 * large, say), once its headers are known: the CORS headers any other
 * answer gets, so that a page on another origin can read the status.
 */
static void on_refused(struct rt_req *req, void *arg)
{
    (void)arg; /* the CORS settings are global (rt_cors_configure) */
    rt_cors_add_headers(req);
}

/* --- workers --- */

static void on_drained(void *arg)
{
    struct worker *w = arg;

    event_base_loopbreak(w->base);
}

static void on_deadline(evutil_socket_t fd, short what, void *arg)
{
    struct worker *w = arg;

    rt_log_warning(
        "shutdown timeout: closing %u connection(s) still open (idle, or with a request in progress)",
        rt_http_connection_count(w->http));
    event_base_loopbreak(w->base);
}

static void on_shutdown(evutil_socket_t fd, short what, void *arg)
{
    struct worker *w = arg;
    struct timeval tv = rt_time_tv_ms(w->cfg->shutdown_timeout_ms);

    evtimer_add(w->deadline_ev, &tv);
    rt_http_drain(w->http, on_drained, w);
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    char name[16];

    struct rt_db_loop *db_loop = NULL;
    struct rt_client *client = NULL;
    char err[256] = "";

    snprintf(name, sizeof(name), "w%d", w->id);
    rt_log_set_thread_name(name);
    /* The database handle and the HTTP client are made and freed on this thread, which owns the loop. */
    db_loop = rt_db_loop_new(w->db, w->base);
    if (db_loop == NULL) {
        rt_log_error("cannot attach the database to this worker");
        goto out;
    }
    client = rt_client_new(w->base, &w->client_settings, err, sizeof(err));
    if (client == NULL) {
        rt_log_error("cannot create the outbound HTTP client: %s", err);
        goto out;
    }
    rt_db_loop_set_current(db_loop);
    rt_client_set_current(client);
    if (event_base_dispatch(w->base) < 0)
        rt_log_error("event loop failed");
out:
    /* Calls and queries still pending are answered (with errors) while their requests still exist. */
    rt_client_set_current(NULL);
    rt_client_free(client);
    rt_db_loop_free(db_loop);
    atomic_fetch_sub(&running_workers, 1);
    return NULL;
}

static void worker_cleanup(struct worker *w)
{
    rt_http_free(w->http);
    if (w->shutdown_ev != NULL)
        event_free(w->shutdown_ev);
    if (w->deadline_ev != NULL)
        event_free(w->deadline_ev);
    if (w->base != NULL)
        event_base_free(w->base);
    memset(w, 0, sizeof(*w));
}

/* Set up worker @w on listening socket @fd (always taken over). 0 or -1. */
static int worker_init(struct worker *w, int id, const struct rt_settings *cfg, const struct rt_app *app,
                       struct rt_db *db, SSL_CTX *tls, int fd)
{
    struct rt_http_settings s = {
        .worker_id = id,
        .max_body_size = cfg->max_body_size,
        .max_header_size = cfg->max_header_size,
        .max_header_count = cfg->max_header_count,
        .header_timeout_ms = cfg->header_timeout_ms,
        .body_timeout_ms = cfg->body_timeout_ms,
        .keepalive_timeout_ms = cfg->keepalive_timeout_ms,
        .write_timeout_ms = cfg->write_timeout_ms,
        .handler_timeout_ms = cfg->handler_timeout_ms,
        .max_connections = cfg->max_connections,
        .access_log = cfg->access_log,
        .tls_ctx = tls,
        .server_name = app->name,
    };

    rt_gzip_options_settings(&s.gzip);
    w->id = id;
    w->cfg = cfg;
    w->app = app;
    w->db = db;
    rt_client_options_settings(&w->client_settings, cfg->keepalive_timeout_ms);
    w->base = event_base_new();
    if (w->base == NULL)
        goto err;
    w->http = rt_http_new(w->base, &s, handle_request, w);
    rt_http_set_refusal_hook(w->http, on_refused, NULL);
    w->shutdown_ev = event_new(w->base, -1, 0, on_shutdown, w);
    w->deadline_ev = evtimer_new(w->base, on_deadline, w);
    if (w->shutdown_ev == NULL || w->deadline_ev == NULL)
        goto err;
    return rt_http_accept_on(w->http, fd);
err:
    close(fd);
    return -1;
}

/* --- the process --- */

/* Wait for workers to finish, turning SIGTERM/SIGINT into a graceful (then a forced) shutdown. */
static int supervise(struct worker *workers, int n, const sigset_t *signals)
{
    const struct timespec tick = {0, 100 * 1000 * 1000};
    bool shutting_down = false;
    int i, status = 0;

    while (atomic_load(&running_workers) > 0) {
        int sig = sigtimedwait(signals, NULL, &tick);

        if (sig < 0 && atomic_load(&running_workers) == n)
            continue;
        if (sig < 0 && !shutting_down) {
            rt_log_error("a worker stopped unexpectedly; shutting down");
            status = 1;
        } else if (sig < 0) {
            continue;
        } else if (!shutting_down) {
            rt_log_info("received %s: shutting down gracefully (up to %d ms for requests in flight)",
                        sig == SIGINT ? "SIGINT" : "SIGTERM", workers[0].cfg->shutdown_timeout_ms);
        } else {
            rt_log_warning("received a second signal: stopping now");
            for (i = 0; i < n; i++)
                event_base_loopbreak(workers[i].base);
            continue;
        }
        shutting_down = true;
        atomic_store(&draining, true);
        rt_notify("STOPPING=1\nSTATUS=draining");
        for (i = 0; i < n; i++)
            event_active(workers[i].shutdown_ev, 0, 0);
    }
    return status;
}

/*
 * Every connection, in or out, is a descriptor: raise the soft limit to the
 * hard one (as nginx's worker_rlimit_nofile does), so that thousands of
 * concurrent clients do not fail with EMFILE at the default of 1024.
 */
static void raise_descriptor_limit(void)
{
    struct rlimit rl;

    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= rl.rlim_max)
        return;
    rl.rlim_cur = rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &rl) == 0)
        rt_log_debug("descriptor limit raised to %llu", (unsigned long long)rl.rlim_cur);
}

/*
 * Open the database and bring every module's tables up to date, in module
 * order (blocking: no loop runs yet).  Each module's migrations are
 * numbered and recorded under its name.
 */
static struct rt_db *open_database(const struct rt_settings *cfg, const struct rt_app *app)
{
    struct rt_db_settings settings = {
        .url = cfg->database_url,
        .pool_size = cfg->db_pool_size,
        .acquire_timeout_ms = cfg->db_acquire_timeout_ms,
        .connect_timeout_ms = cfg->db_connect_timeout_ms,
        .application_name = app->name,
    };
    struct rt_db_schema *schemas = rt_xcalloc(app->n_modules + 1, sizeof(*schemas));
    char err[512];
    struct rt_db *db;
    size_t m;

    for (m = 0; m < app->n_modules; m++) {
        const struct rt_module *mod = app->modules[m];

        if (mod->n_migrations > 0)
            schemas[settings.n_schemas++] =
                (struct rt_db_schema){mod->name, mod->migrations, mod->n_migrations};
    }
    settings.schemas = schemas;
    db = rt_db_open(&settings, err, sizeof(err));
    free(schemas);
    if (db == NULL)
        rt_log_error("cannot open the database: %s", err);
    else
        rt_log_info("database: %s (%s)", rt_db_display_url(db), rt_db_backend_name(db));
    return db;
}

/* Start the modules in order; 0, or -1 with *@started the number started (the caller stops them). */
static int start_modules(const struct rt_app *app, struct rt_db *db, size_t *started)
{
    for (*started = 0; *started < app->n_modules; (*started)++) {
        const struct rt_module *m = app->modules[*started];

        if (m->start != NULL && m->start(db) != 0) {
            rt_log_error("module %s could not start", m->name);
            return -1;
        }
    }
    return 0;
}

/* Stop the first @n modules, in reverse order. */
static void stop_modules(const struct rt_app *app, size_t n, int grace_ms)
{
    while (n > 0) {
        const struct rt_module *m = app->modules[--n];

        if (m->stop != NULL)
            m->stop(grace_ms);
    }
}

/* Every module's own check of its settings; the number that failed (each has logged why). */
static int check_modules(const struct rt_app *app)
{
    size_t m;
    int failed = 0;

    for (m = 0; m < app->n_modules; m++) {
        if (app->modules[m]->check != NULL && app->modules[m]->check() != 0)
            failed++;
    }
    return failed;
}

/*
 * What the process needs before anything starts: signals taken by the main
 * thread only (workers inherit the mask), libevent's threading, the
 * application's generated code, the base path and the documentation pages, and the descriptor
 * limit (the modules' own checks of their settings ran before, in rt_server_check_config()).  0, or -1
 * (logged).
 */
static int prepare_process(const struct rt_app *app, sigset_t *signals)
{
    signal(SIGPIPE, SIG_IGN);
    signal(SIGXFSZ, SIG_IGN); /* a file size limit reached: the write fails (EFBIG) instead of killing us */
    sigemptyset(signals);
    sigaddset(signals, SIGINT);
    sigaddset(signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, signals, NULL);
    if (evthread_use_pthreads() != 0) {
        rt_log_error("libevent has no pthreads support");
        return -1;
    }
    app->init();
    if (rt_base_path_choose(rt_settings_get()->base_path, app->base_path, base_path, sizeof(base_path)) != 0)
        return -1;
    if (rt_docs_init(app->title, app->spec_json, app->spec_json_len, base_path,
                     !rt_base_path_same(base_path, app->base_path)) != 0) {
        rt_log_error("cannot prepare the documentation pages");
        return -1;
    }
    raise_descriptor_limit();
    return 0; /* the modules' checks ran with rt_server_check_config(), before */
}

/*
 * Start the worker threads; a thread that cannot start stops the others
 * through the normal path.  0, or -1 if one could not start.
 */
static int start_workers(struct worker *workers, int n)
{
    int i;

    atomic_store(&running_workers, n);
    for (i = 0; i < n; i++) {
        if (pthread_create(&workers[i].thread, NULL, worker_main, &workers[i]) != 0) {
            rt_log_error("cannot start worker thread %d", i);
            atomic_fetch_sub(&running_workers, n - i);
            kill(getpid(), SIGTERM);
            return -1;
        }
        workers[i].started = true;
    }
    return 0;
}

/* "listening on http://HOST:PORT (N workers); docs at <base path>/docs ...": where to go, base path included.
 */
static void log_listening(const struct rt_settings *cfg, bool tls, int port)
{
    const char *v6 = strchr(cfg->host, ':') ? "[" : "";

    if (rt_docs_pages_embedded())
        rt_log_info("listening on %s://%s%s%s:%d (%d worker%s); docs at %s/docs and %s/redoc, the spec at "
                    "%s/openapi.json",
                    tls ? "https" : "http", v6, cfg->host, v6[0] ? "]" : "", port, cfg->workers,
                    cfg->workers == 1 ? "" : "s", base_path, base_path, base_path);
    else
        rt_log_info(
            "listening on %s://%s%s%s:%d (%d worker%s); no docs pages (built with -DASYNC_DEMO_DOCS=OFF), "
            "the spec at %s/openapi.json",
            tls ? "https" : "http", v6, cfg->host, v6[0] ? "]" : "", port, cfg->workers,
            cfg->workers == 1 ? "" : "s", base_path);
}

/*
 * Listen, run the workers until the signals in @signals stop them, and
 * free them.  @return the exit status (0 after a graceful shutdown).
 */
static int serve(const struct rt_settings *cfg, const struct rt_app *app, SSL_CTX *tls,
                 const sigset_t *signals)
{
    struct worker *workers = rt_xcalloc((size_t)cfg->workers, sizeof(*workers));
    int *fds = rt_xcalloc((size_t)cfg->workers, sizeof(*fds));
    int i, port = 0, status = 1, started;

    if (rt_listen_open(cfg, fds, cfg->workers, &port) != 0)
        goto out;
    for (i = 0; i < cfg->workers; i++) {
        if (worker_init(&workers[i], i, cfg, app, server_db, tls, fds[i]) != 0) {
            rt_log_error("cannot set up worker %d", i);
            while (++i < cfg->workers)
                close(fds[i]);
            goto out;
        }
    }
    rt_settings_log(cfg);
    started = start_workers(workers, cfg->workers);
    log_listening(cfg, tls != NULL, port);
    if (started == 0) {
        char state[96];

        snprintf(state, sizeof(state), "READY=1\nSTATUS=listening on port %d", port);
        rt_notify(state); /* Type=notify: systemctl start/restart returns now */
    }
    status = supervise(workers, cfg->workers, signals);
    if (started != 0)
        status = 1; /* the service could not start: not a graceful shutdown */
    for (i = 0; i < cfg->workers; i++) {
        if (workers[i].started)
            pthread_join(workers[i].thread, NULL);
    }
    if (status == 0)
        rt_log_info("stopped");
out:
    for (i = 0; i < cfg->workers; i++)
        worker_cleanup(&workers[i]);
    free(workers);
    free(fds);
    return status;
}

int rt_server_run(const struct rt_settings *cfg, const struct rt_app *app)
{
    SSL_CTX *tls = NULL;
    char err[512];
    sigset_t signals;
    size_t n_started = 0;
    int status = 1;

    start_seconds = rt_time_mono_seconds();
    worker_count = cfg->workers;
    if (prepare_process(app, &signals) != 0)
        return 1;
    /* Before the database: a bad certificate should not wait for a database that is slow to answer. */
    if (cfg->tls_cert_file[0] != '\0') {
        tls = rt_tls_server_ctx_new(cfg->tls_cert_file, cfg->tls_key_file, err, sizeof(err));
        if (tls == NULL) {
            rt_log_error("cannot set up TLS: %s", err);
            return 1;
        }
    }
    server_db = open_database(cfg, app);
    if (server_db == NULL)
        goto out;
    if (start_modules(app, server_db, &n_started) == 0)
        status = serve(cfg, app, tls, &signals);
    stop_modules(app, n_started, cfg->shutdown_timeout_ms);
out:
    rt_db_close(server_db);
    server_db = NULL;
    SSL_CTX_free(tls); /* after the workers: each connection's SSL held a reference */
    return status;
}

/*
 * Descriptors a worker holds before its first client: its listening socket, its event loop's (epoll, the
 * notification eventfd, the timer's), its outbound client's and its SQLite notifications; PostgreSQL adds
 * DB_POOL_SIZE connections.  And the process's own (standard streams, the database file, the task threads').
 */
#define RT_FDS_PER_WORKER 8
#define RT_FDS_PROCESS 64

/*
 * WORKERS within what the descriptor limit allows (rt_server_run raises the soft limit to the hard one), so
 * that too many fail here, naming WORKERS, and not at the first socket with "Too many open files".
 */
static int check_workers(const struct rt_settings *cfg, char *err, size_t errlen)
{
    struct rlimit rl;
    long each = RT_FDS_PER_WORKER + (strncmp(cfg->database_url, "sqlite", 6) != 0 ? cfg->db_pool_size : 0);
    long need = RT_FDS_PROCESS + (long)cfg->workers * each, most;

    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_max == RLIM_INFINITY || (rlim_t)need <= rl.rlim_max)
        return 0;
    most = ((long)rl.rlim_max - RT_FDS_PROCESS) / each;
    snprintf(
        err, errlen,
        "invalid WORKERS %d: %d workers take about %ld file descriptors before any client connects (%ld "
        "each), more than the limit of %llu (ulimit -Hn): at most %ld here, and fewer leave room for clients",
        cfg->workers, cfg->workers, need, each, (unsigned long long)rl.rlim_max, most > 0 ? most : 0);
    return -1;
}

int rt_server_check_config(const struct rt_settings *cfg, const struct rt_app *app, FILE *out)
{
    char err[512];
    int problems = 0;

    if (rt_listen_check_host(cfg, err, sizeof(err)) != 0) {
        fprintf(out, "%s: %s\n", app->name, err);
        problems++;
    }
    if (check_workers(cfg, err, sizeof(err)) != 0) {
        fprintf(out, "%s: %s\n", app->name, err);
        problems++;
    }

    if (cfg->tls_cert_file[0] != '\0') {
        SSL_CTX *tls = rt_tls_server_ctx_new(cfg->tls_cert_file, cfg->tls_key_file, err, sizeof(err));

        if (tls == NULL) {
            fprintf(out, "%s: %s\n", app->name, err);
            problems++;
        }
        SSL_CTX_free(tls);
    }
    if (rt_db_check_url(cfg->database_url, err, sizeof(err)) != 0) {
        fprintf(out, "%s: %s\n", app->name, err);
        problems++;
    }
    problems += check_modules(app); /* each has logged why */
    return problems == 0 ? 0 : -1;
}
