/*
 * rt_listen — the service's listening sockets (rt_listen.c): one per
 * worker, each bound with SO_REUSEPORT to HOST:PORT, so that the kernel
 * spreads new connections over the workers.
 */
#ifndef RT_LISTEN_H
#define RT_LISTEN_H

#include "rt_settings.h"

/**
 * Open @p n listening sockets on @p cfg's host and port (port 0: a free
 * one, which every socket then shares) with @p cfg's backlog, into
 * @p fds; the port they listen on into *@p port_out.  Fails (logged) when
 * the host does not resolve or another process holds the port (a plain
 * bind is tried first: SO_REUSEPORT alone would let a second copy of the
 * service silently take half of the connections).
 * @return 0, or -1 with every socket opened closed again.
 */
int rt_listen_open(const struct rt_settings *cfg, int *fds, int n, int *port_out);

/**
 * Check that @p cfg's HOST resolves to an address to listen on, as rt_listen_open() resolves it
 * (--check-config and start-up, before anything starts).
 * @return 0, or -1 with @p err naming HOST.
 */
int rt_listen_check_host(const struct rt_settings *cfg, char *err, size_t errlen);

#endif /* RT_LISTEN_H */
