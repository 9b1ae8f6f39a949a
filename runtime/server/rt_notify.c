/*
 * rt_notify — systemd's notification protocol (see rt_notify.h).
 */
#include "rt_notify.h"
#include "rt_log.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* The address in $NOTIFY_SOCKET: @p len is set to its length.  @return 0, or -1 if it is not usable. */
static int notify_address(const char *name, struct sockaddr_un *addr, socklen_t *len)
{
    size_t n = strlen(name);

    if ((name[0] != '/' && name[0] != '@') || n < 2 || n >= sizeof(addr->sun_path))
        return -1;
    memset(addr, 0, sizeof(*addr));
    addr->sun_family = AF_UNIX;
    memcpy(addr->sun_path, name, n);
    if (name[0] == '@')
        addr->sun_path[0] = '\0'; /* abstract namespace: no terminating NUL counts */
    *len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (name[0] == '/' ? 1 : 0));
    return 0;
}

int rt_notify(const char *state)
{
    const char *name = getenv("NOTIFY_SOCKET");
    struct sockaddr_un addr;
    socklen_t len;
    int fd, rc = -1;

    if (name == NULL || name[0] == '\0')
        return 0;
    if (notify_address(name, &addr, &len) != 0) {
        rt_log_warning("NOTIFY_SOCKET=%s is not a socket address; not notifying the service manager", name);
        return -1;
    }
    fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        goto cleanup;
    if (sendto(fd, state, strlen(state), MSG_NOSIGNAL, (const struct sockaddr *)&addr, len) ==
        (ssize_t)strlen(state))
        rc = 1;
cleanup:
    if (rc < 0)
        rt_log_warning("cannot notify the service manager at %s: %s", name, strerror(errno));
    if (fd >= 0)
        close(fd);
    return rc;
}
