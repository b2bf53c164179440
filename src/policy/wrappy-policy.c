#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "wrappy-dirs.h"
#include "wrappy-error.h"
#include "wrappy-i18n.h"
#include "wrappy-policy-private.h"
#include "wrappy-seccomp.h"

/* SPEC.md's isolation table: what each level unshares and filters, and what grants may
 * change in it. The isolation module applies the namespaces and the filter as given here
 * (spec->unshare, spec->seccomp); default resource limits stay with wrappy-limits.c,
 * since grants do not reach them. */
#define UNSHARE_PROCESSES                                                                          \
  (WRAPPY_UNSHARE_PID | WRAPPY_UNSHARE_IPC | WRAPPY_UNSHARE_UTS | WRAPPY_UNSHARE_CGROUP)
static const WrappyLevelRules level_rules[] = {
  /* unshare, seccomp,
   * declared: net, sockets, devices, agents; ro, grants, env allowlist, wrappy, host code,
   * host facts, lend host, lend user files, own machine ID (docs/sandbox.md, "What the
   * host lends") */
  { WRAPPY_ISOLATION_NONE, 0, WRAPPY_SECCOMP_NONE, TRUE, TRUE, TRUE, TRUE, FALSE, FALSE, FALSE,
    FALSE, FALSE, FALSE, FALSE, FALSE, FALSE },
  { WRAPPY_ISOLATION_PARTIAL, WRAPPY_UNSHARE_PID, WRAPPY_SECCOMP_NONE, TRUE, TRUE, TRUE, TRUE,
    FALSE, TRUE, FALSE, TRUE, FALSE, FALSE, TRUE, TRUE, FALSE },
  { WRAPPY_ISOLATION_FULL, UNSHARE_PROCESSES | WRAPPY_UNSHARE_NET, WRAPPY_SECCOMP_FLATPAK, TRUE,
    TRUE, TRUE, FALSE, FALSE, TRUE, TRUE, TRUE, TRUE, TRUE, TRUE, TRUE, FALSE },
  { WRAPPY_ISOLATION_PARANOID, UNSHARE_PROCESSES | WRAPPY_UNSHARE_NET, WRAPPY_SECCOMP_STRICT, FALSE,
    FALSE, FALSE, FALSE, TRUE, TRUE, TRUE, TRUE, TRUE, TRUE, TRUE, FALSE, TRUE },
};

const WrappyLevelRules *
wrappy_level_rules (WrappyIsolation level)
{
  for (guint i = 0; i < G_N_ELEMENTS (level_rules); i++)
    if (level_rules[i].level == level)
      return &level_rules[i];
  return &level_rules[G_N_ELEMENTS (level_rules) - 1];
}

/* The caller's variables an app gets at full and paranoid (SPEC.md: Flatpak's
 * variables, locale, the granted sockets' variables, --env and overrides; the plan sets
 * the layout's and the sockets' own). A NAME* entry is a prefix. Credentials and agent
 * sockets (AWS_*, SSH_AUTH_SOCK, GITHUB_TOKEN, …) are not in it. */
static const char *const host_env_allowlist[] = {
  "LANG",
  "LANGUAGE",
  "LC_*",
  "TZ",
  "TERM",
  "COLORTERM",
  "NO_COLOR",
  "USER",
  "LOGNAME",
  "XDG_CURRENT_DESKTOP",
  "XDG_SESSION_DESKTOP",
  "XDG_SESSION_TYPE",
  "DESKTOP_SESSION",
  "GTK_THEME",
  "GTK_IM_MODULE",
  "QT_IM_MODULE",
  "SDL_IM_MODULE",
  "XMODIFIERS",
  "XCURSOR_THEME",
  "XCURSOR_SIZE",
  "GDK_SCALE",
  "GDK_DPI_SCALE",
  "QT_SCALE_FACTOR",
  "QT_SCREEN_SCALE_FACTORS",
  "QT_AUTO_SCREEN_SCALE_FACTOR",
  "QT_FONT_DPI",
  "QT_QPA_PLATFORMTHEME",
  "QT_STYLE_OVERRIDE",
};

/* With the network: the proxy settings, which an app needs to reach it. */
static const char *const host_env_network[] = {
  "http_proxy", "https_proxy", "ftp_proxy", "no_proxy", "all_proxy",
  "HTTP_PROXY", "HTTPS_PROXY", "FTP_PROXY", "NO_PROXY", "ALL_PROXY",
};

