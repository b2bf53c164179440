/* wrappy override [--show|--reset] [ID] [OPTION…]: the user's per-app (or, without an
 * ID, global) permission changes, with flatpak override's options and key file format
 * (app/flatpak-builtins-override.c). The file is written by the permissions module
 * (wrappy_policy_override_write) and read by it at every run; the level's hard limits
 * hold whatever it says (docs/permissions.md). */
#include "config.h"

#include <stdio.h>

#include "wrappy-builtins.h"
#include "wrappy-error.h"
#include "wrappy-i18n.h"
#include "wrappy-id.h"
#include "wrappy-manifest.h"
#include "wrappy-output.h"
#include "wrappy-policy.h"

static gboolean opt_show, opt_reset;
static WrappyOverrideChange change;

const GOptionEntry wrappy_override_options[] = {
  { "show", 0, 0, G_OPTION_ARG_NONE, &opt_show, N_ ("Show the overrides instead"), NULL },
  { "reset", 0, 0, G_OPTION_ARG_NONE, &opt_reset, N_ ("Remove all the overrides"), NULL },
  { "filesystem", 0, 0, G_OPTION_ARG_STRING_ARRAY, &change.filesystems,
    N_ ("Expose a filesystem (host, home, xdg-…, ~/PATH, /PATH; :ro, :rw, :create)"),
    N_ ("FILESYSTEM") },
  { "nofilesystem", 0, 0, G_OPTION_ARG_STRING_ARRAY, &change.nofilesystems,
    N_ ("Do not expose a filesystem"), N_ ("FILESYSTEM") },
  { "socket", 0, 0, G_OPTION_ARG_STRING_ARRAY, &change.sockets, N_ ("Expose a socket"),
    N_ ("SOCKET") },
  { "nosocket", 0, 0, G_OPTION_ARG_STRING_ARRAY, &change.nosockets, N_ ("Do not expose a socket"),
    N_ ("SOCKET") },
  { "device", 0, 0, G_OPTION_ARG_STRING_ARRAY, &change.devices, N_ ("Expose a device"),
    N_ ("DEVICE") },
  { "nodevice", 0, 0, G_OPTION_ARG_STRING_ARRAY, &change.nodevices, N_ ("Do not expose a device"),
    N_ ("DEVICE") },
  { "share", 0, 0, G_OPTION_ARG_STRING_ARRAY, &change.shares,
    N_ ("Share with the host: network or ipc"), N_ ("SHARE") },
  { "unshare", 0, 0, G_OPTION_ARG_STRING_ARRAY, &change.unshares, N_ ("Do not share with the host"),
    N_ ("SHARE") },
  { "env", 0, 0, G_OPTION_ARG_STRING_ARRAY, &change.env, N_ ("Set an environment variable"),
    N_ ("VAR=VALUE") },
  { "talk-name", 0, 0, G_OPTION_ARG_STRING_ARRAY, &change.talk_names,
    N_ ("Allow the app to talk to a name on the session bus"), N_ ("NAME") },
  { "own-name", 0, 0, G_OPTION_ARG_STRING_ARRAY, &change.own_names,
    N_ ("Allow the app to own a name on the session bus"), N_ ("NAME") },
  { NULL },
};

static gboolean
any_change (void)
{
  char **const lists[]
      = { change.filesystems, change.nofilesystems, change.sockets,  change.nosockets,
          change.devices,     change.nodevices,     change.shares,   change.unshares,
          change.env,         change.talk_names,    change.own_names };

  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    if (lists[i] != NULL && lists[i][0] != NULL)
      return TRUE;
  return FALSE;
}

static gboolean
show (const char *id, GError **error)
{
  g_auto (GStrv) lines = wrappy_policy_override_describe (id, error);

  if (lines == NULL)
    return FALSE;
  if (wrappy_output_json ())
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      json_builder_begin_array (b);
      for (char **l = lines; *l; l++)
        json_builder_add_string_value (b, *l);
      json_builder_end_array (b);
      wrappy_print_json (b);
      return TRUE;
    }
  for (char **l = lines; *l; l++)
    printf ("%s\n", *l);
  if (lines[0] == NULL && id != NULL)
    wrappy_info (_ ("%s has no overrides"), id);
  else if (lines[0] == NULL)
    wrappy_info ("%s", _ ("No global overrides"));
  return TRUE;
}

WRAPPY_BUILTIN (override)
{
  const char *id = NULL;
  g_autofree char *path = NULL;

  if (!wrappy_parse_options (cmd, &argc, &argv, error))
    return FALSE;
  if (argc > 2 || (opt_show && opt_reset) || ((opt_show || opt_reset) && any_change ()))
    {
      g_set_error_literal (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE,
                           _ ("usage: wrappy override [--show|--reset] [ID] [OPTION…]"));
      return FALSE;
    }
  if (argc == 2)
    {
      g_autoptr (WrappyManifest) m = NULL;
      id = argv[1];
      /* A typo must not leave a file no app reads (it names the closest installed ID). */
      if (!wrappy_validate_app_id (id, error) || (m = wrappy_manifest_load (id, error)) == NULL)
        return FALSE;
    }
  if (opt_reset)
    {
      if (!wrappy_policy_override_reset (id, error))
        return FALSE;
      if (id != NULL)
        wrappy_info (_ ("Removed the overrides of %s"), id);
      else
        wrappy_info ("%s", _ ("Removed the global overrides"));
      return TRUE;
    }
  if (opt_show || !any_change ())
    return show (id, error);
  if (!wrappy_policy_override_write (id, &change, error))
    return FALSE;
  path = wrappy_policy_override_path (id);
  wrappy_info (_ ("Saved in %s; 'wrappy info' shows what the app gets at its level"), path);
  return TRUE;
}
