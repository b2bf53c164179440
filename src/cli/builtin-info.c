#include "config.h"

#include <stdio.h>

#include "wrappy-builtins.h"
#include "wrappy-cli-common.h"
#include "wrappy-dirs.h"
#include "wrappy-error.h"
#include "wrappy-i18n.h"
#include "wrappy-id.h"
#include "wrappy-output.h"
#include "wrappy-policy.h"
#include "wrappy-source.h"

static void
print_strv (const char *label, char **v)
{
  g_autofree char *joined = NULL;

  if (v == NULL || v[0] == NULL)
    return;
  joined = g_strjoinv (", ", v);
  fputs ("  ", stdout);
  wrappy_print_padded (label, 13);
  printf ("%s\n", joined);
}

static void
print_field (const char *label, const char *value)
{
  fputs ("  ", stdout);
  wrappy_print_padded (label, 13);
  printf ("%s\n", value);
}

/* What the app gets at its level with no command-line option: each grant resolved, what
 * stays hidden or read-only under it, and what is refused (wrappy-policy.h). */
static gboolean
print_effective (const WrappyManifest *m, GError **error)
{
  g_autoptr (WrappyPermissions) declared = wrappy_policy_declared (m);
  g_autoptr (WrappyPermissions) overrides = NULL;
  g_autoptr (WrappyEffective) e = NULL;
  g_autofree char *override_level = NULL;
  g_autofree char *home = g_canonicalize_filename (g_get_home_dir (), "/");
  g_autofree char *cwd = g_get_current_dir ();
  g_auto (GStrv) lines = NULL;
  WrappyCommandLine cl = { 0 };
  WrappyPolicyInput in = { 0 };
  const WrappySource *src = wrappy_source_of (m);

  if (!wrappy_policy_load_overrides (m->id, &overrides, &override_level, error))
    return FALSE;
  in.app_id = m->id;
  in.declared_kind = src ? src->declared : WRAPPY_DECLARED_FLATPAK;
  in.declared_level = m->isolation;
  in.declared = declared;
  in.override_level = override_level;
  in.overrides = overrides;
  in.cmdline = &cl;
  in.home_dir = home;
  in.cwd = cwd;
  in.ssh_auth_sock = g_getenv ("SSH_AUTH_SOCK");
  if ((e = wrappy_policy_resolve (&in, error)) == NULL)
    return FALSE;
  printf (_ ("Effective permissions at %s:\n"), wrappy_isolation_to_string (e->isolation));
  lines = wrappy_effective_describe (e);
  for (char **l = lines; *l; l++)
    printf ("  %s\n", *l);
  return TRUE;
}

/* The user's overrides that apply to the app, as `wrappy override --show` prints them. */
static gboolean
print_overrides (const WrappyManifest *m, GError **error)
{
  g_auto (GStrv) global = wrappy_policy_override_describe (NULL, error);
  g_auto (GStrv) own = NULL;

  if (global == NULL || (own = wrappy_policy_override_describe (m->id, error)) == NULL)
    return FALSE;
  if (global[0] == NULL && own[0] == NULL)
    return TRUE;
  printf (_ ("Overrides (wrappy override):\n"));
  for (char **l = global; *l; l++)
    printf ("  %s %s\n", _ ("global:"), *l);
  for (char **l = own; *l; l++)
    printf ("  %s\n", *l);
  return TRUE;
}

WRAPPY_BUILTIN (info)
{
  g_autoptr (WrappyManifest) m = NULL;
  g_autofree char *size = NULL;
  g_autofree char *state = NULL;
  g_autofree char *source = NULL;
  const WrappySource *src;

  if (!wrappy_parse_options (cmd, &argc, &argv, error))
    return FALSE;
  if (argc != 2)
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE, _ ("usage: wrappy info ID"));
      return FALSE;
    }
  m = wrappy_manifest_load (argv[1], error);
  if (m == NULL)
    return FALSE;
  src = wrappy_source_of (m);

  if (wrappy_output_json ())
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      wrappy_cli_add_app_json (b, m, TRUE);
      wrappy_print_json (b);
      return TRUE;
    }

  size = g_format_size (m->installed_size);
  state = wrappy_dirs_app_state (m->id);
  printf ("%s%s%s\n", m->name ? m->name : m->id, m->summary ? " - " : "",
          m->summary ? m->summary : "");
  print_field (_ ("ID:"), m->id);
  print_field (_ ("Version:"), m->version ? m->version : "-");
  source = wrappy_cli_origin (m, TRUE);
  print_field (_ ("Source:"), wrappy_cli_source_kind (m));
  print_field (_ ("Origin:"), source);
  print_field (_ ("Branch:"), m->branch ? m->branch : "-");
  if (src != NULL && src->describe != NULL)
    {
      g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
      src->describe (m, lines);
      for (guint i = 0; i < lines->len; i++)
        {
          g_auto (GStrv) kv = g_strsplit (lines->pdata[i], "\t", 2);
          if (kv[0] != NULL && kv[1] != NULL)
            print_field (kv[0], kv[1]);
        }
    }
  print_field (_ ("Command:"), m->command ? m->command : "-");
  print_field (_ ("Size:"), size);
  print_field (_ ("Data:"), state);
  print_strv (_ ("Shares:"), m->shared);
  print_strv (_ ("Sockets:"), m->sockets);
  print_strv (_ ("Devices:"), m->devices);
  print_strv (_ ("Files:"), m->filesystems);
  if (!print_overrides (m, error) || !print_effective (m, error))
    return FALSE;
  printf (_ ("Layers:\n"));
  for (guint i = 0; i < m->layers->len; i++)
    {
      WrappyManifestLayer *l = m->layers->pdata[i];
      g_autofree char *path = wrappy_manifest_layer_host_path (l);
      g_autofree char *short_commit = g_strndup (l->commit ? l->commit : "", 12);
      printf ("  %-5s %-28s %s  %s\n", l->kind, l->mount, l->ref ? l->ref : "", short_commit);
      if (wrappy_output_verbose ())
        printf ("        %s\n", path);
    }
  return TRUE;
}
