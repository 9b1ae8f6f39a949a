/*
 * The pet store's records (handlers/store.c): pets, their labels and notes, orders,
 * users and login sessions, kept in memory by one store that every worker
 * thread shares (under a mutex), for as long as the process runs.
 *
 * A record is an id (1, 2, ... per table), an optional unique key (an order's
 * uuid, a username, a session token), a document (JSON text, as the model's
 * api_<schema>__to_json() wrote it), a version (1, then +1 per change) and an
 * optional secret digest (a user's password, SHA-256).  The store owns its
 * copies; what it hands out is copied into request memory.
 */
#ifndef PETSTORE_STORE_H
#define PETSTORE_STORE_H

#include "rt_app.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rt_req;

enum store_table {
    STORE_PETS,
    STORE_LABELS,
    STORE_NOTES,
    STORE_ORDERS,
    STORE_USERS,
    STORE_SESSIONS,
    STORE_N_TABLES
};

#define STORE_FULL (-1)      /* the table holds PETSTORE_CAPACITY records */
#define STORE_TAKEN (-2)     /* another record has this key */
#define STORE_NOT_FOUND (-3) /* no record has this id or key */

#define STORE_MAX_CAPACITY 1024 /* the largest PETSTORE_CAPACITY */
#define STORE_SECRET_LEN 32     /* bytes of a secret digest (SHA-256) */

/** Its setting: PETSTORE_CAPACITY, the records each table may hold. */
extern const struct rt_module store_module;

/** One record as store_get() and store_each() hand it out. */
struct store_rec {
    int64_t id;
    const char *key; /* NULL: none */
    const char *doc;
    int64_t version;
};

/**
 * Add a record with @p doc, under @p key (NULL: none) and @p secret
 * (STORE_SECRET_LEN bytes, or NULL).  @return its id, STORE_FULL or
 * STORE_TAKEN.
 */
int64_t store_add(enum store_table t, const char *key, const char *doc, const unsigned char *secret);

/** Replace the document of record @p id (its version grows by one). @return its new version, or
 * STORE_NOT_FOUND. */
int64_t store_set(enum store_table t, int64_t id, const char *doc);

/** Put @p doc under @p key: replace the record's, or add one. @return its id, STORE_FULL. */
int64_t store_put(enum store_table t, const char *key, const char *doc);

/**
 * Find the record with @p id (@p key NULL) or with @p key, and copy it into
 * @p req's memory.  @return 0, or STORE_NOT_FOUND.
 */
int store_get(struct rt_req *req, enum store_table t, int64_t id, const char *key, struct store_rec *out);

/** Remove record @p id. @return 0, or STORE_NOT_FOUND. */
int store_remove(enum store_table t, int64_t id);

/** Remove the record with @p key, if any. */
void store_remove_key(enum store_table t, const char *key);

/**
 * Call @p fn for every record of @p t in id order, under the store's lock:
 * @p fn must be quick and must not call the store.  The record's strings
 * are valid during the call only.  @p fn returns false to stop.
 */
void store_each(enum store_table t, bool (*fn)(const struct store_rec *rec, void *arg), void *arg);

/** Whether the record with @p key has @p secret (compared in constant time). */
bool store_secret_matches(enum store_table t, const char *key, const unsigned char *secret);

#endif /* PETSTORE_STORE_H */
