"""What the generator supports, and the refusal of everything else.

Anything in a spec the generator cannot turn into C faithfully is a SpecError naming it, so that nothing is
silently left unvalidated (tests/codegen/test_codegen.py checks the messages).  keywords.py is the table of
every keyword and field (supported, refused, annotation), checked on the whole document with JSON pointers by
document.py before anything is built; this module holds the keywords each kind of schema may use and the
checks on the values of single keywords, applied as schemas are built; checks on the structure of a spec (paths,
parameters, bodies) sit where that structure is read (params.py, operations.py).
"""


from urllib.parse import unquote


class SpecError(Exception):
    """The spec uses something the generator cannot turn into C faithfully."""


def pointer(base, token):
    """base + one RFC 6901 reference token: where a SpecError says the construct is."""
    return "%s/%s" % (base, str(token).replace("~", "~0").replace("/", "~1"))


def pointer_tokens(fragment):
    """The reference tokens of a JSON pointer written as a URI fragment ("/a~1b/%7Bc%7D" -> ["a/b", "{c}"]):
    percent-decoded, then ~1 and ~0 (RFC 6901 sections 4 and 6)."""
    return [unquote(t).replace("~1", "/").replace("~0", "~") for t in fragment.split("/")[1:]] if fragment else []


def pointer_node(root, fragment):
    """The node of root at the JSON pointer fragment (as pointer_tokens() reads it); LookupError if none."""
    node = root
    for token in pointer_tokens(fragment):
        if isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        elif isinstance(node, dict) and token in node:
            node = node[token]
        else:
            raise LookupError(token)
    return node


# Keywords that only document a schema: allowed in every kind of schema and ignored when the rule is built
# (readOnly and writeOnly are read from a property's schema by schemas.py, and refused elsewhere by document.py;
# $anchor and $dynamicAnchor only name their schema, and anchors.py and dynamic.py have made each $ref and
# $dynamicRef to them a $ref by JSON pointer before anything is built).
DOC_KEYWORDS = {"title", "description", "examples", "example", "deprecated", "readOnly", "writeOnly",
                "externalDocs", "xml", "$comment", "contentMediaType", "contentEncoding", "contentSchema", "$anchor",
                "$dynamicAnchor"}

# The keywords each kind of Rule may use (besides DOC_KEYWORDS); a schema with others is validated by its JSON
# Schema table instead (jsonschema.py).
KEYWORDS = {
    "$ref": {"$ref"},
    "any": {"type", "default", "nullable"},
    "string": {"type", "minLength", "maxLength", "pattern", "format", "enum", "default", "nullable"},
    "number": {"type", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "format", "default",
               "nullable"},
    "boolean": {"type", "default", "nullable"},
    "array": {"type", "items", "default", "nullable"},
    "object": {"type", "properties", "required", "additionalProperties"},  # a model
}

# Integer formats, as the ranges they assert on a number: OpenAPI's int32 and int64, and the widths other tools
# write (ASP.NET Core: int8, int16, uint8...uint64; schemars/aide and utoipa: uint8...uint64, int8, int16, uint;
# ogen: int and uint, Go's, 64 bits).  jsonschema.FORMAT_RANGES adds float and double.
INTEGER_FORMATS = {"int8": (-2 ** 7, 2 ** 7 - 1), "int16": (-2 ** 15, 2 ** 15 - 1),
                   "int32": (-2 ** 31, 2 ** 31 - 1), "int64": (-2 ** 63, 2 ** 63 - 1), "int": (-2 ** 63, 2 ** 63 - 1),
                   "uint8": (0, 2 ** 8 - 1), "uint16": (0, 2 ** 16 - 1), "uint32": (0, 2 ** 32 - 1),
                   "uint64": (0, 2 ** 64 - 1), "uint": (0, 2 ** 64 - 1)}
NUMERIC_FORMATS = set(INTEGER_FORMATS) | {"float", "double"}
# An integer format on a string (protobuf-JSON's int64 as text, {type: string, format: int64}; ASP.NET Core's
# [integer, string] with format int32): a decimal integer as text within the format's range
# (runtime/valid/rt_valid_format_number.c).
INTEGER_TEXT_FORMATS = {name: "RT_VALID_FORMAT_%s_TEXT" % {"int": "INT64", "uint": "UINT64"}.get(name, name.upper())
                        for name in INTEGER_FORMATS}
