/*
 * Who may do what (handlers/auth.c): the verifiers of the spec's six
 * security schemes and the settings they read.
 */
#ifndef PETSTORE_AUTH_H
#define PETSTORE_AUTH_H

#include "rt_app.h"

#include <stdbool.h>

/** Its settings: PETSTORE_API_KEY, PETSTORE_TOKEN, PETSTORE_ADMIN. */
extern const struct rt_module auth_module;

/** SHA-256 of @p secret into @p out (32 bytes): what is stored and compared instead of a secret. */
void auth_digest(const char *secret, unsigned char *out);

/**
 * Whether @p user and @p password are the administrator's (PETSTORE_ADMIN), for POST /users/login.
 * @param admin_name out: whether @p user is the administrator's name (then only its password logs in: a user
 *        who signed up under that name must not get the administrator's session)
 */
bool auth_admin_login(const char *user, const char *password, bool *admin_name);

#endif /* PETSTORE_AUTH_H */
