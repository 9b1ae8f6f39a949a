/*
 * async_demo_generate(... LAX): the same body that the default (strict)
 * generation refuses ("3" for an integer, "yes" for a boolean; the fixture
 * checks that) is converted as pydantic does; bounds still hold.
 */
#include "../unit/runtime/test.h"

#include "api.h"
#include "rt_req.h"

#include <string.h>

static struct rt_req_capture cap;

void handle_create_thing(struct rt_req *req, const struct api_create_thing_params *p)
{
    rt_req_reply_detail(req, p->body.n == 3 && p->body.flag ? 200 : 500, "converted");
}

static int post(const char *body)
{
    rt_req_capture_cleanup(&cap);
    api_dispatch(rt_req_new_detached(NULL, RT_METHOD_POST, "/things", NULL, body, strlen(body), &cap));
    return cap.status;
}

int main(void)
{
    CHECK(post("{\"n\":\"3\",\"flag\":\"yes\"}") == 200);
    CHECK(post("{\"n\":3.0,\"flag\":1}") == 200);
    CHECK(post("{\"n\":\"11\",\"flag\":true}") == 422 && strstr(cap.body, "less_than_equal") != NULL);
    CHECK(post("{\"n\":\"x\",\"flag\":true}") == 422 && strstr(cap.body, "int_parsing") != NULL);
    rt_req_capture_cleanup(&cap);
    return test_done();
}
