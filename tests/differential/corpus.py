"""The differential corpus: byte streams sent to our HTTP/1.1 parser and to llhttp, each a named case.

Every case is a stream a client could send on one connection.  Most end with a second, plain request
(NEXT), so a disagreement on where the first message ends shows up as a different second message: that
is what request smuggling exploits.  Families:

  rfc.*        requests in the shapes RFC 9112 and RFC 9110 describe (methods, targets, versions, bodies)
  cl.*         Content-Length: valid, malformed, duplicated, listed, huge (the CL.CL family)
  te.*         Transfer-Encoding spellings and combinations, with and without Content-Length (CL.TE,
               TE.CL, TE.TE obfuscations)
  chunk.*      chunk-size lines: hex forms, extensions, whitespace, bare CR/LF, overflow; chunk data
               framing; trailers
  line.*       line endings and whitespace in the request line and header lines (bare LF, bare CR,
               obs-fold, space before the colon, control bytes)
  lead.*       what comes before a request line (RFC 9112 2.2)
  pipe.*       several requests on one connection; HTTP/1.0 and Connection: close
  seed.*       the libFuzzer seed corpora (tests/fuzz/corpus): heads, chunked bodies, whole connections

cases() returns [(name, bytes)], deterministic, names unique.
"""

import os

NEXT = b"GET /next HTTP/1.1\r\nHost: x\r\n\r\n"
H = b"Host: x\r\n"


def req(head_lines, body=b"", method=b"POST", target=b"/t", version=b"HTTP/1.1", next_=True):
    """A request with @head_lines (list of bytes, each without its CRLF), @body, then NEXT."""
    head = method + b" " + target + b" " + version + b"\r\n" + H + b"".join(l + b"\r\n" for l in head_lines)
    return head + b"\r\n" + body + (NEXT if next_ else b"")


def rfc_cases():
    out = []
    for m in [b"GET", b"HEAD", b"POST", b"PUT", b"DELETE", b"OPTIONS", b"PATCH", b"TRACE"]:
        out.append(("rfc.method_" + m.decode().lower(), m + b" /m HTTP/1.1\r\nHost: x\r\n\r\n" + NEXT))
    for name, target in [("root", b"/"), ("query", b"/a?b=c&d=e"), ("pct", b"/a%20b"), ("long", b"/" + b"a" * 2000),
                         ("dots", b"/a/../b/./c"), ("colon", b"/a:b@c"), ("empty_query", b"/a?"),
                         ("frag_like", b"/a?x=1#f"), ("tilde", b"/~user"), ("semicolon", b"/a;p=1"),
                         ("asterisk", b"*"), ("absolute", b"http://x/a"), ("authority", b"x:80"),
                         ("no_slash", b"a/b"), ("space_in", b"/a b"), ("tab_in", b"/a\tb"),
                         ("utf8", "/é".encode()), ("del", b"/a\x7fb"), ("nul", b"/a\x00b")]:
        out.append(("rfc.target_" + name, b"GET " + target + b" HTTP/1.1\r\nHost: x\r\n\r\n" + NEXT))
    for name, version in [("10", b"HTTP/1.0"), ("11", b"HTTP/1.1"), ("12", b"HTTP/1.2"), ("20", b"HTTP/2.0"),
                          ("09", b"HTTP/0.9"), ("lower", b"http/1.1"), ("missing", b""), ("junk", b"HTTP/1.1x"),
                          ("space", b"HTTP/ 1.1"), ("digits", b"HTTP/11.1"), ("30", b"HTTP/3.0")]:
        line = b"GET /v " + version if version else b"GET /v"
        out.append(("rfc.version_" + name, line + b"\r\nHost: x\r\n\r\n" + NEXT))
    for name, method in [("lower", b"get"), ("unknown", b"FROB"), ("long", b"G" * 40), ("digit", b"G3T"),
                         ("dash", b"M-SEARCH"), ("empty", b""), ("propfind", b"PROPFIND"), ("purge", b"PURGE"),
                         ("nul", b"GE\x00T")]:
        out.append(("rfc.methodname_" + name, method + b" /x HTTP/1.1\r\nHost: x\r\n\r\n" + NEXT))
    for n in [0, 1, 5, 100, 1000]:
        out.append(("rfc.body_cl_%d" % n, req([b"Content-Length: %d" % n], b"b" * n)))
    out.append(("rfc.body_binary", req([b"Content-Length: 6"], b"\x00\r\n\r\n\xff")))
    out.append(("rfc.body_looks_like_request", req([b"Content-Length: %d" % len(NEXT)], NEXT)))
    out.append(("rfc.chunked_simple", req([b"Transfer-Encoding: chunked"], b"5\r\nhello\r\n0\r\n\r\n")))
    out.append(("rfc.chunked_two", req([b"Transfer-Encoding: chunked"], b"3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n")))
    out.append(("rfc.get_with_body", req([b"Content-Length: 3"], b"abc", method=b"GET")))
    out.append(("rfc.expect_continue", req([b"Expect: 100-continue", b"Content-Length: 2"], b"hi")))
    out.append(("rfc.many_headers", req([b"X-H%d: v" % i for i in range(50)])))
    out.append(("rfc.header_empty_value", req([b"X-Empty:"])))
    out.append(("rfc.header_ows", req([b"X-Ows: \t v \t "])))
    out.append(("rfc.header_obs_text", req([b"X-Obs: caf\xe9"])))
    out.append(("rfc.header_long_value", req([b"X-Long: " + b"v" * 4000])))
    out.append(("rfc.no_host", b"GET /h HTTP/1.1\r\n\r\n" + NEXT))
    return out


