/* Flatpak's metadata keyfile ([Application]/[Runtime], [Context], [Environment],
 * [Extension X]), parsed and validated. Pure: no I/O, unit-tested on its own. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  char *name;      /* the extension point, e.g. org.freedesktop.Platform.GL */
  char *directory; /* relative to /usr (runtime) or /app (app) */
  char **versions; /* branches to look for, in order */
  gboolean subdirectories;
  gboolean no_autodownload;
  char *download_if;
} WrappyExtensionPoint;

typedef struct
{
  gboolean is_runtime;
  char *name;    /* the ID this metadata describes */
  char *runtime; /* "ID/ARCH/BRANCH" of the runtime (apps); NULL for runtimes */
  char *command;
  GPtrArray *extensions; /* WrappyExtensionPoint* */
  char **shared;
  char **sockets;
  char **devices;
  char **filesystems;
  char **features;
  char **persistent;
  char **env;         /* "VAR=VALUE" */
  char **session_bus; /* "NAME=POLICY" from [Session Bus Policy] */
  char **system_bus;  /* from [System Bus Policy] */
} WrappyFlatpakMetadata;

/* INVALID_DATA for NUL bytes, bad UTF-8, a missing group, invalid names or refs, or an
 * extension directory that would escape its layer. default_branch is used for extension
 * points with no version (the parent's own branch). */
WrappyFlatpakMetadata *wrappy_flatpak_metadata_parse (const char *data, gsize len,
                                                      const char *default_branch, GError **error);
void wrappy_flatpak_metadata_free (WrappyFlatpakMetadata *md);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WrappyFlatpakMetadata, wrappy_flatpak_metadata_free)

G_END_DECLS
