#include "config.h"

#include <string.h>

#include "wrappy-permissions.h"

WrappyPermissions *
wrappy_permissions_new (void)
{
  return g_new0 (WrappyPermissions, 1);
}

void
wrappy_permissions_free (WrappyPermissions *p)
{
  if (p == NULL)
    return;
  g_strfreev (p->shared);
  g_strfreev (p->sockets);
  g_strfreev (p->devices);
  g_strfreev (p->filesystems);
  g_strfreev (p->features);
  g_strfreev (p->persistent);
  g_strfreev (p->env);
  g_strfreev (p->session_bus);
  g_strfreev (p->system_bus);
  g_free (p);
}

/* "PATH:ro" -> "PATH" (the suffixes Flatpak knows); anything else as it is. */
static char *
grant_path (const char *grant)
{
  const char *colon = strrchr (grant, ':');

  if (colon != NULL
      && (strcmp (colon, ":ro") == 0 || strcmp (colon, ":rw") == 0
          || strcmp (colon, ":create") == 0))
    return g_strndup (grant, colon - grant);
  return g_strdup (grant);
}

static gboolean
same_entry (const char *a, const char *b, gboolean is_fs)
{
  g_autofree char *pa = NULL, *pb = NULL;

  if (!is_fs)
    return strcmp (a, b) == 0;
  pa = grant_path (a);
  pb = grant_path (b);
  return strcmp (pa, pb) == 0;
}

/* into + over: "!NAME" removes NAME; a later grant of the same path replaces the
 * earlier one (so an override can turn "home" into "home:ro"). */
static void
merge_list (char ***into, char **over, gboolean is_fs)
{
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func (g_free);

  for (char **s = *into; s && *s; s++)
    g_ptr_array_add (out, g_strdup (*s));
  for (char **s = over; s && *s; s++)
    {
      gboolean negated = (*s)[0] == '!';
      const char *name = negated ? *s + 1 : *s;

      for (guint i = out->len; i > 0; i--)
        if (same_entry (out->pdata[i - 1], name, is_fs))
          g_ptr_array_remove_index (out, i - 1);
      if (!negated && name[0] != '\0')
        g_ptr_array_add (out, g_strdup (name));
    }
  g_ptr_array_add (out, NULL);
  g_strfreev (*into);
  *into = (char **)g_ptr_array_free (g_steal_pointer (&out), FALSE);
}

/* "NAME=VALUE" entries, a later one for NAME replacing the earlier: the environment, and
 * the bus policies (an override's NAME=none takes a declared name away, as in
 * flatpak_context_merge). */
static void
merge_keyed (char ***into, char **over)
{
  for (char **e = over; e && *e; e++)
    {
      const char *eq = strchr (*e, '=');
      g_autofree char *name = NULL;

      if (eq == NULL || eq == *e)
        continue;
      name = g_strndup (*e, eq - *e);
      *into = g_environ_setenv (*into, name, eq + 1, TRUE);
    }
}

void
wrappy_permissions_merge (WrappyPermissions *into, const WrappyPermissions *over)
{
  if (over == NULL)
    return;
  merge_list (&into->shared, over->shared, FALSE);
  merge_list (&into->sockets, over->sockets, FALSE);
  merge_list (&into->devices, over->devices, FALSE);
  merge_list (&into->filesystems, over->filesystems, TRUE);
  merge_list (&into->features, over->features, FALSE);
  merge_list (&into->persistent, over->persistent, FALSE);
  merge_keyed (&into->env, over->env);
  merge_keyed (&into->session_bus, over->session_bus);
  merge_keyed (&into->system_bus, over->system_bus);
}

gboolean
wrappy_bus_policy_valid (const char *s)
{
  return s != NULL
         && (strcmp (s, "none") == 0 || strcmp (s, "see") == 0 || strcmp (s, "talk") == 0
             || strcmp (s, "own") == 0);
}

/* The D-Bus specification's rule for a well-known name: at most 255 bytes, two or more
 * elements of [A-Za-z0-9_-], none empty or starting with a digit. "NAME.*" is a prefix. */
