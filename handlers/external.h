/*
 * Calls to external services (handlers/external.c): the module that reads
 * EXTERNAL_API_URLS, the sources of /fetch-external-data.
 */
#ifndef HANDLERS_EXTERNAL_H
#define HANDLERS_EXTERNAL_H

#include "rt_app.h"

/** Declares EXTERNAL_API_URLS and checks it (at least one source, each http:// or https://). */
extern const struct rt_module external_module;

#endif /* HANDLERS_EXTERNAL_H */
