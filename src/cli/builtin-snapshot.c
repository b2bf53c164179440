/* wrappy snapshot [--delete] ID [NAME], wrappy snapshots ID, wrappy rollback [--yes] ID
 * SNAPSHOT: copies of an app's state and manifest, and going back to one
 * (docs/snapshots.md). Every one of them holds the store lock, so that each finds the
 * snapshots dir as the last one left it (or finishes what a killed one left). */
#include "config.h"

#include <stdio.h>
#include <unistd.h>

#include "wrappy-builtins.h"
#include "wrappy-cli-common.h"
#include "wrappy-error.h"
#include "wrappy-export.h"
#include "wrappy-i18n.h"
#include "wrappy-id.h"
#include "wrappy-layer-lock.h"
#include "wrappy-output.h"
#include "wrappy-snapshot.h"
#include "wrappy-snapshot-private.h"
#include "wrappy-source.h"
#include "wrappy-store.h"

static gboolean opt_delete, opt_yes;

const GOptionEntry wrappy_snapshot_options[] = {
  { "delete", 0, 0, G_OPTION_ARG_NONE, &opt_delete, N_ ("Delete the snapshot NAME instead"), NULL },
  { NULL },
};

const GOptionEntry wrappy_rollback_options[] = {
  { "yes", 'y', 0, G_OPTION_ARG_NONE, &opt_yes, N_ ("Do not ask for confirmation"), NULL },
  { NULL },
};

/* The store, locked, with what a killed snapshot command left of this app's cleared. */
static WrappyStore *
open_locked (const char *id, GError **error)
{
  g_autoptr (WrappyStore) store = NULL;

  if (!wrappy_validate_app_id (id, error))
    return NULL;
  store = wrappy_store_open (error);
  if (store == NULL || !wrappy_store_lock (store, error) || !wrappy_snapshot_recover (id, error))
    return NULL;
  return g_steal_pointer (&store);
}

static void
add_info_json (JsonBuilder *b, const WrappySnapshotInfo *info)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, info->name);
  json_builder_set_member_name (b, "app");
  json_builder_add_string_value (b, info->app_id);
  json_builder_set_member_name (b, "created");
  json_builder_add_int_value (b, info->created);
  json_builder_set_member_name (b, "version");
  if (info->version)
    json_builder_add_string_value (b, info->version);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "reason");
  if (info->reason)
    json_builder_add_string_value (b, info->reason);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "automatic");
  json_builder_add_boolean_value (b, info->automatic);
  json_builder_set_member_name (b, "size");
  json_builder_add_int_value (b, (gint64)info->size);
  json_builder_set_member_name (b, "method");
  json_builder_add_string_value (b, info->method);
  json_builder_end_object (b);
}

static gboolean
delete_snapshot (int argc, char **argv, GError **error)
{
  g_autoptr (WrappyStore) store = NULL;

  if (argc != 3)
    {
      g_set_error_literal (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE,
                           _ ("usage: wrappy snapshot --delete ID NAME"));
      return FALSE;
    }
  if ((store = open_locked (argv[1], error)) == NULL
      || !wrappy_snapshot_delete (argv[1], argv[2], error))
    return FALSE;
  wrappy_info (_ ("Deleted the snapshot %s of %s"), argv[2], argv[1]);
  return TRUE;
}

WRAPPY_BUILTIN (snapshot)
{
  g_autoptr (WrappyStore) store = NULL;
  g_autoptr (WrappyManifest) m = NULL;
  g_autoptr (WrappySnapshotInfo) info = NULL;
  g_autofree char *size = NULL;

  if (!wrappy_parse_options (cmd, &argc, &argv, error))
    return FALSE;
  if (opt_delete)
    return delete_snapshot (argc, argv, error);
  if (argc < 2 || argc > 3)
    {
      g_set_error_literal (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE,
                           _ ("usage: wrappy snapshot ID [NAME] | --delete ID NAME"));
      return FALSE;
    }
  if ((store = open_locked (argv[1], error)) == NULL
      || (m = wrappy_manifest_load (argv[1], error)) == NULL)
    return FALSE;
  if (wrappy_layer_app_is_running (m))
    wrappy_info (_ ("Warning: %s is running; the snapshot may catch its files half-written"),
                 m->id);
  info = wrappy_snapshot_create (m, argc == 3 ? argv[2] : NULL, NULL, argc == 2, error);
  if (info == NULL)
    return FALSE;
  if (wrappy_output_json ())
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      add_info_json (b, info);
      wrappy_print_json (b);
      return TRUE;
    }
  size = wrappy_format_size (info->size);
  /* TRANSLATORS: snapshot name, app ID, method (reflink/copy), size */
  printf (_ ("Snapshot %s of %s taken (%s, %s)\n"), info->name, m->id, info->method, size);
  return TRUE;
}

