/*
 * rt_config — settings from defaults, the environment and flags, over the
 * option tables the runtime and the modules declare; the configuration
 * file's format is in rt_config_file.c.
 */
#include "rt_config.h"
#include "rt_config_internal.h"
#include "rt_log.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* The option that names the configuration file: read before everything else, never from the file. */
static const struct rt_option config_doc = {
    .name = "config",
    .env = "CONFIG_FILE",
    .kind = RT_OPTION_STRING,
    .def_doc = "none",
    .help = "read settings from this file first; the environment and flags win"};

static struct rt_option config_option(struct rt_config *cfg)
{
    struct rt_option o = config_doc;

    o.value = cfg->file;
    o.size = sizeof(cfg->file);
    return o;
}

size_t rt_config_count_options(const struct rt_config *cfg)
{
    size_t g, n = 1;

    for (g = 0; g < cfg->n_groups; g++)
        n += cfg->groups[g]->n_options;
    return n;
}

/* The option called @name (a flag's name, @len bytes; "_" may stand for "-" and case is ignored when
 * @loose); .opt is NULL if there is none (or it is --config). */
struct rt_config_found rt_config_find_option(const struct rt_config *cfg, const char *name, size_t len,
                                             bool loose)
{
    struct rt_config_found f = {NULL, 1};
    size_t g, i, k;

    for (g = 0; g < cfg->n_groups; g++) {
        for (i = 0; i < cfg->groups[g]->n_options; i++, f.index++) {
            const char *o = cfg->groups[g]->options[i].name;

            for (k = 0; k < len && o[k] != '\0'; k++) {
                char ch = name[k];

                if (loose)
                    ch = ch == '_' ? '-' : (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
                if (ch != o[k])
                    break;
            }
            if (k == len && o[k] == '\0') {
                f.opt = &cfg->groups[g]->options[i];
                return f;
            }
        }
    }
    return f;
}

/* "1048576", "64k", "64KiB", "1m", "1MiB" (powers of 1024). */
static int parse_size(const char *s, size_t *out)
{
    char *end;
    unsigned long long v;
    unsigned shift = 0;

    errno = 0;
    v = strtoull(s, &end, 10);
    if (end == s || errno != 0 || s[0] == '-')
        return -1;
    if (*end != '\0') {
        switch (*end | 0x20) {
        case 'k':
            shift = 10;
            break;
        case 'm':
            shift = 20;
            break;
        case 'g':
            shift = 30;
            break;
        default:
            return -1;
        }
        end++;
        if (strcasecmp(end, "") != 0 && strcasecmp(end, "b") != 0 && strcasecmp(end, "ib") != 0)
            return -1;
    }
    if (v > (SIZE_MAX >> shift))
        return -1;
    *out = (size_t)(v << shift);
    return 0;
}

/* "10" and "10s" are seconds, "2.5s", "500ms"; the result is in milliseconds. */
static int parse_duration(const char *s, int *out_ms)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(s, &end);
    if (end == s || errno != 0 || !isfinite(v) || v < 0)
        return -1;
    if (strcmp(end, "ms") == 0)
        ;
    else if (*end == '\0' || strcmp(end, "s") == 0)
        v *= 1000;
    else
        return -1;
    if (v > 24.0 * 3600 * 1000)
        return -1;
    *out_ms = (int)llround(v);
    return 0;
}

