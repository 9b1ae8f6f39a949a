/*
 * rt_metrics: what is recorded comes out of rt_metrics_render() under the
 * right name and labels, label values are escaped, zero request series
 * stay out, histograms are cumulative, handler errors are always shown
 * (zero included), and counts recorded on several threads (each into a
 * shard of its own) add up exactly, gauges kept as deltas included.  The
 * exposition as a whole is checked against promtool by
 * tests/integration/test_metrics.py; here each piece is.
 *
 * The counters are the process's: every case reads values before and
 * after, or uses an operation or source no other case touches.
 */
#include "test.h"

#include "rt_metrics.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Operations 0..3, as api_init() would name them; 3 needs escaping. */
static const char *const op_names[] = {"read_root", "get_user", "threads_op", "we\"ird\\op\nname"};
static const char *const op_methods[] = {"GET", "GET", "POST", "PUT"};

#define MS (1000000ULL) /* nanoseconds */

/* --- helpers --- */

/* The value of the sample @p series ("name{labels}" or "name", exactly as rendered) in @p text; NAN if
 * absent. */
static double value_in(const char *text, const char *series)
{
    size_t n = strlen(series);
    const char *p = text;

    while (p != NULL && *p != '\0') {
        if (strncmp(p, series, n) == 0 && p[n] == ' ')
            return strtod(p + n + 1, NULL);
        p = strchr(p, '\n');
        if (p != NULL)
            p++;
    }
    return NAN;
}

/* The value of @p series in a fresh rendering; NAN if absent. */
static double value(const char *series)
{
    size_t len = 0;
    char *text = rt_metrics_render(&len);
    double v = value_in(text, series);

    free(text);
    return v;
}

/* A value that is absent counts as 0, for deltas. */
static double value0(const char *series)
{
    double v = value(series);

    return isnan(v) ? 0.0 : v;
}

/* How many times @p line (a whole line, without its newline) occurs in @p text. */
static int count_lines(const char *text, const char *line)
{
    size_t n = strlen(line);
    const char *p = text;
    int count = 0;

    while (*p != '\0') {
        const char *end = strchr(p, '\n');

        if (end == NULL)
            break;
        if ((size_t)(end - p) == n && memcmp(p, line, n) == 0)
            count++;
        p = end + 1;
    }
    return count;
}

/*
 * Every line is a HELP, a TYPE or a sample; each sample's family (its name
 * without _bucket/_sum/_count for a histogram) was typed before it, and
 * its value parses.  @return the number of samples, or -1 at the first
 * line that breaks a rule.
 */
static int check_structure(const char *text)
{
    char typed[64][64];
    int n_typed = 0, samples = 0;
    const char *p = text;

    while (*p != '\0') {
        const char *end = strchr(p, '\n');
        const char *val;
        char name[128], *after;
        size_t n;
        int i;
        bool known = false;

        if (end == NULL)
            return -1; /* the text ends with a newline */
        if (strncmp(p, "# HELP ", 7) == 0) {
            p = end + 1;
            continue;
        }
        if (strncmp(p, "# TYPE ", 7) == 0) {
            n = strcspn(p + 7, " ");
            if (n_typed == 64 || n >= sizeof(typed[0]))
                return -1;
            memcpy(typed[n_typed], p + 7, n);
            typed[n_typed++][n] = '\0';
            p = end + 1;
            continue;
        }
        n = strcspn(p, "{ \n");
        if (n == 0 || n >= sizeof(name) || p[0] == '#')
            return -1;
        memcpy(name, p, n);
        name[n] = '\0';
        for (i = 0; i < n_typed && !known; i++) {
            size_t t = strlen(typed[i]);

            known = strcmp(name, typed[i]) == 0 ||
                    (strncmp(name, typed[i], t) == 0 &&
                     (strcmp(name + t, "_bucket") == 0 || strcmp(name + t, "_sum") == 0 ||
                      strcmp(name + t, "_count") == 0));
        }
        if (!known)
            return -1;
        val = end; /* the value follows the last space */
        while (val > p && val[-1] != ' ')
            val--;
        if (val == p || val == end)
            return -1;
        strtod(val, &after);
        if (after != end)
            return -1;
        samples++;
        p = end + 1;
    }
    return samples;
}

