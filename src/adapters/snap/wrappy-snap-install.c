/* Installing a snap: read meta/snap.yaml from the image, bring its base (and content
 * snaps named by default-provider) from the store unless another snap already has them,
 * extract every image with the shared squashfs extractor, commit the trees into the
 * store, check them out as layers and write the manifest: the one atomic step. A failure
 * before that removes the layers and refs this install created. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wrappy-adapter.h"
#include "wrappy-dirs.h"
#include "wrappy-error.h"
#include "wrappy-export.h"
#include "wrappy-fs.h"
#include "wrappy-i18n.h"
#include "wrappy-id.h"
#include "wrappy-output.h"
#include "wrappy-snap-launch.h"
#include "wrappy-snap-store.h"
#include "wrappy-snap-yaml.h"
#include "wrappy-snapshot.h"
#include "wrappy-permissions.h"
#include "wrappy-snap.h"
#include "wrappy-squashfs.h"
#include "wrappy-unpack.h"

typedef struct
{
  char *kind, *name, *ref, *commit, *mount, *path;
  gboolean created; /* this install made the layer: removed again if it fails */
} SnapLayer;

static void
snap_layer_free (SnapLayer *l)
{
  g_free (l->kind);
  g_free (l->name);
  g_free (l->ref);
  g_free (l->commit);
  g_free (l->mount);
  g_free (l->path);
  g_free (l);
}

static SnapLayer *
snap_layer_new (const char *kind, const char *name, const char *ref, const char *commit,
                const char *mount)
{
  SnapLayer *l = g_new0 (SnapLayer, 1);

  l->kind = g_strdup (kind);
  l->name = g_strdup (name);
  l->ref = g_strdup (ref);
  l->commit = g_strdup (commit);
  l->mount = g_strdup (mount);
  return l;
}

/* The plugs as the manifest's permissions; what each plug means is the policy's
 * (wrappy-permissions.c, the table in docs/snap.md). */
void
wrappy_snap_plugs_to_permissions (char **interfaces, WrappyManifest *m)
{
  g_autoptr (WrappyPermissions) p = wrappy_permissions_new ();

  wrappy_permissions_add_snap_plugs (p, interfaces);
  g_strfreev (m->shared);
  m->shared = g_steal_pointer (&p->shared);
  g_strfreev (m->sockets);
  m->sockets = g_steal_pointer (&p->sockets);
  g_strfreev (m->devices);
  m->devices = g_steal_pointer (&p->devices);
  g_strfreev (m->filesystems);
  m->filesystems = g_steal_pointer (&p->filesystems);
  g_strfreev (m->session_bus);
  m->session_bus = g_steal_pointer (&p->session_bus);
}

static WrappySnapYaml *
read_snap_yaml (const char *path, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  /* In the confined child, as the unpacking (wrappy-unpack.h): the image is untrusted. */
  g_autoptr (GBytes) bytes = wrappy_unpack_read_file (
      path, 0, "meta/snap.yaml", WRAPPY_SNAP_YAML_MAX_BYTES, NULL, &local_error);
  WrappySnapYaml *y;
  gsize len;
  const char *data;

  if (bytes == NULL)
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
                   _ ("%s is not a usable snap: %s"), path, local_error->message);
      return NULL;
    }
  data = g_bytes_get_data (bytes, &len);
  y = wrappy_snap_yaml_parse (data, len, error);
  if (y == NULL)
    wrappy_prefix_error (error, "%s: ", path);
  return y;
}

/* Extracts the image into layers/.tmp-* (cleaned up after a crash by the store) and
 * commits it as snap/NAME/ARCH/REVISION. */
