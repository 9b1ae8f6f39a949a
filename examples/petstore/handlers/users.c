/*
 * Users: sign up, log in (a form body; a session cookie's value, and
 * oauth2's access token: this is its password flow's token endpoint), read
 * an account with that session.
 *
 * A user is stored as the User model's JSON (which never holds the
 * password: it is writeOnly) under the username, with the password's
 * SHA-256 digest beside it; a session is stored under its random token,
 * with its expiry and its user: "<unix seconds> <username>".
 */
#include "auth.h"

#include "api.h"
#include "petstore.h"
#include "rt_req.h"
#include "store.h"

#include <inttypes.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SESSION_SECONDS 3600          /* a session's life */
#define REMEMBER_SECONDS (30 * 86400) /* with remember=true */

static void cleanup_user(void *arg)
{
    api_user__cleanup(arg);
}

void handle_create_user(struct rt_req *req, const struct api_create_user_params *params)
{
    struct api_user user = params->body;
    unsigned char digest[STORE_SECRET_LEN];
    char created[32], suffix[64];
    int64_t id;

    ps_time_from_now(0, created);
    user.created_at = created;
    auth_digest(params->body.password, digest);
    id = store_add(STORE_USERS, user.username, ps_text(req, api_user__to_json(&user)), digest);
    if (id == STORE_TAKEN) {
        api_create_user__reply_409_detail(req, "This username is taken");
        return;
    }
    if (id == STORE_FULL) {
        api_create_user__reply_507_detail(req, "The store is full");
        return;
    }
    user.id = id, user.has_id = true;
    snprintf(suffix, sizeof(suffix), "/users/%s", user.username);
    api_create_user__reply_201(req, &user, ps_location(req, suffix));
}

void handle_get_user(struct rt_req *req, const struct api_get_user_params *params)
{
    struct store_rec rec;
    struct json_object *j;
    struct api_user *user = rt_req_alloc(req, sizeof(*user));
    struct rt_valid_errors errs;
    int rc;

    if (store_get(req, STORE_USERS, 0, params->username, &rec) != 0 || (j = ps_parse(req, rec.doc)) == NULL) {
        api_get_user__reply_404_detail(req, "User not found");
        return;
    }
    rt_valid_errors_init(&errs);
    rc = api_user__from_json(j, user, &errs, NULL);
    rt_valid_errors_cleanup(&errs);
    rt_req_defer(req, cleanup_user, user);
    if (rc != 0) {
        rt_req_reply_detail(req, 500, "Internal Server Error");
        return;
    }
    user->id = rec.id, user->has_id = true;
    api_get_user__reply_200(req, user, params->theme);
}

/*
 * The scopes a login asked for (@p asked: space-separated, NULL or "" for none) must be oauth2's (admin);
 * RFC 6749 3.3 lets the token have others than those asked for: the administrator's session has admin, any
 * other none, whatever was asked, and the answer's scope says which.
 * @return NULL, or the first scope that is not oauth2's (in @p bad, @p size bytes).
 */
static const char *unknown_scope(const char *asked, char *bad, size_t size)
{
    size_t n;

    for (const char *s = asked; s != NULL && *s != '\0'; s += n) {
        s += strspn(s, " ");
        n = strcspn(s, " ");
        if (n > 0 && !(n == 5 && strncmp(s, "admin", 5) == 0)) {
            size_t shown = n < 40 ? n : 40;

            while (shown < n && shown > 0 && ((unsigned char)s[shown] & 0xC0) == 0x80)
                shown--; /* cut before a character, never inside one: the answer stays UTF-8 */
            snprintf(bad, size, "%.*s", (int)shown, s);
            return bad;
        }
    }
    return NULL;
}

/* RFC 6749 5.2's error (invalid_grant, invalid_scope) beside FastAPI's detail. */
static void reply_token_error(struct rt_req *req, const char *error, const char *detail)
{
    struct api_token_error e = {.detail = detail, .error = error, .error_description = detail};

    api_login_user__reply_400(req, &e);
}

void handle_login_user(struct rt_req *req, const struct api_login_user_params *params)
{
    unsigned char digest[STORE_SECRET_LEN], raw[24];
    int64_t limit, remaining,
        life = params->body.has_remember && params->body.remember ? REMEMBER_SECONDS : SESSION_SECONDS;
    char token[2 * sizeof(raw) + 1], doc[96], expires[32], bad[48], why[96];
    struct api_session session = {.session = token,
                                  .expires_at = expires,
                                  .access_token = token,
                                  .token_type = "bearer",
                                  .expires_in = life};
    bool admin_name, admin;

    if (!ps_rate_take(&limit, &remaining)) {
        api_login_user__reply_429_detail(req, "Too many requests: try again next minute");
        return;
    }
    if (unknown_scope(params->body.scope, bad, sizeof(bad)) != NULL) {
        snprintf(why, sizeof(why), "Unknown scope '%s': this API has admin", bad);
        reply_token_error(req, "invalid_scope", why);
        return;
    }
    auth_digest(params->body.password, digest);
    /* the administrator's session (its name: oauth2's scope admin) comes from PETSTORE_ADMIN only */
    admin = auth_admin_login(params->body.username, params->body.password, &admin_name);
    if (!admin && (admin_name || !store_secret_matches(STORE_USERS, params->body.username, digest))) {
        reply_token_error(req, "invalid_grant", "Incorrect username or password"); /* FastAPI's words */
        return;
    }
    session.scope = admin ? "admin" : "";
    if (RAND_bytes(raw, sizeof(raw)) != 1) {
        rt_req_reply_detail(req, 503, "Service Unavailable");
        return;
    }
    for (size_t i = 0; i < sizeof(raw); i++)
        snprintf(token + 2 * i, 3, "%02x", raw[i]);
    snprintf(doc, sizeof(doc), "%" PRId64 " %s", (int64_t)time(NULL) + life, params->body.username);
    if (store_add(STORE_SESSIONS, token, doc, NULL) < 0) {
        api_login_user__reply_507_detail(req, "The store is full");
        return;
    }
    ps_time_from_now(life, expires);
    api_login_user__reply_200(req, &session, limit, expires);
}
