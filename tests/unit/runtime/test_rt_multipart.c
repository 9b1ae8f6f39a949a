/*
 * rt_multipart: the boundary from a Content-Type (RFC 2046 §5.1.1: quoted
 * or not, 1..70 bchars), and bodies split into parts (RFC 7578): its §4
 * example, preamble and epilogue, quoted-string escapes, a browser's
 * %22/%0D/%0A in names and filenames, binary bytes with
 * NUL and CRLF inside a file, and every refusal (no closing delimiter, a
 * part without a name, obsolete line folding, bare LF, filename*, ...);
 * and the generated client's writer (rt_api_client_multipart) read back.
 */
#include "test.h"

#include "rt_api_client_multipart.h"
#include "rt_mem.h"
#include "rt_multipart.h"

#include <json-c/json.h>

#include <stdlib.h>
#include <string.h>

/* The parser's allocator: every block is kept and freed at the end of the case. */
static void *blocks[4096];
static size_t n_blocks;

static void *test_alloc(void *ctx, size_t size)
{
    (void)ctx;
    if (n_blocks == sizeof(blocks) / sizeof(blocks[0]))
        abort();
    return blocks[n_blocks++] = rt_xcalloc(1, size);
}

static void free_blocks(void)
{
    while (n_blocks > 0)
        free(blocks[--n_blocks]);
}

static struct rt_multipart_part *parts;
static size_t n_parts;
static struct rt_multipart_error err;

/* Parse @p len bytes of @p body with @p boundary. @return the parser's result. */
static int parse(const char *body, size_t len, const char *boundary)
{
    free_blocks();
    memset(&err, 0, sizeof(err));
    return rt_multipart_parse(body, len, boundary, test_alloc, NULL, &parts, &n_parts, &err);
}

#define PARSE(lit, b) parse(lit, sizeof(lit) - 1, b)

static bool part_is(size_t i, const char *name, const char *filename, const char *ct, const char *data,
                    size_t size)
{
    const struct rt_multipart_part *p = &parts[i];

    return i < n_parts && strcmp(p->name, name) == 0 &&
           (filename == NULL ? p->filename == NULL
                             : p->filename != NULL && strcmp(p->filename, filename) == 0) &&
           (ct == NULL ? p->content_type == NULL
                       : p->content_type != NULL && strcmp(p->content_type, ct) == 0) &&
           p->size == size && memcmp(p->data, data, size) == 0;
}

