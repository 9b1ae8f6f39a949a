"""Random ECMA-262 patterns and subjects for regex_node_diff.py, from a fixed seed (the same cases every run).

The hand-written corpus (regex_corpus.json) covers each construct; these combine them: classes with escapes and
ranges, groups of every kind, quantifiers (lazy too) on them, alternation, anchors, back-references, over an
alphabet with ASCII, Latin-1, astral and white-space characters, so that a rewrite that is right for a construct
alone and wrong beside another shows.  They leave out what the generator knowingly refuses (a lookbehind of
varying length, a back-reference into a repeated group); Node says which of them are valid ECMA-262.
"""

import random

CHARS = ["a", "b", "z", "A", "0", "7", "_", "-", ".", " ", "\u00e9", "\u00a0", "\u2028", "\U0001f600", "/", "{"]
ESCAPES = ["\\d", "\\D", "\\w", "\\W", "\\s", "\\S", "\\t", "\\n", "\\x41", "\\u00e9", "\\u{1F600}", "\\.", "\\*",
           "\\-", "\\/", "\\p{L}", "\\P{L}", "\\p{Nd}", "\\p{Script=Latin}", "\\cJ", "\\0", "\\(", "\\]"]
CLASS_MEMBERS = ["a-z", "0-9", "A-F", "\\d", "\\w", "\\s", "\\S", "\\D", "_", "-", "\u00e9", "\\u00e9-\\u00ff",
                 "\\b", ".", "^", "\\]", "\\p{Lu}", "\\u{1F600}", " ", "/"]
QUANTIFIERS = ["*", "+", "?", "{2}", "{1,}", "{0,2}", "{1,3}"]
SUBJECT_ALPHABET = ["a", "b", "z", "A", "0", "7", "_", "-", ".", " ", "\u00e9", "\u00a0", "\u2028", "\n",
                    "\U0001f600", "\t", "/", "(", "]", "\u09ea"]


class Generator:
    def __init__(self, rng):
        self.rng = rng
        self.groups = 0          # capturing groups so far
        self.plain_groups = []   # numbers of groups outside any quantifier (back-reference targets)

    def pattern(self):
        out = ["^" if self.rng.random() < 0.4 else ""]
        out.append(self.alternation(depth=0, repeated=False))
        out.append("$" if self.rng.random() < 0.4 else "")
        return "".join(out)

    def alternation(self, depth, repeated):
        branches = [self.sequence(depth, repeated) for _ in range(1 if self.rng.random() < 0.75 else 2)]
        return "|".join(branches)

    def sequence(self, depth, repeated):
        return "".join(self.term(depth, repeated) for _ in range(self.rng.randint(1, 4)))

    def term(self, depth, repeated):
        quantified = self.rng.random() < 0.35
        atom = self.atom(depth, repeated or quantified)
        if atom is None:
            return ""
        if quantified and not atom.startswith(("(?=", "(?!", "(?<=", "(?<!", "\\b", "\\B")):
            q = self.rng.choice(QUANTIFIERS)
            return atom + q + ("?" if self.rng.random() < 0.3 else "")
        return atom

    def atom(self, depth, repeated):
        roll = self.rng.random()
        if roll < 0.3:
            return self.rng.choice(CHARS)
        if roll < 0.5:
            return self.rng.choice(ESCAPES)
        if roll < 0.65:
            return self.char_class()
        if roll < 0.7:
            return "."
        if roll < 0.75 and self.plain_groups and not repeated:
            return "\\%d" % self.rng.choice(self.plain_groups)
        if roll < 0.8:
            return self.rng.choice(["\\b", "\\B"])
        if depth >= 2:
            return self.rng.choice(CHARS)
        return self.group(depth, repeated)

    def char_class(self):
        members = "".join(self.rng.choice(CLASS_MEMBERS) for _ in range(self.rng.randint(0, 3)))
        return "[" + ("^" if self.rng.random() < 0.3 else "") + members + "]"

    def group(self, depth, repeated):
        kind = self.rng.choice(["(", "(?:", "(?<n%d>", "(?=", "(?!", "(?<=", "(?<!"])
        if kind.startswith("(?<") and kind[3] in "=!":
            # a lookbehind of one fixed length: single characters or escapes, no quantifier
            inner = "".join(self.rng.choice(CHARS + ["\\d", "\\w", "\\s", "."]) for _ in range(self.rng.randint(1, 3)))
            return kind + inner + ")"
        number = None
        if kind in ("(", "(?<n%d>"):
            self.groups += 1
            number = self.groups
            if kind == "(?<n%d>":
                kind = kind % number
        inner = self.alternation(depth + 1, repeated)
        if number is not None and not repeated:
            self.plain_groups.append(number)
        return kind + inner + ")"


def subjects(rng, pattern_text, n=14):
    """Random strings over SUBJECT_ALPHABET, plus a few built from the pattern's own literal characters.

    A pattern with \\B gets no character beyond U+FFFF: Node (V8) tries \\B between the two halves of a
    surrogate pair even with the u flag (/\\B/u.exec("z\U0001f6007").index is 2), where ECMA-262 matches at
    code points only (RegExpBuiltinExec reads the input as StringToCodePoints); PCRE2 follows the standard."""
    alphabet = [c for c in SUBJECT_ALPHABET if "\\B" not in pattern_text or ord(c) <= 0xFFFF]
    out = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6))) for _ in range(n)]
    own = [c for c in pattern_text if c not in "\\^$[](){}|*+?"] or ["a"]
    out += ["".join(rng.choice(own) for _ in range(rng.randint(1, 5))) for _ in range(4)]
    return out


def random_cases(seed, n):
    """n cases {"p", "s", "note"} for regex_node_diff.py's judge(), the same for the same seed."""
    rng, cases, seen = random.Random(seed), [], set()
    while len(cases) < n:
        p = Generator(rng).pattern()
        if p in seen:
            continue
        seen.add(p)
        cases.append({"p": p, "s": subjects(rng, p), "note": "random (seed %d)" % seed})
    return cases
