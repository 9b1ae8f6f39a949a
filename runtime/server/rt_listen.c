/*
 * rt_listen — the listening sockets: one per worker on the same address
 * (SO_REUSEPORT), after checking that no other process holds the port.
 */
#include "rt_listen.h"
#include "rt_log.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/*
 * Open a listening socket on @ai with SO_REUSEPORT, so that every worker
 * can have one on the same address.  Returns the fd or -1.
 */
static int open_listener(const struct addrinfo *ai, int backlog)
{
    int fd, one = 1;

    fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0)
        return -1;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
        setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) != 0 ||
        bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, backlog) != 0) {
        int saved = errno;

        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

/*
 * SO_REUSEPORT would let a second copy of the service bind the same port and
 * silently take half of its connections.  A plain bind without it fails
 * with EADDRINUSE in that case, so try one first.  0, or -1 with errno set.
 */
static int check_port_free(const struct addrinfo *ai)
{
    int fd, one = 1, rc;

    fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0)
        return -1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    rc = bind(fd, ai->ai_addr, ai->ai_addrlen);
    if (rc != 0) {
        int saved = errno;

        close(fd);
        errno = saved;
        return -1;
    }
    close(fd);
    return 0;
}

/* The port a socket is bound to (port 0 in the configuration means "any free one"). */
static int bound_port(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);

    memset(&ss, 0, sizeof(ss));
    if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
        return -1;
    if (ss.ss_family == AF_INET6)
        return ntohs(((struct sockaddr_in6 *)(void *)&ss)->sin6_port);
    return ntohs(((struct sockaddr_in *)(void *)&ss)->sin_port);
}

int rt_listen_check_host(const struct rt_settings *cfg, char *err, size_t errlen)
{
    struct addrinfo hints, *ai = NULL;
    int rc;

    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    rc = getaddrinfo(cfg->host, "0", &hints, &ai);
    if (rc != 0) {
        snprintf(err, errlen, "invalid HOST '%s': cannot resolve it (%s)", cfg->host, gai_strerror(rc));
        return -1;
    }
    freeaddrinfo(ai);
    return 0;
}

int rt_listen_open(const struct rt_settings *cfg, int *fds, int n, int *port_out)
{
    struct addrinfo hints, *ai = NULL;
    char port[16];
    int i, rc, port_num = cfg->port;

    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    for (i = 0; i < n; i++)
        fds[i] = -1;
    for (i = 0; i < n; i++) {
        snprintf(port, sizeof(port), "%d", port_num);
        rc = getaddrinfo(cfg->host, port, &hints, &ai);
        if (rc != 0) {
            rt_log_error("cannot resolve HOST '%s': %s", cfg->host, gai_strerror(rc));
            goto err;
        }
        if (i == 0 && port_num != 0 && check_port_free(ai) != 0) {
            rt_log_error("cannot listen on %s:%d: %s", cfg->host, port_num, strerror(errno));
            freeaddrinfo(ai);
            goto err;
        }
        fds[i] = open_listener(ai, cfg->backlog);
        freeaddrinfo(ai);
        if (fds[i] < 0) {
            rt_log_error("cannot listen on %s:%d: %s", cfg->host, port_num, strerror(errno));
            goto err;
        }
        if (i == 0)
            port_num = bound_port(fds[0]); /* the others join the port the first one got */
    }
    *port_out = port_num;
    return 0;
err:
    for (i = 0; i < n; i++) {
        if (fds[i] >= 0)
            close(fds[i]);
    }
    return -1;
}
