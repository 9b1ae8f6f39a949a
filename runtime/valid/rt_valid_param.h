/*
 * rt_valid_param — the parameters of a request: where each one's text is
 * (path, query string, header, Cookie header), how its style writes it
 * (OpenAPI's style and explode: lists, deepObject, matrix, label), and its
 * validation into the operation's params struct.
 *
 * The request half of validation with rt_valid_req (the body and the
 * answers); the rules themselves are rt_valid_scalar's.  Every failing
 * parameter, array item or deepObject property adds its own error, with
 * loc [in, name], [in, name, index] or [in, name, property].
 */
#ifndef RT_VALID_PARAM_H
#define RT_VALID_PARAM_H

#include "rt_valid.h"
#include "rt_valid_errors.h"

#include <stddef.h>

struct rt_req;

/**
 * Read and validate the parameters @p params of an operation into @p out
 * (its params struct, in request memory, zeroed), adding an error to
 * @p errs for each failing value.  @p path_values are the decoded path
 * parameters from rt_url_route().  Per style:
 *   query form:   scalar "x=5" (the last "x" wins); array "x=3&x=4"
 *                 (explode) or "x=3,4" ("%2C" is a comma inside an item);
 *   spaceDelimited, pipeDelimited: "x=3%204", "x=3|4";
 *   deepObject:   "x[a]=1&x[b]=2" into a struct of scalars, unknown
 *                 properties ignored (or errors when closed);
 *   header simple: "3, 4" (blanks around items dropped);
 *   cookie form:  "x=5" or "x=3,4" in the Cookie header, percent-decoded;
 *   path simple "5" / "3,4", matrix ";x=5" / ";x=3,4" / ";x=3;x=4",
 *   label ".5" / ".3,4" / ".3.4" (on the decoded segment: a ',' ';' or
 *   '.' in an item cannot be told from a separator there).
 * A parameter with content (rule kind RT_VALID_ANY) takes its one text as
 * a scalar's, decoded for its place, and rt_valid_param_json reads it as
 * a JSON value.
 * An empty query value "x=" is validated as "" unless allow_empty, when it
 * counts as given and empty (the empty flag set, no value stored).
 * Strings and arrays live in request memory.
 * @return 0, or -1 if the request has already been answered 400 (a query
 * or cookie value with a bad %-escape, %00 or invalid UTF-8; a header
 * value that is not UTF-8).
 */
int rt_valid_param_read(struct rt_req *req, const struct rt_valid_param *params, size_t n_params,
                        const char *const *path_values, void *out, struct rt_valid_errors *errs);

#endif /* RT_VALID_PARAM_H */
