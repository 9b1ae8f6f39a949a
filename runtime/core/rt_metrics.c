/*
 * rt_metrics — per-thread shards of counters, summed and rendered in
 * Prometheus' text format at scrape time (see rt_metrics.h).
 *
 * A shard is only written by the thread that owns it, so an increment is
 * a relaxed load and a relaxed store of its own counter: on x86-64 and
 * arm64 a plain load, add and store, with no lock prefix and no cache
 * line shared with another writer.  The scraping thread reads with
 * relaxed loads, which see each 64-bit counter whole.
 */
#include "rt_metrics.h"
#include "rt_mem.h"

#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef _Atomic uint64_t counter;

/* Histogram bucket upper bounds, as Prometheus' defaults, widened to 0.5 ms .. 60 s. */
#define N_BUCKETS 17
static const uint64_t bucket_ns[N_BUCKETS] = {
    500000ULL,     1000000ULL,     2500000ULL,     5000000ULL,     10000000ULL,   25000000ULL,
    50000000ULL,   100000000ULL,   250000000ULL,   500000000ULL,   1000000000ULL, 2500000000ULL,
    5000000000ULL, 10000000000ULL, 30000000000ULL, 60000000000ULL, UINT64_MAX,
};
static const char *const bucket_le[N_BUCKETS] = {"0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025",
                                                 "0.05",   "0.1",   "0.25",   "0.5",   "1",    "2.5",
                                                 "5",      "10",    "30",     "60",    "+Inf"};

/*
 * Status slots: 0..4 take the codes of each class not listed below
 * ("1xx".."5xx"), then one slot per listed code.
 */
#define N_CLASSES 5
static const int known_statuses[] = {100, 200, 201, 202, 204, 301, 302, 304, 307, 308,
                                     400, 401, 403, 404, 405, 408, 409, 413, 415, 417,
                                     422, 429, 431, 500, 501, 502, 503, 504, 505};
#define N_KNOWN (sizeof(known_statuses) / sizeof(known_statuses[0]))
#define N_STATUS (N_CLASSES + N_KNOWN)

/* Operation slots: unmatched, docs, then the operations of the spec. */
#define OP_SLOT_FIRST 2
#define N_OP_SLOTS (OP_SLOT_FIRST + RT_METRICS_MAX_OPS)

struct hist {
    counter buckets[N_BUCKETS]; /* per bucket, not cumulative (cumulated when rendered) */
    counter sum_ns;
};

/* One thread's counters.  Gauges are deltas: only their sum over all shards means anything. */
struct shard {
    struct shard *next; /* older shard; the list only grows */
    counter requests[N_OP_SLOTS][N_STATUS];
    struct hist request_time[N_OP_SLOTS];
    counter conns_opened;
    counter conns_closed;
    counter handler_errors[RT_METRICS_HANDLER_ERRORS];
    counter db_states[RT_METRICS_DB_STATES]; /* gauge deltas */
    counter db_waiting;                      /* gauge delta */
    counter db_in_use;                       /* gauge delta */
    struct hist db_wait;
    counter db_wait_timeouts;
    counter outbound[RT_METRICS_MAX_SOURCES][RT_METRICS_OUTBOUND_OUTCOMES];
    struct hist outbound_time[RT_METRICS_MAX_SOURCES];
    counter tasks_started;
    counter tasks_executed[RT_METRICS_TASK_OUTCOMES];
    struct hist task_time;
};

static _Atomic(struct shard *) shards;
static _Thread_local struct shard *my_shard;

static const char *const *op_names;
static size_t n_ops;
static double start_time_seconds; /* wall clock, set with the operations */

static pthread_mutex_t sources_mu = PTHREAD_MUTEX_INITIALIZER;
static char source_names[RT_METRICS_MAX_SOURCES][128]; /* under sources_mu */
static int n_sources;                                  /* under sources_mu */

static _Atomic uint64_t tasks_queued; /* a level, not a delta: set by the pool under its lock */

static const char *const outcome_names[RT_METRICS_OUTBOUND_OUTCOMES] = {"ok", "http_error", "timeout",
                                                                        "error"};
static const char *const db_state_names[RT_METRICS_DB_STATES] = {"down", "connecting", "ready"};
static const char *const task_outcome_names[RT_METRICS_TASK_OUTCOMES] = {"done", "lost_ownership",
                                                                         "interrupted", "unrecorded"};
static const char *const handler_error_names[RT_METRICS_HANDLER_ERRORS] = {"second_answer", "no_answer"};

/* --- recording --- */