static int parse_int(const char *s, long lo, long hi, int *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (end == s || *end != '\0' || errno != 0 || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

static int parse_bool(const char *s, int *out)
{
    static const char *const yes[] = {"1", "on", "true", "yes"};
    static const char *const no[] = {"0", "off", "false", "no"};
    size_t i;

    for (i = 0; i < 4; i++) {
        if (strcasecmp(s, yes[i]) == 0)
            return (*out = 1), 0;
        if (strcasecmp(s, no[i]) == 0)
            return (*out = 0), 0;
    }
    return -1;
}

/* Store @value into the variable of @o; 0, or -1 if it is not a valid value. */
static int set_value(const struct rt_option *o, const char *value)
{
    void *field = o->value;

    switch (o->kind) {
    case RT_OPTION_STRING:
        if (value[0] == '\0' || strlen(value) >= o->size)
            return -1;
        memcpy(field, value, strlen(value) + 1);
        return 0;
    case RT_OPTION_PORT:
        return parse_int(value, 0, 65535, field);
    case RT_OPTION_THREADS:
        if (strcasecmp(value, "auto") == 0) {
            long cpus = sysconf(_SC_NPROCESSORS_ONLN);

            *(int *)field = cpus > 0 ? (int)cpus : 1;
            return 0;
        }
        return parse_int(value, 1, 1000000000, field);
    case RT_OPTION_COUNT:
        return parse_int(value, 1, 1000000000, field);
    case RT_OPTION_BOOL:
        return parse_bool(value, field);
    case RT_OPTION_SIZE:
        return parse_size(value, field);
    case RT_OPTION_DURATION:
        return parse_duration(value, field);
    case RT_OPTION_TIMEOUT: {
        int ms;

        if (parse_duration(value, &ms) != 0 || ms < 1) /* 0 (or what rounds to it) would mean no deadline */
            return -1;
        *(int *)field = ms;
        return 0;
    }
    case RT_OPTION_MS:
        return parse_int(value, 1, 24 * 3600 * 1000, field);
    case RT_OPTION_LOG_LEVEL:
        return rt_log_parse_level(value, field);
    }
    return -1;
}

/* What values @o takes, for error messages. */
static const char *value_syntax(const struct rt_option *o)
{
    switch (o->kind) {
    case RT_OPTION_PORT:
        return "a port number from 0 to 65535";
    case RT_OPTION_COUNT:
        return "a whole number from 1";
    case RT_OPTION_THREADS:
        return "a whole number from 1, or auto (the number of CPUs)";
    case RT_OPTION_BOOL:
        return "on or off";
    case RT_OPTION_SIZE:
        return "a size in bytes, with k, m or g (64k, 1MiB)";
    case RT_OPTION_DURATION:
        return "a duration in s or ms (10s, 500ms)";
    case RT_OPTION_TIMEOUT:
        return "a duration of at least 1ms, in s or ms (10s, 500ms): 0 would turn this guard off";
    case RT_OPTION_MS:
        return "milliseconds, from 1 to 86400000";
    case RT_OPTION_LOG_LEVEL:
        return "debug, info, warning, error or off";
    case RT_OPTION_STRING:
        break;
    }
    return "";
}

/*
 * Append one line to @err (lines are separated by '\n'), so that every
 * problem is reported at once; what does not fit is cut off.
 */
void rt_config_add_err(char *err, size_t errlen, const char *fmt, ...)
{
    size_t used;
    va_list ap;

    if (err == NULL || errlen == 0)
        return;
    used = strnlen(err, errlen - 1);
    if (used > 0 && used + 1 < errlen)
        err[used++] = '\n';
    err[used] = '\0';
    va_start(ap, fmt);
    vsnprintf(err + used, errlen - used, fmt, ap);
    va_end(ap);
}

/*
 * Store @value, or report it as "<where>invalid <name>...<from>".  A
 * string may hold a secret (DATABASE_URL's password): its value is never
 * echoed.
 */
int rt_config_apply(const struct rt_option *o, const char *value, const char *name, const char *where,
                    const char *from, char *err, size_t errlen)
{
    if (set_value(o, value) == 0)
        return 0;
    if (o->kind == RT_OPTION_STRING)
        rt_config_add_err(err, errlen, "%sinvalid %s%s: empty or longer than %zu characters", where, name,
                          from, o->size - 1);
    else if (strcmp(value_syntax(o), o->help) == 0) /* LOG_LEVEL's help is its list: said once */
        rt_config_add_err(err, errlen, "%sinvalid %s '%s'%s: expected %s", where, name, value, from,
                          value_syntax(o));
    else
        rt_config_add_err(err, errlen, "%sinvalid %s '%s'%s: expected %s (%s)", where, name, value, from,
                          value_syntax(o), o->help);
    return -1;
}

int rt_config_defaults(struct rt_config *cfg, char *err, size_t errlen)
{
    size_t g, i;
    int rc = 0;

    for (g = 0; g < cfg->n_groups; g++) {
        for (i = 0; i < cfg->groups[g]->n_options; i++) {
            const struct rt_option *o = &cfg->groups[g]->options[i];

            if (o->def == NULL) {
                if (o->kind == RT_OPTION_STRING)
                    ((char *)o->value)[0] = '\0';
                else
                    memset(o->value, 0, o->kind == RT_OPTION_SIZE ? sizeof(size_t) : sizeof(int));
            } else if (rt_config_apply(o, o->def, o->name, "", " (its default)", err, errlen) != 0) {
                rc = -1;
            }
        }
    }
    return rc;
}

/* --- the command line --- */

/* The default as --help and the documentation show it. */
static const char *default_doc(const struct rt_option *o)
{
    if (o->def_doc != NULL)
        return o->def_doc;
    return o->def != NULL ? o->def : "none";
}

static void print_option(const struct rt_option *o)
{
    printf("  --%-26s %-26s %s (default: %s)\n", o->name, o->env, o->help, default_doc(o));
}

static void print_help(struct rt_config *cfg)
{
    size_t g, i;

    printf("Usage: %s [options]\n\n"
           "%s %s: %s\n"
           "Every option can also be set by the environment variable shown, or in the\n"
           "configuration file as `name = value` (the option's name without the dashes).\n"
           "Precedence: defaults < file < environment < flags.\n"
           "Durations take s or ms (10s, 500ms); sizes take k, m or g (64k, 1MiB).\n\n",
           cfg->program, cfg->program, cfg->version, cfg->description);
    print_option(&config_doc);
    for (g = 0; g < cfg->n_groups; g++) {
        printf("\n%s:\n", cfg->groups[g]->title);
        for (i = 0; i < cfg->groups[g]->n_options; i++)
            print_option(&cfg->groups[g]->options[i]);
    }
    printf("\n  --%-26s %-26s %s\n", "check-config", "",
           "validate the configuration (files included), print it and exit: 0 if valid, 2 if not");
    printf("  --%-26s %-26s %s\n", "list-options", "",
           "list every setting (variable, flag, default, help; tab-separated) and exit");
    printf("  --%-26s %-26s %s\n  --%-26s %-26s %s\n", "help", "", "show this help and exit", "version", "",
           "show the version and exit");
}

static void list_option(FILE *out, const struct rt_option *o)
{
    fprintf(out, "%s\t--%s\t%s\t%s\t%s\n", o->env, o->name, o->def != NULL ? o->def : "", default_doc(o),
            o->help);
}

void rt_config_list(const struct rt_config *cfg, FILE *out)
{
    size_t g, i;

    list_option(out, &config_doc);
    for (g = 0; g < cfg->n_groups; g++) {
        for (i = 0; i < cfg->groups[g]->n_options; i++)
            list_option(out, &cfg->groups[g]->options[i]);
    }
}

/* The options that end the program at once: 1 if @arg is one (it is acted on when @act), else 0. */
static int exiting_flag(struct rt_config *cfg, const char *arg, bool act)
{
    if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
        if (act)
            print_help(cfg);
        return 1;
    }
    if (strcmp(arg, "--version") == 0) {
        if (act)
            printf("%s %s\n", cfg->program, cfg->version);
        return 1;
    }
    if (strcmp(arg, "--list-options") == 0) {
        if (act)
            rt_config_list(cfg, stdout);
        return 1;
    }
    return 0;
}

/*
 * Walk the command line.  With @store false, only --help, --version,
 * --list-options, --check-config and --config are acted on and malformed
 * arguments are left for the second walk; with @store true, every other
 * option is stored.
 * @return 0, 1 after --help, --version or --list-options, -1 after an error (appended to @err).
 */
static int walk_flags(struct rt_config *cfg, int argc, char **argv, bool store, char *err, size_t errlen)
{
    struct rt_option config = config_option(cfg);
    int a, rc = 0;

    for (a = 1; a < argc; a++) {
        const char *arg = argv[a], *name, *eq, *value;
        const struct rt_option *o;
        size_t len;

        if (exiting_flag(cfg, arg, !store))
            return 1;
        if (strcmp(arg, "--check-config") == 0) {
            cfg->check_config = true;
            continue;
        }
        if (strncmp(arg, "--", 2) != 0) {
            if (store)
                rt_config_add_err(err, errlen, "unexpected argument '%s' (see --help)", arg);
            return store ? -1 : 0;
        }
        name = arg + 2;
        eq = strchr(name, '=');
        len = eq ? (size_t)(eq - name) : strlen(name);
        o = len == 6 && strncmp(name, "config", 6) == 0 ? &config
                                                        : rt_config_find_option(cfg, name, len, false).opt;
        if (o == NULL) {
            if (store)
                rt_config_add_err(err, errlen, "unknown option '%s' (see --help)", arg);
            return store ? -1 : 0;
        }
        if (eq != NULL) {
            value = eq + 1;
        } else if (a + 1 < argc) {
            value = argv[++a];
        } else {
            if (store)
                rt_config_add_err(err, errlen, "option '%s' needs a value", arg);
            return store ? -1 : 0;
        }
        if (store == (o != &config) &&
            rt_config_apply(o, value, o->env, "", " (from the command line)", err, errlen) != 0)
            rc = -1; /* go on: report every bad value at once */
    }
    return rc;
}

/* Every option set in the environment; 0, or -1 with the errors appended. */
static int load_environment(struct rt_config *cfg, char *err, size_t errlen)
{
    size_t g, i;
    int rc = 0;

    for (g = 0; g < cfg->n_groups; g++) {
        for (i = 0; i < cfg->groups[g]->n_options; i++) {
            const struct rt_option *o = &cfg->groups[g]->options[i];
            const char *v = getenv(o->env);

            if (v != NULL && v[0] != '\0' &&
                rt_config_apply(o, v, o->env, "", " (from the environment)", err, errlen) != 0)
                rc = -1;
        }
    }
    return rc;
}

int rt_config_load(struct rt_config *cfg, int argc, char **argv, char *err, size_t errlen)
{
    struct rt_option config = config_option(cfg);
    const char *file_env = getenv(config.env);
    int rc = 0, walked;
    size_t g;

    if (err != NULL && errlen > 0)
        err[0] = '\0';
    cfg->file[0] = '\0';
    cfg->check_config = false;
    if (rt_config_defaults(cfg, err, errlen) != 0)
        return -1;
    if (file_env != NULL && file_env[0] != '\0' &&
        rt_config_apply(&config, file_env, config.env, "", " (from the environment)", err, errlen) != 0)
        rc = -1;
    /* First pass: --help and --version work whatever else is wrong; --config names the file. */
    walked = walk_flags(cfg, argc, argv, false, err, errlen);
    if (walked > 0)
        return walked;
    if (walked < 0)
        rc = -1;
    if (rc == 0 && cfg->file[0] != '\0' && rt_config_load_file(cfg, cfg->file, err, errlen) != 0)
        rc = -1;
    if (load_environment(cfg, err, errlen) != 0)
        rc = -1;
    if (walk_flags(cfg, argc, argv, true, err, errlen) != 0)
        rc = -1;
    for (g = 0; rc == 0 && g < cfg->n_groups; g++) {
        if (cfg->groups[g]->check != NULL && cfg->groups[g]->check(err, errlen) != 0)
            rc = -1;
    }
    return rc;
}
