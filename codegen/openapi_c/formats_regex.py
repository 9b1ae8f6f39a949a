"""JSON Schema's format regex as runtime/valid/rt_valid_format_regex.c checks it, in Python: one function per function
there (rx_char -> char, rx_class -> char_class...; the C file's rx_names_* buffer helpers are Python lists here).

Whether a value is an ECMA-262 regular expression read with the u flag, syntax and early errors only.  Not regex.py's
Translator: that one reads a pattern the runtime will run, so it takes Annex B's lone { } ] and \\- (which the u flag
refuses), limits group names to what PCRE2 takes, and refuses valid expressions PCRE2 would run differently
(a back-reference into a repeated group): for a format regex value, only ECMA-262's verdict counts.
"""

from . import pcre2
from .regex_props import BINARY, GENERAL_CATEGORY, SCRIPT_NAMES

MAX_DEPTH = 200  # RX_MAX_DEPTH
SYNTAX = b"^$\\.*+?()[]{}|/"
CONTROL = {ord("f"): 0xC, ord("n"): 0xA, ord("r"): 0xD, ord("t"): 0x9, ord("v"): 0xB}
HEX = b"0123456789abcdefABCDEF"
DIGITS = b"0123456789"
ID_START = "\\A[\\p{ID_Start}$_]\\z"
ID_PART = "\\A[\\p{ID_Continue}$\\x{200c}\\x{200d}]\\z"


class Fail(Exception):
    """The first error (rx_fail()): why, and the byte offset."""


class Rx:
    """struct rx: the text, where the parser is, and what the early errors need."""

    def __init__(self, b):
        self.s, self.i = b, 0
        self.groups, self.depth = 0, 0
        self.max_ref, self.max_ref_at = 0, 0
        self.defs, self.refs = [], []  # (decoded name, where it was written)

    def at(self, k, c):
        return self.s[self.i + k:self.i + k + 1] == c

    def byte(self, k=0):
        """The byte at i + k, or -1 past the end."""
        return self.s[self.i + k] if self.i + k < len(self.s) else -1


def fail(at, why):
    raise Fail(why, at)


def hexval(c):
    return int(chr(c), 16) if c >= 0 and bytes([c]) in HEX else -1


def char(r):
    """rx_char(): the code point at i (UTF-8, an encoded surrogate taken as itself), advancing i."""
    p, left = r.s[r.i:r.i + 4], len(r.s) - r.i
    if p[0] < 0x80:
        r.i += 1
        return p[0]
    n = 4 if 0xF0 <= p[0] <= 0xF4 else 3 if p[0] >= 0xE0 and p[0] < 0xF0 else 2 if 0xC2 <= p[0] < 0xE0 else 0
    if n == 0 or n > left:
        fail(r.i, "the text is not valid UTF-8")
    cp = p[0] & (0x7F >> n)
    for k in range(1, n):
        if p[k] & 0xC0 != 0x80:
            fail(r.i, "the text is not valid UTF-8")
        cp = cp << 6 | (p[k] & 0x3F)
    if (n == 3 and cp < 0x800) or (n == 4 and not 0x10000 <= cp <= 0x10FFFF):
        fail(r.i, "the text is not valid UTF-8")
    r.i += n
    return cp


def ident_char(cp, start):
    """rx_ident_char(): ID_Start/$/_ (start) or ID_Continue/$/ZWNJ/ZWJ, as PCRE2's tables have them."""
    if 0xD800 <= cp <= 0xDFFF:
        return False
    return pcre2.run(ID_START if start else ID_PART, chr(cp))[1] is True


def unicode_escape(r):
    """rx_unicode_escape(): \\uXXXX (a lead and trail surrogate escaped in a row are one) or \\u{X...} at i (on u)."""
    at, s = r.i - 1, r.s
    if r.at(1, b"{"):
        k, v = r.i + 2, 0
        while k < len(s) and hexval(s[k]) >= 0:
            v = v if v > 0x10FFFF else v * 16 + hexval(s[k])
            k += 1
        if k == r.i + 2 or k >= len(s) or s[k] != ord("}") or v > 0x10FFFF:
            fail(at, "\\u{...} holds a code point in hexadecimal, at most 10FFFF")
        r.i = k + 1
        return v
    digits = s[r.i + 1:r.i + 5]
    if len(digits) != 4 or any(hexval(d) < 0 for d in digits):
        fail(at, "\\u is followed by four hexadecimal digits or {code point}")
    v = int(digits, 16)
    r.i += 5
    low = s[r.i + 2:r.i + 6]
    if 0xD800 <= v <= 0xDBFF and s[r.i:r.i + 2] == b"\\u" and len(low) == 4 and all(hexval(d) >= 0 for d in low) \
            and 0xDC00 <= int(low, 16) <= 0xDFFF:
        v, r.i = 0x10000 + ((v - 0xD800) << 10) + (int(low, 16) - 0xDC00), r.i + 6
    return v


