/*
 * FastAPI 0.110 / pydantic 2 shapes (fastapi.json, written as FastAPI emits
 * them) through the generated router: `X | None` query, header and cookie
 * parameters (a default beside the anyOf), an optional body
 * `item: Item | None = None`, readOnly in a model and in a JSON value (a
 * list of models: refused from a request, sent in a response), writeOnly
 * in a JSON value (a list of models, a union: left out of the response), a Literal's
 * const with its default, dict[str, int], list[Child] | None,
 * datetime | None, an Enum by $ref with a default beside it, a default [],
 * and a discriminated oneOf with Literal tags.  The handlers write back what
 * they received; violations must be FastAPI's 422 at the right loc.
 */
#include "../unit/runtime/test.h"
#include "fixture_harness.h"

#include "api.h"
#include "rt_req.h"
#include "rt_valid_schema.h"

#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* --- handlers: each writes back what it received --- */

/* [{"id": limit or -1, "name": q or "none", "when": since, "color": color, "tags": [tags as text],
 *   "counts": {"tags": n, "x_token": 0/1, "ads_id": 0/1}}]: one Item, which the response's schema takes. */
void handle_list_items_items_get(struct rt_req *req, const struct api_list_items_items_get_params *p)
{
    struct json_object *item = json_object_new_object(), *tags = json_object_new_array();
    struct json_object *counts = json_object_new_object(), *list = json_object_new_array();
    char text[32];

    json_object_object_add(item, "id", json_object_new_int64(p->limit));
    json_object_object_add(item, "name", json_object_new_string(p->q != NULL ? p->q : "none"));
    if (p->since != NULL)
        json_object_object_add(item, "when", json_object_new_string(p->since));
    json_object_object_add(item, "color", json_object_new_string(p->color));
    for (size_t i = 0; i < p->tags.len; i++) {
        snprintf(text, sizeof(text), "%lld", (long long)p->tags.items[i]);
        json_object_array_add(tags, json_object_new_string(text));
    }
    json_object_object_add(item, "tags", tags);
    json_object_object_add(counts, "tags", json_object_new_int64((int64_t)p->tags.len));
    json_object_object_add(counts, "x_token", json_object_new_int(p->x_token != NULL));
    json_object_object_add(counts, "ads_id", json_object_new_int(p->ads_id != NULL));
    json_object_object_add(item, "counts", counts);
    json_object_array_add(list, item);
    api_list_items_items_get__reply_200(req, list);
}

/* The Item as the runtime read it (defaults filled in), or null without one. */
void handle_create_item_items_post(struct rt_req *req, const struct api_create_item_items_post_params *p)
{
    api_create_item_items_post__reply_200(req, p->has_body ? api_item__to_json(&p->body) : NULL);
}

/* The pets as sent, each given an id (readOnly: the server's to write). */
void handle_add_pets_pets_batch_post(struct rt_req *req, const struct api_add_pets_pets_batch_post_params *p)
{
    struct json_object *out = json_object_new_array();

    for (size_t i = 0; i < json_object_array_length(p->body); i++) {
        struct json_object *pet = json_object_new_object(), *name = NULL;

        json_object_object_get_ex(json_object_array_get_idx(p->body, i), "name", &name);
        json_object_object_add(pet, "id", json_object_new_int64((int64_t)i + 1));
        json_object_object_add(pet, "name", json_object_get(name));
        json_object_array_add(out, pet);
    }
    api_add_pets_pets_batch_post__reply_200(req, out);
}

/* Pets whose id is readOnly in a base schema and required by an allOf branch beside it. */
void handle_add_pets_base_pets_batch2_post(struct rt_req *req,
                                           const struct api_add_pets_base_pets_batch2_post_params *p)
{
    (void)p;
    api_add_pets_base_pets_batch2_post__reply_204(req);
}

/* "cat:<meows> n=<n>" or "dog:<barks> n=<n>": the branch the discriminator picked. */
void handle_add_pet_pets_post(struct rt_req *req, const struct api_add_pet_pets_post_params *p)
{
    char text[96];

    if (p->body.pet.kind == API_PET_IN_PET_CAT)
        snprintf(text, sizeof(text), "cat:%lld n=%lld", (long long)p->body.pet.value.cat->meows,
                 (long long)p->body.n);
    else
        snprintf(text, sizeof(text), "dog:%g n=%lld", p->body.pet.value.dog->barks, (long long)p->body.n);
    api_add_pet_pets_post__reply_200(req, json_object_new_string(text));
}

/* The users as sent (their passwords are writeOnly: SecretStr); the request's value is kept, to see the reply
 * leave it as it was. */
static struct json_object *kept;

