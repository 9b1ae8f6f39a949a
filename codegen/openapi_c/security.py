"""Security: components/securitySchemes and the `security` requirements -> what the router checks.

Supported schemes: apiKey (in header, query or cookie), http with scheme bearer or basic, and oauth2 and
openIdConnect, which are read and enforced as bearer tokens (RFC 6750: `Authorization: Bearer <token>`, as
FastAPI's OAuth2PasswordBearer does): the server does not run the flows, the client gets a token from the
flow's URL (the service's own token endpoint, or an identity provider) and the verifier judges it and the
scopes the requirement lists.  The flows and their URLs are annotations for the docs (Swagger UI's Authorize
dialog), checked only for what OpenAPI requires of them; an oauth2 requirement's scopes must be declared by
one of the scheme's flows (an undeclared one, a typo, could never be granted).  mutualTLS and other http
schemes are refused (keywords.py checks the Security Scheme Object field by field; scheme_type(),
http_scheme() and oauth_flow() below are its checks), since nothing would verify them.

An operation's requirements are its own `security`, else the document's; `security: []` (or no security at
all) makes it open.  Each requirement object is an alternative: any one satisfies the operation, and every
scheme named in it must pass (a combination); `{}` admits anonymous requests (see runtime/valid/
rt_valid_auth.h for how the verifiers still get a say).  The roles/scopes a requirement lists for a scheme are
handed to the scheme's verifier, which decides what they mean: OpenAPI 3.1 lets non-OAuth schemes list roles,
and only the service knows them, so refusing them would refuse meaningful specs, and ignoring them would be
the accept-and-ignore bug.

Each scheme an operation uses gets one verifier, handle_security_<scheme>() (weak default: refuse), and a
principal in the operation's params struct (auth_<scheme>).
"""

from .names import c_string, snake
from .refusals import SpecError, pointer

API_KEY_KINDS = {"header": "RT_AUTH_API_KEY_HEADER", "query": "RT_AUTH_API_KEY_QUERY",
                 "cookie": "RT_AUTH_API_KEY_COOKIE"}
HTTP_KINDS = {"bearer": "RT_AUTH_HTTP_BEARER", "basic": "RT_AUTH_HTTP_BASIC"}
# oauth2 and openIdConnect carry their access token as an RFC 6750 bearer token
TOKEN_TYPES = ("oauth2", "openIdConnect")
# The URLs each OAuth flow must have (OpenAPI 3.1, OAuth Flow Object); it may have no other kind's.
FLOW_URLS = {"implicit": ("authorizationUrl",), "password": ("tokenUrl",), "clientCredentials": ("tokenUrl",),
             "authorizationCode": ("authorizationUrl", "tokenUrl")}


# --- checks keywords.py runs on the Security Scheme Object ---------------------------------------------------

def scheme_type(value, node, ctx):
    """type: apiKey needs a name and an in of header/query/cookie; http needs a scheme."""
    if value == "apiKey":
        if node.get("in") not in API_KEY_KINDS:
            return "an apiKey scheme needs 'in' of header, query or cookie, not %r" % (node.get("in"),)
        if not isinstance(node.get("name"), str) or not node.get("name"):
            return "an apiKey scheme needs a 'name' (the header, query parameter or cookie)"
        return None
    if value == "http":
        if not isinstance(node.get("scheme"), str):
            return "an http scheme needs a 'scheme' (bearer or basic)"
        return None
    if value == "oauth2":
        flows = node.get("flows")
        if not isinstance(flows, dict) or not any(k in FLOW_URLS for k in flows):
            return "an oauth2 scheme needs 'flows' with at least one flow (implicit, password, clientCredentials, " \
                   "authorizationCode)"
        return None
    if value == "openIdConnect":
        if not isinstance(node.get("openIdConnectUrl"), str) or not node["openIdConnectUrl"]:
            return "an openIdConnect scheme needs an 'openIdConnectUrl' (its OpenID Connect discovery document)"
        return None
    if value == "mutualTLS":
        return ("security scheme type mutualTLS is not supported (supported: apiKey, http bearer, http basic, "
                "oauth2, openIdConnect): nothing would verify the client's certificate")
    return "unknown security scheme type %r" % (value,)


def http_scheme(value, node, ctx):
    if node.get("type") == "http" and str(value).lower() not in HTTP_KINDS:
        return ("HTTP authentication scheme %r is not supported (supported: bearer, basic): nothing would read "
                "its credentials" % (value,))
    return None


def oauth_flow(kind):
    """An OAuth Flow Object of this kind: the URLs it requires (and no other kind's), scopes a map of strings."""
    def check(value, node, ctx):
        if not isinstance(value, dict):
            return "an OAuth flow must be a mapping"
        for url in FLOW_URLS[kind]:
            if not isinstance(value.get(url), str) or not value[url]:
                return "a %s flow needs '%s'" % (kind, url)
        extra = [k for k in ("authorizationUrl", "tokenUrl") if k in value and k not in FLOW_URLS[kind]]
        if extra:
            return "a %s flow has no %s" % (kind, " or ".join(extra))
        scopes = value.get("scopes")
        if not isinstance(scopes, dict) or not all(isinstance(v, str) for v in scopes.values()):
            return "a %s flow needs 'scopes', a map of scope names to descriptions ({} for none)" % kind
        for scope in scopes:
            if not scope_token(scope):
                return ("scope %r is not an OAuth scope-token (RFC 6749 section 3.3: printable ASCII without "
                        "space, '\"' or '\\'): no client could ask for it" % (scope,))
        return None
    return check


def scope_token(scope):
    """RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )."""
    return isinstance(scope, str) and scope != "" and all(c == "\x21" or "\x23" <= c <= "\x5b" or
                                                          "\x5d" <= c <= "\x7e" for c in scope)


