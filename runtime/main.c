/*
 * async-demo — entry point: load the configuration, run the server.
 */
#include "rt_config.h"
#include "rt_log.h"
#include "rt_server.h"
#include "external.h"
#include "schema.h"
#include "tasks.h"

#include <stdio.h>

int main(int argc, char **argv)
{
    struct rt_config cfg;
    char err[512];
    int rc = rt_config_load(&cfg, argc, argv, err, sizeof(err));

    if (rc > 0)
        return 0;
    if (rc < 0) {
        fprintf(stderr, "async-demo: %s\n", err);
        return 2;
    }
    struct rt_server_app app = {
        .migrations = app_schema_migrations,
        .n_migrations = app_schema_n_migrations,
        .init = external_init,
        .start = tasks_start,
        .stop = tasks_stop,
    };

    rt_log_set_level(cfg.log_level);
    return rt_server_run(&cfg, &app);
}