static void test_boundary(void)
{
    char b[RT_MULTIPART_BOUNDARY_MAX + 1];
    char long_ct[200];

    CHECK(rt_multipart_boundary("multipart/form-data; boundary=AaB03x", b, &err) == RT_MULTIPART_FORM_DATA &&
          strcmp(b, "AaB03x") == 0);
    CHECK(rt_multipart_boundary("Multipart/Form-Data;charset=utf-8 ; BOUNDARY=\"a b:c/d?\"", b, &err) ==
              RT_MULTIPART_FORM_DATA &&
          strcmp(b, "a b:c/d?") == 0);
    CHECK(rt_multipart_boundary("multipart/form-data; boundary=\"q\\\"x\"", b, &err) ==
          RT_MULTIPART_BAD_BOUNDARY);
    CHECK(rt_multipart_boundary("multipart/form-data", b, &err) == RT_MULTIPART_BAD_BOUNDARY &&
          strstr(err.why, "missing") != NULL);
    CHECK(rt_multipart_boundary("multipart/form-data; boundary=\"\"", b, &err) == RT_MULTIPART_BAD_BOUNDARY);
    CHECK(rt_multipart_boundary("multipart/form-data; boundary=\"ends \"", b, &err) ==
          RT_MULTIPART_BAD_BOUNDARY);
    CHECK(rt_multipart_boundary("multipart/form-data; boundary=a; boundary=b", b, &err) ==
          RT_MULTIPART_BAD_BOUNDARY);
    CHECK(rt_multipart_boundary("multipart/form-data; boundary", b, &err) == RT_MULTIPART_BAD_BOUNDARY);
    CHECK(rt_multipart_boundary("multipart/form-data; boundary=a~b", b, &err) == RT_MULTIPART_BAD_BOUNDARY);
    snprintf(long_ct, sizeof(long_ct), "multipart/form-data; boundary=%070d", 7);
    CHECK(rt_multipart_boundary(long_ct, b, &err) == RT_MULTIPART_FORM_DATA && strlen(b) == 70);
    snprintf(long_ct, sizeof(long_ct), "multipart/form-data; boundary=%071d", 7);
    CHECK(rt_multipart_boundary(long_ct, b, &err) == RT_MULTIPART_BAD_BOUNDARY);
    snprintf(long_ct, sizeof(long_ct), "multipart/form-data; note=\"%0100d\"; boundary=z", 7);
    CHECK(rt_multipart_boundary(long_ct, b, &err) == RT_MULTIPART_FORM_DATA && strcmp(b, "z") == 0);
    snprintf(long_ct, sizeof(long_ct), "multipart/form-data; boundary=\"%0100d\"", 7);
    CHECK(rt_multipart_boundary(long_ct, b, &err) == RT_MULTIPART_BAD_BOUNDARY &&
          strstr(err.why, "70") != NULL);
    CHECK(rt_multipart_boundary("multipart/mixed; boundary=x", b, &err) == RT_MULTIPART_OTHER_TYPE);
    CHECK(rt_multipart_boundary("multipart/form-datax; boundary=x", b, &err) == RT_MULTIPART_OTHER_TYPE);
    CHECK(rt_multipart_boundary("application/json", b, &err) == RT_MULTIPART_OTHER_TYPE);
    CHECK(rt_multipart_boundary(NULL, b, &err) == RT_MULTIPART_OTHER_TYPE);
}

/* RFC 7578 §4 (and RFC 2388's example): a text field and a file, with preamble and epilogue. */
static void test_rfc7578_example(void)
{
    static const char body[] = "This is the preamble.\r\n"
                               "--AaB03x\r\n"
                               "Content-Disposition: form-data; name=\"submit-name\"\r\n"
                               "\r\n"
                               "Larry\r\n"
                               "--AaB03x\r\n"
                               "Content-Disposition: form-data; name=\"files\"; filename=\"file1.txt\"\r\n"
                               "Content-Type: text/plain\r\n"
                               "\r\n"
                               "... contents of file1.txt ...\r\n"
                               "--AaB03x--\r\n"
                               "This is the epilogue.\r\n--AaB03x\r\n";

    CHECK(PARSE(body, "AaB03x") == 0 && n_parts == 2);
    CHECK(part_is(0, "submit-name", NULL, NULL, "Larry", 5));
    CHECK(part_is(1, "files", "file1.txt", "text/plain", "... contents of file1.txt ...", 29));
    CHECK(parts[1].offset == (size_t)(strstr(body, "Content-Disposition: form-data; name=\"files\"") - body));
    /* no preamble, transport padding after the delimiters, no CRLF after the closing one */
    CHECK(PARSE("--x \t\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--x-- ", "x") == 0 &&
          n_parts == 1 && part_is(0, "a", NULL, NULL, "1", 1));
    CHECK(PARSE("--x--", "x") == 0 && n_parts == 0); /* no parts at all */
}

static void test_quoted_and_headers(void)
{
    CHECK(PARSE("--x\r\ncontent-disposition:form-data;name=\"a\\\"b\\\\c\";filename=\"\"  \r\n"
                "X-Other: ignored\r\nContent-Type:  image/png ; q=1 \r\n\r\nD\r\n--x--\r\n",
                "x") == 0);
    CHECK(part_is(0, "a\"b\\c", "", "image/png ; q=1", "D", 1));
    CHECK(
        PARSE("--x\r\nContent-Disposition: form-data; name=\"f\"; filename=\"C:\\\\t\\\\a b.txt\"; size=3\r\n"
              "Content-Transfer-Encoding: binary\r\n\r\nabc\r\n--x--",
              "x") == 0 &&
        part_is(0, "f", "C:\\t\\a b.txt", NULL, "abc", 3));
}

