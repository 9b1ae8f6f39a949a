/*
 * rt_api_client_auth — the credentials of a call: what the operation's
 * security schemes take, from the client's struct rt_api_client_credentials
 * (see rt_api_client.h).
 */
#include "rt_api_client_auth.h"

#include "rt_mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Standard padded base64 (RFC 4648 §4) of len bytes of in, NUL-terminated (malloc'd). */
static char *base64(const char *in, size_t len)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *out = rt_xmalloc(4 * ((len + 2) / 3) + 1);
    size_t i, o = 0;

    for (i = 0; i < len; i += 3) {
        unsigned v = (unsigned)(unsigned char)in[i] << 16;

        if (i + 1 < len)
            v |= (unsigned)(unsigned char)in[i + 1] << 8;
        if (i + 2 < len)
            v |= (unsigned char)in[i + 2];
        out[o++] = alphabet[(v >> 18) & 63];
        out[o++] = alphabet[(v >> 12) & 63];
        out[o++] = i + 1 < len ? alphabet[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < len ? alphabet[v & 63] : '=';
    }
    out[o] = '\0';
    return out;
}

/* The Authorization value of one http scheme, or NULL when the client has no credential for it. */
static char *authorization(const struct rt_api_client_credentials *cred, enum rt_auth_kind kind)
{
    char *plain, *b64, *value;
    size_t n;

    if (kind == RT_AUTH_HTTP_BEARER && cred->bearer_token != NULL) {
        n = strlen(cred->bearer_token) + 8;
        value = rt_xmalloc(n);
        snprintf(value, n, "Bearer %s", cred->bearer_token);
        return value;
    }
    if (kind != RT_AUTH_HTTP_BASIC || cred->basic_user == NULL)
        return NULL;
    n = strlen(cred->basic_user) + strlen(cred->basic_password ? cred->basic_password : "") + 2;
    plain = rt_xmalloc(n);
    snprintf(plain, n, "%s:%s", cred->basic_user, cred->basic_password ? cred->basic_password : "");
    b64 = base64(plain, n - 1);
    n = strlen(b64) + 7;
    value = rt_xmalloc(n);
    snprintf(value, n, "Basic %s", b64);
    free(plain);
    free(b64);
    return value;
}

void rt_api_client_auth_add(const struct rt_api_client_credentials *cred, const struct rt_api_client_op *op,
                            struct rt_json_buf *url, char *sep, const char **headers, size_t *n_headers,
                            struct rt_api_client_auth *out)
{
    struct rt_json_buf cookie = {0};
    size_t i;

    memset(out, 0, sizeof(*out));
    for (i = 0; i < op->n_schemes; i++) {
        const struct rt_api_client_scheme *s = &op->schemes[i];

        if (s->kind == RT_AUTH_HTTP_BEARER || s->kind == RT_AUTH_HTTP_BASIC) {
            if (out->authorization == NULL && (out->authorization = authorization(cred, s->kind)) != NULL) {
                headers[(*n_headers)++] = "Authorization";
                headers[(*n_headers)++] = out->authorization;
            }
        } else if (cred->api_key == NULL) {
            continue;
        } else if (s->kind == RT_AUTH_API_KEY_HEADER) {
            headers[(*n_headers)++] = s->param;
            headers[(*n_headers)++] = cred->api_key;
        } else if (s->kind == RT_AUTH_API_KEY_QUERY) {
            rt_json_put_raw(url, sep, 1);
            *sep = '&';
            rt_api_client_put_encoded(url, s->param);
            rt_json_put_raw(url, "=", 1);
            rt_api_client_put_encoded(url, cred->api_key);
        } else { /* a cookie: name=value pairs joined by "; " (RFC 6265 §4.2.1) */
            if (cookie.len > 0)
                rt_json_put_raw(&cookie, "; ", 2);
            rt_json_put_raw(&cookie, s->param, strlen(s->param));
            rt_json_put_raw(&cookie, "=", 1);
            rt_json_put_raw(&cookie, cred->api_key, strlen(cred->api_key));
        }
    }
    if (cookie.len > 0) {
        rt_json_put_raw(&cookie, "", 1);
        out->cookie = cookie.data;
        headers[(*n_headers)++] = "Cookie";
        headers[(*n_headers)++] = out->cookie;
    } else {
        rt_json_buf_free(&cookie);
    }
}

void rt_api_client_auth_cleanup(struct rt_api_client_auth *a)
{
    if (a == NULL)
        return;
    free(a->authorization);
    free(a->cookie);
    a->authorization = a->cookie = NULL;
}