# Formats of strings that every number satisfies too, accepted on a number: {type: number, format: decimal}.
NUMBER_TOO_FORMATS = {"decimal"}
# String formats checked as a length: ASP.NET Core's char (a .NET char: exactly one character).
LENGTH_FORMATS = {"char": 1}
STRING_FORMATS = {"email": "RT_VALID_FORMAT_EMAIL", "date-time": "RT_VALID_FORMAT_DATE_TIME",
                  "uuid": "RT_VALID_FORMAT_UUID", "date": "RT_VALID_FORMAT_DATE", "time": "RT_VALID_FORMAT_TIME",
                  "ipv4": "RT_VALID_FORMAT_IPV4", "ipv6": "RT_VALID_FORMAT_IPV6", "uri": "RT_VALID_FORMAT_URI",
                  "byte": "RT_VALID_FORMAT_BYTE", "hostname": "RT_VALID_FORMAT_HOSTNAME",
                  "duration": "RT_VALID_FORMAT_DURATION",  # pydantic's timedelta
                  # pydantic's IP types (IPvAnyAddress, IPv4Network, ...), as Python's ipaddress reads them
                  "ipvanyaddress": "RT_VALID_FORMAT_IPVANYADDRESS", "ipv4network": "RT_VALID_FORMAT_IPV4NETWORK",
                  "ipv6network": "RT_VALID_FORMAT_IPV6NETWORK", "ipvanynetwork": "RT_VALID_FORMAT_IPVANYNETWORK",
                  "ipv4interface": "RT_VALID_FORMAT_IPV4INTERFACE", "ipv6interface": "RT_VALID_FORMAT_IPV6INTERFACE",
                  "ipvanyinterface": "RT_VALID_FORMAT_IPVANYINTERFACE",
                  # ogen's ip: an IPv4 or IPv6 address, as pydantic's IPvAnyAddress
                  "ip": "RT_VALID_FORMAT_IPVANYADDRESS",
                  # ASP.NET Core's char: exactly one character (LENGTH_FORMATS: checked as minLength/maxLength 1)
                  "char": None,
                  # drf-spectacular's DecimalField: a decimal number as text
                  "decimal": "RT_VALID_FORMAT_DECIMAL",
                  # pydantic's UUID1, UUID3, UUID4, UUID5
                  "uuid1": "RT_VALID_FORMAT_UUID1", "uuid3": "RT_VALID_FORMAT_UUID3",
                  "uuid4": "RT_VALID_FORMAT_UUID4", "uuid5": "RT_VALID_FORMAT_UUID5",
                  # JSON Schema's URI family (RFC 3986, 3987, 6570) and JSON pointers (RFC 6901)
                  "uri-reference": "RT_VALID_FORMAT_URI_REFERENCE", "iri": "RT_VALID_FORMAT_IRI",
                  "iri-reference": "RT_VALID_FORMAT_IRI_REFERENCE", "uri-template": "RT_VALID_FORMAT_URI_TEMPLATE",
                  "json-pointer": "RT_VALID_FORMAT_JSON_POINTER",
                  "relative-json-pointer": "RT_VALID_FORMAT_RELATIVE_JSON_POINTER",
                  # internationalized names: IDNA2008 host names (libidn2), RFC 6531 addresses
                  "idn-hostname": "RT_VALID_FORMAT_IDN_HOSTNAME", "idn-email": "RT_VALID_FORMAT_IDN_EMAIL",
                  # an ECMA-262 regular expression (u flag), syntax only: pydantic's Pattern
                  "regex": "RT_VALID_FORMAT_REGEX",
                  # OpenAPI's format registry: "a hint to obscure the value" (UIs mask it), no constraint on it;
                  # FastAPI's OAuth2PasswordRequestForm writes it on password and client_secret
                  "password": None,
                  # pydantic's Path: any text is a path (it is not looked up), so nothing to check
                  "path": None}
# Formats refused with more to say than "not supported".
FORMAT_REFUSALS = {
    "file-path": "pydantic's FilePath checks that the file exists on the server, which request validation does "
                 "not do: declare format path and check the file in the handler",
    "directory-path": "pydantic's DirectoryPath checks that the directory exists on the server, which request "
                      "validation does not do: declare format path and check it in the handler",
}


def format_refusal(where, fmt, supported, kind="string"):
    """The SpecError for an unsupported format at where, on a schema of this kind (string, integer, number...;
    supported: the names to list)."""
    why = FORMAT_REFUSALS.get(fmt) if isinstance(fmt, str) else None
    return SpecError("%s: %s format %r is not supported (%s)" % (where, kind, fmt, why or "supported: " +
                                                                ", ".join(sorted(supported))))


