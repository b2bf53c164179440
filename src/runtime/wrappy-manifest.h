/* The per-app manifest: wrappy's own record of an installed app, whatever its source.
 * Stored as $XDG_DATA_HOME/wrappy/apps/ID.manifest (a GKeyFile, format in
 * docs/manifest.md). Writing it is the one atomic step that makes an install visible. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  char *kind;   /* "base", "deps" or "app" */
  char *name;   /* the layer's own ID: runtime/extension/app ID */
  char *ref;    /* the OSTree ref it came from, e.g. runtime/org.x.Platform/x86_64/23.08 */
  char *commit; /* the OSTree commit checksum it was checked out from */
  char *path;   /* its files, relative to wrappy_dirs_data() */
  char *mount;  /* where it appears in the sandbox: /usr, /app, /usr/lib/GL/default */
} WrappyManifestLayer;

typedef struct
{
  char *id;
  char *name;
  char *version;
  char *summary;
  char *source; /* the name of its source: "flathub", "appimage", "snap" (wrappy-source.h) */
  char *origin; /* the remote (or file/URL) it was installed from */
  char *branch;
  char *command;          /* the default command, a name in PATH or an absolute path inside */
  char *isolation;        /* the app's default level, NULL for the global default */
  char *update_info;      /* AppImage: the runtime's .upd_info text, for `wrappy update` */
  guint64 installed_size; /* bytes the app layer itself takes */
  GPtrArray *layers;      /* WrappyManifestLayer*; exactly one base, at most one app */

  /* Permissions, as Flatpak's [Context] names them. */
  char **shared;
  char **sockets;
  char **devices;
  char **filesystems;
  char **features;
  char **persistent;
  char **env;         /* "VAR=VALUE" */
  char **session_bus; /* "NAME=POLICY", as Flatpak's [Session Bus Policy] */
  char **system_bus;  /* as [System Bus Policy] */

  /* The key file it was read from (NULL for a new one): adapters keep groups of their
   * own in it ([Snap], …) and read them from here rather than the file again. */
  GKeyFile *keyfile;
} WrappyManifest;

WrappyManifest *wrappy_manifest_new (const char *id);
void wrappy_manifest_free (WrappyManifest *m);
void wrappy_manifest_layer_free (WrappyManifestLayer *l);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WrappyManifest, wrappy_manifest_free)

WrappyManifestLayer *wrappy_manifest_add_layer (WrappyManifest *m, const char *kind,
                                                const char *name, const char *ref,
                                                const char *commit, const char *path,
                                                const char *mount);
/* The first layer of that kind, or NULL. */
WrappyManifestLayer *wrappy_manifest_get_layer (WrappyManifest *m, const char *kind);
/* The base layer of AppImages: the host's own /usr, the only absolute layer path a
 * manifest may hold (kind "base", name "host"). */
#define WRAPPY_MANIFEST_HOST_BASE "/usr"
gboolean wrappy_manifest_layer_is_host (const WrappyManifestLayer *l);

/* Absolute host path of a layer's files. */
char *wrappy_manifest_layer_host_path (const WrappyManifestLayer *l);

char *wrappy_manifest_path (const char *id);
/* NOT_INSTALLED when there is none (naming the closest installed ID when one is close);
 * INVALID_DATA when it cannot be read. */
WrappyManifest *wrappy_manifest_load (const char *id, GError **error);
WrappyManifest *wrappy_manifest_load_file (const char *path, GError **error);
/* The key file of m; groups of m->keyfile other than the ones the struct holds (an
 * adapter's own) are written too. */
GKeyFile *wrappy_manifest_to_keyfile (WrappyManifest *m);
/* m->keyfile, made when m is new: where an adapter puts its own groups before saving. */
GKeyFile *wrappy_manifest_adapter_keyfile (WrappyManifest *m);
WrappyManifest *wrappy_manifest_from_keyfile (GKeyFile *kf, GError **error);
/* Atomically replaces the app's manifest (temp file, fsync, rename). */
gboolean wrappy_manifest_save (WrappyManifest *m, GError **error);
gboolean wrappy_manifest_delete (const char *id, GError **error);
gboolean wrappy_manifest_is_installed (const char *id);
/* The IDs of the installed apps, sorted, from the manifests' names alone (without reading
 * them): for completion and "did you mean". Empty when there are none or no store. */
char **wrappy_manifest_installed_ids (void);
/* Adds "; did you mean 'ID'?" to error (about id) when an installed app's ID is close to
 * id; FALSE when none is. */
gboolean wrappy_manifest_suggest_id (const char *id, GError **error);

/* Every installed app's manifest, sorted by ID; unreadable ones are skipped with a
 * warning so that one broken file never hides the others. */
GPtrArray *wrappy_manifest_list_installed (GError **error);
/* The same, but an unreadable manifest is an error: for what must not mistake a broken
 * app for an absent one (gc would remove its layers). */
GPtrArray *wrappy_manifest_list_installed_strict (GError **error);

G_END_DECLS
