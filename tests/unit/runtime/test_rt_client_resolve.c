/*
 * Unit tests for runtime/client/rt_client_resolve.c: name resolution,
 * through the client: a failed lookup, and one that never answers.
 */
#include "client_dns.h"
#include "client_harness.h"

#include <string.h>
#include <unistd.h>

/* The system's resolver (resolv.conf) fails a name that cannot exist. */
static void test_system_resolver_failure(void)
{
    struct rt_client *c = client_new(3000, 0, NULL, 0, 0);
    struct result r;

    CHECK(get(c, "http://no-such-host.invalid/", &r) == 0);
    CHECK(wait_all(5000));
    CHECK(r.calls == 1 && r.status == 0 && r.has_error);
    printf("# %s\n", r.error);
    rt_client_free(c);
}

/* A lookup that never answers ends at the call's deadline; calls to other hosts go on meanwhile. */
static void test_lookup_timeout(void)
{
    struct rt_client *c = client_new(300, 0, NULL, 0, 0);
    char ns[64], u[128];
    int fd = dns_silent(ns, sizeof(ns));
    struct result slow, fast;

    CHECK(fd >= 0 && rt_client_set_nameserver(c, ns) == 0);
    CHECK(get(c, "http://upstream.example/json", &slow) == 0);
    url(u, sizeof(u), "http", "localhost", up_b.port, "/json"); /* /etc/hosts: no DNS server needed */
    CHECK(get(c, u, &fast) == 0);
    CHECK(wait_all(5000));
    CHECK(fast.status == 200);
    CHECK(slow.status == 0 && has(slow.error, "timed out after 300 ms"));
    rt_client_free(c);
    run_for(50); /* the cancelled lookup calls back and releases the resolver */
    close(fd);
}

int main(void)
{
    static const struct harness_case cases[] = {
        {"system_resolver_failure", test_system_resolver_failure},
        {"lookup_timeout", test_lookup_timeout},
    };

    return harness_main(cases, sizeof(cases) / sizeof(cases[0]), false);
}
