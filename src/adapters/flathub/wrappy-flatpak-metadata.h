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
  gboolean autodelete;       /* removed with the app (or runtime) that has it */
  char *download_if;         /* installed only when this holds (wrappy-flathub-ext.h) */
  char *enable_if;           /* mounted only when this holds, checked at each launch */
  char *add_ld_path;         /* relative to the extension: a library dir for the loader */
  char *subdirectory_suffix; /* the extension goes at DIRECTORY[/SUB]/SUFFIX */
  char **merge_dirs;         /* dirs whose entries are linked into the point's parent */
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
