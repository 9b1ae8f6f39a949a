"""The URI-family and JSON-pointer formats of runtime/valid/rt_valid_format_uri.c and rt_valid_format_pointer.c in
Python, one function here per function there (see formats.py)."""

import re

from .formats_ip import V6, ip_bytes

ALNUM = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
DIGITS = frozenset(b"0123456789")
HEX = frozenset(b"0123456789abcdefABCDEF")
UNRESERVED = b"-._~"
SUB_DELIMS = b"!$&'()*+,;="

# --- the URI family, uri-template (rt_valid_format_uri.c) ---

WIDE_NONE, WIDE_UCS, WIDE_PRIVATE = 0, 1, 2


def utf8_decode(b, i):
    """utf8_decode(): (code point, length) of the strict UTF-8 sequence at b[i] (>= 0x80), or (0, 0)."""
    n = 4 if b[i] >= 0xF0 else 3 if b[i] >= 0xE0 else 2 if b[i] >= 0xC0 else 0
    try:
        text = b[i:i + n].decode("utf-8") if n and b[i] <= 0xF4 and i + n <= len(b) else ""
    except UnicodeDecodeError:  # overlong forms, surrogates, beyond U+10FFFF, bad continuation bytes
        text = ""
    return (ord(text), n) if len(text) == 1 else (0, 0)


def wide_ok(cp, private):
    """wide_ok(): RFC 3987's ucschar; with private, iprivate too."""
    if 0xA0 <= cp <= 0xD7FF or 0xF900 <= cp <= 0xFDCF or 0xFDF0 <= cp <= 0xFFEF:
        return True
    if 0x10000 <= cp <= 0xEFFFD and cp & 0xFFFF <= 0xFFFD and cp >> 16 != 0xE:
        return True
    if 0xE1000 <= cp <= 0xEFFFD:
        return True
    return private and (0xE000 <= cp <= 0xF8FF or 0xF0000 <= cp <= 0xFFFFD or 0x100000 <= cp <= 0x10FFFD)


def chars_ok(b, extra, wide=WIDE_NONE):
    """Letters, digits, "-._~", %-escapes, the characters of extra and (as wide allows) non-ASCII ones only."""
    i = 0
    while i < len(b):
        c = b[i]
        if c == ord("%"):
            if i + 2 >= len(b) or b[i + 1] not in HEX or b[i + 2] not in HEX:
                return False
            i += 2
        elif c >= 0x80:
            cp, n = utf8_decode(b, i) if wide != WIDE_NONE else (0, 0)
            if n == 0 or not wide_ok(cp, wide == WIDE_PRIVATE):
                return False
            i += n - 1
        elif not (c in ALNUM or c in UNRESERVED or c in extra) or c == 0:
            return False
        i += 1
    return True


def ip_literal_ok(b):
    """ip_literal_ok(): an IPv6 address, or IPvFuture ("v" 1*HEXDIG "." 1*(unreserved / sub-delims / ":"))."""
    if not b[:1] or b[:1] not in b"vV":
        return ip_bytes(V6, b) is not None
    m = re.match(rb"[vV][0-9A-Fa-f]+\.", b)
    return bool(m) and m.end() < len(b) and chars_ok(b[m.end():], SUB_DELIMS + b":") and b"%" not in b[m.end():]


def authority_ok(b, wide=WIDE_NONE):
    """[ userinfo "@" ] host [ ":" port ]"""
    at = b.find(b"@")
    host = b
    if at >= 0:
        if not chars_ok(b[:at], SUB_DELIMS + b":", wide):
            return False
        host = b[at + 1:]
    if host.startswith(b"["):
        close = host.find(b"]")
        if close < 0 or not ip_literal_ok(host[1:close]):
            return False
        port = host[close + 1:]
        if port and not port.startswith(b":"):
            return False
    else:
        colon = host.find(b":")
        port = host[colon:] if colon >= 0 else b""
        if not chars_ok(host[:colon] if colon >= 0 else host, SUB_DELIMS, wide):
            return False
    return all(c in DIGITS for c in port[1:])


def scheme_len(b):
    """scheme_len(): the length of the scheme and its ':' at the start of b, or 0."""
    m = re.match(rb"[A-Za-z][A-Za-z0-9+.-]*:", b)
    return m.end() if m else 0


