"""A schema's pattern (ECMA-262 / Perl style) as the POSIX extended regex the runtime compiles (regcomp).

posix_regex() translates; compile_error() and search() run the C library's regcomp/regexec (REG_EXTENDED, as
runtime/valid/rt_valid.c does) at generation time, so that a pattern that would not compile is refused when
the spec is built, not when the service starts, and a parameter's default can be matched against it.
"""

import ctypes
import ctypes.util

from .refusals import SpecError

# Escapes outside brackets that are plain ERE (escaped specials) or that glibc's regcomp knows (\w \s \b ...).
PLAIN_ESCAPES = ".^$|()[]{}*+?\\/-"
GLIBC_ESCAPES = "wWsSbB"
# Escapes inside brackets that stand for one character; \d stands for a range.
CLASSES = {"w": "[:alnum:]_", "s": "[:space:]"}
CONTROL = {"n": "\n", "r": "\r", "t": "\t", "f": "\f", "v": "\v"}
BRACKET_LITERALS = PLAIN_ESCAPES + ",:;=!<>&%#@~`'\"_ "
# ECMA-262: . matches any character but the line terminators (\n, \r; U+2028/9 are not ASCII).
DOT = "[^\n\r]"


def posix_regex(pattern):
    r"""Rewrite what POSIX ERE spells differently (\d, \D, ., escapes inside brackets); refuse what ERE cannot
    express."""
    if not isinstance(pattern, str):
        raise SpecError("a pattern must be a string, not %r" % (pattern,))
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            n = pattern[i + 1]
            if n == "d":
                out.append("[0-9]")
            elif n == "D":
                out.append("[^0-9]")
            elif n in GLIBC_ESCAPES or n in PLAIN_ESCAPES:
                out.append(c + n)
            else:
                raise SpecError("pattern %r: \\%s is not supported by POSIX ERE" % (pattern, n))
            i += 2
            continue
        if c == "\\":
            raise SpecError("pattern %r: a trailing backslash escapes nothing" % pattern)
        if c == "(" and pattern[i + 1:i + 2] == "?":
            raise SpecError("pattern %r: (?...) groups are not supported by POSIX ERE" % pattern)
        if c == "[":
            text, i = bracket(pattern, i)
            out.append(text)
            continue
        out.append(DOT if c == "." else c)
        i += 1
    return "".join(out)


def bracket_atom(pattern, i):
    """The atom of a bracket expression at i: (kind, value, next index), kind "char", "range" (\\d) or "class"
    (\\w, \\s)."""
    c = pattern[i]
    if c != "\\":
        return "char", c, i + 1
    if i + 1 >= len(pattern):
        raise SpecError("pattern %r: unterminated character class" % pattern)
    n = pattern[i + 1]
    if n == "d":
        return "range", ("0", "9"), i + 2
    if n in CLASSES:
        return "class", CLASSES[n], i + 2
    if n in CONTROL:
        return "char", CONTROL[n], i + 2
    if n in BRACKET_LITERALS:
        return "char", n, i + 2
    raise SpecError("pattern %r: \\%s inside a character class is not supported by POSIX ERE" % (pattern, n))


def bracket(pattern, start):
    """The ECMA-262 class at pattern[start] ('[') as a POSIX bracket expression: escapes become the characters
    they stand for (POSIX reads a backslash in brackets literally), ']' goes first and '-' last as POSIX
    requires.  Returns (text, index after the class)."""
    i, negated = start + 1, pattern[start + 1:start + 2] == "^"
    if negated:
        i += 1
    items, specials = [], set()
    while True:
        if i >= len(pattern):
            raise SpecError("pattern %r: unterminated character class" % pattern)
        if pattern[i] == "]":
            break
        kind, value, i = bracket_atom(pattern, i)
        if (kind == "char" and pattern[i:i + 1] == "-" and i + 1 < len(pattern) and pattern[i + 1] != "]"):
            kind2, hi, i = bracket_atom(pattern, i + 1)
            if kind2 != "char" or value in "]-[^" or hi in "]-[^":
                raise SpecError("pattern %r: this range in a character class is not supported" % pattern)
            items.append(value + "-" + hi)
        elif kind == "range":
            items.append("%s-%s" % value)
        elif kind == "class":
            items.append(value)
        elif value in "]-[^":
            specials.add(value)
        else:
            items.append(value)
    if not items and not specials:
        raise SpecError("pattern %r: an empty character class is not supported" % pattern)
    ordered = (["]"] if "]" in specials else []) + items + [s for s in "^[-" if s in specials]
    if ordered[0] == "^" and not negated:
        if len(ordered) == 1:
            return "\\^", i + 1
        ordered[0], ordered[1] = ordered[1], ordered[0]
    return "[" + ("^" if negated else "") + "".join(ordered) + "]", i + 1


# --- the C library's regcomp, at generation time ----------------------------------------------------------

REG_EXTENDED, REG_NOSUB = 1, 8
REGEX_T_SIZE = 1024  # more than any libc's regex_t (glibc: 64 bytes)
_libc = None


def libc():
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        _libc.regcomp.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
        _libc.regexec.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_void_p, ctypes.c_int]
        _libc.regerror.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t]
        _libc.regfree.argtypes = [ctypes.c_void_p]
    return _libc


def run_regex(ere, text=None):
    """Compile ere as the runtime does: (None, whether it matches text somewhere) or (the error, None)."""
    lib, re_t = libc(), ctypes.create_string_buffer(REGEX_T_SIZE)
    err = lib.regcomp(re_t, ere.encode("utf-8"), REG_EXTENDED | REG_NOSUB)
    if err != 0:
        msg = ctypes.create_string_buffer(256)
        lib.regerror(err, re_t, msg, len(msg))
        return msg.value.decode("utf-8", "replace"), None
    try:
        matched = None if text is None else lib.regexec(re_t, text.encode("utf-8"), 0, None, 0) == 0
    finally:
        lib.regfree(re_t)
    return None, matched


def compile_error(pattern):
    """None if pattern translates and compiles as the runtime will compile it, else why not."""
    try:
        ere = posix_regex(pattern)
    except SpecError as e:
        return str(e)
    err, _ = run_regex(ere)
    return None if err is None else "pattern %r (POSIX ERE %r) does not compile: %s" % (pattern, ere, err)


def search(pattern, text):
    """Whether the runtime's compiled pattern matches text (as rt_valid_scalar does: anywhere in it)."""
    return run_regex(posix_regex(pattern), text)[1]
