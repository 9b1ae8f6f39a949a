"""The pet store (examples/petstore/) end to end: every construct its spec uses, through the real server.

For each construct, valid requests (2xx, the answer checked against the spec by tests/contract/spec_contract.py)
and invalid ones (422 with one FastAPI-shaped entry per failing field, at its loc and with its type; 401 with
WWW-Authenticate for missing credentials; 403 from a verifier), as examples/petstore/README.md lists them.

Usage: test_petstore.py SPEC  (ASYNC_DEMO_BIN: the petstore binary)
"""

import base64
import http.client
import json
import os
import re
import sys
import time
import unittest
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
sys.path.insert(0, os.path.join(HERE, "..", "contract"))
from harness import Response, Server, run_parallel  # noqa: E402
from petstore_media import ResponseMediaTypes  # noqa: E402
from petstore_oauth2 import OAuth2TokenEndpoint  # noqa: E402
from spec_contract import Spec, assert_all_covered, smoke  # noqa: E402

SPEC_PATH = os.path.abspath(sys.argv.pop(1))
BASE = "/api/v3"
KEY = "petstore-test-key-0123456789"
TOKEN = "petstore-test-token-0123456789"
ADMIN = ("admin", "admin-password-0123456789")
ENV = {"PETSTORE_API_KEY": KEY, "PETSTORE_TOKEN": TOKEN, "PETSTORE_ADMIN": "%s:%s" % ADMIN,
       "PETSTORE_RATE_LIMIT": "1000"}
EXEMPT = {}


