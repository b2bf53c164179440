/* The filtered buses in the plan: for each bus the policy filters (spec->session_bus,
 * system_bus, a11y_bus), one xdg-dbus-proxy listening socket in a private host dir
 * (bound read-only inside), a symlink to it where the app looks for that bus, and the
 * proxy's arguments. As flatpak-run.c
 * (flatpak_run_add_session_dbus_args, _system_, _a11y_): one proxy process serves every
 * bus of a sandbox, each through its own socket with its own filter. The process itself
 * is started by the launch (wrappy-dbus-proxy.c), which makes the dir. */
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include "wrappy-i18n.h"
#include "wrappy-plan-private.h"

#define SYSTEM_BUS_SOCKET "/run/dbus/system_bus_socket"
/* The proxy's socket dir inside, read-only; each bus's usual path is a symlink into it.
 * A dir, not the sockets themselves: the sandbox is built while the proxy starts, and
 * its sockets appear in the dir only when it listens (pid 1 waits for that). */
#define SANDBOX_PROXY_DIR "/run/wrappy-dbus-proxy"
#define DOCUMENTS_SERVICE "org.freedesktop.portal.Documents"
#define SYSTEM_BUS_PATH   "unix:path=" SYSTEM_BUS_SOCKET

/* What the a11y registry needs of an app and no more (flatpak_run_add_a11y_dbus_args). */
static const char *const a11y_rules[] = {
  "--filter",
  "--sloppy-names",
  "--broadcast=org.a11y.atspi.Registry.EventListenerRegistered=@/org/a11y/atspi/registry",
  "--broadcast=org.a11y.atspi.Registry.EventListenerDeregistered=@/org/a11y/atspi/registry",
  "--call=org.a11y.atspi.Registry=org.a11y.atspi.Socket.Embed@/org/a11y/atspi/accessible/root",
  "--call=org.a11y.atspi.Registry=org.a11y.atspi.Socket.Unembed@/org/a11y/atspi/accessible/root",
  "--call=org.a11y.atspi.Registry=org.a11y.atspi.Registry.GetRegisteredEvents@/org/a11y/atspi/"
  "registry",
  "--call=org.a11y.atspi.Registry=org.a11y.atspi.DeviceEventController.GetKeystrokeListeners@/"
  "org/a11y/atspi/registry/deviceeventcontroller",
  "--call=org.a11y.atspi.Registry=org.a11y.atspi.DeviceEventController.GetDeviceEventListeners@/"
  "org/a11y/atspi/registry/deviceeventcontroller",
  "--call=org.a11y.atspi.Registry=org.a11y.atspi.DeviceEventController.NotifyListenersSync@/org/"
  "a11y/atspi/registry/deviceeventcontroller",
  "--call=org.a11y.atspi.Registry=org.a11y.atspi.DeviceEventController.NotifyListenersAsync@/org/"
  "a11y/atspi/registry/deviceeventcontroller",
};

/* The proxy's own /.flatpak-info: the app's, or for an app that has none (AppImages,
 * snaps, host programs) just the name the portals are to know it by (spec->portal_id),
 * so that they treat it as sandboxed and not as a host app (wrappy-policy.h). */
static char *
proxy_identity (const WrappyLaunchSpec *spec)
{
  if (spec->flatpak_info != NULL)
    return g_strdup (spec->flatpak_info);
  return g_strdup_printf ("[Application]\nname=%s\n\n[Instance]\ninstance-id=%u\n"
                          "session-bus-proxy=true\n",
                          spec->portal_id != NULL ? spec->portal_id : "app.wrappy.app",
                          (guint)g_random_int_range (1, G_MAXINT32));
}

void
wrappy_dbus_proxy_plan_free (WrappyDbusProxyPlan *p)
{
  if (p == NULL)
    return;
  g_free (p->dir);
  g_strfreev (p->args);
  g_free (p->flatpak_info);
  g_free (p);
}

