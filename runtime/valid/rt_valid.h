/*
 * rt_valid — request validation with FastAPI/pydantic v2 semantics, and
 * the table-driven JSON <-> C struct conversion behind generated models.
 *
 * Generated code (generated/) describes each schema and each operation's
 * parameters with the const tables below and calls these functions; all
 * the logic lives here.  Errors are collected, not returned one at a time:
 * a struct rt_valid_errors gathers every failing field of a request, and
 * rt_valid_errors_reply() answers them in FastAPI's exact 422 shape
 *   {"detail": [{"type": ..., "loc": [...], "msg": ..., "input": ..., "ctx": {...}}]}
 * with pydantic v2's error types and messages.
 *
 * Conversions follow pydantic's lax mode: path, query and header values are
 * strings and are parsed as pydantic parses strings ("3", "2.5", "1e1",
 * " 7 ", "1_000"); in JSON bodies an integer field also takes 2.0, true or
 * "42", a number field takes "2.5", a boolean takes 0/1 and "yes"/"off".
 * Deliberate differences from pydantic: NaN and infinities are refused
 * (finite_number) as if allow_inf_nan were false; integers are int64_t,
 * so a value outside that range is refused (with the bound's error when
 * the field has a bound on that side, else int_parsing_size).
 *
 * Threading: all functions may be called from any worker thread; patterns
 * are compiled once, under a lock, on first use (or by api_init()).
 */
#ifndef RT_VALID_H
#define RT_VALID_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct json_object;
struct rt_req;

/**
 * Version of the table layout below.  Generated files check it with #if and
 * refuse to compile against a runtime they were not generated for; bump it
 * with every change to these structs (and regenerate).
 */
#define RT_CODEGEN_ABI 1

/** Marks an unused offset in struct rt_valid_field and struct rt_valid_param. */
#define RT_VALID_NO_OFFSET ((size_t)-1)

/** Most nesting json_tokener accepts in a request body (arrays and objects). */
#define RT_VALID_JSON_MAX_DEPTH 32

/* --- errors --- */

/** The validation errors of one request, in the order found. */
struct rt_valid_errors {
    struct json_object *list; /* JSON array of error objects; NULL until the first error */
};

/**
 * A location ("loc") as a chain from the innermost element outwards:
 * ["body", "user", "email"] is {"email"} -> {"user"} -> {"body"}.  Chains
 * live on the stack of the code walking the input.
 */
struct rt_valid_loc {
    const struct rt_valid_loc *parent; /* enclosing location, or NULL at the root */
    const char *key;                   /* object key or "body"/"path"/...; NULL for an array index */
    int64_t index;                     /* array index or byte offset, when key is NULL */
};

/** Prepare @p errs (no errors). */
void rt_valid_errors_init(struct rt_valid_errors *errs);

/** Free the errors in @p errs and reset it; NULL is fine; idempotent. */
void rt_valid_errors_cleanup(struct rt_valid_errors *errs);

/** @return how many errors @p errs holds. */
size_t rt_valid_errors_count(const struct rt_valid_errors *errs);

/**
 * Append one error.  @p input (the offending value; NULL is JSON null) and
 * @p ctx (an object, or NULL for none) are taken over: the caller gives up
 * its reference.  Strings are copied.
 */
void rt_valid_error_add(struct rt_valid_errors *errs, const struct rt_valid_loc *loc, const char *type,
                        const char *msg, struct json_object *input, struct json_object *ctx);

/**
 * @return {"detail": [errors...]} as a new JSON object (the caller owns it);
 * @p errs keeps its own errors.
 */
struct json_object *rt_valid_errors_to_json(const struct rt_valid_errors *errs);

/**
 * If @p errs holds errors, answer @p req with 422 and FastAPI's body,
 * reset @p errs and return 1 (the request has ended).  Otherwise return 0
 * and leave @p req alone.
 */
int rt_valid_errors_reply(struct rt_req *req, struct rt_valid_errors *errs);

/* --- rules: what one value must be --- */

enum rt_valid_kind {
    RT_VALID_ANY = 0, /* any JSON value ({} in the spec): struct json_object * */
    RT_VALID_STRING,  /* char * (bodies) or const char * (parameters) */
    RT_VALID_INTEGER, /* int64_t */
    RT_VALID_NUMBER,  /* double */
    RT_VALID_BOOLEAN, /* bool */
    RT_VALID_OBJECT,  /* struct api_<schema> * (a field), or by value (an array item) */
    RT_VALID_ARRAY    /* struct { size_t len; T *items; } */
};

