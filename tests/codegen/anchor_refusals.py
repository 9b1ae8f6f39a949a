"""$anchor (codegen/openapi_c/anchors.py): a $ref "#name" or "<uri>#name" resolves to the schema carrying
"$anchor": "name" in the resource the URI names; an anchor that is not a plain name, declared twice in a resource,
or that no schema declares is refused with its JSON pointer.  Run by test_codegen.py with its helpers.  (The
fixture's Stock.tags, {$ref: "#tag"}, is enforced end to end by codegen.fixture; the JSON Schema Test Suite's
anchor groups by codegen.jsonschema_suite.)"""

import re
import subprocess

SCHEMAS = "#/components/schemas/"
X = SCHEMAS + "ItemCreate/properties/x"
SIZED = "https://example.com/sized"
# A resource of its own: "#small" inside it and SIZED#small outside name $defs/small.
SIZED_SCHEMA = {"$id": SIZED, "type": "object", "properties": {"n": {"$ref": "#small"}},
                "$defs": {"small": {"$anchor": "small", "type": "integer", "maximum": 3}}}


def schemas(s):
    return s["components"]["schemas"]


def props(s):
    return schemas(s)["ItemCreate"]["properties"]


def test_anchors(tmp, refused, accepted, mutated, read_all, ok):
    refused(tmp, lambda s: props(s).update(x={"$anchor": "1st", "type": "string"}),
            "must be a plain name (a letter or '_', then letters, digits, '-', '_', '.'), not '1st'", X + "/$anchor")
    refused(tmp, lambda s: props(s).update(x={"$anchor": "a#b"}), "not 'a#b'", X + "/$anchor")
    refused(tmp, lambda s: props(s).update(x={"$anchor": "tag"}),  # the fixture's Tag is "tag" already
            "anchor 'tag' is declared twice in the schema resource of the document (first at %s)" % X,
            SCHEMAS + "Tag/$anchor")  # the mutated fixture is written with its keys sorted
    refused(tmp, lambda s: props(s).update(x={"$ref": "#nope"}),
            "$ref '#nope': no schema in the document declares \"$anchor\": 'nope'", X + "/$ref")
    # an anchor is looked up in its resource only: Tag's "tag" is not in SIZED's, nor SIZED's "small" in the document's
    refused(tmp, lambda s: (schemas(s).update(Sized=SIZED_SCHEMA), props(s).update(x={"$ref": SIZED + "#tag"})),
            "no schema in the schema resource %s declares \"$anchor\": 'tag'" % SIZED, X + "/$ref")
    refused(tmp, lambda s: (schemas(s).update(Sized=SIZED_SCHEMA), props(s).update(x={"$ref": "#small"})),
            "no schema in the document declares \"$anchor\": 'small'", X + "/$ref")
    refused(tmp, lambda s: props(s).update(x={"$ref": "https://example.com/other#a"}),
            "no schema with $id https://example.com/other in the document, so no anchor 'a' in it", X + "/$ref")
    refused(tmp, lambda s: schemas(s).update(Sized=SIZED_SCHEMA, Again={"$id": SIZED, "$ref": SIZED + "#small"}),
            "the $id %s is declared by several schemas (%sAgain, %sSized)" % (SIZED, SCHEMAS, SCHEMAS),
            SCHEMAS + "Again/$ref")
    # a $id outside components/schemas starts no resource codegen resolves against: anchors under it are refused
    body = "#/paths/~1items~1/post/requestBody/content/application~1json/schema"
    inline = {"$id": "https://example.com/inline", "type": "object", "properties": {"a": {"$ref": "#a"}},
              "$defs": {"a": {"$anchor": "a", "type": "integer"}}}
    refused(tmp, lambda s: s["paths"]["/items/"]["post"]["requestBody"]["content"]["application/json"].update(
        schema=inline), "under the $id of %s, outside #/components/schemas" % body, body + "/$defs/a/$anchor")
    # an "$anchor" inside an enum, a const or an example is data, not an anchor: "tag" is Tag's alone
    accepted(tmp, lambda s: props(s).update(x={"enum": [{"$anchor": "tag"}]}, y={"const": {"$anchor": "tag"}},
                                            z={"$ref": "#tag", "examples": [{"$anchor": "tag"}]}),
             "an $anchor in data is no anchor")

    # By URI and from inside the resource: both become the pointer of $defs/small, as a $ref by pointer would
    def by_uri(s):
        schemas(s).update(Sized=SIZED_SCHEMA)
        props(s).update(x={"$ref": SIZED + "#small"}, y={"$ref": "#tag"}, z={"$ref": SCHEMAS + "Sized"})

    r, out = mutated(tmp, by_uri)
    files = read_all(out) if r.returncode == 0 else {}
    models, spec = files.get("api_models.c", ""), files.get("api_spec.c", "").replace('"\n    "', "")
    wheres = dict((name, where) for name, where in re.findall(r"struct rt_valid_schema (schema_\d+) = \{\n    "
                                                            r"\.where = \"([^\"]*)\"", models))
    refs = dict((where, wheres.get(target)) for where, target in re.findall(r"\.where = \"([^\"]*)\",\n    "
                                                                            r"\.ref = &(schema_\d+)", models))
    small = SCHEMAS + "Sized/$defs/small"
    ok(r.returncode == 0 and refs.get(X) == small and refs.get(SCHEMAS + "Sized/properties/n") == small,
       "a $ref by anchor, by URI and inside its resource: the table of the anchor's schema: %s %s"
       % (r.stderr.strip(), refs))
    ok("#small" not in spec and "#tag" not in spec and ('\\"$ref\\":\\"%s#/$defs/small\\"' % SIZED) in spec and
       '\\"$ref\\":\\"#/$defs/small\\"' in spec, "the spec served has pointers instead of anchors")
    ok(re.search(r"rule_item_create_y = \{\n    \.kind = RT_VALID_OBJECT,\n    \.model = &api_tag__model,", models)
       is not None, "a $ref \"#tag\" to a component's anchor is that component's model, as its pointer is")
    subprocess.run(["rm", "-rf", out], check=True)


