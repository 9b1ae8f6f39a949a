/*
 * rt_client_options — the outbound client's settings, declared next to the
 * client: EXTERNAL_API_TIMEOUT_MS, EXTERNAL_CA_FILE,
 * EXTERNAL_MAX_RESPONSE_SIZE and EXTERNAL_MAX_CONNECTIONS (their names
 * predate the runtime; they set every worker's rt_client).  rt_main()
 * loads them with the runtime's other option groups.
 */
#ifndef RT_CLIENT_OPTIONS_H
#define RT_CLIENT_OPTIONS_H

#include "rt_client.h"
#include "rt_config.h"

/** The option group; it sets the variables rt_client_options_settings() reads. */
extern const struct rt_option_group rt_client_option_group;

/**
 * Fill @p s from the loaded settings; @p idle_timeout_ms is how long an
 * unused connection is kept (the server passes its keep-alive timeout).
 * s->ca_file points into the options' storage (valid for the process).
 */
void rt_client_options_settings(struct rt_client_settings *s, int idle_timeout_ms);

#endif /* RT_CLIENT_OPTIONS_H */