/* The calling thread's shard, made on its first use (the only allocation, once per thread). */
static struct shard *shard_slow(void)
{
    struct shard *s = rt_xcalloc(1, sizeof(*s));

    s->next = atomic_load_explicit(&shards, memory_order_relaxed);
    while (!atomic_compare_exchange_weak_explicit(&shards, &s->next, s, memory_order_release,
                                                  memory_order_relaxed))
        ;
    my_shard = s;
    return s;
}

static inline struct shard *shard(void)
{
    struct shard *s = my_shard;

    return __builtin_expect(s != NULL, 1) ? s : shard_slow();
}

/* Single writer: no read-modify-write instruction needed. */
static inline void add(counter *c, uint64_t v)
{
    atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + v, memory_order_relaxed);
}

static inline void observe(struct hist *h, uint64_t ns)
{
    int i = 0;

    while (i < N_BUCKETS - 1 && ns > bucket_ns[i])
        i++;
    add(&h->buckets[i], 1);
    add(&h->sum_ns, ns);
}

static int status_slot(int status)
{
    size_t i;

    for (i = 0; i < N_KNOWN; i++) {
        if (known_statuses[i] == status)
            return (int)(N_CLASSES + i);
    }
    return status >= 100 && status < 600 ? status / 100 - 1 : N_CLASSES - 1;
}

