/* Fault injection for the crash-safety tests (docs/testing.md): a named point in a
 * multi-step operation where the test may have wrappy killed, as by kill -9 or a power
 * cut. WRAPPY_FAULT=NAME (or NAME,NAME…) makes the process SIGKILL itself on reaching
 * that point; unset, a point costs one pointer comparison. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void wrappy_fault_point (const char *name);

G_END_DECLS
