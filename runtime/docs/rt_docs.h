/*
 * rt_docs — the interactive documentation: /openapi.json, /docs (Swagger
 * UI), /docs/oauth2-redirect, /redoc (ReDoc) and the files they load, which
 * are embedded in the binary (see runtime/docs/docs_assets.cmake), so the
 * pages work without any outside network access.  A runtime built with
 * -DASYNC_DEMO_DOCS=OFF embeds none of them: /docs and /redoc then answer
 * 404 saying so, and /openapi.json is still served.
 *
 * Paths answered (GET and HEAD; any other method gets 405 with an Allow
 * header), below the API's base path if it has one (see rt_docs_init()):
 *   /openapi.json                  the spec the application hands over
 *   /docs                          Swagger UI page
 *   /docs/swagger-ui-init.js       its configuration (url: /openapi.json, ...)
 *   /docs/oauth2-redirect          Swagger UI's OAuth2 redirect page
 *   /redoc                         ReDoc page (telemetry disabled)
 *   /static/swagger-ui-<version>/{swagger-ui-bundle.js,swagger-ui.css,
 *                                 oauth2-redirect.js,favicon-32x32.png}
 *   /static/redoc-<version>/redoc.standalone.js
 *
 * Caching: the versioned /static/ files are sent with "Cache-Control: public,
 * max-age=31536000, immutable"; the pages, the init script and the spec with
 * "Cache-Control: no-cache".  Everything carries a strong ETag and a matching
 * If-None-Match is answered with 304.  Static files are sent gzip-compressed
 * (precompressed at build time) to clients that accept it.  The HTML pages
 * carry a Content-Security-Policy that allows only same-origin scripts,
 * styles, images and connections, so no third-party request can leave the
 * browser from them.
 *
 * Threading: rt_docs_init() must be called once, before any worker thread
 * starts; after that, rt_docs_handle() only reads shared state and may be
 * called from every worker concurrently.
 */
#ifndef RT_DOCS_H
#define RT_DOCS_H

#include <stdbool.h>
#include <stddef.h>

struct rt_req;

/**
 * Prepare the pages, URLs and ETags (hashes the embedded files once) for
 * the spec @p spec_json (@p spec_json_len bytes, static storage) titled
 * @p title, served under @p base_path ("" for the root, else "/a/b": see
 * rt_base_path.h).  The paths above are then those under @p base_path (the
 * caller mounts the request first), and every URL the pages load starts
 * with it.  @p rewrite_servers: the spec's own `servers` do not say
 * @p base_path (BASE_PATH overrides them), so the /openapi.json served
 * gets `servers: [{url: <base_path>}]` instead (and loses the path items'
 * and operations' own servers), for Swagger UI's "Try it out" to call this
 * server.  Call it once before rt_docs_handle(), before workers start;
 * calling it again is a no-op.
 * @return 0 on success, -1 on failure (a page did not fit its buffer, or
 * the spec is not JSON: programming errors, logged nowhere; the caller
 * reports it).
 */
int rt_docs_init(const char *title, const char *spec_json, size_t spec_json_len, const char *base_path,
                 bool rewrite_servers);

/**
 * Answer @p req if its path is one of the documentation paths above.
 * Requires rt_docs_init() to have succeeded.
 * @return 1 if the request was answered (it must not be used afterwards),
 * 0 if the path is not a documentation path (the request is untouched).
 */
int rt_docs_handle(struct rt_req *req);

/**
 * @return whether this build embeds the documentation pages' assets (/docs and /redoc answer), false when it
 * was built with -DASYNC_DEMO_DOCS=OFF (they answer 404 saying so; /openapi.json is served either way).
 */
bool rt_docs_pages_embedded(void);

#endif /* RT_DOCS_H */
