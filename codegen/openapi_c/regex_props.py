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

# ECMA-262's Script and Script_Extensions values (names and aliases): Unicode 15.0's PropertyValueAliases.txt, plus
# the scripts of Unicode 16 and 17 that Node's ICU knows, without Katakana_Or_Hiragana (ECMA-262 leaves it out).
# The runtime's format regex checks \\p{Script=...} against these too: codegen/regex_props_c.py writes them as C tables
# for runtime/valid/rt_valid_format_regex_props.c at build time.
SCRIPT_NAMES = frozenset([
    "Adlam", "Adlm", "Aghb", "Ahom", "Anatolian_Hieroglyphs", "Arab", "Arabic", "Armenian", "Armi", "Armn",
    "Avestan", "Avst", "Bali", "Balinese", "Bamu", "Bamum", "Bass", "Bassa_Vah", "Batak", "Batk", "Beng",
    "Bengali", "Berf", "Beria_Erfe", "Bhaiksuki", "Bhks", "Bopo", "Bopomofo", "Brah", "Brahmi", "Brai",
    "Braille", "Bugi", "Buginese", "Buhd", "Buhid", "Cakm", "Canadian_Aboriginal", "Cans", "Cari", "Carian",
    "Caucasian_Albanian", "Chakma", "Cham", "Cher", "Cherokee", "Chorasmian", "Chrs", "Common", "Copt",
    "Coptic", "Cpmn", "Cprt", "Cuneiform", "Cypriot", "Cypro_Minoan", "Cyrillic", "Cyrl", "Deseret", "Deva",
    "Devanagari", "Diak", "Dives_Akuru", "Dogr", "Dogra", "Dsrt", "Dupl", "Duployan", "Egyp",
    "Egyptian_Hieroglyphs", "Elba", "Elbasan", "Elym", "Elymaic", "Ethi", "Ethiopic", "Gara", "Garay", "Geor",
    "Georgian", "Glag", "Glagolitic", "Gong", "Gonm", "Goth", "Gothic", "Gran", "Grantha", "Greek", "Grek",
    "Gujarati", "Gujr", "Gukh", "Gunjala_Gondi", "Gurmukhi", "Guru", "Gurung_Khema", "Han", "Hang", "Hangul",
    "Hani", "Hanifi_Rohingya", "Hano", "Hanunoo", "Hatr", "Hatran", "Hebr", "Hebrew", "Hira", "Hiragana",
    "Hluw", "Hmng", "Hmnp", "Hung", "Imperial_Aramaic", "Inherited", "Inscriptional_Pahlavi",
    "Inscriptional_Parthian", "Ital", "Java", "Javanese", "Kaithi", "Kali", "Kana", "Kannada", "Katakana",
    "Kawi", "Kayah_Li", "Khar", "Kharoshthi", "Khitan_Small_Script", "Khmer", "Khmr", "Khoj", "Khojki",
    "Khudawadi", "Kirat_Rai", "Kits", "Knda", "Krai", "Kthi", "Lana", "Lao", "Laoo", "Latin", "Latn", "Lepc",
    "Lepcha", "Limb", "Limbu", "Lina", "Linb", "Linear_A", "Linear_B", "Lisu", "Lyci", "Lycian", "Lydi",
    "Lydian", "Mahajani", "Mahj", "Maka", "Makasar", "Malayalam", "Mand", "Mandaic", "Mani", "Manichaean",
    "Marc", "Marchen", "Masaram_Gondi", "Medefaidrin", "Medf", "Meetei_Mayek", "Mend", "Mende_Kikakui", "Merc",
    "Mero", "Meroitic_Cursive", "Meroitic_Hieroglyphs", "Miao", "Mlym", "Modi", "Mong", "Mongolian", "Mro",
    "Mroo", "Mtei", "Mult", "Multani", "Myanmar", "Mymr", "Nabataean", "Nag_Mundari", "Nagm", "Nand",
    "Nandinagari", "Narb", "Nbat", "New_Tai_Lue", "Newa", "Nko", "Nkoo", "Nshu", "Nushu",
    "Nyiakeng_Puachue_Hmong", "Ogam", "Ogham", "Ol_Chiki", "Ol_Onal", "Olck", "Old_Hungarian", "Old_Italic",
    "Old_North_Arabian", "Old_Permic", "Old_Persian", "Old_Sogdian", "Old_South_Arabian", "Old_Turkic",
    "Old_Uyghur", "Onao", "Oriya", "Orkh", "Orya", "Osage", "Osge", "Osma", "Osmanya", "Ougr", "Pahawh_Hmong",
    "Palm", "Palmyrene", "Pau_Cin_Hau", "Pauc", "Perm", "Phag", "Phags_Pa", "Phli", "Phlp", "Phnx",
    "Phoenician", "Plrd", "Prti", "Psalter_Pahlavi", "Qaac", "Qaai", "Rejang", "Rjng", "Rohg", "Runic", "Runr",
    "Samaritan", "Samr", "Sarb", "Saur", "Saurashtra", "Sgnw", "Sharada", "Shavian", "Shaw", "Shrd", "Sidd",
    "Siddham", "Sidetic", "Sidt", "SignWriting", "Sind", "Sinh", "Sinhala", "Sogd", "Sogdian", "Sogo", "Sora",
    "Sora_Sompeng", "Soyo", "Soyombo", "Sund", "Sundanese", "Sunu", "Sunuwar", "Sylo", "Syloti_Nagri", "Syrc",
    "Syriac", "Tagalog", "Tagb", "Tagbanwa", "Tai_Le", "Tai_Tham", "Tai_Viet", "Tai_Yo", "Takr", "Takri",
    "Tale", "Talu", "Tamil", "Taml", "Tang", "Tangsa", "Tangut", "Tavt", "Tayo", "Telu", "Telugu", "Tfng",
    "Tglg", "Thaa", "Thaana", "Thai", "Tibetan", "Tibt", "Tifinagh", "Tirh", "Tirhuta", "Tnsa", "Todhri",
    "Todr", "Tolong_Siki", "Tols", "Toto", "Tulu_Tigalari", "Tutg", "Ugar", "Ugaritic", "Unknown", "Vai",
    "Vaii", "Vith", "Vithkuqi", "Wancho", "Wara", "Warang_Citi", "Wcho", "Xpeo", "Xsux", "Yezi", "Yezidi", "Yi",
    "Yiii", "Zanabazar_Square", "Zanb", "Zinh", "Zyyy", "Zzzz"])

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