enum rt_valid_format {
    RT_VALID_FORMAT_NONE = 0,
    RT_VALID_FORMAT_EMAIL,     /* email-validator-like check; the domain is stored lower-cased */
    RT_VALID_FORMAT_DATE_TIME, /* RFC 3339 / ISO 8601 date and time, kept as the string */
    RT_VALID_FORMAT_UUID       /* 8-4-4-4-12 hex digits (or 32 without dashes), kept as the string */
};

/**
 * A regular expression from the spec.  POSIX extended syntax (regcomp with
 * REG_EXTENDED), which covers the simple patterns we use; the generator
 * rewrites \d and \D, and, like pydantic, a value matches when the pattern
 * matches anywhere in it (anchor with ^...$ for whole-string matches).
 * Compiled once, on first use or by rt_valid_pattern_compile().
 */
struct rt_valid_pattern {
    const char *source; /* the pattern as written in the spec (shown in errors) */
    const char *regex;  /* the POSIX ERE actually compiled */
    regex_t re;         /* private */
    volatile int ready; /* private: 1 once re is compiled */
};

/** A minimum or maximum. */
struct rt_valid_bound {
    const char *text; /* the limit as Python prints it ("0", "0.5"), for messages; NULL = no bound */
    double value;     /* the limit */
    bool exclusive;   /* exclusiveMinimum/exclusiveMaximum */
    bool is_int;      /* the spec wrote an integer: ctx shows {"ge": 0}, not {"ge": 0.0} */
};

struct rt_valid_model;

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
    const struct rt_valid_rule *items;  /* array: rule for each item (not itself an array) */
};

/** One property of a model. */
struct rt_valid_field {
    const char *name;                 /* JSON key */
    const struct rt_valid_rule *rule; /* what the value must be */
    bool required;                    /* absent -> "missing" */
    size_t offset;                    /* of the value in the C struct (array: of .items) */
    size_t aux_offset;                /* array: of .len; optional/nullable scalar: of bool has_<field>;
                                         else RT_VALID_NO_OFFSET */
};

/** A schema: how a C struct maps to a JSON object. */
struct rt_valid_model {
    const char *name;                    /* schema name in the spec ("UserCreate") */
    size_t size;                         /* sizeof the C struct */
    const struct rt_valid_field *fields; /* in spec order, which is also the JSON output order */
    size_t n_fields;
};

/** Where a parameter comes from. */
enum rt_valid_in { RT_VALID_IN_PATH, RT_VALID_IN_QUERY, RT_VALID_IN_HEADER };

/** One path, query or header parameter of an operation. */
struct rt_valid_param {
    const char *name; /* as in the spec (header names compare case-insensitively) */
    enum rt_valid_in in;
    unsigned path_index; /* path: position among the template's {parameters} */
    bool required;
    const char *default_text;         /* the default, as text parsed like a value; NULL = none */
    const struct rt_valid_rule *rule; /* scalar rules only (no objects, arrays or any) */
    size_t offset;                    /* of the value in the params struct */
    size_t has_offset; /* of bool has_<name> (optional without default), or RT_VALID_NO_OFFSET */
};

/* --- start-up --- */

/**
 * Set json-c's global double format to "%.15g" so that doubles created
 * anywhere (also by handlers with json_object_new_double()) print as 3.001
 * rather than 3.0009999999999999.  Generated code does better still (see
 * rt_valid_json_double()).  Idempotent; called by the generated api_init(),
 * which the runtime calls once before starting worker threads.
 */
void rt_valid_init(void);

/**
 * Compile @p pattern now (it is otherwise compiled on first use).
 * @return 0, or -1 if the expression does not compile (logged).
 */
int rt_valid_pattern_compile(struct rt_valid_pattern *pattern);

/* --- scalar parsing, pydantic's lax string rules --- */

/**
 * Parse @p s as pydantic parses a string into an int: surrounding
 * whitespace, an optional sign, decimal digits with single '_' between
 * them, and a fraction of zeros only ("2.0").
 * @return 0 and *@p out; -1 if @p s is no integer; 1 if it is one but does
 * not fit in int64_t (*@p out is then INT64_MAX or INT64_MIN).
 */
int rt_valid_parse_int(const char *s, int64_t *out);

/**
 * Parse @p s as pydantic parses a string into a float: whitespace, sign,
 * digits, '.', exponent, '_' between digits, "inf"/"infinity"/"nan".
 * @return 0 and *@p out (possibly not finite), or -1.
 */
int rt_valid_parse_number(const char *s, double *out);

