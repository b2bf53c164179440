/* The store's checks and repairs (docs/repair.md). Each check adds problems to the
 * report; with fix it repairs what it found first and says so. The order matters:
 * manifests (which apps are installed), then content (a re-pulled commit gets fresh
 * layers), then missing layers, then launchers (exported from layers that now exist),
 * then orphans. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wrappy-dirs.h"
#include "wrappy-error.h"
#include "wrappy-export.h"
#include "wrappy-fault.h"
#include "wrappy-fs.h"
#include "wrappy-gc.h"
#include "wrappy-i18n.h"
#include "wrappy-id.h"
#include "wrappy-layer-lock.h"
#include "wrappy-manifest.h"
#include "wrappy-output.h"
#include "wrappy-source.h"
#include "wrappy-repair.h"

#define MANIFEST_SUFFIX ".manifest"

/* ---------------------------------------------------------------- the report */

static void
problem_free (WrappyProblem *p)
{
  g_free (p->app_id);
  g_free (p->path);
  g_free (p->detail);
  g_free (p->action);
  g_free (p);
}

WrappyRepairReport *
wrappy_repair_report_new (void)
{
  WrappyRepairReport *r = g_new0 (WrappyRepairReport, 1);
  r->problems = g_ptr_array_new_with_free_func ((GDestroyNotify)problem_free);
  return r;
}

void
wrappy_repair_report_free (WrappyRepairReport *r)
{
  if (r == NULL)
    return;
  g_ptr_array_unref (r->problems);
  g_free (r);
}

WrappyProblem *
wrappy_repair_report_add (WrappyRepairReport *r, WrappyProblemKind kind, WrappyProblemStatus status,
                          const char *app_id, const char *path, const char *detail,
                          const char *action)
{
  WrappyProblem *p = g_new0 (WrappyProblem, 1);

  p->kind = kind;
  p->status = status;
  p->app_id = g_strdup (app_id);
  p->path = g_strdup (path);
  p->detail = g_strdup (detail);
  p->action = g_strdup (action);
  g_ptr_array_add (r->problems, p);
  return p;
}

const char *
wrappy_problem_kind_to_string (WrappyProblemKind kind)
{
  static const char *const names[WRAPPY_PROBLEM_N_KINDS] = {
    "broken-manifest", "missing-layer",    "corrupted",    "incomplete", "leftover",
    "orphan-launcher", "missing-launcher", "orphan-layer", "orphan-ref",
  };
  return kind < WRAPPY_PROBLEM_N_KINDS ? names[kind] : "unknown";
}

const char *
wrappy_problem_status_to_string (WrappyProblemStatus status)
{
  switch (status)
    {
    case WRAPPY_PROBLEM_FOUND:
      return "found";
    case WRAPPY_PROBLEM_FIXED:
      return "fixed";
    case WRAPPY_PROBLEM_REMAINS:
      return "remains";
    case WRAPPY_PROBLEM_NOTE:
    default:
      return "note";
    }
}

gboolean
wrappy_repair_is_manifest_temp (const char *name)
{
  const char *s = strstr (name, MANIFEST_SUFFIX ".");

  /* g_file_set_contents appends ".XXXXXX" (g_mkstemp) to the target's name. */
  if (s == NULL || s == name)
    return FALSE;
  s += strlen (MANIFEST_SUFFIX ".");
  if (strlen (s) != 6)
    return FALSE;
  for (; *s; s++)
    if (!g_ascii_isalnum (*s))
      return FALSE;
  return TRUE;
}

gboolean
wrappy_repair_report_has_problems (const WrappyRepairReport *r)
{
  for (guint i = 0; i < r->problems->len; i++)
    {
      const WrappyProblem *p = r->problems->pdata[i];
      if (p->status == WRAPPY_PROBLEM_FOUND || p->status == WRAPPY_PROBLEM_REMAINS)
        return TRUE;
    }
  return FALSE;
}

char *
wrappy_repair_report_summary (const WrappyRepairReport *r)
{
  g_autoptr (GPtrArray) actions = g_ptr_array_new ();
  const char *fix = _ ("run 'wrappy doctor --fix'");

  /* Problems found with no action of their own are what --fix repairs. */
  for (guint i = 0; i < r->problems->len; i++)
    {
      const WrappyProblem *p = r->problems->pdata[i];
      if (p->status == WRAPPY_PROBLEM_FOUND && p->action == NULL)
        {
          g_ptr_array_add (actions, (char *)fix);
          break;
        }
    }
  for (guint i = 0; i < r->problems->len; i++)
    {
      const WrappyProblem *p = r->problems->pdata[i];
      gboolean seen = FALSE;

      if (p->status != WRAPPY_PROBLEM_FOUND && p->status != WRAPPY_PROBLEM_REMAINS)
        continue;
      if (p->action == NULL)
        continue;
      for (guint j = 0; j < actions->len && !seen; j++)
        seen = strcmp (actions->pdata[j], p->action) == 0;
      if (!seen)
        g_ptr_array_add (actions, p->action);
    }
  if (actions->len == 0)
    return wrappy_repair_report_has_problems (r) ? g_strdup (fix) : NULL;
  g_ptr_array_add (actions, NULL);
  return g_strjoinv ("; ", (char **)actions->pdata);
}

/* ---------------------------------------------------------------- the run */

typedef struct
{
  WrappyStore *store;
  OstreeRepo *repo; /* NULL when the store has no repository yet */
  gboolean fix;
  WrappyRepairReport *report;
  GPtrArray *apps;         /* WrappyManifest*, the installed apps that parse */
  GHashTable *bad_commits; /* commit → TRUE: reported by the content check */
  GCancellable *cancellable;
} Repair;

