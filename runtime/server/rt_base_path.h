/*
 * rt_base_path — the path the API is mounted under (OpenAPI `servers`).
 *
 * The generated code knows the path of the spec's first server URL
 * (API_BASE_PATH, struct rt_app's base_path); the BASE_PATH setting
 * overrides it.  Every request is answered under that path only: its
 * operations, /docs, /redoc, /openapi.json and the docs' static files; a
 * path outside it gets 404.  Routing then sees the path under the mount
 * (rt_req_set_mount()), so generated routes stay those of the spec.
 *
 * A base path is "" (the root) or "/seg/seg" (no trailing slash; "/" and
 * "" both mean the root).  Segments are plain path characters: no
 * percent-escapes, "." or ".." segments, empty segments or query.
 */
#ifndef RT_BASE_PATH_H
#define RT_BASE_PATH_H

#include <stdbool.h>
#include <stddef.h>

struct rt_req;

/**
 * Check @p path as a base path (see above).
 * @return 0, or -1 with @p err saying why (rt_config_add_err() style).
 */
int rt_base_path_check(const char *path, char *err, size_t errlen);

/**
 * Write the normal form of the valid base path @p path into @p out
 * (@p size bytes): "" for the root, else without its trailing slashes.
 * @return 0, or -1 if it does not fit.
 */
int rt_base_path_normalize(const char *path, char *out, size_t size);

/**
 * The base path to serve under, in normal form into @p out (@p size bytes):
 * @p setting (BASE_PATH) if not empty, else @p spec (the generated
 * default; NULL is the root).  Logs the choice when it is not the root.
 * @return 0, or -1 after logging why it is not a valid base path.
 */
int rt_base_path_choose(const char *setting, const char *spec, char *out, size_t size);

/** Whether the normal form @p base is the base path @p spec (NULL: the root) says. */
bool rt_base_path_same(const char *base, const char *spec);

/**
 * Mount @p req under @p base (a normal form) if its path is @p base or below
 * it (rt_req_path() then gives the rest); answers nothing.  @return whether
 * it was (CORS preflights look a path up this way, then routing enters it).
 */
bool rt_base_path_mount(struct rt_req *req, const char *base);

/**
 * Mount @p req under @p base (a normal form): 1 if its path is @p base or
 * below it (rt_req_path() now gives the rest), else 0 after answering 404.
 */
int rt_base_path_enter(struct rt_req *req, const char *base);

#endif /* RT_BASE_PATH_H */
