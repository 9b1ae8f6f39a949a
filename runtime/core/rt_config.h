/*
 * rt_config — settings from a configuration file, the environment and
 * command-line flags, each with a default.
 *
 * Settings are declared where they are used: the runtime declares its own
 * (server/rt_settings.c), and every module of an application declares its
 * own (struct rt_module, server/rt_app.h), as tables of struct rt_option
 * that point at the variables they set.  rt_config_load() walks all of
 * them, so --help, the configuration file, --check-config's report,
 * --list-options (from which the README's table and the example file are
 * checked) and the error messages all come from the same declarations.
 *
 * Precedence, lowest first: defaults < file < environment < flags.  The
 * file is named by --config FILE or CONFIG_FILE; it holds `name = value`
 * lines with the flags' names (see rt_config_load_file()).
 */
#ifndef RT_CONFIG_H
#define RT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/** What a setting holds, and so the type of the variable it points at. */
enum rt_option_kind {
    RT_OPTION_STRING,    /* char[size]: non-empty text shorter than size */
    RT_OPTION_PORT,      /* int: 0 to 65535 */
    RT_OPTION_COUNT,     /* int: 1 to 10^9 */
    RT_OPTION_THREADS,   /* int: 1 to 10^9, or "auto": the number of online CPUs */
    RT_OPTION_BOOL,      /* int: 1 or 0, written on/off, true/false, yes/no, 1/0 */
    RT_OPTION_SIZE,      /* size_t: bytes, with k, m or g (powers of 1024): 64k, 1MiB */
    RT_OPTION_DURATION,  /* int: milliseconds, written 10 or 10s, 2.5s, 500ms */
    RT_OPTION_TIMEOUT,   /* RT_OPTION_DURATION of at least 1ms: a guard that 0 would turn off is refused */
    RT_OPTION_MS,        /* int: milliseconds, a bare number from 1 to 86400000 */
    RT_OPTION_LOG_LEVEL, /* enum rt_log_level */
};

/** One setting. */
struct rt_option {
    const char *name; /* the flag without its dashes, and the file's key: "task-workers" */
    const char *env;  /* the environment variable: "TASK_WORKERS" */
    enum rt_option_kind kind;
    void *value;         /* the variable it sets; its type follows the kind */
    size_t size;         /* RT_OPTION_STRING: bytes of the buffer at value */
    const char *def;     /* the default, written as a value; NULL: none (a string stays empty) */
    const char *def_doc; /* the default as documentation shows it, when def is long or NULL */
    const char *help;    /* what it does: one line, without the default */
    /* RT_OPTION_STRING holding a secret: returns a malloc'd copy safe to show, or NULL ("***") */
    char *(*redact)(const char *value);
};

/** The settings of one part of the program (the runtime's server, a module). */
struct rt_option_group {
    const char *title; /* heads its part of --help: "server", "tasks" */
    const struct rt_option *options;
    size_t n_options;
    /* Called after everything is loaded: settings only valid together.  0, or -1 with err filled. */
    int (*check)(char *err, size_t errlen);
};

/** A program's settings: fill the first part, rt_config_load() fills the rest. */
struct rt_config {
    const char *program;     /* for --help and --version */
    const char *version;     /* printed by --version */
    const char *description; /* one line for --help */
    const struct rt_option_group *const *groups;
    size_t n_groups;
    char file[1024];   /* the configuration file read, or empty */
    bool check_config; /* --check-config was given: validate, report, exit */
};

/**
 * Set every option of @p cfg to its default.
 * @return 0, or -1 with @p err naming an option whose default is invalid
 *         (a programming error).
 */
int rt_config_defaults(struct rt_config *cfg, char *err, size_t errlen);

/**
 * Load the settings: defaults, then the configuration file (--config in
 * @p argv, else CONFIG_FILE), then the environment, then @p argv, then
 * every group's check.  --help, --version and --list-options print to
 * standard output; --check-config sets cfg->check_config.
 * @return 0 to run, 1 when the program should exit successfully (after
 *         --help, --version or --list-options), -1 on invalid settings.
 *         Then @p err (which may be NULL) holds one line per problem, each
 *         naming the setting and where it came from (file:line for the
 *         file), never a string setting's value (it may hold a password).
 */
int rt_config_load(struct rt_config *cfg, int argc, char **argv, char *err, size_t errlen);

/**
 * Apply the configuration file @p path (on top of what the options hold).
 * One setting per line: `name = value`, where name is a flag's name without
 * the dashes (underscores may stand for dashes; case does not matter) and
 * value may be quoted with " or ' (to keep spaces or a " #" in it); `#`
 * starts a comment (inside an unquoted value only after white space);
 * blank lines are skipped.  An unknown name, a bad value, a name given
 * twice or a line that is not `name = value` is an error naming
 * path:line; every line is checked, so all the errors are reported.
 * @return 0, or -1 with one line per error appended to @p err.
 */
int rt_config_load_file(struct rt_config *cfg, const char *path, char *err, size_t errlen);

/**
 * Write every setting to @p out in the configuration file's format
 * (`name = value`), so the output is itself a valid file.  Secrets are
 * redacted.
 */
void rt_config_write(const struct rt_config *cfg, FILE *out);

/**
 * Write one line per setting to @p out, tab-separated: the environment
 * variable, the flag, the default as a value (empty when there is none),
 * the default as documentation shows it, the help.
 * What --list-options prints; the tests check the README and the example
 * configuration file against it.
 */
void rt_config_list(const struct rt_config *cfg, FILE *out);

/**
 * Append one line to @p err (lines separated by '\n'; what does not fit
 * is cut off; @p err may be NULL): how a group's check reports a problem.
 */
void rt_config_add_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif /* RT_CONFIG_H */
