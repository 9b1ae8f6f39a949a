/*
 * GET /metrics: the runtime's counters in Prometheus' text format.
 */
#include "api.h"
#include "rt_metrics.h"

#include <stdlib.h>

void handle_metrics(struct rt_req *req)
{
    size_t len = 0;
    char *text = rt_metrics_render(&len);

    api_metrics__reply_200(req, text, len);
    free(text);
}
