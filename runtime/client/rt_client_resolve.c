/*
 * rt_client_resolve — name resolution with evdns (see rt_client_resolve.h).
 */
#include "rt_client_resolve.h"
#include "rt_mem.h"
#include "rt_err.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <event2/dns.h>
#include <event2/event.h>
#include <event2/util.h>

struct rt_client_resolver {
    struct evdns_base *dns;
    int refs;              /* the creator's, plus one per lookup in flight */
    struct event *free_ev; /* frees the resolver once the last lookup has called back */
};

struct rt_client_lookup {
    struct rt_client_resolver *resolver;
    struct evdns_getaddrinfo_request *dns_req; /* NULL until evdns_getaddrinfo() has returned */
    rt_client_resolved_cb cb;                  /* NULL once cancelled */
    void *arg;
    struct rt_client_lookup **handle; /* the owner's pointer to this lookup; NULL once cancelled */
};

static void resolver_free(struct rt_client_resolver *r)
{
    if (r->dns != NULL)
        evdns_base_free(r->dns, 0);
    if (r->free_ev != NULL)
        event_free(r->free_ev);
    free(r);
}

static void on_resolver_free(evutil_socket_t fd, short what, void *arg)
{
    resolver_free(arg);
}

/* Drop a reference; from inside an evdns callback the free is deferred to an event. */
static void resolver_unref(struct rt_client_resolver *r, bool in_callback)
{
    if (--r->refs > 0)
        return;
    if (in_callback)
        event_active(r->free_ev, EV_TIMEOUT, 0);
    else
        resolver_free(r);
}

struct rt_client_resolver *rt_client_resolver_new(struct event_base *base, char *err, size_t errlen)
{
    struct rt_client_resolver *r = rt_xcalloc(1, sizeof(*r));

    r->refs = 1;
    r->free_ev = event_new(base, -1, 0, on_resolver_free, r);
    r->dns = evdns_base_new(base, EVDNS_BASE_INITIALIZE_NAMESERVERS | EVDNS_BASE_DISABLE_WHEN_INACTIVE);
    if (r->dns == NULL) {
        /* No usable resolv.conf: still a resolver that knows /etc/hosts. */
        r->dns = evdns_base_new(base, EVDNS_BASE_DISABLE_WHEN_INACTIVE);
        if (r->dns != NULL)
            evdns_base_load_hosts(r->dns, "/etc/hosts");
    }
    if (r->free_ev == NULL || r->dns == NULL) {
        rt_err_set(err, errlen, "cannot create a DNS resolver");
        resolver_free(r);
        return NULL;
    }
    return r;
}

void rt_client_resolver_release(struct rt_client_resolver *resolver)
{
    if (resolver != NULL)
        resolver_unref(resolver, false);
}

int rt_client_resolver_set_nameserver(struct rt_client_resolver *resolver, const char *addr)
{
    struct evdns_base *dns = resolver->dns;
    int rc;

    evdns_base_clear_nameservers_and_suspend(dns);
    rc = evdns_base_nameserver_ip_add(dns, addr);
    evdns_base_resume(dns);
    return rc == 0 ? 0 : -1;
}

/*
 * Write the address to connect to, out of @p res, into @p buf: the first
 * IPv4 address, else the first address.  @return 0, or -1 if there is none
 * that can be written.
 */
static int pick_address(const struct evutil_addrinfo *res, char *buf, size_t len)
{
    const struct evutil_addrinfo *ai, *pick = NULL;
    const void *a;

    /* Prefer IPv4: loopback upstreams commonly listen on 127.0.0.1 only. */
    for (ai = res; ai != NULL && pick == NULL; ai = ai->ai_next)
        if (ai->ai_family == AF_INET)
            pick = ai;
    if (pick == NULL)
        pick = res;
    if (pick == NULL)
        return -1;
    a = pick->ai_family == AF_INET ? (const void *)&((const struct sockaddr_in *)pick->ai_addr)->sin_addr
                                   : (const void *)&((const struct sockaddr_in6 *)pick->ai_addr)->sin6_addr;
    return evutil_inet_ntop(pick->ai_family, a, buf, len) != NULL ? 0 : -1;
}

/* evdns answered (or gave up, or confirms a cancel): free the lookup, then tell its owner, if any. */
static void on_resolved(int result, struct evutil_addrinfo *res, void *arg)
{
    struct rt_client_lookup *lk = arg;
    rt_client_resolved_cb cb = lk->cb;
    void *cbarg = lk->arg;
    char addr[INET6_ADDRSTRLEN];
    const char *error = NULL;

    if (lk->handle != NULL)
        *lk->handle = NULL;
    resolver_unref(lk->resolver, true);
    free(lk);
    if (cb != NULL) {
        if (result != 0)
            error = evutil_gai_strerror(result);
        else if (pick_address(res, addr, sizeof(addr)) != 0)
            error = "no usable address";
    }
    if (res != NULL)
        evutil_freeaddrinfo(res);
    if (cb != NULL)
        cb(error == NULL ? addr : NULL, error, cbarg);
}

void rt_client_lookup_start(struct rt_client_resolver *resolver, const char *host, rt_client_resolved_cb cb,
                            void *arg, struct rt_client_lookup **handle)
{
    struct rt_client_lookup *lk = rt_xcalloc(1, sizeof(*lk));
    struct evdns_getaddrinfo_request *dr;
    struct evutil_addrinfo hints;

    lk->resolver = resolver;
    lk->cb = cb;
    lk->arg = arg;
    lk->handle = handle;
    resolver->refs++;
    *handle = lk;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_protocol = IPPROTO_TCP;
    /* On the spot for IP literals and /etc/hosts entries: then on_resolved has run (and freed lk). */
    dr = evdns_getaddrinfo(resolver->dns, host, NULL, &hints, on_resolved, lk);
    if (dr != NULL)
        lk->dns_req = dr;
}

void rt_client_lookup_cancel(struct rt_client_lookup **handle)
{
    struct rt_client_lookup *lk = handle != NULL ? *handle : NULL;

    if (lk == NULL)
        return;
    *handle = NULL;
    lk->handle = NULL;
    lk->cb = NULL;
    lk->arg = NULL;
    /* evdns calls on_resolved(EVUTIL_EAI_CANCEL) later, which frees lk. */
    if (lk->dns_req != NULL)
        evdns_getaddrinfo_cancel(lk->dns_req);
}
