#!/usr/bin/python3
"""A schema's pattern means what ECMA-262 says it means, judged by Node's RegExp (ctest codegen.regex_node).

JSON Schema 2020-12 reads `pattern` and `patternProperties` as ECMA-262 regular expressions with the "u" flag,
matched anywhere in the value (unanchored).  The generator either enforces a pattern with those semantics or
refuses it at build time; codegen/openapi_c/regex.py says which, through two public functions:
  compile_error(pattern)  None if the spec may use the pattern, else the refusal text;
  search(pattern, text)   whether the runtime's compiled pattern matches text anywhere.
Node's RegExp is the reference implementation of ECMA-262.  This test feeds one `node` process the corpus
(regex_corpus.json: real-world patterns, edge constructs, patterns ECMA-262 refuses; each with its own subjects
plus a shared list) and holds the generator to these rules:
  - a pattern Node compiles with "u" must be accepted, or refused only if it holds a construct listed in
    KNOWN_REFUSALS (each with its reason); once accepted, search() must equal Node's test() on every subject;
  - a pattern Node refuses with and without "u" must be refused;
  - a pattern Node refuses with "u" but compiles without it (Annex B leniency: `\\-`, a lone `{`, `\\A` ...) may
    be accepted; then search() must equal Node's non-"u" verdict on every ASCII-only subject.
Then the runtime itself: every accepted pattern's PCRE2 rewrite goes through valid_probe (PROBE, built from
valid_probe.c with runtime/valid/rt_valid_pattern.c), which must answer search()'s verdict on every subject, so
the generator's copy of the engine (codegen/openapi_c/pcre2.py) and the service's cannot drift apart.
It prints one line per disagreement and a tally, and exits 1 on any disagreement (or if Node is missing).

Usage: regex_node_diff.py PROBE
"""

import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(REPO, "codegen"))
from openapi_c import regex  # noqa: E402
from regex_random import random_cases  # noqa: E402  (this folder)

CORPUS = os.path.join(HERE, "regex_corpus.json")
# Random patterns combining the corpus's constructs (regex_random.py), the same ones every run.
RANDOM_SEED, RANDOM_CASES = 19, 3000

# Constructs the generator knowingly refuses though ECMA-262 (with "u") accepts them: (text that appears in the
# pattern, why the generator refuses it).  A pattern Node compiles may be refused only if it contains one of
# these texts; an entry that excuses no refusal of the corpus is itself reported (remove it).
KNOWN_REFUSALS = []

# Node's side: for each case, new RegExp(p, "u") and new RegExp(p); each either {"error": message} (a
# SyntaxError) or {"matches": [test(s) for each subject]}.  test() without the g flag: unanchored, no lastIndex.
NODE_SCRIPT = r"""
const chunks = [];
process.stdin.on("data", (c) => chunks.push(c));
process.stdin.on("end", () => {
  const cases = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  const verdict = (pattern, flags, subjects) => {
    let re;
    try {
      re = new RegExp(pattern, flags);
    } catch (e) {
      if (!(e instanceof SyntaxError)) throw e;
      return { error: e.message };
    }
    return { matches: subjects.map((s) => re.test(s)) };
  };
  const out = cases.map((c) => ({ u: verdict(c.p, "u", c.s), plain: verdict(c.p, "", c.s) }));
  process.stdout.write(JSON.stringify(out));
});
"""


def node_binary():
    """The node executable, or None."""
    return shutil.which("node") or shutil.which("nodejs")


def node_verdicts(node, cases):
    """Node's {"u": ..., "plain": ...} for each case ({"p": pattern, "s": subjects}), in order."""
    proc = subprocess.run([node, "-e", NODE_SCRIPT], input=json.dumps(cases).encode("utf-8"), capture_output=True,
                          timeout=120)
    if proc.returncode != 0:
        raise RuntimeError("node exited with %d: %s" % (proc.returncode, proc.stderr.decode("utf-8", "replace")))
    out = json.loads(proc.stdout.decode("utf-8"))
    if len(out) != len(cases):
        raise RuntimeError("node answered %d cases of %d" % (len(out), len(cases)))
    return out


def load_cases(path):
    """The corpus as a list of {"p", "s", "note"}: each pattern's own subjects, then the shared ones not among
    them (in order, without repeats)."""
    with open(path, encoding="utf-8") as f:
        corpus = json.load(f)
    cases, seen = [], set()
    for entry in corpus["patterns"]:
        if entry["p"] in seen:
            raise ValueError("pattern %s appears twice in %s" % (ascii(entry["p"]), path))
        seen.add(entry["p"])
        subjects = []
        for s in entry["s"] + corpus["shared_subjects"]:
            if s not in subjects:
                subjects.append(s)
        cases.append({"p": entry["p"], "s": subjects, "note": entry.get("note")})
    return cases


def ours_compile(pattern):
    """(accepted, refusal text or None, problem or None): compile_error()'s answer, with a problem if it is
    neither None nor a non-empty string, or if it raises."""
    try:
        err = regex.compile_error(pattern)
    except Exception as e:  # a crash of the generator is a disagreement, not the end of the run
        return False, None, "compile_error raised %s: %s" % (type(e).__name__, e)
    if err is None:
        return True, None, None
    if not isinstance(err, str) or not err.strip():
        return False, None, "compile_error returned %r (neither None nor a message)" % (err,)
    return False, err, None


def ours_search(pattern, text):
    """search()'s verdict as "true"/"false", or what went wrong."""
    try:
        got = regex.search(pattern, text)
    except Exception as e:
        return "raised %s: %s" % (type(e).__name__, e)
    if got is True or got is False:
        return "true" if got else "false"
    return "returned %r" % (got,)


