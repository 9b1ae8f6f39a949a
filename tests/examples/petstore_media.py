"""The pet store's responses of several media types and of bytes, a part of test_petstore.py's Petstore (which
runs the server and gives call(), add_pet(), errors() and with_key): GET /pets/{petId} answers JSON or XML as the
request's Accept prefers (RFC 9110 12.5.1: q-values, q=0, specific ranges over wildcards, malformed or absent:
the primary type), GET /pets/{petId}/photo.png answers image/png bytes."""

import zlib


class ResponseMediaTypes:
    def test_15_a_response_of_two_media_types_by_accept_and_a_bytes_download(self):
        pet = self.add_pet({"petType": "cat", "name": "Tom <&> 'x'"})
        target, key = "/pets/%d" % pet, dict(self.with_key)
        r = self.call("get_pet", "GET", target, headers=key)  # no Accept: the primary type, JSON
        self.assertEqual((r.status, r.header("content-type")), (200, "application/json"), r.body)
        version, etag = r.json()["version"], r.header("etag")
        xml = ("<pet><id>%d</id><petType>cat</petType><name>Tom &lt;&amp;&gt; &apos;x&apos;</name>"
               "<version>%d</version></pet>" % (pet, version))
        for accept in ("application/xml", "application/json;q=0.5, application/xml", "APPLICATION/XML;Q=1",
                       "application/*;q=0.1, application/xml;q=0.2", "text/html, application/xml;q=0.9",
                       "application/json;q=0, */*", "application/json;q=0.4, application/*;q=0.5"):
            r = self.call("get_pet", "GET", target, headers=dict(key, Accept=accept))
            self.assertEqual((r.status, r.header("content-type"), r.body.decode()), (200, "application/xml", xml),
                             accept)
            self.assertEqual(r.header("etag"), etag)  # the response's headers go with every media type
            self.assertIn("Accept", r.header("vary"))  # the answer depends on Accept: caches must know
        for accept in ("application/json", "*/*", "application/xml;q=0.5, application/json",
                       "application/xml, application/json", "application/*", "image/png",  # none: the handler's JSON
                       "application/xml;q=2", "application/xml garbage", ""):  # malformed: as if absent
            r = self.call("get_pet", "GET", target, headers=dict(key, Accept=accept))
            self.assertEqual((r.status, r.header("content-type")), (200, "application/json"), accept)
            self.assertEqual(r.json()["pet"]["name"], "Tom <&> 'x'")
        r = self.call("get_pet", "GET", "/pets/999999", headers=dict(key, Accept="application/xml"))
        self.assertEqual((r.status, r.header("content-type")), (404, "application/json"))  # 4XX: JSON only

        r = self.call("download_pet_photo", "GET", "/pets/%d/photo.png" % pet, headers={"Accept": "image/png"})
        self.assertEqual((r.status, r.header("content-type"), len(r.body)), (200, "image/png", 72), r.body)
        png, chunks, at = r.body, {}, 8
        self.assertEqual(png[:8], b"\x89PNG\r\n\x1a\n")
        while at < len(png):  # each chunk's CRC-32 over its type and data
            n = int.from_bytes(png[at:at + 4], "big")
            kind, data = png[at + 4:at + 8], png[at + 8:at + 8 + n]
            self.assertEqual(int.from_bytes(png[at + 8 + n:at + 12 + n], "big"), zlib.crc32(kind + data), kind)
            chunks[kind.decode()], at = data, at + 12 + n
        self.assertEqual(list(chunks), ["IHDR", "IDAT", "IEND"])
        self.assertEqual(chunks["IHDR"], b"\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0")  # 1x1, RGB
        self.assertEqual(zlib.decompress(chunks["IDAT"]), bytes([0, pet & 0xFF, (pet >> 8) & 0xFF, 0x80]))
        r = self.call("download_pet_photo", "GET", "/pets/999999/photo.png")
        self.assertEqual((r.status, r.header("content-type")), (404, "application/json"))
        self.assertEqual(self.errors(self.call("download_pet_photo", "GET", "/pets/0/photo.png")),
                         [(["path", "petId"], "greater_than_equal")])