/* One bus: ADDRESS PATH --filter RULES… for the proxy, its socket bound at dest. */
static void
add_bus (WrappyPlan *plan, GStrvBuilder *args, const char *dir, const char *address,
         const char *name, const char *dest, char **rules, const char *const *fixed, gsize n_fixed)
{
  g_autofree char *socket = g_build_filename (dir, name, NULL);

  g_strv_builder_add (args, address);
  g_strv_builder_add (args, socket);
  if (rules != NULL)
    {
      g_strv_builder_add (args, "--filter");
      g_strv_builder_addv (args, (const char **)rules);
    }
  for (gsize i = 0; i < n_fixed; i++)
    g_strv_builder_add (args, fixed[i]);
  {
    g_autofree char *inside = g_build_filename (SANDBOX_PROXY_DIR, name, NULL);
    wrappy_plan_add_op (plan, WRAPPY_OP_SYMLINK, 0, inside, dest, 0);
  }
}

void
wrappy_plan_add_buses (WrappyPlan *plan, const WrappyLaunchSpec *spec, const WrappyHostFacts *f,
                       GPtrArray *notes)
{
  const char *runtime_dir = g_environ_getenv (f->env, "XDG_RUNTIME_DIR");
  const char *session = g_environ_getenv (f->env, "DBUS_SESSION_BUS_ADDRESS");
  const char *system = g_environ_getenv (f->env, "DBUS_SYSTEM_BUS_ADDRESS");
  g_autofree char *run_dir = g_strdup_printf ("/run/user/%u", (guint)f->uid);
  g_autofree char *dir = NULL;
  g_autoptr (GStrvBuilder) args = g_strv_builder_new ();
  gboolean any = FALSE;

  if (spec->session_bus != WRAPPY_BUS_FILTERED && spec->system_bus != WRAPPY_BUS_FILTERED)
    return;
  if (runtime_dir == NULL || runtime_dir[0] != '/')
    {
      g_ptr_array_add (notes, g_strdup (_ ("no filtered bus: XDG_RUNTIME_DIR is not set, and the "
                                           "bus proxy's sockets live there")));
      return;
    }
  /* A name no other sandbox has; the launch makes it and fails if it exists. */
  dir = g_strdup_printf ("%s/.dbus-proxy/wrappy-%08x%08x", runtime_dir, g_random_int (),
                         g_random_int ());
  if (system == NULL && f->system_bus_socket != NULL)
    system = SYSTEM_BUS_PATH;

  if (spec->session_bus == WRAPPY_BUS_FILTERED && session == NULL)
    g_ptr_array_add (notes, g_strdup (_ ("no session bus: DBUS_SESSION_BUS_ADDRESS is not set")));
  else if (spec->session_bus == WRAPPY_BUS_FILTERED)
    {
      g_autofree char *dest = g_build_filename (run_dir, "bus", NULL);
      add_bus (plan, args, dir, session, "session-bus", dest, spec->session_bus_rules, NULL, 0);
      any = TRUE;
      if (spec->a11y_bus && f->a11y_bus_address != NULL)
        {
          g_autofree char *a11y = g_build_filename (run_dir, "at-spi-bus", NULL);
          add_bus (plan, args, dir, f->a11y_bus_address, "a11y-bus", a11y, NULL, a11y_rules,
                   G_N_ELEMENTS (a11y_rules));
        }
      else if (spec->a11y_bus)
        g_ptr_array_add (notes, g_strdup (_ ("no accessibility bus: org.a11y.Bus does not answer "
                                             "on the session bus")));
    }
  if (spec->system_bus == WRAPPY_BUS_FILTERED && system == NULL)
    g_ptr_array_add (notes, g_strdup (_ ("no system bus: none runs here")));
  else if (spec->system_bus == WRAPPY_BUS_FILTERED)
    {
      add_bus (plan, args, dir, system, "system-bus", SYSTEM_BUS_SOCKET, spec->system_bus_rules,
               NULL, 0);
      any = TRUE;
    }
  if (!any)
    return;
  /* The launch makes the dir before the sandbox is built. */
  wrappy_plan_add_op (plan, WRAPPY_OP_BIND, WRAPPY_OP_FLAG_RO, dir, SANDBOX_PROXY_DIR, 0);
  plan->dbus_proxy = g_new0 (WrappyDbusProxyPlan, 1);
  plan->dbus_proxy->dir = g_steal_pointer (&dir);
  plan->dbus_proxy->args = g_strv_builder_end (args);
  plan->dbus_proxy->flatpak_info = proxy_identity (spec);
}