NUMBERS = "https://example.com/numbers"
# The suite's pattern: a list whose items are what the schema that $ref it says ($dynamicAnchor "item").
LIST = {"$id": "list", "type": "array", "items": {"$dynamicRef": "#item"}, "$defs": {"item": {"$dynamicAnchor": "item"}}}
NUMBERS_SCHEMA = {"$id": NUMBERS, "$ref": "list",
                  "$defs": {"item": {"$dynamicAnchor": "item", "type": "integer", "maximum": 3}, "list": LIST}}


def test_dynamic(tmp, refused, accepted, mutated, read_all, ok):
    """$dynamicRef (codegen/openapi_c/dynamic.py): made a $ref where every path reaching it binds it to one schema,
    refused where the dynamic scope decides (a static table per schema cannot be both)."""
    refused(tmp, lambda s: props(s).update(x={"$dynamicRef": "#nope"}),
            "$dynamicRef '#nope': no schema in the document declares \"$anchor\": 'nope'", X + "/$dynamicRef")
    refused(tmp, lambda s: props(s).update(x={"$dynamicAnchor": "2x"}), "not '2x'", X + "/$dynamicAnchor")
    refused(tmp, lambda s: props(s).update(x={"$dynamicRef": 3}), "must be a string", X + "/$dynamicRef")
    refused(tmp, lambda s: props(s).update(x={"$dynamicRef": "tag.yaml#/T"}), "$dynamicRef 'tag.yaml#/T': no schema "
            "with $id tag.yaml in the document (other files are bundled through $ref only", X + "/$dynamicRef")
    # a meta-schema extending JSON Schema's: the bundled one's $dynamicRef "#meta" would have to reach it
    meta = "https://json-schema.org/draft/2020-12/schema"
    refused(tmp, lambda s: schemas(s).update(Meta={"$id": "https://example.com/meta", "$dynamicAnchor": "meta",
                                                   "$ref": meta}),
            "JSON Schema's meta-schema is reached where %sMeta/$dynamicAnchor 'meta' is in the dynamic scope"
            % SCHEMAS, SCHEMAS + "Meta")
    # a list of numbers and a list of strings share the generic list's schema: its items depend on the path
    strings = {"$id": "https://example.com/strings", "$ref": "list",  # https://example.com/list, Numbers' list
               "$defs": {"item": {"$dynamicAnchor": "item", "type": "string"}}}
    refused(tmp, lambda s: schemas(s).update(Numbers=NUMBERS_SCHEMA, Strings=strings),
            "$dynamicRef '#item' resolves to a different schema depending on the dynamic scope (%sNumbers/$defs/item, "
            "%sStrings/$defs/item, by the path validation takes)" % (SCHEMAS, SCHEMAS),
            SCHEMAS + "Numbers/$defs/list/items/$dynamicRef")

    def numbers(s):
        schemas(s).update(Numbers=NUMBERS_SCHEMA)
        props(s).update(x={"$ref": SCHEMAS + "Numbers"}, y={"$dynamicRef": "#/components/schemas/Tag"})

    r, out = mutated(tmp, numbers)
    files = read_all(out) if r.returncode == 0 else {}
    models, spec = files.get("api_models.c", ""), files.get("api_spec.c", "").replace('"\n    "', "")
    wheres = dict(re.findall(r"struct rt_valid_schema (schema_\d+) = \{\n    \.where = \"([^\"]*)\"", models))
    refs = dict((where, wheres.get(target)) for where, target in re.findall(r"\.where = \"([^\"]*)\",\n    "
                                                                            r"\.ref = &(schema_\d+)", models))
    ok(r.returncode == 0 and refs.get(SCHEMAS + "Numbers/$defs/list/items") == SCHEMAS + "Numbers/$defs/item",
       "one path binds the list's items to Numbers' item: a $ref to it: %s %s" % (r.stderr.strip(), refs))
    ok("$dynamicRef" not in spec and ('\\"items\\":{\\"$ref\\":\\"%s#/$defs/item\\"}' % NUMBERS) in spec,
       "the spec served has the $ref")
    ok(re.search(r"rule_item_create_y = \{\n    \.kind = RT_VALID_OBJECT,\n    \.model = &api_tag__model,", models)
       is not None, "a $dynamicRef by JSON pointer is a $ref")
    subprocess.run(["rm", "-rf", out], check=True)


