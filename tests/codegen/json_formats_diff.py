#!/usr/bin/python3
"""JSON Schema's URI-family, JSON-pointer and internationalized formats: the runtime and the generator's mirror
agree (ctest codegen.json_formats).

The runtime (runtime/valid/rt_valid_format_uri.c, rt_valid_format_pointer.c, rt_valid_format_net.c,
rt_valid_format.c, driven by valid_probe) enforces uri, uri-reference, iri, iri-reference, uri-template,
json-pointer, relative-json-pointer, idn-hostname and idn-email; the generator's mirror
(codegen/openapi_c/formats.py) judges defaults and the contract checkers' answers with the same checks.
For each format, on:
- every string of the JSON Schema Test Suite's files for the formats of its group (each file's values, used with
  every format of the group), where the runtime must also give the suite's verdict for its own format
  (codegen.jsonschema_suite runs the same cases through generated code);
- mutations of those values (a character inserted, deleted or replaced, from an alphabet of the grammars' edges:
  for URIs delimiters, %, hex digits, ~0/~1, braces, non-ASCII characters in and out of RFC 3987's ranges,
  controls; for names separators, right-to-left letters and digits of both Arabic kinds, joiners, viramas, the
  characters of IDNA2008's CONTEXTO rules, combining marks, A-labels);
- random strings of that alphabet;
the runtime and the mirror must give the same verdict.  Two outside readings are compared too, where installed:
json-pointer with the jsonpointer module (python3-jsonpointer: RFC 6901), and idn-hostname on values of one
label with the idna module (python3-idna: IDNA2008 with its CONTEXTJ/CONTEXTO and Bidi checks) -- one label,
because idna applies the Bidi rule to each right-to-left label only, not (RFC 5893 section 2, as the suite's
"0a.<hebrew>" case asks) to every label of a name that has one, and because it takes a trailing dot; and not
on "xn---..." labels, whose Punycode (a delimiter without basic code points) no encoder writes, which idna 3.3
decodes and the suite refuses ("xn---9uc": non-canonical Punycode).
Usage: json_formats_diff.py VALID_PROBE
"""

import json
import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(HERE, "..", "..", "codegen"))
from openapi_c import formats  # noqa: E402

URI_ALPHABET = (list("aZ09fF:/?#[]@!$&'()*+,;=-._~%{}<>\"\\^`| vV") + ["%41", "%zz", "~0", "~1", "~2", "::1", "//"]
                + ["\x00", "\n", "\x7f", "\x85", "\xa0", "\xe9", "\u0660", "\ud7ff", "\ue000", "\uf8ff", "\uf900",
                   "\ufdd0", "\ufdef", "\ufff0", "\uffff", "\U0001F600", "\U0001FFFE", "\U000E0001", "\U000E1000",
                   "\U000F0000", "\U0010FFFD", "\U0010FFFF"])
NAME_ALPHABET = (list("aZ09-._@\" ") + ["xn--", "XN--", "xn--bcher-kva", "xn--4gbrim", "xn--0ca24w", "\u3002", "\uff0e",
                                         "\uff61", "\uff20", "\u05d0", "\u05d1", "\u0627", "\u0628", "\u064a", "\u0644",
                                         "\u0660", "\u06f0", "\u06fd", "\u0915", "\u094d", "\u0903", "\u200c", "\u200d",
                                         "\u00b7", "l", "\u0375", "\u03b1", "\u05f3", "\u05f4", "\u30fb", "\u3041",
                                         "\u4e08", "\u0300", "\u0301", "\u0488", "\u00df", "\u00fc", "\u00c9", "\u0640",
                                         "\u302e", "\u3031", "\x00", "\x85", "\uffff", "\U0001F600", "\U0001D54F"])
# (formats, the suite files whose values they share, the alphabet of mutations and random values)
GROUPS = [(("uri", "uri-reference", "iri", "iri-reference", "uri-template", "json-pointer", "relative-json-pointer"),
           ("uri", "uri-reference", "iri", "iri-reference", "uri-template", "json-pointer", "relative-json-pointer"),
           URI_ALPHABET),
          (("idn-hostname", "idn-email", "hostname", "email"), ("idn-hostname", "idn-email", "hostname", "email"),
           NAME_ALPHABET)]
