"""The string formats the runtime enforces, in Python: reason(fmt, value) is None when the runtime's check
(runtime/valid/rt_valid_format.c, rt_valid_format_net.c, rt_valid_format_ip.c, rt_valid_format_uri.c and
rt_valid_format_pointer.c, one function here per function there) accepts value, else why not.  IP addresses go through the C library's inet_pton and A-labels through libidn2, as in the
runtime, loaded with ctypes as pcre2.py loads PCRE2.

Used where a value must be one the service accepts: a schema's default (schemas.py refuses one its format
refuses: the service would hand it to handlers, though it refuses it as input), and the contract checkers'
format checker (tools/contract_formats.py), which judge answers with the same checks.
"""

import ctypes
import ctypes.util
import re
import socket

from .refusals import SpecError

ALNUM = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
DIGITS = frozenset(b"0123456789")
HEX = frozenset(b"0123456789abcdefABCDEF")
ATEXT_MARKS = frozenset(b"!#$%&'*+-/=?^_`{|}~")
UNRESERVED = b"-._~"
SUB_DELIMS = b"!$&'()*+,;="

_libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
_libc.inet_pton.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_void_p)
_idn2 = None


# --- addresses, networks, interfaces (rt_valid_format_ip.c) ---

V4, V6 = socket.AF_INET, socket.AF_INET6
ADDRESS_CHARS = {V4: b"0123456789.", V6: b"0123456789abcdefABCDEF:."}


def ip_bytes(family, b):
    """rt_valid_format_ip_parse(): inet_pton on bytes b made of the family's address characters only; the
    address's bytes, or None."""
    if not b or len(b) >= 64 or any(c not in ADDRESS_CHARS[family] for c in b):
        return None
    out = ctypes.create_string_buffer(16)
    return out.raw[:4 if family == V4 else 16] if _libc.inet_pton(family, b, out) == 1 else None


def mask_prefix(mask):
    """rt_valid_format_ip.c's mask_prefix(): a netmask's prefix, else an inverted one's (a hostmask), else -1."""
    for m in (mask, mask ^ 0xFFFFFFFF):
        zeros = 0
        while zeros < 32 and not m & (1 << zeros):
            zeros += 1
        if zeros == 32 or m >> zeros == 0xFFFFFFFF >> zeros:
            return 32 - zeros
    return -1


def prefix_parse(family, b):
    """rt_valid_format_ip.c's prefix_parse(): decimal digits up to the width, or (IPv4) a net- or hostmask; -1."""
    bits = 32 if family == V4 else 128
    if b and all(0x30 <= c <= 0x39 for c in b):
        value = int(b)
        return value if value <= bits else -1
    mask = ip_bytes(V4, b) if family == V4 else None
    return -1 if mask is None else mask_prefix(int.from_bytes(mask, "big"))


def network_ok(family, b, strict):
    """rt_valid_format_ip.c's network_ok(): address[/prefix]; strict (a network): no host bits set."""
    addr_text, slash, prefix_text = b.partition(b"/")
    addr, bits = ip_bytes(family, addr_text), 32 if family == V4 else 128
    prefix = prefix_parse(family, prefix_text) if slash else bits
    if addr is None or prefix < 0:
        return False
    return not strict or int.from_bytes(addr, "big") & ((1 << (bits - prefix)) - 1) == 0


def ip_ok(families, kind, b):
    """rt_valid_format_ip.c's family_ok() for each family, IPv4 first: kind "address", "network" or
    "interface"."""
    return any(ip_bytes(f, b) is not None if kind == "address" else network_ok(f, b, kind == "network")
               for f in families)


