"""The documentation of the settings cannot drift from their declarations.

Every setting is declared once, next to the code that uses it (the runtime's in
runtime/server/rt_settings.c, each module's in its handler file); the binary's
--list-options prints them all.  This checks, against that list:
  - the README's configuration table: the same settings, flags and defaults, in order;
  - docs/async-demo.conf.example: every setting, at its default (integration.config checks it is valid);
  - --help names every flag.
"""

import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import main, run_binary  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def run(*args):
    # An empty environment: settings from the caller's must not change the defaults listed.
    return run_binary(args, env={"PATH": os.environ.get("PATH", "/usr/bin")}, timeout=30)


def declared():
    """[(env, flag, default value or '', default as documented, help)] from --list-options."""
    r = run("--list-options")
    assert r.returncode == 0, r.stderr
    rows = [line.split("\t") for line in r.stdout.splitlines()]
    assert rows and all(len(row) == 5 for row in rows), r.stdout
    return rows


def readme_rows():
    with open(os.path.join(REPO, "README.md"), encoding="utf-8") as f:
        text = f.read()
    section = text.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        m = re.match(r"\| `([A-Z0-9_]+)` \| `(--[a-z0-9-]+)` \| ([^|]*) \|", line)
        if m:
            rows.append((m.group(1), m.group(2), m.group(3).strip().replace("`", "")))
    return rows


class OptionsDocs(unittest.TestCase):
    def test_readme_table_lists_every_setting_with_its_default(self):
        options = declared()
        table = readme_rows()
        self.assertEqual([(env, flag) for env, flag, *_ in options], [(env, flag) for env, flag, _ in table],
                         "the README's table and --list-options list different settings (or in another order)")
        for (env, _, value, doc, _), (_, _, cell) in zip(options, table):
            with self.subTest(env):
                self.assertIn(cell, {value, doc}, "README default of %s" % env)

    def test_example_file_has_every_setting_at_its_default(self):
        with open(os.path.join(REPO, "docs", "async-demo.conf.example"), encoding="utf-8") as f:
            lines = f.read().splitlines()
        settings = {}
        for line in lines:
            m = re.match(r"# ([a-z0-9-]+) = (\S+)", line)
            if m:
                settings[m.group(1)] = m.group(2)
        for env, flag, value, _, _ in declared()[1:]:  # --config is not a file setting
            name = flag[2:]
            with self.subTest(name):
                self.assertIn(name, settings, "%s is missing from docs/async-demo.conf.example" % name)
                if value:
                    self.assertEqual(settings[name], value, "the example's %s is not its default" % name)

    def test_help_names_every_flag_and_its_variable(self):
        r = run("--help")
        self.assertEqual(r.returncode, 0)
        for env, flag, *_ in declared():
            self.assertRegex(r.stdout, r"\n  %s +%s " % (re.escape(flag), env))


if __name__ == "__main__":
    main()