SUITE = os.path.join(HERE, "..", "jsonschema", "suite", "draft2020-12", "optional", "format")
IDN_SEPARATORS = (".", "\u3002", "\uff0e", "\uff61")


def suite_values(files):
    """{format: [(value, valid)]} of the suite's files, and every string value in them."""
    cases, values = {}, []
    for fmt in files:
        with open(os.path.join(SUITE, fmt + ".json"), encoding="utf-8") as f:
            for group in json.load(f):
                for t in group["tests"]:
                    if isinstance(t["data"], str):
                        cases.setdefault(fmt, []).append((t["data"], t["valid"]))
                        values.append(t["data"])
    return cases, values


def mutations(values, alphabet, rng, n):
    out = []
    for _ in range(n):
        v = rng.choice(values)
        i = rng.randrange(len(v) + 1)
        op = rng.randrange(3)
        if op == 0 or not v:
            v = v[:i] + rng.choice(alphabet) + v[i:]
        elif op == 1:
            v = v[:i] + v[i + 1:]
        else:
            v = v[:i] + rng.choice(alphabet) + v[i + 1:]
        out.append(v)
    return out


def random_values(alphabet, rng, n):
    return ["".join(rng.choice(alphabet) for _ in range(rng.randrange(12))) for _ in range(n)]


def pointer_reference(value):
    """The jsonpointer module's verdict on value, or None if it is not installed."""
    try:
        import jsonpointer
    except ImportError:
        return None
    try:
        jsonpointer.JsonPointer(value)
        return True
    except jsonpointer.JsonPointerException:
        return False


def idna_reference(value):
    """The idna module's verdict on a one-label value (IDNA2008, no UTS 46 mapping), or None (not installed, or
    not one label)."""
    try:
        import idna
    except ImportError:
        return None
    if not value or any(sep in value for sep in IDN_SEPARATORS) or "xn---" in value.lower():
        return None
    try:
        idna.encode(value, uts46=False, std3_rules=False, transitional=False)
        return True
    except (idna.IDNAError, UnicodeError, ValueError):
        return False


REFERENCES = {"json-pointer": pointer_reference, "idn-hostname": idna_reference}


def check_group(probe, fmts, files, alphabet, rng):
    """The disagreements on one group's formats (printed)."""
    cases, values = suite_values(files)
    corpus = values + mutations(values, alphabet, rng, 4000) + random_values(alphabet, rng, 3000)
    lines = "".join(json.dumps(["format", fmt] + corpus) + "\n" for fmt in fmts)
    proc = subprocess.run([probe], input=lines.encode(), capture_output=True, timeout=120)
    answers = proc.stdout.decode().splitlines()
    if proc.returncode != 0 or len(answers) != len(fmts) or "E" in answers:
        print("FAIL: %s answered %r (exit %d): %s" % (probe, answers[:3], proc.returncode, proc.stderr.decode()))
        return 1
    bad = 0
    for fmt, answer in zip(fmts, answers):
        runtime = dict(zip(corpus, (a == "1" for a in answer)))
        valid = sum(runtime.values())
        reference, compared = REFERENCES.get(fmt, lambda v: None), 0
        for value in runtime:
            mirror = formats.reason(fmt, value) is None
            ref = reference(value)
            compared += ref is not None
            if mirror != runtime[value] or (ref is not None and ref != runtime[value]):
                bad += 1
                print("DISAGREE %s %r: runtime %s, generator's mirror %s%s"
                      % (fmt, value, runtime[value], mirror, "" if ref is None else ", outside reference %s" % ref))
        for value, want in cases.get(fmt, []):
            if runtime[value] != want:
                bad += 1
                print("SUITE %s %r: runtime %s, the suite says %s" % (fmt, value, runtime[value], want))
        print("# %s: %d distinct values (%d valid), %d suite cases, %d compared with an outside reference"
              % (fmt, len(runtime), valid, len(cases.get(fmt, [])), compared))
        if valid == 0 or valid == len(runtime):
            print("FAIL: %s: the corpus must hold valid and invalid values" % fmt)
            bad += 1
    return bad


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    rng = random.Random(6570)
    bad = sum(check_group(argv[1], fmts, files, alphabet, rng) for fmts, files, alphabet in GROUPS)
    print("# %d disagreements" % bad)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
