/*
 * Unit tests for runtime/client/rt_client_resolve.c: name resolution.  The
 * module on its own (IP literals, /etc/hosts, answers of a DNS server of
 * the test's own, IPv4 preferred, failures, cancelling, the resolver's
 * lifetime), then through the client: a call whose host needs a lookup,
 * a failed lookup, and one that never answers.
 */
#include "client_dns.h"
#include "client_harness.h"
#include "rt_client_resolve.h"

#include <string.h>
#include <unistd.h>

/* What a lookup's callback received. */
struct answer {
    int calls;
    char addr[64];
    char error[128];
};

static void on_answer(const char *addr, const char *error, void *arg)
{
    struct answer *a = arg;

    a->calls++;
    snprintf(a->addr, sizeof(a->addr), "%s", addr != NULL ? addr : "");
    snprintf(a->error, sizeof(a->error), "%s", error != NULL ? error : "");
}

/* Run the loop until @p a has its answer, or @p ms passed. */
static void wait_answer(const struct answer *a, int ms)
{
    int waited;

    for (waited = 0; a->calls == 0 && waited < ms; waited += 10)
        run_for(10);
}

/* A resolver on client_base that asks @p ns ("ip:port"; NULL: the system's nameservers). */
static struct rt_client_resolver *resolver_new(const char *ns)
{
    char err[128] = "";
    struct rt_client_resolver *r = rt_client_resolver_new(client_base, err, sizeof(err));

    if (r == NULL)
        printf("# rt_client_resolver_new: %s\n", err);
    else if (ns != NULL && rt_client_resolver_set_nameserver(r, ns) != 0)
        printf("# cannot use nameserver %s\n", ns);
    return r;
}

/* IP literals and /etc/hosts entries are answered on the spot, before rt_client_lookup_start() returns. */
static void test_answered_on_the_spot(void)
{
    struct rt_client_resolver *r = resolver_new(NULL);
    struct rt_client_lookup *lk = NULL;
    struct answer v4 = {0}, v6 = {0}, hosts = {0};

    CHECK(r != NULL);
    if (r == NULL)
        return;
    rt_client_lookup_start(r, "127.0.0.1", on_answer, &v4, &lk);
    CHECK(v4.calls == 1 && strcmp(v4.addr, "127.0.0.1") == 0 && lk == NULL);
    rt_client_lookup_start(r, "::1", on_answer, &v6, &lk);
    CHECK(v6.calls == 1 && strcmp(v6.addr, "::1") == 0 && lk == NULL);
    rt_client_lookup_start(r, "localhost", on_answer, &hosts, &lk);
    CHECK(hosts.calls == 1 && strcmp(hosts.addr, "127.0.0.1") == 0 && lk == NULL);
    rt_client_resolver_release(r);
    run_for(10); /* the deferred free */
}

/* Names a DNS server answers, later, on the loop: one address each; for a name with both, the IPv4 one. */
static void test_dns_answers(void)
{
    char ns[64];
    struct rt_client_resolver *r;
    struct rt_client_lookup *lk_v4 = NULL, *lk_v6 = NULL, *lk_both = NULL;
    struct answer v4 = {0}, v6 = {0}, both = {0};

    CHECK(dns_start(client_base, ns, sizeof(ns)) == 0);
    r = resolver_new(ns);
    CHECK(r != NULL);
    if (r == NULL) {
        dns_stop();
        return;
    }
    rt_client_lookup_start(r, "v4.test.example", on_answer, &v4, &lk_v4);
    rt_client_lookup_start(r, "v6.test.example", on_answer, &v6, &lk_v6);
    rt_client_lookup_start(r, "both.test.example", on_answer, &both, &lk_both);
    CHECK(lk_v4 != NULL && v4.calls == 0); /* in flight: answered later, on the loop */
    wait_answer(&v4, 2000);
    wait_answer(&v6, 2000);
    wait_answer(&both, 2000);
    CHECK(v4.calls == 1 && strcmp(v4.addr, "127.0.0.1") == 0 && lk_v4 == NULL);
    CHECK(v6.calls == 1 && strcmp(v6.addr, "::1") == 0 && lk_v6 == NULL);
    CHECK(both.calls == 1 && strcmp(both.addr, "127.0.0.1") == 0 && lk_both == NULL);
    CHECK(dns_questions() > 0);
    rt_client_resolver_release(r);
    run_for(10);
    dns_stop();
}