gboolean
wrappy_bus_name_valid (const char *name)
{
  g_autofree char *copy = NULL;
  g_auto (GStrv) elements = NULL;
  gsize len;

  if (name == NULL || name[0] == ':' || name[0] == '.')
    return FALSE;
  len = strlen (name);
  copy = g_strdup (name);
  if (g_str_has_suffix (copy, ".*"))
    copy[len - 2] = '\0';
  if (strlen (copy) == 0 || strlen (copy) > 255)
    return FALSE;
  elements = g_strsplit (copy, ".", -1);
  if (g_strv_length (elements) < 2)
    return FALSE;
  for (char **e = elements; *e; e++)
    {
      if ((*e)[0] == '\0' || g_ascii_isdigit ((*e)[0]))
        return FALSE;
      for (const char *c = *e; *c; c++)
        if (!g_ascii_isalnum (*c) && *c != '_' && *c != '-')
          return FALSE;
    }
  return TRUE;
}

static char **
bus_group (GKeyFile *kf, const char *group)
{
  g_auto (GStrv) keys = g_key_file_get_keys (kf, group, NULL, NULL);
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();

  for (char **k = keys; k && *k; k++)
    {
      g_autofree char *v = g_key_file_get_string (kf, group, *k, NULL);
      g_autofree char *entry = NULL;

      if (v == NULL || !wrappy_bus_name_valid (*k) || !wrappy_bus_policy_valid (g_strstrip (v)))
        continue;
      entry = g_strconcat (*k, "=", v, NULL);
      g_strv_builder_add (b, entry);
    }
  return g_strv_builder_end (b);
}

static void
append_list (char ***into, char **over)
{
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();

  if (*into != NULL)
    g_strv_builder_addv (b, (const char **)*into);
  if (over != NULL)
    g_strv_builder_addv (b, (const char **)over);
  g_strfreev (*into);
  *into = g_strv_builder_end (b);
}

void
wrappy_permissions_append (WrappyPermissions *into, const WrappyPermissions *over)
{
  if (over == NULL)
    return;
  append_list (&into->shared, over->shared);
  append_list (&into->sockets, over->sockets);
  append_list (&into->devices, over->devices);
  append_list (&into->filesystems, over->filesystems);
  append_list (&into->features, over->features);
  append_list (&into->persistent, over->persistent);
  merge_keyed (&into->env, over->env);
  /* NAME=POLICY entries: the later file's wins, and "none" is kept to take a declared
   * name away when the result is merged on top of the declaration. */
  merge_keyed (&into->session_bus, over->session_bus);
  merge_keyed (&into->system_bus, over->system_bus);
}

WrappyPermissions *
wrappy_permissions_from_keyfile (GKeyFile *kf)
{
  WrappyPermissions *p = wrappy_permissions_new ();
  g_auto (GStrv) keys = NULL;
  g_autoptr (GStrvBuilder) env = g_strv_builder_new ();

  p->shared = g_key_file_get_string_list (kf, "Context", "shared", NULL, NULL);
  p->sockets = g_key_file_get_string_list (kf, "Context", "sockets", NULL, NULL);
  p->devices = g_key_file_get_string_list (kf, "Context", "devices", NULL, NULL);
  p->filesystems = g_key_file_get_string_list (kf, "Context", "filesystems", NULL, NULL);
  p->features = g_key_file_get_string_list (kf, "Context", "features", NULL, NULL);
  p->persistent = g_key_file_get_string_list (kf, "Context", "persistent", NULL, NULL);
  keys = g_key_file_get_keys (kf, "Environment", NULL, NULL);
  for (char **k = keys; k && *k; k++)
    {
      g_autofree char *v = g_key_file_get_value (kf, "Environment", *k, NULL);
      g_autofree char *entry = g_strconcat (*k, "=", v ? v : "", NULL);
      g_strv_builder_add (env, entry);
    }
  p->env = g_strv_builder_end (env);
  p->session_bus = bus_group (kf, "Session Bus Policy");
  p->system_bus = bus_group (kf, "System Bus Policy");
  return p;
}

