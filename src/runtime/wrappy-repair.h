/* `wrappy doctor`'s store section and `wrappy doctor --fix` (alias `wrappy repair`):
 * checks the store (docs/repair.md) against its own contents and, when asked, repairs
 * what it can without losing anything: an unreadable manifest is moved aside, never
 * deleted; a corrupted object is set aside until a fresh copy has been pulled, and put
 * back when none can be. What needs the user (a reinstall, a reachable remote) is
 * reported with the command to run. Orphaned layers and refs are only reported: they
 * are `wrappy gc`'s. */
#pragma once

#include <glib.h>
#include <gio/gio.h>

#include "wrappy-store.h"

G_BEGIN_DECLS

typedef enum
{
  WRAPPY_PROBLEM_BROKEN_MANIFEST,  /* apps/ID.manifest does not parse */
  WRAPPY_PROBLEM_MISSING_LAYER,    /* a layer a manifest names is not checked out */
  WRAPPY_PROBLEM_CORRUPTED,        /* objects of a commit in use fail verification */
  WRAPPY_PROBLEM_INCOMPLETE,       /* a commit in use is missing or partial in the repo */
  WRAPPY_PROBLEM_LEFTOVER,         /* a temporary file or directory of a killed run */
  WRAPPY_PROBLEM_ORPHAN_LAUNCHER,  /* a launcher of an app that is not installed */
  WRAPPY_PROBLEM_MISSING_LAUNCHER, /* an installed app's launchers are not exported */
  WRAPPY_PROBLEM_ORPHAN_LAYER,     /* a layer no manifest names: for `wrappy gc` */
  WRAPPY_PROBLEM_ORPHAN_REF,       /* a ref no manifest uses: for `wrappy gc` */
  WRAPPY_PROBLEM_N_KINDS
} WrappyProblemKind;

typedef enum
{
  WRAPPY_PROBLEM_FOUND,   /* checked only: `doctor --fix` would repair it */
  WRAPPY_PROBLEM_FIXED,   /* repaired by this run */
  WRAPPY_PROBLEM_REMAINS, /* needs the user: see action */
  WRAPPY_PROBLEM_NOTE,    /* harmless (orphans): see action */
} WrappyProblemStatus;

typedef struct
{
  WrappyProblemKind kind;
  WrappyProblemStatus status;
  char *app_id; /* the app concerned, or NULL */
  char *path;   /* what is concerned, relative to the store (or a launcher's path) */
  char *detail; /* what is wrong, one line */
  char *action; /* what the user must do when it remains ("reinstall org.x.Y"), else NULL */
  guint64 size; /* bytes, for orphans */
} WrappyProblem;

typedef struct
{
  GPtrArray *problems; /* WrappyProblem* */
  guint n_apps;
  guint n_layers;
  guint n_objects; /* objects verified */
} WrappyRepairReport;

void wrappy_repair_report_free (WrappyRepairReport *r);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WrappyRepairReport, wrappy_repair_report_free)

/* Checks the store (read-only, under a shared lock) or, with fix, takes the store lock
 * and repairs it. A store that does not exist yet is healthy (and is not created). Fails
 * only when the store cannot be examined at all. */
WrappyRepairReport *wrappy_repair_run (gboolean fix, GCancellable *cancellable, GError **error);

/* ---- pure helpers (tests/unit/test-repair.c) ---- */

/* "broken-manifest", "missing-layer", … (the --json "kind"). */
const char *wrappy_problem_kind_to_string (WrappyProblemKind kind);
/* "found", "fixed", "remains", "note". */
const char *wrappy_problem_status_to_string (WrappyProblemStatus status);

/* Whether name is a temporary file g_file_set_contents left next to a manifest
 * ("org.x.Y.manifest.AB12CD"). */
gboolean wrappy_repair_is_manifest_temp (const char *name);

/* Whether the report holds problems that are not notes and not fixed. */
gboolean wrappy_repair_report_has_problems (const WrappyRepairReport *r);

/* The one line saying what the user must do about what remains (the distinct actions,
 * in order, joined with "; "), or NULL when nothing remains. */
char *wrappy_repair_report_summary (const WrappyRepairReport *r);

/* Adds a problem (takes copies). */
WrappyProblem *wrappy_repair_report_add (WrappyRepairReport *r, WrappyProblemKind kind,
                                         WrappyProblemStatus status, const char *app_id,
                                         const char *path, const char *detail, const char *action);
WrappyRepairReport *wrappy_repair_report_new (void);

G_END_DECLS
