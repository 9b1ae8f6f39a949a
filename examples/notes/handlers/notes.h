/*
 * Notes in the database (handlers/notes.c): the module that owns the notes table.
 */
#ifndef NOTES_NOTES_H
#define NOTES_NOTES_H

#include "rt_app.h"

/** Its migrations create the notes table at start-up. */
extern const struct rt_module notes_module;

#endif /* NOTES_NOTES_H */