# The IP formats, as rt_valid_format_ip.c's table: format -> (families, kind, pydantic's message)
IP_FORMATS = {
    "ipv4": ((V4,), "address", "Input is not a valid IPv4 address"),
    "ipv6": ((V6,), "address", "Input is not a valid IPv6 address"),
    "ipvanyaddress": ((V4, V6), "address", "value is not a valid IPv4 or IPv6 address"),
    "ipv4network": ((V4,), "network", "Input is not a valid IPv4 network"),
    "ipv6network": ((V6,), "network", "Input is not a valid IPv6 network"),
    "ipvanynetwork": ((V4, V6), "network", "value is not a valid IPv4 or IPv6 network"),
    "ipv4interface": ((V4,), "interface", "Input is not a valid IPv4 interface"),
    "ipv6interface": ((V6,), "interface", "Input is not a valid IPv6 interface"),
    "ipvanyinterface": ((V4, V6), "interface", "value is not a valid IPv4 or IPv6 interface"),
}


# --- email ---

def email_local_reason(b):
    if any(c != ord(".") and not (c in ALNUM or c >= 0x80 or c in ATEXT_MARKS) for c in b):
        return "The email address contains invalid characters before the @-sign."
    if b.startswith(b"."):
        return "An email address cannot start with a period."
    if b.endswith(b"."):
        return "An email address cannot have a period immediately before the @-sign."
    if b".." in b:
        return "An email address cannot have two periods in a row."
    return None


def email_domain_reason(d):
    if any(not (c in ALNUM or c in b"-." or c >= 0x80) for c in d):
        return "The part after the @-sign contains invalid characters."
    if d.startswith(b"."):
        return "An email address cannot have a period immediately after the @-sign."
    if d.endswith(b"."):
        return "An email address cannot end with a period."
    if b".." in d:
        return "An email address cannot have two periods in a row."
    if b"." not in d:
        return "The part after the @-sign is not valid. It should have a period."
    labels = d.split(b".")
    for label in labels:
        if label.startswith(b"-") or label.endswith(b"-"):
            return "An email address cannot have a hyphen immediately before or after a period."
        if len(label) > 63:
            return "After the @-sign, periods cannot be separated by so many characters."
    if all(c in DIGITS for c in labels[-1]):
        return "The part after the @-sign is not valid. It is not within a valid top-level domain."
    return None


def quoted_local_end(b):
    """The index just past RFC 5321's quoted local part at the start of b ("joe bloggs"@...), or None."""
    if not b.startswith(b'"'):
        return None
    i = 1
    while i < len(b):
        if b[i] == ord("\\") and i + 1 < len(b):
            i += 1
        elif b[i] == ord('"'):
            return i + 1
        elif b[i] < 0x20 or b[i] > 0x7E:
            return None
        i += 1
    return None


def domain_literal_reason(d):
    """RFC 5321's address literal after the @: [IPv4] or [IPv6:address]."""
    v6 = len(d) > 7 and d[1:6] == b"IPv6:"
    skip = 6 if v6 else 1
    if len(d) < 3 or not d.endswith(b"]") or len(d) - skip - 1 >= 64:
        return "The domain literal is not valid."
    out = ctypes.create_string_buffer(16)
    if b"\0" in d or _libc.inet_pton(socket.AF_INET6 if v6 else socket.AF_INET, d[skip:-1], out) != 1:
        return "The domain literal is not a valid IP address."
    return None


def email_reason(b):
    quoted = quoted_local_end(b)
    at = quoted if quoted is not None and quoted < len(b) and b[quoted] == ord("@") else b.find(b"@")
    if quoted is not None and quoted == at:
        if at + 1 == len(b):
            return "There must be something after the @-sign."
        if b"@" in b[at + 1:]:
            return "The email address is not valid. It must have exactly one @-sign."
        return domain_literal_reason(b[at + 1:]) if b[at + 1:at + 2] == b"[" else email_domain_reason(b[at + 1:])
    if at > 0 and b[at + 1:at + 2] == b"[" and b"@" not in b[at + 1:] and email_local_reason(b[:at]) is None:
        return domain_literal_reason(b[at + 1:])
    if at < 0:
        return "An email address must have an @-sign."
    if b"@" in b[at + 1:]:
        return "The email address is not valid. It must have exactly one @-sign."
    if at == 0:
        return "There must be something before the @-sign."
    if at + 1 == len(b):
        return "There must be something after the @-sign."
    if len(b) > 254:
        return "The email address is too long (%d characters too many)." % (len(b) - 254)
    if at > 64:
        return "The email address is too long before the @-sign (%d characters too many)." % (at - 64)
    return email_local_reason(b[:at]) or email_domain_reason(b[at + 1:])


