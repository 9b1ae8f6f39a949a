/*
 * async-demo — the application: the API generated from openapi.yaml, the
 * handlers in handlers/, and the modules with state of their own, handed
 * to the runtime (runtime/server/rt_app.h).
 *
 * A stateless handler file needs nothing here: the build finds it.  A
 * module with its own settings, tables or start/stop is one line in
 * modules[].
 */
#include "api.h"
#include "rt_app.h"

#include "auth.h"
#include "external.h"
#include "tasks.h"
#include "users.h"

/* Started in this order (their tables are created in this order too), stopped in reverse. */
static const struct rt_module *const modules[] = {
    &users_module,
    &tasks_module,
    &external_module,
    &auth_module,
};

int main(int argc, char **argv)
{
    const struct rt_app app = {
        .name = "async-demo",
        .description = "the FastAPI async tutorial's service, spec-first in C",
        API_RT_APP_FIELDS,
        .modules = modules,
        .n_modules = sizeof(modules) / sizeof(modules[0]),
    };

    return rt_main(&app, argc, argv);
}
