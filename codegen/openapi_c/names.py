"""C names, literals and types: how spec names and values are spelled in the generated C."""

import re

from .refusals import SpecError

C_KEYWORDS = set(
    """auto break case char const continue default do double else enum extern float for goto if inline
    int long register restrict return short signed sizeof static struct switch typedef union unsigned
    void volatile while _Bool _Complex _Imaginary bool true false errno req params body""".split()
)

# The C type of a value of each rule kind.  Strings are const char * everywhere: handlers fill reply models with
# literals and data they do not own, and the runtime allocates and frees the strings of the models it parses
# (rt_valid_model).
C_SCALAR = {"RT_VALID_STRING": "const char *", "RT_VALID_INTEGER": "int64_t", "RT_VALID_NUMBER": "double",
            "RT_VALID_BOOLEAN": "bool", "RT_VALID_ANY": "struct json_object *"}

# Parameters are text in the URL or a header: only these kinds (the rest are refused).
C_PARAM = {kind: t for kind, t in C_SCALAR.items() if kind != "RT_VALID_ANY"}
PARAM_KIND_WORD = {"RT_VALID_STRING": "string", "RT_VALID_INTEGER": "integer", "RT_VALID_NUMBER": "number",
                   "RT_VALID_BOOLEAN": "boolean"}


def snake_or_empty(name):
    """name (camelCase, kebab-case, ...) as a lower_snake C identifier, "" if it has no ASCII letter or digit.
    Never has "__" (the templates' own names do) nor a trailing _; a leading digit gets a _ before it."""
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s)
    s = re.sub(r"[^0-9A-Za-z]+", "_", s).strip("_").lower()
    if s and s[0].isdigit():
        s = "_" + s
    return s


def snake(name, where=None):
    """snake_or_empty(name), refused (with the JSON pointer where, if given) when empty."""
    s = snake_or_empty(name)
    if not s:
        raise SpecError("%scannot make a C name from %r: it needs an ASCII letter or digit"
                        % (where + ": " if where else "", name))
    return s


def field_name(name, where=None):
    """A struct member or variable name: snake(name), with a _ after C keywords and names generated code uses."""
    s = snake(name, where)
    return s + "_" if s in C_KEYWORDS else s


def op_c_name(op_id, where):
    """The C name of an operation (handle_<it>, api_<it>_params, API_OP_<IT>...): snake(op_id)."""
    s = snake_or_empty(op_id)
    if not s:
        raise SpecError("%s: operationId %r makes no C name (its handler is handle_<name>): it needs an ASCII "
                        "letter or digit" % (where, op_id))
    return s


def c_names(names, member=True):
    """The C names of an object's properties (member: struct members, a _ after C keywords) or of an enum's
    values (the last part of their API_<SCHEMA>_<FIELD>_<VALUE> constants, upper-cased by the caller), in order.
    Each is snake(name); when that is empty ("", "<", non-ASCII) it is _<n>, n the name's position from 1; when
    another name already has it (a-b beside a_b, ASC beside asc, @id beside id, +1 beside -1) it is the first of
    <it>_2, <it>_3... that no name has.  Names that are their C name already (asc, id, a_b; for an enum, ASC too)
    choose first, then the others, each time in declaration order.  The JSON name itself stays exact."""
    bases = [snake_or_empty(n) for n in names]
    out = [None] * len(names)
    taken = set()
    for first in (True, False):
        for i, (n, b) in enumerate(zip(names, bases)):
            if (n in (b, b.upper()) and b != "") != first:
                continue
            base = b or "_%d" % (i + 1)
            cand, k = base, 2
            while (cand + "_" if member and cand in C_KEYWORDS else cand) in taken:
                cand, k = "%s_%d" % (base, k), k + 1
            out[i] = cand + "_" if member and cand in C_KEYWORDS else cand
            taken.add(out[i])
    return out


def camel(name):
    """name as CamelCase: how inline schemas get a name (operation id + parameter, schema + property)."""
    return "".join(p[:1].upper() + p[1:] for p in re.split(r"[^0-9A-Za-z]+", name) if p)


def c_decl(c_type, name):
    """A declaration of name with type c_type, without the semicolon: "int64_t n", "const char *s"."""
    return "%s%s%s" % (c_type, "" if c_type.endswith("*") else " ", name)


def c_string(s):
    """A C string literal for s (UTF-8), escaping everything that is not plain printable ASCII."""
    out = ['"']
    prev = ""
    for b in s.encode("utf-8"):
        c = chr(b)
        if c in '"\\':
            out.append("\\" + c)
        elif c == "?" and prev == "?":
            out.append("\\?")  # no trigraphs
        elif 0x20 <= b < 0x7F:
            out.append(c)
        elif c == "\n":
            out.append("\\n")
        elif c == "\t":
            out.append("\\t")
        else:
            out.append("\\%03o" % b)
        prev = c
    out.append('"')
    return "".join(out)


def c_comment(s):
    """Text safe inside /* */ on one line: no "*/" to end it early, no "/*" (-Wcomment)."""
    return re.sub(r"\s+", " ", str(s)).replace("*/", "* /").replace("/*", "/ *").strip()


def py_number_text(v):
    """The number as Python (pydantic's messages) prints the constraint."""
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise SpecError("expected a number, got %r" % (v,))
    return str(v) if isinstance(v, int) else repr(float(v))


def c_double(v, where=None):
    """A C double literal for a bound; refuses inf and nan (with the JSON pointer where, if given)."""
    if isinstance(v, int):
        return str(v)
    r = repr(float(v))
    if r in ("inf", "-inf", "nan"):
        raise SpecError("%snon-finite bound %r: JSON has no infinity nor NaN" % (where + ": " if where else "", v))
    return r
