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
#include <string.h>

/* One "async-demo: " line per line of @msg. */
static void print_errors(const char *msg)
{
    while (*msg != '\0') {
        size_t len = strcspn(msg, "\n");

        fprintf(stderr, "async-demo: %.*s\n", (int)len, msg);
        msg += len + (msg[len] == '\n');
    }
}

int main(int argc, char **argv)
{
    struct rt_config cfg;
    char err[4096];
    int rc = rt_config_load(&cfg, argc, argv, err, sizeof(err));

    if (rc > 0)
        return 0;
    if (rc < 0) {
        print_errors(err);
        if (cfg.check_config)
            fprintf(stderr, "configuration invalid\n");
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
    if (cfg.check_config) {
        /* Validate without starting anything; print the effective settings, which are themselves a valid
         * file. */
        if (rt_server_check_config(&cfg, &app, stderr) != 0) {
            fprintf(stderr, "configuration invalid\n");
            return 2;
        }
        if (cfg.config_file[0] != '\0')
            printf("# configuration OK (file %s)\n", cfg.config_file);
        else
            printf("# configuration OK\n");
        printf("# effective settings (defaults < file < environment < flags):\n");
        rt_config_write(&cfg, stdout);
        return 0;
    }
    return rt_server_run(&cfg, &app);
}
