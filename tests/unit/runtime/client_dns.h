/*
 * A DNS server for the rt_client tests that never answers: a UDP socket on
 * 127.0.0.1 that nobody reads (hand "127.0.0.1:port" to
 * rt_client_set_nameserver).
 */
#ifndef CLIENT_DNS_H
#define CLIENT_DNS_H

#include <stddef.h>

/**
 * Open a UDP socket on 127.0.0.1 that nobody reads: a nameserver that never
 * answers.  Its address goes into @p addr.
 * @return the socket (the caller closes it), or -1.
 */
int dns_silent(char *addr, size_t len);

#endif /* CLIENT_DNS_H */