def group_name(r, names):
    """rx_group_name(): a group name <...> at i (on the '<') into names."""
    at, name = r.i, ""
    r.i += 1
    while r.i < len(r.s) and r.s[r.i] != ord(">"):
        if r.s[r.i] == ord("\\"):
            if not r.at(1, b"u"):
                fail(r.i, "a group name holds identifier characters or \\u escapes of them")
            r.i += 1
            cp = unicode_escape(r)
        else:
            cp = char(r)
        if not ident_char(cp, name == ""):
            fail(at, "a group name is an identifier (a letter, $ or _, then letters, digits, $ or _)")
        name += chr(cp)
    if r.i >= len(r.s) or name == "":
        fail(at, "a group name is a non-empty identifier between < and >")
    r.i += 1
    names.append((name, at))


def char_escape(r, in_class):
    """rx_char_escape(): a CharacterEscape at i (after the backslash); in a class, \\- too."""
    at, c = r.i - 1, r.byte()
    if c < 0:
        fail(at, "a backslash at the end escapes nothing")
    if c in CONTROL:
        r.i += 1
        return CONTROL[c]
    if c == ord("c"):
        letter = r.byte(1)
        if not (ord("a") <= letter <= ord("z") or ord("A") <= letter <= ord("Z")):
            fail(at, "\\c is followed by an ASCII letter")
        r.i += 2
        return letter % 32
    if c == ord("0"):
        if r.byte(1) >= 0 and r.byte(1) in DIGITS:
            fail(at, "\\0 followed by a digit (an octal escape) is not allowed with the u flag")
        r.i += 1
        return 0
    if c == ord("x"):
        if hexval(r.byte(1)) < 0 or hexval(r.byte(2)) < 0:
            fail(at, "\\x is followed by two hexadecimal digits")
        r.i += 3
        return hexval(r.s[r.i - 2]) * 16 + hexval(r.s[r.i - 1])
    if c == ord("u"):
        return unicode_escape(r)
    if (c > 0 and c in SYNTAX) or (in_class and c == ord("-")):
        r.i += 1
        return c
    fail(at, "not an escape of ECMA-262 with the u flag (only syntax characters and / are escaped)")


def regex_property(body):
    """rt_valid_format_regex_property() (rt_valid_format_regex_props.c): whether \\p{body} is ECMA-262's."""
    if "=" not in body:
        return body in GENERAL_CATEGORY or body in BINARY
    key, _, value = body.partition("=")
    if key in ("General_Category", "gc"):
        return value in GENERAL_CATEGORY
    if key in ("Script", "sc", "Script_Extensions", "scx"):
        return value in SCRIPT_NAMES
    return False


def prop(r):
    """rx_property(): \\p{...} or \\P{...} at i (on the letter)."""
    at = r.i - 1
    if not r.at(1, b"{"):
        fail(at, "\\p and \\P are followed by {property}")
    k = r.s.find(b"}", r.i + 2)
    if k < 0 or not regex_property(r.s[r.i + 2:k].decode("utf-8", "replace")):
        fail(at, "not a Unicode property of ECMA-262 (a General_Category value, Script=..., Script_Extensions=... "
                 "or a binary property, spelled as ECMA-262 lists it)")
    r.i = k + 1


def class_atom(r):
    """rx_class_atom(): a class member at i: (code point or None, whether a class escape)."""
    if r.i >= len(r.s):
        fail(r.i, "a character class is not closed with ']'")
    if r.s[r.i] != ord("\\"):
        return char(r), False
    r.i += 1
    c = r.byte()
    if c == ord("b"):
        r.i += 1
        return 8, False
    if c > 0 and c in b"dDsSwW":
        r.i += 1
        return None, True
    if c in (ord("p"), ord("P")):
        prop(r)
        return None, True
    return char_escape(r, True), False


def char_class(r):
    """rx_class(): a class [...] at i."""
    r.i += 1
    if r.at(0, b"^"):
        r.i += 1
    while not r.at(0, b"]"):
        at = r.i
        low, low_set = class_atom(r)
        if not r.at(0, b"-") or r.i + 1 >= len(r.s) or r.s[r.i + 1] == ord("]"):
            continue
        r.i += 1
        high, high_set = class_atom(r)
        if low_set or high_set:
            fail(at, "a class escape (\\d, \\p{...}...) cannot end a range in a class")
        if low > high:
            fail(at, "a range in a class is out of order")
    r.i += 1


def atom_escape(r):
    """rx_atom_escape(): an AtomEscape at i (on the backslash)."""
    at, c = r.i, r.byte(1)
    r.i += 1
    if ord("1") <= c <= ord("9"):
        n = 0
        while r.i < len(r.s) and r.s[r.i] in DIGITS:
            n = n if n > 0xFFFFFFFF else n * 10 + r.s[r.i] - ord("0")
            r.i += 1
        if n > r.max_ref:
            r.max_ref, r.max_ref_at = n, at
        return
    if c == ord("k"):
        if not r.at(1, b"<"):
            fail(at, "\\k is followed by <group name>")
        r.i += 1
        group_name(r, r.refs)
        return
    if c > 0 and c in b"dDsSwW":
        r.i += 1
        return
    if c in (ord("p"), ord("P")):
        prop(r)
        return
    char_escape(r, False)


