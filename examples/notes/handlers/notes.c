/*
 * Notes in the database: create one, read one.
 *
 * Each handler submits one statement and answers from its callback, on
 * the same event loop; the loop serves other requests meanwhile.  Input
 * travels only as statement parameters.
 */
#include "notes.h"

#include "api.h"
#include "rt_db.h"
#include "rt_db_req.h"
#include "rt_req.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* The notes table.  Append new migrations; never edit one that has shipped. */
static const struct rt_db_migration migrations[] = {
    {
        .version = 1,
        .description = "notes",
        .sqlite_sql = "CREATE TABLE notes (id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT NOT NULL,"
                      " text TEXT NOT NULL);",
        .postgres_sql = "CREATE TABLE notes (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
                        " title text NOT NULL, text text NOT NULL);",
    },
};

const struct rt_module notes_module = {
    .name = "notes",
    .migrations = migrations,
    .n_migrations = sizeof(migrations) / sizeof(migrations[0]),
};

static const struct rt_db_statement insert_note = {
    .name = "notes_insert",
    .sql = "INSERT INTO notes (title, text) VALUES ($1, $2) RETURNING id, title, text",
    .n_params = 2,
};

static const struct rt_db_statement select_note = {
    .name = "notes_by_id",
    .sql = "SELECT id, title, text FROM notes WHERE id = CAST($1 AS BIGINT)",
    .n_params = 1,
};

/* Row 0 of @res (id, title, text) as a note whose strings live in @req's memory; 0, or -1 if a value is
 * missing or of another type than the table's. */
static int note_from_row(struct rt_req *req, const struct rt_db_result *res, struct api_note *note)
{
    if (rt_db_result_int64(res, 0, 0, &note->id) != RT_DB_VALUE_OK ||
        rt_db_req_text(req, res, 0, 1, &note->title) != RT_DB_VALUE_OK ||
        rt_db_req_text(req, res, 0, 2, &note->text) != RT_DB_VALUE_OK)
        return -1;
    return 0;
}

static void note_created(const struct rt_db_result *res, void *arg)
{
    struct rt_req *req = arg;
    struct api_note note;

    if (rt_db_req_reply_failure(req, res, api_create_note__reply_503_detail))
        return;
    if (rt_db_result_rows(res) != 1 || note_from_row(req, res, &note) != 0) {
        rt_db_req_reply_bad_row(req, "the stored note");
        return;
    }
    api_create_note__reply_201(req, &note);
}

void handle_create_note(struct rt_req *req, const struct api_create_note_params *params)
{
    const char *values[2] = {params->body.title, params->body.text};

    rt_db_req_submit(req, &insert_note, values, note_created, req, api_create_note__reply_503_detail);
}

static void note_created_from_form(const struct rt_db_result *res, void *arg)
{
    struct rt_req *req = arg;
    struct api_note note;

    if (rt_db_req_reply_failure(req, res, api_create_note_from_form__reply_503_detail))
        return;
    if (rt_db_result_rows(res) != 1 || note_from_row(req, res, &note) != 0) {
        rt_db_req_reply_bad_row(req, "the stored note");
        return;
    }
    api_create_note_from_form__reply_201(req, &note);
}

/* The same note from a form body (application/x-www-form-urlencoded). */
void handle_create_note_from_form(struct rt_req *req, const struct api_create_note_from_form_params *params)
{
    const char *values[2] = {params->body.title, params->body.text};

    rt_db_req_submit(req, &insert_note, values, note_created_from_form, req,
                     api_create_note_from_form__reply_503_detail);
}

static void note_found(const struct rt_db_result *res, void *arg)
{
    struct rt_req *req = arg;
    struct api_note note;

    if (rt_db_req_reply_failure(req, res, api_get_note__reply_503_detail))
        return;
    if (rt_db_result_rows(res) == 0) {
        api_get_note__reply_404_detail(req, "Note not found");
        return;
    }
    if (note_from_row(req, res, &note) != 0) {
        rt_db_req_reply_bad_row(req, "the note");
        return;
    }
    api_get_note__reply_200(req, &note);
}

void handle_get_note(struct rt_req *req, const struct api_get_note_params *params)
{
    char id[24];
    const char *values[1] = {id};

    snprintf(id, sizeof(id), "%" PRId64, params->note_id);
    rt_db_req_submit(req, &select_note, values, note_found, req, api_get_note__reply_503_detail);
}