void handle_add_users_users_batch_post(struct rt_req *req,
                                       const struct api_add_users_users_batch_post_params *p)
{
    json_object_put(kept);
    kept = json_object_get(p->body);
    api_add_users_users_batch_post__reply_200(req, json_object_get(p->body));
}

/* The account as sent: a User or an Admin (allOf Credentials, whose password and api_key are writeOnly). */
void handle_add_account_accounts_post(struct rt_req *req,
                                      const struct api_add_account_accounts_post_params *p)
{
    api_add_account_accounts_post__reply_200(req, json_object_get(p->body));
}

/* The team as the runtime read it: its lead (User | Admin) is a JSON value inside the model. */
void handle_add_team_teams_post(struct rt_req *req, const struct api_add_team_teams_post_params *p)
{
    api_add_team_teams_post__reply_200(req, &p->body);
}

/* --- tests --- */

/* Whether the captured answer is a 422 with an entry of @p type at @p loc (JSON text, e.g.
 * "[\"query\",\"q\"]"). */
static bool error_at(const char *type, const char *loc)
{
    char entry[160];

    snprintf(entry, sizeof(entry), "{\"type\":\"%s\",\"loc\":%s", type, loc);
    if (cap.status == 422 && cap.body != NULL && strstr(cap.body, entry) != NULL)
        return true;
    printf("# expected 422 with %s\n#      got %d %s\n", entry, cap.status, cap.body ? cap.body : "(none)");
    return false;
}

/* `x: T | None = Query(...)`: read as T with its keywords; absent is the default (limit) or unset. */
static void test_optional_params(void)
{
    const char *headers[] = {"X-Token", "t", "Cookie", "ads_id=a1", NULL};

    send_req(RT_METHOD_GET, "/items/", NULL, NULL);
    CHECK(cap.status == 200 && body_is("[{\"id\":10,\"name\":\"none\",\"color\":\"red\",\"tags\":[],"
                                       "\"counts\":{\"tags\":0,\"x_token\":0,\"ads_id\":0}}]"));
    send_req(RT_METHOD_GET, "/items/?q=abc&limit=3&since=2024-01-02T03:04:05Z&tags=1&tags=2&color=blue",
             headers, NULL);
    CHECK(cap.status == 200 &&
          body_is("[{\"id\":3,\"name\":\"abc\",\"when\":\"2024-01-02T03:04:05Z\",\"color\":\"blue\","
                  "\"tags\":[\"1\",\"2\"],\"counts\":{\"tags\":2,\"x_token\":1,\"ads_id\":1}}]"));
    send_req(RT_METHOD_GET, "/items/?limit=0", NULL, NULL);
    CHECK(error_at("greater_than_equal", "[\"query\",\"limit\"]"));
    send_req(RT_METHOD_GET, "/items/?limit=101", NULL, NULL);
    CHECK(error_at("less_than_equal", "[\"query\",\"limit\"]"));
    send_req(RT_METHOD_GET, "/items/?limit=ten", NULL, NULL);
    CHECK(error_at("int_parsing", "[\"query\",\"limit\"]"));
    send_req(RT_METHOD_GET, "/items/?limit=null", NULL, NULL); /* text never carries null */
    CHECK(error_at("int_parsing", "[\"query\",\"limit\"]"));
    send_req(RT_METHOD_GET, "/items/?q=ABC", NULL, NULL);
    CHECK(error_at("string_pattern_mismatch", "[\"query\",\"q\"]"));
    send_req(RT_METHOD_GET, "/items/?since=yesterday", NULL, NULL);
    CHECK(cap.status == 422 && strstr(cap.body, "\"loc\":[\"query\",\"since\"]") != NULL);
    send_req(RT_METHOD_GET, "/items/?tags=1&tags=x", NULL, NULL);
    CHECK(error_at("int_parsing", "[\"query\",\"tags\",1]"));
    send_req(RT_METHOD_GET, "/items/?color=pink", NULL, NULL);
    CHECK(error_at("enum", "[\"query\",\"color\"]"));
}

