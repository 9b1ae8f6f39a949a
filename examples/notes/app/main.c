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
        .description = "a notes service on the async-demo runtime",
        API_RT_APP_FIELDS,
        .modules = modules,
        .n_modules = sizeof(modules) / sizeof(modules[0]),
    };

    return rt_main(&app, argc, argv);
}
