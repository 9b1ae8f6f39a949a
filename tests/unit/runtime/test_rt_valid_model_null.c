/*
 * rt_valid_model and JSON null: an optional field that may be null is
 * tri-state (absent, null, a value) both ways, a required nullable one
 * unset is null, and a required string, object or union left NULL (or a
 * NULL string item) is reported as the handler's bug
 * (rt_valid_model_write_json_checked()).  Hand-written tables in the
 * layout the generator emits.
 */
#include "test.h"

#include "rt_json.h"
#include "rt_valid.h"
#include "rt_valid_errors.h"
#include "rt_valid_model.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

struct tag {
    const char *name;
};

static const struct rt_valid_rule r_tag_name = {.kind = RT_VALID_STRING};
static const struct rt_valid_field tag_fields[] = {
    {.name = "name",
     .rule = &r_tag_name,
     .required = true,
     .offset = offsetof(struct tag, name),
     .aux_offset = RT_VALID_NO_OFFSET},
};
static const struct rt_valid_model tag_model = {"Tag", sizeof(struct tag), tag_fields, 1, false};
static const struct rt_valid_rule r_tag = {.kind = RT_VALID_OBJECT, .model = &tag_model};
static const struct rt_valid_rule r_any = {.kind = RT_VALID_ANY};

struct patch {
    const char *title;
    int64_t author;
    bool has_author, author_null; /* nullable and optional: absent, null or a value */
    const char *note;
    bool note_null;
    struct json_object *meta;
    bool meta_null;
    int64_t status; /* required and nullable: unset is null */
    bool has_status;
};

static const struct rt_valid_rule r_title = {.kind = RT_VALID_STRING};
static const struct rt_valid_rule r_author = {.kind = RT_VALID_INTEGER, .nullable = true};
static const struct rt_valid_rule r_note = {.kind = RT_VALID_STRING, .nullable = true};
#define PATCH_AT(f) offsetof(struct patch, f)
static const struct rt_valid_field patch_fields[] = {
    {.name = "title", .rule = &r_title, .offset = PATCH_AT(title), .aux_offset = RT_VALID_NO_OFFSET},
    {.name = "author",
     .rule = &r_author,
     .offset = PATCH_AT(author),
     .aux_offset = PATCH_AT(has_author),
     .null_flag = true,
     .null_offset = PATCH_AT(author_null)},
    {.name = "note",
     .rule = &r_note,
     .offset = PATCH_AT(note),
     .aux_offset = RT_VALID_NO_OFFSET,
     .null_flag = true,
     .null_offset = PATCH_AT(note_null)},
    {.name = "meta",
     .rule = &r_any,
     .offset = PATCH_AT(meta),
     .aux_offset = RT_VALID_NO_OFFSET,
     .null_flag = true,
     .null_offset = PATCH_AT(meta_null)},
    {.name = "status",
     .rule = &r_author,
     .required = true,
     .offset = PATCH_AT(status),
     .aux_offset = PATCH_AT(has_status)},
};
static const struct rt_valid_model patch_model = {"Patch", sizeof(struct patch), patch_fields,
                                                  sizeof(patch_fields) / sizeof(patch_fields[0]), false};

static struct patch patch_read(const char *text)
{
    struct json_object *j = json_tokener_parse(text);
    struct rt_valid_errors errs;
    struct patch p;

    rt_valid_errors_init(&errs);
    CHECK(rt_valid_model_from_json(&patch_model, j, &p, &errs, NULL) == 0);
    rt_valid_errors_cleanup(&errs);
    json_object_put(j);
    return p;
}

static int patch_writes(const struct patch *p, const char *expected)
{
    struct json_object *tree = rt_valid_model_to_json(&patch_model, p);
    const char *from_tree = json_object_to_json_string_ext(tree, JSON_C_TO_STRING_PLAIN);
    struct rt_json_buf text = {0}, request = {0};
    int ok;

    rt_valid_model_write_json(&patch_model, p, &text);
    rt_valid_model_write_json_request(&patch_model, p, &request);
    ok = text.len == strlen(expected) && memcmp(text.data, expected, text.len) == 0 &&
         strcmp(from_tree, expected) == 0 && request.len == text.len &&
         memcmp(request.data, text.data, text.len) == 0;
    if (!ok)
        printf("# expected %s\n# write_json %.*s\n# to_json %s\n", expected, (int)text.len, text.data,
               from_tree);
    rt_json_buf_free(&text);
    rt_json_buf_free(&request);
    json_object_put(tree);
    return ok;
}

