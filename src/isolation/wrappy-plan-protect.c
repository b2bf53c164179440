/* SPEC.md, "What no grant reaches": wrappy's own dirs and, at full and paranoid, the
 * files that make the host run code (spec->protect, from the policy), hidden or
 * read-only wherever the home mode, a grant or a bind shows them. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "wrappy-fs.h"
#include "wrappy-i18n.h"
#include "wrappy-plan-private.h"

/* A host tree the sandbox shows at another (or the same) path: the home in host or
 * overlay mode, a grant, a bind; real is its source resolved. */
typedef struct
{
  char *real;
  const char *dest;
  gboolean ro;          /* read-only there */
  gboolean writes_host; /* what the app changes there changes the host (not an overlay) */
  gboolean may_split;   /* a grant or bind, not the home mode the user picked */
} Exposure;

static void
exposure_clear (Exposure *e)
{
  g_free (e->real);
}

/* path resolved through symlinks as far as it exists, the rest appended as is (a missing
 * protected path under a symlinked parent is found where the parent really is). */
static char *
real_or_same (const char *path)
{
  char real[PATH_MAX];
  g_autofree char *parent = NULL;
  g_autofree char *rparent = NULL;

  if (realpath (path, real) != NULL)
    return g_strdup (real);
  parent = g_path_get_dirname (path);
  if (strcmp (parent, path) == 0 || !g_path_is_absolute (path))
    return g_strdup (path);
  rparent = real_or_same (parent);
  {
    g_autofree char *base = g_path_get_basename (path);
    return g_build_filename (rparent, base, NULL);
  }
}

/* Where exposure e shows the host path real (under e->real). */
static char *
dest_of (const Exposure *e, const char *real)
{
  return g_build_filename (e->dest, real + strlen (e->real), NULL);
}

static gboolean
has_op_at (GPtrArray *ops, const char *dest)
{
  for (guint i = 0; i < ops->len; i++)
    if (strcmp (((WrappyOp *)ops->pdata[i])->dest, dest) == 0)
      return TRUE;
  return FALSE;
}

/* A protected path p (resolved: real) where exposure e shows it: hidden under an empty
 * read-only tmpfs (a dir) or /dev/null (anything else), or bound read-only onto itself. A hidden
 * dir that is missing on the host needs nothing (making its mount point would write through a
 * read-write grant). */
static void
protect_in (GPtrArray *masks, const WrappyProtect *p, const char *real, const Exposure *e)
{
  g_autofree char *dest = NULL;
  struct stat st;

  if (!wrappy_plan_path_is_under (real, e->real))
    return;
  dest = dest_of (e, real);
  if (!wrappy_plan_valid_sandbox_path (dest) || has_op_at (masks, dest))
    return;
  if (p->kind == WRAPPY_PROTECT_HIDE)
    {
      if (stat (real, &st) != 0)
        return;
      if (S_ISDIR (st.st_mode))
        g_ptr_array_add (masks,
                         wrappy_plan_op_new (WRAPPY_OP_TMPFS, WRAPPY_OP_FLAG_RO, NULL, dest, 0755));
      else
        /* A file or an agent's socket: the sandbox's /dev/null over it, on a nodev mount,
         * so that it can be neither opened nor connected to. */
        g_ptr_array_add (masks, wrappy_plan_op_new (WRAPPY_OP_BIND,
                                                    WRAPPY_OP_FLAG_RO | WRAPPY_OP_FLAG_OPTIONAL
                                                        | WRAPPY_OP_FLAG_SANDBOX_SRC,
                                                    "/dev/null", dest, 0));
    }
  else
    g_ptr_array_add (masks, wrappy_plan_op_new (WRAPPY_OP_BIND,
                                                WRAPPY_OP_FLAG_RO | WRAPPY_OP_FLAG_OPTIONAL
                                                    | WRAPPY_OP_FLAG_SANDBOX_SRC,
                                                dest, dest, 0));
}

/* A grant or bind inside a protected path: refused when it is hidden (but the app's own
 * state, which the snap layout binds), read-only when it is read-only. */
static gboolean
keep_bind_inside (WrappyOp *bind, const char *src, const WrappyLaunchSpec *spec, GPtrArray *reals,
                  GPtrArray *notes)
{
  for (guint i = 0; i < spec->protect->len; i++)
    {
      const WrappyProtect *p = spec->protect->pdata[i];

      if (!wrappy_plan_path_is_under (src, reals->pdata[i])
          && !wrappy_plan_path_is_under (bind->src, p->path))
        continue;
      if (p->kind == WRAPPY_PROTECT_RO)
        bind->flags |= WRAPPY_OP_FLAG_RO;
      else if (spec->state_dir == NULL || !wrappy_plan_path_is_under (src, spec->state_dir))
        {
          g_ptr_array_add (notes, g_strdup_printf (_ ("%s not bound: wrappy's own files are "
                                                      "out of the app's reach"),
                                                   bind->src));
          return FALSE;
        }
    }
  return TRUE;
}

