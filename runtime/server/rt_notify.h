/*
 * rt_notify — tell the service manager how the service is doing, with
 * systemd's notification protocol (sd_notify(3)), without libsystemd: one
 * datagram of "KEY=value" lines to the AF_UNIX socket named by
 * $NOTIFY_SOCKET (a path, or "@name" for the abstract namespace).  With
 * Type=notify, `systemctl start` and `restart` return only once the
 * service has said READY=1, which is what a rolling restart waits for.
 * Without $NOTIFY_SOCKET (not run by systemd) nothing is sent.
 */
#ifndef RT_NOTIFY_H
#define RT_NOTIFY_H

/**
 * Send @p state (e.g. "READY=1\nSTATUS=listening on port 8000") to the
 * service manager, if there is one.  Never blocks.
 * @return 1 if sent, 0 if there is no service manager, -1 on failure
 *         (logged at warning level).
 */
int rt_notify(const char *state);

#endif /* RT_NOTIFY_H */
