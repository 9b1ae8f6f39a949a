/*
 * The tutorial's lessons: non-blocking vs blocking delays, and concurrent
 * vs sequential waiting.
 *
 * Every handler here either answers at once or schedules a timer on its
 * worker's event loop and answers from the timer's callback, except
 * handle_sync_delay(), which blocks its loop on purpose: that is the
 * mistake the demo exists to show.
 */
#include "api.h"
#include "rt_req.h"
#include "rt_server.h"
#include "rt_time.h"

#include <errno.h>
#include <event2/event.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The /performance endpoints wait PERF_TASKS times PERF_TASK_SECONDS. */
#define PERF_TASKS 3
#define PERF_TASK_SECONDS 1.0

/* Seconds rounded to milliseconds, as people read them. */
static double round_ms(double seconds)
{
    return round(seconds * 1000.0) / 1000.0;
}

/*
 * A path of the documentation under the base path the service is served
 * under (BASE_PATH): the path itself at the root, the common case, which
 * GET / answers without copying anything.
 */
static const char *under_base(struct rt_req *req, const char *path)
{
    const char *base = rt_server_base_path();
    size_t base_len = strlen(base), path_len = strlen(path);
    char *out;

    if (base_len == 0)
        return path;
    out = rt_req_alloc(req, base_len + path_len + 1);
    memcpy(out, base, base_len);
    memcpy(out + base_len, path, path_len + 1);
    return out;
}

void handle_read_root(struct rt_req *req)
{
    struct api_welcome welcome = {
        .message = "Welcome to async-demo: the FastAPI async tutorial's service, spec-first in C",
        .docs = under_base(req, "/docs"),
        .redoc = under_base(req, "/redoc"),
        .openapi = under_base(req, "/openapi.json"),
    };

    api_read_root__reply_200(req, &welcome);
}

/* --- /async-delay: a timer on the loop --- */

/* A waiting request's state, in its own memory (rt_req_alloc). */
struct delay {
    struct rt_req *req;
    double seconds;
    uint64_t start_ns;
};

static void reply_delay(struct rt_req *req, double requested, uint64_t start_ns, bool blocking)
{
    char message[128];
    struct api_delay_result result = {
        .message = message,
        .requested_seconds = requested,
        .actual_seconds = round_ms((double)(rt_time_mono_ns() - start_ns) / 1e9),
        .blocking = blocking,
    };

    snprintf(message, sizeof(message), "%s delay of %g seconds completed", blocking ? "Blocking" : "Async",
             requested);
    if (blocking)
        api_sync_delay__reply_200(req, &result);
    else
        api_async_delay__reply_200(req, &result);
}

static void delay_done(evutil_socket_t fd, short what, void *arg)
{
    struct delay *d = arg;

    reply_delay(d->req, d->seconds, d->start_ns, false);
}

void handle_async_delay(struct rt_req *req, const struct api_async_delay_params *params)
{
    struct delay *d = rt_req_alloc(req, sizeof(*d));
    struct timeval tv = rt_time_tv_seconds(params->seconds);

    d->req = req;
    d->seconds = params->seconds;
    d->start_ns = rt_time_mono_ns();
    if (rt_req_timer_start(req, &tv, delay_done, d) != 0)
        api_async_delay__reply_500_detail(req, "Cannot schedule the timer");
}

/* --- /sync-delay: the pitfall, on purpose --- */

void handle_sync_delay(struct rt_req *req, const struct api_sync_delay_params *params)
{
    uint64_t start_ns = rt_time_mono_ns();
    struct timeval tv = rt_time_tv_seconds(params->seconds);
    struct timespec left = {tv.tv_sec, (long)tv.tv_usec * 1000};

    /*
     * Deliberately blocks this worker's event loop, like time.sleep() inside
     * an async def: nothing else on this worker runs until it returns.
     */
    while (nanosleep(&left, &left) != 0 && errno == EINTR)
        ;
    reply_delay(req, params->seconds, start_ns, true);
}

/* --- /performance: the same waits, concurrent or sequential --- */

struct perf_run {
    struct rt_req *req;
    bool concurrent;
    int done; /* waits finished */
    uint64_t start_ns;
};

static void reply_perf(struct perf_run *run)
{
    char message[160];
    struct api_performance_result result = {
        .mode = run->concurrent ? "concurrent" : "sequential",
        .tasks = PERF_TASKS,
        .task_seconds = PERF_TASK_SECONDS,
        .elapsed_seconds = round_ms((double)(rt_time_mono_ns() - run->start_ns) / 1e9),
        .message = message,
    };

    snprintf(message, sizeof(message), "%d waits of %g s %s", PERF_TASKS, PERF_TASK_SECONDS,
             run->concurrent ? "started together: the total is one wait"
                             : "one after another: the total is their sum");
    if (run->concurrent)
        api_performance_async__reply_200(run->req, &result);
    else
        api_performance_sync__reply_200(run->req, &result);
}

static int schedule_wait(struct perf_run *run);

static void wait_done(evutil_socket_t fd, short what, void *arg)
{
    struct perf_run *run = arg;

    run->done++;
    if (run->done == PERF_TASKS) {
        reply_perf(run);
        return;
    }
    /* Sequential: the next wait starts only now that this one is over. */
    if (!run->concurrent && schedule_wait(run) != 0)
        rt_req_reply_detail(run->req, 500, "Cannot schedule the timer");
}

static int schedule_wait(struct perf_run *run)
{
    struct timeval tv = rt_time_tv_seconds(PERF_TASK_SECONDS);

    return rt_req_timer_start(run->req, &tv, wait_done, run);
}

static void start_perf_run(struct rt_req *req, bool concurrent)
{
    struct perf_run *run = rt_req_alloc(req, sizeof(*run));
    int i, started = concurrent ? PERF_TASKS : 1;

    run->req = req;
    run->concurrent = concurrent;
    run->start_ns = rt_time_mono_ns();
    for (i = 0; i < started; i++) {
        if (schedule_wait(run) != 0) {
            /* The waits already scheduled are the request's: they go when it ends, unfired. */
            rt_req_reply_detail(req, 500, "Cannot schedule the timer");
            return;
        }
    }
}

void handle_performance_async(struct rt_req *req)
{
    start_perf_run(req, true);
}

void handle_performance_sync(struct rt_req *req)
{
    start_perf_run(req, false);
}