void
wrappy_effective_free (WrappyEffective *e)
{
  if (e == NULL)
    return;
  g_strfreev (e->shared);
  g_strfreev (e->sockets);
  g_strfreev (e->devices);
  g_strfreev (e->filesystems);
  g_strfreev (e->env);
  g_strfreev (e->host_env);
  g_strfreev (e->session_bus_rules);
  g_strfreev (e->system_bus_rules);
  g_clear_pointer (&e->binds, g_ptr_array_unref);
  g_clear_pointer (&e->protect, g_ptr_array_unref);
  g_free (e->cwd);
  g_strfreev (e->notes);
  g_free (e);
}

static gboolean
strv_has (char **v, const char *s)
{
  return v != NULL && g_strv_contains ((const char *const *)v, s);
}

static gboolean
path_is_under (const char *path, const char *dir)
{
  gsize n = strlen (dir);

  if (strcmp (dir, "/") == 0)
    return path[0] == '/';
  return strncmp (path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

static gboolean
has_dotdot (const char *path)
{
  g_auto (GStrv) parts = g_strsplit (path, "/", -1);

  for (char **p = parts; *p; p++)
    if (strcmp (*p, "..") == 0)
      return TRUE;
  return FALSE;
}

/* Why abs may not be granted, or NULL: "/" and the home or any dir holding it would
 * bypass the home mode (issue 16: "~/.." was canonicalised to /home and bound rw). */
static const char *
check_host_path (const char *abs, const char *home)
{
  if (strcmp (abs, "/") == 0)
    return _ ("it is the root directory");
  if (path_is_under (home, abs))
    return _ ("it is the home or holds it; grant the home with 'home'");
  return NULL;
}

const char *
wrappy_policy_check_grant (const char *path, const char *home)
{
  static const char *const keywords[] = { "home", "host", "host-os", "host-etc", "snap-home" };
  g_autofree char *abs = NULL, *canon = NULL;
  char real[PATH_MAX], real_home[PATH_MAX];
  const char *why;

  for (guint i = 0; i < G_N_ELEMENTS (keywords); i++)
    if (strcmp (path, keywords[i]) == 0)
      return NULL;
  if (has_dotdot (path))
    return _ ("it has a '..' component");
  if (g_str_has_prefix (path, "xdg-"))
    return NULL; /* a named dir (and a path under it): the plan resolves it */
  if (strcmp (path, "~") == 0 || g_str_has_prefix (path, "~/"))
    abs = g_build_filename (home, path + 1, NULL);
  else if (path[0] == '/')
    abs = g_strdup (path);
  else
    return _ ("it is no absolute path, ~/ path or known name");
  canon = g_canonicalize_filename (abs, "/");
  if ((why = check_host_path (canon, home)) != NULL)
    return why;
  /* Through symlinks too (~/link -> /home). */
  if (realpath (canon, real) != NULL)
    {
      const char *h = realpath (home, real_home) != NULL ? real_home : home;
      if ((why = check_host_path (real, h)) != NULL)
        return why;
    }
  return NULL;
}

/* "PATH[:SUFFIX]" -> PATH and SUFFIX ("" when none). */
static char *
split_grant (const char *grant, const char **suffix)
{
  const char *colon = strrchr (grant, ':');

  if (colon != NULL
      && (strcmp (colon, ":ro") == 0 || strcmp (colon, ":rw") == 0
          || strcmp (colon, ":create") == 0))
    {
      *suffix = colon + 1;
      return g_strndup (grant, colon - grant);
    }
  *suffix = "";
  return g_strdup (grant);
}

void
wrappy_policy_note (GPtrArray *notes, const char *fmt, ...)
{
  va_list args;

  va_start (args, fmt);
  g_ptr_array_add (notes, g_strdup_vprintf (fmt, args));
  va_end (args);
}

/* The grants the level lets through, each with an explicit :ro or :rw (:create). */
static char **
resolve_filesystems (char **asked, const WrappyLevelRules *rules, gboolean home_given,
                     const char *home, GPtrArray *notes)
{
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();

  if (!rules->grants_apply)
    return g_strv_builder_end (b);
  for (char **g = asked; g && *g; g++)
    {
      const char *suffix, *why;
      g_autofree char *path = split_grant (*g, &suffix);
      g_autofree char *out = NULL;
      gboolean ro;

      if ((why = wrappy_policy_check_grant (path, home)) != NULL)
        {
          wrappy_policy_note (notes, _ ("filesystem grant '%s' refused: %s"), *g, why);
          continue;
        }
      /* The home mode the user chose wins over the app's wish for the host home. */
      if (home_given
          && (strcmp (path, "home") == 0 || strcmp (path, "host") == 0
              || strcmp (path, "snap-home") == 0))
        {
          wrappy_policy_note (
              notes,
              _ ("filesystem grant '%s' not applied: the home mode was given on the "
                 "command line"),
              *g);
          continue;
        }
      ro = strcmp (suffix, "ro") == 0 || (rules->grants_ro && strcmp (suffix, "rw") != 0);
      if (ro)
        out = g_strconcat (path, ":ro", NULL);
      else
        out = g_strconcat (path, strcmp (suffix, "create") == 0 ? ":create" : ":rw", NULL);
      g_strv_builder_add (b, out);
    }
  return g_strv_builder_end (b);
}

/* "network" when it should be shared: at paranoid only --share=network counts, not the
 * app's declaration. ipc only where the level has no IPC namespace of its own. */
static char **
resolve_shared (char **asked, const WrappyCommandLine *cl, const WrappyLevelRules *rules,
                GPtrArray *notes)
{
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
  gboolean network
      = strv_has (cl->share, "network") || (rules->declared_network && strv_has (asked, "network"));

  if (strv_has (cl->unshare, "network"))
    network = FALSE;
  for (char **s = asked; s && *s; s++)
    if (strcmp (*s, "ipc") == 0 && rules->level >= WRAPPY_ISOLATION_FULL)
      wrappy_policy_note (notes,
                          _ ("share 'ipc' not applied: at %s the app has an IPC namespace of "
                             "its own (X11's shared memory falls back to plain transfers)"),
                          wrappy_isolation_to_string (rules->level));
    else if (strcmp (*s, "network") != 0)
      g_strv_builder_add (b, *s);
  if (network)
    g_strv_builder_add (b, "network");
  return g_strv_builder_end (b);
}

static char **
declared_and (char **declared, gboolean counts, char **cmdline)
{
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();

  if (counts && declared != NULL)
    g_strv_builder_addv (b, (const char **)declared);
  if (cmdline != NULL)
    g_strv_builder_addv (b, (const char **)cmdline);
  return g_strv_builder_end (b);
}

/* --bind/--ro-bind SRC[:DST]: DST defaults to SRC; the plan checks where DST may go. */
static gboolean
add_binds (GPtrArray *out, char **binds, gboolean ro, GError **error)
{
  for (char **p = binds; p && *p; p++)
    {
      g_autofree char *src = g_strdup (*p), *abs = NULL;
      char *colon = strchr (src, ':');
      const char *dest;

      if (colon != NULL)
        *colon = '\0';
      abs = g_canonicalize_filename (src, NULL);
      dest = colon != NULL ? colon + 1 : abs;
      if (!g_file_test (abs, G_FILE_TEST_EXISTS))
        {
          g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_NOT_FOUND, _ ("%s does not exist"), abs);
          return FALSE;
        }
      g_ptr_array_add (out, wrappy_bind_new (abs, dest, ro));
    }
  return TRUE;
}

/* wrappy's own dirs (SPEC.md: "What no grant reaches"): the config (overrides can set a
 * level), the store (manifests can), every app's state, the caches hidden; the exported
 * launchers and icons, which the host runs and shows, read-only. */
static void
add_wrappy_protection (GPtrArray *protect)
{
  const char *hidden[]
      = { wrappy_dirs_config (), wrappy_dirs_data (), wrappy_dirs_state (), wrappy_dirs_cache () };
  const char *ro[] = { wrappy_dirs_applications (), wrappy_dirs_icons () };

  for (guint i = 0; i < G_N_ELEMENTS (hidden); i++)
    g_ptr_array_add (protect, wrappy_protect_new (hidden[i], WRAPPY_PROTECT_HIDE));
  for (guint i = 0; i < G_N_ELEMENTS (ro); i++)
    g_ptr_array_add (protect, wrappy_protect_new (ro[i], WRAPPY_PROTECT_RO));
}

/* SPEC.md: at full and paranoid, the files that make the host run code stay read-only
 * under a home or path grant (issue 16, item 3), relative to the home. */
static const char *const host_code_files[] = {
  ".bashrc",
  ".bash_profile",
  ".bash_login",
  ".bash_logout",
  ".profile",
  ".zshrc",
  ".zshenv",
  ".zprofile",
  ".zlogin",
  ".config/fish",
  ".kshrc",
  ".mkshrc",
  ".cshrc",
  ".tcshrc",
  ".xinitrc",
  ".xprofile",
  ".xsession",
  ".xsessionrc",
  ".pam_environment",
  ".config/autostart",
  ".config/systemd/user",
  ".config/environment.d",
  ".local/share/applications",
  ".local/bin",
  ".ssh",
  ".gnupg",
};

/* A read-write grant of the home, or of a dir in it that holds one of those files. */
static gboolean
has_writable_home_grant (char **filesystems)
{
  static const char *const holders[] = { "home",     "host",           "~",          "~/.config",
                                         "~/.local", "~/.local/share", "xdg-config", "xdg-data" };

  for (char **g = filesystems; g && *g; g++)
    {
      g_autofree char *path = g_strdup (*g);
      char *colon = strrchr (path, ':');

      if (colon == NULL || strcmp (colon, ":ro") == 0)
        continue;
      *colon = '\0';
      if (g_strv_contains (holders, path))
        return TRUE;
    }
  return FALSE;
}

/* Each of them read-only, unless the user grants it by name (command line or override). */
static void
add_host_code_protection (GPtrArray *protect, const char *home, char **user_grants,
                          GPtrArray *binds)
{
  for (guint i = 0; i < G_N_ELEMENTS (host_code_files); i++)
    {
      g_autofree char *tilde = g_strconcat ("~/", host_code_files[i], NULL);
      g_autofree char *abs = g_build_filename (home, host_code_files[i], NULL);
      gboolean named = wrappy_permissions_names_filesystem (user_grants, tilde)
                       || wrappy_permissions_names_filesystem (user_grants, abs);

      for (guint j = 0; !named && j < binds->len; j++)
        named = strcmp (((WrappyBind *)binds->pdata[j])->src, abs) == 0;
      if (!named)
        {
          WrappyProtect *p = wrappy_protect_new (abs, WRAPPY_PROTECT_RO);
          p->guard_missing = TRUE;
          g_ptr_array_add (protect, p);
        }
    }
}

static char **
host_env_for (const WrappyLevelRules *rules, char **shared)
{
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();

  if (!rules->env_allowlist)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (host_env_allowlist); i++)
    g_strv_builder_add (b, host_env_allowlist[i]);
  for (guint i = 0; strv_has (shared, "network") && i < G_N_ELEMENTS (host_env_network); i++)
    g_strv_builder_add (b, host_env_network[i]);
  return g_strv_builder_end (b);
}