static SnapLayer *
import_snap (WrappyStore *store, const char *path, const char *kind, const char *name,
             const char *revision, const char *mount, GCancellable *cancellable, GError **error)
{
  g_autofree char *ref = g_strdup_printf ("snap/%s/%s/%s", name, wrappy_default_arch (), revision);
  g_autofree char *layers = g_build_filename (store->path, "layers", NULL);
  g_autofree char *tmp = NULL, *tree = NULL, *subject = NULL, *commit = NULL, *old = NULL;
  OstreeRepo *repo = wrappy_store_get_repo (store, error);
  SnapLayer *l;
  gboolean ok;

  if (repo == NULL || !wrappy_dirs_ensure (layers, error))
    return NULL;
  if (!ostree_repo_resolve_rev (repo, ref, TRUE, &old, error))
    return NULL;
  tmp = g_build_filename (layers, ".tmp-snap-XXXXXX", NULL);
  if (g_mkdtemp_full (tmp, 0700) == NULL)
    return wrappy_throw_errno (error, "mkdtemp", tmp), NULL;
  tree = g_build_filename (tmp, "tree", NULL);
  subject = g_strdup_printf ("snap %s revision %s", name, revision);
  ok = wrappy_unpack (WRAPPY_UNPACK_SQUASHFS, path, 0, tree, cancellable, error)
       && wrappy_store_import_tree (store, ref, tree, subject, &commit, cancellable, error);
  wrappy_rm_rf_at (AT_FDCWD, tmp, NULL);
  if (!ok)
    return NULL;
  l = snap_layer_new (kind, name, ref, commit, mount);
  l->created = old == NULL || strcmp (old, commit) != 0;
  return l;
}

/* A base or content snap another installed snap already uses: the same layer. */
static SnapLayer *
reuse_layer (const char *kind, const char *name, const char *mount)
{
  g_autoptr (GPtrArray) apps = wrappy_manifest_list_installed (NULL);

  for (guint i = 0; apps && i < apps->len; i++)
    {
      WrappyManifest *m = apps->pdata[i];
      if (g_strcmp0 (m->source, "snap") != 0)
        continue;
      for (guint j = 0; j < m->layers->len; j++)
        {
          WrappyManifestLayer *l = m->layers->pdata[j];
          if (strcmp (l->kind, kind) == 0 && g_strcmp0 (l->name, name) == 0 && l->ref != NULL
              && g_str_has_prefix (l->ref, "snap/"))
            return snap_layer_new (kind, name, l->ref, l->commit, mount);
        }
    }
  return NULL;
}

/* Downloads what info names and checks it; the download goes either way. */
static SnapLayer *
fetch_snap_info (WrappyStore *store, const WrappySnapStoreInfo *info, const char *kind,
                 const char *mount, const char *want_type, WrappySnapYaml **yaml_out,
                 GCancellable *cancellable, GError **error)
{
  g_autofree char *file = NULL;
  g_autoptr (WrappySnapYaml) y = NULL;
  SnapLayer *l = NULL;

  if ((file = wrappy_snap_store_download (info, cancellable, error)) == NULL)
    return NULL;
  y = read_snap_yaml (file, error);
  if (y != NULL && strcmp (y->name, info->name) != 0)
    g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
                 _ ("the store's %s is a snap named '%s'; refusing it"), info->name, y->name);
  else if (y != NULL && want_type != NULL && strcmp (y->type, want_type) != 0)
    g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
                 _ ("%s is a snap of type '%s', not a %s"), info->name, y->type, want_type);
  else if (y != NULL)
    l = import_snap (store, file, kind, info->name, info->revision, mount, cancellable, error);
  unlink (file);
  if (l != NULL && yaml_out != NULL)
    *yaml_out = g_steal_pointer (&y);
  return l;
}

/* Looks name up in the store, then as fetch_snap_info. */
static SnapLayer *
fetch_snap (WrappyStore *store, const char *name, const char *channel, const char *kind,
            const char *mount, const char *want_type, WrappySnapYaml **yaml_out,
            GCancellable *cancellable, GError **error)
{
  g_autoptr (WrappySnapStoreInfo) info = NULL;

  wrappy_info (_ ("Looking up %s in the Snap Store…"), name);
  info = wrappy_snap_store_lookup (name, channel, error);
  if (info == NULL)
    return NULL;
  return fetch_snap_info (store, info, kind, mount, want_type, yaml_out, cancellable, error);
}

