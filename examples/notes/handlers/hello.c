/*
 * GET /hello/{name}: a stateless endpoint with a setting of its own; and
 * the greetings that show the parameter styles: GET /greetings (query
 * array, deepObject, allowEmptyValue, cookie, header array), GET
 * /cards/{name}.{format} (two parameters in a segment) and GET
 * /cheers/{names}/{times} (matrix and label).
 *
 * The greeting is GREETING (--greeting), declared here, next to the code
 * that uses it: the runtime lists it in --help, reads it from the
 * configuration file and the environment, and checks it, like its own.
 */
#include "hello.h"

#include "api.h"
#include "rt_app.h"

#include <ctype.h>
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

/* "<word>, <title> <name><mark>" in request memory, upper-cased when @p shout. */
static const char *greet(struct rt_req *req, const char *word, const char *title, const char *name,
                         const char *mark, bool shout)
{
    size_t len = strlen(word) + strlen(title) + strlen(name) + strlen(mark) + 4;
    char *message = rt_req_alloc(req, len);

    snprintf(message, len, "%s, %s%s%s%s", word, title, title[0] != '\0' ? " " : "", name, mark);
    for (char *p = message; shout && *p != '\0'; p++)
        *p = (char)toupper((unsigned char)*p);
    return message;
}

void handle_list_greetings(struct rt_req *req, const struct api_list_greetings_params *params)
{
    const struct api_greeting_style *style = params->style;
    bool period = style != NULL && style->punctuation != NULL &&
                  strcmp(style->punctuation, API_GREETING_STYLE_PUNCTUATION_PERIOD) == 0;
    bool excited = params->excited_empty || (params->has_excited && params->excited);
    const char *mark = period ? (excited ? ".." : ".") : (excited ? "!!" : "!");
    const char *word = params->lang != NULL && strcmp(params->lang, "fr") == 0 ? "Bonjour" : greeting;
    struct api_greetings body = {
        .messages = {params->to.len, rt_req_alloc(req, params->to.len * sizeof(char *))}};

    for (size_t i = 0; i < params->to.len; i++) {
        const char *title = i < params->x_titles.len ? params->x_titles.items[i] : "";

        body.messages.items[i] = greet(req, word, title, params->to.items[i], mark,
                                       style != NULL && style->has_shout && style->shout);
    }
    api_list_greetings__reply_200(req, &body);
}

void handle_get_card(struct rt_req *req, const struct api_get_card_params *params)
{
    struct api_greeting body = {.message = greet(req, greeting, "", params->name, "!", false)};

    if (strcmp(params->format, "txt") == 0) /* a card to print: the greeting alone, still as JSON */
        body.message = greet(req, "Card", "", body.message, "", false);
    api_get_card__reply_200(req, &body);
}

void handle_cheer(struct rt_req *req, const struct api_cheer_params *params)
{
    struct api_greetings body = {
        .messages = {params->names.len, rt_req_alloc(req, params->names.len * sizeof(char *))}};
    const char *marks[] = {"!", "!!", "!!!"};

    for (size_t i = 0; i < params->names.len; i++)
        body.messages.items[i] =
            greet(req, "Hooray", "", params->names.items[i], marks[params->times - 1], false);
    api_cheer__reply_200(req, &body);
}