/* Declared features and persistent dirs: applied where wrappy has them, said otherwise. */
static void
note_unapplied (const WrappyPermissions *asked, const WrappyEffective *e, GPtrArray *notes)
{
  WrappyHomeMode home = e->home;

  if (home == WRAPPY_HOME_DEFAULT)
    home = e->isolation == WRAPPY_ISOLATION_NONE ? WRAPPY_HOME_HOST : WRAPPY_HOME_PRIVATE;
  /* A home grant shows the host's home over the private one. */
  for (char **g = e->filesystems; g && *g; g++)
    if (g_str_has_prefix (*g, "home:") || g_str_has_prefix (*g, "host:"))
      home = WRAPPY_HOME_HOST;
  for (char **f = asked->features; f && *f; f++)
    wrappy_policy_note (notes, _ ("feature '%s' not applied: wrappy does not provide it"), *f);
  wrappy_policy_note_persistent (asked->persistent, home, notes);
}

/* A snap's declared permissions as its plugs mean them today, for a manifest written
 * before they did (home was the whole home, desktop the whole session bus). */
static WrappyPermissions *
snap_declared (const WrappyPermissions *d, GPtrArray *notes)
{
  g_autoptr (WrappyPermissions) p = wrappy_permissions_new ();
  g_autoptr (GStrvBuilder) fs = g_strv_builder_new ();
  g_autoptr (GStrvBuilder) sockets = g_strv_builder_new ();

  wrappy_permissions_merge (p, d);
  for (char **g = p->filesystems; g && *g; g++)
    {
      const char *suffix;
      g_autofree char *path = split_grant (*g, &suffix);
      g_autofree char *snap_home = g_strconcat ("snap-home", suffix[0] ? ":" : "", suffix, NULL);
      g_strv_builder_add (fs, strcmp (path, "home") == 0 ? snap_home : *g);
    }
  for (char **s = p->sockets; s && *s; s++)
    if (strcmp (*s, "session-bus") == 0 || strcmp (*s, "system-bus") == 0)
      wrappy_policy_note (notes, _ ("socket '%s' not applied: no snap plug gives a whole bus"), *s);
    else
      g_strv_builder_add (sockets, *s);
  g_strfreev (p->filesystems);
  p->filesystems = g_strv_builder_end (fs);
  g_strfreev (p->sockets);
  p->sockets = g_strv_builder_end (sockets);
  return g_steal_pointer (&p);
}

