/* A snap's apps as launch specs: the layout snapd gives them and their variables. */
#include "config.h"

#include <string.h>

#include "wrappy-dirs.h"
#include "wrappy-error.h"
#include "wrappy-i18n.h"
#include "wrappy-id.h"
#include "wrappy-snap-launch.h"

const char *
wrappy_snap_arch (void)
{
  static const struct
  {
    const char *flatpak, *snap;
  } map[] = { { "x86_64", "amd64" },   { "aarch64", "arm64" },   { "arm", "armhf" },
              { "i386", "i386" },      { "ppc64le", "ppc64el" }, { "s390x", "s390x" },
              { "riscv64", "riscv64" } };
  const char *arch = wrappy_default_arch ();

  for (guint i = 0; i < G_N_ELEMENTS (map); i++)
    if (strcmp (arch, map[i].flatpak) == 0)
      return map[i].snap;
  return arch;
}

char *
wrappy_snap_app_id (const char *snap_name)
{
  /* App ID components may not start with a digit; snap names may ("0ad"). */
  return g_strconcat (WRAPPY_SNAP_ID_PREFIX, g_ascii_isdigit (snap_name[0]) ? "_" : "", snap_name,
                      NULL);
}

/* $SNAP, ${SNAP}, $SNAP_DATA… in snap.yaml values, from env; other variables stay. */
static char *
expand_vars (const char *value, char **env)
{
  GString *out = g_string_new (NULL);

  for (const char *p = value; *p;)
    {
      const char *start, *end;
      gboolean braced;
      g_autofree char *name = NULL;
      const char *v;

      if (*p != '$')
        {
          g_string_append_c (out, *p++);
          continue;
        }
      braced = p[1] == '{';
      start = p + (braced ? 2 : 1);
      for (end = start; g_ascii_isalnum (*end) || *end == '_'; end++)
        ;
      if (end == start || (braced && *end != '}'))
        {
          g_string_append_c (out, *p++);
          continue;
        }
      name = g_strndup (start, end - start);
      v = g_environ_getenv (env, name);
      if (v != NULL || g_str_has_prefix (name, "SNAP"))
        g_string_append (out, v ? v : "");
      else
        g_string_append_len (out, p, (end + (braced ? 1 : 0)) - p);
      p = end + (braced ? 1 : 0);
    }
  return g_string_free (out, FALSE);
}

/* NAME picks the default app, NAME.APP the app APP; anything else is no app. */
static const char *
app_from_command (const char *command, const char *name)
{
  gsize n = strlen (name);

  if (command == NULL || strncmp (command, name, n) != 0)
    return NULL;
  if (command[n] == '\0')
    return "";
  return command[n] == '.' && command[n + 1] != '\0' ? command + n + 1 : NULL;
}

static char **
snap_env (const char *name, const char *rev, const char *version, const char *home, gboolean none,
          const char *state_dir)
{
  g_autofree char *snap = g_strdup_printf ("/snap/%s/%s", name, rev);
  g_autofree char *user_data = g_build_filename (home, "snap", name, rev, NULL);
  g_autofree char *user_common = g_build_filename (home, "snap", name, "common", NULL);
  g_autofree char *var_snap = none ? g_build_filename (state_dir, "snap-data", NULL)
                                   : g_build_filename ("/var/snap", name, NULL);
  g_autofree char *data = g_build_filename (var_snap, rev, NULL);
  g_autofree char *common = g_build_filename (var_snap, "common", NULL);
  g_autofree char *path = g_strdup_printf ("%s/usr/sbin:%s/usr/bin:%s/sbin:%s/bin:/usr/local/sbin:"
                                           "/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                                           snap, snap, snap, snap);
  char **env = NULL;

  env = g_environ_setenv (env, "SNAP", snap, TRUE);
  env = g_environ_setenv (env, "SNAP_NAME", name, TRUE);
  env = g_environ_setenv (env, "SNAP_INSTANCE_NAME", name, TRUE);
  env = g_environ_setenv (env, "SNAP_VERSION", version ? version : "", TRUE);
  env = g_environ_setenv (env, "SNAP_REVISION", rev, TRUE);
  env = g_environ_setenv (env, "SNAP_ARCH", wrappy_snap_arch (), TRUE);
  env = g_environ_setenv (env, "SNAP_LIBRARY_PATH", "/var/lib/snapd/lib/gl:/var/lib/snapd/lib/gl32",
                          TRUE);
  env = g_environ_setenv (env, "SNAP_USER_DATA", user_data, TRUE);
  env = g_environ_setenv (env, "SNAP_USER_COMMON", user_common, TRUE);
  env = g_environ_setenv (env, "SNAP_DATA", data, TRUE);
  env = g_environ_setenv (env, "SNAP_COMMON", common, TRUE);
  env = g_environ_setenv (env, "SNAP_REAL_HOME", home, TRUE);
  /* As snapd: the app's HOME is its per-revision user data. */
  env = g_environ_setenv (env, "HOME", user_data, TRUE);
  env = g_environ_setenv (env, "PATH", path, TRUE);
  return env;
}

/* SNAP_DATA and SNAP_COMMON: /var/snap/NAME inside, the app's state outside. */
static gboolean
add_snap_data (WrappyLaunchSpec *spec, const char *name, const char *rev, GError **error)
{
  g_autofree char *src = g_build_filename (spec->state_dir, "snap-data", NULL);
  g_autofree char *data = g_build_filename (src, rev, NULL);
  g_autofree char *common = g_build_filename (src, "common", NULL);

  if (!wrappy_dirs_ensure (data, error) || !wrappy_dirs_ensure (common, error))
    return FALSE;
  if (spec->isolation != WRAPPY_ISOLATION_NONE)
    {
      g_autofree char *dest = g_build_filename ("/var/snap", name, NULL);
      g_ptr_array_add (spec->binds, wrappy_bind_new (src, dest, FALSE));
    }
  return TRUE;
}

static char **
no_usable_command (const char *app, GError **error)
{
  g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
               _ ("the snap has no usable command for its app '%s'"), app);
  return NULL;
}

