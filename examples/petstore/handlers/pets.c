/*
 * Pets: add one (a cat or a dog), read one, remove one, find some.
 *
 * A pet is stored as the JSON its branch's model writes (api_cat__to_json()
 * or api_dog__to_json(), defaults applied, no id) and read back with the
 * same model, so what is answered is what was validated.
 */
#include "pets.h"

#include "petstore.h"
#include "rt_log.h"
#include "rt_req.h"
#include "store.h"

#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#define MAX_LISTED 100 /* the most GET /pets answers (its limit's maximum) */

static void cleanup_cat(void *arg)
{
    api_cat__cleanup(arg);
}

static void cleanup_dog(void *arg)
{
    api_dog__cleanup(arg);
}

int pets_entry(struct rt_req *req, int64_t id, const char *doc, int64_t version, struct api_pet_entry *out)
{
    struct json_object *j = ps_parse(req, doc);
    const char *type = j != NULL ? ps_string(j, "petType") : NULL;
    struct rt_valid_errors errs;
    struct store_rec labels;
    char key[24];
    int rc = -1;

    memset(out, 0, sizeof(*out));
    out->version = version;
    rt_valid_errors_init(&errs);
    if (type != NULL && strcmp(type, "cat") == 0) {
        struct api_cat *cat = rt_req_alloc(req, sizeof(*cat));

        rc = api_cat__from_json(j, cat, &errs, NULL);
        rt_req_defer(req, cleanup_cat, cat);
        cat->id = id, cat->has_id = true;
        out->pet.kind = API_PET_ENTRY_PET_CAT, out->pet.value.cat = cat;
    } else if (type != NULL && strcmp(type, "dog") == 0) {
        struct api_dog *dog = rt_req_alloc(req, sizeof(*dog));

        rc = api_dog__from_json(j, dog, &errs, NULL);
        rt_req_defer(req, cleanup_dog, dog);
        dog->id = id, dog->has_id = true;
        out->pet.kind = API_PET_ENTRY_PET_DOG, out->pet.value.dog = dog;
    }
    rt_valid_errors_cleanup(&errs);
    if (rc != 0)
        rt_log_error("pet %" PRId64 ": its stored document is not a pet", id);
    snprintf(key, sizeof(key), "%" PRId64, id);
    if (rc == 0 && store_get(req, STORE_LABELS, 0, key, &labels) == 0)
        out->labels = ps_parse(req, labels.doc); /* as PUT .../labels validated them */
    return rc;
}

const char *pets_etag(struct rt_req *req, int64_t id, int64_t version)
{
    char *etag = rt_req_alloc(req, 48);

    snprintf(etag, 48, "\"%" PRId64 ".%" PRId64 "\"", id, version);
    return etag;
}

int64_t pets_size(struct json_object *pet)
{
    int64_t size;
    const char *type = ps_string(pet, "petType");

    if (ps_int(pet, "size", &size))
        return size;
    return type != NULL && strcmp(type, "cat") == 0 ? 1 : 0;
}

void handle_create_pet(struct rt_req *req, const struct api_create_pet_params *params)
{
    const struct api_create_pet_body *b = &params->body;
    const char *doc = ps_text(req, b->kind == API_CREATE_PET_BODY_CAT ? api_cat__to_json(b->value.cat)
                                                                      : api_dog__to_json(b->value.dog));
    int64_t id = store_add(STORE_PETS, NULL, doc, NULL);
    struct api_pet_entry entry;
    char suffix[40];

    if (id == STORE_FULL) {
        api_create_pet__reply_507_detail(req, "The store is full");
        return;
    }
    if (pets_entry(req, id, doc, 1, &entry) != 0) {
        rt_req_reply_detail(req, 500, "Internal Server Error");
        return;
    }
    snprintf(suffix, sizeof(suffix), "/pets/%" PRId64, id);
    api_create_pet__reply_201(req, &entry, ps_location(req, suffix), pets_etag(req, id, 1));
}

/* Append @p text to @p out (of @p size bytes, at *@p used), with XML's five special characters escaped. */
static void put_xml_text(char *out, size_t size, size_t *used, const char *text)
{
    for (; text != NULL && *text != '\0' && *used + 7 < size; text++) {
        const char *esc = *text == '<'    ? "&lt;"
                          : *text == '>'  ? "&gt;"
                          : *text == '&'  ? "&amp;"
                          : *text == '"'  ? "&quot;"
                          : *text == '\'' ? "&apos;"
                                          : NULL;

        *used += (size_t)snprintf(out + *used, size - *used, "%s", esc != NULL ? esc : (char[]){*text, '\0'});
    }
}

/* The pet @p rec as the small XML GET /pets/{petId} answers when Accept prefers application/xml. */
static void reply_pet_xml(struct rt_req *req, const struct store_rec *rec)
{
    struct json_object *pet = ps_parse(req, rec->doc);
    size_t size = 160 + 6 * strlen(rec->doc), used = 0;
    char *out = rt_req_alloc(req, size);

    used = (size_t)snprintf(out, size, "<pet><id>%" PRId64 "</id><petType>", rec->id);
    put_xml_text(out, size, &used, pet != NULL ? ps_string(pet, "petType") : NULL);
    used += (size_t)snprintf(out + used, size - used, "</petType><name>");
    put_xml_text(out, size, &used, pet != NULL ? ps_string(pet, "name") : NULL);
    used += (size_t)snprintf(out + used, size - used, "</name><version>%" PRId64 "</version></pet>",
                             rec->version);
    api_get_pet__reply_200_application_xml(req, out, used, pets_etag(req, rec->id, rec->version));
}

