/* Applies a WrappyPlan: clones into new namespaces, builds the root the plan describes,
 * pivots into it, runs the app under a small pid 1 that forwards signals and reaps, and
 * returns the app's exit status. Everything the child needs is prepared before the
 * clone; after it the child only makes async-signal-safe system calls. */
#pragma once

#include <sys/types.h>

#include <glib.h>

#include "wrappy-plan.h"

G_BEGIN_DECLS

/* Runs the plan and waits for the app. exit_status is the app's status, 128+N when a
 * signal N killed it. Returns FALSE (WRAPPY_ERROR_SANDBOX_SETUP) when the sandbox could
 * not be built or the command could not be started. */
gboolean wrappy_launch (const WrappyPlan *plan, int *exit_status, GError **error);

/* Called in wrappy once the sandbox is built and the app's command started, with the
 * PID (in wrappy's PID namespace) of the sandbox's pid 1: `wrappy ps` records it. */
typedef void (*WrappyLaunchStartedFunc) (pid_t pid, gpointer data);

/* wrappy_launch, calling started (if not NULL) once the app runs. */
gboolean wrappy_launch_full (const WrappyPlan *plan, WrappyLaunchStartedFunc started, gpointer data,
                             int *exit_status, GError **error);

G_END_DECLS
