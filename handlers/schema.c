/*
 * The database schema.  Append new migrations; never edit one that has
 * shipped (databases record which versions they have applied).
 *
 * Emails are unique case-insensitively: the unique index is on lower(email),
 * and lookups compare lower(email) = lower($1), which that index serves.
 * created_at is a real timestamp on PostgreSQL and RFC 3339 text on SQLite
 * (which has no timestamp type); handlers/users.c presents both the same way.
 */
#include "schema.h"

const struct rt_db_migration app_schema_migrations[] = {
    {
        .version = 1,
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
    {
        .version = 2,
        .description = "background tasks",
        .sqlite_sql =
            "CREATE TABLE tasks ("
            " id TEXT PRIMARY KEY,"
            " message TEXT NOT NULL,"
            " status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),"
            " result TEXT,"
            " error TEXT,"
            " created_at TEXT NOT NULL,"
            " started_at TEXT,"
            " finished_at TEXT);"
            "CREATE INDEX tasks_unfinished ON tasks (created_at) WHERE status IN ('queued', 'running');",
        .postgres_sql =
            "CREATE TABLE tasks ("
            " id uuid PRIMARY KEY,"
            " message text NOT NULL,"
            " status text NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),"
            " result text,"
            " error text,"
            " created_at timestamptz NOT NULL,"
            " started_at timestamptz,"
            " finished_at timestamptz);"
            "CREATE INDEX tasks_unfinished ON tasks (created_at) WHERE status IN ('queued', 'running');",
    },
};

const size_t app_schema_n_migrations = sizeof(app_schema_migrations) / sizeof(app_schema_migrations[0]);