void handle_get_pet(struct rt_req *req, const struct api_get_pet_params *params)
{
    struct store_rec rec;
    struct api_pet_entry entry;

    if (store_get(req, STORE_PETS, params->pet_id, NULL, &rec) != 0) {
        api_get_pet__reply_4xx_detail(req, 404, "Pet not found");
        return;
    }
    /* Accept picks the type; one that excludes both still gets JSON, as FastAPI would answer */
    if (api_get_pet__accept_200(req) == API_GET_PET__200_APPLICATION_XML) {
        reply_pet_xml(req, &rec);
        return;
    }
    if (pets_entry(req, rec.id, rec.doc, rec.version, &entry) != 0) {
        rt_req_reply_detail(req, 500, "Internal Server Error");
        return;
    }
    api_get_pet__reply_200(req, &entry, pets_etag(req, rec.id, rec.version));
}

void handle_delete_pet(struct rt_req *req, const struct api_delete_pet_params *params)
{
    char key[24];

    if (store_remove(STORE_PETS, params->pet_id) != 0) {
        api_delete_pet__reply_404_detail(req, "Pet not found");
        return;
    }
    snprintf(key, sizeof(key), "%" PRId64, params->pet_id);
    store_remove_key(STORE_LABELS, key);
    api_delete_pet__reply_204(req);
}

/* --- GET /pets -------------------------------------------------------------------------------------- */

/* The pets' documents, copied under the store's lock, judged after it. */
struct snapshot {
    struct rt_req *req;
    size_t n;
    int64_t ids[STORE_MAX_CAPACITY];
    const char *docs[STORE_MAX_CAPACITY];
};

static bool take(const struct store_rec *rec, void *arg)
{
    struct snapshot *s = arg;

    s->ids[s->n] = rec->id;
    s->docs[s->n] = rt_req_strndup(s->req, rec->doc, strlen(rec->doc));
    return ++s->n < sizeof(s->ids) / sizeof(s->ids[0]);
}

static bool has_string(const char *const *items, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (s != NULL && strcmp(items[i], s) == 0)
            return true;
    return false;
}

static bool has_int(const int64_t *items, size_t n, int64_t v)
{
    for (size_t i = 0; i < n; i++)
        if (items[i] == v)
            return true;
    return false;
}

/* Whether the pet has every tag of @p params. */
static bool has_tags(struct json_object *pet, const struct api_list_pets_params *params)
{
    struct json_object *tags;

    for (size_t i = 0; i < params->tags.len; i++) {
        bool found = false;

        if (!json_object_object_get_ex(pet, "tags", &tags) || !json_object_is_type(tags, json_type_array))
            return false;
        for (size_t k = 0; k < json_object_array_length(tags) && !found; k++)
            found = strcmp(json_object_get_string(json_object_array_get_idx(tags, k)),
                           params->tags.items[i]) == 0;
        if (!found)
            return false;
    }
    return true;
}

/* Whether pet @p id (@p pet) passes every filter of @p params. */
static bool wanted(int64_t id, struct json_object *pet, const struct api_list_pets_params *params)
{
    const char *status = ps_string(pet, "status"), *name = ps_string(pet, "name");
    const struct api_pet_filter *f = params->filter;
    bool adopted = status != NULL && strcmp(status, API_CAT_STATUS_ADOPTED) == 0;

    if (params->status.len > 0 && !has_string(params->status.items, params->status.len, status))
        return false;
    if (adopted && params->status.len == 0 && !params->include_adopted_empty &&
        !(params->has_include_adopted && params->include_adopted))
        return false;
    if ((params->ids.len > 0 && !has_int(params->ids.items, params->ids.len, id)) ||
        (params->sizes.len > 0 && !has_int(params->sizes.items, params->sizes.len, pets_size(pet))))
        return false;
    if (f != NULL && ((f->name != NULL && (name == NULL || strncmp(name, f->name, strlen(f->name)) != 0)) ||
                      (f->pet_type != NULL && strcmp(f->pet_type, ps_string(pet, "petType")) != 0)))
        return false;
    return has_tags(pet, params);
}

void handle_list_pets(struct rt_req *req, const struct api_list_pets_params *params)
{
    struct snapshot *s = rt_req_alloc(req, sizeof(*s));
    struct api_pet_list list = {.pets = {0, rt_req_alloc(req, MAX_LISTED * sizeof(struct api_pet_summary))}};
    int64_t limit, remaining;
    const char *correlation = params->x_correlation_id;

    if (!ps_rate_take(&limit, &remaining)) {
        api_list_pets__reply_429_detail(req, "Too many requests: try again next minute");
        return;
    }
    s->req = req;
    store_each(STORE_PETS, take, s);
    for (size_t i = 0; i < s->n; i++) {
        struct json_object *pet = ps_parse(req, s->docs[i]);
        struct api_pet_summary *out = &list.pets.items[list.pets.len];

        if (pet == NULL || !wanted(s->ids[i], pet, params))
            continue;
        list.total++;
        if (list.pets.len == (size_t)params->limit)
            continue;
        out->id = s->ids[i];
        out->pet_type = ps_string(pet, "petType");
        out->name = ps_string(pet, "name");
        out->status = ps_string(pet, "status");
        list.pets.len++;
    }
    if (correlation == NULL) { /* a new one, for the client to quote */
        char *id = rt_req_alloc(req, 37);

        ps_uuid(id);
        correlation = id;
    }
    api_list_pets__reply_200(req, &list, limit, &remaining, correlation);
}
