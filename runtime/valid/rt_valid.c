/*
 * rt_valid — start-up (json-c's double format) and the arena
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

static void init_globals(void)
{
    json_c_set_serialization_double_format("%.15g", JSON_C_OPTION_GLOBAL);
}

void rt_valid_init(void)
{
    pthread_once(&init_once, init_globals);
}
