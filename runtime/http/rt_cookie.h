/*
 * rt_cookie — reading the Cookie request header (RFC 6265 §4.2).
 *
 * A user agent sends "Cookie: a=1; b=2": cookie-pairs separated by "; ".
 * The parser is lenient the way servers are (RFC 6265 §5.4 describes what
 * user agents send, not everything a server meets): blanks around pairs,
 * names and values are skipped, a pair without '=' or with an empty name is
 * ignored, and a value in double quotes loses them.  Nothing is decoded:
 * what a value means (percent-encoding, lists) is the caller's.
 */
#ifndef RT_COOKIE_H
#define RT_COOKIE_H

#include <stdbool.h>
#include <stddef.h>

/**
 * Find the cookie @p name (case-sensitive, as RFC 6265 §5.4 compares names)
 * in the Cookie header value @p header (NULL: no header).  When the name
 * occurs more than once the first one wins: user agents list the cookie
 * with the most specific path first (RFC 6265 §5.4, step 2).
 * @return true with *@p value pointing into @p header and *@p len its
 * length (quotes removed), or false if there is no such cookie.
 */
bool rt_cookie_get(const char *header, const char *name, const char **value, size_t *len);

#endif /* RT_COOKIE_H */
