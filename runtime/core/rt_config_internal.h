/*
 * rt_config_internal — what rt_config.c and rt_config_file.c share: finding
 * an option by name, storing a value with a clear error, collecting errors.
 */
#ifndef RT_CONFIG_INTERNAL_H
#define RT_CONFIG_INTERNAL_H

#include "rt_config.h"

#include <stdbool.h>
#include <stddef.h>

/* Where an option is among all of a program's options (groups in order). */
struct rt_config_found {
    const struct rt_option *opt; /* NULL: no such option (or it is --config) */
    size_t index;                /* 0 is --config, then the groups' options in order */
};

/* How many options @cfg has, --config included. */
size_t rt_config_count_options(const struct rt_config *cfg);

/* The option called @name (@len bytes; "_" may stand for "-" and case is ignored when @loose). */
struct rt_config_found rt_config_find_option(const struct rt_config *cfg, const char *name, size_t len,
                                             bool loose);

/*
 * Store @value into @o, or append "<where>invalid <name>...<from>" to @err
 * (a string's value is never echoed: it may hold a secret).  0 or -1.
 */
int rt_config_apply(const struct rt_option *o, const char *value, const char *name, const char *where,
                    const char *from, char *err, size_t errlen);

#endif /* RT_CONFIG_INTERNAL_H */
