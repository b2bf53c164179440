/* AppImage signatures (docs/appimage.md, "Signatures"), as appimagetool makes them and
 * its validate tool checks them: the SHA-256 of the file with the .sha256_sig and
 * .sig_key sections zeroed, as 64 hex digits, is signed with a detached ASCII-armored
 * OpenPGP signature kept in .sha256_sig; .sig_key holds the signer's public key. wrappy
 * checks it with gpg in a throwaway home, trusting only the key it is given: the file's
 * own at install, the installed version's at an update (issue 16, finding 4). */
#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "wrappy-appimage-private.h"
#include "wrappy-appimage.h"
#include "wrappy-error.h"
#include "wrappy-fs.h"
#include "wrappy-i18n.h"

/* Zeroes what of buf (the file's bytes from offset) lies in the section at start. */
static void
zero_section (guchar *buf, guint64 offset, gsize len, guint64 start, guint64 size)
{
  guint64 from = MAX (offset, start), to = MIN (offset + len, start + size);

  if (size > 0 && from < to)
    memset (buf + (from - offset), 0, to - from);
}

char *
wrappy_appimage_signed_digest (const char *path, const WrappyAppImageInfo *info, GError **error)
{
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guchar *buf = g_malloc (1 << 16);
  guint64 offset = 0;
  int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

  if (fd < 0)
    return wrappy_throw_errno (error, "open", path), NULL;
  for (;;)
    {
      ssize_t n = TEMP_FAILURE_RETRY (read (fd, buf, 1 << 16));
      if (n < 0)
        {
          wrappy_throw_errno (error, "read", path);
          close (fd);
          return NULL;
        }
      if (n == 0)
        break;
      zero_section (buf, offset, n, info->sig_offset, info->sig_size);
      zero_section (buf, offset, n, info->key_offset, info->key_size);
      g_checksum_update (sum, buf, n);
      offset += n;
    }
  close (fd);
  return g_strdup (g_checksum_get_string (sum));
}

/* gpg's exit status says nothing the status lines do not: only those are read. */
static gboolean
run_gpg (const char *const *argv, char **out, GError **error)
{
  g_autofree char *err = NULL;

  return g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_STDIN_FROM_DEV_NULL, NULL, NULL, out,
                       &err, NULL, error);
}

/* The primary key fingerprint of a VALIDSIG status line, or NULL. */
static char *
validsig_fingerprint (const char *status)
{
  g_auto (GStrv) lines = g_strsplit (status ? status : "", "\n", -1);

  for (char **l = lines; *l; l++)
    if (g_str_has_prefix (*l, "[GNUPG:] VALIDSIG "))
      {
        g_auto (GStrv) f = g_strsplit (*l + strlen ("[GNUPG:] VALIDSIG "), " ", -1);
        guint n = g_strv_length (f);
        if (n >= 10)
          return g_strdup (f[n - 1]);
      }
  return NULL;
}

static gboolean
write_text (const char *dir, const char *name, const char *text, char **path, GError **error)
{
  *path = g_build_filename (dir, name, NULL);
  return g_file_set_contents (*path, text, -1, error);
}

char *
wrappy_appimage_verify (const char *path, const WrappyAppImageInfo *info, const char *key,
                        GError **error)
{
  g_autofree char *gpg = g_find_program_in_path ("gpg");
  g_autofree char *home = NULL, *digest = NULL, *digest_file = NULL, *sig_file = NULL;
  g_autofree char *key_file = NULL, *status = NULL, *fingerprint = NULL;

  if (info->signature == NULL)
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA, _ ("%s is not signed"), path);
      return NULL;
    }
  if (gpg == NULL)
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_FAILED,
                   _ ("cannot check the signature of %s: gpg is not installed"), path);
      return NULL;
    }
  if ((digest = wrappy_appimage_signed_digest (path, info, error)) == NULL
      || (home = g_dir_make_tmp ("wrappy-gpg-XXXXXX", error)) == NULL)
    return NULL;
  if (write_text (home, "digest", digest, &digest_file, error)
      && write_text (home, "digest.asc", info->signature, &sig_file, error)
      && write_text (home, "key.asc", key ? key : "", &key_file, error))
    {
      const char *import[] = { gpg,  "--batch",  "--no-tty", "--quiet", "--homedir",
                               home, "--import", key_file,   NULL };
      const char *verify[] = { gpg, "--batch",  "--no-tty", "--homedir", home, "--status-fd",
                               "1", "--verify", sig_file,   digest_file, NULL };
      g_autofree char *ignored = NULL;

      if (run_gpg (import, &ignored, error) && run_gpg (verify, &status, error))
        fingerprint = validsig_fingerprint (status);
      if (fingerprint == NULL && (error == NULL || *error == NULL))
        g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
                     _ ("the signature of %s is not a valid signature by the expected key"), path);
    }
  wrappy_rm_rf_at (AT_FDCWD, home, NULL);
  return g_steal_pointer (&fingerprint);
}