/* `item: Item | None = None`: the typed Item, or no item for no body and for JSON null. */
static void test_optional_body(void)
{
    const char *json[] = {"Content-Type", "application/json", NULL};

    send_req(RT_METHOD_POST, "/items/", json, NULL);
    CHECK(cap.status == 200 && body_is("null"));
    send_req(RT_METHOD_POST, "/items/", json, "null");
    CHECK(cap.status == 200 && body_is("null"));
    /* kind (a Literal's const) and color (an Enum by $ref) get their defaults; tags' [] is the empty array;
       when (nullable, no default) is absent, and stays so in the echo (null only when sent as null) */
    send_req(RT_METHOD_POST, "/items/", json, "{\"name\":\"Ada\"}");
    CHECK(cap.status == 200 && body_is("{\"id\":0,\"name\":\"Ada\",\"kind\":\"item\",\"counts\":{},"
                                       "\"children\":[],\"color\":\"green\",\"tags\":[]}"));
    send_req(RT_METHOD_POST, "/items/", json,
             "{\"name\":\"Ada\",\"kind\":\"item\",\"counts\":{\"a\":1},\"children\":[{\"n\":2}],"
             "\"when\":\"2024-01-02T03:04:05Z\",\"color\":\"blue\",\"tags\":[\"x\"]}");
    CHECK(cap.status == 200 && body_is("{\"id\":0,\"name\":\"Ada\",\"kind\":\"item\",\"counts\":{\"a\":1},"
                                       "\"children\":[{\"n\":2}],\"when\":\"2024-01-02T03:04:05Z\","
                                       "\"color\":\"blue\",\"tags\":[\"x\"]}"));
    send_req(RT_METHOD_POST, "/items/", json, "{\"name\":\"Ada\",\"children\":null,\"when\":null}");
    CHECK(cap.status == 200 && strstr(cap.body, "\"children\":null,\"when\":null,") != NULL);
    send_req(RT_METHOD_POST, "/items/", json, "{\"id\":3,\"name\":\"Ada\"}");
    CHECK(error_at("read_only", "[\"body\",\"id\"]"));
    send_req(RT_METHOD_POST, "/items/", json, "{\"name\":\"Ada 1\"}");
    CHECK(error_at("string_pattern_mismatch", "[\"body\",\"name\"]"));
    send_req(RT_METHOD_POST, "/items/", json, "{\"name\":\"Ada\",\"kind\":\"thing\"}");
    CHECK(error_at("literal_error", "[\"body\",\"kind\"]"));
    send_req(RT_METHOD_POST, "/items/", json, "{\"name\":\"Ada\",\"counts\":{\"a\":\"x\"}}");
    CHECK(error_at("int_type", "[\"body\",\"counts\",\"a\"]"));
    send_req(RT_METHOD_POST, "/items/", json, "{\"name\":\"Ada\",\"children\":[{\"n\":\"x\"}]}");
    CHECK(error_at("int_type", "[\"body\",\"children\",0,\"n\"]"));
    send_req(RT_METHOD_POST, "/items/", json, "{\"name\":\"Ada\",\"when\":\"soon\"}");
    CHECK(cap.status == 422 && strstr(cap.body, "\"loc\":[\"body\",\"when\"]") != NULL);
    send_req(RT_METHOD_POST, "/items/", json, "{\"name\":\"Ada\",\"color\":\"pink\"}");
    CHECK(error_at("enum", "[\"body\",\"color\"]"));
    send_req(RT_METHOD_POST, "/items/", json, "[]");
    CHECK(error_at("model_attributes_type", "[\"body\"]"));
}

/* A list of models is a JSON value: readOnly is refused from the request (and not required there), and the
 * response, which carries it, is the server's. */
static void test_read_only_value(void)
{
    const char *json[] = {"Content-Type", "application/json", NULL};

    send_req(RT_METHOD_POST, "/pets/batch", json, "[{\"name\":\"Rex\"},{\"name\":\"Tom\"}]");
    CHECK(cap.status == 200 && body_is("[{\"id\":1,\"name\":\"Rex\"},{\"id\":2,\"name\":\"Tom\"}]"));
    send_req(RT_METHOD_POST, "/pets/batch", json, "[{\"name\":\"Rex\"},{\"id\":7,\"name\":\"Tom\"}]");
    CHECK(error_at("read_only", "[\"body\",1,\"id\"]"));
    send_req(RT_METHOD_POST, "/pets/batch", json, "[{\"id\":7}]");
    CHECK(error_at("read_only", "[\"body\",0,\"id\"]") && error_at("missing", "[\"body\",0,\"name\"]"));
    /* readOnly in the base, required by the allOf branch beside it: a request need not send it either */
    send_req(RT_METHOD_POST, "/pets/batch2", json, "[{\"name\":\"Rex\"}]");
    CHECK(cap.status == 204);
    send_req(RT_METHOD_POST, "/pets/batch2", json, "[{\"id\":7,\"name\":\"Rex\"}]");
    CHECK(error_at("read_only", "[\"body\",0,\"id\"]"));
    send_req(RT_METHOD_POST, "/pets/batch2", json, "[{}]");
    CHECK(cap.status == 422 && error_at("missing", "[\"body\",0,\"name\"]") &&
          !error_at("missing", "[\"body\",0,\"id\"]"));
}

/* Whether @p text is valid against @p s, as a response's value (@p request false) or a request's. */
static bool valid_as(const struct rt_valid_schema *s, const char *text, bool request)
{
    struct json_object *j = json_tokener_parse(text);
    bool ok =
        request ? rt_valid_schema_check_request(s, j, NULL, NULL) : rt_valid_schema_check(s, j, NULL, NULL);

    json_object_put(j);
    return ok;
}

