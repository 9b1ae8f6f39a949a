/*
 * The fixture's parameter styles (query arrays, deepObject, cookies, header
 * arrays, matrix/label and {name}.{ext} paths, allowEmptyValue), its
 * form body and its bodies of several media types (JSON, form, multipart:
 * the Content-Type picks the reader), through the generated router: the fixture's code as
 * test_fixture.c drives it, with the handlers of these operations (the
 * others keep their weak 501 defaults).
 */
#include "../unit/runtime/test.h"
#include "fixture_harness.h"

#include "api.h"
#include "api_client.h"
#include "rt_api_client_param.h"
#include "rt_json.h"
#include "rt_req.h"

#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- handlers: each writes back what it received --- */

/* Append "name=a,b" for the @p n int64_t items at @p items. */
static void put_ints(char *buf, size_t size, const char *name, const int64_t *items, size_t n)
{
    size_t len = strlen(buf);

    len += (size_t)snprintf(buf + len, size - len, " %s=", name);
    for (size_t i = 0; i < n && len < size; i++)
        len += (size_t)snprintf(buf + len, size - len, "%s%lld", i ? "," : "", (long long)items[i]);
}

static void put_strs(char *buf, size_t size, const char *name, const char *const *items, size_t n)
{
    size_t len = strlen(buf);

    len += (size_t)snprintf(buf + len, size - len, " %s=", name);
    for (size_t i = 0; i < n && len < size; i++)
        len += (size_t)snprintf(buf + len, size - len, "%s[%s]", i ? "," : "", items[i]);
}

void handle_search(struct rt_req *req, const struct api_search_params *p)
{
    char buf[512] = "";
    size_t len;

    put_ints(buf, sizeof(buf), "tag", p->tag.items, p->tag.len);
    put_ints(buf, sizeof(buf), "ids", p->ids.items, p->ids.len);
    put_strs(buf, sizeof(buf), "words", p->words.items, p->words.len);
    put_strs(buf, sizeof(buf), "spaced", p->spaced.items, p->spaced.len);
    put_strs(buf, sizeof(buf), "prefs", p->prefs.items, p->prefs.len);
    put_ints(buf, sizeof(buf), "x_ids", p->x_ids.items, p->x_ids.len);
    len = strlen(buf);
    snprintf(buf + len, sizeof(buf) - len, " filter=%s:%d:%lld session=%s empty=%d:%d:%lld",
             p->filter ? p->filter->name : "-", p->filter ? p->filter->has_age : 0,
             p->filter ? (long long)p->filter->age : 0LL, p->session ? p->session : "-", p->has_empty,
             p->empty_empty, (long long)p->empty);
    rt_req_reply_detail(req, 200, buf + 1);
}

/* A JSON parameter as "name=<JSON>" ("-" when absent, "null" for JSON null). */
static void put_json(char *buf, size_t size, const char *name, bool given, struct json_object *j)
{
    size_t len = strlen(buf);

    snprintf(
        buf + len, size - len, " %s=%s", name,
        !given ? "-"
               : json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
}

void handle_json_params(struct rt_req *req, const struct api_json_params_params *p)
{
    char buf[512] = "";

    put_json(buf, sizeof(buf), "sel", true, p->sel);
    put_json(buf, sizeof(buf), "filter", true, p->filter);
    put_json(buf, sizeof(buf), "meta", p->has_x_meta, p->x_meta);
    put_json(buf, sizeof(buf), "prefs", p->has_prefs, p->prefs);
    put_json(buf, sizeof(buf), "opt", p->has_opt, p->opt);
    snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), " opt_empty=%d", p->opt_empty);
    rt_req_reply_detail(req, 200, buf + 1);
}

void handle_get_file(struct rt_req *req, const struct api_get_file_params *p)
{
    char buf[128];

    snprintf(buf, sizeof(buf), "name=%s ext=%s", p->name, p->ext);
    rt_req_reply_detail(req, 200, buf);
}

void handle_path_styles(struct rt_req *req, const struct api_path_styles_params *p)
{
    char buf[256];

    snprintf(buf, sizeof(buf), "m=%lld l=%lld", (long long)p->m, (long long)p->l);
    put_ints(buf, sizeof(buf), "ms", p->ms.items, p->ms.len);
    put_strs(buf, sizeof(buf), "ls", p->ls.items, p->ls.len);
    rt_req_reply_detail(req, 200, buf);
}

