"""What the client templates (api_client.{h,c}.j2) need on top of an Operation.

Path parameters become C arguments of api_client_<op>(), in template order; the others are members of a
struct.  Only parameter kinds that are text in a URL or a header occur here (params.py refuses the rest).
"""

from .names import C_PARAM, PARAM_KIND_WORD, c_decl, c_string


def client_operation(op):
    """What the client templates need: path parameters as C arguments, the rest in a struct."""
    op.id_c = c_string(op.id)
    op.summary_c = c_string(op.summary or "")
    op.method_c = c_string(op.method)
    op.path_params = sorted([p for p in op.params if p.location == "path"], key=lambda p: p.path_index)
    op.other_params = [p for p in op.params if p.location != "path"]
    op.client_args = [c_decl(C_PARAM[p.rule.kind], p.c_name) for p in op.path_params]
    for p in op.params:
        p.client_decl = c_decl(C_PARAM[p.rule.kind], p.c_name) + ";"
        p.client_has_flag = p.rule.kind != "RT_VALID_STRING"
        p.summary_c = c_string(p.comment)
        p.kind_word = PARAM_KIND_WORD[p.rule.kind]
    op.client_params = op.path_params + op.other_params  # the order of api_client_ops[].params
    # The client's table: exact statuses, then ranges, default last (rt_api_client matches in that order).
    op.client_replies = op.responses + sorted((r for r in op.replies if r.takes_status),
                                              key=lambda r: r.key == "default")
    for i, r in enumerate(op.client_replies):
        r.client_index = i
        r.client_lo, r.client_hi = (r.status, 0) if not r.takes_status else (100 if r.key == "default" else r.lo,
                                                                             r.hi)
        r.header_names_c = [c_string(h.name) for h in r.headers]
    op.model_responses = [r for r in op.client_replies if r.model]
