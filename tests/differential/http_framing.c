/*
 * Our side of the differential test: each case of the corpus file (see
 * corpus.py) goes through the real rt_http server, over a loopback
 * connection, exactly as a client would send it (all of it, then a
 * half-close), and every request the server hands to the application is
 * recorded: method, target, body.  One JSON line per case, in the shape
 * llhttp_framing.js prints: the messages framed, and the error status the
 * server answered with (it closes after one), if any.
 *
 *   http_framing CORPUS_FILE
 */
#include "rt_http.h"
#include "rt_req.h"
#include "rt_req_internal.h"
#include "test_loop.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_MESSAGES 64
#define WAIT_MS 3000

/* Limits like Node's server: 16 KiB of head; bodies far above what the corpus sends. */
static const struct rt_http_settings settings = {
    .worker_id = 0,
    .max_body_size = 1 << 20,
    .max_header_size = 16384,
    .max_header_count = 200,
    .header_timeout_ms = WAIT_MS,
    .body_timeout_ms = WAIT_MS,
    .keepalive_timeout_ms = WAIT_MS,
    .write_timeout_ms = WAIT_MS,
    .max_connections = 16,
    .access_log = 0,
    .server_name = "differential",
    .tls_ctx = NULL,
};

struct message {
    char *method, *target, *body_hex;
};

static struct message messages[MAX_MESSAGES];
static int n_messages;

static char *hex(const char *data, size_t len)
{
    char *out = malloc(2 * len + 1);
    size_t i;

    if (out == NULL)
        abort();
    for (i = 0; i < len; i++)
        sprintf(out + 2 * i, "%02x", (unsigned char)data[i]);
    out[2 * len] = '\0';
    return out;
}

static void record(struct rt_req *req, void *arg)
{
    size_t len = 0;
    const char *body = rt_req_body(req, &len);
    struct message *m;
    size_t tlen;

    (void)arg;
    if (n_messages < MAX_MESSAGES) {
        m = &messages[n_messages++];
        m->method = strdup(req->method_name != NULL ? req->method_name : rt_method_name(rt_req_method(req)));
        tlen = strlen(req->path) + (req->query != NULL ? strlen(req->query) + 1 : 0) + 1;
        m->target = malloc(tlen);
        if (m->method == NULL || m->target == NULL)
            abort();
        snprintf(m->target, tlen, "%s%s%s", req->path, req->query != NULL ? "?" : "",
                 req->query != NULL ? req->query : "");
        m->body_hex = hex(body != NULL ? body : "", len);
    }
    rt_req_reply(req, 200, "text/plain", "ok", 2);
}

/* --- the client side --- */

struct client {
    int fd;
    char buf[1 << 16];
    size_t len;
    bool eof;
};

static bool client_done(void *arg)
{
    struct client *c = arg;
    ssize_t n;

    while (!c->eof && (n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len, MSG_DONTWAIT)) != 0) {
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return false;
            c->eof = true; /* a reset */
            break;
        }
        c->len += (size_t)n;
        if (c->len == sizeof(c->buf) - 1)
            c->len = 0; /* only the last answers matter: the status of the error, if any */
    }
    c->eof = true;
    c->buf[c->len] = '\0';
    return true;
}

/* The status of the first answer that is not 200, or 0. */
static int error_status(const char *answers)
{
    const char *p = answers;

    while ((p = strstr(p, "HTTP/1.1 ")) != NULL) {
        int status = atoi(p + 9);

        if (status != 200)
            return status;
        p += 9;
    }
    return 0;
}

static int connect_to(int port)
{
    struct sockaddr_in sin = {
        .sin_family = AF_INET, .sin_port = htons((uint16_t)port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (fd >= 0 && connect(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

static void print_json_string(const char *s)
{
    putchar('"');
    for (; *s != '\0'; s++) {
        unsigned char ch = (unsigned char)*s;

        if (ch == '"' || ch == '\\')
            printf("\\%c", ch);
        else if (ch < 0x20 || ch >= 0x7f)
            printf("\\u%04x", ch); /* bytes, as llhttp_framing.js's latin-1 view would show them */
        else
            putchar(ch);
    }
    putchar('"');
}

/* Send one case and print what was framed.  @return 0, or -1 if the case could not be run. */
static int run_case(struct event_base *base, int port, const char *name, const char *data, size_t len)
{
    struct client c = {.fd = connect_to(port)};
    int i;

    n_messages = 0;
    if (c.fd < 0 || (len > 0 && send(c.fd, data, len, MSG_NOSIGNAL) != (ssize_t)len) ||
        shutdown(c.fd, SHUT_WR) != 0 || !run_until(base, client_done, &c, WAIT_MS)) {
        fprintf(stderr, "%s: could not be run\n", name);
        if (c.fd >= 0)
            close(c.fd);
        return -1;
    }
    close(c.fd);
    printf("{\"name\":");
    print_json_string(name);
    printf(",\"messages\":[");
    for (i = 0; i < n_messages; i++) {
        printf("%s{\"method\":", i > 0 ? "," : "");
        print_json_string(messages[i].method);
        printf(",\"target\":");
        print_json_string(messages[i].target);
        printf(",\"body\":\"%s\"}", messages[i].body_hex);
        free(messages[i].method);
        free(messages[i].target);
        free(messages[i].body_hex);
    }
    printf("],\"error\":%d}\n", error_status(c.buf));
    return 0;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *data = NULL;
    long size;

    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
        goto cleanup;
    data = malloc((size_t)size + 1);
    if (data == NULL || fread(data, 1, (size_t)size, f) != (size_t)size) {
        free(data);
        data = NULL;
        goto cleanup;
    }
    *len = (size_t)size;
cleanup:
    if (f != NULL)
        fclose(f);
    return data;
}

static int listen_loopback(int *port)
{
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t slen = sizeof(sin);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 || listen(fd, 16) != 0 ||
        getsockname(fd, (struct sockaddr *)&sin, &slen) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    *port = ntohs(sin.sin_port);
    return fd;
}

int main(int argc, char **argv)
{
    struct event_base *base = event_base_new();
    struct rt_http *http = base != NULL ? rt_http_new(base, &settings, record, NULL) : NULL;
    size_t len = 0, at = 0;
    char *corpus = argc == 2 ? read_file(argv[1], &len) : NULL;
    int fd, port = 0, failed = 0;

    if (corpus == NULL || http == NULL) {
        fprintf(stderr, "usage: %s CORPUS_FILE\n", argv[0]);
        return 2;
    }
    fd = listen_loopback(&port);
    if (fd < 0 || rt_http_accept_on(http, fd) != 0)
        return 2;
    while (at < len) {
        char *name = corpus + at, *nl = memchr(name, '\n', len - at), *end;
        unsigned long n;

        if (nl == NULL)
            break;
        *nl = '\0';
        n = strtoul(nl + 1, &end, 10);
        if (*end != '\n' || (size_t)(end + 1 - corpus) + n > len)
            break;
        failed |= run_case(base, port, name, end + 1, n) != 0;
        at = (size_t)(end + 1 - corpus) + n;
    }
    rt_http_free(http);
    event_base_free(base);
    free(corpus);
    return failed || at != len ? 1 : 0;
}
