/*
 * libFuzzer target: JSON Schema validation (rt_valid_schema and the model
 * tables), over every schema of the official JSON Schema Test Suite.
 *
 * tests/jsonschema/make_suite.py turns each group of the suite into one
 * request body model of one document, whose validators the real generator
 * writes (codegen.jsonschema_suite runs the suite's own instances through
 * them).  Here the instances are the fuzzer's: two bytes choose a group
 * (little-endian, modulo their count), the rest is the instance's JSON text,
 * read as the service reads a body (rt_valid_json_parse, in a buffer of
 * exactly its size) and validated as the body {"v": instance}, as a request
 * body is.  So every keyword the suite's schemas use is driven with values
 * nobody wrote: unevaluatedProperties/Items, $dynamicRef, patterns (PCRE2),
 * formats, integers beyond 64 bits, multipleOf in exact decimal.  ASan and
 * UBSan watch every access; the checks below:
 *   - text that does not parse gets an error, text that parses gets none;
 *   - a verdict agrees with its errors (valid: none; invalid: at least one),
 *     and each error has a type, a loc array and a message;
 *   - the same instance gets the same verdict and the same errors twice.
 */
#include "api_models.h"
#include "fuzz_common.h"
#include "rt_valid_errors.h"
#include "rt_valid_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

extern const struct rt_valid_model *const suite_models[];
extern const unsigned long suite_n_models;

/* Each error of @p list has a type, a loc array and a message. */
static void check_errors(struct json_object *list)
{
    for (size_t i = 0; i < json_object_array_length(list); i++) {
        struct json_object *err = json_object_array_get_idx(list, i), *v;

        FUZZ_CHECK(json_object_object_get_ex(err, "type", &v) && json_object_get_string_len(v) > 0,
                   "an error without a type");
        FUZZ_CHECK(json_object_object_get_ex(err, "loc", &v) && json_object_is_type(v, json_type_array),
                   "an error without a loc");
        FUZZ_CHECK(json_object_object_get_ex(err, "msg", &v) && json_object_get_string_len(v) > 0,
                   "an error without a message");
    }
}

/*
 * Validate @p instance (borrowed) as the body of group @p model; @return the
 * verdict (1 valid, 0 not) with the errors' JSON text in *@p errors_text
 * (malloc'd, the caller frees it).
 */
static int validate(const struct rt_valid_model *model, struct json_object *instance, char **errors_text)
{
    struct json_object *body = json_object_new_object(), *detail;
    struct rt_valid_errors errs;
    void *out = calloc(1, model->size ? model->size : 1);
    int valid;

    FUZZ_CHECK(out != NULL, "out of memory");
    json_object_object_add(body, "v", json_object_get(instance));
    rt_valid_errors_init(&errs);
    valid = rt_valid_model_from_json(model, body, out, &errs, NULL) == 0;
    FUZZ_CHECK(valid == (rt_valid_errors_count(&errs) == 0), "a verdict (%d) and its %zu errors disagree",
               valid, rt_valid_errors_count(&errs));
    if (errs.list != NULL)
        check_errors(errs.list);
    detail = rt_valid_errors_to_json(&errs);
    *errors_text = strdup(json_object_to_json_string_ext(detail, JSON_C_TO_STRING_PLAIN));
    FUZZ_CHECK(*errors_text != NULL, "out of memory");
    json_object_put(detail);
    rt_valid_errors_cleanup(&errs);
    rt_valid_model_cleanup(model, out);
    free(out);
    json_object_put(body);
    return valid;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct rt_valid_model *model;
    struct json_object *instance = NULL;
    struct rt_valid_errors errs;
    char *exact, *first, *again;
    int rc, valid;

    if (size < 2 || suite_n_models == 0)
        return 0;
    model = suite_models[(data[0] | (unsigned)data[1] << 8) % suite_n_models];
    exact = malloc(size - 2 ? size - 2 : 1);
    FUZZ_CHECK(exact != NULL, "out of memory");
    memcpy(exact, data + 2, size - 2);
    rt_valid_errors_init(&errs);
    rc = rt_valid_json_parse(exact, size - 2, &instance, &errs);
    FUZZ_CHECK((rc == 0) == (rt_valid_errors_count(&errs) == 0), "parse answered %d with %zu errors", rc,
               rt_valid_errors_count(&errs));
    rt_valid_errors_cleanup(&errs);
    if (rc == 0) {
        valid = validate(model, instance, &first);
        FUZZ_CHECK(validate(model, instance, &again) == valid && strcmp(first, again) == 0,
                   "two verdicts for one instance: %s, then %s", first, again);
        free(first);
        free(again);
        json_object_put(instance);
    }
    free(exact);
    return 0;
}