gboolean
wrappy_permissions_names_filesystem (char **filesystems, const char *path)
{
  for (char **g = filesystems; g && *g; g++)
    if (same_entry (*g, path, TRUE))
      return TRUE;
  return FALSE;
}

/* Plug interface -> permission, as snapd means each one (interfaces/builtin/NAME.go);
 * the table in docs/snap.md. */
typedef enum
{
  SHARED,
  SOCKETS,
  DEVICES,
  FILESYSTEMS,
  SESSION_BUS, /* a name the app may talk to on the session bus (through the proxy) */
} PlugField;

static const struct
{
  const char *plug;
  PlugField field;
  const char *value;
} plug_table[] = {
  { "network", SHARED, "network" },
  { "network-bind", SHARED, "network" },
  { "home", FILESYSTEMS, "snap-home" },
  { "removable-media", FILESYSTEMS, "/media" },
  { "removable-media", FILESYSTEMS, "/run/media" },
  { "removable-media", FILESYSTEMS, "/mnt" },
  { "x11", SOCKETS, "x11" },
  { "unity7", SOCKETS, "x11" }, /* its D-Bus services: no bus (see below) */
  { "wayland", SOCKETS, "wayland" },
  { "pulseaudio", SOCKETS, "pulseaudio" },
  { "audio-playback", SOCKETS, "pulseaudio" },
  { "audio-record", SOCKETS, "pulseaudio" },
  /* The D-Bus plugs: the names snapd's AppArmor dbus rules for the plug let the snap
   * talk to, through the filtering proxy; never the whole bus (issue 16: through it a
   * desktop snap ran a command on the host). desktop.go: notifications, the screen
   * saver, gvfs; desktop-legacy.go: the accessibility bus and input methods;
   * gsettings.go: dconf; unity7.go: menus, notifications, status icons. */
  { "desktop", SESSION_BUS, "org.freedesktop.Notifications" },
  { "desktop", SESSION_BUS, "org.freedesktop.ScreenSaver" },
  { "desktop", SESSION_BUS, "org.gtk.vfs.*" },
  { "desktop-legacy", SESSION_BUS, "org.a11y.Bus" },
  { "desktop-legacy", SESSION_BUS, "org.freedesktop.IBus" },
  { "desktop-legacy", SESSION_BUS, "org.fcitx.Fcitx" },
  { "gsettings", SESSION_BUS, "ca.desrt.dconf" },
  { "unity7", SESSION_BUS, "com.canonical.AppMenu.Registrar" },
  { "unity7", SESSION_BUS, "org.freedesktop.Notifications" },
  { "unity7", SESSION_BUS, "org.kde.StatusNotifierWatcher" },
  { "opengl", DEVICES, "dri" },
};

static void
add_unique (char ***v, const char *s)
{
  guint n = *v ? g_strv_length (*v) : 0;

  if (*v && g_strv_contains ((const char *const *)*v, s))
    return;
  *v = g_renew (char *, *v, n + 2);
  (*v)[n] = g_strdup (s);
  (*v)[n + 1] = NULL;
}

void
wrappy_permissions_add_snap_plugs (WrappyPermissions *p, char **interfaces)
{
  for (char **i = interfaces; i && *i; i++)
    for (guint j = 0; j < G_N_ELEMENTS (plug_table); j++)
      {
        char ***field = plug_table[j].field == SHARED        ? &p->shared
                        : plug_table[j].field == SOCKETS     ? &p->sockets
                        : plug_table[j].field == DEVICES     ? &p->devices
                        : plug_table[j].field == SESSION_BUS ? &p->session_bus
                                                             : &p->filesystems;
        g_autofree char *talk = g_strconcat (plug_table[j].value, "=talk", NULL);

        if (strcmp (*i, plug_table[j].plug) == 0)
          add_unique (field, plug_table[j].field == SESSION_BUS ? talk : plug_table[j].value);
      }
}
