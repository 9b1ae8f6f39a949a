/*
 * GET /health: is the service up, which version, for how long, and does
 * its database answer (SELECT 1, timed).  503 when it does not, so a load
 * balancer takes the instance out of rotation.
 *
 * GET /health/live: the process answers (a supervisor's liveness probe:
 * nothing it depends on is asked, since restarting cures none of that).
 * GET /health/ready: whether to send it traffic: not draining, and the
 * database answers (migrations ran before the service started listening).
 */
#include "api.h"
#include "rt_db.h"
#include "rt_req.h"
#include "rt_server.h"
#include "rt_time.h"

#include <math.h>
#include <stdint.h>

static const struct rt_db_statement ping = {
    .name = "health_ping",
    .sql = "SELECT 1",
    .n_params = 0,
};

struct health_check {
    struct rt_req *req;
    uint64_t start_ns;
    /* Called with NULL and the query's time in ms when the database answered, else with why not. */
    void (*done)(struct rt_req *req, const char *error, double latency_ms);
};

/* To three decimals: milliseconds for seconds, microseconds for milliseconds. */
static double round3(double v)
{
    return round(v * 1000.0) / 1000.0;
}

static void reply_health(struct rt_req *req, const char *error, double latency_ms)
{
    struct rt_db *db = rt_server_db();
    struct api_database_health database = {
        .backend = db != NULL ? rt_db_backend_name(db) : "sqlite",
        .reachable = error == NULL,
        .latency_ms = latency_ms,
        .has_latency_ms = error == NULL,
        .error = error,
    };
    struct api_health health = {
        .status = error == NULL ? "ok" : "degraded",
        .version = API_VERSION,
        .uptime_seconds = round3(rt_server_uptime_seconds()),
        .workers = rt_server_worker_count(),
        .database = &database,
    };

    if (error == NULL)
        api_health__reply_200(req, &health);
    else
        api_health__reply_503(req, &health);
}

static void ping_done(const struct rt_db_result *res, void *arg)
{
    struct health_check *check = arg;
    double ms = (double)(rt_time_mono_ns() - check->start_ns) / 1e6;

    if (rt_db_result_status(res) == RT_DB_OK)
        check->done(check->req, NULL, round3(ms));
    else
        check->done(check->req, rt_db_result_error(res)[0] ? rt_db_result_error(res) : "Database unavailable",
                    0);
}

/* Ask the database SELECT 1 on this worker's loop; @p done answers the request either way. */
static void ping_database(struct rt_req *req, void (*done)(struct rt_req *, const char *, double))
{
    struct health_check *check = rt_req_alloc(req, sizeof(*check));
    struct rt_db_loop *db = rt_db_loop_current();

    check->req = req;
    check->start_ns = rt_time_mono_ns();
    check->done = done;
    if (db == NULL || rt_db_query(db, &ping, NULL, ping_done, check) != 0)
        done(req, "Database not attached to this worker", 0);
}

void handle_health(struct rt_req *req)
{
    ping_database(req, reply_health);
}

void handle_health_live(struct rt_req *req)
{
    struct api_liveness live = {.status = "alive", .uptime_seconds = round3(rt_server_uptime_seconds())};

    api_health_live__reply_200(req, &live);
}

static void reply_ready(struct rt_req *req, const char *error, double latency_ms)
{
    struct api_readiness ready = {.status = "not_ready", .reason = error};

    (void)latency_ms;
    if (error == NULL && rt_server_draining())
        ready.reason = "draining for a shutdown"; /* began while the query ran */
    if (ready.reason != NULL) {
        api_health_ready__reply_503(req, &ready);
        return;
    }
    ready.status = "ready";
    api_health_ready__reply_200(req, &ready);
}

void handle_health_ready(struct rt_req *req)
{
    if (rt_server_draining())
        reply_ready(req, NULL, 0);
    else
        ping_database(req, reply_ready);
}
