/*
 * libFuzzer target: the router.  Input: one byte choosing the method, then
 * the request target ("/path?query").  It goes through api_dispatch() as a
 * detached request; every handler is the core library's weak default
 * (501), so what is fuzzed is routing, percent-decoding, 404/405/307 and
 * the parameter validation in front of each operation.
 *
 * Only targets an HTTP client can send are tried (visible ASCII, starting
 * with '/'): anything else never gets past rt_http_parse.c.
 */
#include "api.h"
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    api_init();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const enum rt_method methods[] = {RT_METHOD_GET,     RT_METHOD_HEAD,   RT_METHOD_POST,
                                             RT_METHOD_PUT,     RT_METHOD_DELETE, RT_METHOD_PATCH,
                                             RT_METHOD_OPTIONS, RT_METHOD_OTHER};
    struct rt_req_capture cap = {0};
    struct rt_req *req;
    char *target;

    if (size < 2)
        return 0;
    target = fuzz_strndup(data + 1, size - 1);
    if (target[0] != '/' || !fuzz_is_target_text(target)) {
        free(target);
        return -1; /* not something a client can send: keep it out of the corpus */
    }
    req = rt_req_new_detached(NULL, methods[data[0] % 8], target, NULL, NULL, 0, &cap);
    FUZZ_CHECK(req != NULL, "rt_req_new_detached refused %s", target);
    api_dispatch(req);
    fuzz_check_capture(&cap);
    FUZZ_CHECK(cap.status != 200 && cap.status != 201, "%s answered %d without a handler", target,
               cap.status);
    rt_req_capture_cleanup(&cap);
    free(target);
    return 0;
}