/* Content plugs with a default-provider: the provider at the plug's target in $SNAP. */
static gboolean
add_content_layers (WrappyStore *store, WrappySnapYaml *y, const char *snap_dir, GPtrArray *layers,
                    GCancellable *cancellable, GError **error)
{
  for (guint i = 0; i < y->plugs->len; i++)
    {
      WrappySnapPlug *p = y->plugs->pdata[i];
      g_autofree char *mount = NULL;
      const char *rel;
      SnapLayer *l;

      if (strcmp (p->interface, "content") != 0 || p->default_provider == NULL)
        continue;
      rel = p->target && g_str_has_prefix (p->target, "$SNAP/") ? p->target + 6 : NULL;
      mount = rel ? g_build_filename (snap_dir, rel, NULL) : NULL;
      if (mount == NULL || !wrappy_path_is_clean (mount)
          || !wrappy_snap_validate_name (p->default_provider, NULL))
        {
          g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
                       _ ("content plug '%s' of %s needs a target inside $SNAP and a valid "
                          "default-provider"),
                       p->name, y->name);
          return FALSE;
        }
      l = reuse_layer ("deps", p->default_provider, mount);
      if (l == NULL)
        l = fetch_snap (store, p->default_provider, NULL, "deps", mount, NULL, NULL, cancellable,
                        error);
      if (l == NULL)
        return FALSE;
      g_ptr_array_add (layers, l);
    }
  return TRUE;
}

static void
undo_layers (WrappyStore *store, GPtrArray *layers)
{
  for (guint i = 0; i < layers->len; i++)
    {
      SnapLayer *l = layers->pdata[i];
      gboolean removed = TRUE;

      if (!l->created)
        continue;
      if (l->path != NULL)
        wrappy_store_remove_layer_if_unused (store, l->path, NULL, &removed, NULL);
      if (removed)
        wrappy_store_forget_ref (store, NULL, l->ref, NULL, NULL, NULL);
    }
}

/* The [Snap] and [Snap App APP] groups wrappy_snap_launch_setup reads. */
static void
add_snap_groups (GKeyFile *kf, WrappySnapYaml *y, const char *revision, const char *default_app)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new ();

  g_key_file_set_string (kf, "Snap", "name", y->name);
  g_key_file_set_string (kf, "Snap", "revision", revision);
  if (y->version)
    g_key_file_set_string (kf, "Snap", "version", y->version);
  if (y->base)
    g_key_file_set_string (kf, "Snap", "base", y->base);
  g_key_file_set_string (kf, "Snap", "default-app", default_app);
  for (guint i = 0; i < y->apps->len; i++)
    {
      WrappySnapApp *a = y->apps->pdata[i];
      g_autofree char *group = g_strconcat ("Snap App ", a->name, NULL);
      g_autoptr (GPtrArray) env = g_ptr_array_new ();

      g_ptr_array_add (names, a->name);
      g_key_file_set_string (kf, group, "command", a->command);
      if (a->command_chain[0] != NULL)
        g_key_file_set_string_list (kf, group, "command-chain",
                                    (const char *const *)a->command_chain,
                                    g_strv_length (a->command_chain));
      /* The snap's environment, then the app's: the app's wins. */
      for (char **e = y->env; e && *e; e++)
        g_ptr_array_add (env, *e);
      for (char **e = a->env; e && *e; e++)
        g_ptr_array_add (env, *e);
      if (env->len > 0)
        g_key_file_set_string_list (kf, group, "environment", (const char *const *)env->pdata,
                                    env->len);
    }
  g_key_file_set_string_list (kf, "Snap", "apps", (const char *const *)names->pdata, names->len);
}

static char *
replace_all (const char *s, const char *from, const char *to)
{
  g_auto (GStrv) parts = g_strsplit (s, from, -1);
  return g_strjoinv (to, parts);
}

/* The snap's icon, meta/gui/icon.png or icon.svg (what snapd shows), as the app's: the
 * exporter points the desktop files' Icon=${SNAP}/… paths at it. Read from the unpacked
 * app layer (root_fd), beneath it. */
static gboolean
stage_icon (int root_fd, const char *id, const char *stage, GError **error)
{
  static const char *const names[] = { "meta/gui/icon.png", "meta/gui/icon.svg" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      gsize len = 0;
      g_autofree char *data = wrappy_adapter_read_beneath (
          root_fd, names[i], WRAPPY_ADAPTER_MAX_ICON_SIZE, &len, NULL);
      gboolean staged = FALSE;

      if (data != NULL && !wrappy_adapter_stage_icon (stage, id, data, len, &staged, error))
        return FALSE;
      if (staged)
        return TRUE;
    }
  return TRUE;
}

