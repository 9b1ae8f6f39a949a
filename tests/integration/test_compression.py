"""gzip of answers through the real binary (runtime/http/rt_gzip.c).

GET /users/?limit=100 over 100 users (about 6 KiB of JSON) is gzipped for a
client that accepts it, with Vary: Accept-Encoding, and decompresses to the
very bytes a client without Accept-Encoding gets; a client that refuses gzip
gets those bytes too, with Vary.  GET / and GET /users/{email}, below
COMPRESS_MIN_SIZE, are untouched (no Vary either), and so is everything with
COMPRESSION=off or above COMPRESS_MAX_SIZE.  The docs assets and the spec,
precompressed with an ETag per encoding, follow the same reading of
Accept-Encoding.
"""

import gzip
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, main  # noqa: E402

USERS = 100
PAGE = "/users/?limit=100"


def add_users(server):
    for i in range(USERS):
        r = server.post_json("/users/", {"email": "user%03d@example.com" % i,
                                         "full_name": "User Number %d of the compression test" % i})
        assert r.status == 201, r


def vary(r):
    return [v.strip().lower() for v in (r.header("vary") or "").split(",") if v.strip()]


class Compression(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server(workers=2).__enter__()
        add_users(cls.server)
        cls.plain = cls.server.get(PAGE)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def test_plain_page_is_big_enough_to_compress(self):
        self.assertEqual(self.plain.status, 200)
        self.assertEqual(len(self.plain.json()["items"]), USERS)
        self.assertGreater(len(self.plain.body), 1024)
        self.assertIsNone(self.plain.header("content-encoding"))
        self.assertEqual(vary(self.plain), ["accept-encoding"])  # it could have been compressed

    def test_gzip_page_decompresses_to_the_plain_one(self):
        for accept in ("gzip", "deflate, gzip;q=0.5, br", "*", "x-gzip"):
            with self.subTest(accept):
                r = self.server.get(PAGE, headers={"Accept-Encoding": accept})
                self.assertEqual(r.status, 200)
                self.assertEqual(r.header("content-encoding"), "gzip")
                self.assertEqual(vary(r), ["accept-encoding"])
                self.assertEqual(r.header("content-type"), "application/json")
                self.assertEqual(int(r.header("content-length")), len(r.body))
                self.assertLess(len(r.body), len(self.plain.body) // 3)
                self.assertEqual(gzip.decompress(r.body), self.plain.body)

    def test_head_has_the_heads_of_get(self):
        get = self.server.get(PAGE, headers={"Accept-Encoding": "gzip"})
        head = self.server.request("HEAD", PAGE, headers={"Accept-Encoding": "gzip"})
        self.assertEqual(head.status, 200)
        self.assertEqual(head.body, b"")
        for name in ("content-encoding", "content-length", "content-type", "vary"):
            self.assertEqual(head.header(name), get.header(name), name)

    def test_refused_gets_the_plain_bytes(self):
        for accept in ("gzip;q=0", "identity", "gzip;q=0, *", "*;q=0", "br", ""):
            with self.subTest(accept):
                r = self.server.get(PAGE, headers={"Accept-Encoding": accept})
                self.assertEqual(r.status, 200)
                self.assertIsNone(r.header("content-encoding"))
                self.assertEqual(vary(r), ["accept-encoding"])
                self.assertEqual(r.body, self.plain.body)

    def test_small_answers_are_untouched(self):
        for path in ("/", "/users/user007@example.com"):
            with self.subTest(path):
                plain = self.server.get(path)
                r = self.server.get(path, headers={"Accept-Encoding": "gzip"})
                self.assertEqual(r.status, 200, r)
                self.assertLess(len(r.body), 1024)
                self.assertIsNone(r.header("content-encoding"))
                self.assertIsNone(r.header("vary"))
                self.assertEqual(r.header("content-type"), plain.header("content-type"))
                self.assertEqual(len(r.body), len(plain.body))

    def test_spec_has_a_validator_per_encoding(self):
        plain = self.server.get("/openapi.json")
        r = self.server.get("/openapi.json", headers={"Accept-Encoding": "gzip"})
        self.assertEqual(r.header("content-encoding"), "gzip")
        self.assertEqual(gzip.decompress(r.body), plain.body)
        self.assertNotEqual(r.header("etag"), plain.header("etag"))
        again = self.server.get("/openapi.json", headers={"Accept-Encoding": "gzip",
                                                          "If-None-Match": r.header("etag")})
        self.assertEqual(again.status, 304)
        other = self.server.get("/openapi.json", headers={"If-None-Match": r.header("etag")})
        self.assertEqual(other.status, 200)  # the gzip validator does not match the identity body

    def test_docs_assets_read_accept_encoding_the_same_way(self):
        page = self.server.get("/docs")
        if page.status == 404:
            self.skipTest("built without the docs assets")
        css = re.search(rb'href="([^"]+\.css)"', page.body).group(1).decode()
        plain = self.server.get(css, headers={"Accept-Encoding": "identity"})
        for accept, encoded in (("gzip", True), ("gzip;q=0, *", False), ("*", True), ("gzip;q=0.000", False)):
            with self.subTest(accept):
                r = self.server.get(css, headers={"Accept-Encoding": accept})
                self.assertEqual(r.status, 200)
                self.assertEqual(r.header("content-encoding"), "gzip" if encoded else None)
                self.assertEqual(vary(r), ["accept-encoding"])
                self.assertTrue(r.header("etag"))
                self.assertEqual(gzip.decompress(r.body) if encoded else r.body, plain.body)
                self.assertEqual(r.header("etag") == plain.header("etag"), not encoded)


class Settings(unittest.TestCase):
    def check_untouched(self, env):
        with Server(workers=1, env=env) as server:
            add_users(server)
            r = server.get(PAGE, headers={"Accept-Encoding": "gzip"})
            self.assertEqual(r.status, 200)
            self.assertGreater(len(r.body), 1024)
            self.assertIsNone(r.header("content-encoding"))
            self.assertIsNone(r.header("vary"))  # it could not have been compressed
            self.assertEqual(len(r.json()["items"]), USERS)

    def test_compression_off(self):
        self.check_untouched({"COMPRESSION": "off"})

    def test_above_the_bound(self):
        self.check_untouched({"COMPRESS_MAX_SIZE": "2KiB"})

    def test_threshold_is_configurable(self):
        # The page is the same bytes on every server with the same users: at a threshold of its length it is
        # compressed, one byte above it is not (and has no Vary).
        with Server(workers=1) as server:
            add_users(server)
            size = len(server.get(PAGE).body)
        for threshold, compressed in ((size, True), (size + 1, False)):
            with self.subTest(threshold=threshold), \
                    Server(workers=1, env={"COMPRESS_MIN_SIZE": str(threshold)}) as server:
                add_users(server)
                r = server.get(PAGE, headers={"Accept-Encoding": "gzip"})
                self.assertEqual(r.header("content-encoding"), "gzip" if compressed else None)
                self.assertEqual(vary(r), ["accept-encoding"] if compressed else [])
                self.assertEqual(len(gzip.decompress(r.body) if compressed else r.body), size)

    def test_invalid_bounds_are_refused(self):
        with self.assertRaises(RuntimeError) as e:
            Server(workers=1, env={"COMPRESS_MIN_SIZE": "2KiB", "COMPRESS_MAX_SIZE": "1KiB"}).start()
        self.assertIn("COMPRESS_MIN_SIZE", str(e.exception))

if __name__ == "__main__":
    main()
