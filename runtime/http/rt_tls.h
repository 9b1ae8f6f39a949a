/*
 * rt_tls — the server side of TLS: one SSL_CTX made from a certificate and
 * key at start-up, shared by every worker (OpenSSL allows SSL_new() on one
 * context from several threads).
 */
#ifndef RT_TLS_H
#define RT_TLS_H

#include <stddef.h>

struct ssl_ctx_st;

/**
 * Make a server context from the PEM certificate chain @p cert_file (the
 * leaf first, then any intermediates) and the PEM private key @p key_file:
 * TLS 1.2 at least, ALPN "http/1.1", renegotiation off, small buffers for
 * idle connections, an in-memory session cache and session tickets.
 * @return the context (the caller frees it with SSL_CTX_free()), or NULL
 *         with a message naming the file and the reason in @p err (files
 *         missing or unreadable, not PEM, or a key that is not the
 *         certificate's).
 */
struct ssl_ctx_st *rt_tls_server_ctx_new(const char *cert_file, const char *key_file, char *err,
                                         size_t errlen);

#endif /* RT_TLS_H */
