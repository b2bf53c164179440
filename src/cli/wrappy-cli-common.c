#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "wrappy-cli-common.h"
#include "wrappy-error.h"
#include "wrappy-i18n.h"
#include "wrappy-id.h"
#include "wrappy-source.h"

char *
wrappy_cli_base_name (WrappyManifest *m)
{
  WrappyManifestLayer *base = wrappy_manifest_get_layer (m, "base");
  g_autofree char *id = NULL;
  g_autofree char *branch = NULL;

  if (base == NULL)
    return g_strdup ("");
  if (base->ref != NULL && wrappy_parse_ref (base->ref, NULL, &id, NULL, &branch, NULL))
    return g_strdup_printf ("%s//%s", id, branch);
  return g_strdup (base->name ? base->name : "");
}

const char *
wrappy_cli_source_kind (const WrappyManifest *m)
{
  const WrappySource *src = wrappy_source_of (m);

  if (src != NULL && src->kind != NULL)
    return src->kind;
  return m->source ? m->source : "-";
}

char *
wrappy_cli_origin (const WrappyManifest *m, gboolean with_url)
{
  const WrappySource *src = wrappy_source_of (m);

  if (m->origin == NULL)
    return g_strdup ("-");
  if (src != NULL && src->describe_origin != NULL)
    return src->describe_origin (m, with_url);
  return g_strdup (m->origin);
}

static void
add_string (JsonBuilder *b, const char *key, const char *value)
{
  json_builder_set_member_name (b, key);
  if (value)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
add_strv (JsonBuilder *b, const char *key, char **v)
{
  json_builder_set_member_name (b, key);
  json_builder_begin_array (b);
  for (char **p = v; p && *p; p++)
    json_builder_add_string_value (b, *p);
  json_builder_end_array (b);
}

void
wrappy_cli_add_app_json (JsonBuilder *b, WrappyManifest *m, gboolean with_layers)
{
  g_autofree char *base = wrappy_cli_base_name (m);

  json_builder_begin_object (b);
  add_string (b, "id", m->id);
  add_string (b, "name", m->name);
  add_string (b, "version", m->version);
  add_string (b, "summary", m->summary);
  add_string (b, "source", m->source);
  add_string (b, "origin", m->origin);
  add_string (b, "branch", m->branch);
  add_string (b, "base", base);
  json_builder_set_member_name (b, "installed_size");
  json_builder_add_int_value (b, (gint64)m->installed_size);
  if (with_layers)
    {
      add_string (b, "command", m->command);
      json_builder_set_member_name (b, "layers");
      json_builder_begin_array (b);
      for (guint i = 0; i < m->layers->len; i++)
        {
          WrappyManifestLayer *l = m->layers->pdata[i];
          g_autofree char *path = wrappy_manifest_layer_host_path (l);
          json_builder_begin_object (b);
          add_string (b, "kind", l->kind);
          add_string (b, "name", l->name);
          add_string (b, "ref", l->ref);
          add_string (b, "commit", l->commit);
          add_string (b, "path", path);
          add_string (b, "mount", l->mount);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_set_member_name (b, "permissions");
      json_builder_begin_object (b);
      add_strv (b, "shared", m->shared);
      add_strv (b, "sockets", m->sockets);
      add_strv (b, "devices", m->devices);
      add_strv (b, "filesystems", m->filesystems);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
}

gboolean
wrappy_cli_ask (const char *question)
{
  char answer[16] = "";

  if (!isatty (STDIN_FILENO))
    return FALSE;
  fprintf (stderr, "%s [y/N] ", question);
  fflush (stderr);
  return fgets (answer, sizeof answer, stdin) != NULL && (answer[0] == 'y' || answer[0] == 'Y');
}

gboolean
wrappy_cli_confirm (gboolean yes, const char *question, const char *no_terminal,
                    const char *declined, GError **error)
{
  if (yes)
    return TRUE;
  if (!isatty (STDIN_FILENO))
    {
      g_set_error_literal (error, WRAPPY_ERROR, WRAPPY_ERROR_FAILED, no_terminal);
      return FALSE;
    }
  if (wrappy_cli_ask (question))
    return TRUE;
  g_set_error_literal (error, WRAPPY_ERROR, WRAPPY_ERROR_FAILED, declined);
  return FALSE;
}
