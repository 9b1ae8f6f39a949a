/*
 * client_args — async-demo-client's command line (see client_args.h): reading argv into struct client_args,
 * the help and usage errors, and the request body made of --json and --FIELD options.
 */
#include "client_args.h"

#include "api.h" /* API_TITLE */
#include "api_client.h"
#include "client_auth.h"
#include "rt_mem.h"
#include "rt_valid.h"
#include "rt_valid_json.h"
#include "rt_valid_parse.h"

#include <json-c/json.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_USAGE 2

static const char *prog = "async-demo-client"; /* the name it was run by (client_args_parse()) */

const char *client_args_prog(void)
{
    return prog;
}

/* @return true if @p arg names @p name, a dash in @p arg also matching an underscore. */
static bool name_eq(const char *arg, size_t len, const char *name)
{
    size_t i;

    for (i = 0; i < len; i++) {
        if (name[i] == '\0' || !(arg[i] == name[i] || (arg[i] == '-' && name[i] == '_')))
            return false;
    }
    return name[len] == '\0';
}

/* "get_user" -> "get-user" into @p buf. */
static const char *dashed(const char *id, char *buf, size_t size)
{
    size_t i;

    for (i = 0; id[i] != '\0' && i + 1 < size; i++)
        buf[i] = id[i] == '_' ? '-' : id[i];
    buf[i] = '\0';
    return buf;
}

static const char *kind_word(enum rt_valid_kind kind, bool param) /* param: lists as rt_api_client_param.h */
{
    switch (kind) {
    case RT_VALID_STRING:
        return "string";
    case RT_VALID_INTEGER:
        return "integer";
    case RT_VALID_NUMBER:
        return "number";
    case RT_VALID_BOOLEAN:
        return "boolean";
    case RT_VALID_OBJECT:
        return param ? "key,value,..." : "object (JSON)";
    case RT_VALID_ARRAY:
        return param ? "list a,b" : "array (JSON)";
    default:
        return kind == RT_VALID_FILE ? "file: @PATH (or its text)" : "JSON";
    }
}

/* The upper-cased name of a path parameter, for usage lines: user_email -> USER_EMAIL. */
static const char *metavar(const char *name, char *buf, size_t size)
{
    size_t i;

    for (i = 0; name[i] != '\0' && i + 1 < size; i++)
        buf[i] = (name[i] >= 'a' && name[i] <= 'z') ? (char)(name[i] - 'a' + 'A')
                                                    : (name[i] == '-' ? '_' : name[i]);
    buf[i] = '\0';
    return buf;
}

/* The media type @p op's body goes as without --content-type, or NULL if it takes none. */
static const char *primary_type(const struct rt_api_client_op *op)
{
    enum rt_valid_media_kind kind;
    const char *ct;

    if (rt_api_client_body_media(op, NULL, &kind, &ct) != 0)
        return NULL;
    return kind == RT_VALID_MEDIA_MULTIPART ? "multipart/form-data"
           : kind == RT_VALID_MEDIA_FORM    ? "application/x-www-form-urlencoded"
                                            : ct;
}

/* The tool's own options, which may come before the operation or after it (client_auth's credentials too). */
static const char *const tool_options[] = {"url",     "ca-file", "timeout", "content-type", "accept",  "json",
                                           "api-key", "bearer",  "basic",   "concurrency",  "requests"};

/* The tool's option that the operation's parameter or body field @p name shadows after the operation, or
 * NULL. */
static const char *shadowed_option(const char *name)
{
    size_t i;

    for (i = 0; i < sizeof(tool_options) / sizeof(tool_options[0]); i++)
        if (name_eq(tool_options[i], strlen(tool_options[i]), name))
            return tool_options[i];
    return NULL;
}

/* For the help: " (the tool's --url goes before the operation)" when @p name shadows one of the tool's
 * options. */
static const char *shadow_note(const char *name, char *buf, size_t size)
{
    const char *tool = shadowed_option(name);

    if (tool == NULL)
        return "";
    snprintf(buf, size, " (the tool's --%s goes before the operation)", tool);
    return buf;
}

