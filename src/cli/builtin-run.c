/* wrappy run [OPTIONS] ID [-- ARGS…]: load the app's manifest, turn it into a launch
 * spec, build the sandbox plan and apply it. Options stop at the ID: everything after it
 * belongs to the app. wrappy run [OPTIONS] --host PROGRAM [ARGS…] does the same for a
 * host program, with the host's /usr as its base and no manifest. */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wrappy-builtins.h"
#include "wrappy-dirs.h"
#include "wrappy-documents.h"
#include "wrappy-error.h"
#include "wrappy-i18n.h"
#include "wrappy-id.h"
#include "wrappy-instance.h"
#include "wrappy-launch-spec.h"
#include "wrappy-launch.h"
#include "wrappy-layer-lock.h"
#include "wrappy-ldcache.h"
#include "wrappy-manifest.h"
#include "wrappy-output.h"
#include "wrappy-paths.h"
#include "wrappy-plan.h"
#include "wrappy-policy.h"
#include "wrappy-source.h"

static char *opt_isolation, *opt_home, *opt_command, *opt_memory, *opt_pids, *opt_cpus;
static char *opt_name;
static char **opt_env, **opt_share, **opt_unshare, **opt_bind, **opt_ro_bind, **opt_socket;
static char **opt_talk_name, **opt_own_name, **opt_system_talk_name, **opt_system_own_name;
static gboolean opt_current_dir, opt_tmp_root, opt_host, opt_file_forwarding;

const GOptionEntry wrappy_run_options[] = {
  { "isolation", 0, 0, G_OPTION_ARG_STRING, &opt_isolation,
    N_ ("Isolation level: none, partial, full or paranoid"), N_ ("LEVEL") },
  { "home", 0, 0, G_OPTION_ARG_STRING, &opt_home,
    N_ ("Home directory: private, tmpfs, overlay or host"), N_ ("MODE") },
  { "command", 0, 0, G_OPTION_ARG_STRING, &opt_command,
    N_ ("Run PROGRAM instead of the app's command"), N_ ("PROGRAM") },
  { "env", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_env, N_ ("Set an environment variable"),
    N_ ("VAR=VALUE") },
  { "share", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_share, N_ ("Share with the host: network"),
    N_ ("WHAT") },
  { "unshare", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_unshare,
    N_ ("Do not share with the host: network"), N_ ("WHAT") },
  { "socket", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_socket,
    N_ ("Expose a socket: x11, wayland, pulseaudio, session-bus or system-bus"), N_ ("NAME") },
  { "talk-name", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_talk_name,
    N_ ("Let the app talk to NAME on the session bus"), N_ ("NAME") },
  { "own-name", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_own_name,
    N_ ("Let the app own NAME on the session bus"), N_ ("NAME") },
  { "system-talk-name", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_system_talk_name,
    N_ ("Let the app talk to NAME on the system bus"), N_ ("NAME") },
  { "system-own-name", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_system_own_name,
    N_ ("Let the app own NAME on the system bus"), N_ ("NAME") },
  { "bind", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_bind,
    N_ ("Make a host path visible read-write (at DST if given)"), N_ ("SRC[:DST]") },
  { "ro-bind", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_ro_bind,
    N_ ("Make a host path visible read-only (at DST if given)"), N_ ("SRC[:DST]") },
  { "tmp-root", 0, 0, G_OPTION_ARG_NONE, &opt_tmp_root,
    N_ ("Keep changes to /usr and /app in memory only, gone when the app exits"), NULL },
  { "current-dir", 0, 0, G_OPTION_ARG_NONE, &opt_current_dir,
    N_ ("Make the working directory visible read-write and start there"), NULL },
  { "memory", 0, 0, G_OPTION_ARG_STRING, &opt_memory, N_ ("Limit the sandbox's memory"),
    N_ ("SIZE") },
  { "pids", 0, 0, G_OPTION_ARG_STRING, &opt_pids, N_ ("Limit the sandbox's processes and threads"),
    N_ ("N") },
  { "cpus", 0, 0, G_OPTION_ARG_STRING, &opt_cpus, N_ ("Limit the sandbox to N CPUs' time"),
    N_ ("N") },
  { "file-forwarding", 0, 0, G_OPTION_ARG_NONE, &opt_file_forwarding,
    N_ ("Hand the files between @@ (or URIs between @@u) and @@ to the app through the "
        "document portal when its sandbox cannot see them"),
    NULL },
  { "host", 0, 0, G_OPTION_ARG_NONE, &opt_host,
    N_ ("Run a host program from /usr instead of an app, on the host's /usr"), NULL },
  { "name", 0, 0, G_OPTION_ARG_STRING, &opt_name,
    N_ ("With --host: name the program's state NAME (default: the program's name)"), N_ ("NAME") },
  { NULL },
};

