/*
 * rt_valid — the tables generated code describes its schemas and
 * parameters with, and the start-up they need.
 *
 * Validation follows FastAPI/pydantic v2: every failing field of a request
 * is collected and answered in FastAPI's exact 422 shape, with pydantic's
 * error types and messages.  Generated code (generated/) emits the const
 * tables below; the logic that walks them lives in the modules next to
 * this one, one concern each:
 *   rt_valid_errors  the error list ("loc", "msg", ...) and its JSON
 *   rt_valid_parse   pydantic's lax parsing of strings into numbers and booleans
 *   rt_valid_format  the string formats: email, date-time, uuid
 *   rt_valid_pattern patterns (ECMA-262 as rewritten for PCRE2), compiled and searched
 *   rt_valid_scalar  one value against a scalar rule (type, bounds, lengths, pattern,
 *                    format, enum); one parameter from its text
 *   rt_valid_json    request body text to JSON (strict), and doubles as Python prints them
 *   rt_valid_model   model tables: a C struct from JSON, and back to JSON (tree or text)
 *   rt_valid_schema  JSON Schema 2020-12 over generated tables, for values kept as JSON
 *   rt_valid_param   path, query, header and cookie parameters of a request, per their style
 *   rt_valid_req     the glue to a request (struct rt_req): body, 422 and replies
 * Only rt_valid_req knows the request; the others take what they need
 * (an error list, an arena) and can be used without a server.
 *
 * Threading: all functions may be called from any worker thread; patterns
 * are compiled once, under a lock, on first use (or by api_init()).
 */
#ifndef RT_VALID_H
#define RT_VALID_H

