/* Installing an AppImage: probe, extract the payload once (safely), find its ID, commit
 * it as a content-addressed layer, write the manifest, export the launcher. The layout
 * and the variables are in docs/appimage.md. */
#include "config.h"

#include <inttypes.h>
#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wrappy-appimage-private.h"
#include "wrappy-appimage.h"
#include "wrappy-adapter.h"
#include "wrappy-dirs.h"
#include "wrappy-download.h"
#include "wrappy-error.h"
#include "wrappy-export.h"
#include "wrappy-fs.h"
#include "wrappy-i18n.h"
#include "wrappy-id.h"
#include "wrappy-output.h"
#include "wrappy-squashfs.h"
#include "wrappy-unpack.h"

#define APPDIR           "/app"
#define MAX_DESKTOP_SIZE (256 * 1024)

/* What an install has made so far, for the cleanup when a later step fails. */
typedef struct
{
  WrappyStore *store;
  char *tmp_rel; /* layers/.tmp-appimage-…, relative to the store */
  char *tmp_abs;
  char *payload; /* tmp_abs/payload */
  int payload_fd;
  char *ref;
  char *commit;
  char *layer; /* the checked-out files dir, relative to the store */
  gboolean done;
} Install;

static void
install_clear (Install *in)
{
  if (!in->done && in->layer != NULL)
    {
      gboolean removed = FALSE;
      wrappy_store_remove_layer_if_unused (in->store, in->layer, NULL, &removed, NULL);
    }
  if (!in->done && in->ref != NULL)
    wrappy_store_forget_ref (in->store, NULL, in->ref, NULL, NULL, NULL);
  if (in->payload_fd >= 0)
    close (in->payload_fd);
  if (in->tmp_rel != NULL)
    wrappy_rm_rf_at (in->store->dfd, in->tmp_rel, NULL);
  g_free (in->tmp_rel);
  g_free (in->tmp_abs);
  g_free (in->payload);
  g_free (in->ref);
  g_free (in->commit);
  g_free (in->layer);
}

/* ---- The app ID ---------------------------------------------------------------------- */

char *
wrappy_appimage_derive_id (const char *desktop_stem, const char *metainfo_stem, GError **error)
{
  g_autoptr (GString) name = NULL;

  if (desktop_stem != NULL && wrappy_validate_app_id (desktop_stem, NULL))
    return g_strdup (desktop_stem);
  if (metainfo_stem != NULL && wrappy_validate_app_id (metainfo_stem, NULL))
    return g_strdup (metainfo_stem);
  /* One last element of io.appimage.NAME: letters, digits, '_' and '-', starting with
   * a letter or '_'; anything else becomes '_'. */
  name = g_string_new (NULL);
  for (const char *p = desktop_stem ? desktop_stem : ""; *p && name->len < 200; p++)
    g_string_append_c (name, g_ascii_isalnum (*p) || *p == '-' ? *p : '_');
  if (name->len > 0 && !g_ascii_isalpha (name->str[0]) && name->str[0] != '_')
    g_string_prepend_c (name, '_');
  if (name->len == 0 || strspn (name->str, "_-") == name->len)
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_ID,
                   _ ("cannot derive an app ID from the desktop file name '%s'"),
                   desktop_stem ? desktop_stem : "");
      return NULL;
    }
  g_string_prepend (name, "io.appimage.");
  if (!wrappy_validate_app_id (name->str, error))
    return NULL;
  return g_string_free (g_steal_pointer (&name), FALSE);
}

/* ---- Reading the extracted payload (untrusted: beneath it, no absolute links) -------- */

static char *
find_desktop_name (int root_fd)
{
  g_autoptr (GPtrArray) names = wrappy_adapter_list_dir_beneath (root_fd, ".");
  for (guint i = 0; i < names->len; i++)
    if (g_str_has_suffix (names->pdata[i], ".desktop"))
      return g_strdup (names->pdata[i]);
  return NULL;
}

static char *
find_metainfo_stem (int root_fd)
{
  g_autoptr (GPtrArray) names = wrappy_adapter_list_dir_beneath (root_fd, "usr/share/metainfo");
  const char *suffixes[] = { ".metainfo.xml", ".appdata.xml" };

  for (guint i = 0; i < names->len; i++)
    for (guint j = 0; j < G_N_ELEMENTS (suffixes); j++)
      if (g_str_has_suffix (names->pdata[i], suffixes[j]))
        return g_strndup (names->pdata[i], strlen (names->pdata[i]) - strlen (suffixes[j]));
  return NULL;
}

