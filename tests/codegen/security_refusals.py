"""Security schemes and requirements (codegen/openapi_c/security.py): what builds, what is refused with its
JSON pointer.  Run by test_codegen.py with its helpers (kept apart so that each file stays readable)."""

import re
import subprocess

ITEM = "#/paths/~1items~1{item_id}/get"
SCH = "#/components/securitySchemes/"
# FastAPI's OAuth2PasswordBearer(tokenUrl="token", scopes=...) as its /openapi.json describes it
FASTAPI_OAUTH = {"type": "oauth2", "flows": {"password": {"scopes": {"me": "Read the current user.",
                                                                      "items": "Read items."},
                                                           "tokenUrl": "token"}}}


def test_security(tmp, refused, accepted, mutated, read_all, ok):
    """Security schemes: the supported ones generate, the others are refused with their pointer; global
    security applies to every operation without its own, `security: []` opts out."""
    item_get = lambda s: s["paths"]["/items/{item_id}"]["get"]
    schemes = lambda s: s["components"]["securitySchemes"]
    refused(tmp, lambda s: item_get(s).update(security=[{"api_key": []}]),
            "security scheme 'api_key' is not declared", ITEM + "/security/0/api_key")
    refused(tmp, lambda s: s.update(security=[{"bearer": "x"}]), "must be a list of strings", "#/security")
    for name, scheme, what, at in (
            ("mtls", {"type": "mutualTLS"}, "type mutualTLS is not supported", "type"),
            ("dig", {"type": "http", "scheme": "digest"}, "scheme 'digest' is not supported", "scheme"),
            ("k", {"type": "apiKey", "in": "body", "name": "k"}, "needs 'in' of header, query or cookie", "type"),
            ("k2", {"type": "apiKey", "in": "header"}, "needs a 'name'", "type"),
            ("h", {"type": "http", "scheme": "bearer", "in": "header"}, "only meaningful for apiKey", "in")):
        refused(tmp, lambda s, n=name, v=scheme: schemes(s).update({n: v}), what, SCH + name + "/" + at)
    refused(tmp, lambda s: s["paths"].update({"/security/k": {"get": {
        "operationId": "security_key_h", "responses": {"204": {"description": "x"}},
        "security": [{"key_h": []}]}}}), "the verifier handle_security_key_h() is also the handler of operation")

    def glob(s):
        s["security"] = [{"bearer": []}]
        s["paths"]["/"]["get"]["security"] = []
    r, out = mutated(tmp, glob)
    ok(r.returncode == 0, "global security generates: " + r.stderr.strip())
    if r.returncode == 0:
        ops = read_all(out)["api_ops.c"]
        for op in ("get_item", "create_item", "echo"):
            ok(re.search(r"rt_valid_auth_req\(req, API_OP_%s, schemes_%s, 1," % (op.upper(), op), ops) is not None,
               "global security applies to %s" % op)
        ok("API_OP_ROOT, schemes" not in ops, "security: [] opts out")
        ok(re.search(r"rt_valid_auth_req\(req, API_OP_SECURE_ANON, schemes_secure_anon, 1,", ops) is not None,
           "an operation's own security overrides the global one")
    subprocess.run(["rm", "-rf", out], check=True)
    r, out = mutated(tmp, lambda s: s.update(security=[{}]))
    ok(r.returncode == 0 and "API_OP_GET_ITEM, schemes" not in read_all(out)["api_ops.c"],
       "security: [{}] (anonymous only) generates no check: " + r.stderr.strip())
    subprocess.run(["rm", "-rf", out], check=True)


def oauth_op(scheme, scopes):
    """A mutation adding GET /me (operationId read_me) secured by scheme `o` with these scopes."""
    def mutate(s):
        s["components"]["securitySchemes"]["o"] = scheme
        s["paths"]["/me"] = {"get": {"operationId": "read_me", "security": [{"o": scopes}],
                                     "responses": {"200": {"description": "x"}}}}
    return mutate


def with_flows(flows):
    return dict(FASTAPI_OAUTH, flows=flows)


