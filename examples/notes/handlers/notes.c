/*
 * Notes in the database: create one, read one, list them (by a JSON
 * filter, a query parameter with content).
 *
 * Each handler submits one statement and answers from its callback, on
 * the same event loop; the loop serves other requests meanwhile.  Input
 * travels only as statement parameters.
 */
#include "notes.h"

#include "api.h"
#include "rt_db.h"
#include "rt_db_req.h"
#include "rt_hash.h"
#include "rt_req.h"

#include <inttypes.h>
#include <json-c/json.h>
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
    {
        .version = 2,
        .description = "attachments (what was uploaded: not the bytes)",
        .sqlite_sql =
            "CREATE TABLE attachments (id INTEGER PRIMARY KEY AUTOINCREMENT,"
            " note_id INTEGER NOT NULL REFERENCES notes (id), filename TEXT NOT NULL,"
            " content_type TEXT NOT NULL, size INTEGER NOT NULL, checksum TEXT NOT NULL, caption TEXT);",
        .postgres_sql =
            "CREATE TABLE attachments (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
            " note_id bigint NOT NULL REFERENCES notes (id), filename text NOT NULL,"
            " content_type text NOT NULL, size bigint NOT NULL, checksum text NOT NULL, caption text);",
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

/* Row @row of @res (id, title, text) as a note whose strings live in @req's memory; 0, or -1 if a value
 * is missing or of another type than the table's. */
static int note_of_row(struct rt_req *req, const struct rt_db_result *res, int row, struct api_note *note)
{
    if (rt_db_result_int64(res, row, 0, &note->id) != RT_DB_VALUE_OK ||
        rt_db_req_text(req, res, row, 1, &note->title) != RT_DB_VALUE_OK ||
        rt_db_req_text(req, res, row, 2, &note->text) != RT_DB_VALUE_OK)
        return -1;
    return 0;
}

static int note_from_row(struct rt_req *req, const struct rt_db_result *res, struct api_note *note)
{
    return note_of_row(req, res, 0, note);
}

/* The notes with title $1 (every note when $1 is empty: a filter's title has minLength 1), oldest first,
 * at most $2 of them. */
static const struct rt_db_statement select_notes = {
    .name = "notes_list",
    .sql = "SELECT id, title, text FROM notes WHERE ($1 = '' OR title = $1) ORDER BY id"
           " LIMIT CAST($2 AS BIGINT)",
    .n_params = 2,
};

/* The list's page, the X-Page header: {"count": rows, "limit": the limit applied}; the caller puts it. */
static struct json_object *page_of(int64_t rows, int64_t limit)
{
    struct json_object *page = json_object_new_object();

    json_object_object_add(page, "count", json_object_new_int64(rows));
    json_object_object_add(page, "limit", json_object_new_int64(limit));
    return page;
}

struct listing {
    struct rt_req *req;
    int64_t limit; /* the limit applied, for X-Page */
};

static void notes_listed(const struct rt_db_result *res, void *arg)
{
    struct listing *l = arg;
    struct rt_req *req = l->req;
    int rows;
    struct api_note_list list = {{0, NULL}};
    struct json_object *page = NULL;

    if (rt_db_req_reply_failure(req, res, api_list_notes__reply_503_detail))
        return;
    rows = rt_db_result_rows(res);
    list.notes.len = rows > 0 ? (size_t)rows : 0;
    list.notes.items = rt_req_alloc(req, (list.notes.len + 1) * sizeof(struct api_note));
    for (int i = 0; i < rows; i++) {
        if (note_of_row(req, res, i, &list.notes.items[i]) != 0) {
            rt_db_req_reply_bad_row(req, "a listed note");
            return;
        }
    }
    page = page_of((int64_t)list.notes.len, l->limit);
    api_list_notes__reply_200(req, &list, page); /* borrows page */
    json_object_put(page);
}

/* @p filter was validated against NoteFilter before this runs: an object with a string title of 1..100
 * characters and, maybe, an integer limit in 1..20. */
void handle_list_notes(struct rt_req *req, const struct api_list_notes_params *params)
{
    struct json_object *title = NULL, *limit = NULL;
    struct listing *l = rt_req_alloc(req, sizeof(*l));
    char max[24];
    const char *values[2] = {"", max};

    if (params->filter != NULL) {
        json_object_object_get_ex(params->filter, "title", &title);
        json_object_object_get_ex(params->filter, "limit", &limit);
        values[0] = json_object_get_string(title);
    }
    l->req = req;
    l->limit = limit != NULL ? json_object_get_int64(limit) : 20;
    snprintf(max, sizeof(max), "%" PRId64, l->limit);
    rt_db_req_submit(req, &select_notes, values, notes_listed, l, api_list_notes__reply_503_detail);
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

/* Stored only if the note exists: no row comes back otherwise (404). */
static const struct rt_db_statement insert_attachment = {
    .name = "attachments_insert",
    .sql = "INSERT INTO attachments (note_id, filename, content_type, size, checksum, caption)"
           " SELECT id, $2, $3, CAST($4 AS BIGINT), $5, $6 FROM notes WHERE id = CAST($1 AS BIGINT)"
           " RETURNING id, note_id, filename, content_type, size, checksum, caption",
    .n_params = 6,
};

static void attachment_stored(const struct rt_db_result *res, void *arg)
{
    struct rt_req *req = arg;
    struct api_attachment a = {0};
    int rc;

    if (rt_db_req_reply_failure(req, res, api_add_attachment__reply_503_detail))
        return;
    if (rt_db_result_rows(res) == 0) {
        api_add_attachment__reply_404_detail(req, "Note not found");
        return;
    }
    rc = rt_db_req_text(req, res, 0, 6, &a.caption);
    if (rt_db_result_int64(res, 0, 0, &a.id) != RT_DB_VALUE_OK ||
        rt_db_result_int64(res, 0, 1, &a.note_id) != RT_DB_VALUE_OK ||
        rt_db_req_text(req, res, 0, 2, &a.filename) != RT_DB_VALUE_OK ||
        rt_db_req_text(req, res, 0, 3, &a.content_type) != RT_DB_VALUE_OK ||
        rt_db_result_int64(res, 0, 4, &a.size) != RT_DB_VALUE_OK ||
        rt_db_req_text(req, res, 0, 5, &a.checksum) != RT_DB_VALUE_OK ||
        (rc != RT_DB_VALUE_OK && rc != RT_DB_VALUE_NULL)) {
        rt_db_req_reply_bad_row(req, "the stored attachment");
        return;
    }
    api_add_attachment__reply_201(req, &a);
}

/* A file part and a caption (multipart/form-data): what was sent is stored with the note. */
void handle_add_attachment(struct rt_req *req, const struct api_add_attachment_params *params)
{
    const struct rt_valid_file *file = &params->body.file;
    char id[24], size[24], checksum[17];
    const char *values[6] = {id,   file->filename, file->content_type ? file->content_type : "text/plain",
                             size, checksum,       params->body.caption};

    snprintf(id, sizeof(id), "%" PRId64, params->note_id);
    snprintf(size, sizeof(size), "%zu", file->size);
    snprintf(checksum, sizeof(checksum), "%016" PRIx64, rt_hash_fnv1a(file->data, file->size));
    rt_db_req_submit(req, &insert_attachment, values, attachment_stored, req,
                     api_add_attachment__reply_503_detail);
}
