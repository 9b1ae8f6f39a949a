"""Parameters: the path template's segments, and each path, query or header parameter -> Param.

Parameters are validated by the rules of api_ops.c (build_rule(..., for_ops=True)) and arrive in a handler as
members of struct api_<op>_params.
"""

import re

from .names import C_PARAM, c_comment, c_decl, c_string, camel, field_name, py_number_text
from .refusals import SpecError
from .schemas import build_rule

MAX_PATH_PARAMS = 16


class Param:
    """One parameter of an operation: a member of struct api_<op>_params."""

    def __init__(self, spec_param, rule, where):
        self.name = spec_param["name"]
        self.name_c = c_string(self.name)
        self.c_name = field_name(self.name)
        self.location = spec_param["in"]
        self.required = bool(spec_param.get("required", self.location == "path"))
        self.rule = rule
        self.default_c = None
        if rule.default is not None:
            d = rule.default
            text = ("true" if d else "false") if isinstance(d, bool) else \
                py_number_text(d) if isinstance(d, (int, float)) else str(d)
            self.default_c = c_string(text)
        # an absent string parameter is just NULL; other optional ones without default get has_<name>
        self.has_flag = not self.required and self.default_c is None and rule.kind != "RT_VALID_STRING"
        t = C_PARAM.get(rule.kind)
        if t is None:
            raise SpecError("%s/schema: parameter %r must be a string, integer, number or boolean" % (where, self.name))
        self.c_decl = c_decl(t, self.c_name) + ";"
        words = [self.location, "required" if self.required else "optional"]
        if self.default_c:
            words.append("default " + c_comment(self.default_c.strip('"')))
        self.comment = c_comment(", ".join(words + rule.summary))
        self.path_index = 0


def path_template(op, where):
    """Set op.segments (C literals, NULL for a parameter) and op.precedence; return the template's parameter
    names in order."""
    op.segments = []
    template_params = []
    for seg in op.path[1:].split("/"):
        m = re.fullmatch(r"\{([^{}]+)\}", seg)
        if m:
            op.segments.append("NULL")
            template_params.append(m.group(1))
        elif "{" in seg or "}" in seg:
            raise SpecError("%s: a parameter must be a whole path segment" % where)
        else:
            op.segments.append(c_string(seg))
    if len(template_params) > MAX_PATH_PARAMS:
        raise SpecError("%s: too many path parameters" % where)
    op.precedence = tuple(1 if s == "NULL" else 0 for s in op.segments)
    return template_params


def build_params(ctx, op, spec_params, template_params, where):
    """Set op.params from the path item's and the operation's parameters (spec_params: (parameter, its JSON
    pointer), in that order): operation-level ones override path-level ones of the same name and place."""
    merged = {}
    for p, at in spec_params:
        if "$ref" in p:
            at = p["$ref"]
            p = ctx.resolve(p["$ref"])
        merged[(p["name"], p["in"])] = (p, at)
    op.params = []
    for (pname, pin), (p, at) in merged.items():
        if pin not in ("path", "query", "header"):
            raise SpecError("%s/in: parameters in %r are not supported" % (at, pin))
        if "schema" not in p:
            raise SpecError("%s: parameter %r needs a schema" % (at, pname))
        rule = build_rule(ctx, p["schema"], "rule_%s_%s" % (op.c_name, field_name(pname)), at + "/schema",
                          camel(op.id) + camel(pname), for_ops=True)
        param = Param(p, rule, at)
        if any(other.c_name == param.c_name for other in op.params):
            raise SpecError("%s/name: parameter %r maps to the C name %s of another parameter of the operation"
                            % (at, pname, param.c_name))
        if pin == "path":
            if pname not in template_params:
                raise SpecError("%s: path parameter %r is not in the template" % (at, pname))
            param.path_index = template_params.index(pname)
            param.required = True
            param.has_flag = False
        op.params.append(param)
    for tp in template_params:
        if (tp, "path") not in merged:
            raise SpecError("%s: template parameter {%s} is not declared" % (where, tp))
