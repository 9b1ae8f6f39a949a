/*
 * Background tasks: the pool that runs them, started and stopped with the
 * service (see handlers/tasks.c).
 */
#ifndef HANDLERS_TASKS_H
#define HANDLERS_TASKS_H

struct rt_config;
struct rt_db;

/**
 * Start the task pool on @p db and queue again every task left unfinished
 * by a previous run; returns once they are queued, before any request is
 * served.  @return 0, or -1 (logged).
 */
int tasks_start(const struct rt_config *cfg, struct rt_db *db);

/**
 * Stop taking tasks, let running ones finish until the shutdown timeout,
 * and free the pool; tasks not finished stay recorded for the next start.
 */
void tasks_stop(const struct rt_config *cfg);

#endif /* HANDLERS_TASKS_H */
