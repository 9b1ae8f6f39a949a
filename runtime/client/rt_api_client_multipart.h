/*
 * rt_api_client_multipart — multipart/form-data request bodies (RFC 7578)
 * for the generated client: a file part per struct rt_valid_file field
 * (its bytes from the caller's memory), a text part per value of the other
 * fields, written as form fields are; a boundary of its own making that
 * occurs in no part.
 */
#ifndef RT_API_CLIENT_MULTIPART_H
#define RT_API_CLIENT_MULTIPART_H

#include "rt_multipart.h"
#include "rt_valid.h"

#include <stddef.h>

struct json_object;

/** One part to send. */
struct rt_api_client_part {
    const char *name;          /* the form field's name */
    const char *filename;      /* a file part's filename; NULL: a text field */
    const char *content_type;  /* its Content-Type; NULL: none (text/plain, RFC 7578 §4.4) */
    const unsigned char *data; /* its bytes (any bytes) */
    size_t size;               /* bytes at data */
};

/**
 * @return the multipart/form-data body of the @p n parts @p parts (newly
 * allocated with rt_mem, the caller frees it; NUL-terminated, *@p len
 * bytes without the NUL), its boundary written to @p boundary
 * (RT_MULTIPART_BOUNDARY_MAX + 1 bytes): random, and found in no part's
 * bytes.  Names and filenames go as quoted-strings ('"' and '\' escaped, and a '%'
 * beginning %22, %0D or %0A, which rt_multipart would decode), with CR and
 * LF as %0D and %0A (the HTML standard's encoding, which browsers send).
 * NULL if a Content-Type holds a control character, or a name or filename
 * one other than CR, LF and tab (NUL...): no header can carry it.
 */
char *rt_api_client_multipart_text(const struct rt_api_client_part *parts, size_t n, char *boundary,
                                   size_t *len);

/**
 * The body of @p obj, a struct of model @p m whose fields are files
 * (RT_VALID_FILE: sent when its data or name is set; a NULL filename is
 * sent as ""), arrays of files, scalars or arrays of scalars (sent as form
 * fields are: a string when not NULL, another scalar when required or its
 * has_ flag is set, one part per array item); as rt_api_client_multipart_text().
 */
char *rt_api_client_multipart_model(const struct rt_valid_model *m, const void *obj, char *boundary,
                                    size_t *len);

/**
 * The body of the JSON object @p obj for model @p m (the command-line
 * client's): a file field's string "@PATH" is the file at PATH (curl's -F
 * convention; its filename PATH's last component), any other string its
 * bytes as they are (filename the field's name); other members as form
 * fields (an array's items one part each; null and objects left out).
 * NULL if a file cannot be read (errno set) or as rt_api_client_multipart_text().
 */
char *rt_api_client_multipart_from_json(const struct rt_valid_model *m, struct json_object *obj,
                                        char *boundary, size_t *len);

#endif /* RT_API_CLIENT_MULTIPART_H */
