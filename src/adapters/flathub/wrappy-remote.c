#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "wrappy-dirs.h"
#include "wrappy-error.h"
#include "wrappy-http.h"
#include "wrappy-i18n.h"
#include "wrappy-output.h"
#include "wrappy-remote.h"

#define KEY_CHECKSUM_OPTION "xa.wrappy-key"

WrappyRemote *
wrappy_remote_new (const char *name, const char *url)
{
  WrappyRemote *r = g_new0 (WrappyRemote, 1);

  r->name = g_strdup (name);
  r->url = g_strdup (url);
  r->gpg_verify = TRUE;
  return r;
}

void
wrappy_remote_free (WrappyRemote *r)
{
  if (r == NULL)
    return;
  g_free (r->name);
  g_free (r->url);
  g_free (r->title);
  g_clear_pointer (&r->gpg_key, g_bytes_unref);
  g_free (r);
}

gboolean
wrappy_remote_validate_name (const char *name, GError **error)
{
  gsize len = name ? strlen (name) : 0;

  if (len == 0 || len > 64 || !(g_ascii_isalnum (name[0]) || name[0] == '_'))
    goto bad;
  for (const char *p = name; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '_' && *p != '-' && *p != '.')
      goto bad;
  if (strstr (name, "..") != NULL)
    goto bad;
  return TRUE;
bad:
  {
    g_autofree char *shown = g_strescape (name ? name : "", NULL);
    g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_ID,
                 _ ("'%s' is not a valid remote name (letters, digits, '_', '-' and '.')"), shown);
  }
  return FALSE;
}

static gboolean
valid_url (const char *url)
{
  return url != NULL
         && (g_str_has_prefix (url, "http://") || g_str_has_prefix (url, "https://")
             || g_str_has_prefix (url, "file:///"))
         && strpbrk (url, " \t\n\r") == NULL;
}

WrappyRemote *
wrappy_remote_from_keyfile_data (const char *name, const char *data, gsize len, gboolean is_ref,
                                 GError **error)
{
  const char *group = is_ref ? "Flatpak Ref" : "Flatpak Repo";
  const char *what = is_ref ? ".flatpakref" : ".flatpakrepo";
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autoptr (GError) local_error = NULL;
  g_autoptr (WrappyRemote) r = NULL;
  g_autofree char *url = NULL;
  g_autofree char *key = NULL;

  if (memchr (data, '\0', len) != NULL || !g_utf8_validate (data, len, NULL)
      || !g_key_file_load_from_data (kf, data, len, G_KEY_FILE_NONE, &local_error)
      || !g_key_file_has_group (kf, group))
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA, _ ("not a valid %s file: %s"),
                   what,
                   local_error ? local_error->message : _ ("no [Flatpak] group or bad bytes"));
      return NULL;
    }
  url = g_key_file_get_string (kf, group, "Url", NULL);
  if (!valid_url (url))
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
                   _ ("not a valid %s file: missing or invalid Url="), what);
      return NULL;
    }
  r = wrappy_remote_new (name, url);
  r->title = g_key_file_get_string (kf, group, "Title", NULL);
  key = g_key_file_get_string (kf, group, "GPGKey", NULL);
  if (key != NULL)
    {
      gsize key_len = 0;
      guchar *raw;
      g_strstrip (key);
      raw = g_base64_decode (key, &key_len);
      if (key_len == 0)
        {
          g_free (raw);
          g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
                       _ ("not a valid %s file: GPGKey= is not base64"), what);
          return NULL;
        }
      r->gpg_key = g_bytes_new_take (raw, key_len);
    }
  /* A repo file with no key cannot be verified: like flatpak, it turns verification off
   * only when the file says nothing at all about keys. */
  r->gpg_verify = r->gpg_key != NULL;
  return g_steal_pointer (&r);
}

static char *
remote_conf_path (const char *name)
{
  g_autofree char *file = g_strconcat (name, ".conf", NULL);
  return g_build_filename (wrappy_dirs_config (), "remotes", file, NULL);
}

