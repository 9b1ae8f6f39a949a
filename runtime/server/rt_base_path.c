/*
 * rt_base_path: see rt_base_path.h.
 */
#include "rt_base_path.h"

#include "rt_config.h"
#include "rt_log.h"
#include "rt_req.h"

#include <stdio.h>
#include <string.h>

/* RFC 3986 pchar without pct-encoded: what a base path may be made of, so that it compares byte for byte. */
static bool plain_path_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           strchr("-._~!$&'()*+,;=:@", c) != NULL;
}

int rt_base_path_check(const char *path, char *err, size_t errlen)
{
    const char *seg;

    if (path[0] == '\0' || strcmp(path, "/") == 0)
        return 0;
    if (path[0] != '/') {
        rt_config_add_err(err, errlen, "base path %s must start with '/'", path);
        return -1;
    }
    for (seg = path + 1;;) {
        size_t n = strcspn(seg, "/");

        for (size_t i = 0; i < n; i++) {
            if (!plain_path_char(seg[i])) {
                rt_config_add_err(
                    err, errlen,
                    "base path %s: '%c' is not allowed (letters, digits and -._~!$&'()*+,;=:@ only)", path,
                    seg[i]);
                return -1;
            }
        }
        if ((n == 0 && seg[n] == '/') || (n == 1 && seg[0] == '.') ||
            (n == 2 && strncmp(seg, "..", 2) == 0)) {
            rt_config_add_err(err, errlen, "base path %s has an empty, '.' or '..' segment", path);
            return -1;
        }
        if (seg[n] == '\0')
            return 0;
        seg += n + 1;
    }
}

int rt_base_path_normalize(const char *path, char *out, size_t size)
{
    size_t n = strlen(path);

    while (n > 0 && path[n - 1] == '/')
        n--;
    if (n >= size)
        return -1;
    memcpy(out, path, n);
    out[n] = '\0';
    return 0;
}

int rt_base_path_choose(const char *setting, const char *spec, char *out, size_t size)
{
    const char *chosen = setting[0] != '\0' ? setting : spec != NULL ? spec : "";
    char err[256] = "";

    if (rt_base_path_check(chosen, err, sizeof(err)) != 0 || rt_base_path_normalize(chosen, out, size) != 0) {
        rt_log_error("cannot serve under the base path: %s", err[0] != '\0' ? err : chosen);
        return -1;
    }
    if (out[0] != '\0')
        rt_log_info("serving under the base path %s (%s)", out,
                    setting[0] != '\0' ? "BASE_PATH" : "the spec's first server");
    return 0;
}

bool rt_base_path_same(const char *base, const char *spec)
{
    size_t n = spec != NULL ? strlen(spec) : 0;

    while (n > 0 && spec[n - 1] == '/')
        n--;
    return strlen(base) == n && strncmp(base, spec != NULL ? spec : "", n) == 0;
}

bool rt_base_path_mount(struct rt_req *req, const char *base)
{
    const char *path = rt_req_full_path(req);
    size_t n = strlen(base);

    if (n == 0)
        return true;
    if (strncmp(path, base, n) == 0 && (path[n] == '\0' || path[n] == '/')) {
        rt_req_set_mount(req, n);
        return true;
    }
    return false;
}

int rt_base_path_enter(struct rt_req *req, const char *base)
{
    if (rt_base_path_mount(req, base))
        return 1;
    rt_req_reply_detail(req, 404, "Not Found");
    return 0;
}
