/*
 * tasks_lease — which instance runs which background task, and running it.
 *
 * Several instances may share one database.  Each process picks a random
 * id at start ("owner"); a task row names the instance that owns it and
 * how long it may keep it without saying so again (lease_until).  The
 * instance that records a task owns it from the start; a heartbeat renews
 * every lease of the instance in one statement; another instance takes a
 * task over (claims it) only once its lease has expired, and a task is run
 * and its result recorded only while its instance still owns it, so no
 * two live instances run one task.  A graceful stop gives up (releases)
 * the leases of the tasks it did not finish, so that another instance
 * takes them at once.
 *
 * Lease times come from each instance's clock: the instances' clocks are
 * assumed to agree to well within a lease (NTP does).
 *
 * The keeper (one pool thread of its own, with its own loop and database
 * handle, so the heartbeat goes on while every task thread computes)
 * renews the leases and, on the same period, claims expired or unowned
 * tasks, as many as the task queue has free places: so tasks of an
 * instance that died are taken over without a restart, and the tasks left
 * by a previous run are taken up at start.
 */
#ifndef TASKS_LEASE_H
#define TASKS_LEASE_H

#include "rt_db.h"
#include "rt_pool.h"

#include <stddef.h>

/** Size of a timestamp as the tasks table stores it ("2026-11-23T22:36:00.123Z" and its NUL). */
#define TASKS_TIME_SIZE 40

struct tasks_lease_settings {
    int lease_ms;     /* how long a task stays owned without a heartbeat */
    int heartbeat_ms; /* how often leases are renewed and expired ones claimed (< lease_ms) */
    int iterations;   /* SHA-256 rounds per task */
};

/**
 * Pick this instance's id (logged), and start the keeper over @p db,
 * feeding claimed tasks to @p pool (which must outlive tasks_lease_stop()).
 * The keeper's first round (claim what is expired or unowned) starts at
 * once.  @return 0, or -1 (logged).
 */
int tasks_lease_start(struct rt_db *db, struct rt_pool *pool, const struct tasks_lease_settings *settings);

/**
 * Stop the keeper: release the leases of every task this instance still
 * owns and has not finished.  Call after the task pool has stopped (its
 * jobs ended), so that nothing runs any more.  Fine if never started.
 */
void tasks_lease_stop(void);

/** @return this instance's id (static storage), "" before tasks_lease_start(). */
const char *tasks_lease_owner(void);

/** Write the end of a lease taken now into @p out, and now itself into @p now (NULL allowed). */
void tasks_lease_times(char out[TASKS_TIME_SIZE], char now[TASKS_TIME_SIZE]);

/**
 * Queue the task @p id (@p message, both copied) on the pool, in a place
 * reserved before (rt_pool_reserve).  A pool thread then runs it, if this
 * instance still owns it.
 */
void tasks_lease_submit(struct rt_pool *pool, const char *id, const char *message);

#endif /* TASKS_LEASE_H */
