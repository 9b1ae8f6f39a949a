/*
 * Driving a libevent loop from a unit test, in bounded steps: run_until()
 * runs the loop until a condition holds or a deadline passes, run_for()
 * runs it for a fixed time (to see that nothing happens).  A ticking timer
 * wakes the loop every couple of milliseconds, so a condition that
 * depends on something outside the loop (a socket the test reads itself)
 * is looked at often, and no step can block for long.
 */
#ifndef TEST_LOOP_H
#define TEST_LOOP_H

#include "rt_time.h"

#include <event2/event.h>
#include <stdbool.h>

#define TEST_LOOP_TICK_US 2000

static inline void test_loop_tick(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    (void)arg;
}

/*
 * Run @p base until @p done(@p arg) is true, checking after every pass of
 * the loop, for at most @p timeout_ms.
 * @return whether @p done became true.
 */
static inline bool run_until(struct event_base *base, bool (*done)(void *arg), void *arg, int timeout_ms)
{
    struct event *tick = event_new(base, -1, EV_PERSIST, test_loop_tick, NULL);
    struct timeval tv = {0, TEST_LOOP_TICK_US};
    double end = rt_time_mono_seconds() + timeout_ms / 1000.0;
    bool ok;

    event_add(tick, &tv);
    while (!(ok = done(arg)) && rt_time_mono_seconds() < end)
        event_base_loop(base, EVLOOP_ONCE);
    event_free(tick);
    return ok;
}

/* Run @p base for @p ms milliseconds (the ticking timer keeps it from returning early for want of events). */
static inline void run_for(struct event_base *base, int ms)
{
    struct event *tick = event_new(base, -1, EV_PERSIST, test_loop_tick, NULL);
    struct timeval tv = {0, TEST_LOOP_TICK_US}, until = rt_time_tv_ms(ms);

    event_add(tick, &tv);
    event_base_loopexit(base, &until);
    event_base_dispatch(base);
    event_free(tick);
}

#endif /* TEST_LOOP_H */
