"""A schema's pattern as the PCRE2 expression the runtime compiles (runtime/valid/rt_valid_pattern.c).

JSON Schema 2020-12 says a pattern is an ECMA-262 regular expression with the `u` flag (code points, strict
escapes, Unicode property escapes).  pcre2_regex() reads one with ECMA-262's grammar and writes the PCRE2
expression that means the same under the runtime's options (UTF, `$` only at the very end, an unset
back-reference matches empty):
- `.` is every code point but the four line terminators (PCRE2's dot stops at \\n only);
- `\\s`/`\\S` are ECMA-262's 25 white-space characters (PCRE2's are ASCII or Unicode's White_Space, neither
  the same); `\\d`, `\\w` and their complements are spelled out as the ASCII ranges they are in ECMA-262, and
  `\\b` stays (ASCII in PCRE2 without UCP);
- every escaped character becomes \\x{...} (PCRE2's \\v is a class, its \\xH takes one digit, its \\u is no escape);
- \\p{...} names are ECMA-262's (regex_props.py), given to PCRE2 in its own spelling;
- a back-reference is \\g{N} (PCRE2 reads \\10 as octal when there are fewer than ten groups).
What ECMA-262 refuses is refused, with the reason; so is what PCRE2 would read otherwise: a back-reference to a
group inside a repeated group (ECMA-262 forgets that group's text at each repetition, PCRE2 keeps it), and a
quantified assertion.  Annex B's literal `{`, `}`, `]` and `\\-`-style escapes of punctuation (which browsers
accept without the `u` flag) are taken as the literal characters they stand for, unless the pattern also uses
what only the `u` flag allows (\\p{...}, \\u{...}, a character beyond U+FFFF): no reading has both.

compile_error() and search() run the result through PCRE2 itself (pcre2.py), as the runtime will.
"""

from . import pcre2
from .refusals import SpecError
from .regex_props import pcre2_property

LINE_TERMINATORS = "\\x{a}\\x{d}\\x{2028}\\x{2029}"
DOT = "[^" + LINE_TERMINATORS + "]"
# ECMA-262's WhiteSpace and LineTerminator: TAB LF VT FF CR, SPACE, NBSP, Zs, LS PS, ZWNBSP.
WHITESPACE = "\\x{9}-\\x{d}\\x{20}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}\\x{feff}"
ANY = "\\x{0}-\\x{10ffff}"
# ECMA-262's \d and \w (ASCII), and their complements, as class members.  Spelled out rather than left to PCRE2's
# \d \w \D \W: PCRE2 10.42 mismatches characters above U+00FF in a negated class holding both \D (or \W) and a
# \p{...} ([^\p{Lu}\D] took U+09EA), which codegen.regex_node's random patterns found.
CLASS_ESCAPES = {"d": "0-9", "w": "0-9A-Z_a-z", "D": "\\x{0}-\\x{2f}\\x{3a}-\\x{10ffff}",
                 "W": "\\x{0}-\\x{2f}\\x{3a}-\\x{40}\\x{5b}-\\x{5e}\\x{60}\\x{7b}-\\x{10ffff}"}
SYNTAX = "^$\\.*+?()[]{}|/"
CONTROL = {"f": 0xC, "n": 0xA, "r": 0xD, "t": 0x9, "v": 0xB}
DIGITS = "0123456789"
HEX = DIGITS + "abcdefABCDEF"
NAME_START = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_"
NAME_CHARS = NAME_START + "0123456789"


def char(cp):
    """One code point as PCRE2 text that means that character alone, anywhere (also inside a class)."""
    c = chr(cp)
    return c if c.isascii() and c.isalnum() else "\\x{%x}" % cp


