/* Updating an AppImage (docs/appimage.md, "Updates"): its update information names a
 * .zsync control file (directly, or as a GitHub release asset); the header of that file
 * says which file is current (SHA-1, URL, Length). wrappy compares the SHA-1 with the
 * installed file's and downloads the whole new file: no block-level delta transfer. An
 * app without update information but installed from a URL is downloaded again and
 * compared by SHA-256. The new file goes through wrappy_appimage_build, as an install. */
#include "config.h"

#include <inttypes.h>

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wrappy-adapter.h"
#include "wrappy-appimage-feed.h"
#include "wrappy-appimage-private.h"
#include "wrappy-appimage.h"
#include "wrappy-dirs.h"
#include "wrappy-download.h"
#include "wrappy-error.h"
#include "wrappy-fs.h"
#include "wrappy-http.h"
#include "wrappy-i18n.h"
#include "wrappy-output.h"
#include "wrappy-policy.h"

/* A .zsync file holds a checksum per block: some MiB for a large AppImage. */
#define MAX_ZSYNC_SIZE   (64 * 1024 * 1024)
#define MAX_ZSYNC_HEADER 65536

/* ---- Update information ------------------------------------------------------------- */

void
wrappy_appimage_update_info_clear (WrappyAppImageUpdateInfo *ui)
{
  g_clear_pointer (&ui->url, g_free);
  g_clear_pointer (&ui->owner, g_free);
  g_clear_pointer (&ui->repo, g_free);
  g_clear_pointer (&ui->tag, g_free);
  g_clear_pointer (&ui->glob, g_free);
  ui->kind = 0;
}

static gboolean
bad_update_info (GError **error, const char *text, const char *why)
{
  g_autofree char *shown = g_strescape (text, NULL);

  g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
               _ ("the AppImage's update information '%s' is not usable: %s"), shown, why);
  return FALSE;
}

static gboolean
printable (const char *s)
{
  for (const char *p = s; *p; p++)
    if (g_ascii_iscntrl (*p) || *p == ' ')
      return FALSE;
  return *s != '\0' && g_utf8_validate (s, -1, NULL);
}

gboolean
wrappy_appimage_parse_update_info (const char *text, WrappyAppImageUpdateInfo *ui, GError **error)
{
  g_auto (GStrv) f = g_strsplit (text, "|", -1);
  guint n = g_strv_length (f);
  g_autofree char *slug = NULL;

  wrappy_appimage_update_info_clear (ui);
  for (guint i = 0; i < n; i++)
    if (!printable (f[i]))
      return bad_update_info (error, text, _ ("an empty or unprintable field"));
  if (n == 2 && strcmp (f[0], "zsync") == 0)
    {
      if (!wrappy_is_url (f[1]))
        return bad_update_info (error, text, _ ("the .zsync URL is not http(s)"));
      ui->kind = WRAPPY_APPIMAGE_UPDATE_ZSYNC;
      ui->url = g_strdup (f[1]);
      return TRUE;
    }
  if (n == 5 && strcmp (f[0], "gh-releases-zsync") == 0)
    {
      slug = g_strconcat (f[1], "/", f[2], NULL);
      if (!wrappy_appimage_parse_github (slug, &ui->owner, &ui->repo))
        return bad_update_info (error, text, _ ("not a GitHub owner and repository"));
      ui->kind = WRAPPY_APPIMAGE_UPDATE_GH_RELEASES;
      ui->tag = g_strdup (f[3]);
      ui->glob = g_strdup (f[4]);
      return TRUE;
    }
  if (n >= 1 && (strcmp (f[0], "zsync") == 0 || strcmp (f[0], "gh-releases-zsync") == 0))
    return bad_update_info (error, text, _ ("wrong number of fields"));
  return bad_update_info (error, text, _ ("wrappy understands only zsync and gh-releases-zsync"));
}

/* ---- The .zsync header -------------------------------------------------------------- */

void
wrappy_zsync_header_clear (WrappyZsyncHeader *h)
{
  g_clear_pointer (&h->sha1, g_free);
  g_clear_pointer (&h->url, g_free);
  h->length = 0;
}

static gboolean
bad_zsync (GError **error, const char *zsync_url, const char *why)
{
  g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
               _ ("%s is not a valid .zsync file: %s"), zsync_url, why);
  return FALSE;
}

static gboolean
is_sha1 (const char *s)
{
  return strlen (s) == 40 && strspn (s, "0123456789abcdefABCDEF") == 40;
}

/* ref resolved against base, or NULL unless the result has a host: a URL without one
 * is never followed, and g_uri_to_string() fails a GLib critical on some (a path that
 * starts with "//", as "http:/.//b" resolves to: found by fuzz-zsync-header). */
