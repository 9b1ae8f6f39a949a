/*
 * What the rt_req tests share (see req_harness.h).
 */
#include "req_harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void answer_send(struct rt_req *req, int status, const char *content_type, const void *body, size_t len)
{
    struct answer *a = req->owner;

    a->sends++;
    a->status = status;
    snprintf(a->content_type, sizeof(a->content_type), "%s", content_type ? content_type : "");
    a->body_len = len;
    snprintf(a->body, sizeof(a->body), "%.*s", (int)len, len > 0 ? (const char *)body : ""); /* text bodies */
    if (req->out_headers != NULL)
        snprintf(a->first_out_header, sizeof(a->first_out_header), "%s: %s", req->out_headers->name,
                 req->out_headers->value);
}

void answer_ended(struct rt_req *req)
{
    ((struct answer *)req->owner)->ended++;
}

/* Set @p req up as the connection layer does, handed to the application with id @p id. */
void req_setup(struct rt_req *req, struct answer *a, const char *id)
{
    memset(a, 0, sizeof(*a));
    rt_req_init(req, NULL);
    req->owner = a;
    req->send = answer_send;
    req->ended = answer_ended;
    snprintf(req->id, sizeof(req->id), "%s", id);
    req->active = true;
}

double metric(const char *series)
{
    size_t len = 0, n = strlen(series);
    char *text = rt_metrics_render(&len), *p = text;
    double v = -1;

    while (p != NULL && *p != '\0') {
        if (strncmp(p, series, n) == 0 && p[n] == ' ') {
            v = strtod(p + n + 1, NULL);
            break;
        }
        p = strchr(p, '\n');
        if (p != NULL)
            p++;
    }
    free(text);
    return v;
}

void defer_a(void *arg)
{
    struct order *o = arg;

    o->log[o->n++] = 'a';
}

void defer_b(void *arg)
{
    struct order *o = arg;

    o->log[o->n++] = 'b';
}

void defer_c(void *arg)
{
    struct order *o = arg;

    o->log[o->n++] = 'c';
}