def cl_cases():
    out = []
    for name, value in [("zero_pad", b"003"), ("plus", b"+3"), ("minus", b"-3"), ("hex", b"0x3"), ("space_in", b"3 3"),
                        ("trail_space", b"3 "), ("lead_space", b" 3"), ("tab", b"\t3"), ("empty", b""),
                        ("alpha", b"three"), ("float", b"3.0"), ("comma_same", b"3, 3"), ("comma_diff", b"3, 4"),
                        ("comma_only", b","), ("comma_lead", b", 3"), ("huge", b"99999999999999999999999"),
                        ("u64", b"18446744073709551615"), ("i64max", b"9223372036854775807"),
                        ("u64plus", b"18446744073709551616"), ("nul", b"3\x00"), ("semicolon", b"3;x"),
                        ("exponent", b"3e0"), ("unicode_digit", "３".encode())]:
        out.append(("cl.value_" + name, req([b"Content-Length: " + value], b"abc")))
    out.append(("cl.dup_same", req([b"Content-Length: 3", b"Content-Length: 3"], b"abc")))
    out.append(("cl.dup_diff", req([b"Content-Length: 3", b"Content-Length: 5"], b"abcde")))
    out.append(("cl.dup_diff_rev", req([b"Content-Length: 5", b"Content-Length: 3"], b"abcde")))
    out.append(("cl.name_case", req([b"content-LENGTH: 3"], b"abc")))
    out.append(("cl.name_space_before_colon", req([b"Content-Length : 3"], b"abc")))
    out.append(("cl.name_tab_before_colon", req([b"Content-Length\t: 3"], b"abc")))
    out.append(("cl.name_typo", req([b"Content_Length: 3"], b"abc")))
    out.append(("cl.name_leading_space", req([b" Content-Length: 3"], b"abc")))
    out.append(("cl.short_body", req([b"Content-Length: 10"], b"abc", next_=False)))
    out.append(("cl.body_then_garbage", req([b"Content-Length: 3"], b"abcXYZ")))
    out.append(("cl.get_huge", req([b"Content-Length: 100000000"], b"", method=b"GET", next_=False)))
    out.append(("cl.folded", req([b"Content-Length:", b" 3"], b"abc")))
    return out