/* The string a method without arguments answers on the session bus (the first quoted
 * value of gdbus's output: ('…',) for a string, (b'…',) for a bytestring), through
 * gdbus: `wrappy` links GLib alone, not GIO. NULL when nothing answers. */
static char *
gdbus_string (char **env, const char *dest, const char *path, const char *method,
              const char *timeout)
{
  const char *argv[] = { "gdbus", "call",     "--session", "--dest",    dest,    "--object-path",
                         path,    "--method", method,      "--timeout", timeout, NULL };
  g_autofree char *out = NULL;
  int status;
  char *start, *end;

  if (!g_spawn_sync (NULL, (char **)argv, env, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, &out, NULL, &status, NULL)
      || !g_spawn_check_wait_status (status, NULL))
    return NULL;
  start = strchr (out, '\'');
  end = start ? strchr (start + 1, '\'') : NULL;
  if (end == NULL || end == start + 1)
    return NULL;
  return g_strndup (start + 1, end - start - 1);
}

/* The a11y bus's address, as org.a11y.Bus.GetAddress answers it (flatpak asks the same):
 * ('unix:path=/run/user/1000/at-spi/bus_0,guid=…',). */
char *
wrappy_host_facts_a11y_address (char **env)
{
  return gdbus_string (env, "org.a11y.Bus", "/org/a11y/bus", "org.a11y.Bus.GetAddress", "5");
}

/* ---- The app's documents ----------------------------------------------------------- */

/* Whether something is mounted at path: its device is not its parent's. (Not statfs:
 * xdg-document-portal answers it with EPERM.) */
static gboolean
is_mount (const char *path)
{
  g_autofree char *parent = path != NULL ? g_path_get_dirname (path) : NULL;
  struct stat st, pst;

  return path != NULL && stat (path, &st) == 0 && S_ISDIR (st.st_mode) && stat (parent, &pst) == 0
         && st.st_dev != pst.st_dev;
}

/* Whether the session bus can start the document portal: its .service file in one of the
 * session bus's standard service dirs (dbus-daemon(1), <standard_session_servicedirs/>). */
static gboolean
documents_activatable (char **env)
{
  const char *runtime_dir = g_environ_getenv (env, "XDG_RUNTIME_DIR");
  const char *data_home = g_environ_getenv (env, "XDG_DATA_HOME");
  const char *data_dirs = g_environ_getenv (env, "XDG_DATA_DIRS");
  const char *home = g_environ_getenv (env, "HOME");
  g_autoptr (GPtrArray) dirs = g_ptr_array_new_with_free_func (g_free);
  g_auto (GStrv) system_dirs = NULL;

  if (runtime_dir != NULL)
    g_ptr_array_add (dirs, g_build_filename (runtime_dir, "dbus-1", NULL));
  if (data_home != NULL && data_home[0] == '/')
    g_ptr_array_add (dirs, g_build_filename (data_home, "dbus-1", NULL));
  else if (home != NULL)
    g_ptr_array_add (dirs, g_build_filename (home, ".local/share/dbus-1", NULL));
  system_dirs = g_strsplit (
      data_dirs != NULL && data_dirs[0] != '\0' ? data_dirs : "/usr/local/share:/usr/share", ":",
      -1);
  for (char **d = system_dirs; *d != NULL; d++)
    if ((*d)[0] == '/')
      g_ptr_array_add (dirs, g_build_filename (*d, "dbus-1", NULL));
  g_ptr_array_add (dirs, g_strdup ("/usr/share/dbus-1"));
  for (guint i = 0; i < dirs->len; i++)
    {
      g_autofree char *file
          = g_build_filename (dirs->pdata[i], "services", DOCUMENTS_SERVICE ".service", NULL);
      if (g_file_test (file, G_FILE_TEST_EXISTS))
        return TRUE;
    }
  return FALSE;
}