static gboolean
usage_error (GError **error, const char *msg)
{
  g_set_error_literal (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE, msg);
  return FALSE;
}

static gboolean
check_share_names (char **names, GError **error)
{
  for (char **n = names; n && *n; n++)
    if (strcmp (*n, "network") != 0)
      {
        g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE,
                     _ ("cannot share '%s'; only 'network' is supported"), *n);
        return FALSE;
      }
  return TRUE;
}

static gboolean
check_socket_names (GError **error)
{
  for (char **n = opt_socket; n && *n; n++)
    if (!wrappy_policy_socket_known (*n))
      {
        g_autofree char *names = wrappy_policy_socket_names ();
        g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE, _ ("unknown socket '%s'; use %s"), *n,
                     names);
        return FALSE;
      }
  return TRUE;
}

/* --talk-name=NAME… as "NAME=talk" entries; a name that is no D-Bus name is a usage
 * error (it would reach xdg-dbus-proxy's command line otherwise). */
static gboolean
bus_names (GStrvBuilder *b, char **names, const char *policy, GError **error)
{
  for (char **n = names; n && *n; n++)
    {
      g_autofree char *entry = NULL;

      if (!wrappy_bus_name_valid (*n))
        {
          g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE,
                       _ ("'%s' is no D-Bus name (like org.example.Service, or org.example.*)"),
                       *n);
          return FALSE;
        }
      entry = g_strconcat (*n, "=", policy, NULL);
      g_strv_builder_add (b, entry);
    }
  return TRUE;
}

static gboolean
check_bus_names (char ***session, char ***system, GError **error)
{
  g_autoptr (GStrvBuilder) s = g_strv_builder_new ();
  g_autoptr (GStrvBuilder) y = g_strv_builder_new ();

  if (!bus_names (s, opt_talk_name, "talk", error) || !bus_names (s, opt_own_name, "own", error)
      || !bus_names (y, opt_system_talk_name, "talk", error)
      || !bus_names (y, opt_system_own_name, "own", error))
    return FALSE;
  *session = g_strv_builder_end (s);
  *system = g_strv_builder_end (y);
  return TRUE;
}

static char **opt_session_bus, **opt_system_bus; /* the two above, checked */

/* The options as the policy's command line (wrappy-policy.h). */
static void
command_line_init (WrappyCommandLine *cl, const WrappyIsolation *level, const WrappyHomeMode *home)
{
  memset (cl, 0, sizeof *cl);
  cl->has_level = level != NULL;
  if (level != NULL)
    cl->level = *level;
  cl->has_home = home != NULL;
  if (home != NULL)
    cl->home = *home;
  cl->share = opt_share;
  cl->unshare = opt_unshare;
  cl->sockets = opt_socket;
  cl->env = opt_env;
  cl->bind = opt_bind;
  cl->ro_bind = opt_ro_bind;
  cl->current_dir = opt_current_dir;
  cl->session_bus = opt_session_bus;
  cl->system_bus = opt_system_bus;
}