def numeric_on_string(where, fmt):
    """The SpecError for format float or double on a schema whose only type is string (an integer format there is
    a decimal integer as text: INTEGER_TEXT_FORMATS)."""
    return SpecError("%s: format %r is a number's format, on a string: which texts it would admit (\"1e3\", "
                     "\"NaN\", \"Infinity\"?) is not defined, so it is not supported: declare type: number (or "
                     "[number, string]), or format decimal (a decimal number as text)" % (where, fmt))


def format_on_other_type(where, fmt, for_strings, types):
    """The SpecError for a format that applies to strings (for_strings) or numbers only, on a schema whose types
    are all others: it would check nothing."""
    return SpecError("%s: format %r applies to %s only, and this schema's type is %s: it would check nothing"
                     % (where, fmt, "strings" if for_strings else "numbers", " or ".join(types)))


def check_keywords(schema, kind, where):
    """Refuse the keywords of schema that a schema of this kind (a key of KEYWORDS) may not use (x-* extensions
    are annotations)."""
    unknown = sorted(k for k in set(schema) - KEYWORDS[kind] - DOC_KEYWORDS if not k.startswith("x-"))
    if unknown:
        raise SpecError("%s: unsupported schema keyword(s) %s" % (where, ", ".join(unknown)))


def string_format(fmt, where):
    """The RT_VALID_FORMAT_* constant for a string format (None: a hint, nothing to check); refuses the formats
    the runtime does not check."""
    if fmt in INTEGER_TEXT_FORMATS:
        return INTEGER_TEXT_FORMATS[fmt]
    if fmt in NUMERIC_FORMATS:
        raise numeric_on_string(where, fmt)
    if fmt not in STRING_FORMATS:
        raise format_refusal(where, fmt, STRING_FORMATS)
    return STRING_FORMATS[fmt]


def string_type(schema):
    """Whether string is one of the types schema declares (no type: any)."""
    types = schema.get("type")
    return types is None or types == "string" or (isinstance(types, list) and "string" in types)


def with_length_format(schema):
    """schema with the lengths a LENGTH_FORMATS format (char) gives, within its own minLength and maxLength."""
    n = LENGTH_FORMATS.get(schema.get("format")) if isinstance(schema.get("format"), str) else None
    if n is None:
        return schema
    return dict(schema, minLength=max(schema.get("minLength", 0), n), maxLength=min(schema.get("maxLength", n), n))


def check_format(schema, where):
    """The format of schema (None: none), refused where it is unknown or would check nothing: a string format on
    a schema whose types include no string, a number's (int64...) on one whose types include no number."""
    fmt = schema.get("format")
    if fmt is None:
        return None
    types = schema.get("type")
    types = [types] if isinstance(types, str) else types if isinstance(types, list) else None
    strings_too = types is None or "string" in types
    numbers_too = types is None or "integer" in types or "number" in types
    kind = "/".join(x for x in (types or []) if x != "null") or "string or number"
    if not isinstance(fmt, str) or (fmt not in STRING_FORMATS and fmt not in NUMERIC_FORMATS):
        supported = (STRING_FORMATS if strings_too else {}).keys() | (NUMERIC_FORMATS if numbers_too else set())
        raise format_refusal(where + "/format", fmt, supported or STRING_FORMATS.keys() | NUMERIC_FORMATS, kind)
    if fmt in NUMERIC_FORMATS and not numbers_too and fmt not in INTEGER_TEXT_FORMATS:
        if strings_too:
            raise numeric_on_string(where + "/format", fmt)
        raise format_on_other_type(where + "/format", fmt, False, [x for x in types if x != "null"])
    if fmt in INTEGER_TEXT_FORMATS and not numbers_too and not strings_too:
        raise format_on_other_type(where + "/format", fmt, False, [x for x in types if x != "null"])
    if fmt in STRING_FORMATS and not strings_too and not (fmt in NUMBER_TOO_FORMATS and numbers_too):
        raise format_on_other_type(where + "/format", fmt, True, [x for x in types if x != "null"])
    return fmt


def check_number_format(schema, where, kind="number"):
    """Refuse a format an integer or number (kind) schema cannot have."""
    fmt = schema.get("format")
    if "format" in schema and fmt not in NUMERIC_FORMATS and fmt not in NUMBER_TOO_FORMATS:
        if isinstance(fmt, str) and fmt in STRING_FORMATS:
            raise format_on_other_type(where, fmt, True, [kind])
        raise format_refusal(where, fmt, NUMERIC_FORMATS, kind)


def check_string_enum(values, where):
    if not values or not all(isinstance(v, str) for v in values):
        raise SpecError("%s: only non-empty enums of strings are supported" % where)