/*
 * What a browser sends for names and filenames holding '"', CR or LF (the
 * HTML standard's multipart/form-data encoding: %22, %0D, %0A, nothing
 * else escaped; a newline in a name is first made CRLF, one in a filename
 * is not), as Chrome writes it for
 *   fd.append('a"b\nc', '1'); fd.append('f', new File(['hi'], '"q"\r %41.txt'))
 * decoded; any other percent sequence stays as it is.
 */
static void test_browser_escapes(void)
{
    static const char body[] =
        "------WebKitFormBoundaryq3Zr0xX1X0T4DbwX\r\n"
        "Content-Disposition: form-data; name=\"a%22b%0D%0Ac\"\r\n"
        "\r\n"
        "1\r\n"
        "------WebKitFormBoundaryq3Zr0xX1X0T4DbwX\r\n"
        "Content-Disposition: form-data; name=\"f\"; filename=\"%22q%22%0D %41.txt\"\r\n"
        "Content-Type: text/plain\r\n"
        "\r\n"
        "hi\r\n"
        "------WebKitFormBoundaryq3Zr0xX1X0T4DbwX--\r\n";

    CHECK(PARSE(body, "----WebKitFormBoundaryq3Zr0xX1X0T4DbwX") == 0 && n_parts == 2);
    CHECK(part_is(0, "a\"b\r\nc", NULL, NULL, "1", 1));
    CHECK(part_is(1, "f", "\"q\"\r %41.txt", "text/plain", "hi", 2));
    /* Only the three, upper-case as browsers write them; in a token too; not after a backslash. */
    CHECK(PARSE("--x\r\nContent-Disposition: form-data; name=\"%0a%0d%2522%2%\"; filename=\"\\%22%\"\r\n"
                "\r\nD\r\n--x--",
                "x") == 0 &&
          part_is(0, "%0a%0d%2522%2%", "%22%", NULL, "D", 1));
    CHECK(PARSE("--x\r\nContent-Disposition: form-data; name=a%22b%0A\r\n\r\nD\r\n--x--", "x") == 0 &&
          part_is(0, "a\"b\n", NULL, NULL, "D", 1));
    /* A decoded name is data: a raw CR in the quoted-string is still refused. */
    CHECK(PARSE("--x\r\nContent-Disposition: form-data; name=\"a\rb\"\r\n\r\nD\r\n--x--", "x") == -1);
}

/* A file holding every byte value, NUL, CRLF and near-delimiters: given back as is, not copied. */
static void test_binary_bytes(void)
{
    static const char head[] = "--bnd\r\nContent-Disposition: form-data; name=\"f\"; filename=\"b\"\r\n\r\n";
    static const char tail[] = "\r\n--bnd--\r\n";
    char body[512], data[300];
    size_t n = 0, len;

    for (int i = 0; i < 256; i++)
        data[n++] = (char)i;
    memcpy(data + n, "\r\n--bn\r\n--bndx\r\n\0\r\n",
           19); /* "--bndx": the boundary's text not at a delimiter */
    n += 19;
    memcpy(body, head, sizeof(head) - 1);
    memcpy(body + sizeof(head) - 1, data, n);
    memcpy(body + sizeof(head) - 1 + n, tail, sizeof(tail) - 1);
    len = sizeof(head) - 1 + n + sizeof(tail) - 1;
    /* "\r\n--bndx" is a delimiter (RFC 2046: the boundary must not occur in the data), then no CRLF: refused
     */
    CHECK(parse(body, len, "bnd") == -1 && strstr(err.why, "CRLF") != NULL);
    memcpy(data + 256, "\r\n--bn\r\n-bnd\r\n\r\n\0\r\n", 19);
    memcpy(body + sizeof(head) - 1, data, n);
    CHECK(parse(body, len, "bnd") == 0 && n_parts == 1 && part_is(0, "f", "b", NULL, data, n));
    CHECK(n_parts == 1 && parts[0].data == body + sizeof(head) - 1); /* points into the body */
}