/* The .desktop files in meta/gui of the unpacked app layer (root_fd; symlinks stay beneath
 * it), with ${SNAP} as /snap/NAME/current, staged as stage/share/applications/ID[-STEM].desktop
 * for the exporter. */
static gboolean
stage_desktop_files (int root_fd, const char *id, const char *name, const char *stage,
                     GError **error)
{
  g_autoptr (GPtrArray) entries = wrappy_adapter_list_dir_beneath (root_fd, "meta/gui");
  g_autofree char *apps_dir = g_build_filename (stage, "share", "applications", NULL);
  g_autofree char *snap_dir = g_strdup_printf ("/snap/%s/current", name);

  if (entries->len == 0)
    return TRUE;
  if (!wrappy_dirs_ensure (apps_dir, error))
    return FALSE;
  for (guint i = 0; i < entries->len; i++)
    {
      const char *e = entries->pdata[i];
      g_autofree char *src = NULL, *stem = NULL, *dest = NULL, *text = NULL, *a = NULL;

      if (!g_str_has_suffix (e, ".desktop") || strchr (e, '/') != NULL)
        continue;
      src = g_build_filename ("meta/gui", e, NULL);
      text = wrappy_adapter_read_beneath (root_fd, src, WRAPPY_EXPORT_MAX_DESKTOP_SIZE, NULL, NULL);
      if (text == NULL)
        continue;
      stem = g_strndup (e, strlen (e) - strlen (".desktop"));
      a = replace_all (text, "${SNAP}", snap_dir);
      g_free (text);
      text = replace_all (a, "$SNAP", snap_dir);
      dest = strcmp (stem, name) == 0 ? g_strdup_printf ("%s/%s.desktop", apps_dir, id)
                                      : g_strdup_printf ("%s/%s-%s.desktop", apps_dir, id, stem);
      if (!g_file_set_contents (dest, text, -1, error))
        return FALSE;
    }
  return TRUE;
}

/* The exported files of the app layer l, once it is checked out (build_manifest). */
static gboolean
stage_exports (WrappyStore *store, SnapLayer *l, const char *id, const char *name,
               const char *stage, GError **error)
{
  g_autofree char *root = g_build_filename (store->path, l->path, NULL);
  int root_fd = open (root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  gboolean ok;

  if (root_fd < 0)
    return wrappy_throw_errno (error, "open", root);
  ok = stage_desktop_files (root_fd, id, name, stage, error)
       && stage_icon (root_fd, id, stage, error);
  close (root_fd);
  return ok;
}

static const char *
default_app_of (WrappySnapYaml *y)
{
  const WrappySnapApp *a = wrappy_snap_yaml_get_app (y, y->name);
  return a ? a->name : ((WrappySnapApp *)y->apps->pdata[0])->name;
}

static WrappyManifest *
build_manifest (WrappyStore *store, WrappySnapYaml *y, const char *id, const char *origin,
                const char *branch, GPtrArray *layers, GCancellable *cancellable, GError **error)
{
  g_autoptr (WrappyManifest) m = wrappy_manifest_new (id);
  g_auto (GStrv) interfaces = wrappy_snap_yaml_interfaces (y);
  const WrappySnapApp *app = wrappy_snap_yaml_get_app (y, default_app_of (y));
  g_auto (GStrv) words = NULL;

  for (guint i = 0; i < layers->len; i++)
    {
      SnapLayer *l = layers->pdata[i];
      l->path = wrappy_store_checkout_layer (store, l->ref, l->commit, cancellable, error);
      if (l->path == NULL)
        return NULL;
      wrappy_manifest_add_layer (m, l->kind, l->name, l->ref, l->commit, l->path, l->mount);
      if (strcmp (l->kind, "app") == 0)
        {
          g_autofree char *files = g_build_filename (store->path, l->path, NULL);
          m->installed_size = wrappy_disk_usage (files);
        }
    }
  m->name = g_strdup (y->name);
  m->version = g_strdup (y->version);
  m->summary = g_strdup (y->summary);
  m->source = g_strdup ("snap");
  m->origin = g_strdup (origin);
  m->branch = g_strdup (branch);
  if (g_shell_parse_argv (app->command, NULL, &words, NULL))
    m->command = g_strdup_printf ("/snap/%s/current/%s", y->name, words[0]);
  wrappy_snap_plugs_to_permissions (interfaces, m);
  return g_steal_pointer (&m);
}

static gboolean
check_runnable (WrappySnapYaml *y, const char *id, GError **error)
{
  if (strcmp (y->type, "app") != 0)
    return g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
                        _ ("%s is a snap of type '%s'; only apps are installed (bases come "
                           "with the snaps that use them)"),
                        y->name, y->type),
           FALSE;
  if (y->base == NULL || strcmp (y->base, "bare") == 0)
    return g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
                        _ ("%s has no base (base: bare); wrappy cannot run it"), y->name),
           FALSE;
  if (y->apps->len == 0)
    return g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA, _ ("%s has no apps to run"),
                        y->name),
           FALSE;
  return wrappy_validate_app_id (id, error);
}