CHUNKED_BODY = b"3\r\nabc\r\n0\r\n\r\n"


def te_cases():
    out = []
    values = [("chunked", b"chunked"), ("upper", b"CHUNKED"), ("mixed", b"Chunked"), ("lead_space", b" chunked"),
              ("trail_space", b"chunked "), ("tab", b"\tchunked"), ("trail_tab", b"chunked\t"),
              ("identity_chunked", b"identity, chunked"), ("chunked_identity", b"chunked, identity"),
              ("gzip_chunked", b"gzip, chunked"), ("chunked_gzip", b"chunked, gzip"), ("x_chunked", b"xchunked"),
              ("chunked_x", b"chunkedx"), ("param", b"chunked;q=1"), ("quoted", b"\"chunked\""),
              ("double", b"chunked, chunked"), ("comma_lead", b", chunked"), ("comma_trail", b"chunked,"),
              ("empty", b""), ("identity", b"identity"), ("gzip", b"gzip"), ("nul", b"chunked\x00"),
              ("vtab", b"chunked\x0b"), ("ff", b"\x0cchunked"), ("cr_inside", b"chun\rked"),
              ("space_comma", b"gzip ,chunked"), ("deflate", b"deflate, chunked"), ("compress", b"compress")]
    for name, value in values:
        out.append(("te.value_" + name, req([b"Transfer-Encoding: " + value], CHUNKED_BODY)))
        out.append(("te.value_%s_with_cl" % name, req([b"Transfer-Encoding: " + value, b"Content-Length: 3"],
                                                       CHUNKED_BODY)))
    out.append(("te.cl_first", req([b"Content-Length: 3", b"Transfer-Encoding: chunked"], CHUNKED_BODY)))
    out.append(("te.cl_te_smuggle", req([b"Content-Length: 4", b"Transfer-Encoding: chunked"],
                                        b"0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n")))
    out.append(("te.te_cl_smuggle", req([b"Transfer-Encoding: chunked", b"Content-Length: 40"],
                                        b"0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n")))
    out.append(("te.dup_chunked", req([b"Transfer-Encoding: chunked", b"Transfer-Encoding: chunked"], CHUNKED_BODY)))
    out.append(("te.dup_identity_then_chunked", req([b"Transfer-Encoding: identity", b"Transfer-Encoding: chunked"],
                                                    CHUNKED_BODY)))
    out.append(("te.dup_chunked_then_x", req([b"Transfer-Encoding: chunked", b"Transfer-Encoding: x"], CHUNKED_BODY)))
    out.append(("te.name_space_before_colon", req([b"Transfer-Encoding : chunked"], CHUNKED_BODY)))
    out.append(("te.name_case", req([b"transfer-encoding: chunked"], CHUNKED_BODY)))
    out.append(("te.name_typo", req([b"Transfer_Encoding: chunked"], CHUNKED_BODY)))
    out.append(("te.folded", req([b"Transfer-Encoding:", b" chunked"], CHUNKED_BODY)))
    out.append(("te.folded_tab", req([b"Transfer-Encoding: x", b"\tchunked"], CHUNKED_BODY)))
    out.append(("te.http10", req([b"Transfer-Encoding: chunked"], CHUNKED_BODY, version=b"HTTP/1.0")))
    out.append(("te.get", req([b"Transfer-Encoding: chunked"], CHUNKED_BODY, method=b"GET")))
    out.append(("te.x_smuggle_header", req([b"X-Transfer-Encoding: chunked", b"Content-Length: 3"], b"abc")))
    return out


