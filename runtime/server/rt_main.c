/*
 * rt_main — the program around an application: settings, --check-config,
 * then the server (see rt_app.h).
 */
#include "rt_app.h"
#include "rt_log.h"
#include "rt_mem.h"
#include "rt_server.h"
#include "rt_settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One "<program>: " line per line of @msg. */
static void print_errors(const char *program, const char *msg)
{
    while (*msg != '\0') {
        size_t len = strcspn(msg, "\n");

        fprintf(stderr, "%s: %.*s\n", program, (int)len, msg);
        msg += len + (msg[len] == '\n');
    }
}

/* The runtime's option groups, then every module's that has settings. */
static const struct rt_option_group **collect_groups(const struct rt_app *app, size_t *n_out)
{
    size_t n_groups = rt_settings_n_groups + app->n_modules;
    /* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers, each sizeof(*groups) */
    const struct rt_option_group **groups = rt_xcalloc(n_groups, sizeof(*groups));
    size_t i, n = 0;

    for (i = 0; i < rt_settings_n_groups; i++)
        groups[n++] = rt_settings_groups[i];
    for (i = 0; i < app->n_modules; i++) {
        if (app->modules[i]->options != NULL)
            groups[n++] = app->modules[i]->options;
    }
    *n_out = n;
    return groups;
}

/* --check-config: validate what loading could not, print the effective settings.  The exit status. */
static int check_config(const struct rt_config *cfg, const struct rt_app *app)
{
    if (rt_server_check_config(rt_settings_get(), app, stderr) != 0) {
        fprintf(stderr, "configuration invalid\n");
        return 2;
    }
    if (cfg->file[0] != '\0')
        printf("# configuration OK (file %s)\n", cfg->file);
    else
        printf("# configuration OK\n");
    printf("# effective settings (defaults < file < environment < flags):\n");
    rt_config_write(cfg, stdout);
    return 0;
}

int rt_main(const struct rt_app *app, int argc, char **argv)
{
    struct rt_config cfg = {.program = app->name, .version = app->version, .description = app->description};
    const struct rt_option_group **groups; /* owned here; cfg only reads it */
    char err[4096];
    int rc;

    rt_settings_init(app->name);
    groups = collect_groups(app, &cfg.n_groups);
    cfg.groups = groups;
    rc = rt_config_load(&cfg, argc, argv, err, sizeof(err));
    if (rc > 0) {
        rc = 0;
    } else if (rc < 0) {
        print_errors(app->name, err);
        if (cfg.check_config)
            fprintf(stderr, "configuration invalid\n");
        rc = 2;
    } else {
        enum rt_log_format format = RT_LOG_TEXT;

        rt_log_set_level(rt_settings_get()->log_level);
        rt_log_parse_format(rt_settings_get()->log_format, &format); /* checked by check_log_format */
        rt_log_set_format(format);
        if (cfg.check_config)
            rc = check_config(&cfg, app);
        else if (rt_server_check_config(rt_settings_get(), app, stderr) != 0)
            rc = 2; /* what --check-config finds stops the start the same way */
        else
            rc = rt_server_run(rt_settings_get(), app);
    }
    free(groups);
    return rc;
}