static gboolean
check_installable (WrappySnapYaml *y, const char *id, GError **error)
{
  if (!check_runnable (y, id, error))
    return FALSE;
  if (wrappy_manifest_is_installed (id))
    return g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_ALREADY_INSTALLED,
                        _ ("%s is already installed as %s; remove it first with 'wrappy "
                           "uninstall %s'"),
                        y->name, id, id),
           FALSE;
  return TRUE;
}

/* What install and update share: y was read from the image at path, which is the
 * snap's revision. base is the base's layer when the caller has it (taken), else it is
 * reused from another snap or fetched; content snaps likewise. Returns the manifest with
 * its [Snap] groups, not saved, the desktop files staged in stage; on failure the layers
 * this made are removed again. */
static WrappyManifest *
build_image (WrappyStore *store, const char *path, WrappySnapYaml *y, const char *revision,
             const char *origin, const char *branch, SnapLayer *base, const char *stage,
             GCancellable *cancellable, GError **error)
{
  g_autofree char *id = wrappy_snap_app_id (y->name);
  g_autofree char *snap_dir = g_strdup_printf ("/snap/%s/%s", y->name, revision);
  g_autoptr (GPtrArray) layers = g_ptr_array_new_with_free_func ((GDestroyNotify)snap_layer_free);
  g_autoptr (WrappyManifest) m = NULL;
  SnapLayer *l = base;

  /* One copy of a base for every snap on it, as with a Flatpak runtime. */
  if (l == NULL)
    l = reuse_layer ("base", y->base, "/");
  if (l == NULL)
    {
      g_autoptr (WrappySnapYaml) by = NULL;
      l = fetch_snap (store, y->base, NULL, "base", "/", "base", &by, cancellable, error);
    }
  if (l != NULL)
    g_ptr_array_add (layers, l);
  if (l == NULL || !add_content_layers (store, y, snap_dir, layers, cancellable, error)
      || (l = import_snap (store, path, "app", y->name, revision, snap_dir, cancellable, error))
             == NULL)
    goto fail;
  g_ptr_array_add (layers, l);
  m = build_manifest (store, y, id, origin, branch, layers, cancellable, error);
  if (m == NULL || !stage_exports (store, l, id, y->name, stage, error))
    goto fail;
  add_snap_groups (wrappy_manifest_adapter_keyfile (m), y, revision, default_app_of (y));
  /* Layers reach the disk before the manifest that points at them. */
  wrappy_store_sync (store);
  return g_steal_pointer (&m);

fail:
  undo_layers (store, layers);
  return NULL;
}

/* The layers m's install made, when a last step fails: those no other app uses. */
static void
forget_layers (WrappyStore *store, WrappyManifest *m)
{
  for (guint i = 0; i < m->layers->len; i++)
    {
      WrappyManifestLayer *l = m->layers->pdata[i];
      gboolean removed = FALSE;

      if (l->ref != NULL
          && wrappy_store_remove_layer_if_unused (store, l->path, NULL, &removed, NULL) && removed)
        wrappy_store_forget_ref (store, NULL, l->ref, NULL, NULL, NULL);
    }
}