gboolean
wrappy_remote_exists (const char *name)
{
  g_autofree char *path = remote_conf_path (name);
  return g_file_test (path, G_FILE_TEST_IS_REGULAR);
}

WrappyRemote *
wrappy_remote_load (const char *name, GError **error)
{
  g_autofree char *path = NULL;
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autoptr (GError) local_error = NULL;
  g_autoptr (WrappyRemote) r = NULL;
  g_autofree char *url = NULL;
  g_autofree char *key = NULL;

  if (!wrappy_remote_validate_name (name, error))
    return NULL;
  path = remote_conf_path (name);
  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_NOT_FOUND,
                     _ ("no remote named '%s'; add it with 'wrappy remote add %s URL'"), name,
                     name);
      else
        g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
                     _ ("cannot read remote '%s' (%s): %s"), name, path, local_error->message);
      return NULL;
    }
  url = g_key_file_get_string (kf, "Remote", "url", NULL);
  if (!valid_url (url))
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
                   _ ("remote '%s' has no valid URL in %s"), name, path);
      return NULL;
    }
  r = wrappy_remote_new (name, url);
  r->title = g_key_file_get_string (kf, "Remote", "title", NULL);
  r->gpg_verify = !g_key_file_has_key (kf, "Remote", "gpg-verify", NULL)
                  || g_key_file_get_boolean (kf, "Remote", "gpg-verify", NULL);
  key = g_key_file_get_string (kf, "Remote", "gpg-key", NULL);
  if (key != NULL)
    {
      gsize key_len = 0;
      guchar *raw = g_base64_decode (key, &key_len);
      r->gpg_key = g_bytes_new_take (raw, key_len);
    }
  return g_steal_pointer (&r);
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *)a, *(const char *const *)b);
}

GPtrArray *
wrappy_remote_list (GError **error)
{
  g_autofree char *dir = g_build_filename (wrappy_dirs_config (), "remotes", NULL);
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify)wrappy_remote_free);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (d == NULL)
    return g_steal_pointer (&out);
  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".conf") && name[0] != '.')
      g_ptr_array_add (names, g_strndup (name, strlen (name) - 5));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      g_autoptr (GError) e = NULL;
      WrappyRemote *r = wrappy_remote_load (names->pdata[i], &e);
      if (r == NULL)
        g_printerr (_ ("warning: %s\n"), e->message);
      else
        g_ptr_array_add (out, r);
    }
  return g_steal_pointer (&out);
}

gboolean
wrappy_remote_save (WrappyRemote *r, gboolean replace, GError **error)
{
  g_autofree char *path = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *data = NULL;
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  gsize len;

  if (!wrappy_remote_validate_name (r->name, error))
    return FALSE;
  path = remote_conf_path (r->name);
  if (!replace && g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_ALREADY_INSTALLED,
                   _ ("a remote named '%s' already exists; use --replace to change it"), r->name);
      return FALSE;
    }
  g_key_file_set_string (kf, "Remote", "url", r->url);
  if (r->title)
    g_key_file_set_string (kf, "Remote", "title", r->title);
  g_key_file_set_boolean (kf, "Remote", "gpg-verify", r->gpg_verify);
  if (r->gpg_key)
    {
      g_autofree char *b64
          = g_base64_encode (g_bytes_get_data (r->gpg_key, NULL), g_bytes_get_size (r->gpg_key));
      g_key_file_set_string (kf, "Remote", "gpg-key", b64);
    }
  dir = g_path_get_dirname (path);
  if (!wrappy_dirs_ensure (dir, error))
    return FALSE;
  data = g_key_file_to_data (kf, &len, NULL);
  return g_file_set_contents_full (path, data, len, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

gboolean
wrappy_remote_delete (const char *name, GError **error)
{
  g_autofree char *path = NULL;

  if (!wrappy_remote_validate_name (name, error))
    return FALSE;
  path = remote_conf_path (name);
  if (unlink (path) != 0)
    {
      if (errno == ENOENT)
        {
          g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_NOT_FOUND,
                       _ ("no remote named '%s'; see 'wrappy remote list'"), name);
          return FALSE;
        }
      return wrappy_throw_errno (error, "unlink", path);
    }
  return TRUE;
}

