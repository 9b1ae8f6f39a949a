/*
 * rt_docs_spec: see rt_docs_spec.h.
 */
#include "rt_docs_spec.h"

#include "rt_mem.h"

#include <json-c/json.h>
#include <string.h>

/* Remove `servers` from every path item and operation of @paths (the methods are the only objects there). */
static void drop_inner_servers(struct json_object *paths)
{
    json_object_object_foreach(paths, path, item)
    {
        (void)path;
        if (!json_object_is_type(item, json_type_object))
            continue;
        json_object_object_del(item, "servers");
        json_object_object_foreach(item, key, op)
        {
            (void)key;
            if (json_object_is_type(op, json_type_object))
                json_object_object_del(op, "servers");
        }
    }
}

char *rt_docs_spec_with_base(const char *spec_json, size_t len, const char *base_path, size_t *out_len)
{
    struct json_tokener *tok = json_tokener_new();
    struct json_object *spec = json_tokener_parse_ex(tok, spec_json, (int)len), *servers, *server, *paths;
    const char *text;
    char *out = NULL;

    json_tokener_free(tok);
    if (spec == NULL || !json_object_is_type(spec, json_type_object))
        goto done;
    server = json_object_new_object();
    json_object_object_add(server, "url", json_object_new_string(base_path[0] != '\0' ? base_path : "/"));
    json_object_object_add(server, "description",
                           json_object_new_string("This server (the base path set by BASE_PATH)"));
    servers = json_object_new_array();
    json_object_array_add(servers, server);
    json_object_object_add(spec, "servers", servers); /* replaces, in place when it was there */
    if (json_object_object_get_ex(spec, "paths", &paths) && json_object_is_type(paths, json_type_object))
        drop_inner_servers(paths);
    text = json_object_to_json_string_ext(spec, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    *out_len = strlen(text);
    out = rt_xmalloc(*out_len + 1);
    memcpy(out, text, *out_len + 1);
done:
    json_object_put(spec);
    return out;
}
