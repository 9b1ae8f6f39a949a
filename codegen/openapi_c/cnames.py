"""The C identifiers the templates make from spec names, and the check that no two of them are one.

An operation, a schema, an enum value or a security scheme becomes several file-scope C names (handle_<op>,
struct api_<op>_params, API_OP_<OP>, ...).  Two constructs can make one identifier by different routes (operation
client_x's struct api_client_x_params is operation x's client parameters; schema Op's enum constant API_OP_X_Y is
operation x_y's enumerator), and so can a construct and a name the templates declare themselves.  The C
compiler would reject the redeclaration; claim() refuses it first, naming both constructs.

The pattern lists here mirror the templates (codegen/templates/): a template that declares a new file-scope name
from a spec name adds its pattern here (a response's names: operations.claim_reply_names).  Names with a double
underscore made from an operation alone (api_<op>__reply_..., API_OP__COUNT) are the templates' own namespace;
those that also hold a property's or status's name (API_<OP>__<STATUS>_<TYPE>: a property _200 makes
API_X__200_... too) are claimed.

Three C namespaces are kept apart, as the compiler keeps them: ordinary identifiers (functions, objects,
typedefs, enumerators), tags ("struct " + tag, enum tags too: C keeps them in one namespace) and macros, claimed
as ordinary names (an enum value's macro must not spell an enumerator).
"""

from .refusals import SpecError

# Declared by the templates whatever the spec: ordinary identifiers, struct tags and macros.
FIXED = """api_spec_json api_spec_json_len api_client_ops api_client_n_ops api_client_find_op
api_models_compile_patterns routes runners api_dispatch api_path_methods op_names op_methods init_once api_init
struct:api__op API_BASE_PATH API_CLIENT_BASE_PATH API_CLIENT_H API_H API_MODELS_H API_OPS_H API_RT_APP_FIELDS
API_TITLE API_VERSION API_OP__COUNT""".split()

# What one operation (c_name %s) declares: api_ops.h/.c, api_client.h/.c, _security.j2, _bodymedia.j2,
# _rawbody.j2.
OP_NAMES = """handle_%s run_%s params_%s schemes_%s deliver_%s segments_%s security_%s responses_%s
raw_body_%s templates_%s api_client_%s api_client_%s_cb API_OP_%S struct:api_client_%s_response""".split()
# Its parameter structs, for the server (when it has parameters, a body or principals) and the client (when it has
# parameters outside the path): claimed only then, as operation client_x's struct api_client_x_params is operation
# x's client parameters only if both exist.
OP_PARAMS_NAMES = ["struct:api_%s_params"]
OP_CLIENT_PARAMS_NAMES = ["struct:api_client_%s_params"]
# What an operation whose body has several media types declares besides (_bodymedia.j2): claimed only then, as
# operation body_x's media_body_x is operation x's only if both have one.
OP_MEDIA_NAMES = ["media_%s", "media_body_%s"]


# What one schema's model (c_name %s) declares outside the double-underscore namespace: api_models.h/.c.
MODEL_NAMES = """struct:api_%s fields_%s""".split()


def key(pattern, c_name):
    """The registry key of pattern (%s: c_name, %S: it in upper case; struct: a struct tag) for c_name."""
    name = pattern.replace("%S", c_name.upper()).replace("%s", c_name)
    return "struct " + name[len("struct:"):] if name.startswith("struct:") else name


class Names:
    """The file-scope C names generated so far: name -> (JSON pointer, what made it)."""

    def __init__(self):
        self.taken = {name: (None, "the generator's own") for name in (key(p, "") for p in FIXED)}

    def claim(self, name, where, what):
        """Record name for the construct at where; refuse it if another construct (or a template) has it."""
        other = self.taken.get(name)
        if other is not None:
            other_where, other_what = other
            if other_where is None:
                raise SpecError("%s: %s makes the C name %s, which the generated code declares itself (rename "
                                "it)" % (where, what, name))
            raise SpecError("%s: %s makes the C name %s, which %s (%s) makes too (rename one)"
                            % (where, what, name, other_what, other_where))
        self.taken[name] = (where, what)

    def claim_all(self, patterns, c_name, where, what):
        for p in patterns:
            self.claim(key(p, c_name), where, what)


def claim_union(ctx, base, rule, where, what):
    """The names of a tagged union (unions.union_decl) named base: struct base, enum base_kind and its kinds."""
    for name in ["struct " + base, "struct %s_kind" % base, "%s_NONE" % base.upper()] + \
            ["%s_%s" % (base.upper(), b.model.c_name.upper()) for b in rule.branches]:
        ctx.names.claim(name, where, what)


def check_members(op):
    """Refuse an operation whose parameters make one C name twice where they share a scope: the members of
    struct api_<op>_params (a parameter, its has_<p> and <p>_empty flags, the body's and the principals' members:
    a query parameter q with allowEmptyValue beside one named q_empty) and the arguments and locals of
    api_client_<op>() (path parameters are its arguments, beside c, cb, arg...)."""
    members = {}
    for p in op.params:
        mine = [p.c_name] + (["has_" + p.c_name] if p.has_flag else []) + \
            ([p.c_name + "_empty"] if p.allow_empty else [])
        for m in mine:
            clash(members, m, p, "params->%s of struct api_%s_params" % (m, op.c_name))
    body = op.body or op.body_schema or op.body_union or op.body_raw
    own = (["body"] if body else []) + (["body_len"] if op.body_raw else []) + \
        (["has_body"] if body and not op.body_required else []) + ["auth_" + s.c_name for s in op.auth_schemes]
    for m in own:
        clash(members, m, None, "params->%s of struct api_%s_params" % (m, op.c_name))
    scope = dict.fromkeys("c params body body_len media_type cb arg values rc free".split())
    for p in op.path_params:
        for m in [p.c_name] + ([p.c_name + "_len"] if p.is_array else []):
            clash(scope, m, p, "%s in api_client_%s()" % (m, op.c_name))
    for p in op.client_params:
        numeric = p.rule.kind in ("RT_VALID_INTEGER", "RT_VALID_NUMBER")
        for m in (["text_" + p.c_name] if numeric else []) + (["list_" + p.c_name] if p in op.owned_params else []):
            clash(scope, m, p, "%s in api_client_%s()" % (m, op.c_name))


def clash(seen, name, param, what):
    """Record name (made by param, None: by the generated code) in seen; refuse it if it is there already."""
    if name not in seen:
        seen[name] = param
        return
    other = seen[name]
    if other is None and param is None:
        return  # the generated code's own names are distinct (two schemes of one C name are security.py's)
    first, second = (other, param) if param is not None else (param, other)
    if first is None:
        raise SpecError("%s/name: parameter %r makes the C name %s, which the generated code uses itself (rename "
                        "it)" % (second.at, second.name, what))
    raise SpecError("%s/name: parameter %r makes the C name %s, which parameter %r (%s) makes too (rename one)"
                    % (second.at, second.name, what, first.name, first.at))
