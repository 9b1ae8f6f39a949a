/*
 * A DNS server for the rt_client tests that never answers (see client_dns.h).
 */
#include "client_dns.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

int dns_silent(char *addr, size_t len)
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