static char *
reinstall_action (const char *app_id)
{
  return g_strdup_printf (_ ("reinstall %s"), app_id);
}

static gboolean
is_store_layer (const WrappyManifestLayer *l)
{
  return !wrappy_manifest_layer_is_host (l) && l->ref != NULL && l->commit != NULL;
}

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *)a, *(const char *const *)b);
}

static gboolean
exists_at (int dfd, const char *rel)
{
  struct stat st;
  return fstatat (dfd, rel, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

/* The store lock without wrappy_store_lock's own cleanup of layers/.tmp-*: the
 * leftovers check reports what it removes. Shared (waiting for a writer) when checking
 * only, so that no install changes the store under the check. */
static gboolean
repair_lock (WrappyStore *store, gboolean exclusive, GError **error)
{
  g_autofree char *path = g_build_filename (store->path, "lock", NULL);

  if (store->lock_fd >= 0)
    return TRUE;
  store->lock_fd = wrappy_lock_file (path, exclusive, error);
  return store->lock_fd >= 0;
}

/* ---- 4. leftovers of killed runs ---- */

static void
leftover (Repair *r, const char *rel)
{
  g_autoptr (GError) e = NULL;
  g_autofree char *detail = g_strdup_printf (_ ("%s is a leftover of an interrupted command"), rel);

  if (!r->fix)
    {
      wrappy_repair_report_add (r->report, WRAPPY_PROBLEM_LEFTOVER, WRAPPY_PROBLEM_FOUND, NULL, rel,
                                detail, NULL);
      return;
    }
  if (wrappy_rm_rf_at (r->store->dfd, rel, &e))
    wrappy_repair_report_add (r->report, WRAPPY_PROBLEM_LEFTOVER, WRAPPY_PROBLEM_FIXED, NULL, rel,
                              detail, NULL);
  else
    {
      g_autofree char *action
          = g_strdup_printf (_ ("remove %s/%s by hand (%s)"), r->store->path, rel, e->message);
      wrappy_repair_report_add (r->report, WRAPPY_PROBLEM_LEFTOVER, WRAPPY_PROBLEM_REMAINS, NULL,
                                rel, detail, action);
    }
}

static gboolean
is_layers_tmp (const char *name)
{
  return g_str_has_prefix (name, ".tmp-");
}

static gboolean
is_repo_tmp (const char *name)
{
  return g_str_has_prefix (name, "repo.tmp-");
}

static void
check_leftovers (Repair *r)
{
  static const struct
  {
    const char *dir;
    gboolean (*match) (const char *name);
  } places[] = {
    { "layers", is_layers_tmp },                /* checkouts, repairs */
    { "apps", wrappy_repair_is_manifest_temp }, /* manifests being written */
    { NULL, is_repo_tmp },                      /* the repository being created */
  };

  for (guint i = 0; i < G_N_ELEMENTS (places); i++)
    {
      g_autofree char *dir = g_build_filename (r->store->path, places[i].dir, NULL);
      g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
      g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      const char *name;

      while (d != NULL && (name = g_dir_read_name (d)) != NULL)
        if (places[i].match (name))
          g_ptr_array_add (names, places[i].dir ? g_build_filename (places[i].dir, name, NULL)
                                                : g_strdup (name));
      g_ptr_array_sort (names, compare_strings);
      for (guint j = 0; j < names->len; j++)
        leftover (r, names->pdata[j]);
    }
}

/* ---- 1. manifests ---- */

static gboolean
move_aside (Repair *r, const char *name, char **out_rel, GError **error)
{
  g_autofree char *from = g_build_filename ("apps", name, NULL);
  g_autofree char *dir = g_build_filename (r->store->path, "apps", "broken", NULL);
  g_autofree char *to = NULL;

  if (!wrappy_dirs_ensure (dir, error))
    return FALSE;
  /* Never over an earlier broken copy: each one may be what the user needs to recover. */
  for (guint n = 0;; n++)
    {
      g_free (to);
      to = n == 0 ? g_build_filename ("apps", "broken", name, NULL)
                  : g_strdup_printf ("apps/broken/%s.%u", name, n);
      if (!exists_at (r->store->dfd, to))
        break;
    }
  if (renameat (r->store->dfd, from, r->store->dfd, to) != 0)
    return wrappy_throw_errno (error, "rename", from);
  *out_rel = g_steal_pointer (&to);
  return TRUE;
}

static void
broken_manifest (Repair *r, const char *name, const char *id, const char *why)
{
  g_autofree char *rel = g_build_filename ("apps", name, NULL);
  g_autofree char *detail = g_strdup_printf (_ ("%s cannot be read: %s"), rel, why);
  g_autofree char *action = reinstall_action (id);
  g_autofree char *moved = NULL;
  g_autoptr (GError) e = NULL;

  if (!r->fix)
    {
      wrappy_repair_report_add (r->report, WRAPPY_PROBLEM_BROKEN_MANIFEST, WRAPPY_PROBLEM_FOUND, id,
                                rel, detail, NULL);
      return;
    }
  /* Moved, never deleted: the file may still say what was installed. The app is not
   * installed any more, so its launchers would only start an error. */
  if (!move_aside (r, name, &moved, &e))
    {
      g_autofree char *d2 = g_strdup_printf ("%s (%s)", detail, e->message);
      wrappy_repair_report_add (r->report, WRAPPY_PROBLEM_BROKEN_MANIFEST, WRAPPY_PROBLEM_REMAINS,
                                id, rel, d2, action);
      return;
    }
  if (wrappy_validate_app_id (id, NULL) && !wrappy_export_remove (id, &e))
    wrappy_debug ("cannot remove the launchers of %s: %s", id, e->message);
  {
    g_autofree char *d2 = g_strdup_printf (_ ("%s; moved to %s"), detail, moved);
    wrappy_repair_report_add (r->report, WRAPPY_PROBLEM_BROKEN_MANIFEST, WRAPPY_PROBLEM_REMAINS, id,
                              rel, d2, action);
  }
}

static void
check_manifests (Repair *r)
{
  g_autofree char *dir = g_build_filename (r->store->path, "apps", NULL);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, MANIFEST_SUFFIX) && name[0] != '.')
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_strings);

  for (guint i = 0; i < names->len; i++)
    {
      const char *n = names->pdata[i];
      g_autofree char *id = g_strndup (n, strlen (n) - strlen (MANIFEST_SUFFIX));
      g_autofree char *path = g_build_filename (dir, n, NULL);
      g_autoptr (GError) e = NULL;
      g_autoptr (WrappyManifest) m = wrappy_manifest_load_file (path, &e);

      if (m != NULL && strcmp (m->id, id) != 0)
        {
          g_set_error (&e, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA, _ ("it describes %s, not %s"),
                       m->id, id);
          g_clear_pointer (&m, wrappy_manifest_free);
        }
      if (m == NULL)
        broken_manifest (r, n, id, e->message);
      else
        g_ptr_array_add (r->apps, g_steal_pointer (&m));
    }
  r->report->n_apps = r->apps->len;
}

