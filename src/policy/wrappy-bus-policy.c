/* Which D-Bus buses an app reaches and, through xdg-dbus-proxy, which names on them:
 * the policy's part of SPEC.md's bus row. The names and rules follow flatpak-run.c
 * (flatpak_run_add_session_dbus_args, flatpak_context_add_bus_filters,
 * flatpak_run_add_a11y_dbus_args): the portals may always be called, the app owns its ID
 * and the names under it, and every other name is what its policy says. The proxy's
 * process is the isolation module's (wrappy-dbus-proxy.c). */
#include "config.h"

#include <string.h>

#include "wrappy-i18n.h"
#include "wrappy-policy-private.h"
#include "wrappy-policy.h"

static gboolean
has (char **v, const char *s)
{
  return v != NULL && g_strv_contains ((const char *const *)v, s);
}

/* "NAME=POLICY" entries as xdg-dbus-proxy options, none left out. */
static void
add_name_rules (GStrvBuilder *b, char **policy)
{
  for (char **e = policy; e && *e; e++)
    {
      const char *eq = strchr (*e, '=');
      g_autofree char *name = eq ? g_strndup (*e, eq - *e) : NULL;
      g_autofree char *arg = NULL;

      if (name == NULL || !wrappy_bus_name_valid (name) || !wrappy_bus_policy_valid (eq + 1)
          || strcmp (eq + 1, "none") == 0)
        continue;
      arg = g_strdup_printf ("--%s=%s", eq + 1, name);
      g_strv_builder_add (b, arg);
    }
}

/* The portals an app may call: xdg-desktop-portal, the document portal, and the input
 * methods' portals (ibus, fcitx 4 and 5), which Flatpak apps reach the same way. */
static const char *const portal_names[] = {
  "org.freedesktop.portal.Desktop", "org.freedesktop.portal.Documents",
  "org.freedesktop.portal.IBus",    "org.freedesktop.portal.Fcitx",
  "org.freedesktop.portal.Fcitx5",
};

static char **
session_rules (const char *app_id, char **policy)
{
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();

  /* The app's own names (MPRIS too), as flatpak gives them; a host program's state id
   * (host/NAME) is no bus name and owns nothing. */
  if (app_id != NULL && wrappy_bus_name_valid (app_id) && !g_str_has_suffix (app_id, ".*"))
    {
      g_autofree char *own = g_strdup_printf ("--own=%s.*", app_id);
      g_autofree char *mpris = g_strdup_printf ("--own=org.mpris.MediaPlayer2.%s.*", app_id);
      g_strv_builder_add (b, own);
      g_strv_builder_add (b, mpris);
    }
  add_name_rules (b, policy);
  /* Any method of the portals; their signals only from their own objects. Flatpak gives
   * every org.freedesktop.portal.* name; wrappy names the portals, for one of them is no
   * portal of the desktop's but Flatpak's own: org.freedesktop.portal.Flatpak (flatpak-
   * portal) spawns processes in a new *Flatpak* sandbox of the app, with the permissions
   * Flatpak gives it, outside wrappy's level (the attack in test-bus.sh). An app that
   * needs it gets it only by name (--talk-name). */
  for (guint i = 0; i < G_N_ELEMENTS (portal_names); i++)
    {
      g_autofree char *call = g_strdup_printf ("--call=%s=*", portal_names[i]);
      g_autofree char *broadcast
          = g_strdup_printf ("--broadcast=%s=@/org/freedesktop/portal/*", portal_names[i]);
      g_strv_builder_add (b, call);
      g_strv_builder_add (b, broadcast);
    }
  return g_strv_builder_end (b);
}

char *
wrappy_bus_policy_portal_id (const char *app_id, gboolean flatpak_app)
{
  g_autoptr (GString) name = g_string_new ("app.wrappy.");
  gboolean changed = FALSE;

  if (app_id == NULL || app_id[0] == '\0')
    app_id = "app";
  if (flatpak_app)
    return g_strdup (app_id);
  /* One element of [A-Za-z0-9_] (xdp_is_valid_app_id), so nothing of the app's own name
   * can make it another app's ID; a short hash keeps names that differ only in the
   * characters replaced ("org.x.A", "org_x_A", "host/x") apart. */
  for (const char *c = app_id; *c != '\0' && name->len < 200; c++)
    {
      gboolean ok = g_ascii_isalnum (*c) || *c == '_';
      g_string_append_c (name, ok ? *c : '_');
      changed = changed || !ok;
    }
  if (changed || strlen (app_id) > 200)
    {
      g_autofree char *sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, app_id, -1);
      g_string_append_printf (name, "_%.8s", sum);
    }
  return g_string_free (g_steal_pointer (&name), FALSE);
}