class Translator:
    """One pattern's reading: pcre2() is the whole expression; fail() refuses it."""

    def __init__(self, pattern):
        self.p, self.i = pattern, 0
        self.groups = 0            # capturing groups opened so far (numbered by their '(' as in both dialects)
        self.names = {}            # group name -> number
        self.backrefs = []         # (how it was written, group number or name)
        self.repeated = set()      # numbers of groups inside a group repeated more than once
        self.annex_b = []          # what only Annex B (no u flag) allows and was read leniently: `\-`, a lone `{`
        self.u_only = []           # what only the u flag allows: \p{...}, \u{...}, a character beyond U+FFFF

    def fail(self, why):
        raise SpecError("pattern %r: %s" % (self.p, why))

    def peek(self, k=0):
        return self.p[self.i + k] if self.i + k < len(self.p) else ""

    def pcre2(self):
        out = self.disjunction()
        if self.i < len(self.p):
            self.fail("unmatched ')' at offset %d" % self.i)
        if self.annex_b and self.u_only:
            # Without the u flag \p{L} is "p{L}" and U+1F600 two code units; with it, a lone { is an error.
            # There is no reading of both at once.
            self.fail("%s is ECMA-262 only with the u flag, and %s only without it: write the pattern as the u "
                      "flag (JSON Schema's reading) takes it (escape a literal { } ] as \\{ \\} \\], and leave "
                      "other punctuation unescaped)" % (self.u_only[0], self.annex_b[0]))
        for written, target in self.backrefs:
            number = self.names.get(target) if isinstance(target, str) else target
            if number is None or number > self.groups:
                self.fail("%s refers to a group the pattern does not have" % written)
            if number in self.repeated:
                self.fail("%s refers to a group inside a repeated group: ECMA-262 forgets that group's text at "
                          "each repetition and PCRE2 keeps it, so they would match differently" % written)
        return out

    def disjunction(self):
        parts = [self.alternative()]
        while self.peek() == "|":
            self.i += 1
            parts.append(self.alternative())
        return "|".join(parts)

    def alternative(self):
        out = []
        while self.i < len(self.p) and self.peek() not in "|)":
            out.append(self.term())
        return "".join(out)

    def term(self):
        start, first_group = self.i, self.groups
        text, quantifiable = self.atom()
        quantifier = self.quantifier()
        if quantifier is None:
            return text
        written, most = quantifier
        if not quantifiable:
            self.fail("%r cannot be repeated (ECMA-262: nothing to repeat)" % self.p[start:self.i])
        if most is None or most > 1:
            self.repeated.update(range(first_group + 1, self.groups + 1))
        return text + written

    def braced(self):
        """The braced quantifier at i: (text, lowest, highest or None, index after it), or None."""
        j, p = self.i + 1, self.p
        k = j
        while k < len(p) and p[k] in DIGITS:
            k += 1
        if k == j:
            return None
        low, high = int(p[j:k]), None
        if p[k:k + 1] == "}":
            return p[self.i:k + 1], low, low, k + 1
        if p[k:k + 1] != ",":
            return None
        m = k + 1
        while m < len(p) and p[m] in DIGITS:
            m += 1
        if p[m:m + 1] != "}":
            return None
        if m > k + 1:
            high = int(p[k + 1:m])
            if high < low:
                self.fail("numbers out of order in the quantifier %r" % p[self.i:m + 1])
        return p[self.i:m + 1], low, high, m + 1

    def quantifier(self):
        c = self.peek()
        if c in ("*", "+"):
            written, most, self.i = c, None, self.i + 1
        elif c == "?":
            written, most, self.i = c, 1, self.i + 1
        elif c == "{" and self.braced() is not None:
            written, _, most, self.i = self.braced()
        else:
            return None
        if self.peek() == "?":
            written, self.i = written + "?", self.i + 1
        if self.peek() in ("*", "+", "?") or (self.peek() == "{" and self.braced() is not None):
            self.fail("a quantifier after %r (ECMA-262: nothing to repeat; PCRE2 would read a possessive "
                      "quantifier)" % written)
        return written, most

    def atom(self):
        """(PCRE2 text, whether a quantifier may follow) of the atom or assertion at i."""
        c = self.peek()
        if c in ("^", "$"):
            self.i += 1
            return c, False
        if c == ".":
            self.i += 1
            return DOT, True
        if c == "(":
            return self.group()
        if c == "[":
            return self.char_class(), True
        if c == "\\":
            return self.atom_escape()
        if c in ("*", "+", "?") or (c == "{" and self.braced() is not None):
            self.fail("%r at offset %d has nothing to repeat" % (c, self.i))
        if c in "{}]":
            self.annex_b.append("a lone %r" % c)
        self.i += 1
        return self.literal(c), True

    def literal(self, c):
        if 0xD800 <= ord(c) <= 0xDFFF:
            self.fail("a lone UTF-16 surrogate cannot be matched in UTF-8 text")
        if ord(c) > 0xFFFF:
            self.u_only.append("%r (beyond U+FFFF)" % c)
        return char(ord(c))

    def group(self):
        p, i = self.p, self.i
        quantifiable = True
        if p.startswith("(?:", i):
            head, self.i = "(?:", i + 3
        elif p.startswith(("(?=", "(?!"), i):
            head, self.i, quantifiable = p[i:i + 3], i + 3, False
        elif p.startswith(("(?<=", "(?<!"), i):
            head, self.i, quantifiable = p[i:i + 4], i + 4, False
        elif p.startswith("(?<", i):
            end = p.find(">", i + 3)
            name = p[i + 3:end] if end > 0 else ""
            if not name or name[0] not in NAME_START or any(ch not in NAME_CHARS for ch in name) or len(name) > 32:
                self.fail("group name %r: the runtime's engine (PCRE2) takes ASCII letters, digits and _, at most "
                          "32, not starting with a digit" % (p[i + 3:end] if end > 0 else p[i + 3:]))
            if name in self.names:
                self.fail("the group name %r is used twice" % name)
            self.groups += 1
            self.names[name] = self.groups
            head, self.i = "(?<%s>" % name, end + 1
        elif p.startswith("(?", i):
            self.fail("%r is not ECMA-262 syntax (groups are (...), (?:...), (?<name>...) and the lookarounds "
                      "(?=...) (?!...) (?<=...) (?<!...))" % p[i:i + 3])
        else:
            self.groups += 1
            head, self.i = "(", i + 1
        inner = self.disjunction()
        if self.peek() != ")":
            self.fail("the group at offset %d is not closed with ')'" % i)
        self.i += 1
        return head + inner + ")", quantifiable

    def atom_escape(self):
        self.i += 1
        c = self.peek()
        if c in ("b", "B"):
            self.i += 1
            return "\\" + c, False
        if c and c in DIGITS[1:]:
            j = self.i
            while self.peek() and self.peek() in DIGITS:
                self.i += 1
            self.backrefs.append(("\\" + self.p[j:self.i], int(self.p[j:self.i])))
            return "\\g{%d}" % int(self.p[j:self.i]), True
        if c == "k":
            end = self.p.find(">", self.i)
            if self.peek(1) != "<" or end < 0:
                self.fail("\\k must be followed by <name> (a named back-reference)")
            name, self.i = self.p[self.i + 2:end], end + 1
            self.backrefs.append(("\\k<%s>" % name, name))
            return "\\k<%s>" % name, True
        if c in ("d", "D", "w", "W"):
            self.i += 1
            return "[%s]" % CLASS_ESCAPES[c], True
        if c in ("s", "S"):
            self.i += 1
            return ("[%s]" if c == "s" else "[^%s]") % WHITESPACE, True
        if c in ("p", "P"):
            return self.property(), True
        return char(self.char_escape()), True

    def property(self):
        """\\p{...} or \\P{...} at i (on the letter) as PCRE2 text."""
        negated, end = self.peek() == "P", self.p.find("}", self.i)
        if self.peek(1) != "{" or end < 0:
            self.fail("\\%s must be followed by {property}" % self.peek())
        body, self.i = self.p[self.i + 2:end], end + 1
        self.u_only.append("\\%s{%s}" % ("P" if negated else "p", body))
        text = pcre2_property(body, negated)
        if text is None:
            self.fail("\\%s{%s} is not a Unicode property ECMA-262 knows (a General_Category value such as L or "
                      "Letter, Script=..., or a binary property such as Alphabetic)" % ("P" if negated else "p", body))
        return text

    def char_escape(self):
        """The code point of the character escape at i (after the backslash)."""
        c = self.peek()
        if c == "":
            self.fail("a trailing backslash escapes nothing")
        if c in CONTROL:
            self.i += 1
            return CONTROL[c]
        if c == "c":
            letter = self.peek(1)
            if not (letter.isascii() and letter.isalpha()):
                self.fail("\\c must be followed by a letter (a control character)")
            self.i += 2
            return ord(letter) % 32
        if c == "0":
            if self.peek(1) and self.peek(1) in DIGITS:
                self.fail("\\0 followed by a digit (an octal escape) is not allowed with the u flag")
            self.i += 1
            return 0
        if c == "x":
            digits = self.p[self.i + 1:self.i + 3]
            if len(digits) != 2 or any(d not in HEX for d in digits):
                self.fail("\\x must be followed by two hexadecimal digits")
            self.i += 3
            return int(digits, 16)
        if c == "u":
            return self.unicode_escape()
        if c in SYNTAX or (c.isascii() and c.isprintable() and not c.isalnum()):
            if c not in SYNTAX:
                self.annex_b.append("\\" + c)
            self.i += 1
            return ord(c)
        self.fail("\\%s is not an ECMA-262 escape" % c)

    def unicode_escape(self):
        """\\uHHHH (a surrogate pair of two such escapes is one code point) or \\u{H...} at i (on the u)."""
        p, i = self.p, self.i
        if p[i + 1:i + 2] == "{":
            end = p.find("}", i)
            digits = p[i + 2:end] if end > 0 else ""
            if not digits or any(d not in HEX for d in digits) or int(digits, 16) > 0x10FFFF:
                self.fail("\\u{...} must hold a code point in hexadecimal, at most 10FFFF")
            cp, self.i = int(digits, 16), end + 1
            self.u_only.append("\\u{%s}" % digits)
        else:
            digits = p[i + 1:i + 5]
            if len(digits) != 4 or any(d not in HEX for d in digits):
                self.fail("\\u must be followed by four hexadecimal digits or {code point}")
            cp, self.i = int(digits, 16), i + 5
            low = p[self.i + 2:self.i + 6]
            if 0xD800 <= cp <= 0xDBFF and p.startswith("\\u", self.i) and len(low) == 4 and all(
                    d in HEX for d in low) and 0xDC00 <= int(low, 16) <= 0xDFFF:
                cp, self.i = 0x10000 + ((cp - 0xD800) << 10) + (int(low, 16) - 0xDC00), self.i + 6
        if 0xD800 <= cp <= 0xDFFF:
            self.fail("a lone UTF-16 surrogate cannot be matched in UTF-8 text")
        if cp > 0xFFFF:
            self.u_only.append("an escape of U+%X (beyond U+FFFF)" % cp)
        return cp

    def char_class(self):
        """The class [...] at i as PCRE2 text."""
        start = self.i
        self.i += 1
        negated = self.peek() == "^"
        if negated:
            self.i += 1
        items, nonspace = [], False
        while self.peek() != "]":
            if self.i >= len(self.p):
                self.fail("the character class at offset %d is not closed with ']'" % start)
            kind, value = self.class_atom()
            if kind != "char" and self.peek() == "-" and self.peek(1) not in ("]", ""):
                # Annex B: [\d-z] is \d, '-' and 'z' (no range, and z starts none either); the u flag refuses it
                self.annex_b.append("a class escape before '-' in a class")
                if kind == "nonspace":
                    nonspace = True
                else:
                    items.append(value)
                self.i += 1
                items.append(char(ord("-")))
                kind, value = self.class_atom()
                if kind == "char":
                    items.append(char(value))
                    continue
            if kind == "nonspace":
                nonspace = True
            elif kind == "char" and self.peek() == "-" and self.peek(1) not in ("]", ""):
                self.i += 1
                kind2, high = self.class_atom()
                if kind2 != "char":
                    self.fail("a range in a character class needs single characters at both ends")
                if high < value:
                    self.fail("the range %s-%s in a character class is out of order" % (chr(value), chr(high)))
                items.append(char(value) + "-" + char(high))
            else:
                items.append(char(value) if kind == "char" else value)
        self.i += 1
        return class_text(negated, "".join(items), nonspace)

    def class_atom(self):
        """("char", code point), ("set", PCRE2 text) or ("nonspace", None) for the class member at i."""
        c = self.peek()
        if c != "\\":
            self.i += 1
            self.literal(c)
            return "char", ord(c)
        self.i += 1
        c = self.peek()
        if c in ("b", "-"):
            self.i += 1
            return "char", 8 if c == "b" else ord("-")
        if c in ("d", "D", "w", "W"):
            self.i += 1
            return "set", CLASS_ESCAPES[c]
        if c == "s":
            self.i += 1
            return "set", WHITESPACE
        if c == "S":
            self.i += 1
            return "nonspace", None
        if c in ("p", "P"):
            return "set", self.property()
        if c and c in DIGITS[1:]:
            self.fail("\\%s in a character class (a back-reference there is not allowed with the u flag)" % c)
        return "char", self.char_escape()