def chunk_cases():
    out = []

    def chunked(name, body, next_=True):
        out.append(("chunk." + name, req([b"Transfer-Encoding: chunked"], body, next_=next_)))

    for name, size, data in [("lower_hex", b"a", b"0123456789"), ("upper_hex", b"A", b"0123456789"),
                             ("zero_pad", b"0005", b"hello"), ("long_pad", b"0" * 30 + b"5", b"hello"),
                             ("two_digit", b"10", b"x" * 16), ("plus", b"+5", b"hello"), ("minus", b"-5", b"hello"),
                             ("0x", b"0x5", b"hello"), ("empty", b"", b""), ("space_before", b" 5", b"hello"),
                             ("space_after", b"5 ", b"hello"), ("tab_after", b"5\t", b"hello"),
                             ("g", b"5g", b"hello"), ("overflow", b"f" * 17, b"hello"),
                             ("max_u64", b"ffffffffffffffff", b"hello"), ("nul", b"5\x00", b"hello"),
                             ("underscore", b"5_0", b"hello")]:
        chunked("size_" + name, size + b"\r\n" + data + b"\r\n0\r\n\r\n")
    for name, ext in [("name", b";foo"), ("value", b";foo=bar"), ("quoted", b";foo=\"b a r\""),
                      ("quoted_escape", b";foo=\"b\\\"r\""), ("two", b";a=1;b=2"), ("bws", b" ;foo=bar"),
                      ("bws_tab", b"\t;foo"), ("bws_around_eq", b";foo = bar"), ("empty_name", b";=bar"),
                      ("empty_value", b";foo="), ("semicolon_only", b";"), ("cr_in_quoted", b";foo=\"a\rb\""),
                      ("lf_in_ext", b";foo\nbar"), ("ctl_in_ext", b";foo\x01"), ("long", b";" + b"e" * 1000),
                      ("unterminated_quote", b";foo=\"bar"), ("space_in_name", b";fo o"),
                      ("smuggle", b";\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n0")]:
        chunked("ext_" + name, b"5" + ext + b"\r\nhello\r\n0\r\n\r\n")
    for name, body in [
            ("lf_after_size", b"5\nhello\r\n0\r\n\r\n"),
            ("cr_after_size", b"5\rhello\r\n0\r\n\r\n"),
            ("lf_after_data", b"5\r\nhello\n0\r\n\r\n"),
            ("cr_after_data", b"5\r\nhello\r0\r\n\r\n"),
            ("nothing_after_data", b"5\r\nhello0\r\n\r\n"),
            ("junk_after_data", b"5\r\nhelloXX\r\n0\r\n\r\n"),
            ("data_too_short", b"5\r\nhel\r\n0\r\n\r\n"),
            ("data_too_long", b"3\r\nhello\r\n0\r\n\r\n"),
            ("last_lf", b"5\r\nhello\r\n0\n\r\n"),
            ("last_bare_lf_end", b"5\r\nhello\r\n0\r\n\n"),
            ("last_no_final_crlf", b"5\r\nhello\r\n0\r\n"),
            ("trailer", b"5\r\nhello\r\n0\r\nX-T: 1\r\n\r\n"),
            ("trailers_two", b"5\r\nhello\r\n0\r\nX-T: 1\r\nX-U: 2\r\n\r\n"),
            ("trailer_cl", b"5\r\nhello\r\n0\r\nContent-Length: 50\r\n\r\n"),
            ("trailer_no_colon", b"5\r\nhello\r\n0\r\nX-T\r\n\r\n"),
            ("trailer_lf", b"5\r\nhello\r\n0\r\nX-T: 1\n\r\n"),
            ("trailer_folded", b"5\r\nhello\r\n0\r\nX-T: 1\r\n 2\r\n\r\n"),
            ("trailer_space_before_colon", b"5\r\nhello\r\n0\r\nX-T : 1\r\n\r\n"),
            ("trailer_request_like", b"0\r\nGET /smuggled HTTP/1.1\r\n\r\n"),
            ("many_chunks", b"".join(b"1\r\n%c\r\n" % (97 + i % 26) for i in range(100)) + b"0\r\n\r\n"),
            ("zero_with_ext", b"5\r\nhello\r\n0;end=1\r\n\r\n"),
            ("zero_padded_last", b"5\r\nhello\r\n000\r\n\r\n"),
            ("crlf_data", b"2\r\n\r\n\r\n0\r\n\r\n"),
            ("data_contains_zero_chunk", b"5\r\n0\r\n\r\n\r\n0\r\n\r\n"),
            ("empty_body", b"0\r\n\r\n"),
            ("size_line_missing", b"\r\nhello\r\n0\r\n\r\n"),
            ("double_crlf_after_data", b"5\r\nhello\r\n\r\n0\r\n\r\n")]:
        chunked(name, body)
    chunked("incomplete", b"5\r\nhel", next_=False)
    chunked("incomplete_size", b"5", next_=False)
    for n in [1, 15, 16, 255, 256, 4095]:
        chunked("len_%d" % n, b"%x\r\n" % n + b"d" * n + b"\r\n0\r\n\r\n")
    return out


