/*
 * What the pet store's handlers share: JSON documents in and out of request
 * memory, Location URLs under the API's mount, the rate limit, ids.
 */
#include "petstore.h"

#include "rt_req.h"
#include "rt_time.h"

#include <inttypes.h>
#include <json-c/json.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static int rate_limit = 600; /* PETSTORE_RATE_LIMIT: requests per minute */

/* This minute's allowance, for the whole process. */
static pthread_mutex_t rate_lock = PTHREAD_MUTEX_INITIALIZER;
static int64_t rate_minute = -1;
static int64_t rate_used;

static const struct rt_option options[] = {
    {"petstore-rate-limit", "PETSTORE_RATE_LIMIT", RT_OPTION_COUNT, &rate_limit, 0, "600", NULL,
     "requests per minute GET /pets and POST /users/login take, all clients together (then 429)", NULL},
};

static const struct rt_option_group option_group = {"limits", options, sizeof(options) / sizeof(options[0]),
                                                    NULL};

const struct rt_module petstore_module = {
    .name = "petstore",
    .options = &option_group,
};

static void put_json(void *arg)
{
    json_object_put(arg);
}

const char *ps_text(struct rt_req *req, struct json_object *j)
{
    size_t len;
    const char *text = json_object_to_json_string_length(j, JSON_C_TO_STRING_PLAIN, &len);
    char *copy = rt_req_strndup(req, text, len);

    json_object_put(j);
    return copy;
}

struct json_object *ps_parse(struct rt_req *req, const char *doc)
{
    struct json_object *j = json_tokener_parse(doc);

    if (j != NULL)
        rt_req_defer(req, put_json, j);
    return j;
}

const char *ps_string(struct json_object *obj, const char *key)
{
    struct json_object *v;

    if (!json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

bool ps_int(struct json_object *obj, const char *key, int64_t *out)
{
    struct json_object *v;

    if (!json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, json_type_int))
        return false;
    *out = json_object_get_int64(v);
    return true;
}

const char *ps_location(struct rt_req *req, const char *suffix)
{
    const char *full = rt_req_full_path(req), *path = rt_req_path(req);
    size_t full_len = strlen(full), path_len = strlen(path);
    /* under a mount, rt_req_path() is the rest of the full path (or "/" when nothing follows) */
    size_t mount = full_len >= path_len && strcmp(full + full_len - path_len, path) == 0 ? full_len - path_len
                                                                                         : full_len;
    size_t len = mount + strlen(suffix);
    char *out = rt_req_alloc(req, len + 1);

    memcpy(out, full, mount);
    memcpy(out + mount, suffix, strlen(suffix) + 1);
    return out;
}

bool ps_rate_take(int64_t *limit, int64_t *remaining)
{
    int64_t minute = (int64_t)time(NULL) / 60;
    bool ok;

    pthread_mutex_lock(&rate_lock);
    if (minute != rate_minute) {
        rate_minute = minute;
        rate_used = 0;
    }
    ok = rate_used < rate_limit;
    if (ok)
        rate_used++;
    *limit = rate_limit;
    *remaining = rate_limit - rate_used;
    pthread_mutex_unlock(&rate_lock);
    return ok;
}

void ps_uuid(char *out)
{
    unsigned char b[16];

    if (RAND_bytes(b, sizeof(b)) != 1) /* no randomness left: ids must still be unique, not secret */
        for (size_t i = 0; i < sizeof(b); i++)
            b[i] = (unsigned char)(rt_time_mono_ns() >> (i % 8 * 8));
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* variant RFC 9562 */
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
             b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

void ps_time_from_now(int64_t seconds, char *out)
{
    time_t t = time(NULL) + (time_t)seconds;
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
