/*
 * The pet store's records, in memory: one array per table, scanned under
 * one mutex.  The tables are small (PETSTORE_CAPACITY records each, 1000 by
 * default) and every operation holds the lock for a scan and a copy, never
 * across I/O, so the worker threads do not wait on one another for long.
 */
#include "store.h"

#include "rt_mem.h"
#include "rt_req.h"

#include <openssl/crypto.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct record {
    int64_t id;
    char *key;
    char *doc;
    int64_t version;
    bool has_secret;
    unsigned char secret[STORE_SECRET_LEN];
};

struct table {
    struct record *recs; /* n of them, in id order */
    size_t n;
    int64_t next_id;
};

static int capacity = 1000; /* PETSTORE_CAPACITY */
static struct table tables[STORE_N_TABLES];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static const struct rt_option options[] = {
    {"petstore-capacity", "PETSTORE_CAPACITY", RT_OPTION_COUNT, &capacity, 0, "1000", NULL,
     "records each table of the store holds (at most 1024) (pets, orders, users...); more are answered 507",
     NULL},
};

/* GET /pets judges a copy of every pet: the tables stay small. */
static int check_capacity(char *err, size_t errlen)
{
    if (capacity > STORE_MAX_CAPACITY) {
        rt_config_add_err(err, errlen, "petstore-capacity: at most %d", STORE_MAX_CAPACITY);
        return -1;
    }
    return 0;
}

static const struct rt_option_group option_group = {"store", options, sizeof(options) / sizeof(options[0]),
                                                    check_capacity};

/* Free every record when the service stops. */
static void stop(int grace_ms)
{
    (void)grace_ms;
    pthread_mutex_lock(&lock);
    for (size_t t = 0; t < STORE_N_TABLES; t++) {
        for (size_t i = 0; i < tables[t].n; i++) {
            free(tables[t].recs[i].key);
            free(tables[t].recs[i].doc);
        }
        free(tables[t].recs);
        memset(&tables[t], 0, sizeof(tables[t]));
    }
    pthread_mutex_unlock(&lock);
}

const struct rt_module store_module = {
    .name = "store",
    .options = &option_group,
    .stop = stop,
};

/* The record with @id (key NULL) or @key in @tb, or NULL; the lock is held. */
static struct record *find(struct table *tb, int64_t id, const char *key)
{
    for (size_t i = 0; i < tb->n; i++) {
        struct record *r = &tb->recs[i];

        if (key != NULL ? r->key != NULL && strcmp(r->key, key) == 0 : r->id == id)
            return r;
    }
    return NULL;
}

/* Append a record to @tb; the lock is held.  @return its id, STORE_FULL or STORE_TAKEN. */
static int64_t add_locked(struct table *tb, const char *key, const char *doc, const unsigned char *secret)
{
    struct record *r;

    if (key != NULL && find(tb, 0, key) != NULL)
        return STORE_TAKEN;
    if (tb->n >= (size_t)capacity)
        return STORE_FULL;
    if (tb->recs == NULL)
        tb->recs = rt_xcalloc((size_t)capacity, sizeof(*tb->recs));
    r = &tb->recs[tb->n++];
    memset(r, 0, sizeof(*r));
    r->id = ++tb->next_id;
    r->key = key != NULL ? rt_xstrdup(key) : NULL;
    r->doc = rt_xstrdup(doc);
    r->version = 1;
    if (secret != NULL) {
        r->has_secret = true;
        memcpy(r->secret, secret, STORE_SECRET_LEN);
    }
    return r->id;
}

int64_t store_add(enum store_table t, const char *key, const char *doc, const unsigned char *secret)
{
    int64_t id;

    pthread_mutex_lock(&lock);
    id = add_locked(&tables[t], key, doc, secret);
    pthread_mutex_unlock(&lock);
    return id;
}

/* Replace @r's document; the lock is held. */
static int64_t replace(struct record *r, const char *doc)
{
    char *copy = rt_xstrdup(doc);

    free(r->doc);
    r->doc = copy;
    return ++r->version;
}

int64_t store_set(enum store_table t, int64_t id, const char *doc)
{
    struct record *r;
    int64_t version = STORE_NOT_FOUND;

    pthread_mutex_lock(&lock);
    r = find(&tables[t], id, NULL);
    if (r != NULL)
        version = replace(r, doc);
    pthread_mutex_unlock(&lock);
    return version;
}

int64_t store_put(enum store_table t, const char *key, const char *doc)
{
    struct record *r;
    int64_t id;

    pthread_mutex_lock(&lock);
    r = find(&tables[t], 0, key);
    if (r != NULL) {
        replace(r, doc);
        id = r->id;
    } else {
        id = add_locked(&tables[t], key, doc, NULL);
    }
    pthread_mutex_unlock(&lock);
    return id;
}

int store_get(struct rt_req *req, enum store_table t, int64_t id, const char *key, struct store_rec *out)
{
    struct record *r;
    int rc = STORE_NOT_FOUND;

    pthread_mutex_lock(&lock);
    r = find(&tables[t], id, key);
    if (r != NULL) {
        out->id = r->id;
        out->key = r->key != NULL ? rt_req_strndup(req, r->key, strlen(r->key)) : NULL;
        out->doc = rt_req_strndup(req, r->doc, strlen(r->doc));
        out->version = r->version;
        rc = 0;
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

/* Remove the record at @r from @tb, keeping the others in id order; the lock is held. */
static void remove_at(struct table *tb, struct record *r)
{
    size_t i = (size_t)(r - tb->recs);

    free(r->key);
    free(r->doc);
    memmove(r, r + 1, (tb->n - i - 1) * sizeof(*r));
    tb->n--;
}

int store_remove(enum store_table t, int64_t id)
{
    struct record *r;
    int rc = STORE_NOT_FOUND;

    pthread_mutex_lock(&lock);
    r = find(&tables[t], id, NULL);
    if (r != NULL) {
        remove_at(&tables[t], r);
        rc = 0;
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

void store_remove_key(enum store_table t, const char *key)
{
    struct record *r;

    pthread_mutex_lock(&lock);
    r = find(&tables[t], 0, key);
    if (r != NULL)
        remove_at(&tables[t], r);
    pthread_mutex_unlock(&lock);
}

void store_each(enum store_table t, bool (*fn)(const struct store_rec *rec, void *arg), void *arg)
{
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < tables[t].n; i++) {
        const struct record *r = &tables[t].recs[i];
        struct store_rec rec = {r->id, r->key, r->doc, r->version};

        if (!fn(&rec, arg))
            break;
    }
    pthread_mutex_unlock(&lock);
}

bool store_secret_matches(enum store_table t, const char *key, const unsigned char *secret)
{
    const struct record *r;
    bool ok = false;

    pthread_mutex_lock(&lock);
    r = find(&tables[t], 0, key);
    if (r != NULL && r->has_secret)
        ok = CRYPTO_memcmp(r->secret, secret, STORE_SECRET_LEN) == 0;
    pthread_mutex_unlock(&lock);
    return ok;
}
