/* What going from one set of permissions to another grants and takes away: what
 * `wrappy update` (and update --dry-run) shows and asks about before an update is made
 * visible. It lives in the permissions module (issue 16: one place decides what an app
 * may do), like the rest of what wrappy knows about grants. */
#include "config.h"

#include <string.h>

#include "wrappy-policy.h"

/* ---------------------------------------------------------------- filesystems */

typedef struct
{
  char *path; /* "host", "home", "xdg-download/sub", "~/a", "/a" */
  int mode;   /* 0 ro, 1 rw, 2 create */
} FsGrant;

static FsGrant
parse_fs (const char *s)
{
  FsGrant g = { NULL, 1 };
  const char *colon = strrchr (s, ':');
  gsize len = colon ? (gsize)(colon - s) : strlen (s);

  if (colon != NULL)
    {
      if (strcmp (colon, ":ro") == 0)
        g.mode = 0;
      else if (strcmp (colon, ":create") == 0)
        g.mode = 2;
      else if (strcmp (colon, ":rw") != 0)
        len = strlen (s); /* not a mode: part of the path */
    }
  g.path = g_strndup (s, len);
  while (strlen (g.path) > 1 && g_str_has_suffix (g.path, "/"))
    g.path[strlen (g.path) - 1] = '\0';
  if (strcmp (g.path, "~") == 0)
    {
      g_free (g.path);
      g.path = g_strdup ("home");
    }
  return g;
}

static gboolean
path_under (const char *path, const char *dir)
{
  gsize n = strlen (dir);
  return strncmp (path, dir, n) == 0 && (path[n] == '/' || (n == 1 && dir[0] == '/'));
}

/* Whether grant `have` gives at least everything `want` does. */
static gboolean
fs_covers (const FsGrant *have, const FsGrant *want)
{
  if (have->mode < want->mode)
    return FALSE;
  if (strcmp (have->path, want->path) == 0 || strcmp (have->path, "host") == 0)
    return TRUE;
  /* The home directory holds ~/… and the XDG user dirs, but not XDG_RUNTIME_DIR; and a
   * snap's home plug, now the home's non-hidden files (snap-home), which a manifest
   * from before recorded as home. */
  if (strcmp (have->path, "home") == 0)
    return g_str_has_prefix (want->path, "~/") || strcmp (want->path, "snap-home") == 0
           || (g_str_has_prefix (want->path, "xdg-") && !g_str_has_prefix (want->path, "xdg-run"));
  return path_under (want->path, have->path);
}

static gboolean
fs_covered_by (const char *want_s, char **have)
{
  FsGrant want = parse_fs (want_s);
  gboolean covered = FALSE;

  for (char **h = have; h && *h && !covered; h++)
    {
      FsGrant g;
      if ((*h)[0] == '!')
        continue;
      g = parse_fs (*h);
      covered = fs_covers (&g, &want);
      g_free (g.path);
    }
  g_free (want.path);
  return covered;
}

/* ---------------------------------------------------------------- the diff */

static void
diff_key (GPtrArray *out, const char *key, char **from, char **to, gboolean filesystems)
{
  for (char **t = to; t && *t; t++)
    {
      gboolean known;
      if (filesystems && (*t)[0] == '!')
        continue; /* negations: see diff_all */
      if (filesystems)
        known = fs_covered_by (*t, from);
      else
        known = from != NULL && g_strv_contains ((const char *const *)from, *t);
      if (!known)
        g_ptr_array_add (out, g_strdup_printf ("%s=%s", key, *t));
    }
}

static char **
finish (GPtrArray *a)
{
  g_ptr_array_add (a, NULL);
  return (char **)g_ptr_array_free (a, FALSE);
}

static gint
cmp_str_ptr (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *)a, *(const char *const *)b);
}

/* The permissions b has and a does not: with a the current permissions and b the updated
 * ones, what the update grants; the other way round, what it takes away. */
static void
diff_all (GPtrArray *out, const WrappyPermissions *a, const WrappyPermissions *b)
{
  diff_key (out, "shared", a->shared, b->shared, FALSE);
  diff_key (out, "sockets", a->sockets, b->sockets, FALSE);
  diff_key (out, "devices", a->devices, b->devices, FALSE);
  diff_key (out, "features", a->features, b->features, FALSE);
  diff_key (out, "persistent", a->persistent, b->persistent, FALSE);
  diff_key (out, "filesystems", a->filesystems, b->filesystems, TRUE);
  /* A negation ("!home") restricts: one that a has and b drops widens b. */
  for (char **n = a->filesystems; n && *n; n++)
    if ((*n)[0] == '!'
        && (b->filesystems == NULL || !g_strv_contains ((const char *const *)b->filesystems, *n)))
      g_ptr_array_add (out, g_strdup_printf ("filesystems=%s", *n));
}

void
wrappy_policy_permission_diff (const WrappyPermissions *current, const WrappyPermissions *updated,
                               char ***added_out, char ***removed_out)
{
  g_autoptr (GPtrArray) added = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) removed = g_ptr_array_new_with_free_func (g_free);

  diff_all (added, current, updated);
  diff_all (removed, updated, current);
  g_ptr_array_sort (added, cmp_str_ptr);
  g_ptr_array_sort (removed, cmp_str_ptr);
  if (added_out)
    *added_out = finish (g_steal_pointer (&added));
  if (removed_out)
    *removed_out = finish (g_steal_pointer (&removed));
}