#include "rt_valid_pattern.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * Version of the tables below and of the functions generated code calls
 * (rt_valid_*.h), and of the client's tables and functions
 * (client/rt_api_client.h).  Generated files check it with #if and refuse
 * to compile against a runtime they were not generated for; bump it with
 * every change to these structs or those functions' signatures (and
 * regenerate).  This line is the only place the value is written: codegen
 * reads it (codegen/openapi_c/build.py), and the codegen targets depend on
 * this header, so a bump regenerates.
 * 3: the generic half of the generated client moved to rt_api_client.
 * 4: security schemes (rt_valid_auth), the client's scheme table.
 * 5: rules carry a JSON Schema (rule->schema, rt_valid_schema) and a lax flag; maps; tagged unions.
 * 6: merged with response headers and ranges (rt_valid_reply, rt_api_client_status.status_hi/headers),
 *    readOnly/writeOnly/default_json on fields, beside 5's schema tables.
 * 7: parameters have a style (arrays, deepObject, matrix, label), cookies,
 *    allowEmptyValue; rt_valid_param_read() replaces rt_valid_req_params();
 *    form bodies (rt_valid_form); the client's body_form (wt-params' 6,
 *    merged over main's 6).
 * 8: RT_VALID_FORMAT_HOSTNAME (appended to enum rt_valid_format); text and
 *    bytes request bodies (rt_valid_raw), vendor JSON media types matched
 *    exactly; the client's body_media/body_raw, rt_api_client_start_raw()
 *    (wt-suite's and wt-rawbody's 8, merged).
 * 9: multipart/form-data bodies (rt_valid_multipart, RT_VALID_FILE, struct
 *    rt_valid_file); the client's body_multipart (wt-multipart's 8, over main's 8).
 * 10: struct rt_valid_schema.discriminator (struct rt_valid_schema_disc): a
 *    discriminated oneOf/anyOf validated as a JSON value; rule->schema on a
 *    parameter's scalar rule (its keywords beyond the rule).
 * 11: a request body of several media types (rt_valid_media: struct
 *    rt_valid_media_body, rt_valid_media_req_body()) (wt-media).
 * 12: the client picks a body's media type: rt_api_client_op.media/n_media,
 *    rt_api_client_start_as() (wt-client).
 * 13: the form and multipart readers apply a field's default_json, as the
 *    JSON reader does (rt_valid_model_field_default()); the generator emits
 *    defaults on form fields, which an older runtime would leave unapplied.
 * 14: RT_VALID_FORMAT_DURATION (appended to enum rt_valid_format).
 * 15: patterns are PCRE2 (rt_valid_pattern.h): struct rt_valid_pattern holds
 *    compiled code, not a regex_t, and .regex is the generator's PCRE2
 *    rewrite of the ECMA-262 pattern, not a POSIX ERE.
 * 16: pydantic's IP formats (RT_VALID_FORMAT_IPVANYADDRESS and the networks
 *    and interfaces) and UUID versions (RT_VALID_FORMAT_UUID1...5), appended
 *    to enum rt_valid_format.
 * 17: struct rt_valid_schema's unevaluated_items and unevaluated_properties
 *    (appended).
 * 18: JSON Schema's uri-reference, iri, iri-reference, uri-template,
 *    json-pointer, relative-json-pointer, idn-hostname and idn-email
 *    (RT_VALID_FORMAT_URI_REFERENCE...),
 *    appended to enum rt_valid_format.
 * 19: RT_VALID_FORMAT_REGEX (JSON Schema's regex: ECMA-262 syntax, u flag),
 *    appended to enum rt_valid_format.
 * 20: parameters with content: a parameter whose rule has kind
 *    RT_VALID_ANY is a JSON value (rt_valid_param_json), stored as a
 *    struct json_object *; rt_valid_json_parse_at().
 * 21: responses of any media type, several per response: struct
 *    rt_api_client_status's media and struct rt_api_client_op's accept
 *    (appended); rt_negotiate (the generated api_<op>__accept_<status>()).
 * 22: struct rt_valid_schema.read_only (readOnly on a property of a JSON
 *    value: refused from requests), appended; a field's default_json on a
 *    JSON-value field (RT_VALID_ANY: a Literal's const), which an older
 *    runtime would read as a scalar; struct rt_valid_schema.request_optional
 *    (appended).
 * 23: struct rt_valid_schema.write_only, response_optional and
 *    has_write_only (appended): writeOnly on a property of a JSON value,
 *    left out of responses (rt_valid_schema_without_write_only(), which the
 *    generated reply helpers of JSON values call).
 * 24: RT_VALID_FORMAT_DECIMAL and RT_VALID_FORMAT_INT8_TEXT...UINT64_TEXT
 *    (appended to enum rt_valid_format): drf's decimal, and an integer
 *    format on a string (a decimal integer as text, within its range).
 * 25: struct rt_valid_field.null_flag and null_offset (appended): an
 *    optional field that may be null has bool <field>_null, so that JSON
 *    null is told from absence both ways (read: set when null was sent;
 *    written: null only when set, an unset field left out).  An older
 *    runtime would send null for every unset nullable field.
 * 26: struct rt_valid_model.closed (appended): an object schema with
 *    additionalProperties: false is a model whose readers (JSON, form,
 *    multipart) answer extra_forbidden for an undeclared member; it was a
 *    JSON value, which an older runtime would now read leniently; struct
 *    rt_valid_schema_prop.default_json and struct rt_valid_schema.has_default
 *    (appended): a property's default inside a request's JSON value is
 *    filled in (rt_valid_schema_fill_defaults()).
 */
#define RT_CODEGEN_ABI 26

/** Marks an unused offset in struct rt_valid_field and struct rt_valid_param. */
#define RT_VALID_NO_OFFSET ((size_t)-1)

/* --- rules: what one value must be --- */

enum rt_valid_kind {
    RT_VALID_ANY = 0, /* any JSON value ({} in the spec): struct json_object * */
    RT_VALID_STRING,  /* const char * (NUL-terminated UTF-8) */
    RT_VALID_INTEGER, /* int64_t */
    RT_VALID_NUMBER,  /* double */
    RT_VALID_BOOLEAN, /* bool */
    RT_VALID_OBJECT,  /* struct api_<schema> * (a field), or by value (an array item) */
    RT_VALID_ARRAY,   /* struct { size_t len; T *items; } */
    RT_VALID_MAP,     /* additionalProperties: struct { size_t len; struct { key; value; } *items; } */
    RT_VALID_UNION, /* oneOf/anyOf of object models: struct { enum kind; union { struct api_<b> *b; } value; }
                     */
    RT_VALID_FILE   /* a file part of a multipart/form-data body: struct rt_valid_file (rt_valid_multipart);
                       enum_values: the media types its Content-Type must match, or NULL for any */
};

/**
 * A file part of a multipart/form-data request body (RFC 7578), as
 * FastAPI's UploadFile: stored by value in the body's struct (an array of
 * files: their array).  Everything points into request memory, the bytes
 * into the request's body itself; nothing to free.
 */
struct rt_valid_file {
    const char *name;          /* the form field's name; NULL: the (optional) file was not sent */
    const char *filename;      /* the filename the client gave, unescaped ("" if it sent an empty one) */
    const char *content_type;  /* the part's Content-Type as sent; NULL: none (text/plain, RFC 7578 §4.4) */
    const unsigned char *data; /* the file's bytes (any bytes, NUL included): NOT NUL-terminated */
    size_t size;               /* bytes at data */
};

/** A discriminator's tag value and the branch of the union it names. */
struct rt_valid_tag {
    const char *value;
    size_t branch; /* index in rule->branches */
};

enum rt_valid_format {
    RT_VALID_FORMAT_NONE = 0,
    RT_VALID_FORMAT_EMAIL,     /* email-validator-like check; the domain is stored lower-cased */
    RT_VALID_FORMAT_DATE_TIME, /* RFC 3339 date-time, on the calendar, kept as the string */
    RT_VALID_FORMAT_UUID,      /* 8-4-4-4-12 hex digits, kept as the string */
    RT_VALID_FORMAT_DATE,      /* RFC 3339 full-date, on the calendar */
    RT_VALID_FORMAT_TIME,      /* RFC 3339 full-time, with its offset */
    RT_VALID_FORMAT_IPV4,      /* dotted quad, no leading zeros */
    RT_VALID_FORMAT_IPV6,      /* RFC 4291 text form, no zone */
    RT_VALID_FORMAT_URI,       /* RFC 3986 URI (with a scheme) */
    RT_VALID_FORMAT_BYTE,      /* OpenAPI's byte: base64 (RFC 4648, padded), kept as the text */
    RT_VALID_FORMAT_HOSTNAME,  /* RFC 1123 host name; an xn-- label must be a valid A-label (IDNA2008) */
    RT_VALID_FORMAT_DURATION,  /* RFC 3339 appendix A duration (P1DT2H, P2W), pydantic's timedelta */
    /* pydantic's IP types, read as Python's ipaddress reads them (rt_valid_format_ip.c) */
    RT_VALID_FORMAT_IPVANYADDRESS,   /* IPvAnyAddress: an ipv4 or ipv6 address */
    RT_VALID_FORMAT_IPV4NETWORK,     /* IPv4Network: address[/prefix|/netmask|/hostmask], no host bits set */
    RT_VALID_FORMAT_IPV6NETWORK,     /* IPv6Network: address[/prefix], no host bits set */
    RT_VALID_FORMAT_IPVANYNETWORK,   /* IPvAnyNetwork: either */
    RT_VALID_FORMAT_IPV4INTERFACE,   /* IPv4Interface: as IPv4Network, host bits allowed */
    RT_VALID_FORMAT_IPV6INTERFACE,   /* IPv6Interface: as IPv6Network, host bits allowed */
    RT_VALID_FORMAT_IPVANYINTERFACE, /* IPvAnyInterface: either */
    /* pydantic's UUID1, UUID3, UUID4, UUID5: a uuid of that version */
    RT_VALID_FORMAT_UUID1,
    RT_VALID_FORMAT_UUID3,
    RT_VALID_FORMAT_UUID4,
    RT_VALID_FORMAT_UUID5,
    /* JSON Schema's URI family (rt_valid_format_uri.c) and JSON pointers (rt_valid_format_pointer.c) */
    RT_VALID_FORMAT_URI_REFERENCE,         /* RFC 3986 URI or relative reference */
    RT_VALID_FORMAT_IRI,                   /* RFC 3987 IRI (with a scheme) */
    RT_VALID_FORMAT_IRI_REFERENCE,         /* RFC 3987 IRI or relative reference */
    RT_VALID_FORMAT_URI_TEMPLATE,          /* RFC 6570 URI Template */
    RT_VALID_FORMAT_JSON_POINTER,          /* RFC 6901 JSON pointer, JSON string form */
    RT_VALID_FORMAT_RELATIVE_JSON_POINTER, /* draft-handrews-relative-json-pointer-01 */
    RT_VALID_FORMAT_IDN_HOSTNAME,          /* IDNA2008 host name (rt_valid_format_net.c) */
    RT_VALID_FORMAT_IDN_EMAIL, /* RFC 6531 address: email's check, UTF-8 in a quoted local part too */
    RT_VALID_FORMAT_REGEX,     /* ECMA-262 regular expression with the u flag, syntax only */
    /* numbers as text (rt_valid_format_number.c) */
    RT_VALID_FORMAT_DECIMAL,     /* drf-spectacular's decimal: [+-]digits[.digits][e[+-]digits] */
    RT_VALID_FORMAT_INT8_TEXT,   /* an integer format on a string: -?(0|[1-9][0-9]*) within int8 */
    RT_VALID_FORMAT_INT16_TEXT,  /* ... within int16 */
    RT_VALID_FORMAT_INT32_TEXT,  /* ... within int32 */
    RT_VALID_FORMAT_INT64_TEXT,  /* ... within int64 (protobuf-JSON's int64; also format int) */
    RT_VALID_FORMAT_UINT8_TEXT,  /* [0-9]+ as above, within uint8 */
    RT_VALID_FORMAT_UINT16_TEXT, /* ... within uint16 */
    RT_VALID_FORMAT_UINT32_TEXT, /* ... within uint32 */
    RT_VALID_FORMAT_UINT64_TEXT  /* ... within uint64 (also format uint) */
};

/** A minimum or maximum. */
struct rt_valid_bound {
    const char *text; /* the limit as Python prints it ("0", "0.5"), for messages; NULL = no bound */
    double value;     /* the limit */
    bool exclusive;   /* exclusiveMinimum/exclusiveMaximum */
    bool is_int;      /* the spec wrote an integer: ctx shows {"ge": 0}, not {"ge": 0.0} */
};

struct rt_valid_model;
struct rt_valid_schema;

/** Constraints on one value; generated as static const tables. */
struct rt_valid_rule {
    enum rt_valid_kind kind;
    bool nullable;                      /* JSON null (type [x, "null"]) is accepted */
    struct rt_valid_bound minimum;      /* integer, number */
    struct rt_valid_bound maximum;      /* integer, number */
    size_t min_length;                  /* string, in characters (code points) */
    size_t max_length;                  /* string, in characters; 0 = no limit */
    struct rt_valid_pattern *pattern;   /* string; NULL = none */
    enum rt_valid_format format;        /* string */
    const char *const *enum_values;     /* string; NULL-terminated list, or NULL */
    const struct rt_valid_model *model; /* object */
    const struct rt_valid_rule
        *items;          /* array: rule for each item; map: for each value (not arrays or maps) */
    size_t entry_size;   /* map: sizeof one key/value pair */
    size_t value_offset; /* map: offsetof(pair, value) (the key is a const char * at 0);
                            union: offsetof(its struct, value) (the kind, an enum, is at 0) */
    const struct rt_valid_rule *const *branches; /* union: one object rule per branch (kind = index + 1) */
    size_t n_branches;
    bool one_of;                     /* union: exactly one branch must match; else the first that does */
    const char *discriminator;       /* union: the property whose value names the branch, or NULL */
    const struct rt_valid_tag *tags; /* union with a discriminator: its values (n_tags) */
    size_t n_tags;
    /*
     * any: the value is validated in full against this JSON Schema
     * (rt_valid_schema) and kept as a struct json_object *; NULL = any JSON value.
     * A parameter's string, integer, number or boolean: read by the rule,
     * then checked against this schema's keywords beyond it (an integer
     * enum, const, multipleOf...); NULL = the rule says it all.
     */
    const struct rt_valid_schema *schema;
    /*
     * pydantic's lax conversions in JSON ("3" and true for an integer, 1 and
     * "yes" for a boolean); false: JSON types strictly, as JSON Schema.
     * Parameters (text) are parsed either way.
     */
    bool lax;
};

/* --- models --- */

/** One property of a model. */
struct rt_valid_field {
    const char *name;                 /* JSON key */
    const struct rt_valid_rule *rule; /* what the value must be */
    bool required;                    /* absent -> "missing" */
    size_t offset;                    /* of the value in the C struct (array: of .items) */
    size_t aux_offset;                /* array: of .len; optional/nullable scalar: of bool has_<field>;
                                         else RT_VALID_NO_OFFSET */
    bool read_only;  /* readOnly: never required in, and refused from, a request (422); sent in responses */
    bool write_only; /* writeOnly: never written into a response, nor read from one (the client) */
    const char
        *default_json; /* a scalar's default as JSON, stored when a request leaves it out; NULL: none */
    /*
     * An optional field that may be null (nullable, or any JSON value) has a
     * third state beside absent and a value: bool <field>_null at
     * null_offset, set when the member was sent as JSON null, and when set,
     * written as null (whatever the value).  Without it (null_flag false: a
     * required field, or a table that predates it) an unset nullable field
     * is written as null.
     */
    bool null_flag;
    size_t null_offset;
};

/** A schema: how a C struct maps to a JSON object. */
struct rt_valid_model {
    const char *name;                    /* schema name in the spec ("UserCreate") */
    size_t size;                         /* sizeof the C struct */
    const struct rt_valid_field *fields; /* in spec order, which is also the JSON output order */
    size_t n_fields;
    /* additionalProperties: false: a member (form field, multipart part) no field names is an
     * extra_forbidden error, in a request and in a response the client reads alike */
    bool closed;
};

/* --- parameters --- */

/** Where a parameter comes from. */
enum rt_valid_in { RT_VALID_IN_PATH, RT_VALID_IN_QUERY, RT_VALID_IN_HEADER, RT_VALID_IN_COOKIE };

/**
 * How a parameter's value is written (OpenAPI's style; RFC 6570 for the
 * path ones).  Which combinations of style, place and type are accepted is
 * the generator's (codegen/openapi_c/params.py) to decide.
 */
enum rt_valid_style {
    RT_VALID_STYLE_SIMPLE = 0,      /* path, header: "5", arrays "3,4,5" */
    RT_VALID_STYLE_FORM,            /* query, cookie: "x=5", arrays "x=3&x=4" (explode) or "x=3,4" */
    RT_VALID_STYLE_SPACE_DELIMITED, /* query arrays, not exploded: "x=3%204" */
    RT_VALID_STYLE_PIPE_DELIMITED,  /* query arrays, not exploded: "x=3|4" */
    RT_VALID_STYLE_DEEP_OBJECT,     /* query objects: "x[a]=1&x[b]=2" */
    RT_VALID_STYLE_MATRIX,          /* path: ";x=5", arrays ";x=3,4" or ";x=3;x=4" (explode) */
    RT_VALID_STYLE_LABEL            /* path: ".5", arrays ".3,4" or ".3.4" (explode) */
};

/** One path, query, header or cookie parameter of an operation. */
struct rt_valid_param {
    const char *name; /* as in the spec (header names compare case-insensitively) */
    enum rt_valid_in in;
    enum rt_valid_style style;
    bool explode;
    unsigned path_index; /* path: position among the template's {parameters} */
    bool required;
    bool allow_empty;                 /* query: "?x=" is accepted as given and empty (allowEmptyValue) */
    const char *default_text;         /* scalar: the default, as text parsed like a value; NULL = none */
    const char *const *default_items; /* array: the default's items as text, NULL-terminated; NULL = none */
    const struct rt_valid_rule *rule; /* a scalar, an array of scalars, (deepObject) a model of scalars, or
                                         (content) RT_VALID_ANY with a schema: a JSON value */
    size_t offset;                    /* of the value in the params struct (array: of .items) */
    size_t has_offset;   /* of bool has_<name> (optional scalar without default), or RT_VALID_NO_OFFSET */
    size_t len_offset;   /* array: of .len; else RT_VALID_NO_OFFSET */
    size_t empty_offset; /* allow_empty: of bool <name>_empty; else RT_VALID_NO_OFFSET */
    size_t min_items;    /* array: minItems */
    size_t max_items;    /* array: maxItems; 0 = no limit */
    bool unique_items;   /* array: uniqueItems */
    bool closed;         /* deepObject: additionalProperties false (unknown keys are errors) */
};

/* --- where validated values are stored --- */

struct json_object;

/**
 * Memory released all at once, such as a request's: what validation stores
 * (strings, nested objects, array items) is taken from here and never
 * freed one by one.  rt_valid_req makes one of a request's memory.
 */
struct rt_valid_arena {
    void *(*alloc)(void *ctx, size_t size); /* @p size zeroed bytes valid as long as ctx; never NULL */
    void *ctx;                              /* the memory's owner, passed to alloc and keep */
    /*
     * Take over a reference to @p j (a JSON value stored for a {} field)
     * and drop it when the memory is released; NULL: the caller keeps the
     * whole parsed document alive instead.
     */
    void (*keep)(void *ctx, struct json_object *j);
};

/**
 * @return @p n * @p size zeroed bytes from @p arena, or from calloc when
 * @p arena is NULL (then the caller frees them).  Never NULL: running out
 * of memory, or a product that overflows, aborts.
 */
void *rt_valid_alloc(const struct rt_valid_arena *arena, size_t n, size_t size);

/* --- start-up --- */

/**
 * Set json-c's global double format to "%.15g" so that doubles created
 * anywhere (also by handlers with json_object_new_double()) print as 3.001
 * rather than 3.0009999999999999.  Generated code does better still (see
 * rt_valid_json_double()).  Idempotent; called by the generated api_init(),
 * which the runtime calls once before starting worker threads.
 */
void rt_valid_init(void);

#endif /* RT_VALID_H */