def line_cases():
    out = []
    good = [b"GET /l HTTP/1.1", b"Host: x", b"X-A: 1"]

    def joined(seps, end):
        return seps[0].join(good[:1]) + seps[0] + seps[1].join(good[1:]) + seps[1] + end

    for name, first, rest, end in [("crlf", b"\r\n", b"\r\n", b"\r\n"), ("lf_all", b"\n", b"\n", b"\n"),
                                   ("lf_request_line", b"\n", b"\r\n", b"\r\n"),
                                   ("lf_headers", b"\r\n", b"\n", b"\r\n"), ("lf_end", b"\r\n", b"\r\n", b"\n"),
                                   ("cr_all", b"\r", b"\r", b"\r"), ("cr_request_line", b"\r", b"\r\n", b"\r\n"),
                                   ("cr_headers", b"\r\n", b"\r", b"\r\n"), ("crcrlf", b"\r\r\n", b"\r\n", b"\r\n")]:
        out.append(("line.ending_" + name, joined([first, rest], end) + NEXT))
    for name, line in [("double_space", b"GET  /l HTTP/1.1"), ("tab_sep", b"GET\t/l\tHTTP/1.1"),
                       ("trailing_space", b"GET /l HTTP/1.1 "), ("leading_space", b" GET /l HTTP/1.1"),
                       ("no_target", b"GET HTTP/1.1"), ("extra_part", b"GET /l HTTP/1.1 x"),
                       ("only_method", b"GET"), ("vtab_sep", b"GET\x0b/l HTTP/1.1")]:
        out.append(("line.request_" + name, line + b"\r\nHost: x\r\n\r\n" + NEXT))
    for name, header in [("fold_space", b"X-A: 1\r\n 2"), ("fold_tab", b"X-A: 1\r\n\t2"),
                         ("fold_first", b" X-A: 1"), ("space_before_colon", b"X-A : 1"), ("no_colon", b"X-A 1"),
                         ("empty_name", b": 1"), ("colon_in_name", b"X:A: 1"), ("space_in_name", b"X A: 1"),
                         ("ctl_in_name", b"X\x01A: 1"), ("nul_in_value", b"X-A: 1\x002"),
                         ("ctl_in_value", b"X-A: 1\x012"), ("del_in_value", b"X-A: 1\x7f2"),
                         ("bare_cr_in_value", b"X-A: 1\r2"), ("bare_lf_in_value", b"X-A: 1\n2"),
                         ("utf8_name", "X-É: 1".encode()), ("high_byte_value", b"X-A: \x80\xff"),
                         ("tab_value", b"X-A:\t1"), ("no_space_value", b"X-A:1"),
                         ("long_name", b"X-" + b"n" * 3000 + b": 1"), ("just_colon", b":")]:
        out.append(("line.header_" + name, b"GET /l HTTP/1.1\r\nHost: x\r\n" + header + b"\r\n\r\n" + NEXT))
    return out