static void test_dns_failure(void)
{
    char ns[64];
    struct rt_client_resolver *r;
    struct rt_client_lookup *lk = NULL;
    struct answer a = {0};

    CHECK(dns_start(client_base, ns, sizeof(ns)) == 0);
    r = resolver_new(ns);
    CHECK(r != NULL);
    if (r == NULL) {
        dns_stop();
        return;
    }
    rt_client_lookup_start(r, "nothing.test.example", on_answer, &a, &lk);
    wait_answer(&a, 2000);
    CHECK(a.calls == 1 && a.addr[0] == '\0' && a.error[0] != '\0' && lk == NULL);
    printf("# %s\n", a.error);
    rt_client_resolver_release(r);
    run_for(10);
    dns_stop();
}

/* A cancelled lookup never calls back; the resolver outlives its creator's reference until evdns is done. */
static void test_cancel(void)
{
    char ns[64];
    int fd = dns_silent(ns, sizeof(ns));
    struct rt_client_resolver *r = resolver_new(ns);
    struct rt_client_lookup *lk1 = NULL, *lk2 = NULL;
    struct answer a1 = {0}, a2 = {0};

    CHECK(fd >= 0 && r != NULL);
    if (fd < 0 || r == NULL) {
        rt_client_resolver_release(r);
        if (fd >= 0)
            close(fd);
        return;
    }
    rt_client_lookup_start(r, "v4.test.example", on_answer, &a1, &lk1);
    rt_client_lookup_start(r, "v6.test.example", on_answer, &a2, &lk2);
    CHECK(lk1 != NULL && lk2 != NULL);
    rt_client_lookup_cancel(&lk1);
    CHECK(lk1 == NULL);
    rt_client_lookup_cancel(&lk1); /* twice: nothing */
    rt_client_lookup_cancel(NULL);
    run_for(50);
    CHECK(a1.calls == 0);
    rt_client_resolver_release(r); /* lk2 still holds it */
    rt_client_lookup_cancel(&lk2);
    CHECK(lk2 == NULL);
    run_for(50); /* evdns confirms the cancel; then the resolver is freed (ASan would see a leak) */
    CHECK(a2.calls == 0);
    close(fd);
}

static void test_bad_nameserver(void)
{
    struct rt_client_resolver *r = resolver_new(NULL);

    CHECK(r != NULL);
    if (r == NULL)
        return;
    CHECK(rt_client_resolver_set_nameserver(r, "not an address") == -1);
    CHECK(rt_client_resolver_set_nameserver(r, "127.0.0.1:53") == 0);
    rt_client_resolver_release(r);
    rt_client_resolver_release(NULL);
}

/* Through the client: a host name the DNS server knows, on an upstream of its own. */
static void test_call_after_lookup(void)
{
    struct rt_client *c = client_new(3000, 0, NULL, 0, 0);
    struct result r;
    char ns[64], u[128];

    CHECK(dns_start(client_base, ns, sizeof(ns)) == 0);
    CHECK(rt_client_set_nameserver(c, ns) == 0);
    url(u, sizeof(u), "http", "v4.test.example", up_b.port, "/json");
    CHECK(get(c, u, &r) == 0);
    CHECK(wait_all(5000));
    CHECK(r.status == 200 && has(r.body, "\"ok\": true"));
    rt_client_free(c);
    dns_stop();
}

static void test_call_lookup_fails(void)
{
    struct rt_client *c = client_new(3000, 0, NULL, 0, 0);
    struct result r;
    char ns[64];

    CHECK(dns_start(client_base, ns, sizeof(ns)) == 0);
    CHECK(rt_client_set_nameserver(c, ns) == 0);
    CHECK(get(c, "http://nothing.test.example/", &r) == 0);
    CHECK(wait_all(5000));
    CHECK(r.calls == 1 && r.status == 0 && has(r.error, "cannot resolve host \"nothing.test.example\""));
    rt_client_free(c);
    dns_stop();
}

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
        {"answered_on_the_spot", test_answered_on_the_spot},
        {"dns_answers", test_dns_answers},
        {"dns_failure", test_dns_failure},
        {"cancel", test_cancel},
        {"bad_nameserver", test_bad_nameserver},
        {"call_after_lookup", test_call_after_lookup},
        {"call_lookup_fails", test_call_lookup_fails},
        {"system_resolver_failure", test_system_resolver_failure},
        {"lookup_timeout", test_lookup_timeout},
    };

    return harness_main(cases, sizeof(cases) / sizeof(cases[0]), false);
}