WrappyEffective *
wrappy_policy_resolve (const WrappyPolicyInput *in, GError **error)
{
  g_autoptr (WrappyEffective) e = g_new0 (WrappyEffective, 1);
  g_autoptr (WrappyPermissions) asked = wrappy_permissions_new ();
  g_autoptr (GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GStrvBuilder) fs = g_strv_builder_new ();
  const WrappyCommandLine *cl = in->cmdline;
  const WrappyLevelRules *rules;
  g_auto (GStrv) filesystems = NULL;

  /* The command line wins over the user's overrides, which win over the app's own
   * default level. */
  e->isolation = WRAPPY_ISOLATION_FULL;
  if (cl->has_level)
    e->isolation = cl->level;
  else if (in->override_level != NULL)
    {
      if (!wrappy_isolation_from_string (in->override_level, &e->isolation, error))
        return NULL;
    }
  else if (in->declared_level != NULL
           && !wrappy_isolation_from_string (in->declared_level, &e->isolation, error))
    return NULL;
  e->home = cl->has_home ? cl->home : WRAPPY_HOME_DEFAULT;
  rules = wrappy_level_rules (e->isolation);
  e->unshare = rules->unshare;
  e->seccomp = rules->seccomp;

  if (in->declared != NULL && in->declared_kind == WRAPPY_DECLARED_SNAP_PLUGS)
    {
      g_autoptr (WrappyPermissions) snap = snap_declared (in->declared, notes);
      wrappy_permissions_merge (asked, snap);
    }
  else
    wrappy_permissions_merge (asked, in->declared);
  wrappy_permissions_merge (asked, in->overrides);

  e->shared = resolve_shared (asked->shared, cl, rules, notes);
  e->sockets = wrappy_policy_resolve_sockets (
      asked->sockets, in->overrides ? in->overrides->sockets : NULL, cl->sockets, rules, notes);
  e->devices = wrappy_policy_resolve_devices (asked->devices, rules, notes);
  e->env = declared_and (asked->env, TRUE, cl->env);
  e->host_env = host_env_for (rules, e->shared);
  e->hide_host_facts = rules->hide_host_facts;
  e->lend_host = rules->lend_host;
  e->lend_user_files = rules->lend_user_files;
  e->own_machine_id = rules->own_machine_id;
  wrappy_bus_policy_resolve (e, asked, in->overrides, cl, in->app_id, notes);

  if (asked->filesystems != NULL)
    g_strv_builder_addv (fs, (const char **)asked->filesystems);
  if (cl->current_dir)
    {
      g_autofree char *grant = g_strconcat (in->cwd, ":rw", NULL);
      e->cwd = g_strdup (in->cwd);
      g_strv_builder_add (fs, grant);
    }
  filesystems = g_strv_builder_end (fs);
  e->filesystems = resolve_filesystems (filesystems, rules, cl->has_home, in->home_dir, notes);

  e->binds = g_ptr_array_new_with_free_func ((GDestroyNotify)wrappy_bind_free);
  if (!add_binds (e->binds, cl->bind, FALSE, error)
      || !add_binds (e->binds, cl->ro_bind, TRUE, error))
    return NULL;
  e->protect = g_ptr_array_new_with_free_func ((GDestroyNotify)wrappy_protect_free);
  if (rules->protect_wrappy)
    add_wrappy_protection (e->protect);
  if (rules->protect_host_code)
    {
      add_host_code_protection (e->protect, in->home_dir,
                                in->overrides ? in->overrides->filesystems : NULL, e->binds);
      if (has_writable_home_grant (e->filesystems))
        g_ptr_array_add (notes, g_strdup (_ ("new files the app makes at the top of the home, "
                                             "~/.config, ~/.local or ~/.local/share stay in "
                                             "its own home at this level")));
    }
  if (rules->protect_host_code)
    wrappy_policy_protect_agents (e->protect, in->home_dir, in->ssh_auth_sock, e->sockets);
  note_unapplied (asked, e, notes);

  g_ptr_array_add (notes, NULL);
  e->notes = (char **)g_ptr_array_free (g_steal_pointer (&notes), FALSE);
  return g_steal_pointer (&e);
}

