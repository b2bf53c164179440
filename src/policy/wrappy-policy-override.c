/* Writing the user's overrides ($XDG_CONFIG_HOME/wrappy/overrides/ID, or global): what
 * `wrappy override` changes, in the key file format flatpak override writes
 * ([Context] with "!NAME" for a negation, [Environment], [Session Bus Policy]), read back
 * by wrappy_policy_load_overrides. As flatpak_context_merge does, a later setting of a
 * name replaces the earlier one ("x11" then --nosocket=x11 leaves "!x11"). What is
 * written here only asks: wrappy_policy_resolve still applies the level's hard limits. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <gio/gio.h>

#include "wrappy-dirs.h"
#include "wrappy-error.h"
#include "wrappy-i18n.h"
#include "wrappy-id.h"
#include "wrappy-policy.h"

#define CONTEXT         "Context"
#define ENVIRONMENT     "Environment"
#define SESSION_BUS     "Session Bus Policy"
#define GLOBAL_OVERRIDE "global"

/* The names flatpak's options take (flatpak-context.c: flatpak_context_sockets,
 * flatpak_context_devices, flatpak_context_shares). */
static const char *const sockets[] = { "x11",
                                       "wayland",
                                       "fallback-x11",
                                       "pulseaudio",
                                       "session-bus",
                                       "system-bus",
                                       "ssh-auth",
                                       "pcsc",
                                       "cups",
                                       "gpg-agent",
                                       "inherit-wayland-socket",
                                       NULL };
static const char *const devices[] = { "dri", "all", "kvm", "shm", "input", "usb", NULL };
static const char *const shares[] = { "network", "ipc", NULL };

char *
wrappy_policy_override_path (const char *app_id)
{
  return g_build_filename (wrappy_dirs_config (), "overrides", app_id ? app_id : GLOBAL_OVERRIDE,
                           NULL);
}

static gboolean
check_name (const char *what, const char *name, const char *const *known, GError **error)
{
  if (g_strv_contains (known, name))
    return TRUE;
  {
    g_autofree char *list = g_strjoinv (", ", (char **)known);
    g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE, _ ("unknown %s '%s'; use one of: %s"),
                 what, name, list);
  }
  return FALSE;
}

/* A filesystem as flatpak takes it: host, host-os, host-etc, home, xdg-*, ~/…, /… with
 * an optional :ro, :rw or :create; never a character that would split the list. */
static gboolean
check_filesystem (const char *fs, GError **error)
{
  g_autofree char *path = g_strdup (fs);
  char *colon = strrchr (path, ':');

  if (colon != NULL
      && (strcmp (colon, ":ro") == 0 || strcmp (colon, ":rw") == 0
          || strcmp (colon, ":create") == 0))
    *colon = '\0';
  if (path[0] != '\0' && strpbrk (path, ";\n\r") == NULL && g_utf8_validate (path, -1, NULL)
      && (path[0] == '/' || g_str_has_prefix (path, "~/") || strcmp (path, "~") == 0
          || strcmp (path, "home") == 0 || strcmp (path, "host") == 0
          || strcmp (path, "host-os") == 0 || strcmp (path, "host-etc") == 0
          || g_str_has_prefix (path, "xdg-")))
    return TRUE;
  g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE,
               _ ("'%s' is not a filesystem: use host, host-os, host-etc, home, xdg-…, ~/PATH or "
                  "/PATH, with :ro, :rw or :create"),
               fs);
  return FALSE;
}

static gboolean
check_env (const char *env, GError **error)
{
  const char *eq = strchr (env, '=');

  if (eq != NULL && eq != env && strpbrk (env, "\n\r") == NULL)
    {
      for (const char *c = env; c < eq; c++)
        if (!(g_ascii_isalnum (*c) || *c == '_') || (c == env && g_ascii_isdigit (*c)))
          goto bad;
      return TRUE;
    }
bad:
  g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE, _ ("'%s' is not VAR=VALUE"), env);
  return FALSE;
}

/* A bus name, or a prefix of names ending in ".*", as flatpak's --talk-name takes. */
static gboolean
check_bus_name (const char *name, GError **error)
{
  g_autofree char *base = g_strdup (name);

  if (g_str_has_suffix (base, ".*"))
    base[strlen (base) - 2] = '\0';
  if (g_dbus_is_name (base) && !g_dbus_is_unique_name (base))
    return TRUE;
  g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE, _ ("'%s' is not a D-Bus name"), name);
  return FALSE;
}

/* The name an entry sets, without its negation (and a filesystem's mode). */
static char *
entry_key (const char *entry, gboolean filesystem)
{
  const char *s = entry[0] == '!' ? entry + 1 : entry;
  char *key = g_strdup (s);
  char *colon;

  if (filesystem && (colon = strrchr (key, ':')) != NULL
      && (strcmp (colon, ":ro") == 0 || strcmp (colon, ":rw") == 0
          || strcmp (colon, ":create") == 0))
    *colon = '\0';
  return key;
}