/* SPEC.md: a protected path's parent cannot be moved away so that the path is made anew
 * (issue 16: an app with filesystems=home renamed ~/.config, made a new
 * ~/.config/wrappy/overrides/global and turned the sandbox off for every app). The kernel
 * refuses to rename or remove a mount point (EBUSY), so each dir between the exposure's
 * top and the protected path is bound onto itself. */
static void
pin_parents (GPtrArray *binds, const char *real, const Exposure *e)
{
  g_autofree char *dir = g_path_get_dirname (real);
  struct stat st;

  while (strcmp (dir, e->real) != 0 && wrappy_plan_path_is_under (dir, e->real))
    {
      char *up;

      if (lstat (dir, &st) == 0 && S_ISDIR (st.st_mode))
        {
          g_autofree char *dest = dest_of (e, dir);
          if (wrappy_plan_valid_sandbox_path (dest) && !has_op_at (binds, dest))
            g_ptr_array_add (
                binds, wrappy_plan_op_new (WRAPPY_OP_BIND,
                                           WRAPPY_OP_FLAG_SANDBOX_SRC | WRAPPY_OP_FLAG_OPTIONAL,
                                           dest, dest, 0));
        }
      up = g_path_get_dirname (dir);
      g_free (dir);
      dir = up;
    }
}

/* The dir that holds (or would hold) a protected path: its deepest existing parent under
 * e, or NULL (a file is in the way, or nothing of it is under e). */
static char *
holding_dir (const char *real, const Exposure *e)
{
  g_autofree char *dir = g_path_get_dirname (real);
  struct stat st;

  while (wrappy_plan_path_is_under (dir, e->real))
    {
      char *up;

      if (lstat (dir, &st) == 0)
        return S_ISDIR (st.st_mode) ? g_steal_pointer (&dir) : NULL;
      up = g_path_get_dirname (dir);
      g_free (dir);
      dir = up;
    }
  return NULL;
}

/* A protected path that does not exist yet (~/.bash_profile, ~/.config/autostart): no
 * mount can keep the app from making it where the host would read it, so the dir that
 * holds these paths is split, whether they exist or not (so that where the app's new
 * files land does not depend on them). The app's own home is mounted there (a tmpfs if
 * it has none), and each of the dir's entries is bound on top as the grant shows it:
 * what exists is the host's, a new entry lands in the app's home. The mount points this
 * makes in the app's home are stubs, removed when the sandbox ends
 * (wrappy_plan_remove_stubs). */
static void
split_dir (GPtrArray *binds, GPtrArray *stubs, const char *dir, const Exposure *e,
           const WrappyLaunchSpec *spec, const WrappyHostFacts *f, WrappyHomeMode home_mode)
{
  g_autofree char *dest = dest_of (e, dir);
  g_autofree char *base = NULL;
  g_autoptr (GDir) d = NULL;
  const char *name;

  if (!wrappy_plan_valid_sandbox_path (dest) || (d = g_dir_open (dir, 0, NULL)) == NULL)
    return;
  if (home_mode == WRAPPY_HOME_PRIVATE && spec->state_dir != NULL
      && wrappy_plan_path_is_under (dest, f->home))
    {
      base = g_build_filename (spec->state_dir, "home", dest + strlen (f->home), NULL);
      g_ptr_array_add (binds,
                       wrappy_plan_op_new (WRAPPY_OP_BIND, WRAPPY_OP_FLAG_NOFOLLOW, base, dest, 0));
    }
  else
    g_ptr_array_add (binds, wrappy_plan_op_new (WRAPPY_OP_TMPFS, 0, NULL, dest, 0700));
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *real = g_build_filename (dir, name, NULL);
      g_autofree char *child = g_build_filename (dest, name, NULL);
      g_autofree char *target = NULL;
      struct stat st;

      if (lstat (real, &st) != 0)
        continue;
      if (S_ISLNK (st.st_mode) && (target = g_file_read_link (real, NULL)) != NULL)
        g_ptr_array_add (binds, wrappy_plan_op_new (WRAPPY_OP_SYMLINK, WRAPPY_OP_FLAG_OPTIONAL,
                                                    target, child, 0));
      else if (!S_ISLNK (st.st_mode))
        g_ptr_array_add (
            binds, wrappy_plan_op_new (WRAPPY_OP_BIND,
                                       WRAPPY_OP_FLAG_OPTIONAL | (e->ro ? WRAPPY_OP_FLAG_RO : 0),
                                       real, child, 0));
      if (base != NULL)
        {
          g_autofree char *stub = g_build_filename (base, name, NULL);
          if (lstat (stub, &st) != 0 && errno == ENOENT)
            g_ptr_array_add (stubs, g_steal_pointer (&stub));
        }
    }
  if (base != NULL)
    {
      struct stat st;
      if (lstat (base, &st) != 0 && errno == ENOENT)
        g_ptr_array_add (stubs, g_steal_pointer (&base));
    }
}

static int
compare_by_depth (gconstpointer a, gconstpointer b)
{
  const char *pa = *(const char **)a, *pb = *(const char **)b;
  guint da = wrappy_plan_path_depth (pa), db = wrappy_plan_path_depth (pb);

  return da != db ? (da < db ? -1 : 1) : strcmp (pa, pb);
}

