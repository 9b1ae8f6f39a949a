/*
 * rt_valid_schema_value — const and enum, and the JSON equality they (and
 * uniqueItems) compare with.  The spec's values are generated as JSON text
 * and parsed once, under a lock, on first use; they live as long as the
 * process.
 */
#include "rt_valid_schema.h"

#include "rt_valid_json.h"

#include <json-c/json.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static pthread_mutex_t value_lock = PTHREAD_MUTEX_INITIALIZER;

static struct json_object *spec_value(struct rt_valid_schema_json *v)
{
    if (__atomic_load_n(&v->ready, __ATOMIC_ACQUIRE))
        return v->value;
    pthread_mutex_lock(&value_lock);
    if (!v->ready) {
        v->value = rt_valid_json_value(v->text); /* the generator wrote valid JSON; "null" parses to NULL */
        __atomic_store_n(&v->ready, 1, __ATOMIC_RELEASE);
    }
    pthread_mutex_unlock(&value_lock);
    return v->value;
}

static bool is_number(struct json_object *j)
{
    return json_object_get_type(j) == json_type_int || json_object_get_type(j) == json_type_double;
}

static bool numbers_equal(struct json_object *a, struct json_object *b)
{
    if (json_object_get_type(a) == json_type_int && json_object_get_type(b) == json_type_int)
        return json_object_get_int64(a) == json_object_get_int64(b) &&
               json_object_get_uint64(a) == json_object_get_uint64(b);
    return json_object_get_double(a) == json_object_get_double(b);
}

static bool objects_equal(struct json_object *a, struct json_object *b)
{
    if (json_object_object_length(a) != json_object_object_length(b))
        return false;
    json_object_object_foreach(a, key, va)
    {
        struct json_object *vb;

        if (!json_object_object_get_ex(b, key, &vb) || !rt_valid_schema_equal(va, vb))
            return false;
    }
    return true;
}

bool rt_valid_schema_equal(struct json_object *a, struct json_object *b)
{
    size_t i, n;

    if (is_number(a) && is_number(b))
        return numbers_equal(a, b);
    if (json_object_get_type(a) != json_object_get_type(b))
        return false;
    switch (json_object_get_type(a)) {
    case json_type_null:
        return true;
    case json_type_boolean:
        return json_object_get_boolean(a) == json_object_get_boolean(b);
    case json_type_string:
        return json_object_get_string_len(a) == json_object_get_string_len(b) &&
               memcmp(json_object_get_string(a), json_object_get_string(b),
                      (size_t)json_object_get_string_len(a)) == 0;
    case json_type_array:
        n = json_object_array_length(a);
        if (n != json_object_array_length(b))
            return false;
        for (i = 0; i < n; i++)
            if (!rt_valid_schema_equal(json_object_array_get_idx(a, i), json_object_array_get_idx(b, i)))
                return false;
        return true;
    case json_type_object:
        return objects_equal(a, b);
    default:
        return false;
    }
}

/* One value as Python prints it in pydantic's messages: 'a', 1, True, None; arrays and objects as JSON. */
static void py_repr(struct rt_valid_schema_json *v, char *buf, size_t size)
{
    struct json_object *j = spec_value(v);

    switch (json_object_get_type(j)) {
    case json_type_null:
        snprintf(buf, size, "None");
        break;
    case json_type_boolean:
        snprintf(buf, size, "%s", json_object_get_boolean(j) ? "True" : "False");
        break;
    case json_type_string:
        snprintf(buf, size, "'%s'", json_object_get_string(j));
        break;
    default:
        snprintf(buf, size, "%s", v->text);
        break;
    }
}

/* pydantic's literal_error: ctx {"expected": "'a', 1 or None"}. */
static void literal_error(struct rt_valid_schema_json *values, size_t n, struct json_object *j,
                          struct rt_valid_errors *errs, const struct rt_valid_loc *loc)
{
    struct json_object *ctx;
    char expected[512] = "", one[256], msg[600];
    size_t i, len;

    if (errs == NULL)
        return;
    for (i = 0; i < n; i++) {
        py_repr(&values[i], one, sizeof(one));
        len = strlen(expected);
        snprintf(expected + len, sizeof(expected) - len, "%s%s",
                 i == 0       ? ""
                 : i + 1 == n ? " or "
                              : ", ",
                 one);
    }
    snprintf(msg, sizeof(msg), "Input should be %s", expected);
    ctx = json_object_new_object();
    json_object_object_add(ctx, "expected", json_object_new_string(expected));
    rt_valid_error_add(errs, loc, "literal_error", msg, json_object_get(j), ctx);
}

bool rt_valid_schema_values(const struct rt_valid_schema *s, struct json_object *j,
                            struct rt_valid_errors *errs, const struct rt_valid_loc *loc)
{
    bool ok = true;
    size_t i;

    if (s->konst != NULL && !rt_valid_schema_equal(spec_value(s->konst), j)) {
        literal_error(s->konst, 1, j, errs, loc);
        ok = false;
    }
    if (s->enums != NULL) {
        for (i = 0; i < s->n_enums; i++)
            if (rt_valid_schema_equal(spec_value(&s->enums[i]), j))
                break;
        if (i == s->n_enums) {
            literal_error(s->enums, s->n_enums, j, errs, loc);
            ok = false;
        }
    }
    return ok;
}
