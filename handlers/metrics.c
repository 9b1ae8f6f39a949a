/*
 * GET /metrics: the runtime's counters in Prometheus' text format.  Who
 * may scrape is settled before this runs (metricsBearer, handlers/auth.c).
 */
#include "api.h"
#include "rt_metrics.h"

#include <stdlib.h>

void handle_metrics(struct rt_req *req, const struct api_metrics_params *params)
{
    size_t len = 0;
    char *text = rt_metrics_render(&len);

    (void)params; /* the token, when one was needed, was checked: nothing more to know */

    api_metrics__reply_200(req, text, len);
    free(text);
}
