/*
 * DNS servers for the rt_client tests (see client_dns.h), with libevent's
 * own evdns server side.
 */
#include "client_dns.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <event2/dns.h>
#include <event2/dns_struct.h>
#include <event2/util.h>

static struct evdns_server_port *port; /* owns its socket */
static int questions;

/* Bind a UDP socket to 127.0.0.1, port 0, and write its address into @p addr.  @return it, or -1. */
static int udp_socket(char *addr, size_t len)
{
    struct sockaddr_in sin;
    socklen_t slen = sizeof(sin);
    int fd = socket(AF_INET, SOCK_DGRAM, 0);

    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
        getsockname(fd, (struct sockaddr *)&sin, &slen) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    snprintf(addr, len, "127.0.0.1:%d", ntohs(sin.sin_port));
    return fd;
}

/* Answer one question; @return 0, or DNS_ERR_NOTEXIST for a name we do not know. */
static int answer(struct evdns_server_request *req, const struct evdns_server_question *q)
{
    static const unsigned char v4[4] = {127, 0, 0, 1};
    static const unsigned char v6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    bool has_v4 =
        strcasecmp(q->name, "v4.test.example") == 0 || strcasecmp(q->name, "both.test.example") == 0;
    bool has_v6 =
        strcasecmp(q->name, "v6.test.example") == 0 || strcasecmp(q->name, "both.test.example") == 0;

    if (!has_v4 && !has_v6)
        return DNS_ERR_NOTEXIST;
    if (q->type == EVDNS_TYPE_A && has_v4)
        evdns_server_request_add_a_reply(req, q->name, 1, v4, 60);
    if (q->type == EVDNS_TYPE_AAAA && has_v6)
        evdns_server_request_add_aaaa_reply(req, q->name, 1, v6, 60);
    return 0; /* a known name without the asked-for type: no error, no answer */
}

static void on_question(struct evdns_server_request *req, void *arg)
{
    int i, err = 0;

    for (i = 0; i < req->nquestions; i++) {
        questions++;
        if (answer(req, req->questions[i]) != 0)
            err = DNS_ERR_NOTEXIST;
    }
    evdns_server_request_respond(req, err);
}

int dns_start(struct event_base *base, char *addr, size_t len)
{
    int fd = udp_socket(addr, len);

    if (fd < 0)
        return -1;
    evutil_make_socket_nonblocking(fd);
    port = evdns_add_server_port_with_base(base, fd, 0, on_question, NULL);
    if (port == NULL) {
        close(fd);
        return -1;
    }
    questions = 0;
    return 0;
}

void dns_stop(void)
{
    if (port != NULL)
        evdns_close_server_port(port); /* closes the socket too */
    port = NULL;
}

int dns_questions(void)
{
    return questions;
}

int dns_silent(char *addr, size_t len)
{
    return udp_socket(addr, len);
}
