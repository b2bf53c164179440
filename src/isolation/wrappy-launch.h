/* Applies a WrappyPlan: clones into new namespaces, builds the root the plan describes,
 * pivots into it, runs the app under a small pid 1 that forwards signals and reaps, and
 * returns the app's exit status. Everything the child needs is prepared before the
 * clone; after it the child only makes async-signal-safe system calls. */
#pragma once

#include <glib.h>

#include "wrappy-plan.h"

G_BEGIN_DECLS

/* Runs the plan and waits for the app. exit_status is the app's status, 128+N when a
 * signal N killed it. Returns FALSE (WRAPPY_ERROR_SANDBOX_SETUP) when the sandbox could
 * not be built or the command could not be started. */
gboolean wrappy_launch (const WrappyPlan *plan, int *exit_status, GError **error);

G_END_DECLS