/* "name=... age=... agree=... tags=..." of a FormIn body. */
static void put_form_in(char *buf, size_t size, const struct api_form_in *b)
{
    snprintf(buf, size, "name=%s age=%d:%lld agree=%d kind=%s", b->name, b->has_age, (long long)b->age,
             b->agree, b->kind);
    if (b->note != NULL)
        snprintf(buf + strlen(buf), size - strlen(buf), " note=%s", b->note);
    put_strs(buf, size, "tags", b->tags.items, b->tags.len);
}

void handle_submit_form(struct rt_req *req, const struct api_submit_form_params *p)
{
    char buf[256];

    put_form_in(buf, sizeof(buf), &p->body);
    rt_req_reply_detail(req, 200, buf);
}

void handle_submit_any(struct rt_req *req, const struct api_submit_any_params *p)
{
    char buf[256];

    put_form_in(buf, sizeof(buf), &p->body);
    rt_req_reply_detail(req, 200, buf);
}

void handle_submit_any_opt(struct rt_req *req, const struct api_submit_any_opt_params *p)
{
    char buf[256] = "no body";

    if (p->has_body)
        put_form_in(buf, sizeof(buf), &p->body);
    rt_req_reply_detail(req, 200, buf);
}

/* --- tests --- */

static void test_styles(void)
{
    const char *h[] = {"Cookie", "session=ab; prefs=x,y%20z+", "X-Ids", "1, 2", NULL};
    const char *bad[] = {"Cookie", "session=a; prefs=", "X-Ids", "1", NULL};

    send_req(RT_METHOD_GET,
             "/search?tag=1&tag=2&ids=3,4&words=a|b&spaced=c%20d&filter[name]=n&filter%5Bage%5D=4&empty=", h,
             NULL);
    CHECK(cap.status == 200 &&
          body_is("{\"detail\":\"tag=1,2 ids=3,4 words=[a],[b] spaced=[c],[d] prefs=[x],[y z+] "
                  "x_ids=1,2 filter=n:1:4 session=ab empty=0:1:0\"}"));
    send_req(RT_METHOD_GET, "/search", NULL, NULL); /* ids' default */
    CHECK(cap.status == 200 && body_is("{\"detail\":\"tag= ids=7 words= spaced= prefs= x_ids= filter=-:0:0 "
                                       "session=- empty=0:0:0\"}"));
    send_req(RT_METHOD_GET, "/search?tag=1&tag=x&tag=10&ids=5,5&filter[age]=-1&filter[zz]=1&empty=e", bad,
             NULL);
    CHECK(cap.status == 422);
    CHECK(strstr(cap.body, "\"loc\":[\"query\",\"tag\",1]") &&
          strstr(cap.body, "\"loc\":[\"query\",\"tag\",2]"));
    CHECK(strstr(cap.body, "{\"type\":\"unique_items\",\"loc\":[\"query\",\"ids\",1]"));
    CHECK(strstr(cap.body, "{\"type\":\"extra_forbidden\",\"loc\":[\"query\",\"filter\",\"zz\"]"));
    CHECK(strstr(cap.body, "{\"type\":\"missing\",\"loc\":[\"query\",\"filter\",\"name\"]"));
    CHECK(strstr(cap.body, "{\"type\":\"greater_than_equal\",\"loc\":[\"query\",\"filter\",\"age\"]"));
    CHECK(strstr(cap.body, "{\"type\":\"string_too_short\",\"loc\":[\"cookie\",\"session\"]"));
    CHECK(strstr(cap.body, "{\"type\":\"too_short\",\"loc\":[\"header\",\"X-Ids\"]"));
    CHECK(strstr(cap.body, "{\"type\":\"int_parsing\",\"loc\":[\"query\",\"empty\"]"));
    send_req(RT_METHOD_GET, "/search?tag=1&tag=2&tag=3&tag=4", NULL, NULL);
    CHECK(cap.status == 422 && strstr(cap.body, "{\"type\":\"too_long\",\"loc\":[\"query\",\"tag\"]"));

    send_req(RT_METHOD_GET, "/files/report.tar.gz", NULL, NULL); /* a name stops at the first '.' */
    CHECK(cap.status == 422 && strstr(cap.body, "\"loc\":[\"path\",\"ext\"]"));
    send_req(RT_METHOD_GET, "/files/report.gz", NULL, NULL);
    CHECK(cap.status == 200 && body_is("{\"detail\":\"name=report ext=gz\"}"));
    send_req(RT_METHOD_GET, "/files/report", NULL, NULL);
    CHECK(cap.status == 404);
    send_req(RT_METHOD_GET, "/files/.gz", NULL, NULL); /* an empty name */
    CHECK(cap.status == 404);
    /* a CORS preflight's methods (api_path_methods) see the segments with literal parts too */
    {
        struct rt_req_capture c1 = {0}, c2 = {0};
        struct rt_req *r1 =
            rt_req_new_detached(NULL, RT_METHOD_OPTIONS, "/files/report.gz", NULL, NULL, 0, &c1);
        struct rt_req *r2 = rt_req_new_detached(NULL, RT_METHOD_OPTIONS, "/files/report", NULL, NULL, 0, &c2);

        CHECK(api_path_methods(r1) == (RT_METHOD_GET | RT_METHOD_HEAD) && api_path_methods(r2) == 0);
        rt_req_reply(r1, 204, NULL, NULL, 0); /* answered: the detached requests free themselves */
        rt_req_reply(r2, 204, NULL, NULL, 0);
        rt_req_capture_cleanup(&c1);
        rt_req_capture_cleanup(&c2);
    }

    send_req(RT_METHOD_GET, "/styles/;m=5/;ms=1;ms=2/.6/.a.b", NULL, NULL);
    CHECK(cap.status == 200 && body_is("{\"detail\":\"m=5 l=6 ms=1,2 ls=[a],[b]\"}"));
    send_req(RT_METHOD_GET, "/styles/5/;ms=x/6/.a", NULL, NULL);
    CHECK(cap.status == 422 && strstr(cap.body, "{\"type\":\"parameter_style\",\"loc\":[\"path\",\"m\"]") &&
          strstr(cap.body, "\"loc\":[\"path\",\"ms\",0]") &&
          strstr(cap.body, "{\"type\":\"parameter_style\",\"loc\":[\"path\",\"l\"]"));
}