# --- dates and times ---

DATE = re.compile(rb"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def days_in_month(year, month):
    leap = (year % 4 == 0 and year % 100 != 0) or year % 400 == 0
    return 29 if month == 2 and leap else (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)[month - 1]


def date_reason(b):
    if len(b) < 10:
        return "input is too short"
    if not DATE.match(b):
        return "invalid date separator, expected `-`"
    if len(b) > 10:
        return "unexpected extra characters at the end of the input"
    year, month, day = int(b[:4]), int(b[5:7]), int(b[8:10])
    if not 1 <= month <= 12:
        return "month value is outside expected range of 1-12"
    if not 1 <= day <= days_in_month(year, month):
        return "day value is outside expected range"
    return None


def offset_minutes(b):
    """(minutes east of UTC, None) for Z or +HH:MM / -HH:MM, or (0, the reason)."""
    if b in (b"Z", b"z"):
        return 0, None
    if not re.fullmatch(rb"[+-][0-9]{2}:[0-9]{2}", b):
        return 0, "invalid timezone: an offset (Z or +HH:MM) is required"
    if int(b[1:3]) > 23 or int(b[4:6]) > 59:
        return 0, "timezone offset is outside expected range"
    return (-1 if b[:1] == b"-" else 1) * (int(b[1:3]) * 60 + int(b[4:6])), None


def time_reason(b):
    if len(b) < 8:
        return "input is too short"
    if not re.match(rb"[0-9]{2}:[0-9]{2}:[0-9]{2}", b):
        return "invalid character in hour, minute or second"
    hour, minute, second = int(b[:2]), int(b[3:5]), int(b[6:8])
    if hour > 23 or minute > 59 or second > 60:
        return "time value is outside expected range"
    i = 8
    if b[i:i + 1] == b".":
        m = re.match(rb"[0-9]*", b[i + 1:])
        if not m.group(0):
            return "second fraction value is missing"
        i += 1 + len(m.group(0))
    offset, why = offset_minutes(b[i:])
    if why:
        return why
    if second == 60 and (hour * 60 + minute - offset) % 1440 != 23 * 60 + 59:
        return "a leap second is only valid at 23:59:60 UTC"
    return None


def date_time_reason(b):
    if len(b) < 19:
        return "input is too short"
    why = date_reason(b[:10])
    if why:
        return why
    if b[10:11] not in (b"T", b"t"):
        return "invalid datetime separator, expected `T` or `t`"
    return time_reason(b[11:])


# --- byte, uuid ---

def byte_reason(b):
    if len(b) % 4:
        return "Incorrect padding"
    pad = 0
    for i, c in enumerate(b):
        if c == ord("=") and i + 2 >= len(b) and (pad > 0 or i + 1 == len(b) or b[i + 1] == ord("=")):
            pad += 1
        elif pad > 0 or not (c in ALNUM or c in b"+/"):
            return "Only base64 data is allowed"
    return None


def uuid_reason(b):
    if len(b) != 36:
        return "invalid length: expected length 36 for the hyphenated format"
    for i, c in enumerate(b):
        if i in (8, 13, 18, 23):
            if c != ord("-"):
                return "invalid group count"
        elif c not in HEX:
            return "invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-]"
    return None


# --- hostname (rt_valid_format_net.c) ---

def alabel_ok(label):
    """An A-label ("xn--" and Punycode) that libidn2 registers (IDNA2008), checked lower-cased as the runtime
    does."""
    global _idn2
    if _idn2 is None:
        name = ctypes.util.find_library("idn2")
        if name is None:
            raise SpecError("libidn2 (the runtime's check of a host name's xn-- labels) is not installed: cannot "
                            "check the label %r" % label.decode("ascii"))
        _idn2 = ctypes.CDLL(name)
        _idn2.idn2_register_u8.argtypes = (ctypes.c_char_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p),
                                           ctypes.c_int)
        _idn2.idn2_free.argtypes = (ctypes.c_void_p,)
    out = ctypes.c_void_p()
    rc = _idn2.idn2_register_u8(None, label.lower(), ctypes.byref(out), 0)
    _idn2.idn2_free(out)
    return rc == 0  # IDN2_OK


