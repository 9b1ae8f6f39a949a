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
 */
#include "api.h" /* API_TITLE */
#include "api_client.h"
#include "client_auth.h"
#include "rt_client.h"
#include "rt_mem.h"
#include "rt_valid.h"
#include "rt_valid_json.h"
#include "rt_valid_parse.h"

#include <json-c/json.h>
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#define DEFAULT_URL "http://127.0.0.1:8000"
#define DEFAULT_TIMEOUT_S 120.0
#define MAX_RESPONSE_SIZE (64 * 1024 * 1024)
#define EXIT_USAGE 2

/* What the command line asks for. */
struct cli {
    const char *url;
    const char *ca_file; /* --ca-file: PEM CAs to verify an https:// server with, or NULL for the system's */
    double timeout_s;
    long concurrency; /* 0 unless given */
    long requests;    /* 0 unless given */
    const struct rt_api_client_op *op;
    const char **values;      /* op->n_params entries, NULL = not given */
    const char *json;         /* --json, or NULL */
    struct json_object *body; /* from --FIELD options, or NULL */
};

struct slot;

/* The state of a run (one call, or a load run). */
struct run {
    struct event_base *base;
    struct rt_api_client client;
    const struct cli *cli;
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

static const char *prog = "async-demo-client"; /* the name it was run by (main) */

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* @return true if @p arg names @p name, a dash in @p arg also matching an underscore. */
static bool name_eq(const char *arg, size_t len, const char *name)
{
    size_t i;

    for (i = 0; i < len; i++) {
        if (name[i] == '\0' || !(arg[i] == name[i] || (arg[i] == '-' && name[i] == '_')))
            return false;
    }
    return name[len] == '\0';
}

/* "get_user" -> "get-user" into @p buf. */
static const char *dashed(const char *id, char *buf, size_t size)
{
    size_t i;

    for (i = 0; id[i] != '\0' && i + 1 < size; i++)
        buf[i] = id[i] == '_' ? '-' : id[i];
    buf[i] = '\0';
    return buf;
}

static const char *kind_word(enum rt_valid_kind kind, bool param) /* param: lists as rt_api_client_param.h */
{
    switch (kind) {
    case RT_VALID_STRING:
        return "string";
    case RT_VALID_INTEGER:
        return "integer";
    case RT_VALID_NUMBER:
        return "number";
    case RT_VALID_BOOLEAN:
        return "boolean";
    case RT_VALID_OBJECT:
        return param ? "key,value,..." : "object (JSON)";
    case RT_VALID_ARRAY:
        return param ? "list a,b" : "array (JSON)";
    default:
        return kind == RT_VALID_FILE ? "file: @PATH (or its text)" : "JSON";
    }
}

/* The upper-cased name of a path parameter, for usage lines: user_email -> USER_EMAIL. */
static const char *metavar(const char *name, char *buf, size_t size)
{
    size_t i;

    for (i = 0; name[i] != '\0' && i + 1 < size; i++)
        buf[i] = (name[i] >= 'a' && name[i] <= 'z') ? (char)(name[i] - 'a' + 'A')
                                                    : (name[i] == '-' ? '_' : name[i]);
    buf[i] = '\0';
    return buf;
}

/* One operation's usage line and its parameters and body fields. */
static void print_op_help(FILE *f, const struct rt_api_client_op *op)
{
    char name[128], var[128];
    size_t i;

    fprintf(f, "  %s", dashed(op->id, name, sizeof(name)));
    for (i = 0; i < op->n_params; i++)
        if (op->params[i].in == RT_API_CLIENT_IN_PATH)
            fprintf(f, " %s", metavar(op->params[i].name, var, sizeof(var)));
    fprintf(f, "\n      %s %s%s%s\n", op->method, op->path, op->summary[0] != '\0' ? ": " : "", op->summary);
    for (i = 0; i < op->n_params; i++) {
        const struct rt_api_client_param *p = &op->params[i];

        if (p->in == RT_API_CLIENT_IN_PATH)
            snprintf(name, sizeof(name), "%s", metavar(p->name, var, sizeof(var)));
        else
            snprintf(name, sizeof(name), "--%s", p->name);
        fprintf(f, "      %-22s %s; %s\n", name, kind_word(p->kind, true), p->summary);
    }
    if (op->body != NULL) {
        fprintf(f, "      --json JSON            body %s (%s)", op->body->name,
                op->body_required ? "required" : "optional");
        fprintf(f, ", or its fields:\n");
        for (i = 0; i < op->body->n_fields; i++) {
            const struct rt_valid_field *fl = &op->body->fields[i];

            snprintf(name, sizeof(name), "--%s", fl->name);
            fprintf(f, "      %-22s %s, %s\n", name, kind_word(fl->rule->kind, false),
                    fl->required ? "required" : "optional");
        }
    }
}

static void print_help(FILE *f)
{
    size_t i;

    fprintf(f,
            "usage: %s [--url URL] [--ca-file PEM] [--timeout SECONDS] OPERATION [PATH-ARGS...] [--PARAM "
            "VALUE...]\n"
            "       %*s [--json JSON] [--FIELD VALUE...] [--concurrency N] [--requests M]\n"
            "       %s [OPERATION] --help\n"
            "\n"
            "Calls one operation of the %s API (default --url %s) and prints the status\n"
            "(stderr) and the JSON body (stdout).  Positional arguments fill the path parameters\n"
            "in order, --PARAM VALUE the query parameters, --json or --FIELD VALUE the body.\n"
            "Exit status: 0 for a 2xx answer, 1 otherwise, 2 for usage errors.\n"
            "\n"
            "Load mode: --concurrency N --requests M (default M = N) makes M calls, at most N at a\n"
            "time, prints one line per call (index, status, ms) and a summary (min/p50/p90/p99/max,\n"
            "wall time, requests per second).  Exit status 0 only if every call got a 2xx.\n"
            "\n"
            "--timeout is per call (default %g s).  For an https:// URL, the server's certificate is\n"
            "verified against the system's CAs, or those of --ca-file FILE (PEM).\n"
            "\n"
            "operations:\n",
            prog, (int)strlen(prog), "", prog, API_TITLE, DEFAULT_URL, DEFAULT_TIMEOUT_S);
    for (i = 0; i < api_client_n_ops; i++)
        print_op_help(f, &api_client_ops[i]);
    client_auth_help(f);
}

/* A usage error: the message, the operations' names, exit 2. */
static void usage_error(const char *fmt, const char *arg)
{
    char name[128];
    size_t i;

    fprintf(stderr, "%s: ", prog);
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\noperations:");
    for (i = 0; i < api_client_n_ops; i++)
        fprintf(stderr, " %s", dashed(api_client_ops[i].id, name, sizeof(name)));
    fprintf(stderr, "\n(%s --help shows their parameters)\n", prog);
    exit(EXIT_USAGE);
}

/* A JSON value for body field @p fl from the text @p v; text the field's type refuses stays a string. */
static struct json_object *field_value(const struct rt_valid_field *fl, const char *v)
{
    int64_t i;
    double d;
    bool b;
    struct json_object *j;