/* ---- 3. content ---- */

typedef struct
{
  char *commit;
  char *ref;
  GPtrArray *users;           /* WrappyManifest*, borrowed from Repair.apps */
  GPtrArray *roots;           /* char*: its layer directories the manifests name */
  GHashTable *objects;        /* reachable objects (traverse's keys), or NULL */
  char *incomplete;           /* why the repo lacks (part of) it, or NULL */
  GPtrArray *corrupt;         /* char*: its objects that fail verification */
  char *remote;               /* the remote it can be pulled from again, or NULL */
  const WrappySource *source; /* whose refetch pulls it (remote set) */
  char *pull_error;           /* why pulling it again failed */
  gboolean busy;              /* a running app holds one of its layers */
  WrappyProblemKind kind;     /* corrupted or incomplete, as first found */
  GPtrArray *old_layers;      /* char*: pairs of a layer path and where it was moved */
} CommitInfo;

static void
commit_info_free (CommitInfo *c)
{
  g_free (c->commit);
  g_free (c->ref);
  g_ptr_array_unref (c->users);
  g_ptr_array_unref (c->roots);
  g_clear_pointer (&c->objects, g_hash_table_unref);
  g_free (c->incomplete);
  g_ptr_array_unref (c->corrupt);
  g_free (c->remote);
  g_free (c->pull_error);
  g_ptr_array_unref (c->old_layers);
  g_free (c);
}

static void
add_unique (GPtrArray *a, gpointer p, gboolean copy)
{
  for (guint i = 0; i < a->len; i++)
    if (a->pdata[i] == p || (copy && strcmp (a->pdata[i], p) == 0))
      return;
  g_ptr_array_add (a, copy ? g_strdup (p) : p);
}

/* The commits installed apps use, in a stable order. */
static GPtrArray *
collect_commits (Repair *r)
{
  GPtrArray *commits = g_ptr_array_new_with_free_func ((GDestroyNotify)commit_info_free);

  for (guint i = 0; i < r->apps->len; i++)
    {
      WrappyManifest *m = r->apps->pdata[i];
      const WrappySource *src = wrappy_source_of (m);
      for (guint j = 0; j < m->layers->len; j++)
        {
          WrappyManifestLayer *l = m->layers->pdata[j];
          CommitInfo *c = NULL;
          g_autofree char *root = NULL;

          if (!is_store_layer (l))
            continue;
          for (guint k = 0; k < commits->len && c == NULL; k++)
            if (strcmp (((CommitInfo *)commits->pdata[k])->commit, l->commit) == 0)
              c = commits->pdata[k];
          if (c == NULL)
            {
              c = g_new0 (CommitInfo, 1);
              c->commit = g_strdup (l->commit);
              c->ref = g_strdup (l->ref);
              c->users = g_ptr_array_new ();
              c->roots = g_ptr_array_new_with_free_func (g_free);
              c->corrupt = g_ptr_array_new_with_free_func (g_free);
              c->old_layers = g_ptr_array_new_with_free_func (g_free);
              g_ptr_array_add (commits, c);
            }
          add_unique (c->users, m, FALSE);
          root = wrappy_layer_lock_root (l->path);
          add_unique (c->roots, root, TRUE);
          /* A commit from a remote can be fetched again, by its checksum, from the
           * app's origin (its source says); a layer made here cannot. */
          if (c->remote == NULL && src != NULL && src->refetch_origin != NULL
              && (c->remote = src->refetch_origin (m)) != NULL)
            c->source = src;
        }
    }
  return commits;
}

/* Verifies every object of the commit (each object once per run: verified maps an
 * object's name to whether it is good). */