def lead_cases():
    out = []
    for name, lead in [("crlf", b"\r\n"), ("two_crlf", b"\r\n\r\n"), ("lf", b"\n"), ("cr", b"\r"),
                       ("space", b" "), ("tab", b"\t"), ("nul", b"\x00"), ("crlf_lf", b"\r\n\n"),
                       ("many_crlf", b"\r\n" * 20), ("lf_crlf", b"\n\r\n")]:
        out.append(("lead." + name, lead + b"GET /lead HTTP/1.1\r\nHost: x\r\n\r\n" + NEXT))
    out.append(("lead.between_requests", b"GET /a HTTP/1.1\r\nHost: x\r\n\r\n\r\n" + NEXT))
    out.append(("lead.after_body", req([b"Content-Length: 2"], b"hi\r\n")))
    return out


def pipe_cases():
    out = []
    out.append(("pipe.three", NEXT * 3))
    out.append(("pipe.post_get_post", req([b"Content-Length: 1"], b"a", next_=False) + NEXT +
                req([b"Content-Length: 1"], b"b", next_=False)))
    out.append(("pipe.http10_then_next", b"GET /a HTTP/1.0\r\n\r\n" + NEXT))
    out.append(("pipe.http10_keepalive", b"GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n" + NEXT))
    out.append(("pipe.close_then_next", b"GET /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" + NEXT))
    out.append(("pipe.close_upper", b"GET /a HTTP/1.1\r\nHost: x\r\nConnection: CLOSE\r\n\r\n" + NEXT))
    out.append(("pipe.close_in_list", b"GET /a HTTP/1.1\r\nHost: x\r\nConnection: foo, close\r\n\r\n" + NEXT))
    out.append(("pipe.chunked_then_cl", req([b"Transfer-Encoding: chunked"], CHUNKED_BODY, next_=False) +
                req([b"Content-Length: 3"], b"xyz")))
    out.append(("pipe.partial_second", NEXT + b"GET /partial HTTP/1.1\r\nHo"))
    out.append(("pipe.ten", b"".join(b"GET /p%d HTTP/1.1\r\nHost: x\r\n\r\n" % i for i in range(10))))
    return out


def seed_cases(fuzz_corpus):
    out = []
    head_dir = os.path.join(fuzz_corpus, "http_head")
    chunk_dir = os.path.join(fuzz_corpus, "chunked")
    for name in sorted(os.listdir(head_dir)) if os.path.isdir(head_dir) else []:
        with open(os.path.join(head_dir, name), "rb") as f:
            out.append(("seed.head_" + name, f.read() + NEXT))
    for name in sorted(os.listdir(chunk_dir)) if os.path.isdir(chunk_dir) else []:
        with open(os.path.join(chunk_dir, name), "rb") as f:
            out.append(("seed.chunked_" + name, req([b"Transfer-Encoding: chunked"], f.read())))
    framing_dir = os.path.join(fuzz_corpus, "framing")
    for name in sorted(os.listdir(framing_dir)) if os.path.isdir(framing_dir) else []:
        with open(os.path.join(framing_dir, name), "rb") as f:
            out.append(("seed.framing_" + name, f.read()[4:]))  # the first 4 bytes seed fuzz_framing's cuts
    return out


def variants(base):
    """Each case once more split by pipelining it behind a plain request: the first request's framing must
    not change what follows it (the same stream after one well-formed message)."""
    return [("after_get." + name, NEXT + data) for name, data in base]


def cases(fuzz_corpus):
    base = rfc_cases() + cl_cases() + te_cases() + chunk_cases() + line_cases() + lead_cases() + pipe_cases()
    out = base + seed_cases(fuzz_corpus)
    out += variants([c for c in base if c[0].split(".")[0] in ("cl", "te", "chunk", "line")])
    names = [n for n, _ in out]
    assert len(names) == len(set(names)), "duplicate case names"
    return out


def write(path, all_cases):
    """The corpus file both runners read: for each case, its name, a newline, its length, a newline, its bytes."""
    with open(path, "wb") as f:
        for name, data in all_cases:
            f.write(name.encode() + b"\n%d\n" % len(data) + data)
