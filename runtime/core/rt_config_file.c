/*
 * rt_config_file — the configuration file: `name = value` lines read into
 * the options (rt_config_load_file), and the options written back in the
 * same format (rt_config_write).
 */
#include "rt_config.h"
#include "rt_mem.h"
#include "rt_config_internal.h"
#include "rt_log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool is_space(char ch)
{
    return ch == ' ' || ch == '\t';
}

/*
 * Split one line of a configuration file in place.  @return 0 for a blank
 * or comment line, 1 with *name and *value set, or -1 with *why set.
 */
static int split_line(char *line, char **name, char **value, const char **why)
{
    char *p = line, *v, *end;

    line[strcspn(line, "\r\n")] = '\0';
    while (is_space(*p))
        p++;
    if (*p == '\0' || *p == '#')
        return 0;
    *name = p;
    while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
           *p == '_')
        p++;
    end = p;
    while (is_space(*p))
        p++;
    if (end == *name || *p != '=') {
        *why = "expected 'name = value'";
        return -1;
    }
    *end = '\0';
    for (v = p + 1; is_space(*v); v++)
        ;
    if (*v == '"' || *v == '\'') {
        char *close = strchr(v + 1, *v);

        if (close == NULL) {
            *why = "unterminated quoted value";
            return -1;
        }
        *close = '\0';
        for (p = close + 1; is_space(*p); p++)
            ;
        if (*p != '\0' && *p != '#') {
            *why = "unexpected text after the quoted value";
            return -1;
        }
        *value = v + 1;
        return 1;
    }
    /* Unquoted: a '#' starts a comment at the start or after white space, so URLs may keep theirs. */
    for (p = v; *p != '\0'; p++) {
        if (*p == '#' && (p == v || is_space(p[-1]))) {
            *p = '\0';
            break;
        }
    }
    while (p > v && is_space(p[-1]))
        *--p = '\0';
    *value = v;
    return 1;
}

/* Apply one split line; 0 or -1 with the error appended. */
static int file_setting(struct rt_config *cfg, const char *key, const char *value, const char *where,
                        int lineno, int *seen, char *err, size_t errlen)
{
    struct rt_config_found f = rt_config_find_option(cfg, key, strlen(key), true);

    if (f.opt == NULL) {
        if (strcasecmp(key, "config") == 0)
            rt_config_add_err(err, errlen, "%s'%s' cannot be set in a configuration file", where, key);
        else
            rt_config_add_err(err, errlen, "%sunknown setting '%s' (see --help for the names)", where, key);
        return -1;
    }
    if (seen[f.index] != 0) {
        rt_config_add_err(err, errlen, "%sduplicate setting '%s' (already set on line %d)", where,
                          f.opt->name, seen[f.index]);
        return -1;
    }
    seen[f.index] = lineno;
    if (value[0] == '\0') {
        rt_config_add_err(err, errlen, "%s'%s' has no value", where, f.opt->name);
        return -1;
    }
    return rt_config_apply(f.opt, value, f.opt->name, where, "", err, errlen);
}

int rt_config_load_file(struct rt_config *cfg, const char *path, char *err, size_t errlen)
{
    int *seen = rt_xcalloc(rt_config_count_options(cfg), sizeof(int));
    FILE *f = fopen(path, "r");
    char *line = NULL, where[1100];
    size_t cap = 0;
    int lineno = 0, rc = 0;

    if (f == NULL) {
        rt_config_add_err(err, errlen, "cannot read configuration file '%s': %s", path, strerror(errno));
        rc = -1;
        goto cleanup;
    }
    while (getline(&line, &cap, f) >= 0) {
        char *p = line, *key, *value;
        const char *why = NULL;
        int kind;

        lineno++;
        if (lineno == 1 && strncmp(p, "\xef\xbb\xbf", 3) == 0)
            p += 3; /* a UTF-8 byte order mark, as some editors write */
        snprintf(where, sizeof(where), "%s:%d: ", path, lineno);
        kind = split_line(p, &key, &value, &why);
        if (kind < 0) {
            rt_config_add_err(err, errlen, "%s%s", where, why);
            rc = -1;
        } else if (kind > 0 && file_setting(cfg, key, value, where, lineno, seen, err, errlen) != 0) {
            rc = -1;
        }
    }
    if (ferror(f)) {
        rt_config_add_err(err, errlen, "cannot read configuration file '%s': %s", path, strerror(errno));
        rc = -1;
    }
cleanup:
    free(line);
    free(seen);
    if (f != NULL)
        fclose(f);
    return rc;
}

/* Write @s as a file value: bare if that reads back the same, else quoted. */
static void write_string(FILE *out, const char *name, const char *s)
{
    if (s[0] == '\0')
        fprintf(out, "# %s =   (not set)\n", name);
    else if (strpbrk(s, "#\"' \t") == NULL)
        fprintf(out, "%s = %s\n", name, s);
    else
        fprintf(out, "%s = %c%s%c\n", name, strchr(s, '"') ? '\'' : '"', s, strchr(s, '"') ? '\'' : '"');
}

static void write_size(FILE *out, const char *name, size_t v)
{
    if (v != 0 && v % (1024 * 1024) == 0)
        fprintf(out, "%s = %zuMiB\n", name, v / (1024 * 1024));
    else if (v != 0 && v % 1024 == 0)
        fprintf(out, "%s = %zuKiB\n", name, v / 1024);
    else
        fprintf(out, "%s = %zu\n", name, v);
}

void rt_config_write(const struct rt_config *cfg, FILE *out)
{
    static const char *const levels[] = {"debug", "info", "warning", "error", "off"};
    size_t g, i;

    for (g = 0; g < cfg->n_groups; g++) {
        fprintf(out, "# --- %s ---\n", cfg->groups[g]->title);
        for (i = 0; i < cfg->groups[g]->n_options; i++) {
            const struct rt_option *o = &cfg->groups[g]->options[i];
            int iv = o->kind == RT_OPTION_STRING || o->kind == RT_OPTION_SIZE ? 0 : *(const int *)o->value;

            switch (o->kind) {
            case RT_OPTION_STRING:
                if (o->redact != NULL && ((const char *)o->value)[0] != '\0') {
                    char *shown = o->redact(o->value);

                    write_string(out, o->name, shown != NULL ? shown : "***");
                    free(shown);
                } else {
                    write_string(out, o->name, o->value);
                }
                break;
            case RT_OPTION_SIZE:
                write_size(out, o->name, *(const size_t *)o->value);
                break;
            case RT_OPTION_DURATION:
            case RT_OPTION_TIMEOUT:
                fprintf(out, iv % 1000 == 0 ? "%s = %ds\n" : "%s = %dms\n", o->name,
                        iv % 1000 == 0 ? iv / 1000 : iv);
                break;
            case RT_OPTION_BOOL:
                fprintf(out, "%s = %s\n", o->name, iv ? "on" : "off");
                break;
            case RT_OPTION_LOG_LEVEL:
                fprintf(out, "%s = %s\n", o->name, levels[iv >= 0 && iv <= RT_LOG_OFF ? iv : 1]);
                break;
            case RT_OPTION_PORT:
            case RT_OPTION_COUNT:
            case RT_OPTION_THREADS:
            case RT_OPTION_MS:
                fprintf(out, "%s = %d\n", o->name, iv);
                break;
            }
        }
    }
}