WrappyPermissions *
wrappy_policy_declared (const WrappyManifest *m)
{
  WrappyPermissions *p = wrappy_permissions_new ();

  p->shared = g_strdupv (m->shared);
  p->sockets = g_strdupv (m->sockets);
  p->devices = g_strdupv (m->devices);
  p->filesystems = g_strdupv (m->filesystems);
  p->features = g_strdupv (m->features);
  p->persistent = g_strdupv (m->persistent);
  p->env = g_strdupv (m->env);
  p->session_bus = g_strdupv (m->session_bus);
  p->system_bus = g_strdupv (m->system_bus);
  return p;
}

/* One overrides file into perms (merged on top) and *level (set if it names one). */
static gboolean
load_override_file (const char *path, WrappyPermissions *perms, char **level, GError **error)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autoptr (GError) local_error = NULL;
  g_autoptr (WrappyPermissions) p = NULL;
  g_autofree char *value = NULL;
  WrappyIsolation parsed;

  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA, "%s: %s", path,
                   local_error->message);
      return FALSE;
    }
  p = wrappy_permissions_from_keyfile (kf);
  wrappy_permissions_append (perms, p);
  value = g_key_file_get_string (kf, "Wrappy", "isolation", NULL);
  if (value == NULL)
    return TRUE;
  g_strstrip (value);
  if (!wrappy_isolation_from_string (value, &parsed, &local_error))
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA, "%s: %s", path,
                   local_error->message);
      return FALSE;
    }
  g_free (*level);
  *level = g_steal_pointer (&value);
  return TRUE;
}

