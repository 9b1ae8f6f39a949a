/*
 * rt_tls — the server's SSL_CTX (see rt_tls.h).
 */
#include "rt_tls.h"
#include "rt_err.h"

#include <errno.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <string.h>

/* The reason of the last OpenSSL error, then an empty queue for whoever comes next. */
static const char *ssl_reason(char *buf, size_t len)
{
    unsigned long e = ERR_peek_last_error();

    if (e == 0)
        snprintf(buf, len, "unknown error");
    else
        ERR_error_string_n(e, buf, len);
    ERR_clear_error();
    return buf;
}

/*
 * ALPN: HTTP/1.1 is all we speak.  A client that offers only something
 * else (h2 alone) gets a no_application_protocol alert, as RFC 7301 asks,
 * rather than a connection where it would speak a protocol we do not.
 */
static int select_alpn(SSL *ssl, const unsigned char **out, unsigned char *outlen, const unsigned char *in,
                       unsigned inlen, void *arg)
{
    static const unsigned char ours[] = "\x08http/1.1\x08http/1.0";
    unsigned char *chosen = NULL;

    if (SSL_select_next_proto(&chosen, outlen, ours, sizeof(ours) - 1, in, inlen) != OPENSSL_NPN_NEGOTIATED)
        return SSL_TLSEXT_ERR_ALERT_FATAL;
    *out = chosen;
    return SSL_TLSEXT_ERR_OK;
}

/* OpenSSL's "system lib" says little: name the file and errno first. */
static int check_readable(const char *what, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");

    if (f == NULL) {
        rt_err_set(err, errlen, "cannot read %s '%s': %s", what, path, strerror(errno));
        return -1;
    }
    fclose(f);
    return 0;
}

struct ssl_ctx_st *rt_tls_server_ctx_new(const char *cert_file, const char *key_file, char *err,
                                         size_t errlen)
{
    static const unsigned char sid_ctx[] = "async-demo";
    SSL_CTX *ctx = NULL;
    char reason[256];

    if (check_readable("TLS_CERT_FILE", cert_file, err, errlen) != 0 ||
        check_readable("TLS_KEY_FILE", key_file, err, errlen) != 0)
        goto err;
    ctx = SSL_CTX_new(TLS_server_method());
    if (ctx == NULL) {
        rt_err_set(err, errlen, "cannot create a TLS context: %s", ssl_reason(reason, sizeof(reason)));
        goto err;
    }
    if (SSL_CTX_use_certificate_chain_file(ctx, cert_file) != 1) {
        rt_err_set(err, errlen, "TLS_CERT_FILE '%s' holds no usable PEM certificate: %s", cert_file,
                   ssl_reason(reason, sizeof(reason)));
        goto err;
    }
    if (SSL_CTX_use_PrivateKey_file(ctx, key_file, SSL_FILETYPE_PEM) != 1) {
        rt_err_set(err, errlen, "TLS_KEY_FILE '%s' holds no usable PEM private key for that certificate: %s",
                   key_file, ssl_reason(reason, sizeof(reason)));
        goto err;
    }
    if (SSL_CTX_check_private_key(ctx) != 1) {
        rt_err_set(err, errlen, "TLS_KEY_FILE '%s' is not the key of TLS_CERT_FILE '%s': %s", key_file,
                   cert_file, ssl_reason(reason, sizeof(reason)));
        goto err;
    }
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    /*
     * Client-initiated renegotiation costs the server a handshake per
     * request (a DoS lever) and HTTP/1.1 has no use for it.  Released
     * buffers keep thousands of idle keep-alive connections small.
     */
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
    SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
    SSL_CTX_set_session_id_context(ctx, sid_ctx, sizeof(sid_ctx) - 1);
    SSL_CTX_set_timeout(ctx, 300); /* s a session may be resumed for */
    SSL_CTX_set_alpn_select_cb(ctx, select_alpn, NULL);
    return ctx;
err:
    SSL_CTX_free(ctx);
    return NULL;
}