static char *
resolve_url (const char *base, const char *ref)
{
  g_autoptr (GUri) base_uri = g_uri_parse (base, G_URI_FLAGS_NONE, NULL);
  g_autoptr (GUri) uri = NULL;
  const char *host;

  if (base_uri == NULL)
    return NULL;
  uri = g_uri_parse_relative (base_uri, ref, G_URI_FLAGS_NONE, NULL);
  host = uri != NULL ? g_uri_get_host (uri) : NULL;
  if (host == NULL || *host == '\0')
    return NULL;
  return g_uri_to_string (uri);
}

/* One "Key: value" line into h; unknown keys are ignored, as zsync does. */
static gboolean
header_line (WrappyZsyncHeader *h, const char *key, const char *value, const char *zsync_url,
             GError **error)
{
  if (strcmp (key, "SHA-1") == 0)
    {
      if (!is_sha1 (value))
        return bad_zsync (error, zsync_url, _ ("its SHA-1 is not 40 hex digits"));
      g_free (h->sha1);
      h->sha1 = g_ascii_strdown (value, -1);
    }
  else if (strcmp (key, "Length") == 0)
    {
      if (!g_ascii_string_to_unsigned (value, 10, 1, WRAPPY_APPIMAGE_MAX_DOWNLOAD, &h->length,
                                       NULL))
        return bad_zsync (error, zsync_url, _ ("its Length is not a usable size"));
    }
  else if (strcmp (key, "URL") == 0 && h->url == NULL)
    {
      /* Relative to the .zsync file's own URL; only http(s) is followed. */
      g_autofree char *abs = resolve_url (zsync_url, value);
      if (abs != NULL && wrappy_is_url (abs) && strpbrk (abs, " \t") == NULL)
        h->url = g_steal_pointer (&abs);
    }
  return TRUE;
}

gboolean
wrappy_zsync_parse_header (const char *data, gsize len, const char *zsync_url, WrappyZsyncHeader *h,
                           GError **error)
{
  g_autofree char *head = NULL;
  const char *end = NULL;
  g_auto (GStrv) lines = NULL;

  wrappy_zsync_header_clear (h);
  /* The header ends at the first empty line; the binary block checksums follow. */
  for (gsize i = 0; i + 1 < len && i < MAX_ZSYNC_HEADER; i++)
    if (data[i] == '\n' && data[i + 1] == '\n')
      {
        end = data + i;
        break;
      }
  if (end == NULL)
    return bad_zsync (error, zsync_url, _ ("no header"));
  head = g_strndup (data, end - data);
  if (strlen (head) != (gsize)(end - data) || !g_utf8_validate (head, -1, NULL))
    return bad_zsync (error, zsync_url, _ ("its header is not text"));
  lines = g_strsplit (head, "\n", -1);
  /* An empty header (the file starts with "\n\n") splits into no lines at all. */
  if (lines[0] == NULL || !g_str_has_prefix (lines[0], "zsync:"))
    return bad_zsync (error, zsync_url, _ ("it does not start with a zsync: line"));
  for (char **l = lines + 1; *l; l++)
    {
      char *colon = strstr (*l, ": ");
      if (colon == NULL)
        return bad_zsync (error, zsync_url, _ ("a header line is not 'Key: value'"));
      *colon = '\0';
      if (!header_line (h, *l, g_strstrip (colon + 2), zsync_url, error))
        return FALSE;
    }
  if (h->sha1 == NULL || h->url == NULL || h->length == 0)
    return bad_zsync (error, zsync_url, _ ("it lacks an SHA-1, an http(s) URL or a Length"));
  return TRUE;
}

/* ---- Finding the new file ----------------------------------------------------------- */

/* An update comes over https: over plain http anyone on the path can swap the file and
 * its .zsync, whose SHA-1 is then the only check (issue 16, finding 4). The user can
 * allow http for one app in its overrides file. */
static gboolean
check_transport (const WrappyManifest *cur, const char *url, GError **error)
{
  g_autofree char *overrides = NULL;

  if (g_ascii_strncasecmp (url, "https://", 8) == 0
      || wrappy_policy_insecure_updates_allowed (cur->id))
    return TRUE;
  overrides = g_build_filename (wrappy_dirs_config (), "overrides", cur->id, NULL);
  g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
               _ ("refusing an update over plain http (%s): anyone on the network could "
                  "replace it; to allow it for this app, set insecure-updates=true in the "
                  "[Wrappy] group of %s"),
               url, overrides);
  return FALSE;
}

