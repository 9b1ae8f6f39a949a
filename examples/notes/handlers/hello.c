/*
 * GET /hello/{name}: a stateless endpoint with a setting of its own.
 *
 * The greeting is GREETING (--greeting), declared here, next to the code
 * that uses it: the runtime lists it in --help, reads it from the
 * configuration file and the environment, and checks it, like its own.
 */
#include "hello.h"

#include "api.h"
#include "rt_app.h"

#include <stdio.h>
#include <string.h>

static char greeting[64];

static const struct rt_option options[] = {
    {"greeting", "GREETING", RT_OPTION_STRING, greeting, sizeof(greeting), "Hello", NULL,
     "what GET /hello/{name} says before the name", NULL},
};

static const struct rt_option_group option_group = {"greetings", options,
                                                    sizeof(options) / sizeof(options[0]), NULL};

const struct rt_module hello_module = {
    .name = "hello",
    .options = &option_group,
};

void handle_say_hello(struct rt_req *req, const struct api_say_hello_params *params)
{
    size_t len = strlen(greeting) + strlen(params->name) + 4;
    char *message = rt_req_alloc(req, len);
    struct api_greeting body;

    snprintf(message, len, "%s, %s!", greeting, params->name);
    body.message = message;
    api_say_hello__reply_200(req, &body);
}