def uri_reason(b, reference=False, iri=False):
    """rt_valid_format_uri_reason(): a URI, or with reference a URI reference; iri: the IRI forms."""
    wide = WIDE_UCS if iri else WIDE_NONE
    i = scheme_len(b)
    if i == 0 and not reference:
        if not re.match(rb"[A-Za-z]", b):
            return "a URI starts with a scheme, which starts with a letter"
        return "invalid character in the scheme, or no ':' after it"
    if b[i:i + 2] == b"//":
        start = i = i + 2
        while i < len(b) and b[i] not in b"/?#":
            i += 1
        if not authority_ok(b[start:i], wide):
            return "invalid authority (user information, host or port)"
    elif i == 0 and b":" in re.match(rb"[^/?#]*", b).group(0):
        return "a relative reference has no ':' in its first path segment"
    start = i
    while i < len(b) and b[i] not in b"?#":
        i += 1
    if not chars_ok(b[start:i], SUB_DELIMS + b":@/", wide):
        return "invalid character in the path"
    if b[i:i + 1] == b"?":
        start = i = i + 1
        while i < len(b) and b[i] != ord("#"):
            i += 1
        if not chars_ok(b[start:i], SUB_DELIMS + b":@/?", WIDE_PRIVATE if iri else WIDE_NONE):
            return "invalid character in the query"
    if i < len(b) and not chars_ok(b[i + 1:], SUB_DELIMS + b":@/?", wide):
        return "invalid character in the fragment"
    return None


# expression_ok(), varspec_end(): an optional operator, then varspecs (varname [":" max-length | "*"]) separated
# by commas; a varname is varchars (letters, digits, "_", %-escapes) joined by single dots
VARSPEC = rb"(?:[A-Za-z0-9_]|%[0-9A-Fa-f]{2})+(?:\.(?:[A-Za-z0-9_]|%[0-9A-Fa-f]{2})+)*(?::[1-9][0-9]{0,3}|\*)?"
EXPRESSION = re.compile(rb"[+#./;?&=,!@|]?" + VARSPEC + rb"(?:," + VARSPEC + rb")*\Z")
TEMPLATE_EXPRESSION = ("invalid expression: an optional operator, then variable names (letters, digits, '_', "
                       "%-escapes, single dots) separated by commas, each with an optional :length (1 to 9999) or '*'")


def uri_template_reason(b):
    """rt_valid_format_uri_template_reason(): RFC 6570 literals (the apostrophe allowed) and expressions."""
    i = 0
    while i < len(b):
        c = b[i]
        if c == ord("{"):
            close = b.find(b"}", i)
            if close < 0:
                return "an expression ('{') is not closed"
            if not EXPRESSION.match(b[i + 1:close]):
                return TEMPLATE_EXPRESSION
            i = close
        elif c == ord("%"):
            if i + 2 >= len(b) or b[i + 1] not in HEX or b[i + 2] not in HEX:
                return "a '%' starts a %-escape of two hex digits"
            i += 2
        elif c >= 0x80:
            cp, n = utf8_decode(b, i)
            if n == 0 or not wide_ok(cp, True):
                return "a non-ASCII character outside RFC 3987's ucschar and iprivate ranges"
            i += n - 1
        elif c <= 0x20 or c == 0x7F or c in b'"<>\\^`{|}':
            return "a '}' closes no expression" if c == ord("}") else "a character a template literal may not hold"
        i += 1
    return None


# --- JSON pointers (rt_valid_format_pointer.c) ---

def json_pointer_reason(b):
    if b and b[:1] != b"/":
        return "a JSON pointer is empty or starts with '/'"
    if re.search(rb"~(?![01])", b):
        return "a '~' is escaped as ~0, and '/' within a reference token as ~1"
    return None


def relative_json_pointer_reason(b):
    digits = re.match(rb"[0-9]*", b).group(0)
    rest = b[len(digits):]
    if not digits:
        return "a relative JSON pointer starts with a non-negative integer (ASCII digits, no sign)"
    if len(digits) > 1 and digits[:1] == b"0":
        return "the integer of a relative JSON pointer has no leading zero"
    if rest == b"#":
        return None
    if rest and rest[:1] != b"/":
        return "the integer of a relative JSON pointer is followed by nothing, '#' alone, or a JSON pointer"
    return json_pointer_reason(rest)