/* ---- What the manifest says -------------------------------------------------------- */

/* AppRun if there is one, else the desktop file's program in usr/bin. */
static char *
find_command (int root_fd, GKeyFile *desktop, const char *image, GError **error)
{
  g_autofree char *exec = g_key_file_get_string (desktop, G_KEY_FILE_DESKTOP_GROUP,
                                                 G_KEY_FILE_DESKTOP_KEY_EXEC, NULL);
  g_auto (GStrv) argv = NULL;
  struct stat st;

  if (fstatat (root_fd, "AppRun", &st, AT_SYMLINK_NOFOLLOW) == 0)
    return g_strdup (APPDIR "/AppRun");
  if (exec != NULL && g_shell_parse_argv (exec, NULL, &argv, NULL) && argv[0][0] != '/'
      && strchr (argv[0], '/') == NULL)
    {
      g_autofree char *rel = g_build_filename ("usr/bin", argv[0], NULL);
      if (fstatat (root_fd, rel, &st, AT_SYMLINK_NOFOLLOW) == 0)
        return g_build_filename (APPDIR, rel, NULL);
    }
  g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
               _ ("%s: the AppImage has neither AppRun nor its desktop file's program in "
                  "usr/bin"),
               image);
  return NULL;
}

static WrappyManifest *
new_manifest (const char *id, GKeyFile *desktop, const char *origin, const char *file,
              const char *command, const WrappyAppImageInfo *info)
{
  g_autoptr (WrappyManifest) m = wrappy_manifest_new (id);
  const char *shared[] = { "network", "ipc", NULL };
  const char *sockets[] = { "x11", "wayland", "pulseaudio", NULL };
  const char *devices[] = { "dri", NULL };
  g_autoptr (GPtrArray) env = g_ptr_array_new_with_free_func (g_free);

  m->name = g_key_file_get_locale_string (desktop, G_KEY_FILE_DESKTOP_GROUP, "Name", "C", NULL);
  m->summary = g_key_file_get_string (desktop, G_KEY_FILE_DESKTOP_GROUP, "Comment", NULL);
  m->version
      = g_key_file_get_string (desktop, G_KEY_FILE_DESKTOP_GROUP, "X-AppImage-Version", NULL);
  m->source = g_strdup ("appimage");
  m->origin = g_strdup (origin);
  m->command = g_strdup (command);
  m->update_info = g_strdup (info->update_info);
  /* An AppImage declares no permissions and expects a desktop session: what a typical
   * desktop app gets; the isolation level still decides what is granted. */
  m->shared = g_strdupv ((char **)shared);
  m->sockets = g_strdupv ((char **)sockets);
  m->devices = g_strdupv ((char **)devices);
  g_ptr_array_add (env, g_strdup ("APPDIR=" APPDIR));
  g_ptr_array_add (env, g_strconcat ("APPIMAGE=", file, NULL));
  g_ptr_array_add (env, g_strconcat ("ARGV0=", file, NULL));
  g_ptr_array_add (env, NULL);
  m->env = (char **)g_ptr_array_free (g_steal_pointer (&env), FALSE);
  return g_steal_pointer (&m);
}

/* ---- Desktop export ---------------------------------------------------------------- */

/* Exec in every group runs the app's command, so that `wrappy run` needs no --command
 * that only exists outside (the desktop file names the program as on the host's PATH). */
static void
point_exec_at_command (GKeyFile *kf, const char *command, const char *id)
{
  g_auto (GStrv) groups = g_key_file_get_groups (kf, NULL);

  for (char **g = groups; *g; g++)
    {
      g_autofree char *exec = g_key_file_get_string (kf, *g, "Exec", NULL);
      g_auto (GStrv) argv = NULL;
      g_autoptr (GString) out = NULL;

      if (exec == NULL || !g_shell_parse_argv (exec, NULL, &argv, NULL))
        continue;
      out = g_string_new (command);
      for (int i = 1; argv[i]; i++)
        {
          g_autofree char *q = NULL;
          if (argv[i][0] == '%' && strlen (argv[i]) == 2)
            {
              g_string_append_printf (out, " %s", argv[i]);
              continue;
            }
          q = g_shell_quote (argv[i]);
          g_string_append_printf (out, " %s", q);
        }
      g_key_file_set_string (kf, *g, "Exec", out->str);
    }
  g_key_file_set_string (kf, G_KEY_FILE_DESKTOP_GROUP, "Icon", id);
}

