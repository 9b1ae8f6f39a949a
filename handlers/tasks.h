/*
 * Background tasks (handlers/tasks.c): the module that owns the tasks
 * table, declares TASK_*, and runs the pool that computes them, started and
 * stopped with the service.
 */
#ifndef HANDLERS_TASKS_H
#define HANDLERS_TASKS_H

#include "rt_app.h"

/**
 * Its start queues again every task left unfinished by a previous run,
 * before any request is served; its stop lets running tasks finish until
 * the shutdown timeout (tasks not finished stay recorded for the next start).
 */
extern const struct rt_module tasks_module;

#endif /* HANDLERS_TASKS_H */