/* Declared permissions + overrides + command line + level -> the spec's permissions. */
static gboolean
spec_resolve (WrappyLaunchSpec *spec, const WrappyManifest *m, const WrappyIsolation *level,
              const WrappyHomeMode *home, GError **error)
{
  g_autoptr (WrappyPermissions) declared = m ? wrappy_policy_declared (m) : NULL;
  g_autoptr (WrappyPermissions) overrides = NULL;
  g_autoptr (WrappyEffective) e = NULL;
  g_autofree char *override_level = NULL;
  g_autofree char *home_dir = g_canonicalize_filename (g_get_home_dir (), "/");
  g_autofree char *cwd = opt_current_dir ? g_get_current_dir () : NULL;
  WrappyCommandLine cl;
  WrappyPolicyInput in = { 0 };
  const WrappySource *src = wrappy_source_of (m);

  if (!wrappy_policy_load_overrides (spec->app_id, &overrides, &override_level, error))
    return FALSE;
  command_line_init (&cl, level, home);
  in.app_id = spec->app_id;
  in.declared_kind = src ? src->declared : WRAPPY_DECLARED_FLATPAK;
  in.declared_level = m ? m->isolation : NULL;
  in.declared = declared;
  in.override_level = override_level;
  in.overrides = overrides;
  in.cmdline = &cl;
  in.home_dir = home_dir;
  in.cwd = cwd;
  in.ssh_auth_sock = g_getenv ("SSH_AUTH_SOCK");
  if ((e = wrappy_policy_resolve (&in, error)) == NULL)
    return FALSE;
  for (char **n = e->notes; n && *n; n++)
    wrappy_debug ("%s", *n);
  /* A protected dir that is missing could be made by an app that sees its parent
   * (overrides/global under a home grant): made here first, so that it is hidden. */
  if (e->protect->len > 0
      && (e->filesystems[0] != NULL || e->binds->len > 0 || e->home == WRAPPY_HOME_HOST
          || e->home == WRAPPY_HOME_OVERLAY)
      && (!wrappy_dirs_ensure (wrappy_dirs_config (), error)
          || !wrappy_dirs_ensure (wrappy_dirs_applications (), error)))
    return FALSE;
  wrappy_effective_to_spec (e, spec);
  return TRUE;
}

/* The manifest and the command line as a launch spec. Also what `wrappy enter` needs. */
static WrappyLaunchSpec *
spec_from_manifest (const WrappyManifest *m, const WrappyIsolation *level,
                    const WrappyHomeMode *home, char **app_args, GError **error)
{
  g_autoptr (WrappyLaunchSpec) spec = wrappy_launch_spec_new ();
  const char *command = opt_command ? opt_command : m->command;
  g_autoptr (GStrvBuilder) argv = g_strv_builder_new ();
  const WrappySource *src = wrappy_source_of (m);

  spec->app_id = g_strdup (m->id);
  if (!spec_resolve (spec, m, level, home, error))
    return NULL;
  for (guint i = 0; i < m->layers->len; i++)
    {
      const WrappyManifestLayer *l = m->layers->pdata[i];
      g_autofree char *path = wrappy_manifest_layer_host_path (l);

      if (strcmp (l->kind, "base") == 0 && spec->base_path == NULL)
        {
          spec->host_base = wrappy_manifest_layer_is_host (l); /* AppImages */
          spec->base_path = g_steal_pointer (&path);
        }
      else if (strcmp (l->kind, "app") == 0 && spec->app_path == NULL)
        spec->app_path = g_steal_pointer (&path);
      else if (strcmp (l->kind, "deps") == 0)
        g_ptr_array_add (spec->deps, wrappy_layer_new (path, l->mount));
    }
  if (command == NULL || command[0] == '\0')
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
                   _ ("%s has no command to run; use --command"), m->id);
      return NULL;
    }
  g_strv_builder_add (argv, command);
  if (app_args != NULL)
    g_strv_builder_addv (argv, (const char **)app_args);
  spec->argv = g_strv_builder_end (argv);
  spec->state_dir = wrappy_dirs_app_state (m->id);
  spec->tmp_root = opt_tmp_root;
  if (src != NULL && src->launch != NULL)
    {
      g_autofree char *host_home = g_canonicalize_filename (g_get_home_dir (), "/");
      WrappyLaunchRequest req = { opt_command, app_args, host_home };
      if (!src->launch (spec, m, &req, error))
        return NULL;
    }
  return g_steal_pointer (&spec);
}

/* The installed app that name means: an installed ID as it is, else what a source calls
 * it (a snap's NAME or NAME.APP, as `snap run` takes them; *command then picks the app).
 * NULL: none, and the manifest's own error (with its suggestion) says so. */
static char *
resolve_app_name (const char *name, char **command)
{
  *command = NULL;
  if (wrappy_validate_app_id (name, NULL) && wrappy_manifest_is_installed (name))
    return NULL;
  for (const WrappySource *const *s = wrappy_sources (); *s != NULL; s++)
    {
      g_autofree char *cmd = NULL;
      g_autofree char *id = (*s)->id_for_name ? (*s)->id_for_name (name, &cmd) : NULL;

      if (id != NULL && wrappy_validate_app_id (id, NULL) && wrappy_manifest_is_installed (id))
        {
          *command = g_steal_pointer (&cmd);
          return g_steal_pointer (&id);
        }
    }
  return NULL;
}

