/*
 * Calls to external services: configuration read once at start-up.
 */
#ifndef HANDLERS_EXTERNAL_H
#define HANDLERS_EXTERNAL_H

struct rt_config;

/**
 * Read the sources of /fetch-external-data from @p cfg (EXTERNAL_API_URLS).
 * Call once, before the workers start.
 * @return 0, or -1 (logged) if the list is empty or a URL is not http(s).
 */
int external_init(const struct rt_config *cfg);

#endif /* HANDLERS_EXTERNAL_H */
