"""A schema's pattern (ECMA-262 / Perl style) as the POSIX extended regex the runtime compiles (regcomp)."""

from .refusals import SpecError


def posix_regex(pattern):
    r"""Rewrite the few Perl classes POSIX ERE lacks (\d, \D); refuse what ERE cannot express."""
    out, i, in_bracket = [], 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            n = pattern[i + 1]
            if n == "d":
                out.append("0-9" if in_bracket else "[0-9]")
            elif n == "D" and not in_bracket:
                out.append("[^0-9]")
            elif n in "wWsSbB" and not in_bracket or n in ".^$|()[]{}*+?\\/-":
                out.append(c + n)  # glibc regcomp knows \w \s \b; escapes of specials are plain ERE
            else:
                raise SpecError("pattern %r: \\%s is not supported by POSIX ERE" % (pattern, n))
            i += 2
            continue
        if c == "(" and pattern[i + 1:i + 2] == "?":
            raise SpecError("pattern %r: (?...) groups are not supported by POSIX ERE" % pattern)
        if c == "[" and not in_bracket:
            in_bracket = True
            out.append(c)
            if pattern[i + 1:i + 2] == "^":
                out.append("^")
                i += 1
            if pattern[i + 1:i + 2] == "]":
                out.append("]")
                i += 1
        elif c == "]" and in_bracket:
            in_bracket = False
            out.append(c)
        else:
            out.append(c)
        i += 1
    return "".join(out)