static void
print_table (GPtrArray *list, gboolean with_app)
{
  if (with_app)
    wrappy_print_padded (_ ("App"), 33);
  wrappy_print_padded (_ ("Name"), 28);
  wrappy_print_padded (_ ("Created"), 20);
  wrappy_print_padded (_ ("Version"), 12);
  wrappy_print_padded (_ ("Size"), 11);
  printf ("%s\n", _ ("Reason"));
  for (guint i = 0; i < list->len; i++)
    {
      WrappySnapshotInfo *info = list->pdata[i];
      g_autoptr (GDateTime) t = g_date_time_new_from_unix_local (info->created);
      g_autofree char *created = t ? g_date_time_format (t, "%Y-%m-%d %H:%M:%S") : g_strdup ("?");
      g_autofree char *size = wrappy_format_size (info->size);
      g_autofree char *reason
          = info->automatic ? g_strdup_printf ("%s%s%s", _ ("(automatic)"), info->reason ? " " : "",
                                               info->reason ? info->reason : "")
                            : g_strdup (info->reason ? info->reason : "");
      if (with_app)
        wrappy_print_padded (info->app_id, 33);
      wrappy_print_padded (info->name, 28);
      wrappy_print_padded (created, 20);
      wrappy_print_padded (info->version ? info->version : "-", 12);
      wrappy_print_padded (size, 11);
      printf ("%s\n", reason);
    }
}

/* Every app's snapshots, installed or not (an uninstalled app's are kept with its data). */
static GPtrArray *
list_all (GError **error)
{
  g_autoptr (GPtrArray) all
      = g_ptr_array_new_with_free_func ((GDestroyNotify)wrappy_snapshot_info_free);
  g_auto (GStrv) ids = wrappy_snapshot_app_ids (error);

  if (ids == NULL)
    return NULL;
  for (char **id = ids; *id != NULL; id++)
    {
      g_autoptr (GPtrArray) list = NULL;
      if (!wrappy_snapshot_recover (*id, error)
          || (list = wrappy_snapshot_list (*id, error)) == NULL)
        return NULL;
      for (guint i = 0; i < list->len; i++)
        g_ptr_array_add (all, g_steal_pointer (&list->pdata[i]));
    }
  return g_steal_pointer (&all);
}

WRAPPY_BUILTIN (snapshots)
{
  g_autoptr (WrappyStore) store = NULL;
  g_autoptr (GPtrArray) list = NULL;

  if (!wrappy_parse_options (cmd, &argc, &argv, error))
    return FALSE;
  if (argc > 2)
    {
      g_set_error_literal (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE,
                           _ ("usage: wrappy snapshots [ID]"));
      return FALSE;
    }
  if (argc == 2)
    {
      if ((store = open_locked (argv[1], error)) == NULL
          || (list = wrappy_snapshot_list (argv[1], error)) == NULL)
        return FALSE;
    }
  else if ((store = wrappy_store_open (error)) == NULL || !wrappy_store_lock (store, error)
           || (list = list_all (error)) == NULL)
    return FALSE;
  if (wrappy_output_json ())
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      json_builder_begin_array (b);
      for (guint i = 0; i < list->len; i++)
        add_info_json (b, list->pdata[i]);
      json_builder_end_array (b);
      wrappy_print_json (b);
    }
  else if (list->len == 0 && argc == 2)
    wrappy_info (_ ("%s has no snapshots"), argv[1]);
  else if (list->len == 0)
    wrappy_info (_ ("No snapshots"));
  else
    print_table (list, argc == 1);
  return TRUE;
}

static gboolean
confirm (const char *id, const char *name, GError **error)
{
  g_autofree char *question = g_strdup_printf (
      _ ("Replace the data of %s with the snapshot %s? A snapshot of the current data is "
         "taken first."),
      id, name);

  return wrappy_cli_confirm (opt_yes, question,
                             _ ("not rolling back without confirmation; add --yes"),
                             _ ("nothing changed"), error);
}

static gboolean
has_snapshot (GPtrArray *list, const char *id, const char *name, GError **error)
{
  for (guint i = 0; i < list->len; i++)
    if (g_strcmp0 (((WrappySnapshotInfo *)list->pdata[i])->name, name) == 0)
      return TRUE;
  g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_NOT_FOUND,
               _ ("%s has no snapshot named %s (see: wrappy snapshots %s)"), id, name, id);
  return FALSE;
}

