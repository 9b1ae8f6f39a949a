/*
 * rt_valid_pattern — a schema's `pattern` (and patternProperties' keys):
 * the regular expression generated code names, compiled with PCRE2 and
 * searched for in a value.
 *
 * The spec's pattern is ECMA-262 with the `u` flag, as JSON Schema 2020-12
 * asks; the generator (codegen/openapi_c/regex.py) rewrites it into the
 * PCRE2 syntax that has the same meaning under RT_VALID_PATTERN_OPTIONS
 * (`.` and `\s` spelled out, escapes made explicit) and refuses, at build
 * time, what ECMA-262 does not allow or PCRE2 would read differently.  So
 * these functions see only expressions that compiled when the spec was built.
 *
 * Like pydantic (and JSON Schema), a value matches when the pattern matches
 * anywhere in it: anchor with ^...$ for a whole-string match.
 *
 * Threading: a pattern is compiled once, under a lock, on first use or by
 * rt_valid_pattern_compile() (the generated api_init() compiles them all
 * before workers start); the compiled code is then shared read-only, and
 * every thread searches with match data of its own (kept until it ends).
 */
#ifndef RT_VALID_PATTERN_H
#define RT_VALID_PATTERN_H

#include <stdbool.h>
#include <stddef.h>

struct pcre2_real_code_8;

/** A regular expression from the spec; generated code fills source and regex. */
struct rt_valid_pattern {
    const char *source;             /* the pattern as written in the spec (shown in errors) */
    const char *regex;              /* the PCRE2 expression actually compiled (codegen's rewrite) */
    struct pcre2_real_code_8 *code; /* private: the compiled expression, NULL until compiled */
    volatile int ready;             /* private: 1 once code is set */
};

/*
 * The compile options: UTF-8 (code points, as ECMA-262's `u` flag counts),
 * `$` only at the very end (ECMA-262 does not match before a final newline),
 * a back-reference to a group that did not take part matches the empty
 * string (as in ECMA-262), and no \C (which could split a UTF-8 character):
 * PCRE2_UTF | PCRE2_NEVER_BACKSLASH_C | PCRE2_MATCH_UNSET_BACKREF |
 * PCRE2_DOLLAR_ENDONLY, which rt_valid_pattern.c checks.  The generator
 * (codegen/openapi_c/pcre2.py) reads this line and compiles with the same.
 */
#define RT_VALID_PATTERN_OPTIONS 0x00180210u

/*
 * How much backtracking one search may take (PCRE2's match limit): enough
 * for any sane pattern on a long value, and a bound on the time a
 * pathological one ((a+)+$ on "aaaa...b") can hold a worker's event loop.
 * A search that reaches it counts as not matching.
 */
#define RT_VALID_PATTERN_MATCH_LIMIT 1000000u

/**
 * Compile @p pattern now (it is otherwise compiled on first use), with the
 * JIT where the machine has one.
 * @return 0, or -1 if the expression does not compile (logged once).
 */
int rt_valid_pattern_compile(struct rt_valid_pattern *pattern);

/**
 * Whether @p pattern matches somewhere in the @p len bytes at @p s (UTF-8;
 * they need not end with NUL).  A value that is not valid UTF-8, or whose
 * search reaches RT_VALID_PATTERN_MATCH_LIMIT, does not match.
 * @return 1 if it matches, 0 if not, -1 if the pattern does not compile.
 */
int rt_valid_pattern_search(struct rt_valid_pattern *pattern, const char *s, size_t len);

/**
 * Free @p pattern's compiled code (it compiles again on next use).  For
 * patterns made at run time; the generated ones live as long as the
 * process.  Not while another thread may search with it.
 */
void rt_valid_pattern_clear(struct rt_valid_pattern *pattern);

#endif /* RT_VALID_PATTERN_H */