    switch (fl->rule->kind) {
    case RT_VALID_INTEGER:
        if (rt_valid_parse_int(v, &i) == 0)
            return json_object_new_int64(i);
        break;
    case RT_VALID_NUMBER:
        if (rt_valid_parse_number(v, &d) == 0 && isfinite(d))
            return rt_valid_json_double(d);
        break;
    case RT_VALID_BOOLEAN:
        if (rt_valid_parse_bool(v, &b) == 0)
            return json_object_new_boolean(b);
        break;
    case RT_VALID_STRING:
        break;
    default:
        j = json_tokener_parse(v);
        if (j != NULL)
            return j;
        break;
    }
    return json_object_new_string(v);
}

static long parse_count(const char *opt, const char *v)
{
    char *end;
    long n = strtol(v, &end, 10);

    if (*v == '\0' || *end != '\0' || n < 1 || n > 1000000)
        usage_error("%s needs a whole number from 1 to 1000000", opt);
    return n;
}

/* A word on the command line that is not an option: the operation, then its path parameters in order. */
static void positional_arg(struct cli *cli, const char *arg, size_t *next_path)
{
    if (cli->op == NULL) {
        cli->op = api_client_find_op(arg);
        if (cli->op == NULL)
            usage_error("unknown operation '%s'", arg);
        cli->values = rt_xcalloc(cli->op->n_params + 1, sizeof(*cli->values));
        return;
    }
    while (*next_path < cli->op->n_params &&
           (cli->op->params[*next_path].in != RT_API_CLIENT_IN_PATH || cli->values[*next_path] != NULL))
        (*next_path)++;
    if (*next_path == cli->op->n_params)
        usage_error("too many arguments: '%s' (the operation's path parameters are all given)", arg);
    cli->values[(*next_path)++] = arg;
}

/* --NAME VALUE for the operation: one of its parameters, or a field of its body. */
static void operation_option(struct cli *cli, const char *name, size_t len, const char *val,
                             const char *shown)
{
    size_t i;

    if (name_eq(name, len, "json")) {
        cli->json = val;
        return;
    }
    for (i = 0; i < cli->op->n_params; i++) {
        if (name_eq(name, len, cli->op->params[i].name)) {
            cli->values[i] = val;
            return;
        }
    }
    for (i = 0; cli->op->body != NULL && i < cli->op->body->n_fields; i++)
        if (name_eq(name, len, cli->op->body->fields[i].name))
            break;
    if (cli->op->body == NULL || i == cli->op->body->n_fields)
        usage_error("'%s' is no parameter or body field of this operation", shown);
    if (cli->body == NULL)
        cli->body = json_object_new_object();
    json_object_object_add(cli->body, cli->op->body->fields[i].name,
                           field_value(&cli->op->body->fields[i], val));
}

/* --NAME VALUE: a setting of the tool, or (after the operation) one of the operation's. */
static void option_arg(struct cli *cli, const char *name, size_t len, const char *val, const char *shown)
{
    if (name_eq(name, len, "url")) {
        cli->url = val;
    } else if (name_eq(name, len, "ca-file")) {
        cli->ca_file = val;
    } else if (name_eq(name, len, "timeout")) {
        char *end;

        cli->timeout_s = strtod(val, &end);
        if (*val == '\0' || *end != '\0' || !(cli->timeout_s > 0) || cli->timeout_s > 86400)
            usage_error("--timeout needs a number of seconds, not '%s'", val);
    } else if (name_eq(name, len, "concurrency")) {
        cli->concurrency = parse_count("--concurrency", val);
    } else if (name_eq(name, len, "requests")) {
        cli->requests = parse_count("--requests", val);
    } else if (client_auth_option(name, len, val)) {
        /* --api-key, --bearer, --basic: client_auth took it */
    } else if (cli->op == NULL) {
        usage_error("unknown option '%s' before the operation", shown);
    } else {
        operation_option(cli, name, len, val, shown);
    }
}

static void help_and_exit(const struct cli *cli)
{
    if (cli->op != NULL) {
        printf("usage: %s [--url URL] OPERATION ...   (%s --help for all options)\n", prog, prog);
        print_op_help(stdout, cli->op);
    } else {
        print_help(stdout);
    }
    exit(0);
}

/* Fill @p cli from argv; exits on usage errors and after --help. */
static void parse_args(int argc, char **argv, struct cli *cli)
{
    char buf[64];
    size_t len, i, next_path = 0;
    int k;

    cli->url = DEFAULT_URL;
    cli->timeout_s = DEFAULT_TIMEOUT_S;
    for (k = 1; k < argc; k++) {
        const char *arg = argv[k], *val, *eq;

        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0)
            help_and_exit(cli);
        if (strncmp(arg, "--", 2) != 0 || arg[2] == '\0') {
            positional_arg(cli, arg, &next_path);
            continue;
        }
        /* --name value, or --name=value */
        arg += 2;
        eq = strchr(arg, '=');
        len = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
        if (eq != NULL) {
            val = eq + 1;
        } else {
            if (k + 1 >= argc) {
                snprintf(buf, sizeof(buf), "--%.*s", (int)(len < 40 ? len : 40), arg);
                usage_error("%s needs a value", buf);
            }
            val = argv[++k];
        }
        option_arg(cli, arg, len, val, argv[eq != NULL ? k : k - 1]);
    }
    if (cli->op == NULL)
        usage_error("%s", "no operation given");
    for (i = 0; i < cli->op->n_params; i++)
        if (cli->op->params[i].in == RT_API_CLIENT_IN_PATH && cli->values[i] == NULL)
            usage_error("missing the path parameter %s", metavar(cli->op->params[i].name, buf, sizeof(buf)));
}

