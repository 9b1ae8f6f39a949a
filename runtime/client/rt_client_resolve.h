/*
 * rt_client_resolve — name resolution for the connections an rt_client
 * opens.
 *
 * A resolver wraps one evdns_base, which reads /etc/resolv.conf and
 * /etc/hosts.  A lookup is one evdns_getaddrinfo() for one connection being
 * opened, and answers with one numeric address (IPv4 preferred).
 *
 * Ownership: whoever creates a resolver holds one reference to it, and
 * every lookup in flight holds one more.  A cancelled evdns_getaddrinfo
 * still calls back (on a later loop iteration, with the resolver's lock
 * held), so a resolver outlives its creator's reference until then, and is
 * freed from an event of its own rather than from inside that callback.
 */
#ifndef RT_CLIENT_RESOLVE_H
#define RT_CLIENT_RESOLVE_H

#include <stddef.h>

struct event_base;
struct rt_client_resolver;
struct rt_client_lookup;

/**
 * The answer to a lookup: @p addr is the numeric address to connect to, or
 * NULL with @p error saying why not ("no usable address", or evdns's
 * reason).  Both are valid only during the call.
 */
typedef void (*rt_client_resolved_cb)(const char *addr, const char *error, void *arg);

/**
 * Create a resolver on @p base with the system's nameservers or, without a
 * usable resolv.conf, one that still knows /etc/hosts.
 * @return the resolver (holding the caller's reference), or NULL with a
 *         message in @p err (NULL allowed).
 */
struct rt_client_resolver *rt_client_resolver_new(struct event_base *base, char *err, size_t errlen);

/**
 * Drop the caller's reference (NULL is fine).  The resolver is freed now if
 * no lookup is in flight, else once the last one has called back.
 */
void rt_client_resolver_release(struct rt_client_resolver *resolver);

/**
 * Replace the nameservers of @p resolver by @p addr ("ip:port"), e.g. for a
 * test's own DNS server.
 * @return 0, or -1 if @p addr is not usable.
 */
int rt_client_resolver_set_nameserver(struct rt_client_resolver *resolver, const char *addr);

/**
 * Look up @p host.  @p cb(@p arg) is called exactly once unless the lookup
 * is cancelled first, perhaps before this returns (IP literals, /etc/hosts
 * entries).  *@p handle points to the lookup while it is in flight: it is
 * set here, and set back to NULL just before @p cb runs and by
 * rt_client_lookup_cancel().  The caller keeps *@p handle's storage alive
 * until then.
 */
void rt_client_lookup_start(struct rt_client_resolver *resolver, const char *host, rt_client_resolved_cb cb,
                            void *arg, struct rt_client_lookup **handle);

/**
 * Cancel the lookup *@p handle, if any (NULL is fine): its callback will
 * not run.  Sets *@p handle to NULL; evdns frees the lookup later.
 */
void rt_client_lookup_cancel(struct rt_client_lookup **handle);

#endif /* RT_CLIENT_RESOLVE_H */
