/*
 * rt_docs_spec — the spec served at /openapi.json when BASE_PATH moves the
 * API away from the path its own `servers` say.
 */
#ifndef RT_DOCS_SPEC_H
#define RT_DOCS_SPEC_H

#include <stddef.h>

/**
 * The spec @p spec_json (@p len bytes of JSON) with `servers` replaced by
 * one server at @p base_path ("/" for the root), and the path items' and
 * operations' own `servers` removed (the generator accepts those only when
 * they say the same as the document's, so they moved with it).  Key order
 * and every other value are kept.
 * @return the new JSON (NUL-terminated, rt_xmalloc'd: the caller owns it)
 *         with its length in *@p out_len, or NULL if @p spec_json is not a
 *         JSON object.
 */
char *rt_docs_spec_with_base(const char *spec_json, size_t len, const char *base_path, size_t *out_len);

#endif /* RT_DOCS_SPEC_H */