def class_text(negated, items, nonspace):
    """A class of items (PCRE2 class members), negated, plus ECMA-262's \\S when nonspace: PCRE2 has no member
    for ECMA-262's non-white-space, so a class holding \\S is its complement class joined to the rest."""
    if not nonspace:
        if not items:  # ECMA-262's [] matches nothing, [^] any character; PCRE2 reads neither
            return "[%s%s]" % ("" if negated else "^", ANY)
        return "[%s%s]" % ("^" if negated else "", items)
    if not negated:
        return "(?:[%s]|[^%s])" % (items, WHITESPACE) if items else "[^%s]" % WHITESPACE
    return "(?:(?![%s])[%s])" % (items, WHITESPACE) if items else "[%s]" % WHITESPACE


def pcre2_regex(pattern):
    """The PCRE2 expression for an ECMA-262 pattern; SpecError says why one is refused."""
    if not isinstance(pattern, str):
        raise SpecError("a pattern must be a string, not %r" % (pattern,))
    return Translator(pattern).pcre2()


def compile_error(pattern):
    """None if pattern translates and compiles as the runtime will compile it, else why not."""
    try:
        regex = pcre2_regex(pattern)
    except SpecError as e:
        return str(e)
    err, _ = pcre2.run(regex)
    return None if err is None else "pattern %r does not compile for the runtime's engine (PCRE2): %s" % (pattern, err)


def search(pattern, text):
    """Whether the runtime's compiled pattern matches text somewhere (as rt_valid_pattern_search does)."""
    return pcre2.run(pcre2_regex(pattern), text)[1]