static void
verify_commit (Repair *r, CommitInfo *c, GHashTable *verified)
{
  g_autoptr (GVariant) commit_v = NULL;
  g_autoptr (GError) e = NULL;
  OstreeRepoCommitState state = 0;
  GHashTableIter it;
  gpointer key;

  g_clear_pointer (&c->objects, g_hash_table_unref);
  g_clear_pointer (&c->incomplete, g_free);
  g_ptr_array_set_size (c->corrupt, 0);
  if (r->repo == NULL)
    {
      c->incomplete = g_strdup (_ ("the store has no repository"));
      return;
    }
  if (!ostree_repo_load_commit (r->repo, c->commit, &commit_v, &state, &e))
    {
      c->incomplete = g_strdup (e->message);
      return;
    }
  if (state & OSTREE_REPO_COMMIT_STATE_PARTIAL)
    {
      c->incomplete = g_strdup (_ ("it was not downloaded completely"));
      return;
    }
  if (!ostree_repo_traverse_commit (r->repo, c->commit, 0, &c->objects, r->cancellable, &e))
    {
      /* A tree object that is missing or does not parse. */
      c->incomplete = g_strdup (e->message);
      return;
    }
  g_hash_table_iter_init (&it, c->objects);
  while (g_hash_table_iter_next (&it, &key, NULL))
    {
      const char *csum;
      OstreeObjectType type;
      g_autofree char *name = NULL;
      gpointer good;

      ostree_object_name_deserialize (key, &csum, &type);
      name = ostree_object_to_string (csum, type);
      if (!g_hash_table_lookup_extended (verified, name, NULL, &good))
        {
          g_autoptr (GError) fe = NULL;
          good = GINT_TO_POINTER (
              ostree_repo_fsck_object (r->repo, type, csum, r->cancellable, &fe));
          if (fe != NULL)
            wrappy_debug ("%s: %s", name, fe->message);
          g_hash_table_insert (verified, g_strdup (name), good);
          r->report->n_objects++;
        }
      if (!GPOINTER_TO_INT (good))
        g_ptr_array_add (c->corrupt, g_steal_pointer (&name));
    }
}

static gboolean
commit_is_bad (const CommitInfo *c)
{
  return c->incomplete != NULL || c->corrupt->len > 0;
}

/* The path (relative to the commit's root) of a file whose content is object csum, for
 * the message: found by walking the commit's trees, which are already verified. */
static char *
find_file_path (GFile *dir, GFile *root, const char *csum, GCancellable *cancellable)
{
  g_autoptr (GFileEnumerator) e = g_file_enumerate_children (
      dir, "standard::name,standard::type", G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, cancellable, NULL);
  GFileInfo *info;
  GFile *child;

  while (e != NULL && g_file_enumerator_iterate (e, &info, &child, cancellable, NULL) && info)
    {
      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        {
          char *found = find_file_path (child, root, csum, cancellable);
          if (found != NULL)
            return found;
        }
      else if (ostree_repo_file_ensure_resolved (OSTREE_REPO_FILE (child), NULL)
               && g_strcmp0 (ostree_repo_file_get_checksum (OSTREE_REPO_FILE (child)), csum) == 0)
        return g_file_get_relative_path (root, child);
    }
  return NULL;
}

static char *
corrupt_object_label (Repair *r, const CommitInfo *c, const char *object)
{
  g_autofree char *csum = NULL;
  OstreeObjectType type;
  g_autoptr (GFile) root = NULL;
  char *path = NULL;

  ostree_object_from_string (object, &csum, &type);
  if (type == OSTREE_OBJECT_TYPE_FILE
      && ostree_repo_read_commit (r->repo, c->commit, &root, NULL, r->cancellable, NULL))
    path = find_file_path (root, root, csum, r->cancellable);
  return path != NULL ? path : g_strdup (object);
}

static char *
commit_detail (Repair *r, const CommitInfo *c)
{
  if (c->corrupt->len > 0)
    {
      g_autofree char *first = corrupt_object_label (r, c, c->corrupt->pdata[0]);
      return g_strdup_printf (
          g_dngettext (GETTEXT_PACKAGE, "%s is corrupted: %u object fails verification (%s)",
                       "%s is corrupted: %u objects fail verification (%s, …)", c->corrupt->len),
          c->ref, c->corrupt->len, first);
    }
  return g_strdup_printf (_ ("%s is incomplete in the repository: %s"), c->ref, c->incomplete);
}

/* A bad commit's objects go to aside_dir until a good copy is in; restored when none
 * comes. Returns the names of the moved objects (relative to the repo). */
static void
set_aside (Repair *r, CommitInfo *c, const char *aside_dir, GPtrArray *moved)
{
  int repo_dfd = ostree_repo_get_dfd (r->repo);

  for (guint i = 0; i < c->corrupt->len; i++)
    {
      g_autofree char *csum = NULL;
      OstreeObjectType type;
      g_autofree char *rel = NULL;
      g_autofree char *to = NULL;

      ostree_object_from_string (c->corrupt->pdata[i], &csum, &type);
      /* The repo's layout (bare-user-only): objects/XX/REST.TYPE. */
      rel = g_strdup_printf ("objects/%.2s/%s.%s", csum, csum + 2,
                             ostree_object_type_to_string (type));
      to = g_strdup_printf ("%s/%s", aside_dir, (char *)c->corrupt->pdata[i]);
      if (renameat (repo_dfd, rel, r->store->dfd, to) == 0)
        {
          g_ptr_array_add (moved, g_steal_pointer (&rel));
          g_ptr_array_add (moved, g_steal_pointer (&to));
        }
      else if (errno != ENOENT)
        wrappy_debug ("cannot set %s aside: %s", rel, g_strerror (errno));
    }
}

