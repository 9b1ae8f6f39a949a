/*
 * rt_app — what an application hands the runtime: the description of one
 * service built from one OpenAPI document.
 *
 * The runtime knows no operation, handler or spec.  An application's
 * main() (see app/main.c) fills a struct rt_app with what codegen/
 * generated for its spec (the set-up and dispatch functions, the spec
 * document) and the list of its modules, and calls rt_main().
 *
 * A module is one part of the application with state of its own: the
 * settings it declares (which join the runtime's in --help, the
 * configuration file and --check-config), the database tables it owns
 * (its migrations) and its lifecycle hooks.  A stateless handler file
 * needs no module.
 */
#ifndef RT_APP_H
#define RT_APP_H

#include "rt_config.h"

#include <stddef.h>

struct rt_db;
struct rt_db_migration;
struct rt_req;

/** A part of the application with settings, tables or a lifecycle of its own. */
struct rt_module {
    /* For messages and --help ("tasks"); also what its migrations are recorded under
     * (schema_migrations.module), so a module that owns tables keeps its name. */
    const char *name;
    const struct rt_option_group *options; /* the settings it declares, or NULL */
    /* Its tables: migrations numbered 1, 2, ... within the module, applied at start-up (modules in
     * order). */
    const struct rt_db_migration *migrations;
    size_t n_migrations;
    /* Settings loaded (also under --check-config): check what the options cannot check alone.  0, or -1
     * after logging why. */
    int (*check)(void);
    /* The database is open and migrated, the workers not started yet.  0, or -1 to refuse to start. */
    int (*start)(struct rt_db *db);
    /* The workers have stopped; the database is still open.  @grace_ms: how long work in flight may take. */
    void (*stop)(int grace_ms);
};

/** The application: its generated API and its modules. */
struct rt_app {
    const char *name;        /* the program: --help, --version, the Server header, the default database */
    const char *version;     /* --version */
    const char *description; /* one line for --help */
    void (*init)(void);      /* the generated api_init(): once, before workers start */
    void (*dispatch)(struct rt_req *req); /* the generated api_dispatch(): every request that is not docs */
    /* The generated api_path_methods(): the methods of the request's path, for CORS preflights (NULL: none)
     */
    unsigned (*path_methods)(struct rt_req *req);
    const char *spec_json; /* the spec as JSON, for /openapi.json (static storage) */
    size_t spec_json_len;
    const char *title; /* the spec's info.title: the documentation pages' title */
    const char
        *base_path; /* the path of the spec's first server URL ("" or NULL: the root); BASE_PATH wins */
    const struct rt_module *const *modules; /* in start order (stopped in reverse) */
    size_t n_modules;
};

/**
 * The whole program: load the settings (the runtime's and every module's;
 * --help, --version, --list-options), then either validate them
 * (--check-config: print the effective settings, exit 0, or 2 when
 * invalid) or run the service until SIGTERM/SIGINT.
 * @return the process exit status: 0, 1 when the service failed, 2 for
 *         invalid settings.
 */
int rt_main(const struct rt_app *app, int argc, char **argv);

#endif /* RT_APP_H */