/* Parameters with content: JSON values in the path, the query, a header and a cookie. */
static void test_json_params(void)
{
    const char *h[] = {"X-Meta", "[\"a\", \"b c\"]", "Cookie", "prefs=%7B%22x%22%3A1%7D", NULL};
    const char *bad_h[] = {"X-Meta", "[1]", "Cookie", "prefs={\"a\":1,\"b\":2,\"c\":3}", NULL};

    send_req(RT_METHOD_GET,
             "/json-params/%5B1%2C2%5D?filter=%7B%22status%22%3A%22open%22%2C%22limit%22%3A5%7D", h, NULL);
    CHECK(cap.status == 200 && body_is("{\"detail\":\"sel=[1,2] filter={\\\"status\\\":\\\"open\\\","
                                       "\\\"limit\\\":5} meta=[\\\"a\\\",\\\"b c\\\"] "
                                       "prefs={\\\"x\\\":1} opt=- opt_empty=0\"}"));
    /* '+' is a space in a query; the JSON null is a value; "opt=" is given empty */
    send_req(RT_METHOD_GET, "/json-params/[3]?filter={\"status\":+\"closed\"}&opt=", NULL, NULL);
    CHECK(cap.status == 200 && body_is("{\"detail\":\"sel=[3] filter={\\\"status\\\":\\\"closed\\\"} "
                                       "meta=- prefs=- opt=- opt_empty=1\"}"));
    send_req(RT_METHOD_GET, "/json-params/[3]?filter={\"status\":\"open\"}&opt=null", NULL, NULL);
    CHECK(cap.status == 200 && strstr(cap.body, " opt=null opt_empty=0"));

    /* malformed JSON: pydantic's json_invalid at [in, name] */
    send_req(RT_METHOD_GET, "/json-params/[1,?filter={status:1}", NULL, NULL);
    CHECK(
        cap.status == 422 &&
        strstr(cap.body, "{\"type\":\"json_invalid\",\"loc\":[\"path\",\"sel\"],\"msg\":\"Invalid JSON: ") &&
        strstr(cap.body,
               "{\"type\":\"json_invalid\",\"loc\":[\"query\",\"filter\"],\"msg\":\"Invalid JSON: ") &&
        strstr(cap.body, "\"input\":\"{status:1}\",\"ctx\":{\"error\":"));
    /* a schema violation: the schema's errors below [in, name] */
    send_req(RT_METHOD_GET, "/json-params/[]?filter={\"status\":\"gone\",\"limit\":11}", bad_h, NULL);
    CHECK(cap.status == 422 && strstr(cap.body, "\"loc\":[\"query\",\"filter\",\"status\"]") &&
          strstr(cap.body, "\"loc\":[\"query\",\"filter\",\"limit\"]") &&
          strstr(cap.body, "\"loc\":[\"path\",\"sel\"]") &&
          strstr(cap.body, "\"loc\":[\"header\",\"X-Meta\",0]") &&
          strstr(cap.body, "\"loc\":[\"cookie\",\"prefs\"]"));
    send_req(RT_METHOD_GET, "/json-params/[1]?filter={}", NULL, NULL);
    CHECK(cap.status == 422 && strstr(cap.body, "\"loc\":[\"query\",\"filter\",\"status\"]"));
    /* absent: missing; JSON null for the required one is a value, then checked (an object is wanted) */
    send_req(RT_METHOD_GET, "/json-params/[1]", NULL, NULL);
    CHECK(cap.status == 422 && strstr(cap.body, "{\"type\":\"missing\",\"loc\":[\"query\",\"filter\"]"));
    send_req(RT_METHOD_GET, "/json-params/[1]?filter=null", NULL, NULL);
    CHECK(cap.status == 422 && strstr(cap.body, "\"loc\":[\"query\",\"filter\"]") &&
          !strstr(cap.body, "\"missing\""));
    send_req(RT_METHOD_GET, "/json-params/[1]?filter=", NULL, NULL); /* no allowEmptyValue: not JSON */
    CHECK(cap.status == 422 && strstr(cap.body, "{\"type\":\"json_invalid\",\"loc\":[\"query\",\"filter\"]"));
}

