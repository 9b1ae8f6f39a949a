"""What the client templates (api_client.{h,c}.j2) need on top of an Operation.

Path parameters become C arguments of api_client_<op>(), in template order; the others are members of a
struct.  Only parameter kinds that are text in a URL or a header occur here (params.py refuses the rest).
"""

from .names import C_PARAM, PARAM_KIND_WORD, c_decl, c_string
from .schemas import c_item_type


def client_operation(op):
    """What the client templates need: path parameters as C arguments, the rest in a struct."""
    op.id_c = c_string(op.id)
    op.summary_c = c_string(op.summary or "")
    op.method_c = c_string(op.method)
    op.path_params = sorted([p for p in op.params if p.location == "path"], key=lambda p: p.path_index)
    op.other_params = [p for p in op.params if p.location != "path"]
    op.client_args = []
    for p in op.path_params:
        if p.is_array:  # a pointer and a count
            t = c_item_type(p.rule.items)
            t = t + "const" if t.endswith("*") else "const " + t  # const char *const *, const int64_t *
            op.client_args += [c_decl(t, "*" + p.c_name), "size_t %s_len" % p.c_name]
        elif p.is_json:  # serialized by the wrapper (json_object_to_json_string_ext)
            op.client_args.append("struct json_object *" + p.c_name)
        else:
            op.client_args.append(c_decl(C_PARAM[p.rule.kind], p.c_name))
    for p in op.params:
        p.client_decl = p.c_decl if (p.is_array or p.is_object or p.is_json) else \
            c_decl(C_PARAM[p.rule.kind], p.c_name) + ";"
        # a JSON parameter: NULL leaves an optional one out (a required one is sent as JSON null)
        p.client_has_flag = p.rule.kind not in ("RT_VALID_STRING", "RT_VALID_ARRAY", "RT_VALID_OBJECT", "RT_VALID_ANY")
        p.summary_c = c_string(p.comment)
        kind = p.rule.items.kind if p.is_array else p.rule.kind
        p.kind_word = "object" if p.is_object else "JSON" if p.is_json else \
            PARAM_KIND_WORD[kind] + ("s" if p.is_array else "")
        p.client_kind = p.rule.kind
    op.client_params = op.path_params + op.other_params  # the order of api_client_ops[].params
    op.owned_params = [p for p in op.client_params if p.is_array or p.is_object]  # texts the wrapper frees
    # The client's table: exact statuses, then ranges, default last (rt_api_client matches in that order).
    op.client_replies = op.responses + sorted((r for r in op.replies if r.takes_status),
                                              key=lambda r: r.key == "default")
    for i, r in enumerate(op.client_replies):
        r.client_index = i
        r.client_lo, r.client_hi = (r.status, 0) if not r.takes_status else (100 if r.key == "default" else r.lo,
                                                                             r.hi)
        r.header_names_c = [c_string(h.name) for h in r.headers]
        r.media_names_c = [c_string(m.media) for m in r.media]  # the Content-Types the client takes
    # The Accept it sends: every declared media type, when not all are JSON (rt_client sends application/json).
    types = []
    for r in op.client_replies:
        types += [m.media for m in r.media if m.media not in types]
    op.client_accept_c = c_string(", ".join(types)) if any(m.kind != "json" for r in op.client_replies
                                                             for m in r.media) else None
    op.model_responses = [r for r in op.client_replies if r.model]