static void
restore_aside (Repair *r, GPtrArray *moved)
{
  int repo_dfd = ostree_repo_get_dfd (r->repo);

  for (guint i = 0; i + 1 < moved->len; i += 2)
    if (!exists_at (repo_dfd, moved->pdata[i])
        && renameat (r->store->dfd, moved->pdata[i + 1], repo_dfd, moved->pdata[i]) != 0)
      wrappy_debug ("cannot restore %s: %s", (char *)moved->pdata[i], g_strerror (errno));
}

static gboolean
pull_commit (Repair *r, CommitInfo *c, GError **error)
{
  return c->source->refetch (r->repo, c->remote, c->ref, c->commit, r->cancellable, error);
}

/* Moves the commit's layer directories out of the way (to layers/.tmp-repair-old-*,
 * pairs of names added to moved), unless a running app holds one (its layer lock):
 * a directory at a layer's path is always a complete, good checkout, and a killed run
 * leaves the layer missing, which the next run checks out. */
static gboolean
move_layers_away (Repair *r, CommitInfo *c, GPtrArray *moved, GError **error)
{
  for (guint i = 0; i < c->roots->len; i++)
    {
      const char *root = c->roots->pdata[i];
      g_autofree char *old = NULL;
      gboolean busy = FALSE;
      int fd;

      if (!exists_at (r->store->dfd, root))
        continue;
      fd = wrappy_layer_lock_try_exclusive (r->store->dfd, root, &busy, error);
      if (fd < 0)
        {
          if (busy)
            {
              c->busy = TRUE;
              g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_BUSY, _ ("a running app uses %s"),
                           root);
            }
          return FALSE;
        }
      old = g_strdup_printf ("layers/.tmp-repair-old-%s-%u-%d", c->commit, i, getpid ());
      if (!wrappy_rm_rf_at (r->store->dfd, old, error)
          || renameat (r->store->dfd, root, r->store->dfd, old) != 0)
        {
          if (error && *error == NULL)
            wrappy_throw_errno (error, "rename", root);
          close (fd);
          return FALSE;
        }
      close (fd);
      g_ptr_array_add (moved, g_strdup (root));
      g_ptr_array_add (moved, g_steal_pointer (&old));
    }
  return TRUE;
}

static void
restore_layers (Repair *r, GPtrArray *moved)
{
  for (guint i = 0; i + 1 < moved->len; i += 2)
    if (!exists_at (r->store->dfd, moved->pdata[i])
        && renameat (r->store->dfd, moved->pdata[i + 1], r->store->dfd, moved->pdata[i]) != 0)
      wrappy_debug ("cannot restore %s: %s", (char *)moved->pdata[i], g_strerror (errno));
  g_ptr_array_set_size (moved, 0);
}

/* Pulls a bad commit again. Its layers are moved away first (they hold the corrupted
 * files: hardlinks); it is marked partial, so that a run killed before the pull ends
 * leaves a commit the next run pulls again, and so that the pull fetches what is
 * missing; its corrupted objects are set aside, so that the pull fetches them. When the
 * pull fails, everything is put back as it was. */
static void
refetch_commit (Repair *r, CommitInfo *c, const char *aside_dir)
{
  g_autoptr (GPtrArray) moved = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) e = NULL;
  gboolean was_partial = c->incomplete != NULL;

  if (!move_layers_away (r, c, c->old_layers, &e)
      || !ostree_repo_mark_commit_partial (r->repo, c->commit, TRUE, &e))
    {
      restore_layers (r, c->old_layers);
      c->pull_error = g_strdup (e->message);
      return;
    }
  set_aside (r, c, aside_dir, moved);
  wrappy_fault_point ("repair-set-aside");
  if (pull_commit (r, c, &e))
    return;
  c->pull_error = g_strdup (e->message);
  restore_aside (r, moved);
  restore_layers (r, c->old_layers);
  if (!was_partial)
    ostree_repo_mark_commit_partial (r->repo, c->commit, FALSE, NULL);
}

/* Fresh checkouts of a good commit at each of its layer paths: those refetch_commit
 * moved away are missing; others (a commit that was bad only through an object another
 * pull replaced) are moved away now. */
static gboolean
check_out_again (Repair *r, CommitInfo *c, GError **error)
{
  if (!move_layers_away (r, c, c->old_layers, error))
    return FALSE;
  wrappy_fault_point ("repair-layer-swap");
  for (guint i = 0; i < c->roots->len; i++)
    {
      g_autofree char *files = NULL;
      g_autofree char *want = wrappy_store_layer_dir (c->ref, c->commit);

      if (strcmp (want, c->roots->pdata[i]) != 0)
        {
          g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
                       _ ("the manifest names %s, not %s"), (char *)c->roots->pdata[i], want);
          return FALSE;
        }
      files = wrappy_store_checkout_layer (r->store, c->ref, c->commit, r->cancellable, error);
      if (files == NULL)
        return FALSE;
    }
  for (guint i = 0; i + 1 < c->old_layers->len; i += 2)
    wrappy_rm_rf_at (r->store->dfd, c->old_layers->pdata[i + 1], NULL);
  g_ptr_array_set_size (c->old_layers, 0);
  return TRUE;
}