static WrappyManifest *
install_image (WrappyStore *store, const char *path, WrappySnapYaml *y, const char *revision,
               const char *origin, const char *branch, GCancellable *cancellable, GError **error)
{
  g_autofree char *id = wrappy_snap_app_id (y->name);
  g_autofree char *stage = NULL;
  g_autoptr (WrappyManifest) m = NULL;

  if (!check_installable (y, id, error)
      || (stage = g_dir_make_tmp ("wrappy-snap-XXXXXX", error)) == NULL)
    return NULL;
  m = build_image (store, path, y, revision, origin, branch, NULL, stage, cancellable, error);
  if (m != NULL && !wrappy_adapter_export_and_save (m, stage, error))
    {
      forget_layers (store, m);
      g_clear_pointer (&m, wrappy_manifest_free);
    }
  wrappy_rm_rf_at (AT_FDCWD, stage, NULL);
  return g_steal_pointer (&m);
}

WrappyManifest *
wrappy_snap_install (WrappyStore *store, const char *name, const char *channel,
                     GCancellable *cancellable, GError **error)
{
  g_autoptr (WrappySnapStoreInfo) info = NULL;
  g_autoptr (WrappySnapYaml) y = NULL;
  g_autofree char *file = NULL, *id = NULL, *norm = NULL;
  WrappyManifest *m = NULL;

  if (!wrappy_snap_validate_name (name, error))
    return NULL;
  id = wrappy_snap_app_id (name);
  if (wrappy_manifest_is_installed (id))
    return g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_ALREADY_INSTALLED,
                        _ ("%s is already installed as %s; remove it first with 'wrappy "
                           "uninstall %s'"),
                        name, id, id),
           NULL;
  norm = wrappy_snap_channel_normalize (channel, error);
  if (norm == NULL)
    return NULL;
  wrappy_info (_ ("Looking up %s in the Snap Store…"), name);
  info = wrappy_snap_store_lookup (name, norm, error);
  if (info == NULL || (file = wrappy_snap_store_download (info, cancellable, error)) == NULL)
    return NULL;
  y = read_snap_yaml (file, error);
  if (y != NULL && strcmp (y->name, name) != 0)
    g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
                 _ ("the store's %s is a snap named '%s'; refusing it"), name, y->name);
  else if (y != NULL)
    m = install_image (store, file, y, info->revision, "snapstore", norm, cancellable, error);
  unlink (file);
  return m;
}

WrappyManifest *
wrappy_snap_install_file (WrappyStore *store, const char *path, GCancellable *cancellable,
                          GError **error)
{
  g_autoptr (WrappySnapYaml) y = read_snap_yaml (path, error);
  g_autofree char *abs = g_canonicalize_filename (path, NULL);

  if (y == NULL)
    return NULL;
  /* snapd numbers unasserted local revisions x1, x2…; one per install here. */
  return install_image (store, path, y, "x1", abs, "local", cancellable, error);
}

/* ---- Update (docs/snap.md, "Updates") ------------------------------------------------- */

/* The revision a layer of m was checked out from: the last element of its ref. */
static const char *
layer_revision (WrappyManifestLayer *l)
{
  const char *slash = l && l->ref ? strrchr (l->ref, '/') : NULL;
  return slash ? slash + 1 : NULL;
}

/* The base for the new revision: the installed one while the store's latest/stable still
 * has that revision (or cannot say: the app's update does not hang on it), else the
 * store's. */
static SnapLayer *
update_base (WrappyStore *store, WrappyManifest *cur, const char *base, guint64 *downloaded,
             GCancellable *cancellable, GError **error)
{
  WrappyManifestLayer *old = wrappy_manifest_get_layer (cur, "base");
  g_autoptr (WrappySnapStoreInfo) info = NULL;
  g_autoptr (GError) local_error = NULL;
  SnapLayer *l;

  if (old == NULL || g_strcmp0 (old->name, base) != 0 || old->ref == NULL)
    return NULL; /* another base: resolved as an install does */
  info = wrappy_snap_store_lookup (base, NULL, &local_error);
  if (info == NULL || g_strcmp0 (info->revision, layer_revision (old)) == 0)
    {
      if (info == NULL)
        wrappy_debug ("keeping base %s: %s", base, local_error->message);
      return snap_layer_new ("base", old->name, old->ref, old->commit, "/");
    }
  wrappy_info (_ ("Updating the base %s to revision %s…"), base, info->revision);
  l = fetch_snap_info (store, info, "base", "/", "base", NULL, cancellable, error);
  if (l != NULL)
    *downloaded += info->size;
  return l;
}

