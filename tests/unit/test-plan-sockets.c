/* Desktop sockets in the plan (wrappy-plan-sockets.c): bound only when granted, the
 * host's socket variables dropped above none, the Xauthority cut to one cookie. */
#include "config.h"

#include <string.h>

#include "wrappy-launch-spec.h"
#include "wrappy-plan-private.h"
#include "wrappy-test-plan.h"

static GBytes *
xauth_entry (guint16 family, const char *addr, const char *number, const char *cookie)
{
  g_autoptr (GByteArray) b = g_byte_array_new ();
  const char *fields[] = { addr, number, "MIT-MAGIC-COOKIE-1", cookie };
  guint8 fam[2] = { family >> 8, family & 0xff };

  g_byte_array_append (b, fam, 2);
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      gsize n = strlen (fields[i]);
      guint8 len[2] = { n >> 8, n & 0xff };
      g_byte_array_append (b, len, 2);
      g_byte_array_append (b, (const guint8 *)fields[i], n);
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&b));
}

static GBytes *
concat (GBytes *a, GBytes *b)
{
  g_autoptr (GByteArray) out = g_byte_array_new ();
  gsize n;
  const guint8 *d = g_bytes_get_data (a, &n);

  g_byte_array_append (out, d, n);
  d = g_bytes_get_data (b, &n);
  g_byte_array_append (out, d, n);
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

static void
fake_facts (WrappyHostFacts *f, gboolean with_display)
{
  static const char *const env[] = { "DISPLAY=:3",
                                     "XAUTHORITY=/home/alice/.Xauthority",
                                     "WAYLAND_DISPLAY=wayland-1",
                                     "DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/1000/bus",
                                     "PULSE_SERVER=unix:/run/user/1000/pulse/native",
                                     "TERM=xterm",
                                     NULL };
  static const char *const base[] = { "bin", "lib", NULL };
  g_autoptr (GBytes) mine = xauth_entry (256, "host", "3", "SECRET3");
  g_autoptr (GBytes) other = xauth_entry (256, "host", "4", "SECRET4");

  memset (f, 0, sizeof *f);
  f->uid = f->gid = 1000;
  f->user_name = g_strdup ("alice");
  f->home = g_strdup ("/home/alice");
  f->env = g_strdupv ((char **)env);
  f->base_entries = g_strdupv ((char **)base);
  if (with_display)
    {
      f->x11_socket = g_strdup ("/tmp/.X11-unix/X3");
      f->x11_display_number = g_strdup ("3");
      f->xauthority = concat (other, mine);
    }
  f->session_bus_socket = g_strdup ("/run/user/1000/bus");
}

/* org.example.Gui at level, on a base, with no grant yet. */
static WrappyLaunchSpec *
gui_spec (WrappyIsolation level)
{
  WrappyLaunchSpec *spec = wrappy_launch_spec_new ();
  const char *argv[] = { "app", NULL };

  spec->app_id = g_strdup ("org.example.Gui");
  wrappy_test_set_level (spec, level);
  spec->base_path = g_strdup ("/layers/base");
  spec->argv = g_strdupv ((char **)argv);
  spec->state_dir = g_strdup ("/state/org.example.Gui");
  return spec;
}

static WrappyPlan *
plan_with_sockets (WrappyIsolation level, const char *const *sockets, gboolean with_display)
{
  g_autoptr (WrappyLaunchSpec) spec = gui_spec (level);
  g_autoptr (GError) error = NULL;
  WrappyHostFacts f;
  WrappyPlan *plan;

  spec->sockets = g_strdupv ((char **)sockets);
  fake_facts (&f, with_display);
  plan = wrappy_plan_new (spec, &f, &error);
  wrappy_host_facts_clear (&f);
  g_assert_no_error (error);
  return plan;
}

/* A filtered bus: the proxy's arguments, its socket dir read-only inside, the usual
 * paths symlinks into it, the variables pointing there (wrappy-plan-dbus.c). */
static void
test_filtered_buses (void)
{
  g_autoptr (WrappyLaunchSpec) spec = wrappy_launch_spec_new ();
  const char *argv[] = { "app", NULL };
  const char *rules[] = { "--talk=org.example.Talk", NULL };
  static const char *const env[] = { "XDG_RUNTIME_DIR=/run/user/1000",
                                     "DBUS_SESSION_BUS_ADDRESS=unix:abstract=/tmp/dbus-x", NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (WrappyPlan) plan = NULL;
  g_autofree char *args = NULL;
  const WrappyOp *dir, *bus, *system;
  WrappyHostFacts f;

  spec->app_id = g_strdup ("org.example.Gui");
  spec->isolation = WRAPPY_ISOLATION_FULL;
  spec->base_path = g_strdup ("/layers/base");
  spec->argv = g_strdupv ((char **)argv);
  spec->state_dir = g_strdup ("/state/org.example.Gui");
  spec->session_bus = WRAPPY_BUS_FILTERED;
  spec->session_bus_rules = g_strdupv ((char **)rules);
  spec->system_bus = WRAPPY_BUS_FILTERED;
  spec->system_bus_rules = g_strdupv ((char **)rules);
  spec->flatpak_info = g_strdup ("[Application]\nname=org.example.Gui\n");
  fake_facts (&f, FALSE);
  g_strfreev (f.env);
  f.env = g_strdupv ((char **)env);
  f.system_bus_socket = g_strdup ("/run/dbus/system_bus_socket");
  plan = wrappy_plan_new (spec, &f, &error);
  wrappy_host_facts_clear (&f);
  g_assert_no_error (error);

  g_assert_nonnull (plan->dbus_proxy);
  g_assert_true (g_str_has_prefix (plan->dbus_proxy->dir, "/run/user/1000/.dbus-proxy/wrappy-"));
  g_assert_nonnull (plan->dbus_proxy->flatpak_info);
  args = g_strjoinv (" ", plan->dbus_proxy->args);
  g_assert_nonnull (strstr (args, "unix:abstract=/tmp/dbus-x "));
  g_assert_nonnull (strstr (args, "/session-bus --filter --talk=org.example.Talk"));
  g_assert_nonnull (strstr (args, "unix:path=/run/dbus/system_bus_socket "));
  dir = wrappy_plan_find_op (plan, "/run/wrappy-dbus-proxy");
  g_assert_nonnull (dir);
  g_assert_cmpint (dir->kind, ==, WRAPPY_OP_BIND);
  g_assert_true (dir->flags & WRAPPY_OP_FLAG_RO);
  g_assert_cmpstr (dir->src, ==, plan->dbus_proxy->dir);
  bus = wrappy_plan_find_op (plan, "/run/user/1000/bus");
  g_assert_cmpint (bus->kind, ==, WRAPPY_OP_SYMLINK);
  g_assert_cmpstr (bus->src, ==, "/run/wrappy-dbus-proxy/session-bus");
  system = wrappy_plan_find_op (plan, "/run/dbus/system_bus_socket");
  g_assert_cmpstr (system->src, ==, "/run/wrappy-dbus-proxy/system-bus");
  g_assert_cmpstr (g_environ_getenv (plan->envp, "DBUS_SESSION_BUS_ADDRESS"), ==,
                   "unix:path=/run/user/1000/bus");
  g_assert_cmpstr (g_environ_getenv (plan->envp, "DBUS_SYSTEM_BUS_ADDRESS"), ==,
                   "unix:path=/run/dbus/system_bus_socket");
  /* The host's bus is not there. */
  g_assert_false (wrappy_plan_shows_host_path (plan, "/run/user/1000/.dbus-proxy"));

  /* An app with no /.flatpak-info of its own (an AppImage, a snap, a host program): its
   * proxy still has one, with the name the portals are to know it by, so that they do not
   * take it for a host app. */
  g_clear_pointer (&spec->flatpak_info, g_free);
  spec->portal_id = g_strdup ("app.wrappy.gui");
  fake_facts (&f, FALSE);
  g_strfreev (f.env);
  f.env = g_strdupv ((char **)env);
  g_clear_pointer (&plan, wrappy_plan_free);
  plan = wrappy_plan_new (spec, &f, &error);
  wrappy_host_facts_clear (&f);
  g_assert_no_error (error);
  g_assert_nonnull (plan->dbus_proxy);
  g_assert_nonnull (
      strstr (plan->dbus_proxy->flatpak_info, "[Application]\nname=app.wrappy.gui\n"));
  g_assert_null (wrappy_plan_find_op (plan, "/.flatpak-info"));
}

static void
test_x11_granted (void)
{
  const char *sockets[] = { "x11", NULL };
  g_autoptr (WrappyPlan) plan = plan_with_sockets (WRAPPY_ISOLATION_FULL, sockets, TRUE);
  const WrappyOp *op = wrappy_plan_find_op (plan, "/tmp/.X11-unix/X99");
  const WrappyOp *xauth = wrappy_plan_find_op (plan, "/run/user/1000/Xauthority");

  g_assert_nonnull (op);
  g_assert_cmpint (op->kind, ==, WRAPPY_OP_BIND);
  g_assert_cmpstr (op->src, ==, "/tmp/.X11-unix/X3");
  g_assert_cmpstr (g_environ_getenv (plan->envp, "DISPLAY"), ==, ":99.0");
  g_assert_cmpstr (g_environ_getenv (plan->envp, "XAUTHORITY"), ==, "/run/user/1000/Xauthority");
  g_assert_nonnull (xauth);
  g_assert_cmpuint (xauth->mode, ==, 0600);
  /* Only display 3's cookie, renumbered. */
  g_assert_nonnull (memmem (xauth->src, xauth->src_len, "SECRET3", 7));
  g_assert_null (memmem (xauth->src, xauth->src_len, "SECRET4", 7));
  g_assert_nonnull (memmem (xauth->src, xauth->src_len, "99", 2));
  /* Nothing else was granted. */
  g_assert_null (g_environ_getenv (plan->envp, "WAYLAND_DISPLAY"));
  g_assert_null (g_environ_getenv (plan->envp, "DBUS_SESSION_BUS_ADDRESS"));
  g_assert_null (wrappy_plan_find_op (plan, "/run/user/1000/bus"));
}

static void
test_not_granted (void)
{
  const char *none[] = { NULL };
  g_autoptr (WrappyPlan) plan = plan_with_sockets (WRAPPY_ISOLATION_PARTIAL, none, TRUE);

  g_assert_null (wrappy_plan_find_op (plan, "/tmp/.X11-unix/X99"));
  g_assert_null (g_environ_getenv (plan->envp, "DISPLAY"));
  g_assert_null (g_environ_getenv (plan->envp, "XAUTHORITY"));
  g_assert_null (g_environ_getenv (plan->envp, "PULSE_SERVER"));
  g_assert_null (g_environ_getenv (plan->envp, "DBUS_SESSION_BUS_ADDRESS"));
  g_assert_cmpstr (g_environ_getenv (plan->envp, "TERM"), ==, "xterm");
}

static void
test_none_keeps_host (void)
{
  const char *none[] = { NULL };
  g_autoptr (WrappyPlan) plan = plan_with_sockets (WRAPPY_ISOLATION_NONE, none, TRUE);

  g_assert_cmpstr (g_environ_getenv (plan->envp, "DISPLAY"), ==, ":3");
}

static void
test_session_bus_and_notes (void)
{
  const char *sockets[] = { "session-bus", "cups", "x11", NULL };
  g_autoptr (WrappyPlan) plan = plan_with_sockets (WRAPPY_ISOLATION_FULL, sockets, FALSE);
  g_autofree char *notes = g_strjoinv ("\n", plan->notes);

  g_assert_nonnull (wrappy_plan_find_op (plan, "/run/user/1000/bus"));
  g_assert_cmpstr (g_environ_getenv (plan->envp, "DBUS_SESSION_BUS_ADDRESS"), ==,
                   "unix:path=/run/user/1000/bus");
  g_assert_nonnull (strstr (notes, "'cups'"));
  g_assert_nonnull (strstr (notes, "'x11'"));
  g_assert_null (g_environ_getenv (plan->envp, "DISPLAY"));
}

/* Wayland and PulseAudio come from the path-pattern config (binds in the spec); the
 * variables follow what was bound, under the host's socket name. */
static void
test_runtime_dir_sockets_follow_the_config (void)
{
  const char *sockets[] = { "wayland", "pulseaudio", NULL };
  g_autoptr (WrappyLaunchSpec) spec = wrappy_launch_spec_new ();
  const char *argv[] = { "app", NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (WrappyPlan) plan = NULL, unbound = NULL;
  WrappyHostFacts f;

  spec->app_id = g_strdup ("org.example.Gui");
  wrappy_test_set_level (spec, WRAPPY_ISOLATION_FULL);
  spec->base_path = g_strdup ("/layers/base");
  spec->argv = g_strdupv ((char **)argv);
  spec->sockets = g_strdupv ((char **)sockets);
  spec->state_dir = g_strdup ("/state/org.example.Gui");
  fake_facts (&f, FALSE);
  unbound = wrappy_plan_new (spec, &f, &error);
  g_assert_no_error (error);
  g_assert_null (g_environ_getenv (unbound->envp, "WAYLAND_DISPLAY"));
  g_assert_null (g_environ_getenv (unbound->envp, "PULSE_SERVER"));

  g_ptr_array_add (spec->binds,
                   wrappy_bind_new ("/run/user/1000/wayland-1", "/run/user/1000/wayland-1", FALSE));
  g_ptr_array_add (spec->binds, wrappy_bind_new ("/run/user/1000/pulse/native",
                                                 "/run/user/1000/pulse/native", FALSE));
  plan = wrappy_plan_new (spec, &f, &error);
  wrappy_host_facts_clear (&f);
  g_assert_no_error (error);
  g_assert_cmpstr (g_environ_getenv (plan->envp, "WAYLAND_DISPLAY"), ==, "wayland-1");
  g_assert_cmpstr (g_environ_getenv (plan->envp, "PULSE_SERVER"), ==,
                   "unix:/run/user/1000/pulse/native");
}

static void
test_xauth_truncated (void)
{
  g_autoptr (GBytes) whole = xauth_entry (65535, "", "5", "COOKIE");
  gsize n;
  const guint8 *d = g_bytes_get_data (whole, &n);
  g_autoptr (GBytes) cut = g_bytes_new (d, n - 3);
  g_autoptr (GBytes) out = wrappy_plan_filter_xauthority (cut, "5");
  g_autoptr (GBytes) ok = wrappy_plan_filter_xauthority (whole, "5");

  g_assert_cmpuint (g_bytes_get_size (out), ==, 0);
  g_assert_cmpuint (g_bytes_get_size (ok), >, 0);
}

/* The app's documents (wrappy_plan_add_documents): the portal's by-app dir for the name
 * the portals know it by, at /run/user/UID/doc, where it reaches the session bus; never
 * the portal's root (every app's documents), never at none, never without a bus. */
static WrappyPlan *
plan_with_documents (WrappyIsolation level, WrappyBusAccess session, const char *portal_id,
                     const char *documents)
{
  g_autoptr (WrappyLaunchSpec) spec = gui_spec (level);
  static const char *const env[]
      = { "XDG_RUNTIME_DIR=/run/user/1000", "DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/1000/bus",
          NULL };
  g_autoptr (GError) error = NULL;
  WrappyHostFacts f;
  WrappyPlan *plan;

  spec->session_bus = session;
  spec->portal_id = g_strdup (portal_id);
  fake_facts (&f, FALSE);
  g_strfreev (f.env);
  f.env = g_strdupv ((char **)env);
  f.documents = g_strdup (documents);
  plan = wrappy_plan_new (spec, &f, &error);
  wrappy_host_facts_clear (&f);
  g_assert_no_error (error);
  return plan;
}

static void
test_documents (void)
{
  const WrappyIsolation levels[]
      = { WRAPPY_ISOLATION_PARTIAL, WRAPPY_ISOLATION_FULL, WRAPPY_ISOLATION_PARANOID };

  for (guint i = 0; i < G_N_ELEMENTS (levels); i++)
    {
      g_autoptr (WrappyPlan) filtered
          = plan_with_documents (levels[i], WRAPPY_BUS_FILTERED, NULL, "/run/user/1000/doc");
      g_autoptr (WrappyPlan) real = plan_with_documents (levels[i], WRAPPY_BUS_REAL,
                                                         "app.wrappy.gui", "/run/user/1000/doc");
      g_autoptr (WrappyPlan) no_bus
          = plan_with_documents (levels[i], WRAPPY_BUS_NONE, NULL, "/run/user/1000/doc");
      g_autoptr (WrappyPlan) no_portal
          = plan_with_documents (levels[i], WRAPPY_BUS_FILTERED, NULL, NULL);
      const WrappyOp *op = wrappy_plan_find_op (filtered, "/run/user/1000/doc");

      g_assert_nonnull (op);
      g_assert_cmpint (op->kind, ==, WRAPPY_OP_BIND);
      g_assert_cmpstr (op->src, ==, "/run/user/1000/doc/by-app/org.example.Gui");
      g_assert_false (op->flags & WRAPPY_OP_FLAG_RO);
      g_assert_true (op->flags & WRAPPY_OP_FLAG_OPTIONAL);
      g_assert_cmpstr (filtered->documents, ==, op->src);
      g_assert_false (wrappy_plan_shows_host_path (filtered, "/run/user/1000/doc/by-app"));
      op = wrappy_plan_find_op (real, "/run/user/1000/doc");
      g_assert_nonnull (op);
      g_assert_cmpstr (op->src, ==, "/run/user/1000/doc/by-app/app.wrappy.gui");
      g_assert_null (wrappy_plan_find_op (no_bus, "/run/user/1000/doc"));
      g_assert_null (no_bus->documents);
      g_assert_null (wrappy_plan_find_op (no_portal, "/run/user/1000/doc"));
    }
  {
    g_autoptr (WrappyPlan) none
        = plan_with_documents (WRAPPY_ISOLATION_NONE, WRAPPY_BUS_REAL, NULL, "/run/user/1000/doc");
    /* A runtime dir elsewhere (no logind; the tests): the portal's answers name its
     * mount there, so the documents are there too; never at a path outside /tmp and
     * /run. */
    g_autoptr (WrappyPlan) tmp = plan_with_documents (WRAPPY_ISOLATION_FULL, WRAPPY_BUS_FILTERED,
                                                      NULL, "/tmp/runtime-alice/doc");
    g_autoptr (WrappyPlan) home = plan_with_documents (WRAPPY_ISOLATION_FULL, WRAPPY_BUS_FILTERED,
                                                       NULL, "/home/alice/.run/doc");
    const WrappyOp *op;

    g_assert_null (none->documents);
    op = wrappy_plan_find_op (tmp, "/tmp/runtime-alice/doc");
    g_assert_nonnull (op);
    g_assert_cmpstr (op->src, ==, "/tmp/runtime-alice/doc/by-app/org.example.Gui");
    g_assert_nonnull (wrappy_plan_find_op (tmp, "/run/user/1000/doc"));
    g_assert_null (wrappy_plan_find_op (home, "/home/alice/.run/doc"));
    g_assert_nonnull (wrappy_plan_find_op (home, "/run/user/1000/doc"));
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/plan-sockets/x11-granted", test_x11_granted);
  g_test_add_func ("/plan-sockets/filtered-buses", test_filtered_buses);
  g_test_add_func ("/plan-sockets/documents", test_documents);
  g_test_add_func ("/plan-sockets/not-granted", test_not_granted);
  g_test_add_func ("/plan-sockets/none-keeps-host", test_none_keeps_host);
  g_test_add_func ("/plan-sockets/session-bus-and-notes", test_session_bus_and_notes);
  g_test_add_func ("/plan-sockets/runtime-dir-sockets", test_runtime_dir_sockets_follow_the_config);
  g_test_add_func ("/plan-sockets/xauth-truncated", test_xauth_truncated);
  return g_test_run ();
}
