/*
 * Who may do what (handlers/auth.c): the verifiers of openapi.yaml's
 * security schemes (declared in generated/api_ops.h) and their settings.
 */
#ifndef HANDLERS_AUTH_H
#define HANDLERS_AUTH_H

#include "rt_app.h"

/** The module that owns ADMIN_API_KEYS and METRICS_TOKEN. */
extern const struct rt_module auth_module;

#endif /* HANDLERS_AUTH_H */
