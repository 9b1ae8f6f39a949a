/*
 * rt_negotiate — choosing the media type of a response by the request's
 * Accept header (proactive negotiation, RFC 9110 §12.5.1).
 *
 * A response the spec declares under several media types (application/json
 * and application/xml) has one reply helper per type; the handler asks
 * which one the client prefers (the generated api_<op>__accept_<status>()
 * wraps rt_req_negotiate()) and answers with that helper.
 *
 * The rules, RFC 9110 §12.5.1's: each declared type gets the weight (q) of
 * the most specific media range of Accept that matches it —
 * type/subtype with parameters before type/subtype, before a type's range
 * ("text/" and a star), before the range of all types (two stars) — or 0
 * when none matches; q=0 excludes a type.  A range with
 * parameters (text/plain;format=flowed) matches only a declared type that
 * has them too (names any case; values exact, charset's any case); the
 * parameters after q (accept-ext) are ignored.  Types, subtypes and
 * parameter names compare case-insensitively.  The declared type of the
 * highest weight wins; on a tie, the preferred one, else the first
 * declared.  No Accept, an empty one or a malformed one (a range that is
 * not type/subtype, a star type with a subtype, a q that is not a qvalue) counts as "any
 * type": the preferred type.  Several Accept lines are one list.
 *
 * Whether to answer 406 when Accept excludes every declared type is the
 * handler's call (-1 tells it so); FastAPI never does.
 */
#ifndef RT_NEGOTIATE_H
#define RT_NEGOTIATE_H

#include <stddef.h>

struct rt_req;

/**
 * The best of the @p n media types @p types ("application/json",
 * "text/plain;charset=utf-8": type/subtype, optionally with parameters)
 * for the Accept header value @p accept (NULL: no Accept).
 * @return its index in @p types; @p preferred (< @p n) when @p accept is
 * NULL, empty or malformed; -1 when Accept gives every type q=0 or matches
 * none (or @p n is 0).
 */
int rt_negotiate(const char *accept, const char *const types[], size_t n, size_t preferred);

/**
 * rt_negotiate() over the Accept header(s) of @p req (several lines are
 * joined as one list, in request memory).  Adds "Vary: Accept" to the
 * answer: it depends on that header (RFC 9110 §12.5.5).
 */
int rt_req_negotiate(struct rt_req *req, const char *const types[], size_t n, size_t preferred);

#endif /* RT_NEGOTIATE_H */
