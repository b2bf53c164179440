/* wrappy update [--yes] [ID…]: brings installed apps (all of them without IDs) to the
 * newest version their source offers (docs/update.md). For each app the source's
 * prepare function downloads the new version and checks its layers out without making
 * it visible; then this file shows what changes, asks before granting new permissions
 * (refusing without a terminal unless --yes), takes an automatic snapshot, exports the
 * launchers and saves the manifest: that save is the one step that switches the app to
 * the new version, so a crash anywhere leaves the old version working. The old layers
 * stay for `wrappy gc`; per-app data and overrides live outside the layers and are never
 * touched. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "wrappy-builtins.h"
#include "wrappy-cli-common.h"
#include "wrappy-error.h"
#include "wrappy-export.h"
#include "wrappy-fault.h"
#include "wrappy-i18n.h"
#include "wrappy-id.h"
#include "wrappy-output.h"
#include "wrappy-policy.h"
#include "wrappy-source.h"
#include "wrappy-store.h"
#include "wrappy-update.h"
#include "wrappy-snapshot.h"

static gboolean opt_yes;
static gboolean opt_dry_run;

const GOptionEntry wrappy_update_options[] = {
  { "yes", 'y', 0, G_OPTION_ARG_NONE, &opt_yes,
    N_ ("Do not ask before granting the permissions an update adds"), NULL },
  { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &opt_dry_run,
    N_ ("Show what would change (versions, layers, permissions) and change nothing"), NULL },
  { NULL },
};

typedef enum
{
  RESULT_UP_TO_DATE,
  RESULT_UPDATED,
  RESULT_SKIPPED,  /* cannot be updated, and that is no error (bundle, unsupported) */
  RESULT_DECLINED, /* the user said no to its new permissions */
  RESULT_FAILED,
  RESULT_WOULD_UPDATE, /* --dry-run: an update is there */
} Result;

typedef struct
{
  char *id;
  char *from_version;
  char *to_version;
  Result result;
  guint64 downloaded;
  char **added;   /* permissions the update adds */
  char **removed; /* and takes away */
  char *error;    /* why it failed */
} AppResult;

static void
app_result_free (AppResult *r)
{
  g_free (r->id);
  g_free (r->from_version);
  g_free (r->to_version);
  g_strfreev (r->added);
  g_strfreev (r->removed);
  g_free (r->error);
  g_free (r);
}

/* Human output goes to stdout, or to stderr when stdout carries the JSON. */
static void G_GNUC_PRINTF (1, 2) say (const char *fmt, ...)
{
  FILE *out = wrappy_output_json () ? stderr : stdout;
  va_list args;

  va_start (args, fmt);
  vfprintf (out, fmt, args);
  va_end (args);
  fputc ('\n', out);
}

/* The source's prepare function (wrappy-update.h), or NULL. */
static WrappyPrepareUpdateFunc
find_prepare (const WrappyManifest *m)
{
  const WrappySource *src = wrappy_source_of (m);
  return src != NULL ? src->prepare_update : NULL;
}

static const char *
short_commit (const char *commit)
{
  static char buf[4][13];
  static guint n;
  char *b = buf[n++ % 4];

  g_strlcpy (b, commit ? commit : "-", sizeof buf[0]);
  return b;
}

