/*
 * Request bodies that are not JSON objects or forms: a note's text as
 * text/plain, bytes digested from application/octet-stream, and a note
 * from its vendor JSON type (application/vnd.notes+json).
 *
 * The generated code has checked each body before these run: the text is
 * UTF-8 within its schema's bounds, the bytes within theirs, and the
 * vendor body came with that media type.
 */
#include "api.h"
#include "rt_db.h"
#include "rt_db_req.h"
#include "rt_req.h"

#include <inttypes.h>
#include <openssl/evp.h>
#include <stdio.h>

static const struct rt_db_statement update_text = {
    .name = "notes_set_text",
    .sql = "UPDATE notes SET text = $2 WHERE id = CAST($1 AS BIGINT) RETURNING id, title, text",
    .n_params = 2,
};

static const struct rt_db_statement import_note = {
    .name = "notes_import",
    .sql = "INSERT INTO notes (title, text) VALUES ($1, $2) RETURNING id, title, text",
    .n_params = 2,
};

/* Row 0 of @p res (id, title, text) into @p note, its strings in @p req's memory; 0, or -1. */
static int note_of_row(struct rt_req *req, const struct rt_db_result *res, struct api_note *note)
{
    if (rt_db_result_int64(res, 0, 0, &note->id) != RT_DB_VALUE_OK ||
        rt_db_req_text(req, res, 0, 1, &note->title) != RT_DB_VALUE_OK ||
        rt_db_req_text(req, res, 0, 2, &note->text) != RT_DB_VALUE_OK)
        return -1;
    return 0;
}

static void text_replaced(const struct rt_db_result *res, void *arg)
{
    struct rt_req *req = arg;
    struct api_note note;

    if (rt_db_req_reply_failure(req, res, api_replace_note_text__reply_503_detail))
        return;
    if (rt_db_result_rows(res) == 0) {
        api_replace_note_text__reply_404_detail(req, "Note not found");
        return;
    }
    if (note_of_row(req, res, &note) != 0) {
        rt_db_req_reply_bad_row(req, "the updated note");
        return;
    }
    api_replace_note_text__reply_200(req, &note);
}

void handle_replace_note_text(struct rt_req *req, const struct api_replace_note_text_params *params)
{
    char id[24];
    const char *values[2] = {id, params->body}; /* NUL-terminated UTF-8, checked against the schema */

    snprintf(id, sizeof(id), "%" PRId64, params->note_id);
    rt_db_req_submit(req, &update_text, values, text_replaced, req, api_replace_note_text__reply_503_detail);
}

void handle_digest_blob(struct rt_req *req, const struct api_digest_blob_params *params)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    char hex[2 * EVP_MAX_MD_SIZE + 1];
    const char *body = params->has_body ? params->body : ""; /* no body: the digest of nothing */
    struct api_digest digest = {.size = (int64_t)params->body_len, .sha256 = hex};

    if (EVP_Digest(body, params->body_len, md, &md_len, EVP_sha256(), NULL) != 1) {
        rt_req_reply_detail(req, 500, "Internal Server Error");
        return;
    }
    for (unsigned int i = 0; i < md_len; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    api_digest_blob__reply_200(req, &digest);
}

static void note_imported(const struct rt_db_result *res, void *arg)
{
    struct rt_req *req = arg;
    struct api_note note;

    if (rt_db_req_reply_failure(req, res, api_import_note__reply_503_detail))
        return;
    if (rt_db_result_rows(res) != 1 || note_of_row(req, res, &note) != 0) {
        rt_db_req_reply_bad_row(req, "the imported note");
        return;
    }
    api_import_note__reply_201(req, &note);
}

void handle_import_note(struct rt_req *req, const struct api_import_note_params *params)
{
    const char *values[2] = {params->body.title, params->body.text};

    rt_db_req_submit(req, &import_note, values, note_imported, req, api_import_note__reply_503_detail);
}