/* Bus names whose services run what a caller asks on the host, outside any sandbox:
 * flatpak-session-helper's Development.HostCommand (`flatpak-spawn --host`), the
 * systemd user manager's StartTransientUnit, flatpak-portal's Spawn (a Flatpak sandbox,
 * with Flatpak's permissions), the portals' backends (which trust their caller to have
 * checked: an autostart entry or a launcher of any command), dconf's writer (a
 * keybinding's command), the terminals' servers (GNOME Terminal's Terminal0.Exec,
 * Konsole's Session.runCommand on org.kde.konsole-PID, Yakuake's runCommand, Xfce
 * Terminal's Launch with -x), KLauncher's exec_blind, and KWin's Scripting.loadScript
 * (a script whose callDBus reaches any of the others, from outside the proxy). Owning
 * one is no better: a terminal client hands the server its command and environment. A
 * talk or own of one of them, or a pattern covering one, counts only when the user
 * grants it (command line or overrides), never from the app's own metadata: it would
 * reach wrappy's own dirs, which no grant reaches above none. A NAME- entry is a prefix
 * (one bus name per process). The list names the services known to run commands; it
 * cannot name every one (docs/bus.md). */
#define WHOLE_BUS_NOTE                                                                             \
  _ ("socket '%s' not applied: the app's own declaration does not get a whole bus, only the "      \
     "names it asks for, through the proxy; --socket=%s or an override grants it")

static const char *const host_command_names[] = {
  "org.freedesktop.Flatpak",
  "org.freedesktop.systemd1",
  "org.freedesktop.portal.Flatpak",
  "org.freedesktop.impl.portal.*",
  "ca.desrt.dconf",
  "org.gnome.Terminal",
  "org.kde.konsole-",
  "org.kde.yakuake",
  "org.xfce.Terminal5",
  "org.kde.klauncher5",
  "org.kde.KWin",
};

/* Whether a and b (either a NAME or a NAME.* pattern; b also a NAME- prefix) can match
 * one name. */
static gboolean
names_meet (const char *a, const char *b)
{
  gsize la = strlen (a), lb = strlen (b);
  gboolean wa = la > 2 && g_str_has_suffix (a, ".*");
  gboolean wb = lb > 2 && g_str_has_suffix (b, ".*");

  if (wa && strncmp (a, b, la - 1) == 0) /* "x.*" covers "x.y", "x.y.*" and "x.y-" */
    return TRUE;
  if (wb && strncmp (b, a, lb - 1) == 0)
    return TRUE;
  if (lb > 1 && b[lb - 1] == '-' && strncmp (a, b, lb) == 0) /* "x.y-" covers "x.y-1" */
    return TRUE;
  return strcmp (a, b) == 0;
}

static gboolean
runs_host_commands (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (host_command_names); i++)
    if (names_meet (name, host_command_names[i]))
      return TRUE;
  return FALSE;
}

/* policy without the talks and owns of host-command names that the user did not grant
 * (user: their NAME=POLICY entries, command line and overrides). */
static char **
without_host_commands (char **policy, char **user, GPtrArray *notes)
{
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();

  for (char **e = policy; e && *e; e++)
    {
      const char *eq = strchr (*e, '=');
      g_autofree char *name = eq ? g_strndup (*e, eq - *e) : g_strdup (*e);

      if (eq != NULL && (strcmp (eq + 1, "talk") == 0 || strcmp (eq + 1, "own") == 0)
          && runs_host_commands (name) && !has (user, *e))
        {
          wrappy_policy_note (notes,
                              _ ("bus name '%s' not applied: its service runs commands on the "
                                 "host; only --talk-name=%s or an override grants it"),
                              name, name);
          continue;
        }
      g_strv_builder_add (b, *e);
    }
  return g_strv_builder_end (b);
}

static char **
system_rules (char **policy)
{
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();

  add_name_rules (b, policy);
  return g_strv_builder_end (b);
}

/* Whether policy names anything (a NAME=none does not count). */
static gboolean
names_some (char **policy)
{
  for (char **e = policy; e && *e; e++)
    if (!g_str_has_suffix (*e, "=none"))
      return TRUE;
  return FALSE;
}

static gboolean
talks_to (char **policy, const char *name)
{
  g_autofree char *talk = g_strconcat (name, "=talk", NULL);
  g_autofree char *own = g_strconcat (name, "=own", NULL);

  return has (policy, talk) || has (policy, own);
}

static char **
without (char **v, const char *a, const char *b)
{
  g_autoptr (GStrvBuilder) out = g_strv_builder_new ();

  for (char **s = v; s && *s; s++)
    if (strcmp (*s, a) != 0 && strcmp (*s, b) != 0)
      g_strv_builder_add (out, *s);
  return g_strv_builder_end (out);
}