/* Which layers change: the app, the runtime, extensions (new, changed, dropped). */
static void
describe_layers (WrappyManifest *from, WrappyManifest *to)
{
  for (guint i = 0; i < to->layers->len; i++)
    {
      WrappyManifestLayer *l = to->layers->pdata[i];
      WrappyManifestLayer *old = NULL;
      for (guint j = 0; j < from->layers->len && old == NULL; j++)
        {
          WrappyManifestLayer *c = from->layers->pdata[j];
          if (strcmp (c->kind, l->kind) == 0 && g_strcmp0 (c->name, l->name) == 0)
            old = c;
        }
      if (old == NULL)
        say (_ ("  %-4s %s: new (%s)"), l->kind, l->ref, short_commit (l->commit));
      else if (g_strcmp0 (old->ref, l->ref) != 0 || g_strcmp0 (old->commit, l->commit) != 0)
        say ("  %-4s %s: %s → %s%s%s", l->kind, l->name, short_commit (old->commit),
             short_commit (l->commit), g_strcmp0 (old->ref, l->ref) != 0 ? " " : "",
             g_strcmp0 (old->ref, l->ref) != 0 ? l->ref : "");
    }
  for (guint j = 0; j < from->layers->len; j++)
    {
      WrappyManifestLayer *c = from->layers->pdata[j];
      gboolean kept = FALSE;
      for (guint i = 0; i < to->layers->len && !kept; i++)
        {
          WrappyManifestLayer *l = to->layers->pdata[i];
          kept = strcmp (c->kind, l->kind) == 0 && g_strcmp0 (c->name, l->name) == 0;
        }
      if (!kept)
        say (_ ("  %-4s %s: no longer used"), c->kind, c->ref);
    }
}

static void
describe (WrappyUpdate *u, char **added, char **removed)
{
  WrappyManifest *from = u->current, *to = u->updated;
  g_autofree char *size = g_format_size (u->downloaded);

  if (from->version != NULL && to->version != NULL)
    say (_ ("%s: %s → %s (downloaded %s)"), from->id, from->version, to->version, size);
  else
    say (_ ("%s: a new version (downloaded %s)"), from->id, size);
  describe_layers (from, to);
  for (char **p = added; p && *p; p++)
    say (_ ("  new permission: %s"), *p);
  for (char **p = removed; p && *p; p++)
    say (_ ("  permission dropped: %s"), *p);
}

/* FALSE with error set: refused (no terminal); FALSE without: the user said no. */
static gboolean
confirm (WrappyUpdate *u, char **added, GError **error)
{
  g_autofree char *question = NULL;

  if (opt_yes || added == NULL || added[0] == NULL)
    return TRUE;
  if (!isatty (STDIN_FILENO))
    {
      g_autofree char *list = g_strjoinv (", ", added);
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_FAILED,
                   _ ("the update of %s adds permissions (%s); nothing was changed: rerun with "
                      "--yes to accept them"),
                   u->current->id, list);
      return FALSE;
    }
  question = g_strdup_printf (_ ("Grant %s these new permissions and update it?"), u->current->id);
  return wrappy_cli_ask (question);
}

/* The switch: snapshot, the adapter's step, launchers, then the manifest (the atomic
 * step). */
static gboolean
apply (WrappyStore *store, WrappyUpdate *u, GError **error)
{
  g_autofree char *wrappy_path = wrappy_export_front_path ();
  g_autoptr (GError) export_error = NULL;

  wrappy_fault_point ("update-before-snapshot");
  {
    g_autofree char *reason
        = g_strdup_printf ("before update to %s", u->updated->version ? u->updated->version : "?");
    g_autoptr (WrappySnapshotInfo) snap
        = wrappy_snapshot_create (u->current, NULL, reason, TRUE, error);
    if (snap == NULL)
      return FALSE;
    wrappy_info (_ ("Took snapshot %s of %s; 'wrappy rollback %s %s' undoes the update"),
                 snap->name, u->current->id, u->current->id, snap->name);
    (void)wrappy_snapshot_prune_auto (u->current->id, WRAPPY_SNAPSHOT_KEEP_AUTO, NULL);
  }
  if (u->before_switch != NULL && !u->before_switch (u, error))
    return FALSE;
  /* Launchers first: they run `wrappy run ID`, which is right for either version, and
   * recovery only removes launchers of apps without a manifest. */
  if (u->export_dir != NULL
      && !wrappy_export_app (u->current->id, u->export_dir, wrappy_path, NULL, &export_error))
    g_printerr (_ ("warning: the launchers of %s were not updated: %s\n"), u->current->id,
                export_error->message);
  /* New layers reach the disk before the manifest that points at them. */
  wrappy_store_sync (store);
  wrappy_fault_point ("update-before-manifest");
  if (!wrappy_manifest_save (u->updated, error))
    return FALSE;
  wrappy_fault_point ("update-after-manifest");
  return TRUE;
}

