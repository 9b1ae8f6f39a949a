/*
 * rt_client_exchange — one request and its response on one connection,
 * through evhttp.
 *
 * The request goes out with Host, User-Agent, Accept: application/json,
 * the caller's header fields and, with a body, Content-Length and
 * Content-Type.  What evhttp reports back becomes the request's result:
 * the status, body and Content-Type of a response, or an error message (a
 * connection that could not be made, a body or headers over the limits, a
 * malformed response, a connection closed early).  A GET whose reused
 * keep-alive connection turns out closed before any response byte goes
 * back to the pool for one retry on a fresh connection.
 *
 * Ownership: libevent owns the evhttp_request (req->evreq points to it
 * while it is in flight); the connection and the request stay the pool's
 * and the client's.
 */
#ifndef RT_CLIENT_EXCHANGE_H
#define RT_CLIENT_EXCHANGE_H

struct rt_client_conn;

/**
 * Send conn->req on @p conn, connected or not yet (evhttp connects on
 * demand); the connection becomes busy.  On failure the connection is
 * killed and the request fails.
 */
void rt_client_exchange_start(struct rt_client_conn *conn);

#endif /* RT_CLIENT_EXCHANGE_H */