static void
report_commit (Repair *r, CommitInfo *c, const char *detail, WrappyProblemStatus status,
               const char *why_left)
{
  for (guint i = 0; i < c->users->len; i++)
    {
      WrappyManifest *m = c->users->pdata[i];
      g_autofree char *action = NULL;
      g_autofree char *full = NULL;

      if (status == WRAPPY_PROBLEM_FOUND)
        action = c->remote != NULL ? NULL : reinstall_action (m->id);
      else if (status == WRAPPY_PROBLEM_REMAINS && c->busy)
        action = g_strdup_printf (_ ("quit %s and run 'wrappy doctor --fix' again"), m->id);
      else if (status == WRAPPY_PROBLEM_REMAINS && c->remote != NULL && c->pull_error != NULL)
        action = g_strdup_printf (_ ("make remote '%s' reachable and run 'wrappy doctor --fix' "
                                     "again, or reinstall %s"),
                                  c->remote, m->id);
      else if (status == WRAPPY_PROBLEM_REMAINS)
        action = reinstall_action (m->id);
      full = why_left ? g_strdup_printf ("%s; %s", detail, why_left) : g_strdup (detail);
      wrappy_repair_report_add (r->report, c->kind, status, m->id, c->roots->pdata[0], full,
                                action);
    }
}

/* After the pulls: verify again (a pull replaced the corrupted objects, perhaps of
 * another commit too), then fresh layers. */
static void
finish_commit (Repair *r, CommitInfo *c, GHashTable *verified, const char *detail)
{
  g_autoptr (GError) e = NULL;
  guint n_objects;

  if (c->pull_error != NULL)
    {
      g_autofree char *why
          = g_strdup_printf (c->busy ? "%s" : _ ("cannot download it again: %s"), c->pull_error);
      report_commit (r, c, detail, WRAPPY_PROBLEM_REMAINS, why);
      return;
    }
  /* Forget what was verified of this commit's objects: some were just replaced. */
  for (guint i = 0; i < c->corrupt->len; i++)
    g_hash_table_remove (verified, c->corrupt->pdata[i]);
  n_objects = r->report->n_objects;
  verify_commit (r, c, verified);
  r->report->n_objects = n_objects; /* counted once */
  if (commit_is_bad (c))
    {
      restore_layers (r, c->old_layers);
      report_commit (r, c, detail, WRAPPY_PROBLEM_REMAINS,
                     c->remote ? _ ("it is still bad after downloading it again")
                               : _ ("it cannot be downloaded again"));
      return;
    }
  if (!check_out_again (r, c, &e))
    {
      restore_layers (r, c->old_layers);
      report_commit (r, c, detail, WRAPPY_PROBLEM_REMAINS, e->message);
      return;
    }
  report_commit (r, c, detail, WRAPPY_PROBLEM_FIXED,
                 c->remote ? _ ("downloaded again and checked out")
                           : _ ("its objects were repaired by another download"));
}

static void
check_content (Repair *r)
{
  g_autoptr (GPtrArray) commits = collect_commits (r);
  g_autoptr (GHashTable) verified = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GPtrArray) details = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *aside = NULL;
  gboolean any_bad = FALSE;

  /* Every file of every installed commit is read: on a big store that takes a while. */
  if (commits->len > 0)
    wrappy_info (g_dngettext (GETTEXT_PACKAGE, "Verifying %u commit…", "Verifying %u commits…",
                              commits->len),
                 commits->len);
  for (guint i = 0; i < commits->len; i++)
    {
      CommitInfo *c = commits->pdata[i];
      verify_commit (r, c, verified);
      c->kind = c->corrupt->len > 0 ? WRAPPY_PROBLEM_CORRUPTED : WRAPPY_PROBLEM_INCOMPLETE;
      g_ptr_array_add (details, commit_is_bad (c) ? commit_detail (r, c) : NULL);
      any_bad |= commit_is_bad (c);
      if (commit_is_bad (c))
        g_hash_table_add (r->bad_commits, g_strdup (c->commit));
    }
  if (!any_bad)
    return;
  if (!r->fix || r->repo == NULL)
    {
      for (guint i = 0; i < commits->len; i++)
        if (details->pdata[i] != NULL)
          report_commit (r, commits->pdata[i], details->pdata[i],
                         r->fix ? WRAPPY_PROBLEM_REMAINS : WRAPPY_PROBLEM_FOUND, NULL);
      return;
    }

  /* Under layers/.tmp-*: a killed run's set-aside objects are removed by the next
   * command that takes the lock (the commit stays partial, so it is pulled again). */
  aside = g_strdup_printf ("layers/.tmp-repair-%d", getpid ());
  if (!wrappy_rm_rf_at (r->store->dfd, aside, NULL) || mkdirat (r->store->dfd, aside, 0700) != 0)
    wrappy_debug ("cannot make %s: %s", aside, g_strerror (errno));
  for (guint i = 0; i < commits->len; i++)
    {
      CommitInfo *c = commits->pdata[i];
      if (details->pdata[i] != NULL && c->remote != NULL)
        refetch_commit (r, c, aside);
    }
  for (guint i = 0; i < commits->len; i++)
    if (details->pdata[i] != NULL)
      finish_commit (r, commits->pdata[i], verified, details->pdata[i]);
  wrappy_rm_rf_at (r->store->dfd, aside, NULL);
}

/* ---- 2. layers ---- */