void
wrappy_bus_policy_resolve (WrappyEffective *e, const WrappyPermissions *asked,
                           const WrappyPermissions *user, const WrappyCommandLine *cl,
                           const char *app_id, GPtrArray *notes)
{
  const WrappyLevelRules *rules = wrappy_level_rules (e->isolation);
  g_autoptr (WrappyPermissions) names = wrappy_permissions_new ();
  g_autoptr (WrappyPermissions) cl_names = wrappy_permissions_new ();
  g_autoptr (WrappyPermissions) user_names = wrappy_permissions_new ();
  gboolean session_whole = has (e->sockets, "session-bus");
  gboolean system_whole = has (e->sockets, "system-bus");
  char **user_sockets = user != NULL ? user->sockets : NULL;

  if (e->isolation == WRAPPY_ISOLATION_NONE)
    {
      /* The caller's buses, as they are: nothing sits between. */
      e->session_bus = e->system_bus = WRAPPY_BUS_REAL;
      return;
    }
  cl_names->session_bus = g_strdupv (cl->session_bus);
  cl_names->system_bus = g_strdupv (cl->system_bus);
  wrappy_permissions_merge (user_names, user);
  wrappy_permissions_merge (user_names, cl_names);
  /* A whole bus is the user's to give (command line or overrides): on it, the services
   * above run host commands for anyone. The app's own socket=session-bus gets the
   * filtered bus, as SPEC.md's partial and full have it. */
  if (rules->declared_sockets && session_whole && !has (cl->sockets, "session-bus")
      && !has (user_sockets, "session-bus"))
    {
      char **sockets = without (e->sockets, "session-bus", "session-bus");
      g_strfreev (e->sockets);
      e->sockets = sockets;
      session_whole = FALSE;
      wrappy_policy_note (notes, WHOLE_BUS_NOTE, "session-bus", "session-bus");
    }
  if (rules->declared_sockets && system_whole && !has (cl->sockets, "system-bus")
      && !has (user_sockets, "system-bus"))
    {
      char **sockets = without (e->sockets, "system-bus", "system-bus");
      g_strfreev (e->sockets);
      e->sockets = sockets;
      system_whole = FALSE;
      wrappy_policy_note (notes, WHOLE_BUS_NOTE, "system-bus", "system-bus");
    }
  /* At paranoid the app's and the overrides' names do not count, as its sockets. */
  if (rules->declared_sockets)
    wrappy_permissions_merge (names, asked);
  wrappy_permissions_merge (names, cl_names);

  if (!rules->declared_sockets)
    {
      /* SPEC.md: at paranoid a bus is there only when the command line asks for one,
       * and then filtered, also for --socket=session-bus. */
      gboolean session = session_whole || names_some (cl->session_bus);
      gboolean system = system_whole || names_some (cl->system_bus);
      char **sockets = without (e->sockets, "session-bus", "system-bus");

      if (session_whole)
        g_ptr_array_add (notes, g_strdup (_ ("socket 'session-bus' filtered: at paranoid a bus "
                                             "goes through the proxy")));
      if (system_whole)
        g_ptr_array_add (notes, g_strdup (_ ("socket 'system-bus' filtered: at paranoid a bus "
                                             "goes through the proxy")));
      g_strfreev (e->sockets);
      e->sockets = sockets;
      e->session_bus = session ? WRAPPY_BUS_FILTERED : WRAPPY_BUS_NONE;
      e->system_bus = system ? WRAPPY_BUS_FILTERED : WRAPPY_BUS_NONE;
    }
  else
    {
      /* As flatpak: the whole session bus with --socket=session-bus, else the filtered
       * one always; the system bus whole, filtered when a name on it is granted, or none. */
      e->session_bus = session_whole ? WRAPPY_BUS_REAL : WRAPPY_BUS_FILTERED;
      e->system_bus = system_whole                     ? WRAPPY_BUS_REAL
                      : names_some (names->system_bus) ? WRAPPY_BUS_FILTERED
                                                       : WRAPPY_BUS_NONE;
    }
  if (e->session_bus == WRAPPY_BUS_FILTERED)
    {
      g_auto (GStrv) allowed
          = without_host_commands (names->session_bus, user_names->session_bus, notes);
      e->session_bus_rules = session_rules (app_id, allowed);
    }
  if (e->system_bus == WRAPPY_BUS_FILTERED)
    {
      g_auto (GStrv) allowed
          = without_host_commands (names->system_bus, user_names->system_bus, notes);
      e->system_bus_rules = system_rules (allowed);
    }
  /* The accessibility bus when the app asks for org.a11y.Bus (desktop-legacy does). */
  e->a11y_bus = e->session_bus != WRAPPY_BUS_NONE && talks_to (names->session_bus, "org.a11y.Bus");
}