/* writeOnly (pydantic's SecretStr) in a JSON value: required in a request, left out of the response, which
 * need not have it; in a union, the branches the value is valid against say what is left out. */
static void test_write_only_value(void)
{
    const char *json[] = {"Content-Type", "application/json", NULL};
    struct json_object *password = NULL;

    send_req(RT_METHOD_POST, "/users/batch", json,
             "[{\"email\":\"a@x.org\",\"password\":\"s3cret\"},{\"email\":\"b@x.org\",\"password\":\"p\"}]");
    CHECK(cap.status == 200 && body_is("[{\"email\":\"a@x.org\"},{\"email\":\"b@x.org\"}]"));
    /* the value the handler still holds is as it was: the reply left a copy without the members */
    CHECK(kept != NULL &&
          json_object_object_get_ex(json_object_array_get_idx(kept, 0), "password", &password) &&
          strcmp(json_object_get_string(password), "s3cret") == 0);
    send_req(RT_METHOD_POST, "/users/batch", json, "[{\"email\":\"a@x.org\"}]");
    CHECK(error_at("missing", "[\"body\",0,\"password\"]"));
    /* the client's check of a response: a writeOnly property is required in requests only */
    CHECK(valid_as(&api_add_users_users_batch_post__response_200_schema, "[{\"email\":\"a@x.org\"}]", false));
    CHECK(!valid_as(&api_add_users_users_batch_post__body_schema, "[{\"email\":\"a@x.org\"}]", true));

    send_req(RT_METHOD_POST, "/accounts/", json, "{\"email\":\"a@x.org\",\"password\":\"p\"}");
    CHECK(cap.status == 200 && body_is("{\"email\":\"a@x.org\"}"));
    send_req(RT_METHOD_POST, "/accounts/", json, "{\"role\":\"admin\",\"password\":\"p\",\"api_key\":\"k\"}");
    CHECK(cap.status == 200 && body_is("{\"role\":\"admin\"}"));
    /* an email beside an Admin's members: the User branch holds too, and applies as well */
    send_req(RT_METHOD_POST, "/accounts/", json,
             "{\"email\":\"a@x.org\",\"role\":\"admin\",\"password\":\"p\",\"api_key\":\"k\"}");
    CHECK(cap.status == 200 && body_is("{\"email\":\"a@x.org\",\"role\":\"admin\"}"));
    /* Admin requires password beside Credentials, which declares it writeOnly (response_optional) */
    CHECK(valid_as(&api_add_account_accounts_post__response_200_schema, "{\"role\":\"admin\"}", false));
    CHECK(!valid_as(&api_add_account_accounts_post__body_schema, "{\"role\":\"admin\"}", true));
    /* a model's field kept as JSON: the model writer leaves its writeOnly members out too */
    send_req(RT_METHOD_POST, "/teams/", json,
             "{\"name\":\"t\",\"lead\":{\"email\":\"a@x.org\",\"password\":\"p\"}}");
    CHECK(cap.status == 200 && body_is("{\"name\":\"t\",\"lead\":{\"email\":\"a@x.org\"}}"));
}

/* A discriminated oneOf with Literal tags and a mapping. */
static void test_discriminator(void)
{
    const char *json[] = {"Content-Type", "application/json", NULL};

    send_req(RT_METHOD_POST, "/pets/", json, "{\"pet\":{\"pet_type\":\"cat\",\"meows\":3},\"n\":1}");
    CHECK(cap.status == 200 && body_is("\"cat:3 n=1\""));
    send_req(RT_METHOD_POST, "/pets/", json, "{\"pet\":{\"pet_type\":\"dog\",\"barks\":1.5},\"n\":2}");
    CHECK(cap.status == 200 && body_is("\"dog:1.5 n=2\""));
    send_req(RT_METHOD_POST, "/pets/", json, "{\"pet\":{\"pet_type\":\"cow\"},\"n\":2}");
    CHECK(error_at("union_tag_invalid", "[\"body\",\"pet\"]"));
    send_req(RT_METHOD_POST, "/pets/", json, "{\"pet\":{\"pet_type\":\"dog\",\"barks\":\"x\"},\"n\":2}");
    CHECK(cap.status == 422 && strstr(cap.body, "\"loc\":[\"body\",\"pet\",") != NULL &&
          strstr(cap.body, "\"barks\"]") != NULL);
}

int main(void)
{
    api_init();
    test_optional_params();
    test_optional_body();
    test_read_only_value();
    test_write_only_value();
    test_discriminator();
    json_object_put(kept);
    rt_req_capture_cleanup(&cap);
    return test_done();
}