gboolean
wrappy_policy_load_overrides (const char *app_id, WrappyPermissions **perms, char **level,
                              GError **error)
{
  const char *names[] = { "global", app_id };
  g_autoptr (WrappyPermissions) p = wrappy_permissions_new ();
  g_autofree char *lvl = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (wrappy_dirs_config (), "overrides", names[i], NULL);
      if (!load_override_file (path, p, &lvl, error))
        return FALSE;
    }
  *perms = g_steal_pointer (&p);
  *level = g_steal_pointer (&lvl);
  return TRUE;
}

gboolean
wrappy_policy_insecure_updates_allowed (const char *app_id)
{
  g_autofree char *path = g_build_filename (wrappy_dirs_config (), "overrides", app_id, NULL);
  g_autoptr (GKeyFile) kf = g_key_file_new ();

  return g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, NULL)
         && g_key_file_get_boolean (kf, "Wrappy", "insecure-updates", NULL);
}

static GPtrArray *
copy_binds (GPtrArray *binds)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify)wrappy_bind_free);

  for (guint i = 0; binds != NULL && i < binds->len; i++)
    {
      const WrappyBind *b = binds->pdata[i];
      g_ptr_array_add (out, wrappy_bind_new (b->src, b->dest, b->ro));
    }
  return out;
}

