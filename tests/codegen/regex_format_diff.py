#!/usr/bin/python3
"""format regex is ECMA-262's verdict, judged by Node's RegExp (ctest codegen.regex_format).

JSON Schema 2020-12's format "regex" is "a valid regular expression according to ECMA-262"; the runtime reads it
as it reads `pattern`, with the u flag (runtime/valid/rt_valid_format_regex.c), and the generator's mirror
(codegen/openapi_c/formats_regex.py) must say the same.  Node's `new RegExp(p, "u")` compiles or throws a
SyntaxError: that is the reference.  Every value below goes through Node, the runtime (valid_probe, format regex)
and the mirror, and all three must agree (the runtime and the mirror on the reason too, word for word, offset
included):
  - every pattern of regex_corpus.json, and the random patterns of regex_random.py (seeded);
  - mutations of each of those: every truncation of a short one, and (seeded) a metacharacter inserted, a
    character deleted, two swapped;
  - random strings over the syntax's own alphabet (brackets, escapes, quantifiers, group heads), which reach
    the error paths the corpus does not;
  - every \\p{...} name of codegen/openapi_c/regex_props.py (General_Category, binary properties, Script and
    Script_Extensions values, with each key), each also misspelt: the runtime's copy of those tables
    (rt_valid_format_regex_props.c) must hold exactly them.
Known and deliberate differences from Node, left out here: V8 takes {n,m} with both numbers above 2^31 in any order
(it clamps them; ECMA-262 compares them), refuses more than 65535 groups, and nests deeper than the checker's 200.
It prints one line per disagreement (at most 40) and a tally, and exits 1 on any (or if Node is missing).

Usage: regex_format_diff.py PROBE
"""

import json
import os
import random
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(REPO, "codegen"))
from openapi_c import formats  # noqa: E402
from openapi_c.regex_props import BINARY, GENERAL_CATEGORY, SCRIPT_NAMES  # noqa: E402
from regex_random import random_cases  # noqa: E402  (this folder)

CORPUS = os.path.join(HERE, "regex_corpus.json")
SEED = 23
META = ["(", ")", "[", "]", "{", "}", "\\", "?", "*", "+", "|", "^", "$", ".", "-", ",", "<", ">", "=", "!", ":"]
# The syntax's alphabet for random strings: metacharacters, escape letters, digits, name characters.
ALPHABET = META + ["a", "b", "B", "c", "d", "k", "p", "P", "u", "x", "0", "1", "2", "9", "A", "F", "_", "$", "L",
                   "\u00e9", "\U0001f600", "\u200d", " "]
HEADS = ["(?<", "(?<=", "(?<!", "(?=", "(?:", "\\k<", "\\u{", "\\p{", "\\c", "\\x", "\\u", "[^", "{1,", "{2}"]

# Edge cases the generators seldom reach: NUL, code point bounds, lazy braces, names by escape and beyond the BMP,
# forward references, astral ranges, surrogate pairs by escape.
EDGES = [
    "\u0000", "\\\u0000", "[\u0000-a]", "a{\u0000}", "(?<a\u0000>x)", "\\p{L\u0000}", "\\c\u0000", "\\u{10FFFF}",
    "\\u{0010FFFF}", "\\u{FFFFFFFFFF}", "a{1,2}?", "a{1,}?", "(?:a|b)+?", "[\\b]", "\\B", "[\\s-\\d]", "[a-]",
    "[-]", "[^-a]", "[\\]-a]", "(?<=a)+", "(?!a)?", "a{0}", "\\k<\U0001d49c>(?<\U0001d49c>a)",
    "(?<\\u{1D49C}>a)\\k<\\u{1D49C}>", "(?<a\\u{200C}>.)", "(?<\\u0024>.)", "(?<\\u0030>.)", "\\1", "()\\1",
    "(?<a>.)\\1", "\\1(?<a>.)", "\\2(.)", "\\10(.)(.)(.)(.)(.)(.)(.)(.)(.)(.)", "[\\u{1F600}-\\u{1F64F}]",
    "[\U0001f600-\U0001f60f]", "[\U0001f60f-\U0001f600]", "[\\uD83D\\uDE00-\\uD83D\\uDE4F]",
    "\\uD83D\\uDE00{2}", "\U0001f600{2}",
]

NODE_SCRIPT = r"""
const chunks = [];
process.stdin.on("data", (c) => chunks.push(c));
process.stdin.on("end", () => {
  const out = JSON.parse(Buffer.concat(chunks).toString("utf8")).map((p) => {
    try {
      new RegExp(p, "u");
      return true;
    } catch (e) {
      if (!(e instanceof SyntaxError)) throw e;
      return false;
    }
  });
  process.stdout.write(JSON.stringify(out));
});
"""


