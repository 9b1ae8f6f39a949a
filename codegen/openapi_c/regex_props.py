"""The Unicode property names ECMA-262 allows in \\p{...} and \\P{...} (with the `u` flag), and how PCRE2
spells them.

ECMA-262 (22.2.2.9, tables "Value aliases and canonical values for General_Category" and "Binary Unicode
property aliases") takes exactly these names, case-sensitive: a General_Category value alone or as
`General_Category=`/`gc=`, a Script or Script_Extensions value after `Script=`/`sc=`/`Script_Extensions=`/`scx=`,
or a binary property.  PCRE2 matches property names loosely (any case, `_` ignored) and knows names ECMA-262
does not (`L&`, `Xan`), so regex.py looks names up here and hands PCRE2 only its own canonical spelling.
"""

# Each General_Category value's names (PropertyValueAliases.txt, gc) -> PCRE2's short name.
GENERAL_CATEGORY = {}
for _names, _pcre2 in [
        (("C", "Other"), "C"), (("Cc", "Control", "cntrl"), "Cc"), (("Cf", "Format"), "Cf"),
        (("Cn", "Unassigned"), "Cn"), (("Co", "Private_Use"), "Co"), (("Cs", "Surrogate"), "Cs"),
        (("L", "Letter"), "L"), (("LC", "Cased_Letter"), "L&"), (("Ll", "Lowercase_Letter"), "Ll"),
        (("Lm", "Modifier_Letter"), "Lm"), (("Lo", "Other_Letter"), "Lo"), (("Lt", "Titlecase_Letter"), "Lt"),
        (("Lu", "Uppercase_Letter"), "Lu"), (("M", "Mark", "Combining_Mark"), "M"), (("Mc", "Spacing_Mark"), "Mc"),
        (("Me", "Enclosing_Mark"), "Me"), (("Mn", "Nonspacing_Mark"), "Mn"), (("N", "Number"), "N"),
        (("Nd", "Decimal_Number", "digit"), "Nd"), (("Nl", "Letter_Number"), "Nl"), (("No", "Other_Number"), "No"),
        (("P", "Punctuation", "punct"), "P"), (("Pc", "Connector_Punctuation"), "Pc"),
        (("Pd", "Dash_Punctuation"), "Pd"), (("Pe", "Close_Punctuation"), "Pe"),
        (("Pf", "Final_Punctuation"), "Pf"), (("Pi", "Initial_Punctuation"), "Pi"),
        (("Po", "Other_Punctuation"), "Po"), (("Ps", "Open_Punctuation"), "Ps"), (("S", "Symbol"), "S"),
        (("Sc", "Currency_Symbol"), "Sc"), (("Sk", "Modifier_Symbol"), "Sk"), (("Sm", "Math_Symbol"), "Sm"),
        (("So", "Other_Symbol"), "So"), (("Z", "Separator"), "Z"), (("Zl", "Line_Separator"), "Zl"),
        (("Zp", "Paragraph_Separator"), "Zp"), (("Zs", "Space_Separator"), "Zs")]:
    for _name in _names:
        GENERAL_CATEGORY[_name] = _pcre2

# ECMA-262's binary properties (name and alias) -> the name PCRE2 is given.  "Assigned" has no PCRE2 name:
# it is every code point that is not Cn, which regex.py writes as the negation.
BINARY = {}
for _names in [
        ("ASCII",), ("ASCII_Hex_Digit", "AHex"), ("Alphabetic", "Alpha"), ("Any",), ("Assigned",),
        ("Bidi_Control", "Bidi_C"), ("Bidi_Mirrored", "Bidi_M"), ("Case_Ignorable", "CI"), ("Cased",),
        ("Changes_When_Casefolded", "CWCF"), ("Changes_When_Casemapped", "CWCM"),
        ("Changes_When_Lowercased", "CWL"), ("Changes_When_NFKC_Casefolded", "CWKCF"),
        ("Changes_When_Titlecased", "CWT"), ("Changes_When_Uppercased", "CWU"), ("Dash",),
        ("Default_Ignorable_Code_Point", "DI"), ("Deprecated", "Dep"), ("Diacritic", "Dia"), ("Emoji",),
        ("Emoji_Component", "EComp"), ("Emoji_Modifier", "EMod"), ("Emoji_Modifier_Base", "EBase"),
        ("Emoji_Presentation", "EPres"), ("Extended_Pictographic", "ExtPict"), ("Extender", "Ext"),
        ("Grapheme_Base", "Gr_Base"), ("Grapheme_Extend", "Gr_Ext"), ("Hex_Digit", "Hex"),
        ("IDS_Binary_Operator", "IDSB"), ("IDS_Trinary_Operator", "IDST"), ("ID_Continue", "IDC"),
        ("ID_Start", "IDS"), ("Ideographic", "Ideo"), ("Join_Control", "Join_C"),
        ("Logical_Order_Exception", "LOE"), ("Lowercase", "Lower"), ("Math",),
        ("Noncharacter_Code_Point", "NChar"), ("Pattern_Syntax", "Pat_Syn"), ("Pattern_White_Space", "Pat_WS"),
        ("Quotation_Mark", "QMark"), ("Radical",), ("Regional_Indicator", "RI"), ("Sentence_Terminal", "STerm"),
        ("Soft_Dotted", "SD"), ("Terminal_Punctuation", "Term"), ("Unified_Ideograph", "UIdeo"),
        ("Uppercase", "Upper"), ("Variation_Selector", "VS"), ("White_Space", "space"),
        ("XID_Continue", "XIDC"), ("XID_Start", "XIDS")]:
    for _name in _names:
        BINARY[_name] = _names[0]

SCRIPT_KEYS = {"Script": "sc", "sc": "sc", "Script_Extensions": "scx", "scx": "scx"}
CATEGORY_KEYS = ("General_Category", "gc")


def pcre2_property(body, negated):
    """The PCRE2 escape for ECMA-262's \\p{body} (\\P{body} when negated), or None if ECMA-262 has no such
    property.  A Script value is passed on (PCRE2 refuses the names it does not know, and regex.py reports it)."""
    letter = "P" if negated else "p"
    if "=" in body:
        key, _, value = body.partition("=")
        if key in CATEGORY_KEYS:
            pcre2 = GENERAL_CATEGORY.get(value)
            return None if pcre2 is None else "\\%s{%s}" % (letter, pcre2)
        if key in SCRIPT_KEYS and value.replace("_", "").isalnum():
            return "\\%s{%s:%s}" % (letter, SCRIPT_KEYS[key], value)
        return None
    if body in GENERAL_CATEGORY:
        return "\\%s{%s}" % (letter, GENERAL_CATEGORY[body])
    if body == "Assigned":
        return "\\%s{Cn}" % ("p" if negated else "P")
    if body in BINARY:
        return "\\%s{%s}" % (letter, BINARY[body])
    return None