/* One operation's usage line and its parameters and body fields. */
static void print_op_help(FILE *f, const struct rt_api_client_op *op)
{
    char name[136], var[128];
    size_t i;

    fprintf(f, "  %s", dashed(op->id, name, sizeof(name)));
    for (i = 0; i < op->n_params; i++)
        if (op->params[i].in == RT_API_CLIENT_IN_PATH)
            fprintf(f, " %s", metavar(op->params[i].name, var, sizeof(var)));
    fprintf(f, "\n      %s %s%s%s\n", op->method, op->path, op->summary[0] != '\0' ? ": " : "", op->summary);
    for (i = 0; i < op->n_params; i++) {
        const struct rt_api_client_param *p = &op->params[i];

        if (p->in == RT_API_CLIENT_IN_PATH)
            snprintf(name, sizeof(name), "%s", metavar(p->name, var, sizeof(var)));
        else
            snprintf(name, sizeof(name), "--%s", dashed(p->name, var, sizeof(var)));
        fprintf(f, "      %-22s %s; %s%s\n", name, kind_word(p->kind, true), p->summary,
                p->in != RT_API_CLIENT_IN_PATH ? shadow_note(p->name, var, sizeof(var)) : "");
    }
    if (op->n_media > 0) {
        fprintf(f, "      --content-type TYPE    the body's media type:");
        for (i = 0; i < op->n_media; i++)
            fprintf(f, "%s %s", i > 0 ? "," : "", op->media[i].media);
        fprintf(f, " (default %s)\n", primary_type(op));
    }
    if (op->body != NULL) {
        fprintf(f, "      --json JSON            body %s (%s)", op->body->name,
                op->body_required ? "required" : "optional");
        fprintf(f, ", or its fields:\n");
        for (i = 0; i < op->body->n_fields; i++) {
            const struct rt_valid_field *fl = &op->body->fields[i];

            snprintf(name, sizeof(name), "--%s", dashed(fl->name, var, sizeof(var)));
            fprintf(f, "      %-22s %s, %s%s\n", name, kind_word(fl->rule->kind, false),
                    fl->required ? "required" : "optional", shadow_note(fl->name, var, sizeof(var)));
        }
    }
}

static void print_help(FILE *f)
{
    size_t i;

    fprintf(f,
            "usage: %s [--url URL] [--ca-file PEM] [--timeout SECONDS] OPERATION [PATH-ARGS...] [--PARAM "
            "VALUE...]\n"
            "       %*s [--json JSON] [--FIELD VALUE...] [--content-type TYPE] [--accept TYPE] "
            "[--concurrency N]\n"
            "       %*s [--requests M]\n"
            "       %s [OPERATION] --help\n"
            "\n"
            "Calls one operation of the %s API (default --url %s) and prints the status\n"
            "(stderr) and the JSON body (stdout).  Positional arguments fill the path parameters\n"
            "in order, --PARAM VALUE the query parameters, --json or --FIELD VALUE the body.\n"
            "Exit status: 0 for a 2xx answer, 1 otherwise, 2 for usage errors.\n"
            "\n"
            "Load mode: --concurrency N --requests M (default M = N) makes M calls, at most N at a\n"
            "time, prints one line per call (index, status, ms) and a summary (min/p50/p90/p99/max,\n"
            "wall time, requests per second).  Exit status 0 only if every call got a 2xx.\n"
            "\n"
            "--content-type TYPE sends the body as TYPE, one of the media types the operation declares\n"
            "for it (a form or multipart/form-data is made of the JSON object's members).  --accept TYPE\n"
            "asks for an answer of TYPE (\"application/xml\") where a response declares several media\n"
            "types; the body, JSON or not, is printed as received.\n"
            "\n"
            "--timeout is per call (default %g s).  For an https:// URL, the server's certificate is\n"
            "verified against the system's CAs, or those of --ca-file FILE (PEM).\n"
            "\n"
            "The tool's options may come before or after the operation.  After it, a name the operation\n"
            "has as a parameter or body field is the operation's (--url of a body field url sets that\n"
            "field): give the tool's option of that name before the operation.\n"
            "\n"
            "operations:\n",
            prog, (int)strlen(prog), "", (int)strlen(prog), "", prog, API_TITLE, CLIENT_ARGS_DEFAULT_URL,
            CLIENT_ARGS_DEFAULT_TIMEOUT_S);
    for (i = 0; i < api_client_n_ops; i++)
        print_op_help(f, &api_client_ops[i]);
    client_auth_help(f);
}

void client_args_usage_error(const char *fmt, const char *arg)
{
    char name[128];
    size_t i;

    fprintf(stderr, "%s: ", prog);
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\noperations:");
    for (i = 0; i < api_client_n_ops; i++)
        fprintf(stderr, " %s", dashed(api_client_ops[i].id, name, sizeof(name)));
    fprintf(stderr, "\n(%s --help shows their parameters)\n", prog);
    exit(EXIT_USAGE);
}

/* A JSON value for body field @p fl from the text @p v; text the field's type refuses stays a string. */
static struct json_object *field_value(const struct rt_valid_field *fl, const char *v)
{
    int64_t i;
    double d;
    bool b;
    struct json_object *j;

