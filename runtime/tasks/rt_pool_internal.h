/*
 * rt_pool's insides, shared by its two files: rt_pool.c (the queue, the
 * threads, stopping) and rt_pool_loop.c (each thread's own event loop:
 * set-up, waiting for work on it, and what jobs do on it).  Not for use
 * outside runtime/tasks/.
 */
#ifndef RT_POOL_INTERNAL_H
#define RT_POOL_INTERNAL_H

#include "rt_pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

struct event;
struct event_base;

/* A queued job. */
struct job {
    rt_pool_job_fn fn;
    void *arg;                   /* owned by the job until fn runs; then fn owns it */
    void (*free_arg)(void *arg); /* frees arg if fn never runs; may be NULL */
    struct job *next;
};

/* Thread setup, as reported to rt_pool_new(). */
enum thread_setup { SETUP_PENDING = 0, SETUP_OK, SETUP_FAILED };

struct rt_pool_thread {
    struct rt_pool *pool;
    int index;                  /* 0 .. threads - 1 */
    pthread_t thread;           /* valid once started is true */
    bool started;               /* pthread_create succeeded: join it */
    pthread_t self;             /* written by the thread itself, for assertions */
    enum thread_setup setup;    /* under pool->mu */
    struct event_base *base;    /* owned by the thread: made and freed there */
    struct event *keepalive;    /* owned by the thread */
    struct event *wake;         /* owned by the thread; made active by other threads: look at the queue */
    bool idle;                  /* under pool->mu: in its loop waiting for work, not yet woken */
    struct rt_db_loop *db_loop; /* owned by the thread; NULL without a database */
};

struct rt_pool {
    struct rt_pool_settings settings;
    pthread_mutex_t mu;
    pthread_cond_t changed;  /* a thread set up, or a job ended: for rt_pool_new/rt_pool_stop */
    pthread_mutex_t stop_mu; /* serialises rt_pool_stop() */
    struct job *head, *tail; /* under mu */
    size_t jobs;             /* under mu: jobs in the FIFO */
    size_t reserved;         /* under mu: reserved places */
    atomic_size_t queued;    /* jobs + reserved; written under mu */
    atomic_size_t running;   /* jobs running; written under mu */
    bool stopping;           /* under mu: no job starts any more */
    bool joined;             /* under stop_mu: the threads are gone */
    atomic_bool cancelled;   /* the deadline has passed: running jobs should give up */
    int n_threads;
    struct rt_pool_thread *threads; /* n_threads */
};

/*
 * Make the thread's event_base, keepalive timer, wake-up event and
 * rt_db_loop, on the thread itself.  @return 0, or -1 (logged; with what
 * was made left for rt_pool_loop_teardown()).
 */
int rt_pool_loop_setup(struct rt_pool_thread *th);

/* Free what rt_pool_loop_setup() made, on the thread. */
void rt_pool_loop_teardown(struct rt_pool_thread *th);

/*
 * Run the thread's loop once, marked idle: until an event (the wake-up, a
 * database answer or connection event, a timer) has run.  Call with
 * pool->mu held; it is held again on return.
 */
void rt_pool_loop_idle(struct rt_pool_thread *th);

#endif /* RT_POOL_INTERNAL_H */
