#!/usr/bin/python3
"""pydantic's IP and UUID-version formats are judged as pydantic judges them: by Python's ipaddress and uuid
(ctest codegen.pydantic_formats).

pydantic writes IPvAnyAddress as `format: ipvanyaddress`, IPv4Network as `ipv4network`, IPv6Interface as
`ipv6interface` and so on, and validates them by calling Python's ipaddress classes (IPvAny* try IPv4 first, then
IPv6; a network is strict: no host bits set); UUID4 is `format: uuid4`, a uuid whose version is 4 (UUID1, 3, 5
alike).  Those modules are the reference here.  For each format and every value of a corpus (addresses of both
families, good and bad, with prefixes, netmasks, hostmasks and malformed suffixes; uuids of every version digit,
in both cases, and malformed ones):
- the runtime (valid_probe, built from valid_probe.c with runtime/valid/rt_valid_format_ip.c) must give the
  reference's verdict;
- the generator's mirror (codegen/openapi_c/formats.py, which judges defaults and the contract checkers' answers)
  must give the runtime's.
Known differences are left out, with their reason: an IPv6 zone ("fe80::1%eth0"), which Python accepts and JSON
Schema's ipv6 format refuses (the runtime refuses it in every IP format, and that is checked); and a uuid without
hyphens, in braces or after urn:uuid:, which Python's UUID() reads and JSON Schema's uuid format (whose hyphenated
form the runtime checks for every uuid format) does not: the corpus holds only hyphenated uuids.
Usage: formats_diff.py VALID_PROBE
"""

import ipaddress
import json
import os
import subprocess
import sys
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(HERE, "..", "..", "codegen"))
from openapi_c import formats  # noqa: E402

REFERENCE = {
    "ipv4": [ipaddress.IPv4Address], "ipv6": [ipaddress.IPv6Address],
    "ipvanyaddress": [ipaddress.IPv4Address, ipaddress.IPv6Address],
    "ipv4network": [ipaddress.IPv4Network], "ipv6network": [ipaddress.IPv6Network],
    "ipvanynetwork": [ipaddress.IPv4Network, ipaddress.IPv6Network],
    "ipv4interface": [ipaddress.IPv4Interface], "ipv6interface": [ipaddress.IPv6Interface],
    "ipvanyinterface": [ipaddress.IPv4Interface, ipaddress.IPv6Interface],
}
UUID_VERSIONS = (1, 3, 4, 5)
BASE_UUID = "123e4567-e89b-12d3-a456-426614174000"
UUIDS = ([BASE_UUID[:14] + d + BASE_UUID[15:] for d in "0123456789abcdefABCDEF"]
         + [str(uuid.uuid3(uuid.NAMESPACE_DNS, "a")), str(uuid.uuid5(uuid.NAMESPACE_DNS, "a")),
            str(uuid.UUID(int=7, version=4)).upper(), str(uuid.UUID(int=9, version=1)),
            BASE_UUID[:-1], BASE_UUID + "0", BASE_UUID.replace("-", "_"), "zz" + BASE_UUID[2:], ""])
V4 = ["0.0.0.0", "1.2.3.4", "10.0.0.0", "127.0.0.1", "192.168.1.0", "192.168.1.1", "192.168.0.0", "255.255.255.255",
      "01.2.3.4", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.-1", " 1.2.3.4", "1.2.3.4 ", "", "a.b.c.d", "1..2.3",
      "0x1.2.3.4", "1.2.3.04"]
V6 = ["::", "::1", "2001:db8::", "2001:db8::1", "2001:DB8::", "fe80::", "fe80::1", "fe80::1%eth0",
      "::ffff:1.2.3.4", "::ffff:01.2.3.4", "::ffff:192.168.1.0", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::",
      "::2:3:4:5:6:7:8", "1::2::3", "12345::", "g::1", ":::", "1:2:3:4:5:6:7:8:9", "0000:0000::0001"]
SUFFIXES = ["", "/0", "/8", "/16", "/24", "/32", "/33", "/48", "/64", "/127", "/128", "/129", "/024", "/0032",
            "/-1", "/", "/a", "/255.255.255.0", "/0.0.0.255", "/255.0.255.0", "/255.255.255.255", "/0.0.0.0",
            "/255.255.0.0", "/0.0.255.255", "//24", "/24/8", "/ 24", "/+24", "/1.2.3.4", "/ffff::", "/2.4"]
ZONE = "%"  # an IPv6 zone: Python takes it, JSON Schema's ipv6 (and so the runtime) refuses it


def reference_ok(fmt, value):
    if fmt.startswith("uuid"):
        try:
            return uuid.UUID(value).version == int(fmt[4:])
        except ValueError:
            return False
    for cls in REFERENCE[fmt]:
        try:
            cls(value)
            return True
        except ValueError:
            continue
    return False


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    ip_values = [a + s for a in V4 + V6 for s in SUFFIXES]
    corpus = [(fmt, ip_values) for fmt in REFERENCE] + [("uuid%d" % v, UUIDS) for v in UUID_VERSIONS]
    lines = "".join(json.dumps(["format", fmt] + values) + "\n" for fmt, values in corpus)
    proc = subprocess.run([argv[1]], input=lines.encode(), capture_output=True, timeout=60)
    answers = proc.stdout.decode().splitlines()
    if proc.returncode != 0 or len(answers) != len(corpus) or "E" in answers:
        print("FAIL: %s answered %r (exit %d): %s" % (argv[1], answers[:3], proc.returncode, proc.stderr.decode()))
        return 1
    disagreements = compared = valid = 0
    for (fmt, values), answer in zip(corpus, answers):
        for value, verdict in zip(values, answer):
            runtime = verdict == "1"
            mirror = formats.reason(fmt, value) is None
            want = False if ZONE in value else reference_ok(fmt, value)
            compared += 1
            valid += want
            if runtime != want or mirror != runtime:
                disagreements += 1
                print("DISAGREE %s %r: Python %s, runtime %s, generator's mirror %s"
                      % (fmt, value, reference_ok(fmt, value), runtime, mirror))
    print("# %d formats: %d values compared (%d valid), %d disagreements" % (len(corpus), compared, valid,
                                                                             disagreements))
    if valid == 0 or valid == compared:
        print("FAIL: the corpus must hold valid and invalid values")
        return 1
    return 1 if disagreements else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