static gboolean
stage_file (const char *dir, const char *rel, const char *data, gsize len, GError **error)
{
  g_autofree char *path = g_build_filename (dir, rel, NULL);
  g_autofree char *parent = g_path_get_dirname (path);

  return wrappy_dirs_ensure (parent, error) && g_file_set_contents (path, data, len, error);
}

/* The payload's desktop file and icon, laid out as share/… in stage (a new directory)
 * for the common export code, which validates, rewrites and installs them. */
static gboolean
stage_launcher (Install *in, const char *stage, const char *id, GKeyFile *desktop,
                const char *command, GError **error)
{
  g_autofree char *desktop_rel = g_strdup_printf ("share/applications/%s.desktop", id);
  g_autofree char *icon = g_key_file_get_string (desktop, G_KEY_FILE_DESKTOP_GROUP, "Icon", NULL);
  g_autofree char *data = NULL;
  gsize len = 0;

  point_exec_at_command (desktop, command, id);
  data = g_key_file_to_data (desktop, &len, NULL);
  if (!stage_file (stage, desktop_rel, data, len, error))
    return FALSE;
  for (guint i = 0; icon != NULL && strchr (icon, '/') == NULL && i < 3; i++)
    {
      const char *cand[] = { "%s.png", "%s.svg", ".DirIcon" };
      g_autofree char *rel = g_strdup_printf (cand[i], icon);
      g_autofree char *idata = wrappy_adapter_read_beneath (
          in->payload_fd, rel, WRAPPY_ADAPTER_MAX_ICON_SIZE, &len, NULL);
      gboolean staged = FALSE;

      if (idata != NULL && !wrappy_adapter_stage_icon (stage, id, idata, len, &staged, error))
        return FALSE;
      if (staged)
        return TRUE;
    }
  return TRUE;
}

/* ---- The install ------------------------------------------------------------------- */

gboolean
wrappy_appimage_file_sums (const char *path, char **sha256_out, char **sha1_out, GError **error)
{
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr (GChecksum) sum1 = g_checksum_new (G_CHECKSUM_SHA1);
  g_autofree char *buf = g_malloc (256 * 1024);
  ssize_t n;
  int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

  if (fd < 0)
    return wrappy_throw_errno (error, "open", path);
  while ((n = read (fd, buf, 256 * 1024)) > 0)
    {
      g_checksum_update (sum, (const guchar *)buf, n);
      g_checksum_update (sum1, (const guchar *)buf, n);
    }
  close (fd);
  if (n < 0)
    return wrappy_throw_errno (error, "read", path);
  *sha256_out = g_strdup (g_checksum_get_string (sum));
  if (sha1_out != NULL)
    *sha1_out = g_strdup (g_checksum_get_string (sum1));
  return TRUE;
}