/* --- cases --- */

static void test_structure(void)
{
    size_t len = 0;
    char *text;

    rt_metrics_request(0, 200, 1 * MS); /* something in every request family */
    text = rt_metrics_render(&len);
    CHECK(text != NULL && strlen(text) == len);
    CHECK(len > 0 && text[len - 1] == '\n');
    CHECK(check_structure(text) > 0);
    CHECK(count_lines(text, "# TYPE http_requests_total counter") == 1);
    CHECK(count_lines(text, "# TYPE http_request_duration_seconds histogram") == 1);
    CHECK(count_lines(text, "# TYPE http_connections_open gauge") == 1);
    CHECK(count_lines(text, "# TYPE db_pool_connections gauge") == 1);
    CHECK(count_lines(text, "# TYPE outbound_requests_total counter") == 1);
    CHECK(count_lines(text, "# TYPE tasks_queue_depth gauge") == 1);
    CHECK(count_lines(text, "# TYPE task_duration_seconds histogram") == 1);
    CHECK(count_lines(text, "# TYPE process_cpu_seconds_total counter") == 1);
    CHECK(strstr(text, "# HELP http_requests_total ") != NULL);
    free(text);
}

static void test_requests_by_operation_and_status(void)
{
    const char *ok = "http_requests_total{operation=\"read_root\",status=\"200\"}";
    const char *created = "http_requests_total{operation=\"read_root\",status=\"201\"}";
    double ok0 = value0(ok), created0 = value0(created);

    rt_metrics_request(0, 200, 1 * MS);
    rt_metrics_request(0, 200, 1 * MS);
    rt_metrics_request(0, 201, 1 * MS);
    CHECK(value(ok) == ok0 + 2);
    CHECK(value(created) == created0 + 1);
    /* Series with no request stay out of the text. */
    CHECK(isnan(value("http_requests_total{operation=\"get_user\",status=\"500\"}")));
}

static void test_status_classes(void)
{
    /* Codes without a slot of their own are counted by class; nonsense codes as 5xx. */
    double c4 = value0("http_requests_total{operation=\"get_user\",status=\"4xx\"}");
    double c2 = value0("http_requests_total{operation=\"get_user\",status=\"2xx\"}");
    double c5 = value0("http_requests_total{operation=\"get_user\",status=\"5xx\"}");
    double c404 = value0("http_requests_total{operation=\"get_user\",status=\"404\"}");

    rt_metrics_request(1, 418, 0);
    rt_metrics_request(1, 299, 0);
    rt_metrics_request(1, 999, 0);
    rt_metrics_request(1, 42, 0);
    rt_metrics_request(1, 404, 0);
    CHECK(value("http_requests_total{operation=\"get_user\",status=\"4xx\"}") == c4 + 1);
    CHECK(value("http_requests_total{operation=\"get_user\",status=\"2xx\"}") == c2 + 1);
    CHECK(value("http_requests_total{operation=\"get_user\",status=\"5xx\"}") == c5 + 2);
    CHECK(value("http_requests_total{operation=\"get_user\",status=\"404\"}") == c404 + 1);
}

static void test_unmatched_and_docs(void)
{
    const char *unmatched = "http_requests_total{operation=\"unmatched\",status=\"400\"}";
    const char *docs = "http_requests_total{operation=\"docs\",status=\"304\"}";
    double u0 = value0(unmatched), d0 = value0(docs);

    rt_metrics_request(RT_METRICS_OP_UNMATCHED, 400, 0);
    rt_metrics_request(RT_METRICS_OP_DOCS, 304, 0);
    rt_metrics_request(RT_METRICS_MAX_OPS, 400, 0); /* beyond the table: unmatched */
    rt_metrics_request(-7, 400, 0);
    CHECK(value(unmatched) == u0 + 3);
    CHECK(value(docs) == d0 + 1);
}

