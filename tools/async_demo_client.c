/*
 * async-demo-client — call any operation of the API from the command line, through the generated
 * client's operation table (generated/api_client.h) and rt_api_client_call(), once or under load.
 *
 *   async-demo-client [--url URL] OPERATION [PATH-ARGS...] [--PARAM VALUE...] [--json JSON] [--FIELD
 * VALUE...]
 *                     [--concurrency N [--requests M]]
 *
 * --url without a path (http://host:port) gets the spec's first server path; with one (even /), kept.
 * OPERATION is an operationId with dashes or underscores (get-user, get_user).  Positional arguments fill the
 * path parameters in order; --name value (or --name=value) fills a query, header or cookie parameter (lists
 * "a,b", objects "key,value,..."), else a body field; --json gives the whole body (sent as is when no --FIELD
 * is given, so invalid JSON reaches the server too).  The operations (and --help) come from openapi.yaml.
 * Once: status line and the spec's response headers to stderr, body to stdout; exit 0 for 2xx, 1 otherwise, 2
 * for usage errors.  Load mode (--concurrency, --requests): M calls, N in flight, a line each, a summary (by
 * status, percentiles, req/s).  It speaks with the name it is run by, of the spec's title.
 *
 * The command line (options, help, the body built from --json and --FIELD) is client_args.c's, the
 * credentials client_auth.c's; this file makes the calls and reports them.
 */
#include "api_client.h"
#include "client_args.h"
#include "client_auth.h"
#include "rt_client.h"
#include "rt_mem.h"
#include "rt_valid.h"

#include <json-c/json.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#define MAX_RESPONSE_SIZE (64 * 1024 * 1024)

struct slot;

/* The state of a run (one call, or a load run). */
struct run {
    struct event_base *base;
    struct rt_api_client client;
    const struct client_args *cli;
    const char *body; /* the body text to send, or NULL */
    long total;       /* calls to make */
    long started;
    long done;
    long in_flight;
    long concurrency;
    double *ms;         /* per call, by index */
    int *status;        /* per call, by index; 0 = no response */
    struct slot *slots; /* per call, by index: the callbacks' argument */
    int exit_code;
};

/* One call of a load run. */
struct slot {
    struct run *run;
    long index;
};

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* --- one call --- */

static void on_single(const struct rt_api_client_response *res, void *arg)
{
    struct run *run = arg;

    if (res->error != NULL) {
        fprintf(stderr, "%s: %s %s: %s\n", client_args_prog(), run->cli->op->method, run->cli->op->path,
                res->error);
        run->exit_code = 1;
    } else {
        fprintf(stderr, "HTTP %d (%s, %.1f ms)\n", res->status, run->cli->op->id, res->elapsed_ms);
        for (const char *const *h = res->matched != NULL ? res->matched->headers : NULL; h && *h; h++)
            if (rt_api_client_header(res, *h) != NULL) /* the headers the spec declares, as received */
                fprintf(stderr, "%s: %s\n", *h, rt_api_client_header(res, *h));
        if (!res->documented)
            fprintf(stderr, "note: %d is not a documented status of %s; the raw body follows\n", res->status,
                    run->cli->op->id);
        else if (res->invalid != NULL) /* no model: a schema's JSON, or a Content-Type not declared */
            fprintf(stderr, "note: the body is not a valid %s (%s)\n",
                    res->model != NULL ? res->model->name : "answer", res->invalid);
        if (res->text != NULL && res->text_len > 0) {
            fwrite(res->text, 1, res->text_len, stdout);
            if (res->text[res->text_len - 1] != '\n')
                fputc('\n', stdout);
        }
        run->exit_code = res->status >= 200 && res->status <= 299 ? 0 : 1;
    }
    event_base_loopexit(run->base, NULL);
}

/* --- load mode --- */

static void launch(struct run *run);

static void on_load(const struct rt_api_client_response *res, void *arg)
{
    struct slot *slot = arg;
    struct run *run = slot->run;

    run->ms[slot->index] = res->elapsed_ms;
    run->status[slot->index] = res->error != NULL ? 0 : res->status;
    if (res->error != NULL)
        printf("%6ld  ERR  %9.1f ms  %s\n", slot->index + 1, res->elapsed_ms, res->error);
    else
        printf("%6ld  %3d  %9.1f ms\n", slot->index + 1, res->status, res->elapsed_ms);
    fflush(stdout);
    run->done++;
    run->in_flight--;
    launch(run);
    if (run->done == run->total)
        event_base_loopexit(run->base, NULL);
}