/* Only the host's /usr is visible in the sandbox: path (and the directory it is in, so
 * that the path itself exists there) must resolve to somewhere under it. /bin/sh does
 * on a merged-/usr host, where /bin is a link to usr/bin. */
static gboolean
resolves_under_usr (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  char real[PATH_MAX], real_dir[PATH_MAX];

  return realpath (dir, real_dir) != NULL && realpath (path, real) != NULL
         && g_str_has_prefix (real_dir, "/usr") && (real_dir[4] == '/' || real_dir[4] == '\0')
         && g_str_has_prefix (real, "/usr/");
}

static gboolean
is_program (const char *path)
{
  return g_file_test (path, G_FILE_TEST_IS_EXECUTABLE) && !g_file_test (path, G_FILE_TEST_IS_DIR);
}

/* PROGRAM as an absolute path the sandbox can exec. A bare name is looked up in the
 * host's PATH, skipping directories outside /usr; a path is taken as it is (not
 * resolved further, so a multi-call binary still sees the name it was called by). */
static char *
resolve_host_program (const char *program, GError **error)
{
  g_autofree char *path = NULL;

  if (strchr (program, '/') == NULL)
    {
      const char *env_path = g_getenv ("PATH");
      g_auto (GStrv) dirs = g_strsplit (env_path ? env_path : "/usr/bin:/bin", ":", -1);

      for (char **d = dirs; *d != NULL; d++)
        {
          g_autofree char *p = (*d)[0] == '/' ? g_build_filename (*d, program, NULL) : NULL;
          if (p == NULL || !is_program (p))
            continue;
          if (resolves_under_usr (p))
            return g_canonicalize_filename (p, "/");
          if (path == NULL)
            path = g_steal_pointer (&p);
        }
      if (path == NULL)
        {
          g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_NOT_FOUND,
                       _ ("%s: no such program in PATH"), program);
          return NULL;
        }
    }
  else
    path = g_canonicalize_filename (program, NULL);
  if (!is_program (path))
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_NOT_FOUND, _ ("%s: no such program"), path);
      return NULL;
    }
  if (!resolves_under_usr (path))
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_FAILED,
                   _ ("%s is not under /usr: only the host's /usr is visible to a host "
                      "program's sandbox"),
                   path);
      return NULL;
    }
  return g_steal_pointer (&path);
}

/* --host PROGRAM: the host's /usr as the base, no app layer, and the level's defaults for
 * everything a manifest would declare. The state is "host/NAME" (see wrappy-id.h). */
static WrappyLaunchSpec *
spec_from_host_program (const char *program, const WrappyIsolation *level,
                        const WrappyHomeMode *home, char **args, GError **error)
{
  g_autoptr (WrappyLaunchSpec) spec = wrappy_launch_spec_new ();
  g_autoptr (GStrvBuilder) argv = g_strv_builder_new ();
  g_autofree char *path = NULL, *name = NULL;

  name = opt_name ? g_strdup (opt_name) : g_path_get_basename (program);
  if (opt_name == NULL && !wrappy_validate_host_name (name, NULL))
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_ID,
                   _ ("%s cannot name the program's state; give a name with --name"), program);
      return NULL;
    }
  if (!wrappy_validate_host_name (name, error))
    return NULL;
  if ((path = resolve_host_program (program, error)) == NULL)
    return NULL;
  spec->app_id = g_build_filename (WRAPPY_HOST_STATE_DIR, name, NULL);
  if (!spec_resolve (spec, NULL, level, home, error))
    return NULL;
  spec->base_path = g_strdup ("/usr");
  spec->host_base = TRUE;
  g_strv_builder_add (argv, path);
  if (args != NULL)
    g_strv_builder_addv (argv, (const char **)args);
  spec->argv = g_strv_builder_end (argv);
  spec->state_dir = wrappy_dirs_app_state (spec->app_id);
  spec->tmp_root = opt_tmp_root;
  return g_steal_pointer (&spec);
}

