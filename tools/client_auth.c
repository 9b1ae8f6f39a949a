/*
 * client_auth — async-demo-client's credential options (see client_auth.h).
 */
#include "client_auth.h"

#include "rt_mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct rt_api_client_credentials given;
static char *basic; /* the copy --basic was split in (user-id, NUL, password) */

static int is(const char *name, size_t len, const char *option)
{
    return strlen(option) == len && strncmp(name, option, len) == 0;
}

/* USER:PASSWORD, split at the first ':' (RFC 7617: a user-id has none). */
static int set_basic(const char *val)
{
    char *colon;

    free(basic);
    basic = rt_xstrdup(val);
    colon = strchr(basic, ':');
    if (colon == NULL)
        return -1;
    *colon = '\0';
    given.basic_user = basic;
    given.basic_password = colon + 1;
    return 0;
}

int client_auth_option(const char *name, size_t len, const char *val)
{
    if (is(name, len, "api-key"))
        given.api_key = val;
    else if (is(name, len, "bearer"))
        given.bearer_token = val;
    else if (is(name, len, "basic") && set_basic(val) != 0) {
        fprintf(stderr, "async-demo-client: --basic needs USER:PASSWORD, not '%s'\n", val);
        exit(2);
    } else if (!is(name, len, "basic"))
        return 0;
    return 1;
}

struct rt_api_client_credentials client_auth_credentials(void)
{
    if (given.api_key == NULL)
        given.api_key = getenv("API_KEY");
    if (given.bearer_token == NULL)
        given.bearer_token = getenv("BEARER_TOKEN");
    if (given.basic_user == NULL && getenv("BASIC_AUTH") != NULL && set_basic(getenv("BASIC_AUTH")) != 0)
        given.basic_user = given.basic_password = NULL;
    return given;
}

void client_auth_help(FILE *f)
{
    fprintf(
        f,
        "\nCredentials, sent where an operation's security schemes take them :\n"
        "  --api-key KEY            every apiKey scheme, in its header, query parameter or cookie (API_KEY)\n"
        "  --bearer TOKEN           http bearer: Authorization: Bearer TOKEN (BEARER_TOKEN)\n"
        "  --basic USER:PASSWORD    http basic (BASIC_AUTH)\n\n");
}