void
wrappy_effective_to_spec (const WrappyEffective *e, WrappyLaunchSpec *spec)
{
  spec->isolation = e->isolation;
  spec->unshare = e->unshare;
  spec->seccomp = e->seccomp;
  spec->home = e->home;
  g_strfreev (spec->shared);
  spec->shared = g_strdupv (e->shared);
  g_strfreev (spec->sockets);
  spec->sockets = g_strdupv (e->sockets);
  g_strfreev (spec->devices);
  spec->devices = g_strdupv (e->devices);
  g_strfreev (spec->filesystems);
  spec->filesystems = g_strdupv (e->filesystems);
  g_strfreev (spec->env);
  spec->env = g_strdupv (e->env);
  g_strfreev (spec->host_env);
  spec->host_env = g_strdupv (e->host_env);
  g_clear_pointer (&spec->binds, g_ptr_array_unref);
  spec->binds = copy_binds (e->binds);
  for (guint i = 0; e->protect != NULL && i < e->protect->len; i++)
    {
      const WrappyProtect *p = e->protect->pdata[i];
      WrappyProtect *copy = wrappy_protect_new (p->path, p->kind);
      copy->guard_missing = p->guard_missing;
      g_ptr_array_add (spec->protect, copy);
    }
  g_free (spec->cwd);
  spec->cwd = g_strdup (e->cwd);
  spec->hide_host_facts = e->hide_host_facts;
  spec->lend_host = e->lend_host;
  spec->lend_user_files = e->lend_user_files;
  spec->own_machine_id = e->own_machine_id;
  spec->session_bus = e->session_bus;
  spec->system_bus = e->system_bus;
  g_strfreev (spec->session_bus_rules);
  spec->session_bus_rules = g_strdupv (e->session_bus_rules);
  g_strfreev (spec->system_bus_rules);
  spec->system_bus_rules = g_strdupv (e->system_bus_rules);
  spec->a11y_bus = e->a11y_bus;
}

char **
wrappy_effective_describe (const WrappyEffective *e)
{
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
  struct
  {
    const char *what;
    char **list;
  } lists[] = { { "share", e->shared },
                { "socket", e->sockets },
                { "device", e->devices },
                { "filesystem", e->filesystems } };
  static const struct
  {
    WrappyUnshare what;
    const char *name;
  } ns[] = { { WRAPPY_UNSHARE_PID, "pid" },
             { WRAPPY_UNSHARE_IPC, "ipc" },
             { WRAPPY_UNSHARE_UTS, "uts" },
             { WRAPPY_UNSHARE_CGROUP, "cgroup" },
             { WRAPPY_UNSHARE_NET, "net" } };
  g_autoptr (GString) names = g_string_new ("namespaces: user mount");
  g_autofree char *seccomp
      = g_strdup_printf ("seccomp: %s", wrappy_seccomp_level_to_string (e->seccomp));

  for (guint i = 0; i < G_N_ELEMENTS (ns); i++)
    if ((e->unshare & ns[i].what)
        && (ns[i].what != WRAPPY_UNSHARE_NET || !strv_has (e->shared, "network")))
      g_string_append_printf (names, " %s", ns[i].name);
  g_strv_builder_add (b, names->str);
  g_strv_builder_add (b, seccomp);

  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    for (char **s = lists[i].list; s && *s; s++)
      {
        g_autofree char *line = g_strdup_printf ("%s: %s", lists[i].what, *s);
        g_strv_builder_add (b, line);
      }
  for (guint i = 0; i < 2; i++)
    {
      static const char *const access[] = { "none", "filtered", "whole" };
      WrappyBusAccess a = i == 0 ? e->session_bus : e->system_bus;
      char **r = i == 0 ? e->session_bus_rules : e->system_bus_rules;
      g_autofree char *rules = r ? g_strjoinv (" ", r) : NULL;
      g_autofree char *line = g_strdup_printf ("%s: %s%s%s", i == 0 ? "session-bus" : "system-bus",
                                               access[a], rules ? " " : "", rules ? rules : "");
      g_strv_builder_add (b, line);
    }
  if (e->a11y_bus)
    g_strv_builder_add (b, "a11y-bus: filtered");
  for (guint i = 0; e->protect != NULL && i < e->protect->len; i++)
    {
      const WrappyProtect *p = e->protect->pdata[i];
      g_autofree char *line = g_strdup_printf (
          "%s: %s", p->kind == WRAPPY_PROTECT_HIDE ? "hidden" : "read-only", p->path);
      g_strv_builder_add (b, line);
    }
  for (char **n = e->notes; n && *n; n++)
    {
      g_autofree char *line = g_strdup_printf ("note: %s", *n);
      g_strv_builder_add (b, line);
    }
  return g_strv_builder_end (b);
}
