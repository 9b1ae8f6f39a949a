/*
 * rt_client_options — the outbound client's settings (see rt_client_options.h).
 */
#include "rt_client_options.h"

static int timeout_ms;
static char ca_file[1024];
static size_t max_response_size;
static int max_connections;

static const struct rt_option options[] = {
    {"external-api-timeout-ms", "EXTERNAL_API_TIMEOUT_MS", RT_OPTION_MS, &timeout_ms, 0, "5000", NULL,
     "milliseconds one outbound call may take", NULL},
    {"external-ca-file", "EXTERNAL_CA_FILE", RT_OPTION_STRING, ca_file, sizeof(ca_file), NULL,
     "the system's CA store", "PEM file of CAs trusted for outbound HTTPS", NULL},
    {"external-max-response-size", "EXTERNAL_MAX_RESPONSE_SIZE", RT_OPTION_SIZE, &max_response_size, 0,
     "1MiB", NULL, "largest outbound response body", NULL},
    {"external-max-connections", "EXTERNAL_MAX_CONNECTIONS", RT_OPTION_COUNT, &max_connections, 0, "64", NULL,
     "outbound connections per worker and origin; more calls wait their turn", NULL},
};

const struct rt_option_group rt_client_option_group = {"outbound HTTP", options,
                                                       sizeof(options) / sizeof(options[0]), NULL};

void rt_client_options_settings(struct rt_client_settings *s, int idle_timeout_ms)
{
    s->timeout_ms = timeout_ms;
    s->max_response_size = max_response_size;
    s->ca_file = ca_file[0] != '\0' ? ca_file : NULL;
    s->max_connections_per_origin = max_connections;
    s->idle_timeout_ms = idle_timeout_ms;
}