/* Start calls while fewer than the concurrency are in flight and some are left. */
static void launch(struct run *run)
{
    while (run->in_flight < run->concurrency && run->started < run->total) {
        struct slot *s = &run->slots[run->started];

        s->run = run;
        s->index = run->started;
        if (rt_api_client_call_as(&run->client, run->cli->op, run->cli->values, run->body,
                                  run->cli->media_type, on_load, s) != 0) {
            fprintf(stderr, "%s: cannot start call %ld\n", client_args_prog(), s->index + 1);
            exit(1);
        }
        run->started++;
        run->in_flight++;
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y ? 1 : 0;
}

/* Nearest-rank percentile of the sorted @p v. */
static double percentile(const double *v, long n, double p)
{
    long rank = (long)ceil(p / 100.0 * (double)n);

    if (rank < 1)
        rank = 1;
    return v[rank - 1];
}

static void summary(struct run *run, double wall_ms)
{
    double *sorted = rt_xmalloc((size_t)run->total * sizeof(double));
    long ok = 0, i, j, n;
    int st;

    memcpy(sorted, run->ms, (size_t)run->total * sizeof(double));
    qsort(sorted, (size_t)run->total, sizeof(double), cmp_double);
    for (i = 0; i < run->total; i++)
        if (run->status[i] >= 200 && run->status[i] <= 299)
            ok++;
    printf("--- %s %s: %ld requests, concurrency %ld ---\n", run->cli->op->method, run->cli->op->id,
           run->total, run->concurrency);
    printf("ok: %ld, failed: %ld\n", ok, run->total - ok);
    /* by status, in order of first appearance of each status value (sorted ascending) */
    for (st = 0; st <= 999; st++) {
        for (n = 0, j = 0; j < run->total; j++)
            if (run->status[j] == st)
                n++;
        if (n > 0) {
            if (st == 0)
                printf("no response: %ld\n", n);
            else
                printf("status %d: %ld\n", st, n);
        }
    }
    printf("latency ms: min %.1f  p50 %.1f  p90 %.1f  p99 %.1f  max %.1f\n", sorted[0],
           percentile(sorted, run->total, 50), percentile(sorted, run->total, 90),
           percentile(sorted, run->total, 99), sorted[run->total - 1]);
    printf("wall time: %.3f s, %.1f req/s\n", wall_ms / 1000.0,
           wall_ms > 0 ? (double)run->total / (wall_ms / 1000.0) : 0.0);
    run->exit_code = ok == run->total ? 0 : 1;
    free(sorted);
}

int main(int argc, char **argv)
{
    struct client_args cli;
    struct run run;
    struct rt_client *http = NULL;
    struct rt_client_settings settings;
    char err[256];
    double t0;

    memset(&cli, 0, sizeof(cli));
    memset(&run, 0, sizeof(run));
    signal(SIGPIPE, SIG_IGN);
    rt_valid_init();
    client_args_parse(argc, argv, &cli);
    run.cli = &cli;
    run.body = client_args_body(&cli);
    run.exit_code = 1;
    if (cli.concurrency > 0 || cli.requests > 0) {
        run.concurrency = cli.concurrency > 0 ? cli.concurrency : 1;
        run.total = cli.requests > 0 ? cli.requests : run.concurrency;
    }

    memset(&settings, 0, sizeof(settings));
    settings.timeout_ms = (int)(cli.timeout_s * 1000.0);
    settings.max_response_size = MAX_RESPONSE_SIZE;
    settings.ca_file = cli.ca_file;
    settings.max_connections_per_origin = run.concurrency > 0 ? (int)run.concurrency : 1;
    run.base = event_base_new();
    if (run.base == NULL) {
        fprintf(stderr, "%s: cannot create an event loop\n", client_args_prog());
        goto done;
    }
    http = rt_client_new(run.base, &settings, err, sizeof(err));
    if (http == NULL) {
        fprintf(stderr, "%s: %s\n", client_args_prog(), err);
        goto done;
    }
    if (rt_api_client_init_server(&run.client, http, cli.url, API_CLIENT_BASE_PATH) != 0)
        client_args_usage_error("--url must be an http:// or https:// URL, not '%s'", cli.url);
    run.client.auth = client_auth_credentials();
    run.client.accept = cli.accept; /* NULL: the operation's declared types */

    if (run.total == 0) {
        if (rt_api_client_call_as(&run.client, cli.op, cli.values, run.body, cli.media_type, on_single,
                                  &run) != 0) {
            fprintf(stderr, "%s: cannot make the request (URL %s)\n", client_args_prog(), cli.url);
            goto done;
        }
        event_base_dispatch(run.base);
    } else {
        run.ms = rt_xcalloc((size_t)run.total, sizeof(double));
        run.status = rt_xcalloc((size_t)run.total, sizeof(int));
        run.slots = rt_xcalloc((size_t)run.total, sizeof(*run.slots));
        t0 = now_ms();
        launch(&run);
        event_base_dispatch(run.base);
        summary(&run, now_ms() - t0);
    }
done:
    rt_api_client_cleanup(&run.client);
    rt_client_free(http);
    if (run.base != NULL)
        event_base_free(run.base);
    client_args_free(&cli);
    free(run.ms);
    free(run.status);
    free(run.slots);
    return run.exit_code;
}
