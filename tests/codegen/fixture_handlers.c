/*
 * Handlers of tests/codegen/fixture.yaml's operations that only echo what
 * they received through their reply helpers (JSON-value, map and union
 * bodies; response headers, ranges and default; readOnly/writeOnly and body
 * defaults), and the verifiers of the oauth2 and openIdConnect schemes:
 * test_fixture.c sends the requests and checks the replies.  Kept
 * apart from it to keep each file to one concern and under the size limit.
 */
#include "api.h"
#include "rt_req.h"

#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* A body that is not an object model: a JSON value, validated in full before the handler sees it. */
void handle_batch(struct rt_req *req, const struct api_batch_params *p)
{
    api_batch__reply_200(req, json_object_new_int64((int64_t)json_object_array_length(p->body)));
}

/* A discriminated union as array items (each checked against the branch its tag names): the first back. */
void handle_pets_batch(struct rt_req *req, const struct api_pets_batch_params *p)
{
    api_pets_batch__reply_200(req, json_object_get(json_object_array_get_idx(p->body, 0)));
}

/* Maps (additionalProperties with a schema): key/value pairs in C, written back in order. */
void handle_put_stock(struct rt_req *req, const struct api_put_stock_params *p)
{
    struct api_stock out = p->body;

    if (out.counts.len == 2 && strcmp(out.counts.items[1].key, "b") == 0 && out.counts.items[1].value == 2 &&
        (out.tags.len == 0 || strcmp(out.tags.items[0].value.name, "abc") == 0))
        api_put_stock__reply_200(req, &out);
    else
        rt_req_reply_detail(req, 500, "unexpected map");
}

/* Tagged unions: the enum names the branch, the struct is the branch's. */
void handle_create_owner(struct rt_req *req, const struct api_create_owner_params *p)
{
    const struct api_owner *o = &p->body;

    if ((o->pet.kind == API_OWNER_PET_CAT && o->pet.value.cat->lives == 7) ||
        (o->pet.kind == API_OWNER_PET_DOG && o->pet.value.dog->barks))
        api_create_owner__reply_200(req, o);
    else
        rt_req_reply_detail(req, 500, "unexpected union");
}

/* A request body that is a tagged union: the branch's struct, in request memory. */
void handle_add_pet(struct rt_req *req, const struct api_add_pet_params *p)
{
    char buf[64];

    if (p->body.kind == API_ADD_PET_BODY_CAT)
        snprintf(buf, sizeof(buf), "cat %lld", (long long)p->body.value.cat->lives);
    else
        snprintf(buf, sizeof(buf), "dog %d",
                 p->body.kind == API_ADD_PET_BODY_DOG && p->body.value.dog->barks);
    rt_req_reply_detail(req, 200, buf);
}

void handle_get_special(struct rt_req *req)
{
    api_get_special__reply_200(req, json_object_new_string("special"));
}

void handle_create_item(struct rt_req *req, const struct api_create_item_params *p)
{
    const struct api_item_create *b = &p->body;
    struct api_item item = {.id = 7,
                            .name = b->name,
                            .created_at = "2024-01-01T00:00:00Z",
                            .has_default_ = true,
                            .default_ = b->in_stock};
    const char *tags[] = {b->kind, b->email};

    /* comment is tri-state: absent (error left out), null (error null) or a value (error that value) */
    item.error = b->comment;
    item.error_null = b->comment_null;

    if (b->tags.len == 2 && b->scores.len == 1 && b->main_tag == NULL && b->dims != NULL &&
        b->dims->w == 1.5 && b->has_rating && b->rating == 5 && b->comment == NULL && b->extra != NULL &&
        b->has_quantity == false) {
        item.tags.len = 2;
        item.tags.items = tags;
    }
    api_create_item__reply_201(req, &item);
}

void handle_echo(struct rt_req *req, const struct api_echo_params *p)
{
    struct api_echo200 r = {.word = p->word, .n = p->n, .has_n = p->has_body};

    api_echo__reply_200(req, &r);
}