/* The .zsync URL the update information names. */
static char *
zsync_url_of (const WrappyAppImageUpdateInfo *ui, GError **error)
{
  g_autofree char *what = NULL;
  g_autoptr (GBytes) release = NULL;

  if (ui->kind == WRAPPY_APPIMAGE_UPDATE_ZSYNC)
    return g_strdup (ui->url);
  what = g_strdup_printf (_ ("release %s of github.com/%s/%s"), ui->tag, ui->owner, ui->repo);
  release = wrappy_appimage_github_release (ui->owner, ui->repo, ui->tag, error);
  if (release == NULL)
    return NULL;
  return wrappy_appimage_pick_glob_asset (release, ui->glob, what, error);
}

static char *
current_sha1 (WrappyManifest *m)
{
  if (m->keyfile == NULL)
    return NULL;
  return g_key_file_get_string (m->keyfile, WRAPPY_APPIMAGE_CATALOG_GROUP, WRAPPY_APPIMAGE_SHA1_KEY,
                                NULL);
}

/* The SHA-256 the installed file had: the last element of its layer's ref. */
static const char *
current_sha256 (WrappyManifest *m)
{
  WrappyManifestLayer *l = wrappy_manifest_get_layer (m, "app");
  const char *slash = l && l->ref ? strrchr (l->ref, '/') : NULL;
  return slash ? slash + 1 : "";
}

static guint64
file_size (const char *path)
{
  struct stat st;
  return stat (path, &st) == 0 ? (guint64)st.st_size : 0;
}

/* Downloads what the .zsync header describes and checks it is that file. */
static char *
download_described (WrappyManifest *cur, const WrappyZsyncHeader *h, guint64 *downloaded,
                    GCancellable *cancellable, GError **error)
{
  g_autofree char *name = g_strdup_printf ("%s-%s.AppImage", cur->id, h->sha1);
  g_autofree char *sha256 = NULL, *sha1 = NULL;
  g_autofree char *file = wrappy_download (h->url, name, h->length, cancellable, error);
  guint64 size;

  if (file == NULL)
    return NULL;
  size = file_size (file);
  *downloaded += size;
  if (size != h->length)
    g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
                 _ ("%s is %" PRIu64 " bytes, but its .zsync file says %" PRIu64
                    "; the download is incomplete or the file changed"),
                 h->url, (uint64_t)size, (uint64_t)h->length);
  else if (!wrappy_appimage_file_sums (file, &sha256, &sha1, error))
    ;
  else if (strcmp (sha1, h->sha1) != 0)
    g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
                 _ ("%s does not have the SHA-1 its .zsync file names; refusing it"), h->url);
  else
    return g_steal_pointer (&file);
  wrappy_download_discard (name);
  return NULL;
}

/* Follows the update information: the new file's path in the cache, or NULL with no
 * error when the installed file is the current one. */
static char *
fetch_by_update_info (WrappyManifest *cur, char **origin_out, guint64 *downloaded,
                      GCancellable *cancellable, GError **error)
{
  g_auto (WrappyAppImageUpdateInfo) ui = { 0 };
  g_auto (WrappyZsyncHeader) h = { 0 };
  g_autofree char *zsync_url = NULL, *installed_sha1 = current_sha1 (cur);
  g_autoptr (GBytes) body = NULL;

  if (!wrappy_appimage_parse_update_info (cur->update_info, &ui, error)
      || (zsync_url = zsync_url_of (&ui, error)) == NULL || !check_transport (cur, zsync_url, error)
      || (body = wrappy_http_get (zsync_url, MAX_ZSYNC_SIZE, error)) == NULL)
    return NULL;
  *downloaded += g_bytes_get_size (body);
  if (!wrappy_zsync_parse_header (g_bytes_get_data (body, NULL), g_bytes_get_size (body), zsync_url,
                                  &h, error))
    return NULL;
  if (installed_sha1 != NULL && strcmp (installed_sha1, h.sha1) == 0)
    return NULL;
  if (!check_transport (cur, h.url, error))
    return NULL;
  *origin_out = g_strdup (h.url);
  return download_described (cur, &h, downloaded, cancellable, error);
}

/* No update information, installed from a URL: that URL again. */
static char *
fetch_origin_again (WrappyManifest *cur, guint64 *downloaded, GCancellable *cancellable,
                    GError **error)
{
  g_autofree char *name = g_strdup_printf ("%s-update.AppImage", cur->id);
  char *file = NULL;

  if (!check_transport (cur, cur->origin, error))
    return NULL;
  file = wrappy_download (cur->origin, name, WRAPPY_APPIMAGE_MAX_DOWNLOAD, cancellable, error);

  if (file != NULL)
    *downloaded += file_size (file);
  return file;
}

