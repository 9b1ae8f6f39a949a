/*
 * cnames.yaml's generated code behaves: operations named count and op are
 * dispatched (API_OP_COUNT and API_OP_OP beside API_OP__COUNT), an operation
 * without operationId gets its derived handler, and a body whose properties
 * and enum values have fallback C names (+1 -> _1, -1 -> _1_2, @id -> id_2;
 * "" -> _1, asc -> ASC_2, 中文 -> _4) is read from and written back to its
 * exact JSON names, with the enum enforced.
 */
#include "../unit/runtime/test.h"

#include "api.h"
#include "rt_req.h"

#include <string.h>

static struct rt_req_capture cap;

void handle_count(struct rt_req *req)
{
    rt_req_reply_detail(req, 200, "count");
}

void handle_op(struct rt_req *req)
{
    rt_req_reply_detail(req, 200, "op");
}

/* Answers the body with +1 and -1 swapped, and the path's id as id. */
void handle_post_reactions_id(struct rt_req *req, const struct api_post_reactions_id_params *p)
{
    struct api_reaction_rollup out = p->body;

    out._1 = p->body._1_2;
    out._1_2 = p->body._1;
    out.id = p->id;
    out.has_id = true;
    api_post_reactions_id__reply_200(req, &out);
}

static int call(enum rt_method method, const char *target, const char *body)
{
    rt_req_capture_cleanup(&cap);
    api_dispatch(rt_req_new_detached(NULL, method, target, NULL, body, body ? strlen(body) : 0, &cap));
    return cap.status;
}

int main(void)
{
    CHECK(API_OP__COUNT == 3 && API_OP_COUNT != API_OP_OP);
    CHECK(call(RT_METHOD_GET, "/count", NULL) == 200 && strstr(cap.body, "\"count\"") != NULL);
    CHECK(call(RT_METHOD_GET, "/op", NULL) == 200 && strstr(cap.body, "\"op\"") != NULL);
    CHECK(strcmp(API_REACTION_ROLLUP_ORDER__1, "") == 0 && strcmp(API_REACTION_ROLLUP_ORDER_ASC, "ASC") == 0);
    CHECK(strcmp(API_REACTION_ROLLUP_ORDER_ASC_2, "asc") == 0 &&
          strcmp(API_REACTION_ROLLUP_ORDER__4, "中文") == 0);
    CHECK(call(RT_METHOD_POST, "/reactions/7", "{\"+1\":3,\"-1\":4,\"@id\":\"urn:x\",\"order\":\"中文\"}") ==
          200);
    CHECK(strstr(cap.body, "\"+1\":4") != NULL && strstr(cap.body, "\"-1\":3") != NULL);
    CHECK(strstr(cap.body, "\"@id\":\"urn:x\"") != NULL && strstr(cap.body, "\"id\":7") != NULL);
    CHECK(call(RT_METHOD_POST, "/reactions/7", "{\"+1\":3,\"-1\":4,\"order\":\"\"}") == 200);
    CHECK(call(RT_METHOD_POST, "/reactions/7", "{\"+1\":3,\"-1\":4,\"order\":\"Asc\"}") == 422 &&
          strstr(cap.body, "\"order\"") != NULL);
    CHECK(call(RT_METHOD_POST, "/reactions/7", "{\"+1\":3}") == 422 && strstr(cap.body, "\"-1\"") != NULL);
    rt_req_capture_cleanup(&cap);
    return test_done();
}
