/*
 * Pets (handlers/pets.c, pets_more.c): what both files of pet handlers share.
 */
#ifndef PETSTORE_PETS_H
#define PETSTORE_PETS_H

#include "api.h"
#include "rt_app.h"

#include <stdbool.h>
#include <stdint.h>

struct rt_req;
struct json_object;

/**
 * The stored pet @p id (document @p doc, version @p version) as the answer
 * says it: its branch (petType) read back with api_cat__from_json() or
 * api_dog__from_json(), its id set.  Freed when @p req ends.
 * @return 0, or -1 if the document is not a pet (a bug: answer 500).
 */
int pets_entry(struct rt_req *req, int64_t id, const char *doc, int64_t version, struct api_pet_entry *out);

/** The ETag of version @p version of pet @p id, in @p req's memory: "\"<id>.<version>\"". */
const char *pets_etag(struct rt_req *req, int64_t id, int64_t version);

/** Where the photos are served from: PETSTORE_PHOTO_URL (handlers/pets_more.c). */
extern const struct rt_module photos_module;

/** A pet's size (1..3): a cat's or a dog's, with Cat's default (1) and Dog's none (0). */
int64_t pets_size(struct json_object *pet);

#endif /* PETSTORE_PETS_H */
