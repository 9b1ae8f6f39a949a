/*
 * The database schema of the service, as migrations applied in order at
 * start-up (see struct rt_db_migration in runtime/rt_db.h).
 */
#ifndef HANDLERS_SCHEMA_H
#define HANDLERS_SCHEMA_H

#include "rt_db.h"

#include <stddef.h>

extern const struct rt_db_migration app_schema_migrations[];
extern const size_t app_schema_n_migrations;

#endif /* HANDLERS_SCHEMA_H */
