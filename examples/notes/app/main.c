/*
 * notes — a second service on the async-demo runtime: the API generated
 * from examples/notes/openapi.yaml, the handlers beside it, and its two
 * modules, handed to the same runtime target the main service links.
 */
#include "api.h"
#include "rt_app.h"

#include "hello.h"
#include "notes.h"

static const struct rt_module *const modules[] = {
    &notes_module,
    &hello_module,
};

int main(int argc, char **argv)
{
    const struct rt_app app = {
        .name = "notes",
        .version = API_VERSION,
        .description = "a notes service on the async-demo runtime",
        .init = api_init,
        .dispatch = api_dispatch,
        .spec_json = api_spec_json,
        .spec_json_len = api_spec_json_len,
        .title = API_TITLE,
        .modules = modules,
        .n_modules = sizeof(modules) / sizeof(modules[0]),
    };

    return rt_main(&app, argc, argv);
}
