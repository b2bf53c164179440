/* Which D-Bus buses an app reaches and, through xdg-dbus-proxy, which names on them:
 * the policy's part of SPEC.md's bus row. The names and rules follow flatpak-run.c
 * (flatpak_run_add_session_dbus_args, flatpak_context_add_bus_filters,
 * flatpak_run_add_a11y_dbus_args): the portals may always be called, the app owns its ID
 * and the names under it, and every other name is what its policy says. The proxy's
 * process is the isolation module's (wrappy-dbus-proxy.c). */
#include "config.h"

#include <string.h>

#include "wrappy-i18n.h"
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
  /* Any method of the portals; their signals only from their own objects. */
  g_strv_builder_add (b, "--call=org.freedesktop.portal.*=*");
  g_strv_builder_add (b, "--broadcast=org.freedesktop.portal.*=@/org/freedesktop/portal/*");
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
                           const WrappyCommandLine *cl, const char *app_id, GPtrArray *notes)
{
  const WrappyLevelRules *rules = wrappy_level_rules (e->isolation);
  g_autoptr (WrappyPermissions) names = wrappy_permissions_new ();
  g_autoptr (WrappyPermissions) cl_names = wrappy_permissions_new ();
  gboolean session_whole = has (e->sockets, "session-bus");
  gboolean system_whole = has (e->sockets, "system-bus");

  if (e->isolation == WRAPPY_ISOLATION_NONE)
    {
      /* The caller's buses, as they are: nothing sits between. */
      e->session_bus = e->system_bus = WRAPPY_BUS_REAL;
      return;
    }
  cl_names->session_bus = g_strdupv (cl->session_bus);
  cl_names->system_bus = g_strdupv (cl->system_bus);
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
    e->session_bus_rules = session_rules (app_id, names->session_bus);
  if (e->system_bus == WRAPPY_BUS_FILTERED)
    e->system_bus_rules = system_rules (names->system_bus);
  /* The accessibility bus when the app asks for org.a11y.Bus (desktop-legacy does). */
  e->a11y_bus = e->session_bus != WRAPPY_BUS_NONE && talks_to (names->session_bus, "org.a11y.Bus");
}
