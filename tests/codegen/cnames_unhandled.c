/*
 * cnames.yaml's API with two of its three handlers written: handle_post_reactions_id, the handler of the
 * operation without operationId (derived: post_reactions__id_), is left to its weak default, for
 * check_strict_handlers.cmake (codegen.strict_handlers): the build's check must name it, and the misspelt
 * handle_post_reaction_id below, which matches no operation.
 */
#include "api.h"
#include "rt_req.h"

void handle_count(struct rt_req *req)
{
    rt_req_reply_detail(req, 200, "count");
}

void handle_op(struct rt_req *req)
{
    rt_req_reply_detail(req, 200, "op");
}

/* A handler whose name is a typo (handle_post_reactions_id is the operation's): it matches nothing, and the
 * check says so. */
void handle_post_reaction_id(struct rt_req *req);
void handle_post_reaction_id(struct rt_req *req)
{
    rt_req_reply_detail(req, 200, "typo");
}

int main(void)
{
    /* api_dispatch() pulls the generated operations, and so the weak defaults, into the link */
    void (*volatile dispatch)(struct rt_req *) = api_dispatch;

    return dispatch != NULL ? 0 : 1;
}
