/*
 * GET /health: is the service up, which version, for how long.
 * (The database's state joins it with the database layer.)
 */
#include "api.h"
#include "rt_req.h"
#include "rt_server.h"

#include <math.h>

void handle_health(struct rt_req *req)
{
    struct api_health health = {
        .status = "ok",
        .version = API_VERSION,
        .uptime_seconds = round(rt_server_uptime_seconds() * 1000.0) / 1000.0,
        .workers = rt_server_worker_count(),
    };

    api_health__reply_200(req, &health);
}