static bool refused(const char *body, const char *why)
{
    bool ok = parse(body, strlen(body), "x") == -1 && n_parts == 0 && err.why != NULL &&
              strstr(err.why, why) != NULL;

    if (!ok)
        printf("# %s -> %s\n", body, err.why ? err.why : "(accepted)");
    return ok;
}

static void test_refusals(void)
{
    CHECK(refused("--x\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n", "closing delimiter"));
    CHECK(refused("--x\r\nContent-Disposition: form-data; name=a\r\n\r\n1", "closing delimiter"));
    CHECK(refused("--x\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--x-", "CRLF"));
    CHECK(refused("", "no delimiter"));
    CHECK(refused("just text", "no delimiter"));
    CHECK(refused("--x\r\nContent-Disposition: form-data\r\n\r\n1\r\n--x--", "no name"));
    CHECK(refused("--x\r\nContent-Disposition: form-data; filename=\"a\"\r\n\r\n1\r\n--x--", "no name"));
    CHECK(refused("--x\r\nContent-Type: text/plain\r\n\r\n1\r\n--x--", "no Content-Disposition"));
    CHECK(refused("--x\r\nContent-Disposition: attachment; name=a\r\n\r\n1\r\n--x--", "not form-data"));
    CHECK(refused("--x\r\nContent-Disposition: form-data;\r\n name=a\r\n\r\n1\r\n--x--", "folding"));
    CHECK(refused("--x\r\nContent-Disposition: form-data; name=a\nX: y\r\n\r\n1\r\n--x--", "bare CR or LF"));
    CHECK(refused("--x\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--x--", "CRLF"));
    CHECK(refused("--x\r\nContent-Disposition: form-data; name=a; filename*=UTF-8''a.txt\r\n\r\n1\r\n--x--",
                  "filename*"));
    CHECK(refused("--x\r\nContent-Disposition: form-data; name=a; name=b\r\n\r\n1\r\n--x--", "twice"));
    CHECK(refused("--x\r\nContent-Disposition: form-data; name=\"a\r\n\r\n1\r\n--x--", "malformed"));
    CHECK(
        refused("--x\r\nContent-Disposition: form-data; name=a\r\nContent-Disposition: form-data; name=b\r\n"
                "\r\n1\r\n--x--",
                "two Content-Disposition"));
    CHECK(refused("--x\r\nContent-Disposition: form-data; name=a\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                  "MQ==\r\n--x--",
                  "Content-Transfer-Encoding"));
    CHECK(refused("--x\r\nContent-Disposition: form-data; name=a\r\nBad header\r\n\r\n1\r\n--x--",
                  "malformed"));
    CHECK(refused("--x\r\nContent-Disposition: form-data; name=a", "do not end"));
    CHECK(
        refused("--x\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--x--junk", "after the closing"));
    CHECK(parse("--x\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--x--", 10, "x") == -1);
    CHECK(parse("--x\r\n", 5, "") == -1);
}

/* The generated client's writer, read back by the parser: names escaped, bytes as given, a boundary of its
 * own. */