def test_oauth(tmp, refused, accepted, mutated, read_all, ok):
    """oauth2 and openIdConnect build as bearer-token schemes; what OpenAPI requires of their flows and URLs,
    and the scopes a requirement lists, are checked with their pointers; mutualTLS stays refused."""
    r, out = mutated(tmp, oauth_op(FASTAPI_OAUTH, ["me"]))
    ok(r.returncode == 0, "FastAPI's OAuth2PasswordBearer spec builds: " + r.stderr.strip())
    if r.returncode == 0:
        files = read_all(out)
        ok(re.search(r'\{\.name = "o", \.kind = RT_AUTH_HTTP_BEARER, \.param = NULL, \.realm = NULL, '
                     r'\.verify = handle_security_o\}', files["api_ops.c"]) is not None, "oauth2 is a bearer token")
        ok('scopes_read_me_0_0[] = {"me"}' in files["api_ops.c"], "the requirement's scopes go to the verifier")
        ok("int handle_security_o(struct rt_req *req" in files["api_ops.h"], "oauth2 has a verifier")
    subprocess.run(["rm", "-rf", out], check=True)
    oidc = {"type": "openIdConnect", "openIdConnectUrl": "https://id.example/.well-known/openid-configuration"}
    accepted(tmp, oauth_op(oidc, ["openid", "anything"]), "openIdConnect, its scopes the verifier's call")
    accepted(tmp, oauth_op(with_flows({"clientCredentials": {"tokenUrl": "/t", "scopes": {}}}), []),
             "a clientCredentials flow without scopes, required without scopes")
    accepted(tmp, oauth_op(with_flows({"implicit": {"authorizationUrl": "/a", "scopes": {"x": "x"}},
                                       "authorizationCode": {"authorizationUrl": "/a", "tokenUrl": "/t",
                                                             "refreshUrl": "/r", "scopes": {"y": "y"}}}),
                           ["x", "y"]), "scopes declared by two flows")
    me = "#/paths/~1me/get/security/0/o/"
    refused(tmp, oauth_op(FASTAPI_OAUTH, ["me", "itmes"]), "scope 'itmes' is not declared by any flow of oauth2 "
            "scheme 'o' (declared: items, me)", me + "1")
    refused(tmp, oauth_op(with_flows({"password": {"scopes": {}}}), []), "a password flow needs 'tokenUrl'",
            SCH + "o/flows/password")
    for kind, flow, what in (
            ("clientCredentials", {"scopes": {}}, "needs 'tokenUrl'"),
            ("implicit", {"tokenUrl": "/t", "scopes": {}}, "needs 'authorizationUrl'"),
            ("authorizationCode", {"authorizationUrl": "/a", "scopes": {}}, "needs 'tokenUrl'"),
            ("password", {"tokenUrl": "/t", "authorizationUrl": "/a", "scopes": {}}, "has no authorizationUrl"),
            ("password", {"tokenUrl": "/t"}, "needs 'scopes'"),
            ("password", {"tokenUrl": "/t", "scopes": {"read items": "x"}}, "scope 'read items' is not an OAuth")):
        refused(tmp, oauth_op(with_flows({kind: flow}), []), what if what.startswith("scope") else
                "a %s flow %s" % (kind, what), SCH + "o/flows/" + kind)
    refused(tmp, oauth_op(with_flows({"password": dict(FASTAPI_OAUTH["flows"]["password"], x=1)}), []),
            "unknown OAuth Flow field 'x'", SCH + "o/flows/password/x")
    refused(tmp, oauth_op(with_flows({}), []), "an oauth2 scheme needs 'flows' with at least one flow",
            SCH + "o/type")
    refused(tmp, oauth_op({"type": "oauth2"}, []), "an oauth2 scheme needs 'flows'", SCH + "o/type")
    refused(tmp, oauth_op({"type": "openIdConnect"}, []), "an openIdConnect scheme needs an 'openIdConnectUrl'",
            SCH + "o/type")
    refused(tmp, oauth_op(dict(oidc, flows={}), []), "only meaningful for oauth2", SCH + "o/flows")
    refused(tmp, oauth_op(dict(FASTAPI_OAUTH, openIdConnectUrl="https://x"), []),
            "only meaningful for openIdConnect", SCH + "o/openIdConnectUrl")
    refused(tmp, oauth_op({"type": "mutualTLS"}, []), "type mutualTLS is not supported", SCH + "o/type")