/* --- one call --- */

static void on_single(const struct rt_api_client_response *res, void *arg)
{
    struct run *run = arg;

    if (res->error != NULL) {
        fprintf(stderr, "%s: %s %s: %s\n", prog, run->cli->op->method, run->cli->op->path, res->error);
        run->exit_code = 1;
    } else {
        fprintf(stderr, "HTTP %d (%s, %.1f ms)\n", res->status, run->cli->op->id, res->elapsed_ms);
        for (const char *const *h = res->matched != NULL ? res->matched->headers : NULL; h && *h; h++)
            if (rt_api_client_header(res, *h) != NULL) /* the headers the spec declares, as received */
                fprintf(stderr, "%s: %s\n", *h, rt_api_client_header(res, *h));
        if (!res->documented)
            fprintf(stderr, "note: %d is not a documented status of %s; the raw body follows\n", res->status,
                    run->cli->op->id);
        else if (res->invalid != NULL)
            fprintf(stderr, "note: the body is not a valid %s (%s)\n", res->model->name, res->invalid);
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
        if (rt_api_client_call(&run->client, run->cli->op, run->cli->values, run->body, on_load, s) != 0) {
            fprintf(stderr, "%s: cannot start call %ld\n", prog, s->index + 1);
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

/* The body to send: --json as is, or the --FIELD values merged into it. */
static const char *body_text(struct cli *cli)
{
    struct json_object *base;

    if (cli->body == NULL)
        return cli->json;
    if (cli->json != NULL) {
        base = json_tokener_parse(cli->json);
        if (base == NULL || !json_object_is_type(base, json_type_object)) {
            json_object_put(base);
            usage_error("--json must be a JSON object when --FIELD options are given too%s", "");
        }
        json_object_object_foreach(cli->body, key, val)
        {
            json_object_object_add(base, key, json_object_get(val));
        }
        json_object_put(cli->body);
        cli->body = base;
    }
    return json_object_to_json_string_ext(cli->body, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
}

int main(int argc, char **argv)
{
    struct cli cli;
    struct run run;
    struct rt_client *http = NULL;
    struct rt_client_settings settings;
    char err[256];
    double t0;

    memset(&cli, 0, sizeof(cli));
    memset(&run, 0, sizeof(run));
    prog = argc < 1 ? prog : strrchr(argv[0], '/') != NULL ? strrchr(argv[0], '/') + 1 : argv[0];
    signal(SIGPIPE, SIG_IGN);
    rt_valid_init();
    parse_args(argc, argv, &cli);
    run.cli = &cli;
    run.body = body_text(&cli);
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
        fprintf(stderr, "%s: cannot create an event loop\n", prog);
        goto done;
    }
    http = rt_client_new(run.base, &settings, err, sizeof(err));
    if (http == NULL) {
        fprintf(stderr, "%s: %s\n", prog, err);
        goto done;
    }
    if (rt_api_client_init_server(&run.client, http, cli.url, API_CLIENT_BASE_PATH) != 0)
        usage_error("--url must be an http:// or https:// URL, not '%s'", cli.url);
    run.client.auth = client_auth_credentials();

    if (run.total == 0) {
        if (rt_api_client_call(&run.client, cli.op, cli.values, run.body, on_single, &run) != 0) {
            fprintf(stderr, "%s: cannot make the request (URL %s)\n", prog, cli.url);
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
    json_object_put(cli.body);
    free(cli.values);
    free(run.ms);
    free(run.status);
    free(run.slots);
    return run.exit_code;
}
