"""The string formats the runtime enforces, in Python: reason(fmt, value) is None when the runtime's check
(runtime/valid/rt_valid_format.c and rt_valid_format_net.c here, rt_valid_format_ip.c in formats_ip.py,
rt_valid_format_uri.c and rt_valid_format_pointer.c in formats_uri.py, rt_valid_format_regex.c in formats_regex.py;
one function per function there) accepts
value, else why not.  IP addresses go through the C library's inet_pton, host names' labels through libidn2 and the
Bidi rule through PCRE2, as in the runtime, loaded with ctypes as pcre2.py loads PCRE2.

Used where a value must be one the service accepts: a schema's default (schemas.py refuses one its format
refuses: the service would hand it to handlers, though it refuses it as input), and the contract checkers'
format checker (tools/contract_formats.py), which judge answers with the same checks.
"""

import ctypes
import ctypes.util
import re
import socket

from . import pcre2
from .formats_ip import IP_FORMATS, ip_ok, libc
from .formats_regex import regex_reason
from .formats_uri import (ALNUM, DIGITS, HEX, json_pointer_reason, relative_json_pointer_reason, uri_reason,
                          uri_template_reason)
from .refusals import INTEGER_FORMATS, SpecError

ATEXT_MARKS = frozenset(b"!#$%&'*+-/=?^_`{|}~")
_idn2 = None


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


def quoted_local_end(b, idn=False):
    """The index just past RFC 5321's quoted local part at the start of b ("joe bloggs"@...), or None; idn: RFC
    6531's, which may hold UTF-8 too."""
    if not b.startswith(b'"'):
        return None
    i = 1
    while i < len(b):
        if b[i] == ord("\\") and i + 1 < len(b):
            i += 1
        elif b[i] == ord('"'):
            return i + 1
        elif b[i] < 0x20 or b[i] == 0x7F or (b[i] > 0x7F and not idn):
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
    if b"\0" in d or libc.inet_pton(socket.AF_INET6 if v6 else socket.AF_INET, d[skip:-1], out) != 1:
        return "The domain literal is not a valid IP address."
    return None


def email_reason(b, idn=False):
    """rt_valid_format_email_reason(), or with idn rt_valid_format_idn_email_reason()."""
    quoted = quoted_local_end(b, idn)
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
    return idn2_call(idn2().idn2_register_u8, None, label.lower())[0] == 0  # IDN2_OK


def ldh_label_reason(label):
    """ldh_label_reason(): letters, digits and hyphens; an xn-- label an A-label."""
    if len(label) > 63:
        return "a label is at most 63 characters long"
    if label.startswith(b"-") or label.endswith(b"-"):
        return "a label neither starts nor ends with a hyphen"
    if any(c not in ALNUM and c != ord("-") for c in label):
        return "a label is made of ASCII letters, digits and hyphens"
    if len(label) >= 4 and label[:4].lower() == b"xn--" and not alabel_ok(label):
        return "a label starting with xn-- is not a valid A-label (IDNA2008 Punycode)"
    return None


def hostname_reason(b):
    if not b:
        return "a host name is not empty"
    if len(b) > 253:
        return "a host name is at most 253 characters long"
    for label in b.split(b"."):
        if not label:
            return "a label (between dots, no leading or trailing dot) is not empty"
        why = ldh_label_reason(label)
        if why:
            return why
    return None


# RFC 5893's Bidi rule on one label, and what makes a label right-to-left: the text of rt_valid_format_net.c's
# BIDI_RULE and BIDI_RTL, run by the same PCRE2
BIDI_RTL_CLASSES = r"\p{bc=R}\p{bc=AL}\p{bc=AN}\p{bc=EN}\p{bc=ES}\p{bc=CS}\p{bc=ET}\p{bc=ON}\p{bc=BN}\p{bc=NSM}"
BIDI_LTR_CLASSES = r"\p{bc=L}\p{bc=EN}\p{bc=ES}\p{bc=CS}\p{bc=ET}\p{bc=ON}\p{bc=BN}\p{bc=NSM}"
BIDI_RULE = (r"(?s)\A(?!.*\p{bc=EN}.*\p{bc=AN})(?!.*\p{bc=AN}.*\p{bc=EN})"
             r"(?:[\p{bc=R}\p{bc=AL}](?:[" + BIDI_RTL_CLASSES + r"]*[\p{bc=R}\p{bc=AL}\p{bc=EN}\p{bc=AN}])?"
             r"|\p{bc=L}(?:[" + BIDI_LTR_CLASSES + r"]*[\p{bc=L}\p{bc=EN}])?)\p{bc=NSM}*\z")
BIDI_RTL = r"[\p{bc=R}\p{bc=AL}\p{bc=AN}]"
# idn_separator(): '.', U+3002, U+FF0E, U+FF61 in UTF-8
IDN_SEPARATORS = re.compile(rb"\.|\xe3\x80\x82|\xef\xbc\x8e|\xef\xbd\xa1")


def pcre2_matches(regex, b):
    """Whether PCRE2 (the runtime's rt_valid_pattern_search()) finds regex in the UTF-8 bytes b."""
    why, found = pcre2.run(regex, b.decode("utf-8", "surrogatepass"))
    if why:
        raise SpecError("the Bidi rule's expression does not compile: %s" % why)
    return found


def idn2():
    """libidn2, loaded once (the runtime's check of A-labels and U-labels)."""
    global _idn2
    if _idn2 is None:
        name = ctypes.util.find_library("idn2")
        if name is None:
            raise SpecError("libidn2 (the runtime's check of host names' A-labels and U-labels) is not installed")
        _idn2 = ctypes.CDLL(name)
        _idn2.idn2_register_u8.argtypes = (ctypes.c_char_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p),
                                           ctypes.c_int)
        _idn2.idn2_to_unicode_8z8z.argtypes = (ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p), ctypes.c_int)
        _idn2.idn2_free.argtypes = (ctypes.c_void_p,)
    return _idn2