static void
check_layers (Repair *r)
{
  for (guint i = 0; i < r->apps->len; i++)
    {
      WrappyManifest *m = r->apps->pdata[i];
      for (guint j = 0; j < m->layers->len; j++)
        {
          WrappyManifestLayer *l = m->layers->pdata[j];
          g_autofree char *root = NULL;
          g_autofree char *detail = NULL;
          g_autofree char *files = NULL;
          g_autoptr (GError) e = NULL;
          OstreeRepoCommitState state = 0;

          if (wrappy_manifest_layer_is_host (l))
            continue;
          r->report->n_layers++;
          root = wrappy_layer_lock_root (l->path);
          if (exists_at (r->store->dfd, l->path))
            continue;
          detail = g_strdup_printf (_ ("the layer %s is missing"), root);
          /* The content check has said what became of a bad commit. */
          if (l->commit != NULL && g_hash_table_contains (r->bad_commits, l->commit))
            continue;
          if (!r->fix)
            {
              wrappy_repair_report_add (r->report, WRAPPY_PROBLEM_MISSING_LAYER,
                                        WRAPPY_PROBLEM_FOUND, m->id, root, detail, NULL);
              continue;
            }
          if (r->repo != NULL && is_store_layer (l)
              && ostree_repo_load_commit (r->repo, l->commit, NULL, &state, &e)
              && !(state & OSTREE_REPO_COMMIT_STATE_PARTIAL))
            files = wrappy_store_checkout_layer (r->store, l->ref, l->commit, r->cancellable, &e);
          if (files != NULL)
            {
              g_autofree char *d2 = g_strdup_printf (_ ("%s; checked out again"), detail);
              wrappy_repair_report_add (r->report, WRAPPY_PROBLEM_MISSING_LAYER,
                                        WRAPPY_PROBLEM_FIXED, m->id, root, d2, NULL);
            }
          else
            {
              g_autofree char *action = reinstall_action (m->id);
              g_autofree char *d2 = g_strdup_printf ("%s (%s)", detail,
                                                     e ? e->message : _ ("not in the repository"));
              wrappy_repair_report_add (r->report, WRAPPY_PROBLEM_MISSING_LAYER,
                                        WRAPPY_PROBLEM_REMAINS, m->id, root, d2, action);
            }
        }
    }
}

/* ---- 5. launchers ---- */

static WrappyManifest *
find_app (Repair *r, const char *id)
{
  for (guint i = 0; i < r->apps->len; i++)
    if (strcmp (((WrappyManifest *)r->apps->pdata[i])->id, id) == 0)
      return r->apps->pdata[i];
  return NULL;
}

/* ID → TRUE for every app some exported launcher names. */
static GHashTable *
exported_launchers (Repair *r)
{
  GHashTable *owners = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GDir) d = g_dir_open (wrappy_dirs_applications (), 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autoptr (GKeyFile) kf = g_key_file_new ();
      char *owner;

      if (!g_str_has_suffix (name, ".desktop"))
        continue;
      path = g_build_filename (wrappy_dirs_applications (), name, NULL);
      if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, NULL))
        continue;
      owner = g_key_file_get_string (kf, G_KEY_FILE_DESKTOP_GROUP, WRAPPY_EXPORT_MARKER_KEY, NULL);
      if (owner != NULL)
        g_hash_table_add (owners, owner);
    }
  return owners;
}