#define JSON_TEXT(j)                                                                                         \
    json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

/*
 * The generated client's side of JSON parameters: the request the client
 * runtime writes from the fixture's client table (each value as the typed
 * wrapper serializes it), dispatched to the server, which reads back the
 * same values.  Reserved characters in the values (& ; = , % and blanks)
 * cross each place.
 */
static void test_json_client(void)
{
    const struct rt_api_client_op *op = api_client_find_op("json_params");
    struct json_object *sel = json_tokener_parse("[4, 5]"),
                       *filter = json_tokener_parse("{\"status\": \"open\", \"limit\": 2}"),
                       *meta = json_tokener_parse("[\"a&b; c=d\", \"%2C\"]"),
                       *prefs = json_tokener_parse("{\"k\": \"v; w=x,y\"}");
    struct rt_json_buf url = {0}, cookie = {0};
    char sep = '?', *header;

    CHECK(op != NULL && op->n_params == 5 && op->params[0].kind == RT_VALID_ANY);
    rt_json_put_raw(&url, "/json-params/", strlen("/json-params/"));
    rt_api_client_param_path(&url, &op->params[0], JSON_TEXT(sel));
    rt_api_client_param_query(&url, &op->params[1], JSON_TEXT(filter), &sep);
    rt_json_put_raw(&url, "", 1);
    header = rt_api_client_param_header(&op->params[2], JSON_TEXT(meta));
    rt_api_client_param_cookie(&cookie, &op->params[3], JSON_TEXT(prefs));
    rt_json_put_raw(&cookie, "", 1);
    {
        const char *h[] = {"X-Meta", header, "Cookie", cookie.data, NULL};

        send_req(RT_METHOD_GET, url.data, h, NULL);
    }
    CHECK(cap.status == 200 &&
          body_is("{\"detail\":\"sel=[4,5] filter={\\\"status\\\":\\\"open\\\",\\\"limit\\\":2} "
                  "meta=[\\\"a&b; c=d\\\",\\\"%2C\\\"] prefs={\\\"k\\\":\\\"v; w=x,y\\\"} opt=- "
                  "opt_empty=0\"}"));
    free(header);
    rt_json_buf_free(&url);
    rt_json_buf_free(&cookie);
    json_object_put(sel);
    json_object_put(filter);
    json_object_put(meta);
    json_object_put(prefs);
}

