/*
 * DNS servers for the rt_client tests, on the caller's event loop, each on
 * a UDP port of its own on 127.0.0.1 (hand "127.0.0.1:port" to
 * rt_client_set_nameserver or rt_client_resolver_set_nameserver).
 *
 * The answering one knows three names and says NXDOMAIN to the rest:
 *   v4.test.example    A 127.0.0.1
 *   v6.test.example    AAAA ::1
 *   both.test.example  A 127.0.0.1 and AAAA ::1
 * The silent one never answers.
 */
#ifndef CLIENT_DNS_H
#define CLIENT_DNS_H

#include <stddef.h>

struct event_base;

/**
 * Start the answering server on @p base; its address goes into @p addr.
 * @return 0, or -1.
 */
int dns_start(struct event_base *base, char *addr, size_t len);

/** Stop the answering server (if started). */
void dns_stop(void);

/** @return the questions the answering server has had since dns_start(). */
int dns_questions(void);

/**
 * Open a UDP socket on 127.0.0.1 that nobody reads: a nameserver that never
 * answers.  Its address goes into @p addr.
 * @return the socket (the caller closes it), or -1.
 */
int dns_silent(char *addr, size_t len);

#endif /* CLIENT_DNS_H */
