/* Flatpak users move in without downloading twice (issue 19, item 8): a commit that a
 * Flatpak installation on this machine already holds whole (the user's
 * ~/.local/share/flatpak/repo or the system's /var/lib/flatpak/repo, or
 * $FLATPAK_USER_DIR/$FLATPAK_SYSTEM_DIR as flatpak reads them) is pulled from that repo
 * with libostree's local pull of the repo's file:// URL, UNTRUSTED, as flatpak's system
 * helper takes a user's download into the system repo (flatpak-dir.c,
 * flatpak_dir_pull_untrusted_local). The commit asked for is the one the
 * remote's (verified) summary names, by its checksum, and the pull is UNTRUSTED: every
 * object is checksummed on the way in, as a download is. Anything that fails here is
 * only a missed shortcut: the pull from the remote fetches what is still missing. */
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include "wrappy-flathub-private.h"
#include "wrappy-i18n.h"
#include "wrappy-output.h"

/* The repos of the Flatpak installations on this machine, user first. */
static GPtrArray *
local_repo_paths (void)
{
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);
  const char *user = g_getenv ("FLATPAK_USER_DIR");
  const char *system = g_getenv ("FLATPAK_SYSTEM_DIR");

  if (user != NULL && user[0] == '/')
    g_ptr_array_add (paths, g_build_filename (user, "repo", NULL));
  else
    g_ptr_array_add (paths, g_build_filename (g_get_user_data_dir (), "flatpak", "repo", NULL));
  g_ptr_array_add (
      paths,
      g_build_filename (system && system[0] == '/' ? system : "/var/lib/flatpak", "repo", NULL));
  return paths;
}

static gboolean
has_whole_commit (OstreeRepo *repo, const char *commit)
{
  OstreeRepoCommitState state = 0;

  return ostree_repo_load_commit (repo, commit, NULL, &state, NULL)
         && (state & OSTREE_REPO_COMMIT_STATE_PARTIAL) == 0;
}

/* The same repository as repo (FLATPAK_USER_DIR pointing into wrappy's store)? */
static gboolean
same_repo (OstreeRepo *a, OstreeRepo *b)
{
  struct stat sa, sb;

  return fstat (ostree_repo_get_dfd (a), &sa) == 0 && fstat (ostree_repo_get_dfd (b), &sb) == 0
         && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

gboolean
wrappy_flathub_take_local (OstreeRepo *repo, const char *ref, const char *commit,
                           GCancellable *cancellable)
{
  /* Commits a local pull of failed for: not tried again in this run. */
  static GHashTable *failed;
  g_autoptr (GPtrArray) paths = NULL;

  if (failed == NULL)
    failed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (commit == NULL || g_hash_table_contains (failed, commit) || has_whole_commit (repo, commit))
    return FALSE;
  paths = local_repo_paths ();
  for (guint i = 0; i < paths->len; i++)
    {
      const char *path = paths->pdata[i];
      g_autoptr (GFile) file = g_file_new_for_path (path);
      g_autoptr (OstreeRepo) local = ostree_repo_new (file);
      g_autoptr (GError) e = NULL;
      g_autofree char *url = NULL;
      const char *refs[] = { commit, NULL };
      g_auto (GVariantBuilder) opts = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);

      if (!g_file_test (path, G_FILE_TEST_IS_DIR) || !ostree_repo_open (local, NULL, &e)
          || same_repo (repo, local) || !has_whole_commit (local, commit))
        continue;
      url = g_file_get_uri (file);
      g_variant_builder_add (&opts, "{sv}", "refs", g_variant_new_strv (refs, -1));
      g_variant_builder_add (&opts, "{sv}", "flags",
                             g_variant_new_int32 (OSTREE_REPO_PULL_FLAGS_UNTRUSTED));
      g_variant_builder_add (&opts, "{sv}", "gpg-verify", g_variant_new_boolean (FALSE));
      g_variant_builder_add (&opts, "{sv}", "gpg-verify-summary", g_variant_new_boolean (FALSE));
      wrappy_info (_ ("Taking %s from the Flatpak installation in %s"), ref, path);
      if (ostree_repo_pull_with_options (repo, url, g_variant_builder_end (&opts), NULL,
                                         cancellable, &e)
          && has_whole_commit (repo, commit))
        return TRUE;
      wrappy_info (_ ("Cannot take %s from %s (%s); downloading it"), ref, path,
                   e ? e->message : _ ("some of it is missing"));
      g_hash_table_add (failed, g_strdup (commit));
      return FALSE;
    }
  return FALSE;
}