class Tally:
    """Counts and the disagreement lines, printed as they come."""

    def __init__(self):
        self.kinds = {"u": 0, "annex-b": 0, "invalid": 0}
        self.accepted = {"u": 0, "annex-b": 0, "invalid": 0}
        self.excused = 0
        self.compared = 0
        self.runtime_compared = 0
        self.skipped = 0
        self.disagreements = 0
        self.excuses_used = set()

    def disagree(self, pattern, subject, node, ours):
        self.disagreements += 1
        where = "" if subject is None else " subject=%s" % ascii(subject)
        print("DISAGREE pattern=%s%s node=%s ours=%s" % (ascii(pattern), where, node, ours), flush=True)


def compare_matches(tally, pattern, subjects, node_matches, ascii_only):
    """search() against Node's verdict on every subject (only the ASCII ones if ascii_only)."""
    for subject, expected in zip(subjects, node_matches):
        if ascii_only and not subject.isascii():
            tally.skipped += 1
            continue
        tally.compared += 1
        got = ours_search(pattern, subject)
        want = "true" if expected else "false"
        if got != want:
            tally.disagree(pattern, subject, want, got)


def excuse_for(pattern):
    """The index of the KNOWN_REFUSALS entry whose construct the pattern contains, or None."""
    for i, (construct, _why) in enumerate(KNOWN_REFUSALS):
        if construct in pattern:
            return i
    return None


def judge(tally, case, node):
    """Apply the rules of the module docstring to one pattern."""
    pattern, subjects = case["p"], case["s"]
    accepted, refusal, problem = ours_compile(pattern)
    if "matches" in node["u"]:
        kind = "u"
    elif "matches" in node["plain"]:
        kind = "annex-b"
    else:
        kind = "invalid"
    tally.kinds[kind] += 1
    if problem is not None:
        tally.disagree(pattern, None, "compiles" if kind != "invalid" else "SyntaxError", problem)
        return
    tally.accepted[kind] += accepted
    if kind == "invalid":
        if accepted:
            tally.disagree(pattern, None, "SyntaxError (%s)" % node["u"]["error"], "accepted")
        return
    if not accepted:
        if kind == "annex-b":
            return  # refusing what only Annex B's leniency compiles is what JSON Schema's "u" asks for
        excuse = excuse_for(pattern)
        if excuse is None:
            tally.disagree(pattern, None, "compiles with u", "refused: %s" % refusal)
        else:
            tally.excused += 1
            tally.excuses_used.add(excuse)
        return
    if kind == "u":
        compare_matches(tally, pattern, subjects, node["u"]["matches"], ascii_only=False)
    else:
        compare_matches(tally, pattern, subjects, node["plain"]["matches"], ascii_only=True)


def compare_runtime(tally, probe, cases):
    """valid_probe's verdicts (the C runtime's engine) against search()'s, for every accepted pattern."""
    accepted = [c for c in cases if ours_compile(c["p"])[0]]
    lines = "".join(json.dumps(["pattern", regex.pcre2_regex(c["p"])] + c["s"]) + "\n" for c in accepted)
    proc = subprocess.run([probe], input=lines.encode("utf-8", "surrogatepass"), capture_output=True, timeout=120)
    answers = proc.stdout.decode("ascii").splitlines()
    if proc.returncode != 0 or len(answers) != len(accepted):
        raise RuntimeError("%s exited with %d after %d answers of %d: %s" % (
            probe, proc.returncode, len(answers), len(accepted), proc.stderr.decode("utf-8", "replace")))
    for case, answer in zip(accepted, answers):
        if answer == "E":
            tally.disagree(case["p"], None, "the generator compiled it", "the runtime does not compile it")
            continue
        for subject, verdict in zip(case["s"], answer):
            tally.runtime_compared += 1
            want = ours_search(case["p"], subject)
            if want != ("true" if verdict == "1" else "false"):
                tally.disagree(case["p"], subject, "generator %s" % want, "runtime %s" % (verdict == "1"))


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    node = node_binary()
    if node is None:
        print("FAIL: node is not on PATH; this test needs Node's RegExp as the ECMA-262 reference "
              "(./demo setup installs nodejs)")
        return 1
    cases = load_cases(CORPUS) + random_cases(RANDOM_SEED, RANDOM_CASES)
    verdicts = node_verdicts(node, cases)
    tally = Tally()
    for case, verdict in zip(cases, verdicts):
        judge(tally, case, verdict)
    for i, (construct, why) in enumerate(KNOWN_REFUSALS):
        if i not in tally.excuses_used:
            tally.disagreements += 1
            print("DISAGREE KNOWN_REFUSALS entry %s (%s) excuses no refusal of the corpus: remove it"
                  % (ascii(construct), why), flush=True)
    compare_runtime(tally, argv[1], cases)
    version = subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip()
    print("# node %s; %d patterns: %d compile with u (%d accepted, %d refused as KNOWN_REFUSALS allow), "
          "%d only without u (Annex B; %d accepted), %d invalid (%d accepted)"
          % (version, len(cases), tally.kinds["u"], tally.accepted["u"], tally.excused, tally.kinds["annex-b"],
             tally.accepted["annex-b"], tally.kinds["invalid"], tally.accepted["invalid"]))
    print("# %d subjects compared with Node (%d non-ASCII subjects of Annex B patterns skipped), %d with the "
          "runtime's engine; %d disagreements" % (tally.compared, tally.skipped, tally.runtime_compared,
                                                  tally.disagreements))
    # A corpus that lost a whole category, or a run that compared nothing, would show nothing.
    if min(tally.kinds.values()) == 0 or tally.compared == 0 or tally.runtime_compared == 0:
        print("FAIL: the corpus must hold patterns of each kind and some subjects must be compared")
        return 1
    return 1 if tally.disagreements else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
