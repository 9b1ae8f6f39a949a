/*
 * client_auth — async-demo-client's credential options: --api-key,
 * --bearer, --basic (or the environment's API_KEY, BEARER_TOKEN,
 * BASIC_AUTH), sent by rt_api_client where an operation's security
 * schemes take them.
 */
#ifndef CLIENT_AUTH_H
#define CLIENT_AUTH_H

#include "rt_api_client.h"

#include <stddef.h>
#include <stdio.h>

/**
 * Take option --@p name (@p len bytes, not NUL-terminated) with value
 * @p val if it is a credential option.  @p val must outlive the calls.
 * @return 1 if taken, 0 if @p name is another option; exits with status 2
 *         (a usage error) when --basic has no ':'.
 */
int client_auth_option(const char *name, size_t len, const char *val);

/** @return the credentials given (options over the environment), for struct rt_api_client.auth. */
struct rt_api_client_credentials client_auth_credentials(void);

/** Print the credential options' help lines to @p f. */
void client_auth_help(FILE *f);

#endif /* CLIENT_AUTH_H */