/* The app's ID leads every message about it, once: a source's error that names the app
 * already is left as it is. */
static void
name_the_app (const char *id, GError **error)
{
  if (error != NULL && *error != NULL && strstr ((*error)->message, id) == NULL)
    g_prefix_error (error, "%s: ", id);
}

static Result
update_one (WrappyStore *store, WrappyManifest *m, AppResult *r, GError **error)
{
  g_auto (WrappyUpdate) u = { 0 };
  WrappyPrepareUpdateFunc prepare = find_prepare (m);
  g_autoptr (WrappyPermissions) before = NULL;
  g_autoptr (WrappyPermissions) after = NULL;

  r->from_version = g_strdup (m->version);
  if (prepare == NULL)
    {
      say (_ ("%s: wrappy cannot update apps from '%s'"), m->id, m->source ? m->source : "?");
      return RESULT_SKIPPED;
    }
  u.current = m;
  if (!prepare (store, &u, NULL, error))
    {
      name_the_app (m->id, error);
      return RESULT_FAILED;
    }
  r->downloaded = u.downloaded;
  if (u.updated == NULL)
    {
      if (u.skip_reason != NULL)
        say ("%s: %s", m->id, u.skip_reason);
      else if (m->version != NULL)
        say (_ ("%s is up to date (%s)"), m->id, m->version);
      else
        say (_ ("%s is up to date"), m->id);
      return u.skip_reason != NULL ? RESULT_SKIPPED : RESULT_UP_TO_DATE;
    }
  r->to_version = g_strdup (u.updated->version);
  /* What the app declares before and after, compared by the permissions module. */
  before = wrappy_policy_declared (m);
  after = wrappy_policy_declared (u.updated);
  wrappy_policy_permission_diff (before, after, &r->added, &r->removed);
  describe (&u, r->added, r->removed);
  if (opt_dry_run)
    {
      /* The layers fetched stay in the store (unused until the update, which then
       * downloads nothing again; `wrappy gc` removes them otherwise). */
      say (_ ("%s: not updated (--dry-run)"), m->id);
      return RESULT_WOULD_UPDATE;
    }
  if (!confirm (&u, r->added, error))
    {
      if (error && *error)
        return RESULT_FAILED;
      say (_ ("%s: not updated"), m->id);
      return RESULT_DECLINED;
    }
  if (!apply (store, &u, error))
    {
      name_the_app (m->id, error);
      return RESULT_FAILED;
    }
  if (u.updated->version != NULL)
    say (_ ("Updated %s to %s"), m->id, u.updated->version);
  else
    say (_ ("Updated %s"), m->id);
  return RESULT_UPDATED;
}

static void
print_json (GPtrArray *results)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  static const char *const status[]
      = { "up-to-date", "updated", "skipped", "declined", "failed", "would-update" };

  json_builder_begin_array (b);
  for (guint i = 0; i < results->len; i++)
    {
      AppResult *r = results->pdata[i];
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, r->id);
      json_builder_set_member_name (b, "from_version");
      r->from_version ? json_builder_add_string_value (b, r->from_version)
                      : json_builder_add_null_value (b);
      json_builder_set_member_name (b, "to_version");
      r->to_version ? json_builder_add_string_value (b, r->to_version)
                    : json_builder_add_null_value (b);
      json_builder_set_member_name (b, "updated");
      json_builder_add_boolean_value (b, r->result == RESULT_UPDATED);
      json_builder_set_member_name (b, "status");
      json_builder_add_string_value (b, status[r->result]);
      json_builder_set_member_name (b, "downloaded");
      json_builder_add_int_value (b, (gint64)r->downloaded);
      json_builder_set_member_name (b, "added_permissions");
      json_builder_begin_array (b);
      for (char **p = r->added; p && *p; p++)
        json_builder_add_string_value (b, *p);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "removed_permissions");
      json_builder_begin_array (b);
      for (char **p = r->removed; p && *p; p++)
        json_builder_add_string_value (b, *p);
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  wrappy_print_json (b);
}

