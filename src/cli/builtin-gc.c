/* wrappy gc [--dry-run]: remove the layers and stored content that no installed app,
 * snapshot or running sandbox uses (wrappy-gc.h), and say what that freed. */
#include "config.h"

#include <stdio.h>

#include "wrappy-builtins.h"
#include "wrappy-cli-common.h"
#include "wrappy-error.h"
#include "wrappy-gc.h"
#include "wrappy-i18n.h"
#include "wrappy-output.h"
#include "wrappy-store.h"

static gboolean opt_dry_run;

const GOptionEntry wrappy_gc_options[] = {
  { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &opt_dry_run,
    N_ ("Only say what would be removed and freed"), NULL },
  { NULL },
};

static void
add_layers_json (JsonBuilder *b, const char *member, GPtrArray *layers)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_array (b);
  for (guint i = 0; i < layers->len; i++)
    {
      WrappyGcLayer *l = layers->pdata[i];
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "ref");
      json_builder_add_string_value (b, l->ref);
      json_builder_set_member_name (b, "commit");
      json_builder_add_string_value (b, l->commit);
      json_builder_set_member_name (b, "path");
      json_builder_add_string_value (b, l->path);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static void
print_json (WrappyGcResult *r)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "dry_run");
  json_builder_add_boolean_value (b, r->dry_run);
  add_layers_json (b, "removed", r->removed);
  add_layers_json (b, "in_use", r->in_use);
  json_builder_set_member_name (b, "refs");
  json_builder_begin_array (b);
  for (guint i = 0; i < r->refs->len; i++)
    json_builder_add_string_value (b, r->refs->pdata[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "objects");
  json_builder_add_int_value (b, r->objects);
  json_builder_set_member_name (b, "freed");
  json_builder_add_int_value (b, (gint64)r->freed);
  json_builder_end_object (b);
  wrappy_print_json (b);
}

void
wrappy_cli_report_gc (WrappyGcResult *r)
{
  g_autofree char *size = g_format_size (r->freed);

  if (wrappy_output_json ())
    {
      print_json (r);
      return;
    }
  /* The result is the command's output: on stdout, so that `gc --dry-run | …` sees it. */
  for (guint i = 0; i < r->removed->len; i++)
    {
      WrappyGcLayer *l = r->removed->pdata[i];
      if (r->dry_run)
        printf (_ ("Would remove %s (commit %.12s)\n"), l->ref, l->commit);
      else
        printf (_ ("Removed %s (commit %.12s)\n"), l->ref, l->commit);
    }
  for (guint i = 0; i < r->in_use->len; i++)
    {
      WrappyGcLayer *l = r->in_use->pdata[i];
      printf (_ ("Kept %s (commit %.12s): a running app uses it\n"), l->ref, l->commit);
    }
  if (r->removed->len == 0 && r->objects == 0)
    printf ("%s\n", _ ("Nothing to remove"));
  else if (r->dry_run)
    printf (_ ("Would free %s (%u stored objects)\n"), size, r->objects);
  else
    printf (_ ("Freed %s (%u stored objects)\n"), size, r->objects);
}

WRAPPY_BUILTIN (gc)
{
  g_autoptr (WrappyStore) store = NULL;
  g_auto (WrappyGcResult) r = { 0 };

  if (!wrappy_parse_options (cmd, &argc, &argv, error))
    return FALSE;
  if (argc != 1)
    {
      g_set_error_literal (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE,
                           _ ("usage: wrappy gc [--dry-run]"));
      return FALSE;
    }
  store = wrappy_store_open (error);
  if (store == NULL || !wrappy_store_lock (store, error))
    return FALSE;
  if (!wrappy_gc (store, opt_dry_run ? WRAPPY_GC_DRY_RUN : WRAPPY_GC_NONE, &r, NULL, error))
    return FALSE;
  wrappy_cli_report_gc (&r);
  return TRUE;
}