def a_url(value, node, ctx):
    if not isinstance(value, str) or not value:
        return "must be a URL (a string)"
    return None


def only_for(kind):
    """A field that has a meaning only for schemes of this type."""
    def check(value, node, ctx):
        if node.get("type") != kind:
            return "only meaningful for %s schemes" % kind
        return None
    return check


def requirements(value, node, ctx):
    """security: a list of requirement objects, each mapping a scheme name to a list of strings."""
    if not isinstance(value, list):
        return "must be a list of security requirement objects"
    for req in value:
        if not isinstance(req, dict):
            return "each security requirement must be a mapping of scheme names to lists of roles/scopes"
        for name, scopes in req.items():
            if not isinstance(scopes, list) or not all(isinstance(s, str) for s in scopes):
                return "the roles/scopes of %r must be a list of strings" % (name,)
    return None


# --- building ----------------------------------------------------------------------------------------------

class Scheme:
    """One security scheme an operation uses: struct rt_auth_scheme and its verifier."""

    def __init__(self, name, spec_scheme, realm_c):
        self.name = name
        self.name_c = c_string(name)
        self.c_name = snake(name, pointer("#/components/securitySchemes", name))
        self.verifier = "handle_security_" + self.c_name
        if spec_scheme["type"] == "apiKey":
            self.kind = API_KEY_KINDS[spec_scheme["in"]]
            self.param_c = c_string(spec_scheme["name"])
            self.realm_c = "NULL"
            self.describe = "apiKey in %s %s" % (spec_scheme["in"], spec_scheme["name"])
        elif spec_scheme["type"] in TOKEN_TYPES:
            self.kind, self.param_c, self.realm_c = "RT_AUTH_HTTP_BEARER", "NULL", "NULL"
            self.describe = "%s, a bearer token" % spec_scheme["type"]
        else:
            word = spec_scheme["scheme"].lower()
            self.kind = HTTP_KINDS[word]
            self.param_c = "NULL"
            self.realm_c = realm_c if word == "basic" else "NULL"
            self.describe = "http %s" % word


class Alternative:
    """One requirement object: (index in the operation's schemes, scopes as C literals) per scheme."""

    def __init__(self, uses):
        self.uses = uses


def spec_schemes(ctx):
    schemes = (ctx.spec.get("components") or {}).get("securitySchemes") or {}
    return {name: (ctx.resolve(s["$ref"]) if "$ref" in s else s) for name, s in schemes.items()}


def build_security(ctx, op, spec_op, where):
    """Set op.security (Alternative list, None when the operation is open) and op.auth_schemes (Scheme list,
    the schemes it names, in order of first use).  ctx.auth_schemes collects every used scheme once."""
    if "security" in spec_op:
        reqs, at = spec_op["security"], where + "/security"
    else:
        reqs, at = ctx.spec.get("security") or [], "#/security"
    op.security, op.auth_schemes = None, []
    if all(req == {} for req in reqs):  # [] or only anonymous alternatives: nothing to check
        return
    declared = spec_schemes(ctx)
    by_name = {}
    op.security = []
    for i, req in enumerate(reqs):
        uses = []
        for name, scopes in req.items():
            if name not in declared:
                raise SpecError("%s: security scheme %r is not declared in components/securitySchemes"
                                % (pointer(pointer(at, i), name), name))
            if name not in by_name:
                by_name[name] = len(op.auth_schemes)
                op.auth_schemes.append(scheme_for(ctx, name, declared[name]))
            check_scopes(name, declared[name], scopes, pointer(pointer(at, i), name))
            uses.append((by_name[name], [c_string(s) for s in scopes]))
        op.security.append(Alternative(uses))
    for s in op.auth_schemes:
        if ("auth_" + s.c_name) in {p.c_name for p in op.params}:
            raise SpecError("%s: the principal of scheme %r would be params->auth_%s, which is also a parameter's "
                            "C name" % (where, s.name, s.c_name))


def check_scopes(name, spec_scheme, scopes, at):
    """An oauth2 requirement's scopes must be declared by one of the scheme's flows.  openIdConnect's are in
    its discovery document, which the build does not fetch: the verifier judges them."""
    if spec_scheme.get("type") != "oauth2":
        return
    declared = set()
    for kind, flow in spec_scheme["flows"].items():
        if kind in FLOW_URLS:
            declared |= set(flow.get("scopes") or {})
    for i, scope in enumerate(scopes):
        if scope not in declared:
            raise SpecError("%s: scope %r is not declared by any flow of oauth2 scheme %r (declared: %s)"
                            % (pointer(at, i), scope, name, ", ".join(sorted(declared)) or "none"))


def scheme_for(ctx, name, spec_scheme):
    """The Scheme named name, made once per spec."""
    for s in ctx.auth_schemes:
        if s.name == name:
            return s
    s = Scheme(name, spec_scheme, c_string(str((ctx.spec.get("info") or {}).get("title") or "api")))
    for other in ctx.auth_schemes:
        if other.c_name == s.c_name:
            raise SpecError("#/components/securitySchemes/%s: schemes %r and %r have the same C name %s"
                            % (name, other.name, name, s.c_name))
    ctx.auth_schemes.append(s)
    return s


def check_verifier_names(ctx):
    """handle_security_<scheme> must not be the handler of an operation named security_<scheme>."""
    ops = {"handle_" + op.c_name: op for op in ctx.ops}
    for s in ctx.auth_schemes:
        if s.verifier in ops:
            raise SpecError("#/components/securitySchemes/%s: the verifier %s() is also the handler of operation %r"
                            % (s.name, s.verifier, ops[s.verifier].id))
