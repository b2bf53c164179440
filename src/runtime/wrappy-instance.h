/* Running sandboxes, for `wrappy ps` and `wrappy kill` (as flatpak's instances in
 * $XDG_RUNTIME_DIR/.flatpak/ID, common/flatpak-instance.c). Each `wrappy run` or `enter`
 * makes $XDG_STATE_HOME/wrappy/instances/N/ (N a random number, the instance ID) and
 * holds an exclusive flock(2) on its `lock` file for as long as it runs; its `info` key
 * file says the app, wrappy's PID, the sandbox's PID 1, the level and the start time. A
 * record whose lock nobody holds is left over from a killed wrappy and is removed when
 * listed. The state dir is hidden from every sandbox from partial up (wrappy-policy.c),
 * so no app can plant a record for `kill` to act on. */
#pragma once

#include <sys/types.h>

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  char *id;     /* the instance ID */
  char *app;    /* the app ID, or the host program */
  char *level;  /* the isolation level */
  pid_t pid;    /* the sandbox's PID 1 (host PID namespace) */
  pid_t wrappy; /* the `wrappy run` that waits for it */
  gint64 since; /* seconds since the epoch */
} WrappyInstance;

void wrappy_instance_free (WrappyInstance *i);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WrappyInstance, wrappy_instance_free)

/* The record of one running sandbox, made before it starts. */
typedef struct WrappyInstanceRecord WrappyInstanceRecord;

/* A new record, locked; NULL with error set when the state dir cannot hold one. */
WrappyInstanceRecord *wrappy_instance_record_new (GError **error);
/* Writes the record's info once the sandbox runs. */
gboolean wrappy_instance_record_started (WrappyInstanceRecord *r, const char *app,
                                         const char *level, pid_t pid, GError **error);
/* Removes the record (and its lock). */
void wrappy_instance_record_free (WrappyInstanceRecord *r);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WrappyInstanceRecord, wrappy_instance_record_free)

/* The running instances, oldest first; stale records are removed. */
GPtrArray *wrappy_instance_list (GError **error);

/* Whether pid is still the sandbox's PID 1 of i: its parent is i's wrappy (a PID reused
 * after the sandbox ended would not be). */
gboolean wrappy_instance_is_current (const WrappyInstance *i);

G_END_DECLS