static void test_label_escaping(void)
{
    int src = rt_metrics_source("http://quo\"te\\d:80");

    rt_metrics_request(3, 200, 0);
    CHECK(value("http_requests_total{operation=\"we\\\"ird\\\\op\\nname\",status=\"200\"}") == 1);
    CHECK(value("http_request_duration_seconds_count{operation=\"we\\\"ird\\\\op\\nname\"}") == 1);
    rt_metrics_outbound(src, RT_METRICS_OUTBOUND_OK, 1 * MS);
    CHECK(value("outbound_requests_total{source=\"http://quo\\\"te\\\\d:80\",outcome=\"ok\"}") == 1);
    CHECK(value("outbound_requests_total{source=\"http://quo\\\"te\\\\d:80\",outcome=\"timeout\"}") == 0);
}

static void test_histogram_buckets(void)
{
    /* Operation 1 ("get_user") takes only the zero-length requests of status_classes before this. */
    const char *b05 = "http_request_duration_seconds_bucket{operation=\"get_user\",le=\"0.0005\"}";
    const char *b1 = "http_request_duration_seconds_bucket{operation=\"get_user\",le=\"0.001\"}";
    const char *b25 = "http_request_duration_seconds_bucket{operation=\"get_user\",le=\"2.5\"}";
    const char *inf = "http_request_duration_seconds_bucket{operation=\"get_user\",le=\"+Inf\"}";
    const char *count = "http_request_duration_seconds_count{operation=\"get_user\"}";
    const char *sum = "http_request_duration_seconds_sum{operation=\"get_user\"}";
    double v05 = value0(b05), v1 = value0(b1), v25 = value0(b25), vinf = value0(inf), vcount = value0(count);
    double vsum = value0(sum);

    rt_metrics_request(1, 200, 500000);      /* on a bound: that bucket */
    rt_metrics_request(1, 200, 700000);      /* 0.7 ms: le="0.001" */
    rt_metrics_request(1, 200, 2000 * MS);   /* 2 s */
    rt_metrics_request(1, 200, 120000 * MS); /* 2 min: +Inf only */
    CHECK(value(b05) == v05 + 1);
    CHECK(value(b1) == v1 + 2); /* cumulative */
    CHECK(value(b25) == v25 + 3);
    CHECK(value(inf) == vinf + 4);
    CHECK(value(count) == vcount + 4);
    CHECK(fabs(value(sum) - vsum - (0.0005 + 0.0007 + 2.0 + 120.0)) < 1e-6);
}

/* --- many threads --- */

#define THREADS 4
#define PER_THREAD 1000

static void *record_requests(void *arg)
{
    int i;

    (void)arg;
    for (i = 0; i < PER_THREAD; i++) {
        rt_metrics_request(2, 201, 1 * MS);
        rt_metrics_conn_opened();
    }
    return NULL;
}

