/*
 * Users in the database: create, read one, list a page, delete one (which
 * the router lets through only with an admin API key, handlers/auth.c).
 *
 * Each handler submits one statement and answers from its callback, on the
 * same event loop; the loop serves other requests meanwhile.  User input
 * travels only as statement parameters.
 */
#include "users.h"

#include "api.h"
#include "rt_db.h"
#include "rt_db_req.h"
#include "rt_req.h"
#include "rt_time.h"

#include <stdio.h>
#include <string.h>

#define USER_COLUMNS "id, email, full_name, created_at"

/*
 * The users table: the users module's migrations, numbered 1, 2, ... within
 * the module.  Append new migrations; never edit one that has shipped
 * (databases record which versions of which module they have applied).
 *
 * Emails are unique case-insensitively: the unique index is on lower(email),
 * and lookups compare lower(email) = lower($1), which that index serves.
 * created_at is a real timestamp on PostgreSQL and RFC 3339 text on SQLite
 * (which has no timestamp type); rt_db reads both as RFC 3339 UTC.
 */
static const struct rt_db_migration migrations[] = {
    {
        .version = 1,
        .legacy_version = 1, /* recorded as schema_version 1 before versions were per module */
        .description = "users",
        .sqlite_sql = "CREATE TABLE users ("
                      " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                      " email TEXT NOT NULL,"
                      " full_name TEXT NOT NULL,"
                      " created_at TEXT NOT NULL);"
                      "CREATE UNIQUE INDEX users_email_lower ON users (lower(email));",
        .postgres_sql = "CREATE TABLE users ("
                        " id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
                        " email text NOT NULL,"
                        " full_name text NOT NULL,"
                        " created_at timestamptz NOT NULL DEFAULT now());"
                        "CREATE UNIQUE INDEX users_email_lower ON users (lower(email));",
    },
};

const struct rt_module users_module = {
    .name = "users",
    .migrations = migrations,
    .n_migrations = sizeof(migrations) / sizeof(migrations[0]),
};

static const struct rt_db_statement insert_user = {
    .name = "users_insert",
    .sql = "INSERT INTO users (email, full_name, created_at) VALUES ($1, $2, $3) RETURNING " USER_COLUMNS,
    .n_params = 3,
};

const struct rt_db_statement users_select_by_email = {
    .name = "users_by_email",
    .sql = "SELECT " USER_COLUMNS " FROM users WHERE lower(email) = lower($1)",
    .n_params = 1,
};

/* RETURNING works on both backends (SQLite >= 3.35); no row: no such user. */
static const struct rt_db_statement delete_user = {
    .name = "users_delete",
    .sql = "DELETE FROM users WHERE lower(email) = lower($1) RETURNING id",
    .n_params = 1,
};

static const struct rt_db_statement select_user_page = {
    .name = "users_page",
    .sql =
        "SELECT " USER_COLUMNS " FROM users ORDER BY id LIMIT CAST($1 AS INTEGER) OFFSET CAST($2 AS INTEGER)",
    .n_params = 2,
};

int users_from_row(struct rt_req *req, const struct rt_db_result *res, int row, struct api_user *user)
{
    if (rt_db_result_int64(res, row, 0, &user->id) != RT_DB_VALUE_OK ||
        rt_db_req_text(req, res, row, 1, &user->email) != RT_DB_VALUE_OK ||
        rt_db_req_text(req, res, row, 2, &user->full_name) != RT_DB_VALUE_OK ||
        rt_db_req_timestamp(req, res, row, 3, &user->created_at) != RT_DB_VALUE_OK)
        return -1;
    return 0;
}

/* --- POST /users/ --- */

static void user_created(const struct rt_db_result *res, void *arg)
{
    struct rt_req *req = arg;
    struct api_user user = {0};

    if (rt_db_result_status(res) == RT_DB_UNIQUE_VIOLATION) {
        api_create_user__reply_409_detail(req, "Email already registered");
        return;
    }
    if (rt_db_req_reply_failure(req, res, api_create_user__reply_503_detail))
        return;
    if (users_from_row(req, res, 0, &user) != 0) {
        rt_db_req_reply_bad_row(req, insert_user.name);
        return;
    }
    api_create_user__reply_201(req, &user);
}

void handle_create_user(struct rt_req *req, const struct api_create_user_params *params)
{
    char created_at[40];
    const char *values[3];

    values[0] = params->body.email;
    values[1] = params->body.full_name;
    values[2] = rt_time_format_rfc3339(created_at, sizeof(created_at));
    rt_db_req_submit(req, &insert_user, values, user_created, req, api_create_user__reply_503_detail);
}

/* --- GET /users/{user_email} --- */

static void user_found(const struct rt_db_result *res, void *arg)
{
    struct rt_req *req = arg;
    struct api_user user = {0};

    if (rt_db_req_reply_failure(req, res, api_get_user__reply_503_detail))
        return;
    if (rt_db_result_rows(res) == 0) {
        api_get_user__reply_404_detail(req, "User not found");
        return;
    }
    if (users_from_row(req, res, 0, &user) != 0) {
        rt_db_req_reply_bad_row(req, users_select_by_email.name);
        return;
    }
    api_get_user__reply_200(req, &user);
}

void handle_get_user(struct rt_req *req, const struct api_get_user_params *params)
{
    const char *values[1] = {params->user_email};

    rt_db_req_submit(req, &users_select_by_email, values, user_found, req, api_get_user__reply_503_detail);
}

/* --- GET /users/ --- */

struct page_query {
    struct rt_req *req;
    int64_t limit;
    int64_t offset;
};

static void page_loaded(const struct rt_db_result *res, void *arg)
{
    struct page_query *q = arg;
    struct api_user_page page = {.limit = q->limit, .offset = q->offset};
    int i, rows;

    if (rt_db_req_reply_failure(q->req, res, api_list_users__reply_503_detail))
        return;
    rows = rt_db_result_rows(res);
    page.items.len = (size_t)rows;
    page.items.items = rt_req_alloc(q->req, (size_t)(rows > 0 ? rows : 1) * sizeof(struct api_user));
    for (i = 0; i < rows; i++) {
        if (users_from_row(q->req, res, i, &page.items.items[i]) != 0) {
            rt_db_req_reply_bad_row(q->req, select_user_page.name);
            return;
        }
    }
    api_list_users__reply_200(q->req, &page);
}

void handle_list_users(struct rt_req *req, const struct api_list_users_params *params)
{
    struct page_query *q = rt_req_alloc(req, sizeof(*q));
    char limit[24], offset[24];
    const char *values[2] = {limit, offset};

    q->req = req;
    q->limit = params->limit;
    q->offset = params->offset;
    snprintf(limit, sizeof(limit), "%lld", (long long)params->limit);
    snprintf(offset, sizeof(offset), "%lld", (long long)params->offset);
    rt_db_req_submit(req, &select_user_page, values, page_loaded, q, api_list_users__reply_503_detail);
}

/* --- DELETE /users/{user_email} --- */

static void user_deleted(const struct rt_db_result *res, void *arg)
{
    struct rt_req *req = arg;

    if (rt_db_req_reply_failure(req, res, api_delete_user__reply_503_detail))
        return;
    if (rt_db_result_rows(res) == 0) {
        api_delete_user__reply_404_detail(req, "User not found");
        return;
    }
    api_delete_user__reply_204(req);
}

void handle_delete_user(struct rt_req *req, const struct api_delete_user_params *params)
{
    const char *values[1] = {params->user_email};

    rt_db_req_submit(req, &delete_user, values, user_deleted, req, api_delete_user__reply_503_detail);
}
