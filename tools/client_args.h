/*
 * client_args — async-demo-client's command line: the operation and its arguments (path parameters in order,
 * --PARAM VALUE, --json or --FIELD VALUE for the body), the tool's own settings (--url, --ca-file, --timeout,
 * --content-type, --concurrency, --requests; the credential options are client_auth's), the help built from
 * the generated operation table (generated/api_client.h), and usage errors (exit status 2).
 */
#ifndef CLIENT_ARGS_H
#define CLIENT_ARGS_H

#include "rt_api_client.h"

#define CLIENT_ARGS_DEFAULT_URL "http://127.0.0.1:8000"
#define CLIENT_ARGS_DEFAULT_TIMEOUT_S 120.0

struct json_object;

/* What the command line asks for; strings borrowed from argv, the rest owned (client_args_free()). */
struct client_args {
    const char *url;
    const char *ca_file; /* --ca-file: PEM CAs to verify an https:// server with, or NULL for the system's */
    double timeout_s;
    long concurrency; /* 0 unless given */
    long requests;    /* 0 unless given */
    const struct rt_api_client_op *op;
    const char **values;    /* op->n_params entries, NULL = not given */
    const char *json;       /* --json, or NULL */
    const char *media_type; /* --content-type: one of the media types op declares for its body, or NULL */
    const char *accept;     /* --accept: the Accept sent instead of the operation's declared types, or NULL */
    struct json_object *body; /* from --FIELD options, or NULL */
};

/**
 * Fill @p cli (zeroed by the caller) from argv, and take the tool's name from argv[0].  Exits with status 2
 * on usage errors (client_args_usage_error()) and with 0 after printing --help.
 */
void client_args_parse(int argc, char **argv, struct client_args *cli);

/** @return the name the tool was run by (argv[0] without its directory), for its messages. */
const char *client_args_prog(void);

/**
 * @return the body to send: --json as is (invalid JSON too), or the --FIELD values merged into --json's
 * object; NULL for none.  Owned by @p cli (valid until client_args_free()).  Exits with status 2 when
 * --FIELD options are given with a --json that is not an object.
 */
const char *client_args_body(struct client_args *cli);

/** Print "PROG: " and @p fmt with @p arg, the operations' names, and exit with status 2. */
void client_args_usage_error(const char *fmt, const char *arg) __attribute__((noreturn));

/** Free what client_args_parse() and client_args_body() allocated in @p cli (not @p cli itself). */
void client_args_free(struct client_args *cli);

#endif /* CLIENT_ARGS_H */