/* The path-pattern config files, as binds. Not at none: the host is all there. */
static gboolean
spec_add_config_paths (WrappyLaunchSpec *spec, GError **error)
{
  g_autoptr (WrappyPaths) paths = wrappy_paths_new ();
  g_auto (GStrv) env = g_get_environ ();
  g_autofree char *host_run = NULL, *sandbox_run = NULL;
  const char *run_dir = g_environ_getenv (env, "XDG_RUNTIME_DIR");

  if (spec->isolation == WRAPPY_ISOLATION_NONE)
    return TRUE;
  if (!wrappy_paths_load (paths, wrappy_dirs_config (), spec->app_id, env, error))
    return FALSE;
  for (guint i = 0; i < paths->notes->len; i++)
    wrappy_debug ("%s", (const char *)paths->notes->pdata[i]);
  if (run_dir != NULL && run_dir[0] == '/')
    host_run = g_canonicalize_filename (run_dir, "/");
  sandbox_run = g_strdup_printf ("/run/user/%u", (guint)getuid ());
  wrappy_paths_add_binds (paths, spec->binds, spec->sockets, spec->devices, spec->shared, host_run,
                          sandbox_run);
  return TRUE;
}

static gboolean
check_env_options (GError **error)
{
  for (char **e = opt_env; e && *e; e++)
    if (strchr (*e, '=') == NULL || **e == '=')
      {
        g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE, _ ("--env=%s: expected VAR=VALUE"),
                     *e);
        return FALSE;
      }
  return check_share_names (opt_share, error) && check_share_names (opt_unshare, error)
         && check_socket_names (error);
}

static gboolean
parse_limits (WrappyLimits *l, GError **error)
{
  memset (l, 0, sizeof *l);
  return (opt_memory == NULL || wrappy_limits_parse_memory (opt_memory, &l->memory, error))
         && (opt_pids == NULL || wrappy_limits_parse_pids (opt_pids, &l->pids, error))
         && (opt_cpus == NULL || wrappy_limits_parse_cpus (opt_cpus, &l->cpus, error));
}

/* run and enter: enter is run with a shell for command and no app arguments. */
/* Says line (on stderr) unless it is what was said last time under that name, which
 * $XDG_CACHE_HOME/wrappy/said/NAME keeps; then only under --verbose. A changed line (a
 * cgroup delegated since) is said again. */
static void
say_once (const char *name, const char *line)
{
  g_autofree char *dir = g_build_filename (wrappy_dirs_cache (), "said", NULL);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *last = NULL;

  if (g_file_get_contents (path, &last, NULL, NULL) && strcmp (last, line) == 0)
    {
      wrappy_debug ("%s", line);
      return;
    }
  wrappy_info (_ ("%s (said once; 'wrappy doctor' or --verbose says it again)"), line);
  if (!wrappy_output_json () && wrappy_dirs_ensure (dir, NULL))
    (void)g_file_set_contents (path, line, -1, NULL);
}

typedef struct
{
  WrappyInstanceRecord *record;
  const char *app;
  const char *level;
} Started;

static void
record_started (pid_t pid, gpointer data)
{
  Started *s = data;
  g_autoptr (GError) error = NULL;

  if (!wrappy_instance_record_started (s->record, s->app, s->level, pid, &error))
    wrappy_debug ("no instance record: %s", error->message);
}