    switch (fl->rule->kind) {
    case RT_VALID_INTEGER:
        if (rt_valid_parse_int(v, &i) == 0)
            return json_object_new_int64(i);
        break;
    case RT_VALID_NUMBER:
        if (rt_valid_parse_number(v, &d) == 0 && isfinite(d))
            return rt_valid_json_double(d);
        break;
    case RT_VALID_BOOLEAN:
        if (rt_valid_parse_bool(v, &b) == 0)
            return json_object_new_boolean(b);
        break;
    case RT_VALID_STRING:
        break;
    default:
        j = json_tokener_parse(v);
        if (j != NULL)
            return j;
        break;
    }
    return json_object_new_string(v);
}

static long parse_count(const char *opt, const char *v)
{
    char *end;
    long n = strtol(v, &end, 10);

    if (*v == '\0' || *end != '\0' || n < 1 || n > 1000000)
        client_args_usage_error("%s needs a whole number from 1 to 1000000", opt);
    return n;
}

/* A word on the command line that is not an option: the operation, then its path parameters in order. */
static void positional_arg(struct client_args *cli, const char *arg, size_t *next_path)
{
    if (cli->op == NULL) {
        cli->op = api_client_find_op(arg);
        if (cli->op == NULL)
            client_args_usage_error("unknown operation '%s'", arg);
        cli->values = rt_xcalloc(cli->op->n_params + 1, sizeof(*cli->values));
        return;
    }
    while (*next_path < cli->op->n_params &&
           (cli->op->params[*next_path].in != RT_API_CLIENT_IN_PATH || cli->values[*next_path] != NULL))
        (*next_path)++;
    if (*next_path == cli->op->n_params)
        client_args_usage_error("too many arguments: '%s' (the operation's path parameters are all given)",
                                arg);
    cli->values[(*next_path)++] = arg;
}

/* A value given twice for the operation's @p name: refused, saying where the tool's option of that name goes.
 */
static void given_twice(const char *name, const char *shown)
{
    char msg[512];
    const char *tool = shadowed_option(name);

    if (tool != NULL)
        snprintf(
            msg, sizeof(msg),
            "'%s' is given twice after the operation, where it is the operation's own %s: give the tool's "
            "--%s before the operation",
            shown, name, tool);
    else
        snprintf(msg, sizeof(msg), "'%s' is given twice", shown);
    client_args_usage_error("%s", msg);
}

/*
 * --NAME VALUE after the operation, for one of its parameters or a field of its body: true if it is one.  Its
 * names win over the tool's own options there (a body field url is the field; the tool's --url goes before
 * the operation).
 */
static bool operation_option(struct client_args *cli, const char *name, size_t len, const char *val,
                             const char *shown)
{
    const struct rt_valid_field *fl = NULL;
    size_t i;

    for (i = 0; i < cli->op->n_params; i++) {
        if (name_eq(name, len, cli->op->params[i].name)) {
            if (cli->values[i] != NULL)
                given_twice(cli->op->params[i].name, shown);
            cli->values[i] = val;
            return true;
        }
    }
    for (i = 0; cli->op->body != NULL && i < cli->op->body->n_fields && fl == NULL; i++)
        if (name_eq(name, len, cli->op->body->fields[i].name))
            fl = &cli->op->body->fields[i];
    if (fl == NULL)
        return false;
    if (cli->body == NULL)
        cli->body = json_object_new_object();
    if (json_object_object_get_ex(cli->body, fl->name, NULL))
        given_twice(fl->name, shown);
    json_object_object_add(cli->body, fl->name, field_value(fl, val));
    return true;
}

/* --NAME VALUE: one of the tool's options; false if it is none. */
static bool tool_option(struct client_args *cli, const char *name, size_t len, const char *val)
{
    if (name_eq(name, len, "url")) {
        cli->url = val;
    } else if (name_eq(name, len, "ca-file")) {
        cli->ca_file = val;
    } else if (name_eq(name, len, "timeout")) {
        char *end;

        cli->timeout_s = strtod(val, &end);
        if (*val == '\0' || *end != '\0' || !(cli->timeout_s > 0) || cli->timeout_s > 86400)
            client_args_usage_error("--timeout needs a number of seconds, not '%s'", val);
    } else if (name_eq(name, len, "content-type")) {
        cli->media_type = val; /* checked against the operation's body once it is known */
    } else if (name_eq(name, len, "accept")) {
        cli->accept = val; /* the server picks among the operation's response media types */
    } else if (name_eq(name, len, "json")) {
        cli->json = val;
    } else if (name_eq(name, len, "concurrency")) {
        cli->concurrency = parse_count("--concurrency", val);
    } else if (name_eq(name, len, "requests")) {
        cli->requests = parse_count("--requests", val);
    } else if (!client_auth_option(name, len, val)) { /* --api-key, --bearer, --basic */
        return false;
    }
    return true;
}