def hostname_reason(b):
    if not b:
        return "a host name is not empty"
    if len(b) > 253:
        return "a host name is at most 253 characters long"
    for label in b.split(b"."):
        if not label:
            return "a label (between dots, no leading or trailing dot) is not empty"
        if len(label) > 63:
            return "a label is at most 63 characters long"
        if label.startswith(b"-") or label.endswith(b"-"):
            return "a label neither starts nor ends with a hyphen"
        if any(c not in ALNUM and c != ord("-") for c in label):
            return "a label is made of ASCII letters, digits and hyphens"
        if len(label) >= 4 and label[:4].lower() == b"xn--" and not alabel_ok(label):
            return "a label starting with xn-- is not a valid A-label (IDNA2008 Punycode)"
    return None


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


# RFC 3339 appendix A: a week alone, or date elements (Y, M, D, contiguous) and/or T and time elements (H, M, S,
# contiguous); ASCII digits only (rt_valid_format_duration_reason()).
DURATION = re.compile(rb"P(?:[0-9]+W|(?:[0-9]+Y(?:[0-9]+M(?:[0-9]+D)?)?|[0-9]+M(?:[0-9]+D)?|[0-9]+D)"
                      rb"(?:T(?:[0-9]+H(?:[0-9]+M(?:[0-9]+S)?)?|[0-9]+M(?:[0-9]+S)?|[0-9]+S))?"
                      rb"|T(?:[0-9]+H(?:[0-9]+M(?:[0-9]+S)?)?|[0-9]+M(?:[0-9]+S)?|[0-9]+S))\Z")


# The formats of refusals.STRING_FORMATS, each with its check (the IP ones below, as pydantic words them).
CHECKS = {
    "email": email_reason, "date-time": date_time_reason, "date": date_reason, "time": time_reason,
    "uuid": uuid_reason, "byte": byte_reason, "hostname": hostname_reason, "uri": uri_reason,
    "uri-reference": lambda b: uri_reason(b, reference=True), "iri": lambda b: uri_reason(b, iri=True),
    "iri-reference": lambda b: uri_reason(b, reference=True, iri=True), "uri-template": uri_template_reason,
    "json-pointer": json_pointer_reason, "relative-json-pointer": relative_json_pointer_reason,
    "duration": lambda b: None if DURATION.match(b) else "not an RFC 3339 duration",
}
CHECKS.update({name: (lambda b, fam=fam, kind=kind, msg=msg: None if ip_ok(fam, kind, b) else msg)
               for name, (fam, kind, msg) in IP_FORMATS.items()})


def uuid_version_reason(version, b):
    """pydantic's UUID1...UUID5 (uuid_version_check() in rt_valid_format.c): a uuid whose version digit is it."""
    return uuid_reason(b) or (None if b[14:15] == b"%d" % version else "UUID version %d expected" % version)


CHECKS.update({"uuid%d" % v: (lambda b, v=v: uuid_version_reason(v, b)) for v in (1, 3, 4, 5)})


def reason(fmt, value):
    """Why the runtime refuses the string value for format fmt (None: it accepts it, or fmt is not one of
    CHECKS, which the runtime does not check).  The runtime checks the UTF-8 bytes of the text."""
    check = CHECKS.get(fmt)
    return None if check is None else check(value.encode("utf-8", "surrogatepass"))