def fnv1a(data):
    """FNV-1a, 64 bits (the pet store's checksum of a chip's dump)."""
    h = 14695981039346656037
    for b in data:
        h = ((h ^ b) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return h


def basic(user, password):
    return {"Authorization": "Basic " + base64.b64encode(("%s:%s" % (user, password)).encode()).decode()}


WITH_KEY = {"X-API-Key": KEY}
WITH_TOKEN = {"Authorization": "Bearer " + TOKEN}
AS_ADMIN = basic(*ADMIN)
JSON = {"Content-Type": "application/json"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


class Petstore(OAuth2TokenEndpoint, ResponseMediaTypes, unittest.TestCase):
    spec = Spec(SPEC_PATH)
    admin, form, with_key = ADMIN, FORM, WITH_KEY  # for the tests of other files (OAuth2TokenEndpoint...)

    @classmethod
    def setUpClass(cls):
        cls.server = Server(workers=2, env=ENV, base_path=BASE).__enter__()  # its servers: /api/v3

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    # --- helpers ----------------------------------------------------------------------------------------

    def call(self, op_id, method, target, body=None, headers=None, server=None):
        """@method @target (under /api/v3), a JSON @body (or bytes as they are); the answer checked against
        the spec's answer for @op_id."""
        headers = dict(headers or {})
        if body is not None and not isinstance(body, bytes):
            body = json.dumps(body).encode()
            headers.setdefault("Content-Type", "application/json")
        return self.spec.check(op_id, (server or self.server).request(method, target, body=body, headers=headers))

    def errors(self, r):
        """The 422's entries as (loc, type) pairs, each checked for FastAPI's shape."""
        self.assertEqual(r.status, 422, r.body)
        detail = r.json()["detail"]
        for e in detail:
            self.assertTrue({"type", "loc", "msg", "input"} <= set(e), e)
        return [(e["loc"], e["type"]) for e in detail]

    def challenges(self, op_id, method, target, headers=None):
        """Status, every WWW-Authenticate header, and the body of an answer (http.client keeps them all),
        checked against the spec's answer for @op_id."""
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=10)
        try:
            conn.request(method, BASE + target, body=b"{}" if method != "GET" else None,
                         headers=dict(headers or {}, **(JSON if method != "GET" else {})))
            r = conn.getresponse()
            body = r.read()
            self.spec.check(op_id, Response(r.status, r.reason, {k.lower(): v for k, v in r.getheaders()}, body))
            return r.status, r.msg.get_all("WWW-Authenticate") or [], json.loads(body)
        finally:
            conn.close()

    def add_pet(self, pet, headers=WITH_KEY):
        r = self.call("create_pet", "POST", "/pets", pet, headers)
        self.assertEqual(r.status, 201, r.body)
        return r.json()["pet"]["id"]

    def session(self, user, password):
        """Sign @user up (if new) and log in: the SESSION cookie's value."""
        self.call("create_user", "POST", "/users", {"username": user, "email": user + "@example.com",
                                                    "password": password})
        r = self.call("login_user", "POST", "/users/login",
                      urllib.parse.urlencode({"username": user, "password": password}).encode(), FORM)
        self.assertEqual(r.status, 200, r.body)
        return r.json()["session"]

    # --- the spec's own examples ------------------------------------------------------------------------

    def test_0_smoke_from_the_spec_examples(self):
        self.add_pet({"petType": "cat", "name": "Smoke"})
        cookie = {"Cookie": "SESSION=" + self.session("ada", "correct horse")}
        credentials = {op: WITH_KEY for op in self.spec.operations}
        credentials.update({"add_litter": dict(WITH_KEY, **AS_ADMIN), "delete_pet": AS_ADMIN,
                            "get_inventory": cookie, "get_user": cookie})
        smoke(self, self.spec, self.server, run_parallel, credentials)

    # --- security ---------------------------------------------------------------------------------------

    def test_1_security_schemes_alternatives_combinations_and_opt_out(self):
        # the document's security: a bearer token or an API key in X-API-Key (alternatives)
        status, ch, body = self.challenges("create_pet", "POST", "/pets")
        self.assertEqual((status, body), (401, {"detail": "Not authenticated"}))
        self.assertEqual(ch, ["Bearer", 'APIKey header="X-API-Key"'])
        status, ch, body = self.challenges("create_pet", "POST", "/pets", {"Authorization": "Bearer wrong-token"})
        self.assertEqual((status, body["detail"]), (401, "Invalid authentication credentials"))
        self.assertIn('Bearer error="invalid_token"', ch)
        self.add_pet({"petType": "cat", "name": "Bearer"}, WITH_TOKEN)
        self.add_pet({"petType": "cat", "name": "Keyed"}, WITH_KEY)
        self.assertEqual(self.call("create_pet", "POST", "/pets?api_key=" + KEY, {"petType": "cat", "name": "Q"})
                         .status, 401)  # the query key is not one of this operation's alternatives
        # an operation that adds an alternative: the key in the query too
        self.assertEqual(self.call("list_pets", "GET", "/pets?api_key=" + KEY).status, 200)
        status, ch, _ = self.challenges("list_pets", "GET", "/pets")
        self.assertEqual((status, ch), (401, ["Bearer", 'APIKey header="X-API-Key"', 'APIKey query="api_key"']))
        # a combination: the API key and basic credentials, both
        litter = [{"name": "Kit"}]
        self.assertEqual(self.call("add_litter", "POST", "/pets/litter", litter, WITH_KEY).status, 401)
        self.assertEqual(self.call("add_litter", "POST", "/pets/litter", litter, AS_ADMIN).status, 401)
        self.assertEqual(self.call("add_litter", "POST", "/pets/litter", litter,
                                   dict(WITH_KEY, **basic(ADMIN[0], "wrong-password"))).status, 401)
        self.assertEqual(self.call("add_litter", "POST", "/pets/litter", litter, dict(WITH_KEY, **AS_ADMIN)).status,
                         201)
        status, ch, _ = self.challenges("add_litter", "POST", "/pets/litter")
        self.assertEqual((status, ch), (401, ['APIKey header="X-API-Key"', 'Basic realm="petstore", charset="UTF-8"']))
        # an operation's own security replaces the document's: basic with the role admin
        pet = self.add_pet({"petType": "dog", "name": "Gone", "bark": "soft"})
        self.assertEqual(self.call("delete_pet", "DELETE", "/pets/%d" % pet, headers=WITH_KEY).status, 401)
        self.session("bob", "bobs password")  # a user: authenticated by basic, but not an administrator
        r = self.call("delete_pet", "DELETE", "/pets/%d" % pet, headers=basic("bob", "bobs password"))
        self.assertEqual((r.status, r.json()), (403, {"detail": "Not enough permissions"}))
        self.assertIsNone(r.header("www-authenticate"))  # Basic has no insufficient-scope challenge
        self.assertEqual(self.call("delete_pet", "DELETE", "/pets/%d" % pet, headers=basic("bob", "nope")).status, 401)
        self.assertEqual(self.call("delete_pet", "DELETE", "/pets/%d" % pet, headers=AS_ADMIN).status, 204)
        self.assertEqual(self.call("delete_pet", "DELETE", "/pets/%d" % pet, headers=AS_ADMIN).status, 404)
        self.assertEqual(self.errors(self.call("delete_pet", "DELETE", "/pets/0", headers=AS_ADMIN)),
                         [(["path", "petId"], "greater_than_equal")])
        # security: [] opts out
        self.assertEqual(self.call("compare_pets", "GET", "/pets/compare/;ids=1,2/.1").status, 200)
        # the query key or the session cookie (alternatives of two apiKey schemes)
        status, ch, _ = self.challenges("get_inventory", "GET", "/store/inventory")
        self.assertEqual((status, ch), (401, ['APIKey query="api_key"', 'APIKey cookie="SESSION"']))
        self.assertEqual(self.call("get_inventory", "GET", "/store/inventory?api_key=" + KEY).status, 200)
        self.assertEqual(self.call("get_inventory", "GET", "/store/inventory?api_key=wrong").status, 401)
        cookie = {"Cookie": "theme=dark; SESSION=" + self.session("bob", "bobs password")}
        self.assertEqual(self.call("get_inventory", "GET", "/store/inventory", headers=cookie).status, 200)
        self.assertEqual(self.call("get_inventory", "GET", "/store/inventory",
                                   headers={"Cookie": "SESSION=forged"}).status, 401)

    def test_14_oauth2_a_session_as_bearer_token_and_its_scopes(self):
        """oauth2 (password flow, tokenUrl users/login), as FastAPI's OAuth2PasswordBearer: the session in
        Authorization: Bearer; the scope admin is the verifier's to grant (403 for another user's session)."""
        pet = self.add_pet({"petType": "dog", "name": "Scoped", "bark": "soft"})
        status, ch, body = self.challenges("delete_pet", "DELETE", "/pets/%d" % pet)
        self.assertEqual((status, body, ch), (401, {"detail": "Not authenticated"},
                                              ['Basic realm="petstore", charset="UTF-8"', 'Bearer scope="admin"']))
        status, ch, _ = self.challenges("delete_pet", "DELETE", "/pets/%d" % pet, {"Authorization": "Bearer forged"})
        self.assertEqual((status, ch[1]), (401, 'Bearer error="invalid_token", scope="admin"'))
        carol = {"Authorization": "Bearer " + self.session("carol", "carols password")}
        r = self.call("delete_pet", "DELETE", "/pets/%d" % pet, headers=carol)
        self.assertEqual((r.status, r.json()), (403, {"detail": "Not enough permissions"}))
        # RFC 6750 §3.1: a good token without the scope: which scope to ask for
        self.assertEqual(r.header("www-authenticate"), 'Bearer error="insufficient_scope", scope="admin"')
        self.call("create_user", "POST", "/users", {"username": ADMIN[0], "email": "a@example.com",
                                                    "password": "an admin imposter"})
        r = self.call("login_user", "POST", "/users/login", b"username=admin&password=an+admin+imposter", FORM)
        self.assertEqual(r.status, 400)  # signing up under the administrator's name gives no admin session
        r = self.call("login_user", "POST", "/users/login", urllib.parse.urlencode(dict(
            zip(("username", "password"), ADMIN))).encode(), FORM)
        admin = {"Authorization": "Bearer " + r.json()["session"]}
        self.assertEqual(self.call("delete_pet", "DELETE", "/pets/%d" % pet, headers=admin).status, 204)

    # --- bodies: a discriminated union, its branches' keywords, readOnly, defaults --------------------------

    def test_2_a_discriminated_union_as_body_and_in_responses(self):
        r = self.call("create_pet", "POST", "/pets", {"petType": "cat", "name": "Tom", "birthday": "2020-02-29",
                                                      "tags": ["grey", "lazy"]}, WITH_KEY)
        self.assertEqual(r.status, 201, r.body)
        pet = r.json()["pet"]
        self.assertEqual(pet, {"id": pet["id"], "petType": "cat", "name": "Tom", "birthday": "2020-02-29",
                               "tags": ["grey", "lazy"], "status": "available", "size": 1, "lives": 9,
                               "indoor": True})  # the body's defaults applied
        self.assertEqual(r.header("location"), "%s/pets/%d" % (BASE, pet["id"]))
        self.assertEqual(r.header("etag"), '"%d.1"' % pet["id"])
        r = self.call("get_pet", "GET", "/pets/%d" % pet["id"], headers=WITH_TOKEN)
        self.assertEqual((r.json(), r.header("etag")), ({"pet": pet, "version": 1}, '"%d.1"' % pet["id"]))
        dog = {"petType": "dog", "name": "Rex", "bark": "loud", "size": 3, "weight_kg": 12.5, "chip": None,
               "vaccines": {"rabies": "2025-03-01", "parvo": "2024-12-31"}}
        r = self.call("create_pet", "POST", "/pets", dog, WITH_KEY)
        self.assertEqual(r.json()["pet"], dict(dog, id=r.json()["pet"]["id"], status="available"))
        r = self.call("get_pet", "GET", "/pets/999999", headers=WITH_KEY)
        self.assertEqual((r.status, r.json()), (404, {"detail": "Pet not found"}))  # a 4XX response
        r = self.call("get_pet", "GET", "/pets/x", headers=WITH_KEY)
        self.assertEqual(self.errors(r), [(["path", "petId"], "int_parsing")])
        r = self.call("get_pet", "GET", "/pets/9223372036854775808", headers=WITH_KEY)  # format int64
        self.assertEqual(len(self.errors(r)), 1)
        # the discriminator picks the branch; a tag it does not map is refused as such
        r = self.call("create_pet", "POST", "/pets", {"petType": "bird", "name": "Tweety"}, WITH_KEY)
        self.assertEqual(self.errors(r), [(["body"], "union_tag_invalid")])
        r = self.call("create_pet", "POST", "/pets", {"name": "Nobody"}, WITH_KEY)
        self.assertEqual(self.errors(r), [(["body"], "union_tag_not_found")])
        # one entry per failing field of the branch picked
        r = self.call("create_pet", "POST", "/pets", {"petType": "cat", "id": 7, "name": "", "birthday": "2023-02-29",
                                                      "tags": ["a", "a"], "size": 4, "lives": 0}, WITH_KEY)
        self.assertEqual(self.errors(r), [(["body", "id"], "read_only"), (["body", "name"], "string_too_short"),
                                          (["body", "birthday"], "date_parsing"), (["body", "tags"], "unique_items"),
                                          (["body", "size"], "less_than_equal"),
                                          (["body", "lives"], "greater_than_equal")])
        r = self.call("create_pet", "POST", "/pets", {"petType": "cat", "name": "x" * 41, "status": "sold",
                                                      "tags": ["UP", "b", "c", "d", "e", "f"]}, WITH_KEY)
        self.assertEqual(self.errors(r), [(["body", "name"], "string_too_long"), (["body", "status"], "enum"),
                                          (["body", "tags"], "too_long"), (["body", "tags", 0],
                                                                           "string_pattern_mismatch")])
        r = self.call("create_pet", "POST", "/pets", {"petType": "dog", "name": "Rex", "bark": "meow", "size": 5,
                                                      "weight_kg": 0.3, "chip": "12"}, WITH_KEY)
        self.assertEqual(self.errors(r), [(["body", "size"], "literal_error"), (["body", "bark"], "enum"),
                                          (["body", "weight_kg"], "multiple_of"),
                                          (["body", "chip"], "string_pattern_mismatch")])
        for weight, kind in ((0, "greater_than"), (100, "less_than")):  # exclusive bounds
            r = self.call("create_pet", "POST", "/pets", {"petType": "dog", "name": "R", "bark": "soft",
                                                          "weight_kg": weight}, WITH_KEY)
            self.assertEqual(self.errors(r), [(["body", "weight_kg"], kind)])
        r = self.call("create_pet", "POST", "/pets", {"petType": "dog", "name": "R"}, WITH_KEY)
        self.assertEqual(self.errors(r), [(["body", "bark"], "missing")])
        r = self.call("create_pet", "POST", "/pets", {"petType": "dog", "name": "R", "bark": "soft",
                                                      "vaccines": {"rabies": "2025-02-30", "parvo": 1}}, WITH_KEY)
        self.assertEqual(self.errors(r), [(["body", "vaccines", "rabies"], "date_parsing"),
                                          (["body", "vaccines", "parvo"], "string_type")])  # a map's values
        r = self.call("create_pet", "POST", "/pets", {"petType": "dog", "name": 5, "bark": "soft", "size": "2"},
                      WITH_KEY)  # JSON is typed strictly
        self.assertEqual([e[0] for e in self.errors(r)], [["body", "name"], ["body", "size"]])

    def test_3_a_top_level_array_body(self):
        auth = dict(WITH_KEY, **AS_ADMIN)
        r = self.call("add_litter", "POST", "/pets/litter", [{"name": "Ann", "tags": ["white"]}, {"name": "Bo"}],
                      auth)
        self.assertEqual(r.status, 201, r.body)
        self.assertEqual([(p["petType"], p["name"]) for p in r.json()["pets"]], [("cat", "Ann"), ("cat", "Bo")])
        ann = self.call("get_pet", "GET", "/pets/%d" % r.json()["pets"][0]["id"], headers=WITH_KEY).json()["pet"]
        self.assertEqual(ann["tags"], ["white"])
        self.assertEqual(self.errors(self.call("add_litter", "POST", "/pets/litter", [], auth)),
                         [(["body"], "too_short")])
        self.assertEqual(self.errors(self.call("add_litter", "POST", "/pets/litter", [{"name": "k"}] * 7, auth)),
                         [(["body"], "too_long")])
        r = self.call("add_litter", "POST", "/pets/litter", [{"name": ""}, {"birthday": "2020-13-01"}], auth)
        self.assertEqual(self.errors(r), [(["body", 0, "name"], "string_too_short"), (["body", 1, "name"], "missing"),
                                          (["body", 1, "birthday"], "date_parsing")])
        self.assertEqual(self.errors(self.call("add_litter", "POST", "/pets/litter", {"name": "k"}, auth)),
                         [(["body"], "list_type")])
        # a kitten's other properties are not a Cat's: a litter is stored as the Kittens it declares
        r = self.call("add_litter", "POST", "/pets/litter", [{"name": "Odd", "lives": 99, "petType": "dog"}], auth)
        pet = self.call("get_pet", "GET", "/pets/%d" % r.json()["pets"][0]["id"], headers=WITH_KEY).json()["pet"]
        self.assertEqual((pet["petType"], pet["name"], "lives" in pet), ("cat", "Odd", False))

    # --- parameters -------------------------------------------------------------------------------------

    def test_4_query_arrays_deep_objects_defaults_empty_values_and_headers(self):
        auth = dict(WITH_KEY, **AS_ADMIN)
        for i in range(4):  # 24 cats named lim*: more than limit's default (20)
            self.call("add_litter", "POST", "/pets/litter", [{"name": "lim%d%d" % (i, k)} for k in range(6)], auth)
        r = self.call("list_pets", "GET", "/pets?filter%5Bname%5D=lim", headers=WITH_KEY)
        self.assertEqual((len(r.json()["pets"]), r.json()["total"]), (20, 24))
        self.assertEqual(int(r.header("x-rate-limit-limit")), 1000)
        self.assertLess(int(r.header("x-rate-limit-remaining")), 1000)
        r = self.call("list_pets", "GET", "/pets?filter%5Bname%5D=lim&limit=3", headers=WITH_KEY)
        self.assertEqual((len(r.json()["pets"]), r.json()["total"]), (3, 24))
        cat = self.add_pet({"petType": "cat", "name": "Adopted", "status": "adopted", "tags": ["old", "calm"],
                            "size": 2})
        dog = self.add_pet({"petType": "dog", "name": "Adoptedog", "status": "adopted", "bark": "soft", "size": 3})
        names = lambda r: sorted(p["name"] for p in r.json()["pets"])  # noqa: E731
        q = "/pets?filter[name]=Adopted"
        self.assertEqual(names(self.call("list_pets", "GET", q, headers=WITH_KEY)), [])  # adopted: left out
        self.assertEqual(names(self.call("list_pets", "GET", q + "&include_adopted=", headers=WITH_KEY)),
                         ["Adopted", "Adoptedog"])  # allowEmptyValue: present and empty
        self.assertEqual(names(self.call("list_pets", "GET", q + "&include_adopted=false", headers=WITH_KEY)), [])
        self.assertEqual(names(self.call("list_pets", "GET", q + "&status=pending&status=adopted", headers=WITH_KEY)),
                         ["Adopted", "Adoptedog"])  # form, exploded
        self.assertEqual(names(self.call("list_pets", "GET", q + "&include_adopted=true&tags=calm,old",
                                         headers=WITH_KEY)), ["Adopted"])  # form, not exploded: all the tags
        self.assertEqual(names(self.call("list_pets", "GET", "/pets?ids=%d%%20%d&include_adopted=true" % (cat, dog),
                                         headers=WITH_KEY)), ["Adopted", "Adoptedog"])  # spaceDelimited
        self.assertEqual(names(self.call("list_pets", "GET", q + "&include_adopted=true&sizes=1|3", headers=WITH_KEY)),
                         ["Adoptedog"])  # pipeDelimited
        self.assertEqual(names(self.call("list_pets", "GET", q + "&include_adopted=true&filter[petType]=cat",
                                         headers=WITH_KEY)), ["Adopted"])  # deepObject
        uuid = "123e4567-e89b-12d3-a456-426614174000"
        r = self.call("list_pets", "GET", "/pets?limit=1", headers=dict(WITH_KEY, **{"X-Correlation-ID": uuid}))
        self.assertEqual(r.header("x-correlation-id"), uuid)  # a header parameter, and a response header
        r = self.call("list_pets", "GET", "/pets?limit=1", headers=WITH_KEY)
        self.assertRegex(r.header("x-correlation-id"), "^[0-9a-f]{8}-[0-9a-f]{4}-4")  # a new one when none is sent
        r = self.call("list_pets", "GET", "/pets?status=sold&status=adopted&status=adopted&tags=A,b&ids=1%20x"
                      "&sizes=1|4&filter%5Bname%5D=&filter%5Bzz%5D=1&limit=0&include_adopted=maybe",
                      headers=dict(WITH_KEY, **{"X-Correlation-ID": "nope"}))
        self.assertEqual(self.errors(r), [
            (["query", "status", 0], "enum"), (["query", "status", 2], "unique_items"),
            (["query", "tags", 0], "string_pattern_mismatch"), (["query", "ids", 1], "int_parsing"),
            (["query", "sizes", 1], "less_than_equal"), (["query", "filter", "zz"], "extra_forbidden"),
            (["query", "filter", "name"], "string_too_short"), (["query", "limit"], "greater_than_equal"),
            (["query", "include_adopted"], "bool_parsing"), (["header", "X-Correlation-ID"], "uuid_parsing")])
        r = self.call("list_pets", "GET", "/pets?ids=" + "%20".join(["1"] * 11) + "&limit=101", headers=WITH_KEY)
        self.assertEqual(self.errors(r), [(["query", "ids"], "too_long"), (["query", "limit"], "less_than_equal")])

    def test_5_path_styles_and_two_parameters_in_a_segment(self):
        pet = self.add_pet({"petType": "cat", "name": "Photogenic"})
        r = self.call("get_pet_photo", "GET", "/pets/%d/photos/front_1.png" % pet)
        self.assertEqual(r.json(), {"url": "https://photos.example.com/pets/%d/front_1.png" % pet,
                                    "pet": "Photogenic", "media_type": "image/png"})
        self.assertEqual(self.call("get_pet_photo", "GET", "/pets/%d/photos/a.b.jpg" % pet).status, 422)
        r = self.call("get_pet_photo", "GET", "/pets/%d/photos/Front.gif" % pet)
        self.assertEqual(self.errors(r), [(["path", "name"], "string_pattern_mismatch"), (["path", "ext"], "enum")])
        self.assertEqual(self.call("get_pet_photo", "GET", "/pets/999999/photos/front.png").status, 404)
        big = self.add_pet({"petType": "dog", "name": "Big", "bark": "loud", "size": 3})
        r = self.call("compare_pets", "GET", "/pets/compare/;ids=%d,%d,999999/.3" % (pet, big))  # matrix, label
        self.assertEqual(r.json(), {"names": ["Big"], "missing": 1})
        r = self.call("compare_pets", "GET", "/pets/compare/;ids=%d/.4" % pet)
        self.assertEqual(self.errors(r), [(["path", "ids"], "too_short"), (["path", "size"], "less_than_equal")])
        r = self.call("compare_pets", "GET", "/pets/compare/ids=1,2/3")
        self.assertEqual([e[0] for e in self.errors(r)], [["path", "ids"], ["path", "size"]])

    # --- maps, composition, anyOf, const, nullable ---------------------------------------------------------

    def test_6_a_map_with_pattern_properties(self):
        pet = self.add_pet({"petType": "cat", "name": "Labelled"})
        labels = {"color": "black", "x-vet": "Dr Who, at the clinic on the corner of the street, Tuesdays"}
        r = self.call("set_pet_labels", "PUT", "/pets/%d/labels" % pet, labels, WITH_KEY)
        self.assertEqual((r.status, r.json()), (200, labels))
        self.assertEqual(self.call("get_pet", "GET", "/pets/%d" % pet, headers=WITH_KEY).json()["labels"], labels)
        r = self.call("set_pet_labels", "PUT", "/pets/%d/labels" % pet, {"color": "black and white and grey",
                                                                         "n": 1, "x-a": 2}, WITH_KEY)
        self.assertEqual(self.errors(r), [(["body", "color"], "string_too_long"), (["body", "n"], "string_type"),
                                          (["body", "x-a"], "string_type")])
        r = self.call("set_pet_labels", "PUT", "/pets/%d/labels" % pet, {"k%d" % i: "v" for i in range(9)}, WITH_KEY)
        self.assertEqual([e[0] for e in self.errors(r)], [["body"]])  # maxProperties
        self.assertEqual(self.call("set_pet_labels", "PUT", "/pets/999999/labels", {}, WITH_KEY).status, 404)
        self.assertEqual(self.call("set_pet_labels", "PUT", "/pets/%d/labels" % pet, {}).status, 401)  # default

    def test_7_an_allof_composition_with_an_anyof(self):
        pet = self.add_pet({"petType": "dog", "name": "Ordered", "bark": "soft"})
        order = {"petId": pet, "quantity": 2, "shipDate": "2026-12-24T10:00:00+01:00", "note": None, "apiVersion": 3,
                 "payment": {"card": "4111111111111111", "expires": "2028-01-31"}}
        r = self.call("place_order", "POST", "/store/orders", order, WITH_TOKEN)
        self.assertEqual(r.status, 201, r.body)
        receipt = r.json()
        self.assertEqual(receipt, {"id": receipt["id"], "petId": pet, "quantity": 2, "status": "placed",
                                   "complete": False, "shipDate": order["shipDate"], "paid_with": "card"})
        self.assertEqual(r.header("location"), BASE + "/store/orders/" + receipt["id"])
        self.assertEqual(self.call("get_order", "GET", "/store/orders/" + receipt["id"].upper(), headers=WITH_KEY)
                         .json(), receipt)
        voucher = {"petId": pet, "quantity": 1, "payment": {"voucher": "ABCD1234"}, "status": "approved"}
        r = self.call("place_order", "POST", "/store/orders", voucher, WITH_KEY)
        self.assertEqual((r.json()["paid_with"], r.json()["status"]), ("voucher", "approved"))
        self.assertEqual(self.call("place_order", "POST", "/store/orders", dict(voucher, petId=999999), WITH_KEY)
                         .status, 404)
        self.assertEqual(self.call("place_order", "POST", "/store/orders", voucher,
                                   {"Authorization": "Bearer " + TOKEN[:-1]}).status, 401)
        self.assertEqual(self.call("get_order", "GET", "/store/orders/0b9e8f0c-3c1e-4f7a-9d2b-5a6c7d8e9f01",
                                   headers=WITH_KEY).status, 404)
        r = self.call("get_order", "GET", "/store/orders/0b9e8f0c3c1e4f7a9d2b5a6c7d8e9f01", headers=WITH_KEY)
        self.assertEqual(r.status, 422)  # the default response: a uuid without hyphens
        self.assertEqual(r.json()["detail"][0]["loc"], ["path", "orderId"])
        r = self.call("place_order", "POST", "/store/orders", {
            "petId": 0, "quantity": 11, "shipDate": "2026-02-30T10:00:00Z", "payment": {"voucher": "short"},
            "status": "lost", "note": 5, "apiVersion": 2, "complete": "yes"}, WITH_KEY)
        self.assertEqual(self.errors(r), [
            (["body", "petId"], "greater_than_equal"), (["body", "quantity"], "less_than_equal"),
            (["body", "shipDate"], "datetime_parsing"), (["body", "payment"], "union_no_match"),
            (["body", "status"], "literal_error"), (["body", "note"], "json_type"),
            (["body", "apiVersion"], "literal_error"), (["body", "complete"], "bool_type")])
        r = self.call("place_order", "POST", "/store/orders", {"quantity": 1.5}, WITH_KEY)
        self.assertEqual(self.errors(r), [(["body", "petId"], "missing"), (["body", "quantity"], "int_type"),
                                          (["body", "payment"], "missing")])

    # --- users: formats, readOnly, writeOnly, a form body, cookies, response headers --------------------------

    def test_8_formats_read_only_and_write_only(self):
        user = {"username": "grace", "email": "grace@example.com", "password": "cobol forever",
                "homepage": "https://grace.example/", "last_ip": None, "last_ip6": "2001:db8::1",
                "avatar": "aGVsbG8=", "phone": "+15551234567"}
        r = self.call("create_user", "POST", "/users", user)
        self.assertEqual(r.status, 201, r.body)
        got = r.json()
        self.assertNotIn("password", got)  # writeOnly: never written
        self.assertEqual(got["level"], 0)  # a default
        self.assertRegex(got["created_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")  # readOnly, set by the service
        self.assertEqual(r.header("location"), BASE + "/users/grace")
        self.assertEqual(self.call("create_user", "POST", "/users", user).status, 409)
        r = self.call("create_user", "POST", "/users", {
            "username": "A", "email": "grace@", "password": "short", "homepage": "not a uri", "last_ip": "1.2.3.256",
            "last_ip6": "1::2::3", "avatar": "a===", "phone": "123", "level": 10, "id": 1,
            "created_at": "2020-01-01T00:00:00Z"})
        self.assertEqual(self.errors(r), [
            (["body", "id"], "read_only"), (["body", "username"], "string_pattern_mismatch"),
            (["body", "email"], "value_error"), (["body", "password"], "string_too_short"),
            (["body", "homepage"], "url_parsing"), (["body", "last_ip"], "ip_v4_address"),
            (["body", "last_ip6"], "ip_v6_address"), (["body", "avatar"], "base64_decode"),
            (["body", "created_at"], "read_only"), (["body", "phone"], "string_pattern_mismatch"),
            (["body", "level"], "less_than")])
        self.assertEqual(self.errors(self.call("create_user", "POST", "/users", {"username": "abc"})),
                         [(["body", "email"], "missing"), (["body", "password"], "missing")])
        # a oneOf without a discriminator: the branches are tried, and exactly one must match
        base = {"email": "h@example.com", "password": "a long password"}
        for name, contact in (("hopper", {"mail": "grace@navy.example"}), ("hopper2", {"phone": "+15550001",
                                                                                       "hours": "day"})):
            r = self.call("create_user", "POST", "/users", dict(base, username=name, contact=contact))
            self.assertEqual((r.status, r.json()["contact"]), (201, contact))
            self.assertEqual(self.call("get_user", "GET", "/users/" + name, headers={
                "Cookie": "SESSION=" + self.session("grace", "cobol forever")}).json()["contact"], contact)
        for contact, kind in (({"mail": "x@example.com", "phone": "+15550001"}, "union_multiple_matches"),
                              ({"fax": "+15550001"}, "union_no_match"), ({"phone": "+1"}, "union_no_match")):
            r = self.call("create_user", "POST", "/users", dict(base, username="hopper3", contact=contact))
            self.assertEqual(self.errors(r), [(["body", "contact"], kind)])

    def test_9_a_form_body_a_session_cookie_and_response_headers(self):
        self.call("create_user", "POST", "/users", {"username": "linus", "email": "l@example.com",
                                                    "password": "penguins rule"})
        r = self.call("login_user", "POST", "/users/login", b"username=linus&password=penguins+rule&remember=true",
                      FORM)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.header("x-expires-after"), r.json()["expires_at"])
        self.assertEqual(int(r.header("x-rate-limit-limit")), 1000)
        cookie = "SESSION=" + r.json()["session"]
        r = self.call("get_user", "GET", "/users/linus", headers={"Cookie": cookie})
        self.assertEqual((r.json()["username"], r.header("x-theme")), ("linus", "light"))  # a cookie's default
        r = self.call("get_user", "GET", "/users/linus", headers={"Cookie": "theme=dark; " + cookie, "X-Trace": "true"})
        self.assertEqual(r.header("x-theme"), "dark")
        r = self.call("get_user", "GET", "/users/Linus",
                      headers={"Cookie": "theme=blue; " + cookie, "X-Trace": "maybe"})
        self.assertEqual(self.errors(r), [(["path", "username"], "string_pattern_mismatch"),
                                          (["header", "X-Trace"], "bool_parsing"), (["cookie", "theme"], "enum")])
        self.assertEqual(self.call("get_user", "GET", "/users/nobody", headers={"Cookie": cookie}).status, 404)
        status, ch, _ = self.challenges("get_user", "GET", "/users/linus")
        self.assertEqual((status, ch), (401, ['APIKey cookie="SESSION"']))
        r = self.call("login_user", "POST", "/users/login", b"username=linus&password=wrong", FORM)
        self.assertEqual((r.status, r.json()["detail"]), (400, "Incorrect username or password"))
        r = self.call("login_user", "POST", "/users/login", b"username=&remember=maybe&password=" + b"x" * 65, FORM)
        self.assertEqual(self.errors(r), [(["body", "username"], "string_too_short"),
                                          (["body", "password"], "string_too_long"),
                                          (["body", "remember"], "bool_parsing")])
        r = self.call("login_user", "POST", "/users/login", {"username": "linus", "password": "penguins rule"})
        self.assertEqual(self.errors(r), [(["body"], "model_attributes_type")])  # JSON where a form is declared

    # --- bodies other than JSON: multipart, text, bytes --------------------------------------------------

    @staticmethod
    def multipart(*parts, boundary="petstore-boundary-1"):
        """A multipart/form-data body of (name, filename or None, content type or None, bytes) parts, and
        its Content-Type header."""
        out = b""
        for name, filename, ctype, data in parts:
            disp = 'form-data; name="%s"' % name + ('; filename="%s"' % filename if filename else "")
            out += b"--%s\r\nContent-Disposition: %s\r\n" % (boundary.encode(), disp.encode())
            out += (b"Content-Type: %s\r\n" % ctype.encode()) if ctype else b""
            out += b"\r\n" + data + b"\r\n"
        return out + b"--%s--\r\n" % boundary.encode(), \
            dict(WITH_KEY, **{"Content-Type": "multipart/form-data; boundary=%s" % boundary})

    def test_13_multipart_text_and_bytes_bodies(self):
        pet = self.add_pet({"petType": "cat", "name": "Photogenic", "huntingSkill": "lazy"})
        png = b"\x89PNG\r\n\x1a\n\x00\x00\r\n--not-a-boundary\x00" * 20
        body, headers = self.multipart(("file", "cat.png", "image/png", png),
                                       ("additionalMetadata", None, None, b"on the sofa"))
        r = self.call("upload_pet_image", "POST", "/pets/%d/uploadImage" % pet, body, headers)
        self.assertEqual((r.status, r.json()["type"]), (200, "image/png"), r.body)
        self.assertTrue(r.json()["message"].startswith("cat.png: %d bytes" % len(png)), r.body)
        self.assertTrue(r.json()["message"].endswith("; on the sofa"), r.body)
        body, headers = self.multipart(("file", "cat.txt", "text/plain", b"meow"),
                                       ("additionalMetadata", None, None, b"x" * 101))
        r = self.call("upload_pet_image", "POST", "/pets/%d/uploadImage" % pet, body, headers)
        self.assertEqual(self.errors(r), [(["body", "file"], "content_type"),
                                          (["body", "additionalMetadata"], "string_too_long")])
        body, headers = self.multipart(("additionalMetadata", None, None, b"no file"))
        r = self.call("upload_pet_image", "POST", "/pets/%d/uploadImage" % pet, body, headers)
        self.assertEqual(self.errors(r), [(["body", "file"], "missing")])
        body, headers = self.multipart(("file", "cat.png", "image/png", png))
        r = self.call("upload_pet_image", "POST", "/pets/%d/uploadImage" % pet, body[:-4], headers)  # no end
        self.assertEqual([t for _, t in self.errors(r)], ["multipart_invalid"])
        self.assertEqual(self.call("upload_pet_image", "POST", "/pets/999/uploadImage", body, headers).status, 404)
        big, headers = self.multipart(("file", "big.png", "image/png", b"\0" * (1024 * 1024 + 1)))
        self.assertEqual(self.call("upload_pet_image", "POST", "/pets/%d/uploadImage" % pet, big, headers).status,
                         413)  # the whole upload counts against the body size limit
        self.assertEqual(self.call("upload_pet_image", "POST", "/pets/%d/uploadImage" % pet, body,
                                   {"Content-Type": headers["Content-Type"]}).status, 401)

        text = dict(WITH_KEY, **{"Content-Type": "text/plain; charset=utf-8"})
        note = "Likes the sun; déteste l'eau".encode()
        r = self.call("set_pet_note", "PUT", "/pets/%d/note" % pet, note, text)
        self.assertEqual((r.status, r.body, r.header("content-type").split(";")[0]), (200, note, "text/plain"))
        r = self.call("set_pet_note", "PUT", "/pets/%d/note" % pet, b"x" * 281, text)
        self.assertEqual(self.errors(r), [(["body"], "string_too_long")])
        r = self.call("set_pet_note", "PUT", "/pets/%d/note" % pet, b"caf\xe9", text)  # Latin-1, not UTF-8
        self.assertEqual(self.errors(r), [(["body"], "string_unicode")])
        r = self.call("set_pet_note", "PUT", "/pets/%d/note" % pet, b'"json"', dict(WITH_KEY, **JSON))
        self.assertEqual(r.status, 415, r.body)
        self.assertEqual(self.call("set_pet_note", "PUT", "/pets/999/note", note, text).status, 404)

        raw = dict(WITH_KEY, **{"Content-Type": "application/octet-stream"})
        r = self.call("read_pet_chip", "PUT", "/pets/%d/chip" % pet, b"\x00\xff\r\n", raw)
        self.assertEqual((r.status, r.json()["bytes"]), (200, 4), r.body)
        self.assertEqual(r.json()["checksum"], "%016x" % fnv1a(b"\x00\xff\r\n"))
        r = self.call("read_pet_chip", "PUT", "/pets/%d/chip" % pet, b"abc", raw)
        self.assertEqual(self.errors(r), [(["body"], "bytes_too_short")])
        r = self.call("read_pet_chip", "PUT", "/pets/%d/chip" % pet, b"\x01" * 65, raw)
        self.assertEqual(self.errors(r), [(["body"], "bytes_too_long")])
        r = self.call("read_pet_chip", "PUT", "/pets/%d/chip" % pet, b"abcd", dict(WITH_KEY, **{"Content-Type": "image/png"}))
        self.assertEqual(r.status, 415, r.body)
        self.assertEqual(self.call("read_pet_chip", "PUT", "/pets/999/chip", b"abcd", raw).status, 404)

    # --- the base path, the limits ------------------------------------------------------------------------

    def test_10_served_under_its_servers_path(self):
        r = self.server.get("/openapi.json")
        self.assertEqual((r.json()["info"]["title"], r.json()["servers"][0]["url"]), ("petstore", "/api/v3"))
        for path in ("/pets/1/photos/a.png", "/openapi.json", "/api/v2/pets/1/photos/a.png"):
            self.assertEqual(self.server.request("GET", path, raw=True).status, 404, path)

    def test_11_rate_limit_and_a_full_store(self):
        env = dict(ENV, PETSTORE_RATE_LIMIT="2", PETSTORE_CAPACITY="2", BASE_PATH="/shop")
        with Server(workers=1, env=env, base_path="/shop") as small:
            def call(op_id, method, target, body=None, headers=None):
                return self.call(op_id, method, target, body, headers, server=small)
            if 60 - time.time() % 60 < 5:  # the allowance is per wall-clock minute: spend it inside one
                time.sleep(60 - time.time() % 60 + 0.1)
            statuses = [call("list_pets", "GET", "/pets", headers=WITH_KEY).status for _ in range(3)]
            self.assertEqual(statuses, [200, 200, 429])  # login shares the allowance: spent
            self.assertEqual(call("login_user", "POST", "/users/login", b"username=a&password=b", FORM).status, 429)
            r = call("create_pet", "POST", "/pets", {"petType": "cat", "name": "One"}, WITH_KEY)
            self.assertEqual(r.header("location"), "/shop/pets/1")  # Location follows BASE_PATH
            self.assertEqual(call("add_litter", "POST", "/pets/litter", [{"name": "a"}, {"name": "b"}],
                                  dict(WITH_KEY, **AS_ADMIN)).status, 507)  # all or nothing
            self.assertEqual(call("create_pet", "POST", "/pets", {"petType": "cat", "name": "Two"}, WITH_KEY).status,
                             201)
            self.assertEqual(call("create_pet", "POST", "/pets", {"petType": "cat", "name": "3"}, WITH_KEY).status,
                             507)
            order = {"petId": 1, "quantity": 1, "payment": {"voucher": "ABCD1234"}}
            self.assertEqual([call("place_order", "POST", "/store/orders", order, WITH_KEY).status
                              for _ in range(3)], [201, 201, 507])
            self.assertEqual([call("create_user", "POST", "/users", {"username": "u%d00" % i, "email": "u@x.org",
                                                                     "password": "password %d" % i}).status
                              for i in range(3)], [201, 201, 507])
        with Server(workers=1, env=dict(ENV, PETSTORE_CAPACITY="1"), base_path=BASE) as small:
            call = lambda *a, **kw: self.call(*a, server=small, **kw)  # noqa: E731
            self.assertEqual(call("create_user", "POST", "/users", {"username": "solo", "email": "s@x.org",
                                                                    "password": "password 1"}).status, 201)
            login = b"username=solo&password=password+1"
            self.assertEqual([call("login_user", "POST", "/users/login", login, FORM).status for _ in range(2)],
                             [200, 507])

    def test_12_settings_are_checked_and_never_shown(self):
        import subprocess
        binary = os.environ["ASYNC_DEMO_BIN"]
        r = subprocess.run([binary, "--check-config"], env=dict(os.environ, **ENV), capture_output=True, text=True,
                           timeout=10)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn(KEY, r.stdout + r.stderr)
        self.assertNotIn(ADMIN[1], r.stdout + r.stderr)
        for bad in ({"PETSTORE_API_KEY": "short"}, {"PETSTORE_ADMIN": "nopassword"}, {"PETSTORE_CAPACITY": "5000"},
                    {"PETSTORE_PHOTO_URL": "ftp://x"}):
            r = subprocess.run([binary, "--check-config"], env={**os.environ, **ENV, **bad}, capture_output=True,
                               text=True, timeout=10)
            self.assertEqual(r.returncode, 2, (bad, r.stderr))
        self.assertTrue(re.search(r"PETSTORE_API_KEY", subprocess.run([binary, "--help"], capture_output=True,
                                                                      text=True, timeout=10).stdout))

    def test_z_every_documented_status_was_produced(self):
        assert_all_covered(self, self.spec, EXEMPT, os.path.relpath(__file__))


if __name__ == "__main__":
    unittest.main(verbosity=2)
