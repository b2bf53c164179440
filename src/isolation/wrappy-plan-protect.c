/* SPEC.md, "What no grant reaches": wrappy's own dirs and, at full and paranoid, the
 * files that make the host run code (spec->protect, from the policy), hidden or
 * read-only wherever the home mode, a grant or a bind shows them. */
#include "config.h"

#include <limits.h>
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
} Exposure;

static void
exposure_clear (Exposure *e)
{
  g_free (e->real);
}

static char *
real_or_same (const char *path)
{
  char real[PATH_MAX];

  return realpath (path, real) != NULL ? g_strdup (real) : g_strdup (path);
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
  dest = g_build_filename (e->dest, real + strlen (e->real), NULL);
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

/* SPEC.md, "What no grant reaches": wrappy's own dirs (and, at full and paranoid, the
 * files that make the host run code) hidden or read-only wherever the home mode, a grant
 * or a bind shows them (issue 16: an app with filesystems=home wrote
 * overrides/global and turned the sandbox off for every app). Masks come after every
 * bind, so that none of them shows the path again. Each path is resolved once, and
 * only when something shows the host (bench/launch: most launches have no bind). */
void
wrappy_plan_add_protection (GPtrArray *binds, GPtrArray *masks, const WrappyLaunchSpec *spec,
                            const WrappyHostFacts *f, gboolean home_shown, GPtrArray *notes)
{
  g_autoptr (GArray) exposures = g_array_new (FALSE, FALSE, sizeof (Exposure));
  g_autoptr (GPtrArray) reals = NULL;

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
        g_array_append_val (exposures, ((Exposure){ g_steal_pointer (&src), op->dest }));
    }
  if (home_shown)
    g_array_append_val (exposures, ((Exposure){ real_or_same (f->home), f->home }));
  for (guint i = 0; i < spec->protect->len; i++)
    for (guint j = 0; j < exposures->len; j++)
      protect_in (masks, spec->protect->pdata[i], reals->pdata[i],
                  &g_array_index (exposures, Exposure, j));
}