/* Whether name is a launcher in dir (relative to the app layer's files). */
static gboolean
dir_has_desktop_file (const char *files, const char *dir, const char *app_id)
{
  g_autofree char *path = g_build_filename (files, dir, NULL);
  g_autoptr (GDir) d = g_dir_open (path, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (app_id != NULL ? wrappy_export_name_matches (app_id, name, ".desktop")
                       : g_str_has_suffix (name, ".desktop"))
      return TRUE;
  return FALSE;
}

/* Whether the app's layer has a launcher its adapter exports: a Flatpak app's
 * share/applications/ID*.desktop, an AppImage's desktop file at the root of its payload,
 * a snap's meta/gui/NAME.desktop. */
static gboolean
app_has_launcher (const WrappyManifest *m)
{
  WrappyManifestLayer *l = wrappy_manifest_get_layer ((WrappyManifest *)m, "app");
  const WrappySource *src = wrappy_source_of (m);
  g_autofree char *files = NULL;

  if (l == NULL || wrappy_manifest_layer_is_host (l) || src == NULL || src->launcher_dir == NULL)
    return FALSE;
  files = wrappy_manifest_layer_host_path (l);
  return dir_has_desktop_file (files, src->launcher_dir, src->launchers_named_by_id ? m->id : NULL);
}

static void
orphan_launchers (Repair *r, GHashTable *owners)
{
  g_autoptr (GPtrArray) ids = g_ptr_array_new ();
  GHashTableIter it;
  gpointer key;

  g_hash_table_iter_init (&it, owners);
  while (g_hash_table_iter_next (&it, &key, NULL))
    if (find_app (r, key) == NULL)
      g_ptr_array_add (ids, key);
  g_ptr_array_sort (ids, compare_strings);
  for (guint i = 0; i < ids->len; i++)
    {
      const char *id = ids->pdata[i];
      g_autofree char *detail = g_strdup_printf (_ ("launchers of %s, which is not installed"), id);
      g_autoptr (GError) e = NULL;
      WrappyProblemStatus status = WRAPPY_PROBLEM_FOUND;

      if (r->fix)
        status = wrappy_validate_app_id (id, &e) && wrappy_export_remove (id, &e)
                     ? WRAPPY_PROBLEM_FIXED
                     : WRAPPY_PROBLEM_REMAINS;
      if (status == WRAPPY_PROBLEM_REMAINS)
        {
          g_autofree char *action
              = g_strdup_printf (_ ("remove the launchers of %s from %s by hand (%s)"), id,
                                 wrappy_dirs_applications (), e->message);
          wrappy_repair_report_add (r->report, WRAPPY_PROBLEM_ORPHAN_LAUNCHER, status, id,
                                    wrappy_dirs_applications (), detail, action);
        }
      else
        wrappy_repair_report_add (r->report, WRAPPY_PROBLEM_ORPHAN_LAUNCHER, status, id,
                                  wrappy_dirs_applications (), detail, NULL);
    }
}

static void
missing_launchers (Repair *r, GHashTable *owners)
{
  for (guint i = 0; i < r->apps->len; i++)
    {
      WrappyManifest *m = r->apps->pdata[i];
      WrappyManifestLayer *l = wrappy_manifest_get_layer (m, "app");
      g_autofree char *detail = NULL;
      g_autofree char *files = NULL;
      g_autofree char *front = NULL;
      g_autoptr (GError) e = NULL;

      const WrappySource *src = wrappy_source_of (m);
      gboolean from_layer = src != NULL && src->launchers_from_layer;

      if (g_hash_table_contains (owners, m->id) || !app_has_launcher (m))
        continue;
      detail = g_strdup_printf (_ ("the launchers of %s are not exported"), m->id);
      /* Only some sources' launchers (a Flatpak app's) are exported as they are in the
       * layer; others' (an AppImage's, a snap's) are made at install time (Exec, icons,
       * names). */
      if (!r->fix || !from_layer)
        {
          g_autofree char *action = from_layer ? NULL : reinstall_action (m->id);
          wrappy_repair_report_add (r->report, WRAPPY_PROBLEM_MISSING_LAUNCHER,
                                    r->fix ? WRAPPY_PROBLEM_REMAINS : WRAPPY_PROBLEM_FOUND, m->id,
                                    wrappy_dirs_applications (), detail, action);
          continue;
        }
      files = wrappy_manifest_layer_host_path (l);
      front = wrappy_export_front_path ();
      if (wrappy_export_app (m->id, files, front, NULL, &e))
        wrappy_repair_report_add (r->report, WRAPPY_PROBLEM_MISSING_LAUNCHER, WRAPPY_PROBLEM_FIXED,
                                  m->id, wrappy_dirs_applications (), detail, NULL);
      else
        {
          g_autofree char *action = reinstall_action (m->id);
          g_autofree char *d2 = g_strdup_printf ("%s (%s)", detail, e->message);
          wrappy_repair_report_add (r->report, WRAPPY_PROBLEM_MISSING_LAUNCHER,
                                    WRAPPY_PROBLEM_REMAINS, m->id, wrappy_dirs_applications (), d2,
                                    action);
        }
    }
}

static void
check_launchers (Repair *r)
{
  g_autoptr (GHashTable) owners = exported_launchers (r);

  orphan_launchers (r, owners);
  missing_launchers (r, owners);
}

/* ---- 6. orphans: only reported, `wrappy gc` removes them ---- */

/* What gc would remove, in gc's own terms: layers that no installed app or snapshot
 * names and no running app holds, refs no kept layer names. */
static void
check_orphans (Repair *r)
{
  g_auto (WrappyGcResult) dry = { 0 };
  g_autoptr (GError) local_error = NULL;

  if (r->repo == NULL)
    return;
  if (!wrappy_gc (r->store, WRAPPY_GC_DRY_RUN, &dry, r->cancellable, &local_error))
    {
      /* An unreadable manifest, reported above, stops gc too. */
      g_debug ("gc --dry-run: %s", local_error->message);
      return;
    }
  if (dry.removed->len > 0)
    {
      g_autofree char *sz = wrappy_format_size (dry.freed);
      g_autofree char *detail
          = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u layer no installed app uses (%s)",
                                          "%u layers no installed app uses (%s)", dry.removed->len),
                             dry.removed->len, sz);
      g_autofree char *action = g_strdup_printf (_ ("run 'wrappy gc' to free %s"), sz);
      WrappyProblem *p
          = wrappy_repair_report_add (r->report, WRAPPY_PROBLEM_ORPHAN_LAYER, WRAPPY_PROBLEM_NOTE,
                                      NULL, "layers", detail, action);
      p->size = dry.freed;
    }
  if (dry.refs->len > 0)
    {
      g_autofree char *detail
          = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u ref no installed app uses",
                                          "%u refs no installed app uses", dry.refs->len),
                             dry.refs->len);
      wrappy_repair_report_add (r->report, WRAPPY_PROBLEM_ORPHAN_REF, WRAPPY_PROBLEM_NOTE, NULL,
                                "repo", detail, _ ("run 'wrappy gc' to free their objects"));
    }
}

/* ---------------------------------------------------------------- entry point */

WrappyRepairReport *
wrappy_repair_run (gboolean fix, GCancellable *cancellable, GError **error)
{
  g_autoptr (WrappyRepairReport) report = wrappy_repair_report_new ();
  g_autoptr (WrappyStore) store = NULL;
  g_autoptr (GPtrArray) apps
      = g_ptr_array_new_with_free_func ((GDestroyNotify)wrappy_manifest_free);
  g_autoptr (GHashTable) bad = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  Repair r = { 0 };

  /* Checking creates nothing: no store is a healthy one. */
  if (!g_file_test (wrappy_dirs_data (), G_FILE_TEST_IS_DIR))
    return g_steal_pointer (&report);
  store = wrappy_store_open (error);
  if (store == NULL || !repair_lock (store, fix, error))
    return NULL;
  if (exists_at (store->dfd, "repo/config") && wrappy_store_get_repo (store, error) == NULL)
    return NULL;

  r.store = store;
  r.repo = store->repo;
  r.fix = fix;
  r.report = report;
  r.apps = apps;
  r.bad_commits = bad;
  r.cancellable = cancellable;
  check_leftovers (&r);
  check_manifests (&r);
  check_content (&r);
  check_layers (&r);
  check_launchers (&r);
  check_orphans (&r);
  if (fix)
    wrappy_store_sync (store);
  return g_steal_pointer (&report);
}
