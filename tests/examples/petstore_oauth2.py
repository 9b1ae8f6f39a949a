"""The pet store's oauth2 token endpoint (POST /users/login, its password flow's tokenUrl), a part of
test_petstore.py's Petstore (which runs the server and gives call(), add_pet(), errors(), admin and form)."""

import urllib.parse


class OAuth2TokenEndpoint:
    def test_14_b_oauth2_the_token_endpoint_swagger_ui_calls(self):
        """POST /users/login is oauth2's token endpoint (tokenUrl) as FastAPI's OAuth2 tutorial's /token: the
        request Swagger UI 5's Authorize dialog sends for a password flow (swagger-ui-dist's
        src/core/plugins/auth/actions.js: authorizePassword, authorizeRequest, buildFormData; client
        credentials "basic" by default, so an Authorization: Basic of the empty client id and secret), answered
        with RFC 6749 5.1's access_token and token_type; errors as 5.2's beside FastAPI's detail."""
        pet = self.add_pet({"petType": "cat", "name": "Tokened"})
        swagger = {"Accept": "application/json, text/plain, */*", "Content-Type": "application/x-www-form-urlencoded",
                   "X-Requested-With": "XMLHttpRequest", "Authorization": "Basic Og=="}  # btoa(":")
        form = "grant_type=password&scope=admin&username=%s&password=%s" % tuple(
            urllib.parse.quote(v).replace("%20", "+") for v in self.admin)
        r = self.call("login_user", "POST", "/users/login", form.encode(), swagger)
        self.assertEqual(r.status, 200, r.body)
        token = r.json()
        self.assertEqual((token["token_type"], token["access_token"], token["scope"], token["expires_in"]),
                         ("bearer", token["session"], "admin", 3600))
        r = self.call("delete_pet", "DELETE", "/pets/%d" % pet, headers={"Authorization": "Bearer " + token["access_token"]})
        self.assertEqual(r.status, 204, r.body)
        # a user's: no scope (RFC 6749 3.3: the answer says it differs from the one asked for); client_id and
        # client_secret in the body ("request-body" in the dialog) as FastAPI's form takes them
        self.call("create_user", "POST", "/users", {"username": "dora", "email": "d@example.com", "password": "explorer1"})
        r = self.call("login_user", "POST", "/users/login", b"grant_type=password&scope=admin&username=dora&"
                      b"password=explorer1&client_id=swagger&client_secret=s", self.form)
        self.assertEqual((r.status, r.json()["scope"], r.json()["token_type"]), (200, "", "bearer"))
        r = self.call("login_user", "POST", "/users/login", b"grant_type=password&username=dora&password=wrong", self.form)
        self.assertEqual((r.status, r.json()), (400, {"detail": "Incorrect username or password", "error": "invalid_grant",
                                                      "error_description": "Incorrect username or password"}))
        r = self.call("login_user", "POST", "/users/login", b"scope=admin+write&username=dora&password=explorer1", self.form)
        self.assertEqual((r.status, r.json()["error"], r.json()["detail"]),
                         (400, "invalid_scope", "Unknown scope 'write': this API has admin"))
        long = "admin x" + "\u00e9" * 30  # cut at a character, never inside one (found by async-demo-contract)
        r = self.call("login_user", "POST", "/users/login", ("scope=" + urllib.parse.quote(long) +
                                                           "&username=dora&password=explorer1").encode(), self.form)
        self.assertEqual((r.status, r.json()["detail"]), (400, "Unknown scope 'x%s': this API has admin" % ("\u00e9" * 19)))
        r = self.call("login_user", "POST", "/users/login", b"grant_type=client_credentials&username=dora&password=x",
                      self.form)  # FastAPI's OAuth2PasswordRequestForm: grant_type matches ^password$
        self.assertEqual(self.errors(r), [(["body", "grant_type"], "string_pattern_mismatch")])