/* The apps named (each must be installed), or every installed one. */
static GPtrArray *
load_apps (int argc, char **argv, GError **error)
{
  g_autoptr (GPtrArray) apps = NULL;

  if (argc <= 1)
    return wrappy_manifest_list_installed (error);
  apps = g_ptr_array_new_with_free_func ((GDestroyNotify)wrappy_manifest_free);
  for (int i = 1; i < argc; i++)
    {
      WrappyManifest *m;
      if (!wrappy_validate_app_id (argv[i], error))
        return NULL;
      m = wrappy_manifest_load (argv[i], error);
      if (m == NULL)
        return NULL;
      g_ptr_array_add (apps, m);
    }
  return g_steal_pointer (&apps);
}

static gboolean
report (GPtrArray *results, GError *last_error, guint failed, GError **error)
{
  guint n[RESULT_WOULD_UPDATE + 1] = { 0 };

  for (guint i = 0; i < results->len; i++)
    n[((AppResult *)results->pdata[i])->result]++;
  if (wrappy_output_json ())
    print_json (results);
  else if (results->len == 0)
    say (_ ("No apps installed."));
  else if (opt_dry_run)
    say (ngettext ("%u app would be updated, %u up to date%s",
                   "%u apps would be updated, %u up to date%s", n[RESULT_WOULD_UPDATE]),
         n[RESULT_WOULD_UPDATE], n[RESULT_UP_TO_DATE], n[RESULT_FAILED] ? _ (", some failed") : "");
  else
    {
      g_autofree char *updated = g_strdup_printf (
          ngettext ("Updated %u app", "Updated %u apps", n[RESULT_UPDATED]), n[RESULT_UPDATED]);
      say (_ ("%s, %u up to date%s"), updated, n[RESULT_UP_TO_DATE],
           n[RESULT_FAILED] ? _ (", some failed") : "");
    }
  if (failed == 0)
    return TRUE;
  if (failed == 1)
    {
      g_propagate_error (error, g_error_copy (last_error));
      return FALSE;
    }
  for (guint i = 0; i < results->len; i++)
    {
      AppResult *r = results->pdata[i];
      if (r->result == RESULT_FAILED)
        g_printerr ("%s\n", r->error);
    }
  g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_FAILED, _ ("%u apps could not be updated"),
               failed);
  return FALSE;
}

WRAPPY_BUILTIN (update)
{
  g_autoptr (WrappyStore) store = NULL;
  g_autoptr (GPtrArray) apps = NULL;
  g_autoptr (GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify)app_result_free);
  g_autoptr (GError) last_error = NULL;
  guint failed = 0;

  if (!wrappy_parse_options (cmd, &argc, &argv, error))
    return FALSE;
  store = wrappy_store_open (error);
  if (store == NULL || !wrappy_store_lock (store, error))
    return FALSE;
  apps = load_apps (argc, argv, error);
  if (apps == NULL)
    return FALSE;

  for (guint i = 0; i < apps->len; i++)
    {
      WrappyManifest *m = apps->pdata[i];
      AppResult *r = g_new0 (AppResult, 1);
      g_autoptr (GError) local_error = NULL;

      r->id = g_strdup (m->id);
      g_ptr_array_add (results, r);
      r->result = update_one (store, m, r, &local_error);
      if (r->result != RESULT_FAILED)
        continue;
      /* Keep going: one app's failure must not hold the others back. */
      failed++;
      r->error = g_strdup (local_error->message);
      g_clear_error (&last_error);
      last_error = g_steal_pointer (&local_error);
    }
  return report (results, last_error, failed, error);
}
