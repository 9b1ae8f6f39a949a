/*
 * More about pets: their labels (a map), their photos' URLs, comparing
 * several, and adding a litter at once (a top-level array body).
 */
#include "pets.h"

#include "petstore.h"
#include "rt_req.h"
#include "store.h"

#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

static char photo_url[256]; /* PETSTORE_PHOTO_URL */

static const struct rt_option options[] = {
    {"petstore-photo-url", "PETSTORE_PHOTO_URL", RT_OPTION_STRING, photo_url, sizeof(photo_url),
     "https://photos.example.com/pets", NULL, "where the pets' photos are served from (an absolute URL)",
     NULL},
};

/* The URL must be absolute: GET .../photos/... answers it as a format: uri. */
static int check_url(char *err, size_t errlen)
{
    if (strncmp(photo_url, "https://", 8) != 0 && strncmp(photo_url, "http://", 7) != 0) {
        rt_config_add_err(err, errlen, "petstore-photo-url: an absolute http(s) URL");
        return -1;
    }
    return 0;
}

static const struct rt_option_group option_group = {"photos", options, sizeof(options) / sizeof(options[0]),
                                                    check_url};

const struct rt_module photos_module = {
    .name = "photos",
    .options = &option_group,
};

void handle_set_pet_labels(struct rt_req *req, const struct api_set_pet_labels_params *params)
{
    struct store_rec rec;
    char key[24];

    if (store_get(req, STORE_PETS, params->pet_id, NULL, &rec) != 0) {
        api_set_pet_labels__reply_404_detail(req, "Pet not found");
        return;
    }
    snprintf(key, sizeof(key), "%" PRId64, params->pet_id);
    if (store_put(STORE_LABELS, key, ps_text(req, json_object_get(params->body))) == STORE_FULL) {
        struct json_object *full = json_object_new_object();

        json_object_object_add(full, "detail", json_object_new_string("The store is full"));
        api_set_pet_labels__reply_default(req, 507, full);
        return;
    }
    api_set_pet_labels__reply_200(req, json_object_get(params->body));
}

void handle_get_pet_photo(struct rt_req *req, const struct api_get_pet_photo_params *params)
{
    struct store_rec rec;
    struct json_object *pet;
    struct api_photo photo;
    size_t len = strlen(photo_url) + strlen(params->name) + strlen(params->ext) + 48;
    char *url = rt_req_alloc(req, len);

    if (store_get(req, STORE_PETS, params->pet_id, NULL, &rec) != 0 ||
        (pet = ps_parse(req, rec.doc)) == NULL) {
        api_get_pet_photo__reply_404_detail(req, "Pet not found");
        return;
    }
    snprintf(url, len, "%s/%" PRId64 "/%s.%s", photo_url, params->pet_id, params->name, params->ext);
    photo.url = url;
    photo.pet = ps_string(pet, "name");
    photo.media_type = strcmp(params->ext, "png") == 0 ? "image/png" : "image/jpeg";
    api_get_pet_photo__reply_200(req, &photo);
}

void handle_compare_pets(struct rt_req *req, const struct api_compare_pets_params *params)
{
    struct api_comparison out = {.names = {0, rt_req_alloc(req, params->ids.len * sizeof(char *))}};

    for (size_t i = 0; i < params->ids.len; i++) {
        struct store_rec rec;
        struct json_object *pet;

        if (store_get(req, STORE_PETS, params->ids.items[i], NULL, &rec) != 0 ||
            (pet = ps_parse(req, rec.doc)) == NULL) {
            out.missing++;
            continue;
        }
        if (pets_size(pet) == params->size)
            out.names.items[out.names.len++] = ps_string(pet, "name");
    }
    api_compare_pets__reply_200(req, &out);
}

/* Kitten @p k as the Cat document stored: petType "cat" and the fields Kitten declares (a Kitten may carry
 * others, which a Cat could refuse when read back). */
static const char *cat_of_kitten(struct rt_req *req, struct json_object *k)
{
    static const char *const fields[] = {"name", "birthday", "tags"};
    struct json_object *cat = json_object_new_object(), *v;

    json_object_object_add(cat, "petType", json_object_new_string("cat"));
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        if (json_object_object_get_ex(k, fields[i], &v))
            json_object_object_add(cat, fields[i], json_object_get(v));
    return ps_text(req, cat);
}

/* All the kittens, or none: the ones added are removed again when the store is full. */
void handle_add_litter(struct rt_req *req, const struct api_add_litter_params *params)
{
    size_t n = json_object_array_length(params->body);
    struct api_pet_list out = {.pets = {0, rt_req_alloc(req, n * sizeof(struct api_pet_summary))}};

    for (size_t i = 0; i < n; i++) {
        struct json_object *kitten = json_object_array_get_idx(params->body, i);
        int64_t id = store_add(STORE_PETS, NULL, cat_of_kitten(req, kitten), NULL);

        if (id == STORE_FULL) {
            for (size_t k = 0; k < out.pets.len; k++)
                store_remove(STORE_PETS, out.pets.items[k].id);
            api_add_litter__reply_507_detail(req, "The store is full");
            return;
        }
        out.pets.items[out.pets.len++] =
            (struct api_pet_summary){.id = id, .pet_type = "cat", .name = ps_string(kitten, "name")};
    }
    out.total = (int64_t)out.pets.len;
    api_add_litter__reply_201(req, &out);
}
