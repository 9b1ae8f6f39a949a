/*
 * The pet store's bodies that are not JSON: a photo uploaded as
 * multipart/form-data (a file part and a text field), a note as text/plain,
 * a microchip's dump as application/octet-stream.  The generated code has
 * checked each against the spec (the part's Content-Type, the text's UTF-8
 * and length, the bytes' count) before these run.
 */
#include "api_ops.h"
#include "petstore.h"
#include "rt_hash.h"
#include "rt_req.h"
#include "store.h"

#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

static bool pet_exists(struct rt_req *req, int64_t id)
{
    struct store_rec rec;

    return store_get(req, STORE_PETS, id, NULL, &rec) == 0;
}

void handle_upload_pet_image(struct rt_req *req, const struct api_upload_pet_image_params *params)
{
    const struct rt_valid_file *file = &params->body.file;
    const char *about = params->body.additional_metadata;
    size_t len = 64 + (file->filename ? strlen(file->filename) : 0) + (about ? strlen(about) : 0);
    char *message = rt_req_alloc(req, len);
    struct api_api_response out = {.code = 200, .type = file->content_type, .message = message};

    if (!pet_exists(req, params->pet_id)) {
        api_upload_pet_image__reply_404_detail(req, "Pet not found");
        return;
    }
    snprintf(message, len, "%s: %zu bytes (fnv1a %016" PRIx64 ")%s%s",
             file->filename ? file->filename : "photo", file->size, rt_hash_fnv1a(file->data, file->size),
             about ? "; " : "", about ? about : "");
    api_upload_pet_image__reply_200(req, &out);
}

void handle_set_pet_note(struct rt_req *req, const struct api_set_pet_note_params *params)
{
    char key[24];

    if (!pet_exists(req, params->pet_id)) {
        api_set_pet_note__reply_404_detail(req, "Pet not found");
        return;
    }
    snprintf(key, sizeof(key), "%" PRId64, params->pet_id);
    if (store_put(STORE_NOTES, key, params->body) == STORE_FULL) {
        struct json_object *full = json_object_new_object();

        json_object_object_add(full, "detail", json_object_new_string("The store is full"));
        api_set_pet_note__reply_default(req, 507, full);
        return;
    }
    api_set_pet_note__reply_200(req, params->body, params->body_len);
}

void handle_read_pet_chip(struct rt_req *req, const struct api_read_pet_chip_params *params)
{
    char checksum[17];
    struct api_chip_reading out = {.bytes = (int64_t)params->body_len, .checksum = checksum};

    if (!pet_exists(req, params->pet_id)) {
        api_read_pet_chip__reply_404_detail(req, "Pet not found");
        return;
    }
    snprintf(checksum, sizeof(checksum), "%016" PRIx64, rt_hash_fnv1a(params->body, params->body_len));
    api_read_pet_chip__reply_200(req, &out);
}
