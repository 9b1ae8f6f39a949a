/*
 * Users in the database: what other handlers share with handlers/users.c.
 */
#ifndef HANDLERS_USERS_H
#define HANDLERS_USERS_H

#include "api.h"
#include "rt_app.h"
#include "rt_db.h"

/** The module that owns the users table. */
extern const struct rt_module users_module;

/** SELECT id, email, full_name, created_at FROM users WHERE lower(email) = lower($1) */
extern const struct rt_db_statement users_select_by_email;

/**
 * Fill @p user from row @p row of @p res (columns id, email, full_name,
 * created_at, as the users_* statements return them).  Strings are copied
 * into @p req's memory; created_at is RFC 3339 UTC with milliseconds.
 * @return 0, or -1 if a value is NULL or not of its type (a bug: answer 500).
 */
int users_from_row(struct rt_req *req, const struct rt_db_result *res, int row, struct api_user *user);

#endif /* HANDLERS_USERS_H */