static void test_client_round_trip(void)
{
    static const unsigned char bin[] = {0, '\r', '\n', '-', '-', 0xff, 'x'};
    const struct rt_api_client_part in[] = {
        {"a \"q\" \\", NULL, NULL, (const unsigned char *)"caf\xc3\xa9", 5},
        {"f", "C:\\x\".bin", "image/png", bin, sizeof(bin)},
        {"e", "", NULL, (const unsigned char *)"", 0},
        {"%22 %0A %0D %0a %41 %", "%22.txt", NULL, (const unsigned char *)"", 0},
        {"two\r\nlines", "a\nb.txt", NULL, (const unsigned char *)"", 0}, /* as %0D%0A, %0A */
    };
    const struct rt_api_client_part bad = {"a\x01b", NULL, NULL, (const unsigned char *)"", 0};
    const struct rt_api_client_part bad_type = {"t", NULL, "text/plain\r\nX: y", (const unsigned char *)"",
                                                0};
    const char *escaped = "name=\"two%0D%0Alines\"; filename=\"a%0Ab.txt\"";
    char boundary[RT_MULTIPART_BOUNDARY_MAX + 1], again[RT_MULTIPART_BOUNDARY_MAX + 1];
    size_t len = 0;
    char *body = rt_api_client_multipart_text(in, 5, boundary, &len), *other;

    CHECK(body != NULL && strlen(boundary) >= 16 && strncmp(body, "--", 2) == 0);
    CHECK(body != NULL && memmem(body, len, escaped, strlen(escaped)) != NULL); /* the bytes hold a NUL */
    CHECK(body != NULL && parse(body, len, boundary) == 0 && n_parts == 5);
    CHECK(part_is(0, "a \"q\" \\", NULL, NULL, "caf\xc3\xa9", 5));
    CHECK(part_is(1, "f", "C:\\x\".bin", "image/png", (const char *)bin, sizeof(bin)));
    CHECK(part_is(2, "e", "", NULL, "", 0));
    CHECK(part_is(3, "%22 %0A %0D %0a %41 %", "%22.txt", NULL, "", 0)); /* not read as browser escapes */
    CHECK(part_is(4, "two\r\nlines", "a\nb.txt", NULL, "", 0));
    other = rt_api_client_multipart_text(in, 1, again, &len);
    CHECK(other != NULL && strcmp(boundary, again) != 0); /* random: never the same twice */
    CHECK(rt_api_client_multipart_text(&bad, 1, boundary, &len) == NULL);
    CHECK(rt_api_client_multipart_text(&bad_type, 1, boundary, &len) == NULL);
    free(body);
    free(other);
}

/* A JSON object for a model with a file field (the command-line client): "@PATH" reads the file. */
static void test_client_from_json(void)
{
    static const struct rt_valid_rule file = {.kind = RT_VALID_FILE}, text = {.kind = RT_VALID_STRING};
    static const struct rt_valid_field fields[] = {{.name = "file", .rule = &file},
                                                   {.name = "n", .rule = &text}};
    static const struct rt_valid_model m = {"M", 0, fields, 2, false};
    char path[] = "/tmp/rt_multipart_XXXXXX", boundary[RT_MULTIPART_BOUNDARY_MAX + 1], at[40];
    int fd = mkstemp(path);
    struct json_object *j = json_object_new_object();
    size_t len = 0;
    char *body;

    CHECK(fd >= 0 && write(fd, "A\0B", 3) == 3);
    close(fd);
    snprintf(at, sizeof(at), "@%s", path);
    json_object_object_add(j, "file", json_object_new_string(at));
    json_object_object_add(j, "n", json_object_new_int(3));
    json_object_object_add(j, "tags", json_object_new_string("x"));
    body = rt_api_client_multipart_from_json(&m, j, boundary, &len);
    CHECK(body != NULL && parse(body, len, boundary) == 0 && n_parts == 3);
    CHECK(part_is(0, "file", strrchr(path, '/') + 1, "application/octet-stream", "A\0B", 3));
    CHECK(part_is(1, "n", NULL, NULL, "3", 1) && part_is(2, "tags", NULL, NULL, "x", 1));
    free(body);
    unlink(path);
    json_object_object_add(j, "file", json_object_new_string(at)); /* the file is gone */
    CHECK(rt_api_client_multipart_from_json(&m, j, boundary, &len) == NULL);
    json_object_object_add(j, "file", json_object_new_string("inline text"));
    body = rt_api_client_multipart_from_json(&m, j, boundary, &len);
    CHECK(body != NULL && parse(body, len, boundary) == 0 &&
          part_is(0, "file", "file", NULL, "inline text", 11));
    free(body);
    json_object_put(j);
}

int main(int argc, char **argv)
{
    static const struct test_case cases[] = {
        {"boundary.content_type", test_boundary},
        {"parse.rfc7578_example", test_rfc7578_example},
        {"parse.quoted_and_headers", test_quoted_and_headers},
        {"parse.browser_escapes", test_browser_escapes},
        {"parse.binary_bytes", test_binary_bytes},
        {"parse.refusals", test_refusals},
        {"client.round_trip", test_client_round_trip},
        {"client.from_json", test_client_from_json},
    };
    int rc = test_run(cases, TEST_N(cases), argc, argv);

    free_blocks();
    return rc;
}