void rt_metrics_set_operations(const char *const *names, const char *const *methods, size_t n)
{
    struct timespec now;

    (void)methods; /* each operationId names one method already */
    op_names = names;
    n_ops = n < RT_METRICS_MAX_OPS ? n : RT_METRICS_MAX_OPS;
    clock_gettime(CLOCK_REALTIME, &now);
    start_time_seconds = (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

const char *rt_metrics_operation_name(int op)
{
    return op >= 0 && (size_t)op < n_ops && op_names != NULL ? op_names[op] : NULL;
}

void rt_metrics_request(int op, int status, uint64_t ns)
{
    struct shard *s = shard();
    int slot = op >= 0 && (size_t)op < RT_METRICS_MAX_OPS ? OP_SLOT_FIRST + op
               : op == RT_METRICS_OP_DOCS                 ? 1
                                                          : 0;

    add(&s->requests[slot][status_slot(status)], 1);
    observe(&s->request_time[slot], ns);
}

void rt_metrics_handler_error(enum rt_metrics_handler_error kind)
{
    if ((unsigned)kind < RT_METRICS_HANDLER_ERRORS)
        add(&shard()->handler_errors[kind], 1);
}

void rt_metrics_conn_opened(void)
{
    add(&shard()->conns_opened, 1);
}

void rt_metrics_conn_closed(void)
{
    add(&shard()->conns_closed, 1);
}

void rt_metrics_db_state(int from, int to)
{
    struct shard *s = shard();

    if (from >= 0 && from < RT_METRICS_DB_STATES)
        add(&s->db_states[from], (uint64_t)-1);
    if (to >= 0 && to < RT_METRICS_DB_STATES)
        add(&s->db_states[to], 1);
}

void rt_metrics_db_waiting(int delta)
{
    add(&shard()->db_waiting, (uint64_t)(int64_t)delta);
}

void rt_metrics_db_in_use(int delta)
{
    add(&shard()->db_in_use, (uint64_t)(int64_t)delta);
}

void rt_metrics_db_acquired(uint64_t ns)
{
    observe(&shard()->db_wait, ns);
}

void rt_metrics_db_acquire_timeout(void)
{
    add(&shard()->db_wait_timeouts, 1);
}

int rt_metrics_source(const char *name)
{
    int i;

    pthread_mutex_lock(&sources_mu);
    for (i = 0; i < n_sources; i++) {
        if (strcmp(source_names[i], name) == 0)
            break;
    }
    if (i == n_sources && n_sources < RT_METRICS_MAX_SOURCES) {
        snprintf(source_names[i], sizeof(source_names[i]), "%s",
                 n_sources == RT_METRICS_MAX_SOURCES - 1 ? "other" : name);
        n_sources++;
    }
    if (i == RT_METRICS_MAX_SOURCES)
        i = RT_METRICS_MAX_SOURCES - 1; /* "other" */
    pthread_mutex_unlock(&sources_mu);
    return i;
}

void rt_metrics_outbound(int source, enum rt_metrics_outcome outcome, uint64_t ns)
{
    struct shard *s = shard();

    if (source < 0 || source >= RT_METRICS_MAX_SOURCES || outcome >= RT_METRICS_OUTBOUND_OUTCOMES)
        return;
    add(&s->outbound[source][outcome], 1);
    observe(&s->outbound_time[source], ns);
}

void rt_metrics_tasks_queued(size_t n)
{
    atomic_store_explicit(&tasks_queued, n, memory_order_relaxed);
}

void rt_metrics_task_started(void)
{
    add(&shard()->tasks_started, 1);
}

void rt_metrics_task_executed(enum rt_metrics_task_outcome outcome, uint64_t ns)
{
    struct shard *s = shard();

    if (outcome >= RT_METRICS_TASK_OUTCOMES)
        return;
    add(&s->tasks_executed[outcome], 1);
    observe(&s->task_time, ns);
}

/* --- summing the shards --- */

/* Plain copies of what is rendered. */
struct hist_sum {
    uint64_t buckets[N_BUCKETS];
    uint64_t sum_ns;
};

struct totals {
    uint64_t requests[N_OP_SLOTS][N_STATUS];
    struct hist_sum request_time[N_OP_SLOTS];
    uint64_t conns_opened, conns_closed;
    uint64_t handler_errors[RT_METRICS_HANDLER_ERRORS];
    uint64_t db_states[RT_METRICS_DB_STATES], db_waiting, db_in_use, db_wait_timeouts;
    struct hist_sum db_wait;
    uint64_t outbound[RT_METRICS_MAX_SOURCES][RT_METRICS_OUTBOUND_OUTCOMES];
    struct hist_sum outbound_time[RT_METRICS_MAX_SOURCES];
    uint64_t tasks_started, tasks_executed[RT_METRICS_TASK_OUTCOMES];
    struct hist_sum task_time;
};

static uint64_t load(const counter *c)
{
    return atomic_load_explicit(c, memory_order_relaxed);
}

static void hist_add(struct hist_sum *to, const struct hist *from)
{
    int i;

    for (i = 0; i < N_BUCKETS; i++)
        to->buckets[i] += load(&from->buckets[i]);
    to->sum_ns += load(&from->sum_ns);
}

static void shard_add(struct totals *t, const struct shard *s)
{
    int i, j;

    for (i = 0; i < N_OP_SLOTS; i++) {
        for (j = 0; j < (int)N_STATUS; j++)
            t->requests[i][j] += load(&s->requests[i][j]);
        hist_add(&t->request_time[i], &s->request_time[i]);
    }
    t->conns_opened += load(&s->conns_opened);
    t->conns_closed += load(&s->conns_closed);
    for (i = 0; i < RT_METRICS_HANDLER_ERRORS; i++)
        t->handler_errors[i] += load(&s->handler_errors[i]);
    for (i = 0; i < RT_METRICS_DB_STATES; i++)
        t->db_states[i] += load(&s->db_states[i]);
    t->db_waiting += load(&s->db_waiting);
    t->db_in_use += load(&s->db_in_use);
    t->db_wait_timeouts += load(&s->db_wait_timeouts);
    hist_add(&t->db_wait, &s->db_wait);
    for (i = 0; i < RT_METRICS_MAX_SOURCES; i++) {
        for (j = 0; j < RT_METRICS_OUTBOUND_OUTCOMES; j++)
            t->outbound[i][j] += load(&s->outbound[i][j]);
        hist_add(&t->outbound_time[i], &s->outbound_time[i]);
    }
    t->tasks_started += load(&s->tasks_started);
    for (i = 0; i < RT_METRICS_TASK_OUTCOMES; i++)
        t->tasks_executed[i] += load(&s->tasks_executed[i]);
    hist_add(&t->task_time, &s->task_time);
}

/* --- rendering --- */

/* A gauge kept as deltas wraps below zero for a moment if a decrement is summed before its increment. */
static uint64_t level(uint64_t sum)
{
    return (int64_t)sum < 0 ? 0 : sum;
}

static void header(FILE *f, const char *name, const char *type, const char *help)
{
    fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* Write @s as a label value: backslash, double quote and newline escaped (NULL: empty). */
static void label_value(FILE *f, const char *s)
{
    for (; s != NULL && *s != '\0'; s++) {
        if (*s == '\\' || *s == '"')
            fprintf(f, "\\%c", *s);
        else if (*s == '\n')
            fputs("\\n", f);
        else
            fputc(*s, f);
    }
}

static const char *op_slot_name(int slot)
{
    if (slot == 0)
        return "unmatched";
    if (slot == 1)
        return "docs";
    return op_names[slot - OP_SLOT_FIRST];
}

static void status_label(FILE *f, int slot)
{
    if (slot < N_CLASSES)
        fprintf(f, "%dxx", slot + 1);
    else
        fprintf(f, "%d", known_statuses[slot - N_CLASSES]);
}

/* One histogram series: cumulative buckets, sum and count; @label is 'name="value"' or NULL. */
static void hist_series(FILE *f, const char *name, const char *label, const char *value,
                        const struct hist_sum *h)
{
    uint64_t cumulative = 0;
    int i;

    for (i = 0; i < N_BUCKETS; i++) {
        cumulative += h->buckets[i];
        fprintf(f, "%s_bucket{", name);
        if (label != NULL) {
            fprintf(f, "%s=\"", label);
            label_value(f, value);
            fputs("\",", f);
        }
        fprintf(f, "le=\"%s\"} %llu\n", bucket_le[i], (unsigned long long)cumulative);
    }
    if (label != NULL) {
        fprintf(f, "%s_sum{%s=\"", name, label);
        label_value(f, value);
        fprintf(f, "\"} %.9f\n%s_count{%s=\"", (double)h->sum_ns / 1e9, name, label);
        label_value(f, value);
        fprintf(f, "\"} %llu\n", (unsigned long long)cumulative);
    } else {
        fprintf(f, "%s_sum %.9f\n%s_count %llu\n", name, (double)h->sum_ns / 1e9, name,
                (unsigned long long)cumulative);
    }
}

static void render_http(FILE *f, const struct totals *t)
{
    int slot, st, i, n_slots = OP_SLOT_FIRST + (int)n_ops;

    header(
        f, "http_requests_total", "counter",
        "HTTP requests answered, by operation of openapi.yaml (unmatched: no route, or a protocol error) and "
        "status.");
    for (slot = 0; slot < n_slots; slot++) {
        for (st = 0; st < (int)N_STATUS; st++) {
            if (t->requests[slot][st] == 0)
                continue;
            fputs("http_requests_total{operation=\"", f);
            label_value(f, op_slot_name(slot));
            fputs("\",status=\"", f);
            status_label(f, st);
            fprintf(f, "\"} %llu\n", (unsigned long long)t->requests[slot][st]);
        }
    }
    header(f, "http_request_duration_seconds", "histogram",
           "Time from a request's first byte to its answer being queued, by operation.");
    for (slot = 0; slot < n_slots; slot++)
        hist_series(f, "http_request_duration_seconds", "operation", op_slot_name(slot),
                    &t->request_time[slot]);
    header(f, "http_connections_open", "gauge", "HTTP connections open now.");
    fprintf(f, "http_connections_open %llu\n", (unsigned long long)level(t->conns_opened - t->conns_closed));
    header(f, "http_connections_total", "counter", "HTTP connections accepted.");
    fprintf(f, "http_connections_total %llu\n", (unsigned long long)t->conns_opened);
    header(
        f, "http_handler_errors_total", "counter",
        "Mistakes of the application the runtime caught, by kind (second_answer: an answer on a request that "
        "had been answered; it was not sent; no_answer: none within HANDLER_TIMEOUT, the runtime answered "
        "503).");
    for (i = 0; i < RT_METRICS_HANDLER_ERRORS; i++)
        fprintf(f, "http_handler_errors_total{kind=\"%s\"} %llu\n", handler_error_names[i],
                (unsigned long long)t->handler_errors[i]);
}

static void render_db(FILE *f, const struct totals *t)
{
    int i;

    header(f, "db_pool_connections", "gauge", "Database connections by state (SQLite: one, always ready).");
    for (i = 0; i < RT_METRICS_DB_STATES; i++)
        fprintf(f, "db_pool_connections{state=\"%s\"} %llu\n", db_state_names[i],
                (unsigned long long)level(t->db_states[i]));
    header(f, "db_pool_in_use", "gauge", "Statements sent to a database connection and not yet answered.");
    fprintf(f, "db_pool_in_use %llu\n", (unsigned long long)level(t->db_in_use));
    header(f, "db_pool_waiting", "gauge", "Statements waiting for a database connection.");
    fprintf(f, "db_pool_waiting %llu\n", (unsigned long long)level(t->db_waiting));
    header(f, "db_pool_wait_seconds", "histogram", "Time statements waited for a database connection.");
    hist_series(f, "db_pool_wait_seconds", NULL, NULL, &t->db_wait);
    header(f, "db_pool_wait_timeouts_total", "counter",
           "Statements that gave up waiting for a database connection (answered 503).");
    fprintf(f, "db_pool_wait_timeouts_total %llu\n", (unsigned long long)t->db_wait_timeouts);
}

static void render_outbound(FILE *f, const struct totals *t)
{
    char names[RT_METRICS_MAX_SOURCES][128];
    int i, j, n;

    pthread_mutex_lock(&sources_mu);
    n = n_sources;
    memcpy(names, source_names, sizeof(names));
    pthread_mutex_unlock(&sources_mu);
    header(f, "outbound_requests_total", "counter", "Outbound HTTP calls, by origin called and outcome.");
    for (i = 0; i < n; i++) {
        for (j = 0; j < RT_METRICS_OUTBOUND_OUTCOMES; j++) {
            fputs("outbound_requests_total{source=\"", f);
            label_value(f, names[i]);
            fprintf(f, "\",outcome=\"%s\"} %llu\n", outcome_names[j], (unsigned long long)t->outbound[i][j]);
        }
    }
    header(f, "outbound_request_duration_seconds", "histogram",
           "Duration of outbound HTTP calls, by origin.");
    for (i = 0; i < n; i++)
        hist_series(f, "outbound_request_duration_seconds", "source", names[i], &t->outbound_time[i]);
}

static void render_tasks(FILE *f, const struct totals *t)
{
    uint64_t ended = 0;
    int i;

    header(f, "tasks_queue_depth", "gauge",
           "Background tasks waiting for a pool thread (reserved places included).");
    fprintf(f, "tasks_queue_depth %llu\n",
            (unsigned long long)atomic_load_explicit(&tasks_queued, memory_order_relaxed));
    for (i = 0; i < RT_METRICS_TASK_OUTCOMES; i++)
        ended += t->tasks_executed[i];
    header(f, "tasks_running", "gauge", "Background tasks running now.");
    fprintf(f, "tasks_running %llu\n", (unsigned long long)level(t->tasks_started - ended));
    header(f, "tasks_executed_total", "counter",
           "Executions of background tasks, by outcome (a task run again after a crash counts twice).");
    for (i = 0; i < RT_METRICS_TASK_OUTCOMES; i++)
        fprintf(f, "tasks_executed_total{outcome=\"%s\"} %llu\n", task_outcome_names[i],
                (unsigned long long)t->tasks_executed[i]);
    header(f, "task_duration_seconds", "histogram", "Run time of background task executions.");
    hist_series(f, "task_duration_seconds", NULL, NULL, &t->task_time);
}

static int count_open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    int n = 0;

    if (d == NULL)
        return -1;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] != '.')
            n++;
    }
    closedir(d);
    return n - 1; /* not the one opendir() used */
}

