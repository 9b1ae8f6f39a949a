/*
 * petstore — a pet store on the async-demo runtime: the API generated from
 * examples/petstore/openapi.yaml, the handlers beside it, and its modules
 * (the in-memory store, the security schemes' verifiers and settings, the
 * rate limit, the photos' URL), handed to the same runtime target the main
 * service links.
 */
#include "api.h"
#include "rt_app.h"

#include "auth.h"
#include "petstore.h"
#include "pets.h"
#include "store.h"

static const struct rt_module *const modules[] = {
    &store_module,
    &auth_module,
    &petstore_module,
    &photos_module,
};

int main(int argc, char **argv)
{
    const struct rt_app app = {
        .name = "petstore",
        .description = "a pet store on the async-demo runtime, using every construct its generator supports",
        API_RT_APP_FIELDS,
        .modules = modules,
        .n_modules = sizeof(modules) / sizeof(modules[0]),
    };

    return rt_main(&app, argc, argv);
}