static void test_null_is_not_absence(void)
{
    struct patch p = patch_read("{\"status\":1}");

    CHECK(!p.has_author && !p.author_null && p.note == NULL && !p.note_null && p.meta == NULL &&
          !p.meta_null);
    CHECK(patch_writes(&p, "{\"status\":1}")); /* absent stays absent, both ways */
    rt_valid_model_cleanup(&patch_model, &p);
    p = patch_read("{\"author\":null,\"note\":null,\"meta\":null,\"status\":null}");
    CHECK(!p.has_author && p.author_null && p.note == NULL && p.note_null && p.meta == NULL && p.meta_null);
    CHECK(!p.has_status); /* required: no _null flag, unset is null */
    CHECK(patch_writes(&p, "{\"author\":null,\"note\":null,\"meta\":null,\"status\":null}"));
    rt_valid_model_cleanup(&patch_model, &p);
    p = patch_read("{\"author\":7,\"note\":\"n\",\"meta\":[1],\"status\":2}");
    CHECK(p.has_author && p.author == 7 && !p.author_null && strcmp(p.note, "n") == 0 && !p.note_null);
    CHECK(patch_writes(&p, "{\"author\":7,\"note\":\"n\",\"meta\":[1],\"status\":2}"));
    rt_valid_model_cleanup(&patch_model, &p);
    /* what a client fills in by hand: only the title (a PATCH that must not clear the author) */
    memset(&p, 0, sizeof(p));
    p.title = "New title";
    CHECK(patch_writes(&p, "{\"title\":\"New title\",\"status\":null}"));
    p.author_null = true; /* "clear the author": null wins over a value */
    p.has_author = true;
    CHECK(patch_writes(&p, "{\"title\":\"New title\",\"author\":null,\"status\":null}"));
}

/* A response with a required string, object or union left NULL (or a NULL string item) breaks its schema. */
struct echo {
    const char *word;
    struct {
        size_t len;
        const char **items;
    } echoes;
    struct tag *main;
    const char *maybe; /* optional: NULL is absence */
};

static const struct rt_valid_rule r_word = {.kind = RT_VALID_STRING};
static const struct rt_valid_rule r_words = {.kind = RT_VALID_ARRAY, .items = &r_word};
static const struct rt_valid_field echo_fields[] = {
    {.name = "word",
     .rule = &r_word,
     .required = true,
     .offset = offsetof(struct echo, word),
     .aux_offset = RT_VALID_NO_OFFSET},
    {.name = "echoes",
     .rule = &r_words,
     .required = true,
     .offset = offsetof(struct echo, echoes.items),
     .aux_offset = offsetof(struct echo, echoes.len)},
    {.name = "main",
     .rule = &r_tag,
     .required = true,
     .offset = offsetof(struct echo, main),
     .aux_offset = RT_VALID_NO_OFFSET},
    {.name = "maybe",
     .rule = &r_word,
     .offset = offsetof(struct echo, maybe),
     .aux_offset = RT_VALID_NO_OFFSET},
};
static const struct rt_valid_model echo_model = {"Echo", sizeof(struct echo), echo_fields, 4, false};

static int echo_bug(const struct echo *e, const char *model, const char *field, bool item)
{
    struct rt_json_buf text = {0};
    struct rt_valid_null_bug bug;
    bool ok = rt_valid_model_write_json_checked(&echo_model, e, &text, &bug);

    rt_json_buf_free(&text);
    if (model == NULL)
        return ok && bug.field == NULL;
    return !ok && strcmp(bug.model, model) == 0 && strcmp(bug.field, field) == 0 && bug.item == item;
}

static void test_null_bugs(void)
{
    const char *items[] = {"a", NULL};
    struct tag tag = {.name = "t"}, bad = {.name = NULL};
    struct echo e = {.word = "w", .echoes = {1, items}, .main = &tag};

    CHECK(echo_bug(&e, NULL, NULL, false)); /* maybe left NULL: absent, no bug */
    e.word = NULL;
    CHECK(echo_bug(&e, "Echo", "word", false));
    e.word = "w";
    e.echoes.len = 2;
    CHECK(echo_bug(&e, "Echo", "echoes", true));
    e.echoes.len = 1;
    e.main = &bad;
    CHECK(echo_bug(&e, "Tag", "name", false)); /* in a nested model */
    e.main = NULL;
    CHECK(echo_bug(&e, "Echo", "main", false));
    {
        struct rt_json_buf text = {0};

        CHECK(!rt_valid_model_write_json_checked(&echo_model, &e, &text, NULL)); /* no bug asked for */
        CHECK(text.len == strlen("{\"word\":\"w\",\"echoes\":[\"a\"],\"main\":null}"));
        rt_json_buf_free(&text);
    }
}

int main(void)
{
    test_null_is_not_absence();
    test_null_bugs();
    return test_done();
}
