/*
 * notes' generated client, the typed call: api_client_create_note() with
 * each media type POST /notes/ declares (NULL: the primary, JSON), against
 * the server at argv[1] (test_notes.py runs it through a relay that records
 * what the server receives).  One line per call on stdout: "<media type or
 * default> <status> <title>|<text>" of the note answered; then an
 * undeclared type (text/plain), which the call must refuse before sending.
 * Exit status 0 if every call got 201 with the note sent and the undeclared
 * type was refused, else 1; 2 for a usage error.
 */
#include "api_client.h"
#include "rt_client.h"

#include <event2/event.h>
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
    rt_api_client_cleanup(&client);
    rt_client_free(http);
    event_base_free(base);
    return failed;
}