static gboolean
extract_payload (Install *in, const char *file, const WrappyAppImageInfo *info,
                 GCancellable *cancellable, GError **error)
{
  g_autofree char *layers = g_build_filename (in->store->path, "layers", NULL);

  if (!wrappy_dirs_ensure (layers, error))
    return FALSE;
  in->tmp_rel = g_strdup_printf ("layers/.tmp-appimage-%d-%08x", getpid (), g_random_int ());
  in->tmp_abs = g_build_filename (in->store->path, in->tmp_rel, NULL);
  if (!wrappy_dirs_ensure (in->tmp_abs, error))
    return FALSE;
  in->payload = g_build_filename (in->tmp_abs, "payload", NULL);
  /* In a confined child (wrappy-unpack.h): the image is untrusted and the libraries that
   * parse it can be made to ask for gigabytes or to loop. */
  if (!wrappy_unpack (info->type == 2 ? WRAPPY_UNPACK_SQUASHFS : WRAPPY_UNPACK_ISO, file,
                      info->type == 2 ? info->offset : 0, in->payload, cancellable, error))
    return FALSE;
  in->payload_fd = open (in->payload, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (in->payload_fd < 0)
    return wrappy_throw_errno (error, "open", in->payload);
  return TRUE;
}

static GKeyFile *
load_desktop (Install *in, const char *file, char **stem_out, GError **error)
{
  g_autofree char *name = find_desktop_name (in->payload_fd);
  g_autofree char *data = NULL;
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autoptr (GError) local_error = NULL;
  gsize len = 0;

  if (name == NULL)
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
                   _ ("%s: the AppImage has no .desktop file at the top of its payload"), file);
      return NULL;
    }
  data = wrappy_adapter_read_beneath (in->payload_fd, name, MAX_DESKTOP_SIZE, &len, &local_error);
  if (data == NULL
      || !g_key_file_load_from_data (kf, data, len, G_KEY_FILE_KEEP_TRANSLATIONS, &local_error)
      || !g_key_file_has_group (kf, G_KEY_FILE_DESKTOP_GROUP))
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
                   _ ("%s: the AppImage's %s is not a valid desktop file%s%s"), file, name,
                   local_error ? ": " : "", local_error ? local_error->message : "");
      return NULL;
    }
  *stem_out = g_strndup (name, strlen (name) - strlen (".desktop"));
  return g_steal_pointer (&kf);
}

static gboolean
check_not_installed (const char *id, GError **error)
{
  if (!wrappy_manifest_is_installed (id))
    return TRUE;
  g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_ALREADY_INSTALLED,
               _ ("%s is already installed; run it with 'wrappy run %s', or remove it first "
                  "with 'wrappy uninstall %s'"),
               id, id, id);
  return FALSE;
}

/* The ID of the payload: an update must keep the installed app's, an install must not
 * clash with one. */
static gboolean
check_id (const char *id, const char *expect_id, const char *file, GError **error)
{
  if (expect_id == NULL)
    return check_not_installed (id, error);
  if (strcmp (id, expect_id) == 0)
    return TRUE;
  g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
               _ ("%s is an AppImage of %s, not of %s; refusing an update that changes the "
                  "app's ID"),
               file, id, expect_id);
  return FALSE;
}

static WrappyManifest *
build_file (Install *in, const char *file, const char *origin, const char *expect_id,
            const char *stage, GCancellable *cancellable, GError **error)
{
  g_auto (WrappyAppImageInfo) info = { 0 };
  g_autoptr (GKeyFile) desktop = NULL;
  g_autoptr (WrappyManifest) m = NULL;
  g_autofree char *stem = NULL, *meta = NULL, *id = NULL, *command = NULL, *sha = NULL;
  g_autofree char *sha1 = NULL, *subject = NULL, *app_files = NULL, *base = NULL;
  g_autofree char *signer = NULL;

  if (!wrappy_appimage_probe (file, &info, error)
      /* A signature that does not verify with the key beside it: the file was changed. */
      || (info.signature != NULL
          && (signer = wrappy_appimage_verify (file, &info, info.sig_key, error)) == NULL)
      || !extract_payload (in, file, &info, cancellable, error)
      || (desktop = load_desktop (in, file, &stem, error)) == NULL)
    return NULL;
  meta = find_metainfo_stem (in->payload_fd);
  if ((id = wrappy_appimage_derive_id (stem, meta, error)) == NULL
      || !check_id (id, expect_id, file, error)
      || (command = find_command (in->payload_fd, desktop, file, error)) == NULL
      || !wrappy_appimage_file_sums (file, &sha, &sha1, error))
    return NULL;

  in->ref = g_strdup_printf ("appimage/%s/%s/%s", id, wrappy_default_arch (), sha);
  base = g_path_get_basename (file);
  subject = g_strdup_printf ("AppImage %s", base);
  if (!wrappy_store_import_tree (in->store, in->ref, in->payload, subject, &in->commit, cancellable,
                                 error))
    return NULL;
  in->layer = wrappy_store_checkout_layer (in->store, in->ref, in->commit, cancellable, error);
  if (in->layer == NULL)
    return NULL;

  m = new_manifest (id, desktop, origin, file, command, &info);
  wrappy_manifest_add_layer (m, "base", "host", NULL, NULL, WRAPPY_MANIFEST_HOST_BASE, "/usr");
  wrappy_manifest_add_layer (m, "app", id, in->ref, in->commit, in->layer, APPDIR);
  if (m->name == NULL)
    m->name = g_strdup (stem);
  app_files = g_build_filename (in->store->path, in->layer, NULL);
  m->installed_size = wrappy_disk_usage (app_files);
  /* What a later update compares a .zsync file's SHA-1 with. */
  g_key_file_set_string (wrappy_manifest_adapter_keyfile (m), WRAPPY_APPIMAGE_CATALOG_GROUP,
                         WRAPPY_APPIMAGE_SHA1_KEY, sha1);
  if (signer != NULL)
    {
      g_key_file_set_string (wrappy_manifest_adapter_keyfile (m), WRAPPY_APPIMAGE_CATALOG_GROUP,
                             WRAPPY_APPIMAGE_SIGNER_KEY, signer);
      g_key_file_set_string (wrappy_manifest_adapter_keyfile (m), WRAPPY_APPIMAGE_CATALOG_GROUP,
                             WRAPPY_APPIMAGE_SIG_KEY_KEY, info.sig_key);
    }
  if (!stage_launcher (in, stage, id, desktop, command, error))
    return NULL;
  /* The layer reaches the disk before the manifest that points at it. */
  wrappy_store_sync (in->store);
  return g_steal_pointer (&m);
}