def idn2_call(fn, *args):
    """(return code, the output string as bytes or None) of libidn2's fn(*args, &out, 0)."""
    out = ctypes.c_void_p()
    rc = fn(*args, ctypes.byref(out), 0)
    text = ctypes.string_at(out.value) if rc == 0 and out.value else None
    idn2().idn2_free(out)
    return rc, text


def ulabel_of(label):
    """An xn-- label's U-label (idn2_to_unicode_8z8z() on it lower-cased), or None."""
    rc, text = idn2_call(idn2().idn2_to_unicode_8z8z, label.lower())
    return text if rc == 0 else None


def idn_label_reason(label):
    """idn_label_reason(): (why not, A-label length, whether it is an RTL label)."""
    if all(c < 0x80 for c in label):
        why = ldh_label_reason(label)
        if why is None and label[2:4] == b"--" and label[:2].lower() != b"xn":
            why = ("a label with \"--\" in its third and fourth positions is an A-label (xn--) or reserved "
                   "(RFC 5890: an IDN domain name's ASCII labels are A-labels or NR-LDH labels)")
        rtl = False
        if why is None and label[:4].lower() == b"xn--":
            u = ulabel_of(label)
            rtl = u is not None and pcre2_matches(BIDI_RTL, u)
        return why, len(label), rtl
    if len(label) >= 256:
        return "a label is at most 63 characters long as an A-label", 0, False
    if b"\0" in label:
        return "a label is not a valid IDNA2008 U-label (it holds U+0000)", 0, False
    rc, alabel = idn2_call(idn2().idn2_register_u8, label, None)
    if rc != 0:
        return "a label is not a valid IDNA2008 U-label", 0, False
    return None, len(alabel), pcre2_matches(BIDI_RTL, label)


def idn_bidi_ok(labels):
    """idn_bidi_ok(): every label satisfies the Bidi rule (an xn-- label decoded)."""
    for label in labels:
        if label[:4].lower() == b"xn--":
            label = ulabel_of(label)
        if label is None or not pcre2_matches(BIDI_RULE, label):
            return False
    return True


def idn_hostname_reason(b):
    """rt_valid_format_idn_hostname_reason()."""
    if not b:
        return "a host name is not empty"
    labels, ascii_len, rtl = IDN_SEPARATORS.split(b), len(IDN_SEPARATORS.split(b)) - 1, False
    for label in labels:
        if not label:
            return "a label (between dots or ideographic full stops, no leading or trailing one) is not empty"
        why, n, is_rtl = idn_label_reason(label)
        if why:
            return why
        ascii_len, rtl = ascii_len + n, rtl or is_rtl
    if ascii_len > 253:
        return "a host name is at most 253 characters long (its labels as A-labels)"
    if rtl and not idn_bidi_ok(labels):
        return "a host name with a right-to-left label (RFC 5893) has a label that breaks the Bidi rule"
    return None


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
    "idn-hostname": idn_hostname_reason, "idn-email": lambda b: email_reason(b, idn=True),
    "duration": lambda b: None if DURATION.match(b) else "not an RFC 3339 duration",
    "regex": regex_reason,
}
CHECKS.update({name: (lambda b, fam=fam, kind=kind, msg=msg: None if ip_ok(fam, kind, b) else msg)
               for name, (fam, kind, msg) in IP_FORMATS.items()})


def uuid_version_reason(version, b):
    """pydantic's UUID1...UUID5 (uuid_version_check() in rt_valid_format.c): a uuid whose version digit is it."""
    return uuid_reason(b) or (None if b[14:15] == b"%d" % version else "UUID version %d expected" % version)


CHECKS.update({"uuid%d" % v: (lambda b, v=v: uuid_version_reason(v, b)) for v in (1, 3, 4, 5)})
# decimal and the integer formats on a string (rt_valid_format_number.c)
DECIMAL = re.compile(rb"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\Z")
CHECKS["decimal"] = lambda b: None if DECIMAL.match(b) else "not a decimal number"


def integer_text_reason(rng, b):
    """rt_valid_format_integer_text_reason(): -?(0|[1-9][0-9]*) within rng (no sign when unsigned)."""
    if not re.match(rb"-?(?:0|[1-9][0-9]*)\Z", b):
        return "unable to parse string as an integer"
    return None if rng[0] <= int(b) <= rng[1] and not (rng[0] == 0 and b.startswith(b"-")) else "out of range"


CHECKS.update({name: (lambda b, rng=rng: integer_text_reason(rng, b)) for name, rng in INTEGER_FORMATS.items()})
CHECKS["ip"] = CHECKS["ipvanyaddress"]  # ogen's ip (refusals.STRING_FORMATS: the same RT_VALID_FORMAT_IPVANYADDRESS)
# char: exactly one character (refusals.LENGTH_FORMATS: the runtime's minLength/maxLength 1, in code points)
CHECKS["char"] = lambda b: None if len(b.decode("utf-8", "surrogatepass")) == 1 else "not exactly one character"


def reason(fmt, value):
    """Why the runtime refuses the string value for format fmt (None: it accepts it, or fmt is not one of
    CHECKS, which the runtime does not check).  The runtime checks the UTF-8 bytes of the text."""
    check = CHECKS.get(fmt)
    return None if check is None else check(value.encode("utf-8", "surrogatepass"))