static long resident_bytes(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long size = 0, resident = -1;

    if (f == NULL)
        return -1;
    if (fscanf(f, "%ld %ld", &size, &resident) != 2)
        resident = -1;
    fclose(f);
    return resident < 0 ? -1 : resident * sysconf(_SC_PAGESIZE);
}

static void render_process(FILE *f)
{
    struct timespec cpu;
    long rss = resident_bytes();
    int fds = count_open_fds();

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu);
    header(f, "process_cpu_seconds_total", "counter", "User and system CPU time spent, in seconds.");
    fprintf(f, "process_cpu_seconds_total %.6f\n", (double)cpu.tv_sec + (double)cpu.tv_nsec / 1e9);
    header(f, "process_start_time_seconds", "gauge",
           "Start time of the process since the Unix epoch, in seconds.");
    fprintf(f, "process_start_time_seconds %.3f\n", start_time_seconds);
    if (rss >= 0) {
        header(f, "process_resident_memory_bytes", "gauge", "Resident memory size, in bytes.");
        fprintf(f, "process_resident_memory_bytes %ld\n", rss);
    }
    if (fds >= 0) {
        header(f, "process_open_fds", "gauge", "Open file descriptors.");
        fprintf(f, "process_open_fds %d\n", fds);
    }
}

char *rt_metrics_render(size_t *len)
{
    struct totals *t = rt_xcalloc(1, sizeof(*t));
    const struct shard *s;
    char *text = NULL;
    FILE *f;

    for (s = atomic_load_explicit(&shards, memory_order_acquire); s != NULL; s = s->next)
        shard_add(t, s);
    f = open_memstream(&text, len);
    if (f == NULL)
        abort(); /* out of memory, as rt_xmalloc */
    render_http(f, t);
    render_db(f, t);
    render_outbound(f, t);
    render_tasks(f, t);
    render_process(f);
    if (fclose(f) != 0 || text == NULL)
        abort();
    free(t);
    return text;
}