/**
 * Parse @p s as pydantic parses a string into a bool ("1", "true", "yes",
 * "on", "t", "y" and their opposites, case-insensitive).
 * @return 0 and *@p out, or -1.
 */
int rt_valid_parse_bool(const char *s, bool *out);

/**
 * Check an email address (pydantic's EmailStr, which uses email-validator
 * without deliverability checks): one '@', a non-empty local part of
 * allowed characters and at most 64 bytes, a dotted domain of letters,
 * digits and hyphens, no spaces, at most 254 bytes in all.
 * @return NULL if valid, else the reason, worded like email-validator's
 * (a static string, or thread-local storage valid until the next call).
 */
const char *rt_valid_email_reason(const char *s, size_t len);

/* --- JSON --- */

/**
 * @return a new JSON number for @p value that prints in the shortest form
 * that reads back as the same double (3.001, 0.1, 2.0), like Python's repr.
 */
struct json_object *rt_valid_json_double(double value);

/**
 * Parse a request body: strict JSON, valid UTF-8, nested at most
 * RT_VALID_JSON_MAX_DEPTH deep, nothing but whitespace after the value.
 * On failure adds FastAPI's json_invalid error (loc ["body", <offset>],
 * msg "JSON decode error", ctx {"error": <json-c's reason>}) to @p errs.
 * @return 0 and *@p out (owned by the caller; NULL for the JSON null), or -1.
 */
int rt_valid_json_parse(const char *text, size_t len, struct json_object **out, struct rt_valid_errors *errs);

/* --- models --- */

/**
 * Fill @p out (a struct of @p model->size bytes, zeroed first) from the
 * JSON object @p j, validating every field and adding one error to
 * @p errs for each field that fails (a non-object @p j is one
 * model_attributes_type error at @p loc).  Unknown keys are ignored.
 * Strings and nested values are malloc'd; release them with
 * rt_valid_model_cleanup(), also after a failure.
 * @return 0 if all fields were valid, else -1.
 */
int rt_valid_model_from_json(const struct rt_valid_model *model, struct json_object *j, void *out,
                             struct rt_valid_errors *errs, const struct rt_valid_loc *loc);

/**
 * @return @p v serialized as a new JSON object (fields in spec order;
 * absent optional fields omitted, nullable ones written as null); the
 * caller owns it.  A NULL string or object in a required field is written
 * as null (a handler bug the client can see).
 */
struct json_object *rt_valid_model_to_json(const struct rt_valid_model *model, const void *v);

struct rt_json_buf;

/**
 * Append @p v to @p out as JSON text, byte for byte what
 * rt_valid_model_to_json() and json-c would print, without building the tree.
 */
void rt_valid_model_write_json(const struct rt_valid_model *model, const void *v, struct rt_json_buf *out);

/**
 * Answer @p req with @p status and @p v serialized as JSON
 * (rt_valid_model_write_json()); the fast path of every generated reply helper.
 */
void rt_valid_reply_model(struct rt_req *req, int status, const struct rt_valid_model *model, const void *v);

/** Free what rt_valid_model_from_json() allocated in @p v and zero it; NULL is fine; idempotent. */
void rt_valid_model_cleanup(const struct rt_valid_model *model, void *v);

/* --- requests --- */

/**
 * Read and validate the parameters of an operation into @p out (request
 * memory, zeroed), adding an error to @p errs for each failing one.
 * @p path_values are the decoded path parameters from rt_url_route().
 * String values point into request memory.
 * @return 0, or -1 if the request has already been answered (400: a query
 * value with a bad %-escape, %00 or invalid UTF-8).
 */
int rt_valid_params(struct rt_req *req, const struct rt_valid_param *params, size_t n_params,
                    const char *const *path_values, void *out, struct rt_valid_errors *errs);

/**
 * Parse and validate the JSON request body into @p out (a struct of
 * @p model) the way FastAPI does for a body model:
 *  - no body, or an empty one: "missing" at ["body"] if @p required;
 *  - no Content-Type, application/json or application/<x>+json: parsed as
 *    JSON (json_invalid on syntax errors);
 *  - any other Content-Type: the body is not parsed and is reported as
 *    model_attributes_type at ["body"] with the raw text as input, which is
 *    what FastAPI answers when it hands the raw bytes to the model.
 * Whatever was allocated is released when the request ends (rt_req_defer).
 * @return 1 if a body was present and valid, 0 if absent (and allowed to
 * be) or invalid (errors added).
 */
int rt_valid_body(struct rt_req *req, const struct rt_valid_model *model, bool required, void *out,
                  struct rt_valid_errors *errs);

#endif /* RT_VALID_H */