def group(r):
    """rx_group(): a group at i (on the '('). @return whether a quantifier may follow."""
    at, quantifiable = r.i, True
    r.depth += 1
    if r.depth > MAX_DEPTH:
        fail(at, "groups are nested too deeply (the checker takes 200 levels)")
    r.i += 1
    if r.at(0, b"?"):
        if r.at(1, b":"):
            r.i += 2
        elif r.at(1, b"=") or r.at(1, b"!"):
            r.i, quantifiable = r.i + 2, False
        elif r.at(1, b"<") and (r.at(2, b"=") or r.at(2, b"!")):
            r.i, quantifiable = r.i + 3, False
        elif r.at(1, b"<"):
            r.i += 1
            group_name(r, r.defs)
            r.groups += 1
        else:
            fail(at, "not a group of ECMA-262: (...), (?:...), (?<name>...), (?=...), (?!...), (?<=...) or (?<!...)")
    else:
        r.groups += 1
    disjunction(r)
    if not r.at(0, b")"):
        fail(at, "a group is not closed with ')'")
    r.i += 1
    r.depth -= 1
    return quantifiable


def cmp_decimal(a, b):
    """rx_cmp_decimal(): compare two runs of decimal digits exactly."""
    a, b = int(a), int(b)
    return (a > b) - (a < b)


def digits(r, k):
    """rx_digits(): the length of the digits at byte k."""
    n = 0
    while k + n < len(r.s) and r.s[k + n] in DIGITS:
        n += 1
    return n


def braced(r):
    """rx_braced(): the length of the {n}, {n,} or {n,m} quantifier at i (0: none); a range out of order fails."""
    low = digits(r, r.i + 1)
    k = r.i + 1 + low
    if low == 0 or k >= len(r.s):
        return 0
    if r.s[k] == ord("}"):
        return k + 1 - r.i
    if r.s[k] != ord(","):
        return 0
    high = digits(r, k + 1)
    if k + 1 + high >= len(r.s) or r.s[k + 1 + high] != ord("}"):
        return 0
    if high > 0 and cmp_decimal(r.s[r.i + 1:r.i + 1 + low], r.s[k + 1:k + 1 + high]) > 0:
        fail(r.i, "numbers out of order in a {n,m} quantifier")
    return k + 2 + high - r.i


def quantifier(r, quantifiable):
    """rx_quantifier(): the quantifier at i, if any."""
    at, c, n = r.i, r.byte(), 1
    if c == ord("{"):
        n = braced(r)
        if n == 0:
            fail(at, "a lone '{' (write \\{), or an incomplete {n,m} quantifier")
    if c not in (ord("*"), ord("+"), ord("?"), ord("{")):
        return
    if not quantifiable:
        fail(at, "nothing to repeat (an assertion takes no quantifier)")
    r.i += n
    if r.at(0, b"?"):
        r.i += 1


def term(r):
    """rx_term(): an assertion, or an atom and its quantifier, at i."""
    at, c, quantifiable = r.i, r.s[r.i], True
    if c in b"^$":
        r.i, quantifiable = r.i + 1, False
    elif c == ord("\\") and (r.at(1, b"b") or r.at(1, b"B")):
        r.i, quantifiable = r.i + 2, False
    elif c == ord("("):
        quantifiable = group(r)
    elif c == ord("["):
        char_class(r)
    elif c == ord("\\"):
        atom_escape(r)
    elif c in b"*+?{":
        fail(at, "nothing to repeat")
    elif c in b"}]":
        fail(at, "a lone '}' or ']' (write \\} or \\])")
    else:
        char(r)
    quantifier(r, quantifiable)


def disjunction(r):
    """rx_disjunction(): alternatives separated by '|', up to a ')' or the end."""
    while True:
        while r.i < len(r.s) and r.s[r.i] not in b"|)":
            term(r)
        if not r.at(0, b"|"):
            return
        r.i += 1


def check_names(r):
    """rx_check_names(): a name defined twice, \\k<name> of no group."""
    defs = sorted(r.defs)
    for (a, _), (b, where) in zip(defs, defs[1:]):
        if a == b:
            fail(where, "a group name is used twice")
    names = set(name for name, _ in defs)
    for name, where in r.refs:
        if name not in names:
            fail(where, "\\k<name> names no group of the expression")


def regex_reason(b):
    """rt_valid_format_regex_reason(): None if the UTF-8 bytes b are a valid expression, else why (and where, in
    characters)."""
    r = Rx(b)
    try:
        disjunction(r)
        if r.i < len(b):
            fail(r.i, "unmatched ')'")
        if r.max_ref > r.groups:
            fail(r.max_ref_at, "a back-reference \\N refers to a group the expression does not have")
        check_names(r)
    except Fail as e:
        why, at = e.args
        return "%s (at offset %d)" % (why, sum(1 for c in b[:at] if c & 0xC0 != 0x80))
    return None