/* Builds u->updated from the downloaded revision at file. */
static gboolean
build_update (WrappyStore *store, WrappyUpdate *u, const char *file,
              const WrappySnapStoreInfo *info, GCancellable *cancellable, GError **error)
{
  WrappyManifest *cur = u->current;
  g_autoptr (WrappySnapYaml) y = read_snap_yaml (file, error);
  g_autofree char *id = NULL, *stage = NULL;
  g_autoptr (GError) base_error = NULL;
  WrappyManifest *m;
  SnapLayer *base = NULL;

  if (y == NULL)
    return FALSE;
  id = wrappy_snap_app_id (y->name);
  if (strcmp (y->name, info->name) != 0 || strcmp (id, cur->id) != 0)
    return g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
                        _ ("the store's %s is a snap named '%s'; refusing it"), info->name,
                        y->name),
           FALSE;
  if (!check_runnable (y, id, error))
    return FALSE;
  base = update_base (store, cur, y->base, &u->downloaded, cancellable, &base_error);
  if (base_error != NULL)
    return g_propagate_error (error, g_steal_pointer (&base_error)), FALSE;
  if ((stage = g_dir_make_tmp ("wrappy-snap-XXXXXX", error)) == NULL)
    {
      if (base != NULL)
        snap_layer_free (base);
      return FALSE;
    }
  m = build_image (store, file, y, info->revision, cur->origin, cur->branch, base, stage,
                   cancellable, error);
  return wrappy_adapter_take_update (u, m, g_steal_pointer (&stage));
}

/* The app's revision is the channel's, but its base moved (snapd refreshes a base on its
 * own too): the same manifest on the new base. */
static gboolean
update_base_only (WrappyStore *store, WrappyUpdate *u, GCancellable *cancellable, GError **error)
{
  WrappyManifestLayer *old = wrappy_manifest_get_layer (u->current, "base");
  g_autoptr (GKeyFile) kf = NULL;
  g_autofree char *path = NULL;
  WrappyManifestLayer *nl;
  WrappyManifest *m;
  SnapLayer *base;

  if (old == NULL || old->name == NULL)
    return TRUE;
  base = update_base (store, u->current, old->name, &u->downloaded, cancellable, error);
  if (base == NULL || g_strcmp0 (base->commit, old->commit) == 0)
    {
      g_clear_pointer (&base, snap_layer_free);
      return error == NULL || *error == NULL;
    }
  path = wrappy_store_checkout_layer (store, base->ref, base->commit, cancellable, error);
  kf = wrappy_manifest_to_keyfile (u->current);
  m = path != NULL ? wrappy_manifest_from_keyfile (kf, error) : NULL;
  /* Its base layer is there: current has one, and the keyfile carried it over. */
  if (m != NULL && (nl = wrappy_manifest_get_layer (m, "base")) != NULL)
    {
      g_free (nl->ref);
      nl->ref = g_strdup (base->ref);
      g_free (nl->commit);
      nl->commit = g_strdup (base->commit);
      g_free (nl->path);
      nl->path = g_steal_pointer (&path);
      u->updated = m;
    }
  snap_layer_free (base);
  return u->updated != NULL;
}

/* Copies DIR/FROM to DIR/TO, DIR being sub under root, when FROM is a directory and TO
 * is not there. A sub that cannot be opened without following a symlink (the app may
 * have planted one) is left, with a warning. */