static char **
app_argv (GKeyFile *kf, const char *app, char **env, const char *snap_dir, char **app_args,
          GError **error)
{
  g_autofree char *group = g_strconcat ("Snap App ", app, NULL);
  g_autofree char *command = g_key_file_get_string (kf, group, "command", NULL);
  g_auto (GStrv) chain = g_key_file_get_string_list (kf, group, "command-chain", NULL, NULL);
  g_auto (GStrv) words = NULL;
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);

  if (command == NULL || !g_shell_parse_argv (command, NULL, &words, NULL))
    return no_usable_command (app, error);
  /* snap-exec's order: the chain, then the command; each link execs what follows it. */
  for (char **c = chain; c && *c; c++)
    g_ptr_array_add (argv, g_strdup (*c));
  g_ptr_array_add (argv, g_strdup (words[0]));
  /* Each program is a path inside the snap. */
  for (guint i = 0; i < argv->len; i++)
    {
      char *rel = argv->pdata[i];
      if (rel[0] == '/' || strstr (rel, "..") != NULL)
        return no_usable_command (app, error);
      argv->pdata[i] = g_build_filename (snap_dir, rel, NULL);
      g_free (rel);
    }
  for (char **w = words + 1; *w; w++)
    g_ptr_array_add (argv, expand_vars (*w, env));
  for (char **a = app_args; a && *a; a++)
    g_ptr_array_add (argv, g_strdup (*a));
  g_ptr_array_add (argv, NULL);
  return (char **)g_ptr_array_free (g_steal_pointer (&argv), FALSE);
}

gboolean
wrappy_snap_launch_setup (WrappyLaunchSpec *spec, const WrappyManifest *m, const char *command,
                          char **app_args, const char *home, GError **error)
{
  GKeyFile *kf = m->keyfile;
  g_autofree char *name = NULL, *rev = NULL, *version = NULL, *def = NULL, *group = NULL;
  g_autofree char *snap_dir = NULL, *user_data = NULL, *user_common = NULL, *link = NULL;
  char *home_dirs[3] = { NULL, NULL, NULL };
  g_auto (GStrv) env = NULL, app_env = NULL, apps = NULL;
  const char *picked, *app = NULL;

  if (kf == NULL || (name = g_key_file_get_string (kf, "Snap", "name", NULL)) == NULL
      || (rev = g_key_file_get_string (kf, "Snap", "revision", NULL)) == NULL
      || !wrappy_validate_host_name (name, NULL) || !wrappy_validate_branch (rev, NULL))
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
                   _ ("the manifest of %s has no usable [Snap] group; reinstall it"), m->id);
      return FALSE;
    }
  version = g_key_file_get_string (kf, "Snap", "version", NULL);
  def = g_key_file_get_string (kf, "Snap", "default-app", NULL);
  apps = g_key_file_get_string_list (kf, "Snap", "apps", NULL, NULL);
  picked = app_from_command (command, name);
  app = picked != NULL && picked[0] != '\0' ? picked : def;
  if (app == NULL || apps == NULL || !g_strv_contains ((const char *const *)apps, app))
    {
      g_autofree char *list = apps ? g_strjoinv (", ", apps) : g_strdup ("");
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_NOT_FOUND,
                   _ ("snap %s has no app '%s' (its apps: %s)"), name, app ? app : "", list);
      return FALSE;
    }

  snap_dir = g_strdup_printf ("/snap/%s/%s", name, rev);
  link = g_strdup_printf ("/snap/%s/current", name);
  home_dirs[0] = user_data = g_build_filename ("snap", name, rev, NULL);
  home_dirs[1] = user_common = g_build_filename ("snap", name, "common", NULL);
  wrappy_root_base_free (spec->root_base);
  spec->root_base = wrappy_root_base_new ("/snap", snap_dir, link, home_dirs);
  if (!add_snap_data (spec, name, rev, error))
    return FALSE;

  env = snap_env (name, rev, version, home, spec->isolation == WRAPPY_ISOLATION_NONE,
                  spec->state_dir);
  group = g_strconcat ("Snap App ", app, NULL);
  app_env = g_key_file_get_string_list (kf, group, "environment", NULL, NULL);
  for (char **e = app_env; e && *e; e++)
    {
      const char *eq = strchr (*e, '=');
      g_autofree char *var = eq && eq != *e ? g_strndup (*e, eq - *e) : NULL;
      g_autofree char *value = var ? expand_vars (eq + 1, env) : NULL;
      if (var != NULL)
        env = g_environ_setenv (env, var, value, TRUE);
    }
  /* --env and the user's overrides (already in spec->env) win over the snap's own. */
  for (char **e = spec->env; e && *e; e++)
    {
      const char *eq = strchr (*e, '=');
      g_autofree char *var = eq && eq != *e ? g_strndup (*e, eq - *e) : NULL;
      if (var != NULL)
        env = g_environ_setenv (env, var, eq + 1, TRUE);
    }
  g_strfreev (spec->env);
  spec->env = g_steal_pointer (&env);

  /* Another program (--command sh, `wrappy enter`) runs as it is, in the snap's layout. */
  if (command != NULL && picked == NULL)
    return TRUE;
  g_strfreev (spec->argv);
  spec->argv = app_argv (kf, app, spec->env, snap_dir, app_args, error);
  return spec->argv != NULL;
}
