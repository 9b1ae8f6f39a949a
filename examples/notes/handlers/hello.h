/*
 * Greetings (handlers/hello.c): the module that declares GREETING.
 */
#ifndef NOTES_HELLO_H
#define NOTES_HELLO_H

#include "rt_app.h"

/** Declares GREETING, the word GET /hello/{name} answers with. */
extern const struct rt_module hello_module;

#endif /* NOTES_HELLO_H */