/* entry (a name, or "!name") into [Context] key, replacing what set that name before. */
static void
set_entry (GKeyFile *kf, const char *key, const char *entry, gboolean filesystem)
{
  g_auto (GStrv) old = g_key_file_get_string_list (kf, CONTEXT, key, NULL, NULL);
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
  g_autofree char *name = entry_key (entry, filesystem);
  g_auto (GStrv) list = NULL;

  for (char **o = old; o && *o; o++)
    {
      g_autofree char *k = entry_key (*o, filesystem);
      if (**o != '\0' && strcmp (k, name) != 0)
        g_strv_builder_add (b, *o);
    }
  g_strv_builder_add (b, entry);
  list = g_strv_builder_end (b);
  g_key_file_set_string_list (kf, CONTEXT, key, (const char *const *)list, g_strv_length (list));
}

static gboolean
apply_list (GKeyFile *kf, const char *key, char **add, char **remove, const char *what,
            const char *const *known, gboolean filesystem, GError **error)
{
  for (char **p = add; p && *p; p++)
    {
      if (filesystem ? !check_filesystem (*p, error) : !check_name (what, *p, known, error))
        return FALSE;
      set_entry (kf, key, *p, filesystem);
    }
  for (char **p = remove; p && *p; p++)
    {
      g_autofree char *neg = NULL;
      if (filesystem ? !check_filesystem (*p, error) : !check_name (what, *p, known, error))
        return FALSE;
      neg = g_strconcat ("!", *p, NULL);
      set_entry (kf, key, neg, filesystem);
    }
  return TRUE;
}

static gboolean
apply (GKeyFile *kf, const WrappyOverrideChange *c, GError **error)
{
  if (!apply_list (kf, "filesystems", c->filesystems, c->nofilesystems, NULL, NULL, TRUE, error)
      || !apply_list (kf, "sockets", c->sockets, c->nosockets, _ ("socket"), sockets, FALSE, error)
      || !apply_list (kf, "devices", c->devices, c->nodevices, _ ("device"), devices, FALSE, error)
      || !apply_list (kf, "shared", c->shares, c->unshares, _ ("share"), shares, FALSE, error))
    return FALSE;
  for (char **e = c->env; e && *e; e++)
    {
      g_autofree char *var = NULL;
      if (!check_env (*e, error))
        return FALSE;
      var = g_strndup (*e, strchr (*e, '=') - *e);
      g_key_file_set_value (kf, ENVIRONMENT, var, strchr (*e, '=') + 1);
    }
  for (char **n = c->talk_names; n && *n; n++)
    {
      if (!check_bus_name (*n, error))
        return FALSE;
      g_key_file_set_value (kf, SESSION_BUS, *n, "talk");
    }
  for (char **n = c->own_names; n && *n; n++)
    {
      if (!check_bus_name (*n, error))
        return FALSE;
      g_key_file_set_value (kf, SESSION_BUS, *n, "own");
    }
  return TRUE;
}

gboolean
wrappy_policy_override_write (const char *app_id, const WrappyOverrideChange *change,
                              GError **error)
{
  g_autofree char *path = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *data = NULL;
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autoptr (GError) local_error = NULL;
  gsize len;

  if (app_id != NULL && !wrappy_validate_app_id (app_id, error))
    return FALSE;
  path = wrappy_policy_override_path (app_id);
  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_KEEP_COMMENTS, &local_error)
      && !g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA, "%s: %s", path,
                   local_error->message);
      return FALSE;
    }
  g_clear_error (&local_error);
  if (!apply (kf, change, error))
    return FALSE;
  dir = g_path_get_dirname (path);
  if (!wrappy_dirs_ensure (dir, error))
    return FALSE;
  data = g_key_file_to_data (kf, &len, NULL);
  /* g_file_set_contents: a temp file renamed over the old one. */
  if (!g_file_set_contents_full (path, data, len, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
                                 &local_error))
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_FAILED, "%s: %s", path, local_error->message);
      return FALSE;
    }
  return TRUE;
}

gboolean
wrappy_policy_override_reset (const char *app_id, GError **error)
{
  g_autofree char *path = NULL;

  if (app_id != NULL && !wrappy_validate_app_id (app_id, error))
    return FALSE;
  path = wrappy_policy_override_path (app_id);
  if (unlink (path) != 0 && errno != ENOENT)
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_FAILED, "unlink(%s): %s", path,
                   g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

char **
wrappy_policy_override_describe (const char *app_id, GError **error)
{
  static const char *const groups[] = { CONTEXT, ENVIRONMENT, SESSION_BUS, "Wrappy", NULL };
  g_autofree char *path = NULL;
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();

  if (app_id != NULL && !wrappy_validate_app_id (app_id, error))
    return NULL;
  path = wrappy_policy_override_path (app_id);
  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_strv_builder_end (b);
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA, "%s: %s", path,
                   local_error->message);
      return NULL;
    }
  for (guint i = 0; groups[i] != NULL; i++)
    {
      g_auto (GStrv) keys = g_key_file_get_keys (kf, groups[i], NULL, NULL);
      for (char **k = keys; k && *k; k++)
        {
          g_autofree char *v = g_key_file_get_value (kf, groups[i], *k, NULL);
          g_autofree char *line = g_strdup_printf ("[%s] %s=%s", groups[i], *k, v ? v : "");
          g_strv_builder_add (b, line);
        }
    }
  return g_strv_builder_end (b);
}
