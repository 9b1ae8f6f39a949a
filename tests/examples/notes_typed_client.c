/*
 * notes' generated client, the typed call: api_client_create_note() with
 * each media type POST /notes/ declares (NULL: the primary, JSON), against
 * the server at argv[1] (test_notes.py runs it through a relay that records
 * what the server receives).  One line per call on stdout: "<media type or
 * default> <status> <title>|<text>" of the note answered; then an
 * undeclared type (text/plain), which the call must refuse before sending.
 * Exit status 0 if every call got 201 with the note sent and the undeclared
 * type was refused, else 1; 2 for a usage error.
 *
 * Then api_client_list_notes() with its JSON parameter filter (a struct
 * json_object * the client sends as compact JSON, percent-encoded in the
 * query): {"title":"Typed","limit":2}, which the server must apply, and
 * {"limit":2} (no title: the client sends it, the server answers 422).
 * One line each: "list <status> <titles of the notes, comma-separated>
 * page <X-Page>" for a 200 (its JSON header X-Page parsed as strict JSON
 * and written back), "list <status> <loc of each 422 entry, joined by
 * '.'>".
 */
#include "api_client.h"
#include "rt_client.h"

#include <event2/event.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

static struct event_base *base;

struct outcome {
    const char *media;
    int status;
    char note[256];  /* "title|text" of the 201's body */
    char error[256]; /* why no answer came, if none did */
};

static void on_created(const struct api_client_create_note_response *res, void *arg)
{
    struct outcome *o = arg;

    o->status = res->r.status;
    snprintf(o->error, sizeof(o->error), "%s", res->r.error != NULL ? res->r.error : "");
    if (res->body_201 != NULL)
        snprintf(o->note, sizeof(o->note), "%s|%s", res->body_201->title, res->body_201->text);
    event_base_loopexit(base, NULL);
}

/* " page <X-Page parsed strictly, written compact>" into @p out (@p size bytes); the length written. */
static size_t page_text(const struct rt_api_client_response *r, char *out, size_t size)
{
    const char *text = rt_api_client_header(r, "X-Page");
    struct json_tokener *tok = json_tokener_new();
    struct json_object *page = NULL;
    int n;

    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    if (text != NULL)
        page = json_tokener_parse_ex(tok, text, (int)strlen(text) + 1); /* the NUL ends the text */
    n = snprintf(out, size, " page %s",
                 page != NULL ? json_object_to_json_string_ext(page, JSON_C_TO_STRING_PLAIN) : "(invalid)");
    json_object_put(page);
    json_tokener_free(tok);
    return n > 0 ? (size_t)n : 0;
}

static void on_listed(const struct api_client_list_notes_response *res, void *arg)
{
    char *out = arg;
    size_t used;

    used = (size_t)snprintf(out, 256, "list %d ", res->r.status);
    for (size_t i = 0; res->body_200 != NULL && i < res->body_200->notes.len && used < 256; i++)
        used += (size_t)snprintf(out + used, 256 - used, "%s%s", i > 0 ? "," : "",
                                 res->body_200->notes.items[i].title);
    if (res->body_200 != NULL && used < 256)
        used += page_text(&res->r, out + used, 256 - used);
    for (size_t i = 0; res->body_422 != NULL && i < res->body_422->detail.len && used < 256; i++) {
        const struct api_validation_error *e = &res->body_422->detail.items[i];

        for (size_t k = 0; k < e->loc.len && used < 256; k++)
            used += (size_t)snprintf(out + used, 256 - used, "%s%s", k > 0 ? "." : "",
                                     json_object_get_string(e->loc.items[k]));
    }
    event_base_loopexit(base, NULL);
}

/* GET /notes/?filter=<@p filter_json as compact JSON>: the line on_listed() wrote; 0, or -1. */
static int list_notes(struct rt_api_client *client, const char *filter_json)
{
    struct api_client_list_notes_params params = {.filter = json_tokener_parse(filter_json)};
    char line[256] = "";
    int rc = -1;

    if (params.filter == NULL || api_client_list_notes(client, &params, on_listed, line) != 0)
        goto done;
    event_base_dispatch(base); /* on_listed() stops it */
    printf("%s\n", line);
    rc = 0;
done:
    json_object_put(params.filter); /* borrowed by the call: still ours */
    return rc;
}

int main(int argc, char **argv)
{
    static const char *const media[] = {NULL, "application/json", "application/x-www-form-urlencoded",
                                        "Multipart/Form-Data"};
    struct api_note_create note = {.title = "Typed", .text = "caf\xc3\xa9, & more"};
    struct outcome got[sizeof(media) / sizeof(media[0])];
    struct rt_api_client client;
    struct rt_client *http;
    char err[256];
    int failed = 0;

    if (argc != 2) {
        fprintf(stderr, "usage: %s BASE_URL\n", argv[0]);
        return 2;
    }
    base = event_base_new();
    http = rt_client_new(base, NULL, err, sizeof(err));
    if (http == NULL || rt_api_client_init(&client, http, argv[1]) != 0) {
        fprintf(stderr, "%s: %s\n", argv[0], http == NULL ? err : "bad URL");
        return 1;
    }
    memset(got, 0, sizeof(got));
    for (size_t i = 0; i < sizeof(media) / sizeof(media[0]); i++) {
        got[i].media = media[i];
        if (api_client_create_note(&client, &note, media[i], on_created, &got[i]) != 0) {
            failed = 1;
            continue;
        }
        event_base_dispatch(base); /* on_created() stops it */
        printf("%s %d %s\n", media[i] != NULL ? media[i] : "default", got[i].status, got[i].note);
        if (got[i].status == 0)
            fprintf(stderr, "%s\n", got[i].error);
        if (got[i].status != 201 || strcmp(got[i].note, "Typed|caf\xc3\xa9, & more") != 0)
            failed = 1;
    }
    /* not declared: refused at the call, never sent as another type */
    if (api_client_create_note(&client, &note, "text/plain", on_created, &got[0]) != -1)
        failed = 1;
    else
        printf("text/plain refused\n");
    if (list_notes(&client, "{\"title\": \"Typed\", \"limit\": 2}") != 0 ||
        list_notes(&client, "{\"limit\": 2}") != 0)
        failed = 1;
    rt_api_client_cleanup(&client);
    rt_client_free(http);
    event_base_free(base);
    return failed;
}