def ref_tables(r, out, read_all):
    """The generated models and {pointer of a schema: pointer of the schema its .ref table is}."""
    models = read_all(out).get("api_models.c", "") if r.returncode == 0 else ""
    wheres = dict(re.findall(r"struct rt_valid_schema (schema_\d+) = \{\n    \.where = \"([^\"]*)\"", models))
    return models, dict((where, wheres.get(target)) for where, target in
                        re.findall(r"\.where = \"([^\"]*)\",\n    \.ref = &(schema_\d+)", models))


def test_keyword_names(tmp, refused, accepted, mutated, read_all, ok):
    """A property named like a keyword that maps names ("properties", "$defs") is a schema: its $ref, $anchor and
    $dynamicRef count (anchors.py, dynamic.py and bundle.py once decided it from the pointer's last token)."""
    # the reviewer's reproduction: the generic list under a property named "properties" is bound two ways
    lst = {"$id": "https://x/l", "$dynamicAnchor": "item", "type": "array", "items": {"$dynamicRef": "#item"}}
    b = {"$id": "https://x/b", "$dynamicAnchor": "item", "type": "object",
         "properties": {"properties": {"$ref": "https://x/l"}}}
    refused(tmp, lambda s: (schemas(s).update(L=lst, B=b), props(s).update(x={"$ref": SCHEMAS + "B"})),
            "$dynamicRef '#item' resolves to a different schema depending on the dynamic scope (%sB, %sL, "
            % (SCHEMAS, SCHEMAS), SCHEMAS + "L/items/$dynamicRef")
    # the same under a property named "$defs" of a schema that $ref the list
    b2 = {"$id": "https://x/b", "$dynamicAnchor": "item", "type": "object",
          "properties": {"$defs": {"type": "object", "properties": {"$defs": {"$ref": "https://x/l"}}}}}
    refused(tmp, lambda s: (schemas(s).update(L=lst, B=b2), props(s).update(x={"$ref": SCHEMAS + "B"})),
            "resolves to a different schema depending on the dynamic scope (%sB, %sL, " % (SCHEMAS, SCHEMAS),
            SCHEMAS + "L/items/$dynamicRef")

    # "#tag" and an $anchor inside properties named "properties", a $dynamicRef in one named "$defs"
    deep = SCHEMAS + "Deep/properties/properties"
    n2 = "https://example.com/n2"

    def named(s):
        schemas(s).update(Deep={"type": "object", "properties": {
            "properties": {"$anchor": "deep", "type": "integer", "maximum": 7}, "n": {"$ref": "#deep"}}},
            N2={"$id": n2, "type": "object", "properties": {"$defs": {"$dynamicRef": "#item"}},
                "$defs": {"item": {"$dynamicAnchor": "item", "type": "integer", "maximum": 3}}})
        props(s).update(properties={"$ref": "#tag"}, x={"$ref": "#deep"}, y={"$ref": SCHEMAS + "Deep"},
                        z={"$ref": SCHEMAS + "N2"})

    r, out = mutated(tmp, named)
    models, refs = ref_tables(r, out, read_all)
    spec = read_all(out).get("api_spec.c", "").replace('"\n    "', "") if r.returncode == 0 else ""
    seven = r" = \{\n    \.kind = RT_VALID_INTEGER,\n    \.maximum = \{\.text = \"7\""
    ok(r.returncode == 0 and re.search("rule_item_create_x" + seven, models)
       and re.search("rule_deep_n" + seven, models) and spec.count('\\"$ref\\":\\"%s\\"' % deep) == 2,
       "an $anchor in a property named \"properties\": its $ref are that property's schema: %s" % r.stderr.strip())
    ok(re.search(r"rule_item_create_properties = \{\n    \.kind = RT_VALID_OBJECT,\n    \.model = &api_tag__model,",
                 models) is not None, "a $ref \"#tag\" in a property named \"properties\" is Tag's model")
    ok(refs.get(SCHEMAS + "N2/properties/$defs") == SCHEMAS + "N2/$defs/item",
       "a $dynamicRef in a property named \"$defs\" is resolved: %s" % refs)
    subprocess.run(["rm", "-rf", out], check=True)
