/*
 * Unit tests for runtime/client/rt_client_conn.c: one connection.  Why a
 * connection could not be made (refused, TLS), certificate and host-name
 * verification, keep-alive over TLS, and the idle timeout.  Against
 * loopback upstreams (client_upstreams.h), TLS ones included.
 */
#include "client_harness.h"

#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

/* @return a loopback port nothing listens on (bound, then closed). */
static int closed_port(void)
{
    struct sockaddr_in sin;
    socklen_t len = sizeof(sin);
    int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;

    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
        getsockname(fd, (struct sockaddr *)&sin, &len) == 0)
        port = ntohs(sin.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

static void test_refused(void)
{
    struct rt_client *c = client_new(2000, 0, NULL, 0, 0);
    struct rt_client_stats st;
    int port = closed_port();
    struct result r, rs;
    char u[128];

    CHECK(port > 0);
    url(u, sizeof(u), "http", "127.0.0.1", port, "/");
    CHECK(get(c, u, &r) == 0);
    url(u, sizeof(u), "https", "127.0.0.1", port, "/");
    CHECK(get(c, u, &rs) == 0);
    CHECK(wait_all(5000));
    CHECK(r.calls == 1 && r.status == 0 && has(r.error, "refused"));
    CHECK(has(r.error, "127.0.0.1"));
    CHECK(rs.calls == 1 && rs.status == 0 && rs.has_error);
    printf("# %s\n# %s\n", r.error, rs.error);
    run_for(20);
    rt_client_get_stats(c, &st);
    CHECK(st.connections_open == 0); /* dead ones are not kept */
    rt_client_free(c);
}

static void test_tls_verified(void)
{
    struct rt_client *c = client_new(5000, 0, upstreams_ca_file(), 0, 0);
    struct result ok_ip, ok_name;
    char u[128];

    CHECK(c != NULL);
    url(u, sizeof(u), "https", "127.0.0.1", up_tls.port, "/json"); /* IP address in the certificate */
    CHECK(get(c, u, &ok_ip) == 0);
    url(u, sizeof(u), "https", "localhost", up_tls.port, "/json"); /* DNS name in the certificate */
    CHECK(get(c, u, &ok_name) == 0);
    CHECK(wait_all(5000));
    CHECK(ok_ip.status == 200 && has(ok_ip.body, "\"ok\": true"));
    CHECK(ok_name.status == 200);
    rt_client_free(c);
}

static void test_tls_rejected(void)
{
    struct rt_client *trusting = client_new(5000, 0, upstreams_ca_file(), 0, 0);
    struct rt_client *system_store = client_new(5000, 0, NULL, 0, 0);
    struct result untrusted, wrong_host, wrong_name, plain;
    char u[128];

    CHECK(trusting != NULL && system_store != NULL);
    url(u, sizeof(u), "https", "127.0.0.1", up_tls.port, "/json");
    CHECK(get(system_store, u, &untrusted) == 0);
    url(u, sizeof(u), "https", "127.0.0.1", up_tls_other.port, "/json");
    CHECK(get(trusting, u, &wrong_host) == 0);
    url(u, sizeof(u), "https", "localhost", up_tls_other.port, "/json");
    CHECK(get(trusting, u, &wrong_name) == 0);
    url(u, sizeof(u), "https", "127.0.0.1", up_a.port, "/json"); /* TLS to a plain-HTTP server */
    CHECK(get(trusting, u, &plain) == 0);
    CHECK(wait_all(5000));
    CHECK(untrusted.status == 0 && has(untrusted.error, "certificate verify failed"));
    CHECK(wrong_host.status == 0 && has(wrong_host.error, "certificate verify failed"));
    CHECK(has(wrong_host.error, "mismatch"));
    CHECK(wrong_name.status == 0 && has(wrong_name.error, "certificate verify failed: hostname mismatch"));
    CHECK(plain.status == 0 && plain.has_error);
    printf("# %s\n# %s\n# %s\n# %s\n", untrusted.error, wrong_host.error, wrong_name.error, plain.error);
    rt_client_free(trusting);
    rt_client_free(system_store);
}

/* A TLS connection is kept alive and reused like a plain one: one handshake for three calls. */
static void test_tls_keep_alive(void)
{
    struct rt_client *c = client_new(5000, 0, upstreams_ca_file(), 0, 0);
    struct chain ch = {c, "", 3, 0};
    struct rt_client_stats st;
    int before = up_tls.accepted;

    url(ch.url, sizeof(ch.url), "https", "localhost", up_tls.port, "/json");
    CHECK(chain_start(&ch) == 0);
    CHECK(wait_all(5000));
    CHECK(ch.ok == 3);
    CHECK(up_tls.accepted - before == 1);
    rt_client_get_stats(c, &st);
    CHECK(st.connections_opened == 1 && st.connections_idle == 1);
    rt_client_free(c);
}

/* An idle connection is closed after idle_timeout_ms, on both ends. */
static void test_idle_timeout(void)
{
    struct rt_client *c = client_new(3000, 0, NULL, 0, 150);
    struct rt_client_stats st;
    struct result r;
    char u[128];

    url(u, sizeof(u), "http", "127.0.0.1", up_b.port, "/json");
    CHECK(get(c, u, &r) == 0);
    CHECK(wait_all(5000));
    rt_client_get_stats(c, &st);
    CHECK(r.status == 200 && st.connections_idle == 1);
    run_for(400);
    rt_client_get_stats(c, &st);
    CHECK(st.connections_open == 0);
    run_for(50);
    CHECK(up_b.live == 0);
    rt_client_free(c);
}

int main(void)
{
    static const struct harness_case cases[] = {
        {"refused", test_refused},           {"tls_verified", test_tls_verified},
        {"tls_rejected", test_tls_rejected}, {"tls_keep_alive", test_tls_keep_alive},
        {"idle_timeout", test_idle_timeout},
    };

    return harness_main(cases, sizeof(cases) / sizeof(cases[0]), true);
}
