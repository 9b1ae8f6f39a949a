/*
 * rt_valid_pattern — patterns compiled with PCRE2 (see rt_valid_pattern.h).
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "rt_valid_pattern.h"

#include <pcre2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

_Static_assert(RT_VALID_PATTERN_OPTIONS ==
                   (PCRE2_UTF | PCRE2_NEVER_BACKSLASH_C | PCRE2_MATCH_UNSET_BACKREF | PCRE2_DOLLAR_ENDONLY),
               "RT_VALID_PATTERN_OPTIONS spells out PCRE2's flags for codegen/openapi_c/regex.py");

static pthread_mutex_t compile_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t context_once = PTHREAD_ONCE_INIT;
static pcre2_match_context *match_context; /* the match limit; shared read-only by every search */
/* Each thread's match data, made on its first search and freed when it
 * ends: PCRE2 keeps its backtracking frames there between searches, so a
 * search allocates nothing once a thread has searched as deep before. */
static pthread_key_t match_data_key;

static void free_match_data(void *md)
{
    pcre2_match_data_free(md);
}

static void make_match_context(void)
{
    match_context = pcre2_match_context_create(NULL);
    if (match_context == NULL || pthread_key_create(&match_data_key, free_match_data) != 0)
        abort();
    pcre2_set_match_limit(match_context, RT_VALID_PATTERN_MATCH_LIMIT);
}

static pcre2_match_data *thread_match_data(void)
{
    pcre2_match_data *md = pthread_getspecific(match_data_key);

    if (md == NULL) {
        md = pcre2_match_data_create(1, NULL); /* one pair: only whether it matches is asked */
        if (md == NULL || pthread_setspecific(match_data_key, md) != 0)
            abort();
    }
    return md;
}

/* Compile p->regex into p->code; called with compile_lock held. */
static int compile_locked(struct rt_valid_pattern *p)
{
    PCRE2_UCHAR msg[160];
    PCRE2_SIZE offset;
    pcre2_code *code;
    int err;

    code = pcre2_compile((PCRE2_SPTR)p->regex, PCRE2_ZERO_TERMINATED, RT_VALID_PATTERN_OPTIONS, &err, &offset,
                         NULL);
    if (code == NULL) {
        pcre2_get_error_message(err, msg, sizeof(msg));
        fprintf(stderr, "async-demo: pattern '%s' does not compile (PCRE2 '%s', at %zu): %s\n", p->source,
                p->regex, (size_t)offset, (const char *)msg);
        return -1;
    }
    /* The JIT is an optimisation: without it (no JIT on this CPU, or W^X
     * memory), pcre2_match() interprets the same code. */
    (void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
    p->code = code;
    __atomic_store_n(&p->ready, 1, __ATOMIC_RELEASE);
    return 0;
}

int rt_valid_pattern_compile(struct rt_valid_pattern *p)
{
    int rc = 0;

    if (__atomic_load_n(&p->ready, __ATOMIC_ACQUIRE))
        return 0; /* compiled, so the match context was made before */
    pthread_once(&context_once, make_match_context);
    pthread_mutex_lock(&compile_lock);
    if (!p->ready)
        rc = compile_locked(p);
    pthread_mutex_unlock(&compile_lock);
    return rc;
}

int rt_valid_pattern_search(struct rt_valid_pattern *p, const char *s, size_t len)
{
    int rc;

    if (rt_valid_pattern_compile(p) < 0)
        return -1;
    rc = pcre2_match(p->code, (PCRE2_SPTR)s, len, 0, 0, thread_match_data(), match_context);
    if (rc < PCRE2_ERROR_NOMATCH) {
        /* The match limit (or a like error): the frames this search grew
         * are not kept for the thread's next ones. */
        free_match_data(pthread_getspecific(match_data_key));
        if (pthread_setspecific(match_data_key, NULL) != 0)
            abort();
    }
    return rc >= 0 ? 1 : 0;
}

void rt_valid_pattern_clear(struct rt_valid_pattern *p)
{
    pthread_mutex_lock(&compile_lock);
    pcre2_code_free(p->code);
    p->code = NULL;
    __atomic_store_n(&p->ready, 0, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&compile_lock);
}