/* ---- The update --------------------------------------------------------------------- */

/* Whether file is the installed AppImage itself (same SHA-256). */
static gboolean
same_file (WrappyManifest *cur, const char *file, gboolean *same, GError **error)
{
  g_autofree char *sha256 = NULL;

  if (!wrappy_appimage_file_sums (file, &sha256, NULL, error))
    return FALSE;
  *same = strcmp (sha256, current_sha256 (cur)) == 0;
  return TRUE;
}

/* An installed AppImage that is signed is updated only to one signed by the same key:
 * the key kept at install, not the one the new file carries. */
static gboolean
check_signer (WrappyManifest *cur, const char *file, GError **error)
{
  g_autofree char *signer = NULL, *key = NULL, *fingerprint = NULL;
  g_auto (WrappyAppImageInfo) info = { 0 };

  if (cur->keyfile == NULL
      || (signer = g_key_file_get_string (cur->keyfile, WRAPPY_APPIMAGE_CATALOG_GROUP,
                                          WRAPPY_APPIMAGE_SIGNER_KEY, NULL))
             == NULL)
    return TRUE;
  key = g_key_file_get_string (cur->keyfile, WRAPPY_APPIMAGE_CATALOG_GROUP,
                               WRAPPY_APPIMAGE_SIG_KEY_KEY, NULL);
  if (!wrappy_appimage_probe (file, &info, error))
    return FALSE;
  if (info.signature == NULL)
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
                   _ ("the installed version is signed by %s and the update is not; refusing it"),
                   signer);
      return FALSE;
    }
  fingerprint = wrappy_appimage_verify (file, &info, key, error);
  if (fingerprint == NULL || strcmp (fingerprint, signer) != 0)
    {
      g_clear_error (error);
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
                   _ ("the update is not signed by %s, the key of the installed version; "
                      "refusing it"),
                   signer);
      return FALSE;
    }
  return TRUE;
}

/* Builds u->updated from the new file into a temporary export dir. */
static gboolean
build_update (WrappyStore *store, WrappyUpdate *u, const char *file, const char *origin,
              GCancellable *cancellable, GError **error)
{
  g_autofree char *stage = g_dir_make_tmp ("wrappy-appimage-XXXXXX", error);
  g_autofree char *catalog = NULL;

  g_autoptr (WrappyManifest) m = NULL;

  if (stage == NULL)
    return FALSE;
  m = wrappy_appimage_build (store, file, origin, u->current->id, stage, cancellable, error);
  /* What the app was installed as stays: its catalog name. */
  if (m != NULL && u->current->keyfile != NULL
      && (catalog = g_key_file_get_string (u->current->keyfile, WRAPPY_APPIMAGE_CATALOG_GROUP,
                                           WRAPPY_APPIMAGE_CATALOG_KEY, NULL))
             != NULL)
    g_key_file_set_string (wrappy_manifest_adapter_keyfile (m), WRAPPY_APPIMAGE_CATALOG_GROUP,
                           WRAPPY_APPIMAGE_CATALOG_KEY, catalog);
  return wrappy_adapter_take_update (u, g_steal_pointer (&m), g_steal_pointer (&stage));
}

gboolean
wrappy_appimage_prepare_update (WrappyStore *store, WrappyUpdate *u, GCancellable *cancellable,
                                GError **error)
{
  WrappyManifest *cur = u->current;
  g_autofree char *file = NULL, *origin = NULL;
  g_autoptr (GError) local_error = NULL;
  gboolean same = FALSE, ok;

  if (cur->update_info != NULL)
    file = fetch_by_update_info (cur, &origin, &u->downloaded, cancellable, &local_error);
  else if (cur->origin != NULL && wrappy_is_url (cur->origin))
    {
      file = fetch_origin_again (cur, &u->downloaded, cancellable, &local_error);
      origin = g_strdup (cur->origin);
    }
  else
    {
      u->skip_reason = g_strdup (_ ("installed from a file; nothing to update from"));
      return TRUE;
    }
  if (local_error != NULL)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "%s: ", cur->id);
      return FALSE;
    }
  if (file == NULL)
    return TRUE; /* the .zsync file names the installed file */
  /* Older installs have no SHA-1 to compare with; a URL may serve the same file. */
  ok = same_file (cur, file, &same, error);
  if (ok && !same)
    ok = check_signer (cur, file, error)
         && build_update (store, u, file, origin, cancellable, error);
  unlink (file);
  return ok;
}
