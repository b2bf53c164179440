#include "config.h"

#include <stdio.h>
#include <string.h>

#include "wrappy-builtins.h"
#include "wrappy-cli-common.h"
#include "wrappy-dirs.h"
#include "wrappy-error.h"
#include "wrappy-fs.h"
#include "wrappy-i18n.h"
#include "wrappy-id.h"
#include "wrappy-output.h"

static gboolean opt_runtimes;

const GOptionEntry wrappy_list_options[] = {
  { "runtimes", 0, 0, G_OPTION_ARG_NONE, &opt_runtimes,
    N_ ("List the shared base and deps layers instead, with the apps using them"), NULL },
  { NULL },
};

typedef struct
{
  WrappyManifestLayer *layer;
  GPtrArray *users; /* app IDs (borrowed) */
  guint64 size;
  char *branch; /* from the ref; "" for a layer without one */
} SharedLayer;

static void
shared_layer_free (SharedLayer *s)
{
  g_ptr_array_unref (s->users);
  g_free (s->branch);
  g_free (s);
}

static gint
compare_shared (gconstpointer a, gconstpointer b)
{
  const SharedLayer *sa = *(SharedLayer **)a, *sb = *(SharedLayer **)b;
  int c = g_strcmp0 (sa->layer->ref, sb->layer->ref);
  return c != 0 ? c : g_strcmp0 (sa->layer->commit, sb->layer->commit);
}

static gboolean
list_runtimes (GPtrArray *apps)
{
  g_autoptr (GHashTable) by_path = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) layers = g_ptr_array_new_with_free_func ((GDestroyNotify)shared_layer_free);

  for (guint i = 0; i < apps->len; i++)
    {
      WrappyManifest *m = apps->pdata[i];
      for (guint j = 0; j < m->layers->len; j++)
        {
          WrappyManifestLayer *l = m->layers->pdata[j];
          SharedLayer *s;
          /* The host's /usr (AppImages) is no layer of the store. */
          if (strcmp (l->kind, "app") == 0 || wrappy_manifest_layer_is_host (l))
            continue;
          s = g_hash_table_lookup (by_path, l->path);
          if (s == NULL)
            {
              g_autofree char *path = wrappy_manifest_layer_host_path (l);
              s = g_new0 (SharedLayer, 1);
              s->layer = l;
              s->users = g_ptr_array_new ();
              s->size = wrappy_disk_usage (path);
              if (l->ref == NULL || !wrappy_parse_ref (l->ref, NULL, NULL, NULL, &s->branch, NULL))
                s->branch = g_strdup ("");
              g_hash_table_insert (by_path, l->path, s);
              g_ptr_array_add (layers, s);
            }
          g_ptr_array_add (s->users, m->id);
        }
    }
  g_ptr_array_sort (layers, compare_shared);

  if (wrappy_output_json ())
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      json_builder_begin_array (b);
      for (guint i = 0; i < layers->len; i++)
        {
          SharedLayer *s = layers->pdata[i];
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "kind");
          json_builder_add_string_value (b, s->layer->kind);
          json_builder_set_member_name (b, "id");
          json_builder_add_string_value (b, s->layer->name);
          json_builder_set_member_name (b, "ref");
          json_builder_add_string_value (b, s->layer->ref);
          json_builder_set_member_name (b, "branch");
          json_builder_add_string_value (b, s->branch);
          json_builder_set_member_name (b, "commit");
          json_builder_add_string_value (b, s->layer->commit);
          json_builder_set_member_name (b, "installed_size");
          json_builder_add_int_value (b, (gint64)s->size);
          json_builder_set_member_name (b, "used_by");
          json_builder_begin_array (b);
          for (guint k = 0; k < s->users->len; k++)
            json_builder_add_string_value (b, s->users->pdata[k]);
          json_builder_end_array (b);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      wrappy_print_json (b);
      return TRUE;
    }
  if (layers->len > 0)
    {
      wrappy_print_padded (_ ("Kind"), 6);
      wrappy_print_padded (_ ("ID"), 37);
      wrappy_print_padded (_ ("Branch"), 10);
      wrappy_print_padded (_ ("Commit"), 14);
      wrappy_print_padded (_ ("Size"), 11);
      printf ("%s\n", _ ("Used by"));
    }
  for (guint i = 0; i < layers->len; i++)
    {
      SharedLayer *s = layers->pdata[i];
      g_autofree char *size = g_format_size (s->size);
      g_ptr_array_add (s->users, NULL);
      g_autofree char *users = g_strjoinv (",", (char **)s->users->pdata);
      g_autofree char *commit = g_strndup (s->layer->commit ? s->layer->commit : "-", 12);
      wrappy_print_padded (s->layer->kind, 6);
      wrappy_print_padded (s->layer->name ? s->layer->name : s->layer->ref, 37);
      wrappy_print_padded (s->branch, 10);
      wrappy_print_padded (commit, 14);
      wrappy_print_padded (size, 11);
      printf ("%s\n", users);
    }
  return TRUE;
}

WRAPPY_BUILTIN (list)
{
  g_autoptr (GPtrArray) apps = NULL;

  if (!wrappy_parse_options (cmd, &argc, &argv, error))
    return FALSE;
  if (argc != 1)
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE, _ ("usage: wrappy list [--runtimes]"));
      return FALSE;
    }
  apps = wrappy_manifest_list_installed (error);
  if (apps == NULL)
    return FALSE;
  if (opt_runtimes)
    return list_runtimes (apps);

  if (wrappy_output_json ())
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      json_builder_begin_array (b);
      for (guint i = 0; i < apps->len; i++)
        wrappy_cli_add_app_json (b, apps->pdata[i], FALSE);
      json_builder_end_array (b);
      wrappy_print_json (b);
      return TRUE;
    }
  if (apps->len == 0)
    {
      wrappy_info (_ ("No apps installed. Install one with 'wrappy install --from-flathub ID'."));
      return TRUE;
    }
  wrappy_print_padded (_ ("ID"), 33);
  wrappy_print_padded (_ ("Name"), 21);
  wrappy_print_padded (_ ("Version"), 11);
  wrappy_print_padded (_ ("Source"), 9);
  wrappy_print_padded (_ ("Base"), 33);
  wrappy_print_padded (_ ("Size"), 11);
  printf ("%s\n", _ ("Origin"));
  for (guint i = 0; i < apps->len; i++)
    {
      WrappyManifest *m = apps->pdata[i];
      g_autofree char *base = wrappy_cli_base_name (m);
      g_autofree char *size = g_format_size (m->installed_size);
      g_autofree char *origin = wrappy_cli_origin (m, FALSE);
      wrappy_print_padded (m->id, 33);
      wrappy_print_padded (m->name ? m->name : "", 21);
      wrappy_print_padded (m->version ? m->version : "", 11);
      wrappy_print_padded (wrappy_cli_source_kind (m), 9);
      wrappy_print_padded (base, 33);
      wrappy_print_padded (size, 11);
      printf ("%s\n", origin);
    }
  return TRUE;
}