def mutations(rng, p):
    """Truncations (all of a short pattern, a few of a long one) and single edits of p."""
    cuts = range(len(p)) if len(p) <= 24 else rng.sample(range(len(p)), 8)
    out = [p[:k] for k in cuts]
    for _ in range(4):
        k = rng.randrange(len(p) + 1)
        out.append(p[:k] + rng.choice(META + HEADS) + p[k:])
    if p:
        k = rng.randrange(len(p))
        out.append(p[:k] + p[k + 1:])
        if len(p) > 1:
            k = rng.randrange(len(p) - 1)
            out.append(p[:k] + p[k + 1] + p[k] + p[k + 2:])
    return out


def syntax_soup(rng, n):
    """n random strings of the syntax's alphabet and group heads."""
    return ["".join(rng.choice(ALPHABET if rng.random() < 0.85 else HEADS) for _ in range(rng.randint(1, 12)))
            for _ in range(n)]


def property_cases():
    """Every property name in each spelling ECMA-262 takes, and misspellings of each."""
    names = [n for n in GENERAL_CATEGORY] + [n for n in BINARY]
    names += ["gc=" + n for n in GENERAL_CATEGORY] + ["General_Category=" + n for n in GENERAL_CATEGORY]
    names += [key + "=" + n for key in ("Script", "sc", "Script_Extensions", "scx") for n in sorted(SCRIPT_NAMES)]
    bad = [n.lower() for n in names if n.lower() != n] + [n + "x" for n in names[::7]] + [n[:-1] for n in names[::5]]
    bad += ["sc=" + n for n in list(BINARY)[::3]] + ["ASCII=Y", "Lu=x", "Script", "gc", "", "L ", " L", "sc=Hrkt"]
    return ["\\%s{%s}" % (letter, n) for n in names + bad for letter in "pP"]


def corpus_patterns():
    with open(CORPUS, encoding="utf-8") as f:
        return [case["p"] for case in json.load(f)["patterns"]]


def node_verdicts(patterns):
    done = subprocess.run(["node", "-e", NODE_SCRIPT], input=json.dumps(patterns).encode("utf-8"),
                          capture_output=True, timeout=120, check=True)
    reasons = json.loads(done.stdout)
    if len(reasons) != len(patterns):
        sys.exit("valid_probe gave %d reasons for %d values" % (len(reasons), len(patterns)))
    return reasons


def probe_verdicts(probe, patterns):
    lines = "".join(json.dumps(["format", "regex", p]) + "\n" for p in patterns)
    done = subprocess.run([probe], input=lines.encode("utf-8", "surrogatepass"), capture_output=True, timeout=120,
                          check=True)
    answers = done.stdout.decode().split()
    if len(answers) != len(patterns) or any(a not in ("0", "1") for a in answers):
        sys.exit("valid_probe answered %d lines for %d values (or E: it does not know format regex)" %
                 (len(answers), len(patterns)))
    return [a == "1" for a in answers]


def probe_reasons(probe, patterns):
    """The runtime's reasons (None: valid), by the same probe."""
    line = json.dumps(["regex_reason", ""] + patterns) + "\n"
    done = subprocess.run([probe], input=line.encode("utf-8", "surrogatepass"), capture_output=True, timeout=120,
                          check=True)
    reasons = json.loads(done.stdout)
    if len(reasons) != len(patterns):
        sys.exit("valid_probe gave %d reasons for %d values" % (len(reasons), len(patterns)))
    return reasons


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    if shutil.which("node") is None:
        sys.exit("codegen.regex_format needs node (the reference ECMA-262 implementation)")
    rng = random.Random(SEED)
    base = EDGES + corpus_patterns() + [case["p"] for case in random_cases(SEED, 1500)]
    patterns = base + [m for p in base for m in mutations(rng, p)] + syntax_soup(rng, 6000) + property_cases()
    patterns = list(dict.fromkeys(patterns))
    node, probe = node_verdicts(patterns), probe_verdicts(sys.argv[1], patterns)
    reasons = probe_reasons(sys.argv[1], patterns)
    bad = 0
    for p, want, runtime, why in zip(patterns, node, probe, reasons):
        mirror = formats.reason("regex", p)
        if runtime == want and (mirror is None) == want and why == mirror:
            continue
        bad += 1
        if bad <= 40:
            print("DISAGREE %r: Node %s, runtime %s (%s), mirror %s" % (
                p, "valid" if want else "SyntaxError", "valid" if runtime else "refused", why, mirror or "valid"))
    print("codegen.regex_format: %d values (%d valid per Node), %d disagreements" % (len(patterns), sum(node), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
