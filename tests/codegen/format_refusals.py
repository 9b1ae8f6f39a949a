"""Audit 25's formats and no-op fields: what other tools write (integer widths, numeric formats on strings or
without a type, char, decimal, ip; callbacks: {}, a header's allowEmptyValue: false, nullable: false in 3.1) is
enforced or refused with its JSON pointer, never ignored.  Run by test_codegen.py with its helpers."""

ITEM = "#/paths/~1items~1{item_id}/get"
SCHEMAS = "#/components/schemas/"
REPLY = "#/paths/~1replies~1{mode}/get/responses"


def reply_header(name, header):
    return lambda s: s["paths"]["/replies/{mode}"]["get"]["responses"]["201"]["headers"].update({name: header})


def body_prop(name, schema):
    """A mutation adding property name (schema) to ItemCreate, the body of create_item."""
    return lambda s: s["components"]["schemas"]["ItemCreate"]["properties"].update({name: schema})


def test_noop_fields(tmp, refused, accepted):
    """Fields tools write with their default value, which says nothing, are accepted; other values refused."""
    item_get = lambda s: s["paths"]["/items/{item_id}"]["get"]
    accepted(tmp, lambda s: item_get(s).update(callbacks={}), "callbacks: {} (OpenApiSpex)")
    accepted(tmp, lambda s: s.update(webhooks={}), "webhooks: {}")
    accepted(tmp, lambda s: s["components"].update(callbacks={}), "components callbacks: {}")
    refused(tmp, lambda s: s["components"].update(callbacks={"c": {}}), "callbacks are not supported",
            "#/components/callbacks")
    accepted(tmp, reply_header("X-Quiet", {"schema": {"type": "string"}, "allowEmptyValue": False,
                                           "allowReserved": False}), "a header's allowEmptyValue/allowReserved false")
    refused(tmp, reply_header("X-Quiet", {"schema": {"type": "string"}, "allowEmptyValue": True}),
            "unknown Header field 'allowEmptyValue'", REPLY + "/201/headers/X-Quiet/allowEmptyValue")
    refused(tmp, reply_header("X-Quiet", {"schema": {"type": "string"}, "allowReserved": True}),
            "unknown Header field 'allowReserved'", REPLY + "/201/headers/X-Quiet/allowReserved")
    accepted(tmp, body_prop("x", {"type": "string", "nullable": False}), "nullable: false in 3.1")
    refused(tmp, body_prop("x", {"type": "string", "nullable": 0}), "nullable is an OpenAPI 3.0 keyword",
            SCHEMAS + "ItemCreate/properties/x/nullable")


def test_formats(tmp, refused, accepted, mutated, read_all, ok):
    pass