/* Each mode answers through one reply helper: declared headers, ranges, default, and the bugs they refuse. */
void handle_reply_mode(struct rt_req *req, const struct api_reply_mode_params *p)
{
    struct api_message msg = {.message = "made"};
    struct api_http_error err = {.detail = "bad gateway"};
    int64_t count = 7, retry = 30;
    double ratio = 0.1;
    /* X-Page, a JSON header: borrowed by the helper, ours to put */
    struct json_object *page = json_tokener_parse("{\"next\": 2, \"path\": \"/items/?a=\\u00e9\"}");
    struct json_object *empty = json_object_new_object();

    switch (p->mode) {
    case 1:
        api_reply_mode__reply_201(req, &msg, "/items/1", &count, &ratio, true, page);
        break;
    case 2:
        api_reply_mode__reply_201(req, &msg, "/items/2", NULL, NULL, false,
                                  empty); /* optional ones left out */
        break;
    case 3:
        api_reply_mode__reply_201(req, &msg, NULL, NULL, NULL, true,
                                  page); /* a required header missing: a bug */
        break;
    case 4:
        api_reply_mode__reply_4xx_detail(req, 418, "teapot", &retry);
        break;
    case 5:
        api_reply_mode__reply_4xx_detail(req, 404, "declared on its own", NULL); /* use reply_404: a bug */
        break;
    case 6:
        api_reply_mode__reply_4xx_detail(req, 503, "not a 4xx", NULL);
        break;
    case 7:
        api_reply_mode__reply_5xx(req, 502, &err);
        break;
    case 8:
        api_reply_mode__reply_default(req, 302);
        break;
    case 9:
        api_reply_mode__reply_default(req, 502); /* 5XX is declared: a bug */
        break;
    case 10:
        api_reply_mode__reply_default(req, 201); /* declared on its own: a bug */
        break;
    case 12:
        api_reply_mode__reply_201(req, &msg, "/a\r\nX-Evil: 1", NULL, NULL, true,
                                  page); /* header injection: a bug */
        break;
    case 13:
        api_reply_mode__reply_201(req, &msg, "/items/13", NULL, NULL, true, NULL); /* required JSON: a bug */
        break;
    case 14:
        msg.message = NULL; /* a required string left NULL: a bug, as a required header is */
        api_reply_mode__reply_201(req, &msg, "/items/14", NULL, NULL, true, page);
        break;
    default:
        api_reply_mode__reply_default(req, 700); /* not a status */
    }
    json_object_put(page);
    json_object_put(empty);
}

/* Echoes the gadget: what the request may not set (id, owner) is the server's; password never goes back. */
void handle_create_gadget(struct rt_req *req, const struct api_create_gadget_params *p)
{
    struct api_gadget g = p->body;
    char name[128];

    snprintf(name, sizeof(name), "%s/%s/%d%d%d", g.name, g.password, g.has_size, g.has_ratio, g.has_enabled);
    g.name = name;
    g.id = 9;
    api_create_gadget__reply_201(req, &g);
}

/* --- oauth2 and openIdConnect: bearer tokens whose scopes the verifier judges --- */

/* The requirement's scopes, space-separated, in request memory: the principal the handler echoes. */
static const char *scope_list(struct rt_req *req, const char *const *scopes, size_t n_scopes)
{
    size_t len = 1;
    char *out;

    for (size_t i = 0; i < n_scopes; i++)
        len += strlen(scopes[i]) + 1;
    out = rt_req_alloc(req, len);
    out[0] = '\0';
    for (size_t i = 0; i < n_scopes; i++) {
        if (i > 0)
            strcat(out, " ");
        strcat(out, scopes[i]);
    }
    return out;
}

/* Token "o-all" is granted the scopes me and items, "o-me" only me (403 where items is asked for). */
int handle_security_oauth(struct rt_req *req, int op, const struct rt_auth_credential *cred,
                          const char *const *scopes, size_t n_scopes, const void **principal)
{
    bool all;

    (void)op;
    if (cred == NULL || (strcmp(cred->value, "o-all") != 0 && strcmp(cred->value, "o-me") != 0))
        return 401;
    all = strcmp(cred->value, "o-all") == 0;
    for (size_t i = 0; i < n_scopes; i++)
        if (strcmp(scopes[i], "me") != 0 && !(all && strcmp(scopes[i], "items") == 0))
            return 403;
    *principal = scope_list(req, scopes, n_scopes);
    return 0;
}

int handle_security_oidc(struct rt_req *req, int op, const struct rt_auth_credential *cred,
                         const char *const *scopes, size_t n_scopes, const void **principal)
{
    (void)op;
    if (cred == NULL || strcmp(cred->value, "id-tok") != 0)
        return 401;
    *principal = scope_list(req, scopes, n_scopes);
    return 0;
}

void handle_secure_oauth(struct rt_req *req, const struct api_secure_oauth_params *p)
{
    rt_req_reply_detail(req, 200, p->auth_oauth);
}

void handle_secure_oidc(struct rt_req *req, const struct api_secure_oidc_params *p)
{
    rt_req_reply_detail(req, 200, p->auth_oidc);
}