static gboolean
carry_revision (const char *root, const char *sub, const char *from, const char *to, guint *carried,
                GError **error)
{
  g_autoptr (GError) local = NULL;
  struct stat st;
  int root_fd, dir_fd;
  gboolean ok = TRUE;

  if ((root_fd = open (root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
    return errno == ENOENT ? TRUE : wrappy_throw_errno (error, "open", root);
  dir_fd = wrappy_openat_beneath (root_fd, sub, O_RDONLY | O_DIRECTORY, 0, TRUE, &local);
  close (root_fd);
  if (dir_fd < 0)
    {
      if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      g_printerr (_ ("warning: %s/%s was not carried to the new revision: %s\n"), root, sub,
                  local->message);
      return TRUE;
    }
  if (fstatat (dir_fd, from, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR (st.st_mode)
      && fstatat (dir_fd, to, &st, AT_SYMLINK_NOFOLLOW) != 0 && errno == ENOENT)
    {
      wrappy_debug ("copying %s/%s/%s to %s", root, sub, from, to);
      ok = wrappy_copy_dir_new_at (dir_fd, from, to, error);
      *carried += ok;
    }
  close (dir_fd);
  return ok;
}

/* WrappyUpdateSwitchFunc: as snapd's refresh, the old revision's SNAP_USER_DATA
 * (~/snap/NAME/REV in each home the app may have used: the private one, an overlay's
 * upper layer, the user's own) and SNAP_DATA (the state's snap-data/REV) are copied to
 * the new revision, unless it has its own already. The old ones stay, for a rollback. */
static gboolean
carry_data (WrappyUpdate *u, GError **error)
{
  GKeyFile *from_kf = u->current->keyfile, *to_kf = u->updated->keyfile;
  g_autofree char *name = from_kf ? g_key_file_get_string (from_kf, "Snap", "name", NULL) : NULL;
  g_autofree char *from
      = from_kf ? g_key_file_get_string (from_kf, "Snap", "revision", NULL) : NULL;
  g_autofree char *to = to_kf ? g_key_file_get_string (to_kf, "Snap", "revision", NULL) : NULL;
  g_autofree char *state = wrappy_dirs_app_state (u->current->id);
  g_autofree char *home = g_canonicalize_filename (g_get_home_dir (), "/");
  g_autofree char *in_home = NULL;
  guint carried = 0;

  if (name == NULL || from == NULL || to == NULL || strcmp (from, to) == 0
      || !wrappy_validate_host_name (name, NULL) || !wrappy_validate_branch (from, NULL)
      || !wrappy_validate_branch (to, NULL))
    return TRUE;
  in_home = g_build_filename ("snap", name, NULL);
  {
    g_autofree char *private_home = g_build_filename ("home", in_home, NULL);
    g_autofree char *upper_home = g_build_filename ("home-upper", in_home, NULL);
    if (!carry_revision (state, "snap-data", from, to, &carried, error)
        || !carry_revision (state, private_home, from, to, &carried, error)
        || !carry_revision (state, upper_home, from, to, &carried, error)
        || !carry_revision (home, in_home, from, to, &carried, error))
      {
        g_prefix_error (error, _ ("cannot copy the data of %s revision %s to revision %s: "), name,
                        from, to);
        return FALSE;
      }
  }
  if (carried > 0)
    wrappy_info (_ ("Copied the data of %s revision %s to revision %s"), name, from, to);
  return TRUE;
}

gboolean
wrappy_snap_prepare_update (WrappyStore *store, WrappyUpdate *u, GCancellable *cancellable,
                            GError **error)
{
  WrappyManifest *cur = u->current;
  WrappyManifestLayer *app = wrappy_manifest_get_layer (cur, "app");
  g_autoptr (WrappySnapStoreInfo) info = NULL;
  g_autofree char *file = NULL, *revision = NULL;
  gboolean ok;

  if (g_strcmp0 (cur->origin, "snapstore") != 0 || app == NULL || app->name == NULL)
    {
      u->skip_reason = g_strdup (_ ("installed from a file; nothing to update from"));
      return TRUE;
    }
  revision = cur->keyfile ? g_key_file_get_string (cur->keyfile, "Snap", "revision", NULL) : NULL;
  wrappy_debug ("checking %s in channel %s", app->name, cur->branch ? cur->branch : "default");
  info = wrappy_snap_store_lookup (app->name, cur->branch, error);
  if (info == NULL)
    return FALSE;
  if (revision == NULL)
    revision = g_strdup (layer_revision (app));
  if (g_strcmp0 (info->revision, revision) == 0)
    return update_base_only (store, u, cancellable, error);
  wrappy_info (_ ("Updating %s from revision %s to %s…"), app->name, revision, info->revision);
  file = wrappy_snap_store_download (info, cancellable, error);
  if (file == NULL)
    return FALSE;
  u->downloaded += info->size;
  ok = build_update (store, u, file, info, cancellable, error);
  unlink (file);
  u->before_switch = carry_data;
  return ok;
}
