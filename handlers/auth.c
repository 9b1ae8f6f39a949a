/*
 * Who may do what: the verifiers of openapi.yaml's security schemes and
 * the settings they read.
 *
 *   adminKey (X-API-Key header)   DELETE /users/{user_email}: one of the
 *                                 keys of ADMIN_API_KEYS; none configured
 *                                 means nobody (401), said at start-up.
 *   metricsBearer (Bearer token)  GET /metrics, which the spec lets in
 *                                 anonymously too ({}): open while
 *                                 METRICS_TOKEN is unset; once set, the
 *                                 token is needed.
 *
 * Secrets are compared through their SHA-256 digests with CRYPTO_memcmp(),
 * so the time taken says nothing about how much of a key matched nor how
 * long the keys are, and they never reach a log line or an answer.
 * A wrong key is 401 (not authenticated), not 403: the demo has no key
 * that authenticates without authorizing.
 */
#include "auth.h"

#include "api.h"
#include "rt_log.h"
#include "rt_mem.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <string.h>

#define MAX_KEYS 16
#define MIN_SECRET_LEN 16 /* characters: a short secret is guessable */

static char admin_api_keys[1024]; /* ADMIN_API_KEYS: comma-separated */
static char metrics_token[256];   /* METRICS_TOKEN */

/* The digests of the configured secrets, set by check() before the workers start, read-only after. */
static unsigned char key_digests[MAX_KEYS][SHA256_DIGEST_LENGTH];
static size_t n_keys;
static unsigned char token_digest[SHA256_DIGEST_LENGTH];
static bool token_set;

/* --check-config and the log show that a secret is set, never the secret. */
static char *redact(const char *value)
{
    return value[0] == '\0' ? rt_xstrdup("") : NULL;
}

static const struct rt_option options[] = {
    {"admin-api-keys", "ADMIN_API_KEYS", RT_OPTION_STRING, admin_api_keys, sizeof(admin_api_keys), NULL,
     "none",
     "API keys accepted in X-API-Key for DELETE /users/{user_email}, comma-separated, 16+ characters each "
     "(none: the operation refuses every call)",
     redact},
    {"metrics-token", "METRICS_TOKEN", RT_OPTION_STRING, metrics_token, sizeof(metrics_token), NULL, "none",
     "bearer token GET /metrics then requires, 16+ characters (none: /metrics is open)", redact},
};

/* Split ADMIN_API_KEYS and hash every secret; refuse short or too many keys. */
static int check_secrets(char *err, size_t errlen)
{
    const char *p = admin_api_keys;

    n_keys = 0;
    while (*p != '\0') {
        size_t len = strcspn(p, ",");

        if (len < MIN_SECRET_LEN || n_keys == MAX_KEYS) {
            rt_config_add_err(err, errlen,
                              "admin-api-keys: each key must have at least %d characters, and at most "
                              "%d keys may be given",
                              MIN_SECRET_LEN, MAX_KEYS);
            return -1;
        }
        SHA256((const unsigned char *)p, len, key_digests[n_keys++]);
        p += len;
        if (*p == ',')
            p++;
    }
    token_set = metrics_token[0] != '\0';
    if (token_set && strlen(metrics_token) < MIN_SECRET_LEN) {
        rt_config_add_err(err, errlen, "metrics-token: the token must have at least %d characters",
                          MIN_SECRET_LEN);
        return -1;
    }
    if (token_set)
        SHA256((const unsigned char *)metrics_token, strlen(metrics_token), token_digest);
    return 0;
}

static const struct rt_option_group option_group = {"access", options, sizeof(options) / sizeof(options[0]),
                                                    check_secrets};

/* Say at start-up what is protected and what is not (never with a secret). */
static int start(struct rt_db *db)
{
    (void)db;
    if (n_keys == 0)
        rt_log_warning("ADMIN_API_KEYS is not set: DELETE /users/{user_email} refuses every call (401)");
    else
        rt_log_info("DELETE /users/{user_email} accepts %zu API key(s) in X-API-Key", n_keys);
    rt_log_info(token_set ? "GET /metrics requires the bearer token METRICS_TOKEN"
                          : "GET /metrics is open (METRICS_TOKEN is not set)");
    return 0;
}

const struct rt_module auth_module = {
    .name = "auth",
    .options = &option_group,
    .start = start,
};

/* Does secret match one of n digests?  Every digest is compared, in constant time each. */
static bool matches(const char *secret, const unsigned char (*digests)[SHA256_DIGEST_LENGTH], size_t n)
{
    unsigned char d[SHA256_DIGEST_LENGTH];
    int found = 0;
    size_t i;

    SHA256((const unsigned char *)secret, strlen(secret), d);
    for (i = 0; i < n; i++)
        found |= CRYPTO_memcmp(d, digests[i], sizeof(d)) == 0;
    return found != 0;
}

int handle_security_admin_key(struct rt_req *req, int op, const struct rt_auth_credential *cred,
                              const char *const *scopes, size_t n_scopes, const void **principal)
{
    (void)req, (void)op, (void)scopes, (void)n_scopes, (void)principal;
    if (cred == NULL || n_keys == 0)
        return 401;
    return matches(cred->value, (const unsigned char(*)[SHA256_DIGEST_LENGTH])key_digests, n_keys) ? 0 : 401;
}

int handle_security_metrics_bearer(struct rt_req *req, int op, const struct rt_auth_credential *cred,
                                   const char *const *scopes, size_t n_scopes, const void **principal)
{
    (void)req, (void)op, (void)scopes, (void)n_scopes, (void)principal;
    if (cred == NULL) /* anonymous: fine while no token is configured */
        return token_set ? 401 : 0;
    if (!token_set) /* a token sent where none is configured is not one we know */
        return 401;
    return matches(cred->value, (const unsigned char(*)[SHA256_DIGEST_LENGTH]) & token_digest, 1) ? 0 : 401;
}
