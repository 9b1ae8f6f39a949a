/*
 * The store: place an order, read it back, count the pets per status.
 *
 * An order's body is a composition (allOf) validated as a JSON value: the
 * handler reads its members from the JSON, and stores the receipt (the
 * Receipt model's JSON) under the order's uuid.
 */
#include "api.h"
#include "petstore.h"
#include "rt_req.h"
#include "store.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

static void cleanup_receipt(void *arg)
{
    api_receipt__cleanup(arg);
}

void handle_place_order(struct rt_req *req, const struct api_place_order_params *params)
{
    struct json_object *order = params->body, *payment, *complete;
    struct api_receipt r = {.status = ps_string(order, "status"), .ship_date = ps_string(order, "shipDate")};
    struct store_rec pet;
    char id[37], suffix[64];

    ps_int(order, "petId", &r.pet_id);
    ps_int(order, "quantity", &r.quantity);
    if (store_get(req, STORE_PETS, r.pet_id, NULL, &pet) != 0) {
        api_place_order__reply_404_detail(req, "Pet not found");
        return;
    }
    if (r.status == NULL)
        r.status = API_RECEIPT_STATUS_PLACED;
    r.complete = json_object_object_get_ex(order, "complete", &complete) && json_object_get_boolean(complete);
    json_object_object_get_ex(order, "payment", &payment);
    r.paid_with = json_object_object_get_ex(payment, "card", NULL) ? API_RECEIPT_PAID_WITH_CARD
                                                                   : API_RECEIPT_PAID_WITH_VOUCHER;
    ps_uuid(id);
    r.id = id;
    if (store_add(STORE_ORDERS, id, ps_text(req, api_receipt__to_json(&r)), NULL) == STORE_FULL) {
        api_place_order__reply_507_detail(req, "The store is full");
        return;
    }
    snprintf(suffix, sizeof(suffix), "/store/orders/%s", id);
    api_place_order__reply_201(req, &r, ps_location(req, suffix));
}

void handle_get_order(struct rt_req *req, const struct api_get_order_params *params)
{
    struct store_rec rec;
    struct json_object *j;
    struct api_receipt *r = rt_req_alloc(req, sizeof(*r));
    struct rt_valid_errors errs;
    int rc;

    /* uuids are stored lower-case; the path may say them in upper case */
    char *key = rt_req_strndup(req, params->order_id, strlen(params->order_id));
    for (char *p = key; *p != '\0'; p++)
        *p = (char)(*p >= 'A' && *p <= 'F' ? *p - 'A' + 'a' : *p);
    if (store_get(req, STORE_ORDERS, 0, key, &rec) != 0 || (j = ps_parse(req, rec.doc)) == NULL) {
        api_get_order__reply_404_detail(req, "Order not found");
        return;
    }
    rt_valid_errors_init(&errs);
    rc = api_receipt__from_json(j, r, &errs, NULL);
    rt_valid_errors_cleanup(&errs);
    rt_req_defer(req, cleanup_receipt, r);
    if (rc != 0) {
        rt_req_reply_detail(req, 500, "Internal Server Error");
        return;
    }
    api_get_order__reply_200(req, r);
}

static bool count(const struct store_rec *rec, void *arg)
{
    struct json_object *counts = arg, *pet = json_tokener_parse(rec->doc), *n;
    const char *status = pet != NULL ? ps_string(pet, "status") : NULL;

    if (status == NULL)
        status = "unknown";
    if (json_object_object_get_ex(counts, status, &n))
        json_object_set_int64(n, json_object_get_int64(n) + 1);
    else
        json_object_object_add(counts, status, json_object_new_int64(1));
    json_object_put(pet);
    return true;
}

void handle_get_inventory(struct rt_req *req, const struct api_get_inventory_params *params)
{
    struct json_object *counts = json_object_new_object();

    (void)params;
    store_each(STORE_PETS, count, counts);
    api_get_inventory__reply_200(req, counts);
}