WrappyManifest *
wrappy_appimage_build (WrappyStore *store, const char *file, const char *origin,
                       const char *expect_id, const char *stage, GCancellable *cancellable,
                       GError **error)
{
  Install in = { .store = store, .payload_fd = -1 };
  WrappyManifest *m = build_file (&in, file, origin, expect_id, stage, cancellable, error);

  in.done = m != NULL;
  install_clear (&in);
  return m;
}

static void
forget_layers (WrappyStore *store, WrappyManifest *m)
{
  WrappyManifestLayer *l = wrappy_manifest_get_layer (m, "app");
  gboolean removed = FALSE;

  if (l != NULL && wrappy_store_remove_layer_if_unused (store, l->path, NULL, &removed, NULL)
      && removed)
    wrappy_store_forget_ref (store, NULL, l->ref, NULL, NULL, NULL);
}

WrappyManifest *
wrappy_appimage_install (WrappyStore *store, const char *file_or_url, GCancellable *cancellable,
                         GError **error)
{
  return wrappy_appimage_install_full (store, file_or_url, NULL, cancellable, error);
}

WrappyManifest *
wrappy_appimage_install_full (WrappyStore *store, const char *file_or_url, const char *catalog_name,
                              GCancellable *cancellable, GError **error)
{
  g_autofree char *file = NULL, *origin = NULL, *stage = NULL;
  g_autoptr (WrappyManifest) m = NULL;

  if (wrappy_is_url (file_or_url))
    {
      g_autofree char *name = wrappy_download_name_for_url (file_or_url);
      file = wrappy_download (file_or_url, name, WRAPPY_APPIMAGE_MAX_DOWNLOAD, cancellable, error);
      if (file == NULL)
        return NULL;
      origin = g_strdup (file_or_url);
    }
  else
    {
      file = g_canonicalize_filename (file_or_url, NULL);
      origin = g_strdup (file);
    }
  stage = g_dir_make_tmp ("wrappy-appimage-XXXXXX", error);
  if (stage != NULL)
    m = wrappy_appimage_build (store, file, origin, NULL, stage, cancellable, error);
  /* The catalog item it came from, for `search` to mark it installed. */
  if (m != NULL && catalog_name != NULL)
    g_key_file_set_string (wrappy_manifest_adapter_keyfile (m), WRAPPY_APPIMAGE_CATALOG_GROUP,
                           WRAPPY_APPIMAGE_CATALOG_KEY, catalog_name);
  if (m != NULL && !wrappy_adapter_export_and_save (m, stage, error))
    {
      forget_layers (store, m);
      g_clear_pointer (&m, wrappy_manifest_free);
    }
  if (stage != NULL)
    wrappy_rm_rf_at (AT_FDCWD, stage, NULL);
  /* A downloaded file is only a means: the layer now holds its payload. */
  if (wrappy_is_url (file_or_url))
    unlink (file);
  return g_steal_pointer (&m);
}