/* --NAME VALUE: after the operation, one of its parameters or body fields first; else a setting of the tool.
 */
static void option_arg(struct client_args *cli, const char *name, size_t len, const char *val,
                       const char *shown)
{
    if (cli->op != NULL && operation_option(cli, name, len, val, shown))
        return;
    if (tool_option(cli, name, len, val))
        return;
    if (cli->op == NULL)
        client_args_usage_error("unknown option '%s' before the operation", shown);
    client_args_usage_error("'%s' is no parameter or body field of this operation", shown);
}

/* --content-type: a media type the operation declares for its body (the call would fail otherwise). */
static void check_media_type(const struct client_args *cli)
{
    enum rt_valid_media_kind kind;
    const char *ct;
    size_t i;

    if (cli->media_type == NULL || rt_api_client_body_media(cli->op, cli->media_type, &kind, &ct) == 0)
        return;
    if (primary_type(cli->op) == NULL)
        client_args_usage_error("--content-type '%s': this operation takes no body", cli->media_type);
    fprintf(stderr,
            "%s: --content-type '%s' is not a media type this operation declares for its body: it takes",
            prog, cli->media_type);
    for (i = 0; i < cli->op->n_media; i++)
        fprintf(stderr, "%s %s", i > 0 ? "," : "", cli->op->media[i].media);
    fprintf(stderr, "%s%s\n", cli->op->n_media > 0 ? "" : " ",
            cli->op->n_media > 0 ? "" : primary_type(cli->op));
    exit(EXIT_USAGE);
}

static void help_and_exit(const struct client_args *cli)
{
    if (cli->op != NULL) {
        printf("usage: %s [--url URL] OPERATION ...   (%s --help for all options)\n", prog, prog);
        print_op_help(stdout, cli->op);
    } else {
        print_help(stdout);
    }
    exit(0);
}

void client_args_parse(int argc, char **argv, struct client_args *cli)
{
    char buf[64];
    size_t len, i, next_path = 0;
    int k;

    prog = argc < 1 ? prog : strrchr(argv[0], '/') != NULL ? strrchr(argv[0], '/') + 1 : argv[0];
    cli->url = CLIENT_ARGS_DEFAULT_URL;
    cli->timeout_s = CLIENT_ARGS_DEFAULT_TIMEOUT_S;
    for (k = 1; k < argc; k++) {
        const char *arg = argv[k], *val, *eq;

        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0)
            help_and_exit(cli);
        if (strncmp(arg, "--", 2) != 0 || arg[2] == '\0') {
            positional_arg(cli, arg, &next_path);
            continue;
        }
        /* --name value, or --name=value */
        arg += 2;
        eq = strchr(arg, '=');
        len = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
        if (eq != NULL) {
            val = eq + 1;
        } else {
            if (k + 1 >= argc) {
                snprintf(buf, sizeof(buf), "--%.*s", (int)(len < 40 ? len : 40), arg);
                client_args_usage_error("%s needs a value", buf);
            }
            val = argv[++k];
        }
        option_arg(cli, arg, len, val, argv[eq != NULL ? k : k - 1]);
    }
    if (cli->op == NULL)
        client_args_usage_error("%s", "no operation given");
    for (i = 0; i < cli->op->n_params; i++)
        if (cli->op->params[i].in == RT_API_CLIENT_IN_PATH && cli->values[i] == NULL)
            client_args_usage_error("missing the path parameter %s",
                                    metavar(cli->op->params[i].name, buf, sizeof(buf)));
    check_media_type(cli);
}

const char *client_args_body(struct client_args *cli)
{
    struct json_object *base;

    if (cli->body == NULL)
        return cli->json;
    if (cli->json != NULL) {
        base = json_tokener_parse(cli->json);
        if (base == NULL || !json_object_is_type(base, json_type_object)) {
            json_object_put(base);
            client_args_usage_error("--json must be a JSON object when --FIELD options are given too%s", "");
        }
        json_object_object_foreach(cli->body, key, val)
        {
            json_object_object_add(base, key, json_object_get(val));
        }
        json_object_put(cli->body);
        cli->body = base;
    }
    return json_object_to_json_string_ext(cli->body, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
}

void client_args_free(struct client_args *cli)
{
    json_object_put(cli->body);
    cli->body = NULL;
    free(cli->values);
    cli->values = NULL;
}