/* The snapshot's manifest becomes the app's again (its layers are kept by gc while the
 * snapshot is), its data comes back, and a Flatpak app's launchers are exported from its
 * app layer, as `wrappy repair` does. */
static gboolean
rollback_uninstalled (WrappyStore *store, const char *id, const char *name, GPtrArray *list,
                      GError **error)
{
  g_autoptr (WrappyManifest) m = NULL;
  g_autoptr (GError) export_error = NULL;
  WrappyManifestLayer *app;
  const WrappySource *src;
  g_autofree char *question = NULL;

  if (!has_snapshot (list, id, name, error)
      || (m = wrappy_snapshot_load_manifest (id, name, error)) == NULL)
    return FALSE;
  question = g_strdup_printf (
      _ ("%s is not installed; install it again as its snapshot %s kept it, with that data?"), id,
      name);
  if (!wrappy_cli_confirm (opt_yes, question,
                           _ ("not rolling back without confirmation; add --yes"),
                           _ ("nothing changed"), error))
    return FALSE;
  if (!wrappy_snapshot_rollback (store, id, name, error))
    return FALSE;
  app = wrappy_manifest_get_layer (m, "app");
  src = wrappy_source_of (m);
  /* As repair does: a source whose launchers are exported as they are in its layer. */
  if (app != NULL && src != NULL && src->launchers_from_layer)
    {
      g_autofree char *files = wrappy_manifest_layer_host_path (app);
      g_autofree char *front = wrappy_export_front_path ();
      if (!wrappy_export_app (id, files, front, NULL, &export_error))
        g_printerr (_ ("warning: the launchers of %s were not exported: %s\n"), id,
                    export_error->message);
    }
  if (m->version != NULL)
    printf (_ ("Installed %s %s again from the snapshot %s\n"), id, m->version, name);
  else
    printf (_ ("Installed %s again from the snapshot %s\n"), id, name);
  return TRUE;
}

WRAPPY_BUILTIN (rollback)
{
  g_autoptr (WrappyStore) store = NULL;
  g_autoptr (WrappyManifest) m = NULL;
  g_autoptr (WrappyManifest) after = NULL;
  g_autoptr (WrappySnapshotInfo) before = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autofree char *reason = NULL;
  const char *id, *name;
  gboolean found = FALSE;

  if (!wrappy_parse_options (cmd, &argc, &argv, error))
    return FALSE;
  if (argc != 3)
    {
      g_set_error_literal (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE,
                           _ ("usage: wrappy rollback [--yes] ID SNAPSHOT"));
      return FALSE;
    }
  id = argv[1];
  name = argv[2];
  if (!wrappy_snapshot_validate_name (name, error) || (store = open_locked (id, error)) == NULL
      || (list = wrappy_snapshot_list (id, error)) == NULL)
    return FALSE;
  /* Uninstalled, with snapshots kept: the rollback installs the snapshot's version. */
  if (!wrappy_manifest_is_installed (id) && list->len > 0)
    return rollback_uninstalled (store, id, name, list, error);
  if ((m = wrappy_manifest_load (id, error)) == NULL)
    return FALSE;
  for (guint i = 0; i < list->len; i++)
    found |= g_strcmp0 (((WrappySnapshotInfo *)list->pdata[i])->name, name) == 0;
  if (!found)
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_NOT_FOUND,
                   _ ("%s has no snapshot named %s (see: wrappy snapshots %s)"), id, name, id);
      return FALSE;
    }
  if (wrappy_layer_app_is_running (m))
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_BUSY, _ ("%s is running; stop it first"), id);
      return FALSE;
    }
  if (!confirm (id, name, error))
    return FALSE;
  /* So that the rollback can itself be undone. */
  reason = g_strdup_printf (_ ("before rollback to %s"), name);
  before = wrappy_snapshot_create (m, NULL, reason, TRUE, error);
  if (before == NULL)
    return FALSE;
  wrappy_info (_ ("Took the snapshot %s of the current data"), before->name);
  if (!wrappy_snapshot_rollback (store, id, name, error))
    return FALSE;
  after = wrappy_manifest_load (id, NULL);
  wrappy_info (
      _ ("Rolled %s back to the snapshot %s (version %s); undo with: wrappy rollback %s %s"), id,
      name, after && after->version ? after->version : "-", id, before->name);
  return TRUE;
}
