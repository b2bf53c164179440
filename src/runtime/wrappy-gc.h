/* `wrappy gc`: removes the layers no installed app uses (base and deps left behind by
 * uninstalls, old commits left behind by updates, leftovers of killed installs), drops
 * the refs nothing uses, then prunes the repository objects no ref and no kept layer
 * reaches. Kept: every layer an installed app's manifest names, every layer a snapshot of
 * an installed app names, and every layer a running sandbox holds (wrappy-layer-lock.h).
 * Appstream refs stay (search uses them). */
#pragma once

#include <gio/gio.h>

#include "wrappy-store.h"

G_BEGIN_DECLS

typedef enum
{
  WRAPPY_GC_NONE = 0,
  WRAPPY_GC_DRY_RUN = 1 << 0,    /* change nothing; say what a real run would do */
  WRAPPY_GC_PRUNE_ONLY = 1 << 1, /* keep every layer and ref; only prune objects nothing
                                  * reaches (what uninstall does after dropping its ref) */
} WrappyGcFlags;

typedef struct
{
  char *ref; /* KIND/ID/ARCH/BRANCH, from the layer's place in layers/ */
  char *commit;
  char *path; /* relative to the store */
} WrappyGcLayer;

typedef struct
{
  gboolean dry_run;
  GPtrArray *removed; /* WrappyGcLayer*: removed (or, dry run, that would be) */
  GPtrArray *in_use;  /* WrappyGcLayer*: unused by any app but held by a running sandbox */
  GPtrArray *refs;    /* char*: refs dropped ("remote:ref" or "ref") */
  guint objects;      /* repository objects pruned */
  guint64 freed;      /* bytes those objects took */
} WrappyGcResult;

void wrappy_gc_result_clear (WrappyGcResult *r);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (WrappyGcResult, wrappy_gc_result_clear)

/* The caller holds the store lock. With WRAPPY_GC_DRY_RUN nothing changes and freed is
 * what a real run would free now. Refuses (INVALID_DATA) while an app's manifest cannot
 * be read: its layers would look unused. */
gboolean wrappy_gc (WrappyStore *store, WrappyGcFlags flags, WrappyGcResult *result,
                    GCancellable *cancellable, GError **error);

/* Removes one layer directory (relative to the store) unless a running sandbox holds it
 * (*busy then, and TRUE). */
gboolean wrappy_gc_remove_layer (WrappyStore *store, const char *root, gboolean *busy,
                                 GError **error);

G_END_DECLS
