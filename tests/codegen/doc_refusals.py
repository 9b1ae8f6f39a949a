"""Broken references and documents that break OpenAPI's own schema: refused with the pointer, never a Python error
(run by test_codegen.py with its helpers)."""

SCHEMAS = "#/components/schemas/"
ITEM = "#/paths/~1items~1{item_id}/get"


def schemas(s):
    return s["components"]["schemas"]


def item_get(s):
    return s["paths"]["/items/{item_id}"]["get"]


def test_refs(tmp, refused, accepted):
    """Every $ref of the document resolves, reached by an operation or not; a $id is declared once; a key of a map
    of names is a name (refs.py)."""
    # a broken $ref where nothing validates with it: still a broken document (the served spec carries it)
    refused(tmp, lambda s: schemas(s).update(Unused={"type": "array", "items": {"$ref": "#/components/schemas/No"}}),
            "unresolved $ref '#/components/schemas/No'", SCHEMAS + "Unused/items/$ref")
    refused(tmp, lambda s: s["components"].update(responses={"Gone": {"description": "x", "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/No"}}}}}),
            "unresolved $ref '#/components/schemas/No'", "#/components/responses/Gone/content/application~1json/schema/$ref")
    refused(tmp, lambda s: item_get(s)["responses"].update({"default": {"$ref": "#/components/responses/No"}}),
            "unresolved $ref '#/components/responses/No'", ITEM + "/responses/default/$ref")
    # a property named like a keyword ("default") is a schema: its $ref under a $id resolves against that $id
    accepted(tmp, lambda s: schemas(s).update(X={"$id": "https://x.example/x", "type": "object", "properties": {
        "default": {"$ref": "#/$defs/s"}}, "$defs": {"s": {"type": "string"}}}), "a property named default")
    refused(tmp, lambda s: schemas(s).update(A={"$id": "https://x.example/a", "type": "array"},
                                             B={"$id": "https://x.example/a", "type": "string"}),
            "'https://x.example/a' is the $id of #/components/schemas/A already", SCHEMAS + "B/$id")


def test_document_schema(tmp, refused):
    """A stage meeting a value of a shape OpenAPI does not allow: the refusal says where the document breaks the
    official schema of its version (docschema.py)."""
    refused(tmp, lambda s: s["components"]["securitySchemes"]["key_q"].update({"in": [1, 2]}),
            "[1, 2] is not one of ['query', 'header', 'cookie'] (the document is not valid OpenAPI 3.1",
            "#/components/securitySchemes/key_q/in")

    def in_list_and_int_code(s):  # YAML's unquoted 200: is an integer key, which the diagnosis must take
        s["components"]["securitySchemes"]["key_q"]["in"] = [1, 2]
        item_get(s)["responses"][299] = {"description": "an integer key"}
    refused(tmp, in_list_and_int_code, "[1, 2] is not one of ['query', 'header', 'cookie']",
            "#/components/securitySchemes/key_q/in")
    refused(tmp, lambda s: schemas(s)["Owner"]["properties"]["pet"]["oneOf"][1].update({"$ref": 1}),
            "1 is not of type 'string' (the document is not valid OpenAPI 3.1",
            SCHEMAS + "Owner/properties/pet/oneOf/1/$ref")