/* Pins and splits where the app could change the host through e. */
static void
guard_exposure (GPtrArray *binds, GPtrArray *stubs, const Exposure *e, GPtrArray *reals,
                const WrappyLaunchSpec *spec, const WrappyHostFacts *f, WrappyHomeMode home_mode)
{
  g_autoptr (GPtrArray) splits = g_ptr_array_new_with_free_func (g_free);

  if (e->ro || !e->writes_host)
    return;
  for (guint i = 0; i < spec->protect->len; i++)
    {
      const WrappyProtect *p = spec->protect->pdata[i];
      const char *real = reals->pdata[i];
      g_autofree char *dir = NULL;

      if (!wrappy_plan_path_is_under (real, e->real) || strcmp (real, e->real) == 0)
        continue;
      if (e->may_split && p->guard_missing && (dir = holding_dir (real, e)) != NULL
          && !g_ptr_array_find_with_equal_func (splits, dir, g_str_equal, NULL))
        g_ptr_array_add (splits, g_steal_pointer (&dir));
    }
  /* Parents first: a split dir's entries are bound before a deeper split covers one. */
  g_ptr_array_sort (splits, compare_by_depth);
  for (guint i = 0; i < splits->len; i++)
    split_dir (binds, stubs, splits->pdata[i], e, spec, f, home_mode);
  for (guint i = 0; i < spec->protect->len; i++)
    if (wrappy_plan_path_is_under (reals->pdata[i], e->real))
      pin_parents (binds, reals->pdata[i], e);
}

/* SPEC.md, "What no grant reaches": wrappy's own dirs (and, at full and paranoid, the
 * files that make the host run code) hidden or read-only wherever the home mode, a grant
 * or a bind shows them (issue 16: an app with filesystems=home wrote
 * overrides/global and turned the sandbox off for every app). Masks come after every
 * bind, so that none of them shows the path again; the parents of each are pinned so
 * that none can be moved away, and a missing one's dir is split (above). Each path is
 * resolved once, and only when something shows the host (bench/launch: most launches
 * have no bind). */
void
wrappy_plan_add_protection (GPtrArray *binds, GPtrArray *masks, GPtrArray *stubs,
                            const WrappyLaunchSpec *spec, const WrappyHostFacts *f,
                            WrappyHomeMode home_mode, GPtrArray *notes)
{
  g_autoptr (GArray) exposures = g_array_new (FALSE, FALSE, sizeof (Exposure));
  g_autoptr (GPtrArray) reals = NULL;
  gboolean home_shown = home_mode == WRAPPY_HOME_HOST || home_mode == WRAPPY_HOME_OVERLAY;
  guint n;

  if (spec->protect == NULL || spec->protect->len == 0 || (binds->len == 0 && !home_shown))
    return;
  g_array_set_clear_func (exposures, (GDestroyNotify)exposure_clear);
  reals = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < spec->protect->len; i++)
    g_ptr_array_add (reals, real_or_same (((WrappyProtect *)spec->protect->pdata[i])->path));
  for (guint i = binds->len; i > 0; i--)
    {
      WrappyOp *op = binds->pdata[i - 1];
      g_autofree char *src = op->src != NULL ? real_or_same (op->src) : NULL;

      if (src == NULL)
        continue;
      if (!keep_bind_inside (op, src, spec, reals, notes))
        g_ptr_array_remove_index (binds, i - 1);
      else if (!(op->flags & WRAPPY_OP_FLAG_SANDBOX_SRC))
        g_array_append_val (exposures,
                            ((Exposure){ g_steal_pointer (&src), op->dest,
                                         (op->flags & WRAPPY_OP_FLAG_RO) != 0, TRUE, TRUE }));
    }
  if (home_shown)
    g_array_append_val (exposures, ((Exposure){ real_or_same (f->home), f->home, FALSE,
                                                home_mode == WRAPPY_HOME_HOST, FALSE }));
  n = exposures->len;
  for (guint j = 0; j < n; j++)
    guard_exposure (binds, stubs, &g_array_index (exposures, Exposure, j), reals, spec, f,
                    home_mode);
  for (guint i = 0; i < spec->protect->len; i++)
    for (guint j = 0; j < exposures->len; j++)
      protect_in (masks, spec->protect->pdata[i], reals->pdata[i],
                  &g_array_index (exposures, Exposure, j));
}

/* After the sandbox: the mount points split_dir made in the app's home, deepest first,
 * each only while it is still empty (a stub the app could not write into). */
void
wrappy_plan_remove_stubs (char **stubs)
{
  for (guint i = stubs ? g_strv_length (stubs) : 0; i > 0; i--)
    {
      struct stat st;

      if (lstat (stubs[i - 1], &st) != 0)
        continue;
      if (S_ISDIR (st.st_mode))
        rmdir (stubs[i - 1]);
      else if (S_ISLNK (st.st_mode) || (S_ISREG (st.st_mode) && st.st_size == 0))
        unlink (stubs[i - 1]);
    }
}
