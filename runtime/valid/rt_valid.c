/*
 * rt_valid — start-up (json-c's double format, patterns) and the arena
 * helper the other rt_valid modules store values with.
 */
#include "rt_valid.h"
#include "rt_mem.h"

#include <json-c/json.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

void *rt_valid_alloc(const struct rt_valid_arena *arena, size_t n, size_t size)
{
    if (arena == NULL)
        return rt_xcalloc(n, size);
    if (size != 0 && n > SIZE_MAX / size)
        abort();
    return arena->alloc(arena->ctx, n * size);
}

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t pattern_lock = PTHREAD_MUTEX_INITIALIZER;

static void init_globals(void)
{
    json_c_set_serialization_double_format("%.15g", JSON_C_OPTION_GLOBAL);
}

void rt_valid_init(void)
{
    pthread_once(&init_once, init_globals);
}

int rt_valid_pattern_compile(struct rt_valid_pattern *p)
{
    int rc = 0;

    if (__atomic_load_n(&p->ready, __ATOMIC_ACQUIRE))
        return 0;
    pthread_mutex_lock(&pattern_lock);
    if (!p->ready) {
        int err = regcomp(&p->re, p->regex, REG_EXTENDED | REG_NOSUB);

        if (err != 0) {
            char msg[128];

            regerror(err, &p->re, msg, sizeof(msg));
            fprintf(stderr, "async-demo: pattern '%s' does not compile as a POSIX ERE: %s\n", p->source, msg);
            rc = -1;
        } else {
            __atomic_store_n(&p->ready, 1, __ATOMIC_RELEASE);
        }
    }
    pthread_mutex_unlock(&pattern_lock);
    return rc;
}
