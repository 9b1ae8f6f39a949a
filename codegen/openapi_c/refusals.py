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

NUMERIC_FORMATS = {"int32", "int64", "float", "double"}
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


def format_refusal(where, fmt, supported):
    """The SpecError for an unsupported string format at where (supported: the names to list)."""
    why = FORMAT_REFUSALS.get(fmt) if isinstance(fmt, str) else None
    return SpecError("%s: string format %r is not supported (%s)" % (where, fmt, why or "supported: " +
                                                                    ", ".join(supported)))


def check_keywords(schema, kind, where):
    """Refuse the keywords of schema that a schema of this kind (a key of KEYWORDS) may not use (x-* extensions
    are annotations)."""
    unknown = sorted(k for k in set(schema) - KEYWORDS[kind] - DOC_KEYWORDS if not k.startswith("x-"))
    if unknown:
        raise SpecError("%s: unsupported schema keyword(s) %s" % (where, ", ".join(unknown)))


def string_format(fmt, where):
    """The RT_VALID_FORMAT_* constant for a string format (None: a hint, nothing to check); refuses the formats
    the runtime does not check."""
    if fmt not in STRING_FORMATS:
        raise format_refusal(where, fmt, sorted(STRING_FORMATS))
    return STRING_FORMATS[fmt]


def check_number_format(schema, where):
    if "format" in schema and schema["format"] not in NUMERIC_FORMATS:
        raise SpecError("%s: number format %r is not supported" % (where, schema["format"]))


def check_string_enum(values, where):
    if not values or not all(isinstance(v, str) for v in values):
        raise SpecError("%s: only non-empty enums of strings are supported" % where)