static void test_sums_across_threads(void)
{
    const char *series = "http_requests_total{operation=\"threads_op\",status=\"201\"}";
    double before = value0(series), total0 = value0("http_connections_total");
    double open0 = value0("http_connections_open");
    pthread_t t[THREADS];
    int i;

    for (i = 0; i < THREADS; i++)
        CHECK(pthread_create(&t[i], NULL, record_requests, NULL) == 0);
    for (i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    CHECK(value(series) == before + THREADS * PER_THREAD);
    CHECK(value("http_request_duration_seconds_count{operation=\"threads_op\"}") == THREADS * PER_THREAD);
    CHECK(value("http_connections_total") == total0 + THREADS * PER_THREAD);
    CHECK(value("http_connections_open") == open0 + THREADS * PER_THREAD);
    /* Closed on another thread than the one that opened: the gauge is the sum of the deltas. */
    for (i = 0; i < THREADS * PER_THREAD; i++)
        rt_metrics_conn_closed();
    CHECK(value("http_connections_open") == open0);
    CHECK(value("http_connections_total") == total0 + THREADS * PER_THREAD);
}

static void *db_connect_thread(void *arg)
{
    (void)arg;
    rt_metrics_db_state(-1, RT_METRICS_DB_DOWN);
    rt_metrics_db_state(RT_METRICS_DB_DOWN, RT_METRICS_DB_CONNECTING);
    rt_metrics_db_waiting(3);
    rt_metrics_db_in_use(2);
    return NULL;
}

static void test_gauges_from_deltas(void)
{
    pthread_t t;

    CHECK(pthread_create(&t, NULL, db_connect_thread, NULL) == 0);
    pthread_join(t, NULL);
    CHECK(value("db_pool_connections{state=\"down\"}") == 0);
    CHECK(value("db_pool_connections{state=\"connecting\"}") == 1);
    CHECK(value("db_pool_connections{state=\"ready\"}") == 0);
    CHECK(value("db_pool_waiting") == 3);
    CHECK(value("db_pool_in_use") == 2);
    /* Moved on by this thread, which never added the connection. */
    rt_metrics_db_state(RT_METRICS_DB_CONNECTING, RT_METRICS_DB_READY);
    rt_metrics_db_waiting(-1);
    rt_metrics_db_in_use(-2);
    CHECK(value("db_pool_connections{state=\"connecting\"}") == 0);
    CHECK(value("db_pool_connections{state=\"ready\"}") == 1);
    CHECK(value("db_pool_waiting") == 2);
    CHECK(value("db_pool_in_use") == 0);
    rt_metrics_db_state(RT_METRICS_DB_READY, -1); /* gone */
    rt_metrics_db_waiting(-2);
    CHECK(value("db_pool_connections{state=\"ready\"}") == 0);
    CHECK(value("db_pool_waiting") == 0);
}

static void test_handler_errors(void)
{
    const char *series = "http_handler_errors_total{kind=\"second_answer\"}";
    size_t len = 0;
    char *text = rt_metrics_render(&len);

    /* Always there, zero included, so that an alert can be set on it before anything goes wrong. */
    CHECK(count_lines(text, "# TYPE http_handler_errors_total counter") == 1);
    CHECK(value_in(text, series) == 0);
    free(text);
    rt_metrics_handler_error(RT_METRICS_SECOND_ANSWER);
    rt_metrics_handler_error(RT_METRICS_SECOND_ANSWER);
    rt_metrics_handler_error(RT_METRICS_HANDLER_ERRORS); /* out of range: ignored */
    CHECK(value(series) == 2);
}

static void test_db_wait(void)
{
    double count0 = value0("db_pool_wait_seconds_count"), timeouts0 = value0("db_pool_wait_timeouts_total");

    rt_metrics_db_acquired(3 * MS);
    rt_metrics_db_acquire_timeout();
    CHECK(value("db_pool_wait_seconds_count") == count0 + 1);
    CHECK(value("db_pool_wait_seconds_bucket{le=\"0.005\"}") >= 1);
    CHECK(value("db_pool_wait_timeouts_total") == timeouts0 + 1);
}

static void test_outbound_sources(void)
{
    char name[64];
    int a = rt_metrics_source("https://a.example:443"), last = -1, i;

    CHECK(a >= 0 && a < RT_METRICS_MAX_SOURCES - 1);
    CHECK(rt_metrics_source("https://a.example:443") == a);
    CHECK(rt_metrics_source("https://b.example:443") != a);
    rt_metrics_outbound(a, RT_METRICS_OUTBOUND_HTTP_ERROR, 10 * MS);
    rt_metrics_outbound(a, RT_METRICS_OUTBOUND_TIMEOUT, 10 * MS);
    rt_metrics_outbound(a, RT_METRICS_OUTBOUND_OUTCOMES, 10 * MS); /* out of range: ignored */
    rt_metrics_outbound(-1, RT_METRICS_OUTBOUND_OK, 10 * MS);
    rt_metrics_outbound(RT_METRICS_MAX_SOURCES, RT_METRICS_OUTBOUND_OK, 10 * MS);
    CHECK(value("outbound_requests_total{source=\"https://a.example:443\",outcome=\"http_error\"}") == 1);
    CHECK(value("outbound_requests_total{source=\"https://a.example:443\",outcome=\"timeout\"}") == 1);
    CHECK(value("outbound_requests_total{source=\"https://a.example:443\",outcome=\"ok\"}") == 0);
    CHECK(value("outbound_requests_total{source=\"https://a.example:443\",outcome=\"error\"}") == 0);
    CHECK(value("outbound_request_duration_seconds_count{source=\"https://a.example:443\"}") == 2);
    /* Past the table, every origin shares the last slot, "other". */
    for (i = 0; i < RT_METRICS_MAX_SOURCES + 4; i++) {
        snprintf(name, sizeof(name), "https://many%d.example:443", i);
        last = rt_metrics_source(name);
    }
    CHECK(last == RT_METRICS_MAX_SOURCES - 1);
    CHECK(rt_metrics_source("https://yet-another.example:443") == RT_METRICS_MAX_SOURCES - 1);
    rt_metrics_outbound(last, RT_METRICS_OUTBOUND_ERROR, 1 * MS);
    CHECK(value("outbound_requests_total{source=\"other\",outcome=\"error\"}") == 1);
    CHECK(isnan(
        value("outbound_requests_total{source=\"https://yet-another.example:443\",outcome=\"error\"}")));
}

static void *run_a_task(void *arg)
{
    (void)arg;
    rt_metrics_task_started();
    rt_metrics_task_executed(RT_METRICS_TASK_DONE, 40 * MS);
    rt_metrics_task_started(); /* still running */
    return NULL;
}

static void test_tasks(void)
{
    pthread_t t;

    rt_metrics_tasks_queued(5);
    CHECK(value("tasks_queue_depth") == 5);
    CHECK(pthread_create(&t, NULL, run_a_task, NULL) == 0);
    pthread_join(t, NULL);
    CHECK(value("tasks_running") == 1);
    CHECK(value("task_duration_seconds_count") == 1);
    CHECK(value("task_duration_seconds_bucket{le=\"0.025\"}") == 0);
    CHECK(value("task_duration_seconds_bucket{le=\"0.05\"}") == 1);
    CHECK(fabs(value("task_duration_seconds_sum") - 0.04) < 1e-9);
    CHECK(value("tasks_executed_total{outcome=\"done\"}") == 1);
    CHECK(value("tasks_executed_total{outcome=\"lost_ownership\"}") == 0);
    rt_metrics_task_executed(RT_METRICS_TASK_LOST_OWNERSHIP, 0);
    rt_metrics_tasks_queued(0);
    CHECK(value("tasks_running") == 0);
    CHECK(value("tasks_executed_total{outcome=\"lost_ownership\"}") == 1);
    CHECK(value("tasks_executed_total{outcome=\"interrupted\"}") == 0);
    CHECK(value("task_duration_seconds_count") == 2);
    CHECK(value("tasks_queue_depth") == 0);
}

static void test_process(void)
{
    CHECK(value("process_start_time_seconds") > 1.6e9); /* set by rt_metrics_set_operations() */
    CHECK(value("process_open_fds") >= 3);
    CHECK(value("process_resident_memory_bytes") > 0);
    CHECK(value("process_cpu_seconds_total") >= 0);
}

static const struct test_case cases[] = {
    {"render.structure", test_structure},
    {"requests.by_operation_and_status", test_requests_by_operation_and_status},
    {"requests.status_classes", test_status_classes},
    {"requests.unmatched_and_docs", test_unmatched_and_docs},
    {"render.label_escaping", test_label_escaping},
    {"histogram.cumulative_buckets", test_histogram_buckets},
    {"shards.sums_across_threads", test_sums_across_threads},
    {"shards.gauges_from_deltas", test_gauges_from_deltas},
    {"requests.handler_errors", test_handler_errors},
    {"db.wait", test_db_wait},
    {"outbound.sources", test_outbound_sources},
    {"tasks.gauges_and_histogram", test_tasks},
    {"process.families", test_process},
};

int main(int argc, char **argv)
{
    rt_metrics_set_operations(op_names, op_methods, TEST_N(op_names));
    return test_run(cases, TEST_N(cases), argc, argv);
}
