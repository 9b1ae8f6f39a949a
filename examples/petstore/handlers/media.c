/*
 * The pet store's bodies that are not JSON: a photo uploaded as
 * multipart/form-data (a file part and a text field), a note as text/plain,
 * a microchip's dump as application/octet-stream; and a photo answered as
 * image/png bytes.  The generated code has
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
#include <stdint.h>
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

/* --- GET /pets/{petId}/photo.png: bytes as the answer --- */

/* CRC-32 (ISO-HDLC, PNG's) of @p len bytes at @p p, continuing from @p crc (0 to start). */
static uint32_t png_crc(uint32_t crc, const unsigned char *p, size_t len)
{
    crc = ~crc;
    while (len-- > 0) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

static void put_be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16), p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* Seal the chunk at @p chunk (its length and type written, @p len data bytes after them) with its CRC. */
static void png_seal(unsigned char *chunk, size_t len)
{
    put_be32(chunk + 8 + len, png_crc(0, chunk + 4, len + 4));
}

/*
 * A 1x1 RGB PNG (72 bytes into @p png) whose pixel is (id's low byte, its
 * next byte, 0x80): its one scanline in a stored (uncompressed) deflate
 * block, so no compressor is needed.
 */
static void pet_png(int64_t id, unsigned char png[72])
{
    static const unsigned char head[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0,
                                         0,    13,  'I', 'H', 'D',  'R',  0,    0,    0, 1,
                                         0,    0,   0,   1,   8,    2,    0,    0,    0};
    unsigned char row[4] = {0, (unsigned char)id, (unsigned char)(id >> 8), 0x80}; /* filter none, R, G, B */
    unsigned char *idat = png + 33;
    uint32_t a = 1, b = 0;

    memcpy(png, head, sizeof(head));
    png_seal(png + 8, 13);
    put_be32(idat, 15);
    memcpy(idat + 4, "IDAT\x78\x01\x01\x04\x00\xfb\xff", 11); /* zlib head, a final stored block of 4 */
    memcpy(idat + 15, row, sizeof(row));
    for (size_t i = 0; i < sizeof(row); i++) { /* Adler-32 of the scanline */
        a = (a + row[i]) % 65521;
        b = (b + a) % 65521;
    }
    put_be32(idat + 19, (b << 16) | a);
    png_seal(idat, 15);
    memcpy(png + 60, "\0\0\0\0IEND", 8);
    png_seal(png + 60, 0);
}

void handle_download_pet_photo(struct rt_req *req, const struct api_download_pet_photo_params *params)
{
    unsigned char png[72];

    if (!pet_exists(req, params->pet_id)) {
        api_download_pet_photo__reply_404_detail(req, "Pet not found");
        return;
    }
    pet_png(params->pet_id, png);
    api_download_pet_photo__reply_200(req, png, sizeof(png));
}