static void test_form(void)
{
    const char *form[] = {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8", NULL};
    const char *json[] = {"Content-Type", "application/json", NULL};

    send_req(RT_METHOD_POST, "/forms", form, "name=Ada+L&tags=a&tags=b%2Cc&agree=yes&other=1");
    CHECK(cap.status == 200 &&
          body_is("{\"detail\":\"name=Ada L age=0:0 agree=1 kind=plain tags=[a],[b,c]\"}"));
    send_req(RT_METHOD_POST, "/forms", form, "name=&age=-1&tags=abcd&tags=%FF&agree=maybe");
    CHECK(cap.status == 422 &&
          strstr(cap.body, "{\"type\":\"string_too_short\",\"loc\":[\"body\",\"name\"]") &&
          strstr(cap.body, "{\"type\":\"greater_than_equal\",\"loc\":[\"body\",\"age\"]") &&
          strstr(cap.body, "{\"type\":\"string_too_long\",\"loc\":[\"body\",\"tags\",0]") &&
          strstr(cap.body, "{\"type\":\"string_unicode\",\"loc\":[\"body\",\"tags\",1]") &&
          strstr(cap.body, "{\"type\":\"bool_parsing\",\"loc\":[\"body\",\"agree\"]"));
    send_req(RT_METHOD_POST, "/forms", form, "name=a&agree=1&kind=fancy&note=n&secret=s%3D");
    CHECK(cap.status == 200 && body_is("{\"detail\":\"name=a age=0:0 agree=1 kind=fancy note=n tags=\"}"));
    send_req(RT_METHOD_POST, "/forms", form, "name=a&agree=1&kind=other&note=123456789");
    CHECK(cap.status == 422 && strstr(cap.body, "{\"type\":\"enum\",\"loc\":[\"body\",\"kind\"]") &&
          strstr(cap.body, "\"loc\":[\"body\",\"note\"]"));
    send_req(RT_METHOD_POST, "/forms", form, "age=3");
    CHECK(cap.status == 422 && strstr(cap.body, "{\"type\":\"missing\",\"loc\":[\"body\",\"name\"]") &&
          strstr(cap.body, "{\"type\":\"missing\",\"loc\":[\"body\",\"agree\"]"));
    send_req(RT_METHOD_POST, "/forms", json, "{\"name\":\"a\",\"agree\":true}");
    CHECK(cap.status == 422 && strstr(cap.body, "{\"type\":\"model_attributes_type\",\"loc\":[\"body\"]"));
    send_req(RT_METHOD_POST, "/forms", form, NULL);
    CHECK(cap.status == 422 && strstr(cap.body, "{\"type\":\"missing\",\"loc\":[\"body\"]"));
}

#define ADA "{\"detail\":\"name=Ada L age=0:0 agree=1 kind=plain tags=[a],[b,c]\"}"
#define BOUNDARY "b0undary"
#define MULTIPART_ADA                                                                                        \
    "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nAda L\r\n"                       \
    "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"tags\"\r\n\r\na\r\n"                           \
    "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"tags\"\r\n\r\nb,c\r\n"                         \
    "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"agree\"\r\n\r\ntrue\r\n"                       \
    "--" BOUNDARY "--\r\n"

/* One body under several media types: each Content-Type its reader, the same handler result; 415 for
 * another type. */
static void test_several_media(void)
{
    const char *json[] = {"Content-Type", "application/json", NULL};
    const char *vendor[] = {"Content-Type", "application/vnd.x+json; charset=utf-8", NULL};
    const char *form[] = {"Content-Type", "Application/X-WWW-Form-URLEncoded; charset=utf-8", NULL};
    const char *multi[] = {"Content-Type", "multipart/form-data; boundary=" BOUNDARY, NULL};
    const char *text[] = {"Content-Type", "text/plain", NULL};

    send_req(RT_METHOD_POST, "/forms/any", json,
             "{\"name\":\"Ada L\",\"tags\":[\"a\",\"b,c\"],\"agree\":true}");
    CHECK(cap.status == 200 && body_is(ADA));
    send_req(RT_METHOD_POST, "/forms/any", vendor,
             "{\"name\":\"Ada L\",\"tags\":[\"a\",\"b,c\"],\"agree\":true}");
    CHECK(cap.status == 200 && body_is(ADA)); /* application/json takes every +json type */
    send_req(RT_METHOD_POST, "/forms/any", NULL,
             "{\"name\":\"Ada L\",\"tags\":[\"a\",\"b,c\"],\"agree\":true}");
    CHECK(cap.status == 200 && body_is(ADA)); /* no Content-Type: the primary type, JSON */
    send_req(RT_METHOD_POST, "/forms/any", form, "name=Ada+L&tags=a&tags=b%2Cc&agree=true");
    CHECK(cap.status == 200 && body_is(ADA));
    send_req(RT_METHOD_POST, "/forms/any", multi, MULTIPART_ADA);
    CHECK(cap.status == 200 && body_is(ADA));

    send_req(RT_METHOD_POST, "/forms/any", text, "name=Ada+L&agree=true");
    CHECK(cap.status == 415 &&
          body_is("{\"detail\":\"Unsupported Media Type: this operation takes a body of type "
                  "application/json, application/x-www-form-urlencoded or "
                  "multipart/form-data\"}"));
    send_req(RT_METHOD_POST, "/forms/any", form, "name=&agree=maybe");
    CHECK(cap.status == 422 &&
          strstr(cap.body,
                 "{\"detail\":[{\"type\":\"string_too_short\",\"loc\":[\"body\",\"name\"],\"msg\":") &&
          strstr(cap.body, "{\"type\":\"bool_parsing\",\"loc\":[\"body\",\"agree\"],\"msg\":") &&
          strstr(cap.body, "\"input\":\"maybe\""));
    send_req(RT_METHOD_POST, "/forms/any", json, "{\"name\":\"a\",\"agree\":\"true\"}");
    CHECK(cap.status == 422 && strstr(cap.body, "{\"type\":\"bool_type\",\"loc\":[\"body\",\"agree\"]"));
    send_req(RT_METHOD_POST, "/forms/any", multi,
             "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nx");
    CHECK(cap.status == 422 && strstr(cap.body, "{\"type\":\"multipart_invalid\",\"loc\":[\"body\","));
    send_req(RT_METHOD_POST, "/forms/any", text, NULL); /* no body: missing, whatever the type */
    CHECK(cap.status == 422 && strstr(cap.body, "{\"type\":\"missing\",\"loc\":[\"body\"]"));
    /* id is readOnly (and required, as drf-spectacular writes it): never needed, refused by every reader */
    send_req(RT_METHOD_POST, "/forms/any", json, "{\"id\":3,\"name\":\"a\",\"agree\":true}");
    CHECK(cap.status == 422 && strstr(cap.body, "{\"type\":\"read_only\",\"loc\":[\"body\",\"id\"]"));
    send_req(RT_METHOD_POST, "/forms/any", form, "id=3&name=a&agree=true");
    CHECK(cap.status == 422 && strstr(cap.body, "{\"type\":\"read_only\",\"loc\":[\"body\",\"id\"]"));
    send_req(RT_METHOD_POST, "/forms/any", multi,
             "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"id\"\r\n\r\n3\r\n" MULTIPART_ADA);
    CHECK(cap.status == 422 && strstr(cap.body, "{\"type\":\"read_only\",\"loc\":[\"body\",\"id\"]"));

    /* optional, multipart first and no JSON: a body without Content-Type is read as multipart */
    send_req(RT_METHOD_POST, "/forms/optional", NULL, NULL);
    CHECK(cap.status == 200 && body_is("{\"detail\":\"no body\"}"));
    send_req(RT_METHOD_POST, "/forms/optional", form, "name=Ada+L&tags=a&tags=b%2Cc&agree=true");
    CHECK(cap.status == 200 && body_is(ADA));
    send_req(RT_METHOD_POST, "/forms/optional", multi, MULTIPART_ADA);
    CHECK(cap.status == 200 && body_is(ADA));
    send_req(RT_METHOD_POST, "/forms/optional", json, "{\"name\":\"Ada L\",\"agree\":true}");
    CHECK(cap.status == 415 && strstr(cap.body, "takes a body of type multipart/form-data or "
                                                "application/x-www-form-urlencoded\"}"));
    send_req(RT_METHOD_POST, "/forms/optional", NULL, "name=Ada+L&agree=true");
    CHECK(cap.status == 422 && strstr(cap.body, "{\"type\":\"model_attributes_type\",\"loc\":[\"body\"]"));
}

int main(void)
{
    api_init();
    test_styles();
    test_json_params();
    test_json_client();
    test_form();
    test_several_media();
    rt_req_capture_cleanup(&cap);
    return test_done();
}