/* The document portal's mount on the host. Flatpak asks the portal on every launch
 * (GetMountPoint, which also starts it; flatpak-run.c, add_document_portal_args); a launch
 * here first looks where xdg-document-portal mounts itself, $XDG_RUNTIME_DIR/doc (two
 * stats), and asks, through gdbus (`wrappy` links GLib alone), only while that is no
 * mount and the bus can start the portal: the first app of a session, whose file
 * chooser would otherwise answer with paths its sandbox cannot see. NULL: no portal. */
char *
wrappy_host_facts_documents (char **env)
{
  const char *runtime_dir = g_environ_getenv (env, "XDG_RUNTIME_DIR");
  g_autofree char *doc = NULL, *answer = NULL;

  if (runtime_dir == NULL || runtime_dir[0] != '/'
      || g_environ_getenv (env, "DBUS_SESSION_BUS_ADDRESS") == NULL)
    return NULL;
  doc = g_build_filename (runtime_dir, "doc", NULL);
  if (is_mount (doc))
    return g_steal_pointer (&doc);
  if (!documents_activatable (env))
    return NULL;
  /* (b'/run/user/1000/doc',) */
  answer = gdbus_string (env, DOCUMENTS_SERVICE, "/org/freedesktop/portal/documents",
                         DOCUMENTS_SERVICE ".GetMountPoint", "10");
  return answer != NULL && answer[0] == '/' && is_mount (answer) ? g_steal_pointer (&answer) : NULL;
}

/* As Flatpak: an app that reaches the document portal sees its own documents, the
 * portal's by-app/ID dir, at /run/user/UID/doc, read-write (the portal checks each
 * document's grant); never the portal's root, which holds every app's. ID is the name
 * the portals know the app by (spec->portal_id). Files a file chooser, a drop or `run
 * --file-forwarding` hand the app are there. Optional: a portal that does not answer
 * for the ID leaves no dir. */
void
wrappy_plan_add_documents (WrappyPlan *plan, const WrappyLaunchSpec *spec, const WrappyHostFacts *f)
{
  const char *id = spec->portal_id != NULL ? spec->portal_id : spec->app_id;
  g_autofree char *dest = g_strdup_printf ("/run/user/%u/doc", (guint)f->uid);

  if (spec->isolation == WRAPPY_ISOLATION_NONE || f->documents == NULL || id == NULL
      || (spec->session_bus != WRAPPY_BUS_FILTERED && spec->session_bus != WRAPPY_BUS_REAL))
    return;
  plan->documents = g_build_filename (f->documents, "by-app", id, NULL);
  wrappy_plan_add_op (plan, WRAPPY_OP_BIND, WRAPPY_OP_FLAG_OPTIONAL, plan->documents, dest, 0);
  /* xdg-desktop-portal answers a file chooser with a path under the portal's mount on the
   * host: the same path where XDG_RUNTIME_DIR is /run/user/UID, as logind makes it. Where
   * it is elsewhere under /tmp or /run (a session without logind, the tests), the app's
   * documents are at that path too, or the answer would not open. (Flatpak shows them at
   * /run/user/UID/doc only.) */
  if (strcmp (f->documents, dest) != 0 && wrappy_plan_valid_sandbox_path (f->documents)
      && (wrappy_plan_path_is_under (f->documents, "/tmp")
          || wrappy_plan_path_is_under (f->documents, "/run"))
      && !wrappy_plan_path_is_under (f->documents, "/run/user"))
    wrappy_plan_add_op (plan, WRAPPY_OP_BIND, WRAPPY_OP_FLAG_OPTIONAL, plan->documents,
                        f->documents, 0);
}
