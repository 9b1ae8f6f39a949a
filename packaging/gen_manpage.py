"""async-demo(1), generated from the binary's own option declarations.

    gen_manpage.py BINARY OUT

Runs BINARY --version, --help and --list-options (variable, flag, default, shown default, help; one setting
a line, tab-separated) and writes the man page in roff to OUT.  Every setting appears with its flag, its
environment variable, its configuration-file name (the flag without the dashes) and its default, grouped as
--help groups them; so the page can never list an option the binary does not have, or miss one.
"""

import re
import subprocess
import sys


def roff(text):
    """Escape text for roff: backslashes, leading dots and quotes, and hyphens in flags."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return re.sub(r"^([.'])", r"\\&\1", text)


def run(binary, flag):
    return subprocess.run([binary, flag], check=True, stdout=subprocess.PIPE, text=True).stdout


def groups_from_help(help_text):
    """{flag: group title} from --help's sections ("server:", then indented flags)."""
    group, out = None, {}
    for line in help_text.splitlines():
        if re.match(r"^[a-zA-Z][^:]*:$", line):
            group = line[:-1]
        m = re.match(r"^\s+(--[a-z0-9-]+)\s", line)
        if m and group:
            out[m.group(1)] = group
    return out


def commands_from_help(help_text, setting_flags):
    """The flags that are commands, not settings (--check-config, --help...): [(flag, help)]."""
    out = []
    for line in help_text.splitlines():
        m = re.match(r"^\s+(--[a-z0-9-]+)\s{10,}(\S.*)$", line)
        if m and m.group(1) not in setting_flags:
            out.append((m.group(1), m.group(2)))
    return out


def main():
    binary, out_path = sys.argv[1:3]
    version = run(binary, "--version").split()[-1]
    help_text = run(binary, "--help")
    summary = help_text.splitlines()[2].split(": ", 1)[1] if ": " in help_text.splitlines()[2] else "HTTP service"
    groups = groups_from_help(help_text)
    settings = [line.split("\t") for line in run(binary, "--list-options").splitlines() if line]
    lines = [
        '.TH ASYNC\\-DEMO 1 "" "async\\-demo %s" "User Commands"' % roff(version),
        ".SH NAME",
        "async\\-demo \\- %s" % roff(summary),
        ".SH SYNOPSIS",
        ".B async\\-demo",
        "[\\fIoptions\\fR]",
        ".SH DESCRIPTION",
        "An asynchronous HTTP/1.1 service built spec\\-first: its routes, validation and answers come from an",
        "OpenAPI document, served on one event loop per worker thread, with its data in SQLite or PostgreSQL.",
        "It serves its documentation at \\fI/docs\\fR and \\fI/redoc\\fR and its specification at",
        "\\fI/openapi.json\\fR.",
        ".PP",
        "Every setting can be given as a flag, as the environment variable shown, or in the configuration file",
        "(\\fB\\-\\-config\\fR) as \\fIname\\fR = \\fIvalue\\fR, where \\fIname\\fR is the flag without its dashes.",
        "Precedence: defaults < file < environment < flags.",
        "Durations take s or ms (10s, 500ms); sizes take k, m or g (64k, 1MiB).",
        ".SH COMMANDS",
    ]
    for flag, text in commands_from_help(help_text, {s[1] for s in settings}):
        lines += [".TP", ".B %s" % roff(flag), roff(text)]
    current = None
    lines.append(".SH OPTIONS")
    for var, flag, _default, shown, text in settings:
        group = groups.get(flag)
        if group and group != current:
            lines += [".SS %s" % roff(group[0].upper() + group[1:])]
            current = group
        lines += [".TP", "\\fB%s\\fR \\fIvalue\\fR" % roff(flag), roff(text) + ".",
                  ".br", "Environment: \\fB%s\\fR; configuration file: \\fB%s\\fR; default: %s." % (
                      roff(var), roff(flag.lstrip("-")), roff(shown or "none"))]
    lines += [
        ".SH SIGNALS",
        ".TP", ".B SIGTERM, SIGINT",
        "Stop gracefully: stop accepting, finish the requests in progress (up to \\fBSHUTDOWN_TIMEOUT\\fR), exit 0.",
        ".SH FILES",
        ".TP", ".I /etc/async\\-demo/async\\-demo.conf",
        "The configuration the packaged systemd units pass with \\fB\\-\\-config\\fR.",
        ".TP", ".I /var/lib/async\\-demo",
        "The service's state: its working directory, where a relative SQLite database lives.",
        ".SH EXIT STATUS",
        "0 after a graceful shutdown; 1 if the service could not start or a worker failed; 2 for invalid settings.",
        ".SH SEE ALSO",
        "\\fBsystemctl\\fR(1), \\fBjournalctl\\fR(1)",
    ]
    with open(out_path, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