static char *
key_checksum (WrappyRemote *r)
{
  if (r->gpg_key == NULL)
    return g_strdup ("none");
  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, r->gpg_key);
}

gboolean
wrappy_remote_sync_to_repo (WrappyRemote *r, OstreeRepo *repo, GError **error)
{
  g_autofree char *cur_url = NULL;
  g_autofree char *cur_key = NULL;
  g_autofree char *want_key = key_checksum (r);
  gboolean cur_verify = FALSE;
  g_autoptr (GVariantBuilder) opts = NULL;
  g_autofree char *keyring = NULL;

  if (ostree_repo_remote_get_url (repo, r->name, &cur_url, NULL)
      && ostree_repo_get_remote_boolean_option (repo, r->name, "gpg-verify", FALSE, &cur_verify,
                                                NULL)
      && ostree_repo_get_remote_option (repo, r->name, KEY_CHECKSUM_OPTION, NULL, &cur_key, NULL)
      && g_strcmp0 (cur_url, r->url) == 0 && cur_verify == r->gpg_verify
      && g_strcmp0 (cur_key, want_key) == 0)
    return TRUE;

  opts = g_variant_builder_new (G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (opts, "{sv}", "gpg-verify", g_variant_new_boolean (r->gpg_verify));
  g_variant_builder_add (opts, "{sv}", "gpg-verify-summary", g_variant_new_boolean (r->gpg_verify));
  g_variant_builder_add (opts, "{sv}", KEY_CHECKSUM_OPTION, g_variant_new_string (want_key));
  if (!ostree_repo_remote_change (repo, NULL, OSTREE_REPO_REMOTE_CHANGE_REPLACE, r->name, r->url,
                                  g_variant_builder_end (opts), NULL, error))
    return FALSE;

  /* A replaced remote must not keep trusting the old key. */
  keyring = g_strdup_printf ("%s.trustedkeys.gpg", r->name);
  unlinkat (ostree_repo_get_dfd (repo), keyring, 0);
  if (r->gpg_key != NULL)
    {
      g_autoptr (GInputStream) in = g_memory_input_stream_new_from_bytes (r->gpg_key);
      guint imported = 0;
      if (!ostree_repo_remote_gpg_import (repo, r->name, in, NULL, &imported, NULL, error))
        {
          wrappy_prefix_error (error, _ ("cannot import the GPG key of remote '%s'"), r->name);
          return FALSE;
        }
    }
  return TRUE;
}

WrappyRemote *
wrappy_remote_ensure_flathub (GError **error)
{
  const char *url = g_getenv ("WRAPPY_FLATHUB_REPO_URL");
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (WrappyRemote) r = NULL;
  gsize len;
  const char *data;

  if (wrappy_remote_exists ("flathub"))
    return wrappy_remote_load ("flathub", error);
  if (url == NULL || *url == '\0')
    url = WRAPPY_FLATHUB_REPO_URL;
  bytes = wrappy_http_get (url, 1024 * 1024, error);
  if (bytes == NULL)
    {
      wrappy_prefix_error (error, _ ("cannot add the flathub remote"));
      return NULL;
    }
  data = g_bytes_get_data (bytes, &len);
  r = wrappy_remote_from_keyfile_data ("flathub", data, len, FALSE, error);
  if (r == NULL || !wrappy_remote_save (r, FALSE, error))
    return NULL;
  /* A configuration change: said even with --json (on stderr), never silently. */
  g_printerr (_ ("Added the remote 'flathub' (%s) from %s; 'wrappy remote remove flathub' "
                 "removes it\n"),
              r->url, url);
  return g_steal_pointer (&r);
}

WrappyRemote *
wrappy_remote_find_by_url (const char *url)
{
  g_autoptr (GPtrArray) all = wrappy_remote_list (NULL);

  for (guint i = 0; all && i < all->len; i++)
    {
      WrappyRemote *r = all->pdata[i];
      if (g_strcmp0 (r->url, url) == 0)
        return wrappy_remote_load (r->name, NULL);
    }
  return NULL;
}