static gboolean
run_or_enter (const WrappyCommand *cmd, gboolean enter, int argc, char **argv, int *exit_code,
              GError **error)
{
  g_autoptr (WrappyManifest) manifest = NULL;
  g_autoptr (WrappyLaunchSpec) spec = NULL;
  g_autoptr (WrappyPlan) plan = NULL;
  g_autoptr (WrappyLayerLocks) locks = NULL;
  g_autoptr (WrappyInstanceRecord) record = NULL;
  g_autoptr (GError) record_error = NULL;
  Started started = { 0 };
  WrappyHostFacts facts;
  WrappyIsolation level;
  WrappyHomeMode home;
  WrappyLimits limits;
  g_autofree char *limits_line = NULL;
  g_autofree char *app_id = NULL, *app_command = NULL;
  char **app_args;

  if (!wrappy_parse_options (cmd, &argc, &argv, error))
    return FALSE;
  if (enter && opt_host)
    return usage_error (error, _ ("--host is for run, not enter"));
  if (!opt_host && opt_name != NULL)
    return usage_error (error, _ ("--name needs --host"));
  if (opt_host && opt_command != NULL)
    return usage_error (error, _ ("--command cannot be used with --host"));
  if (argc < 2)
    return usage_error (error, opt_host ? _ ("run --host needs a program; see 'wrappy run --help'")
                                        : _ ("run needs an app ID; see 'wrappy run --help'"));
  if (!check_env_options (error) || !check_bus_names (&opt_session_bus, &opt_system_bus, error))
    return FALSE;
  /* Parsed before the app is looked up: a bad value is a usage error (exit 2) either way. */
  if (opt_isolation != NULL && !wrappy_isolation_from_string (opt_isolation, &level, error))
    return FALSE;
  if (opt_home != NULL && !wrappy_home_mode_from_string (opt_home, &home, error))
    return FALSE;
  if (!parse_limits (&limits, error))
    return FALSE;
  app_args = argv + 2;
  /* A host program gets its arguments as they are: SPEC's syntax has no "--" for it. */
  if (!opt_host && app_args[0] != NULL && strcmp (app_args[0], "--") == 0)
    app_args++;
  if (enter)
    {
      static char *interactive[] = { "-i", NULL };
      if (app_args[0] != NULL)
        return usage_error (error, _ ("usage: wrappy enter [OPTIONS] ID"));
      /* The runtime's shell; --command picks another one. */
      if (opt_command == NULL)
        opt_command = g_strdup ("sh");
      app_args = interactive;
    }

  if (opt_host)
    spec = spec_from_host_program (argv[1], opt_isolation ? &level : NULL, opt_home ? &home : NULL,
                                   app_args, error);
  else
    {
      app_id = resolve_app_name (argv[1], &app_command);
      if (app_id == NULL && !wrappy_validate_app_id (argv[1], NULL))
        {
          g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_NOT_INSTALLED,
                       _ ("'%s' is neither an installed app's ID nor an installed snap's name "
                          "(see 'wrappy list')"),
                       argv[1]);
          wrappy_manifest_suggest_id (argv[1], error);
          return FALSE;
        }
      if (app_command != NULL && opt_command == NULL)
        opt_command = g_steal_pointer (&app_command);
      if ((manifest = wrappy_manifest_load (app_id ? app_id : argv[1], error)) != NULL
          /* Held until the sandbox is gone: gc keeps these layers meanwhile. */
          && (locks = wrappy_layer_locks_acquire (manifest, error)) != NULL)
        spec = spec_from_manifest (manifest, opt_isolation ? &level : NULL, opt_home ? &home : NULL,
                                   app_args, error);
    }
  if (spec == NULL || !spec_add_config_paths (spec, error) || !wrappy_ldcache_prepare (spec, error))
    return FALSE;
  spec->limits = limits;
  spec->portal_id = wrappy_bus_policy_portal_id (spec->app_id, spec->flatpak_info != NULL);

  wrappy_host_facts_collect (&facts, spec);
  plan = wrappy_plan_new (spec, &facts, error);
  /* The files the sandbox cannot see as it is are forwarded, then the plan made again
   * with what shows them. */
  if (plan != NULL && opt_file_forwarding)
    {
      gboolean forwarded = wrappy_forward_files (spec, plan, facts.uid, error);

      g_clear_pointer (&plan, wrappy_plan_free);
      if (forwarded)
        plan = wrappy_plan_new (spec, &facts, error);
    }
  wrappy_host_facts_clear (&facts);
  if (plan == NULL)
    return FALSE;
  if (wrappy_output_verbose ())
    {
      g_auto (GStrv) lines = wrappy_plan_describe (plan);
      for (char **l = lines; *l; l++)
        wrappy_debug ("plan: %s", *l);
    }
  /* What is limited and how (or that it could not be): always when asked for on the
   * command line; a level's own defaults (paranoid) once, then under --verbose. */
  if ((limits_line = wrappy_limits_plan_describe (&plan->limits)) != NULL)
    {
      if (opt_memory != NULL || opt_pids != NULL || opt_cpus != NULL)
        wrappy_info ("%s", limits_line);
      else
        say_once ("limits", limits_line);
    }
  /* For `wrappy ps` and `wrappy kill`; an app still runs when it cannot be recorded. */
  started.app = opt_host ? argv[1] : manifest->id;
  started.level = wrappy_isolation_to_string (spec->isolation);
  if ((started.record = record = wrappy_instance_record_new (&record_error)) == NULL)
    wrappy_debug ("no instance record: %s", record_error->message);
  return wrappy_launch_full (plan, started.record ? record_started : NULL, &started, exit_code,
                             error);
}

WRAPPY_BUILTIN (run)
{
  return run_or_enter (cmd, FALSE, argc, argv, exit_code, error);
}

WRAPPY_BUILTIN (enter)
{
  return run_or_enter (cmd, TRUE, argc, argv, exit_code, error);
}
