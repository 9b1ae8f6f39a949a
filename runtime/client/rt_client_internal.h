/*
 * rt_client_internal — what the tests may see of an rt_client beyond the
 * public API: counters of its connection pool, and the defaults that
 * rt_client_new() substitutes for settings left at zero.
 */
#ifndef RT_CLIENT_INTERNAL_H
#define RT_CLIENT_INTERNAL_H

#include "rt_client.h"

/* Defaults used for settings fields that are zero or negative (or when settings is NULL). */
#define RT_CLIENT_DEFAULT_TIMEOUT_MS 30000                /* per request */
#define RT_CLIENT_DEFAULT_MAX_RESPONSE_SIZE (1024 * 1024) /* bytes of body */
#define RT_CLIENT_DEFAULT_MAX_CONNECTIONS 64              /* per origin */
#define RT_CLIENT_DEFAULT_IDLE_TIMEOUT_MS 30000           /* per idle keep-alive connection */

/** A snapshot of a client's pool, for tests and diagnostics. */
struct rt_client_stats {
    unsigned long connections_opened; /* connections started since rt_client_new() */
    unsigned long retries;            /* requests retried on a fresh connection */
    int connections_open;             /* connections resolving, connecting, busy or idle now */
    int connections_idle;             /* of those, idle keep-alive connections */
    int requests_waiting;             /* requests queued for a connection (all origins) */
};

/** Fill @p stats from @p client (both non-NULL). */
void rt_client_get_stats(const struct rt_client *client, struct rt_client_stats *stats);

/**
 * Replace the nameservers of @p client's resolver by @p addr ("ip:port"),
 * so tests can use a DNS server of their own (or one that never answers).
 * @return 0, or -1 if @p addr is not usable.
 */
int rt_client_set_nameserver(struct rt_client *client, const char *addr);

#endif /* RT_CLIENT_INTERNAL_H */
