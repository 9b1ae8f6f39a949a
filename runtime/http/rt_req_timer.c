/*
 * rt_req_timer — a timer that belongs to a request (see rt_req.h): its
 * struct event lives in the request's memory, and it is deleted when the
 * request ends, so a handler that waits neither allocates nor frees one.
 *
 * Timers of one duration are libevent common timeouts when they can be:
 * they share one queue (O(1) to add), where the timer heap would hold one
 * entry per waiting request (100,000 at c100k).  The durations are cached
 * per thread for its loop, at most COMMON_MAX of them (libevent allows 256
 * per loop, and a client chooses the durations); others go to the heap.  A
 * worker thread runs one loop for its whole life (rt_server), so a cache
 * found for another loop is simply started over.
 */
#include "rt_req.h"

#include <event2/event.h>
#include <stdbool.h>

#define COMMON_MAX 16

struct common_timeouts {
    struct event_base *base;
    int n;
    struct {
        struct timeval tv;            /* the duration */
        const struct timeval *common; /* its common timeout on base */
    } t[COMMON_MAX];
};

static _Thread_local struct common_timeouts cache;

/* @p tv as a common timeout of @p base if it is (or can become) one, else @p tv itself. */
static const struct timeval *common_tv(struct event_base *base, const struct timeval *tv)
{
    const struct timeval *common;

    if (cache.base != base) {
        cache.base = base;
        cache.n = 0;
    }
    for (int i = 0; i < cache.n; i++) {
        if (cache.t[i].tv.tv_sec == tv->tv_sec && cache.t[i].tv.tv_usec == tv->tv_usec)
            return cache.t[i].common;
    }
    if (cache.n == COMMON_MAX || (common = event_base_init_common_timeout(base, tv)) == NULL)
        return tv;
    cache.t[cache.n].tv = *tv;
    cache.t[cache.n].common = common;
    cache.n++;
    return common;
}

/* The request ended (answered, or abandoned with its loop): its timer, in its memory, goes with it. */
static void timer_cancel(void *arg)
{
    event_del(arg);
}

int rt_req_timer_start(struct rt_req *req, const struct timeval *tv,
                       void (*fn)(int fd, short what, void *arg), void *arg)
{
    struct event_base *base = rt_req_base(req);
    struct event *timer = rt_req_alloc(req, event_get_struct_event_size());

    if (evtimer_assign(timer, base, fn, arg) != 0 || evtimer_add(timer, common_tv(base, tv)) != 0)
        return -1;
    rt_req_defer(req, timer_cancel, timer);
    return 0;
}
