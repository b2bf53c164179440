/* Desktop sockets in the plan, only when the spec grants them (the caller has already
 * applied the level: at paranoid only the command line grants sockets). X11 and the
 * D-Bus buses are bound here, at fixed places; Wayland and PulseAudio/PipeWire live in
 * $XDG_RUNTIME_DIR and come from the path-pattern config's [socket=…] sections
 * (wrappy-paths.c), which this file only points the variables at. Above
 * --isolation=none the host's variables are dropped, so an app without the grant is
 * not even told where the sockets are. */
#include "config.h"

#include <string.h>

#include "wrappy-i18n.h"
#include "wrappy-plan-private.h"

/* Host variables naming a display server, sound server or bus. */
static const char *const socket_env[] = {
  "DISPLAY",
  "XAUTHORITY",
  "WAYLAND_DISPLAY",
  "WAYLAND_SOCKET",
  "PULSE_SERVER",
  "PULSE_COOKIE",
  "DBUS_SESSION_BUS_ADDRESS",
  "DBUS_SYSTEM_BUS_ADDRESS",
  "SSH_AUTH_SOCK",
  "PCSCLITE_CSOCK_NAME",
  "CUPS_SERVER",
  "GPG_AGENT_INFO",
  "AT_SPI_BUS_ADDRESS",
};

#define SANDBOX_X11_DISPLAY "99"
#define SYSTEM_BUS_SOCKET   "/run/dbus/system_bus_socket"
/* Where flatpak-run-sockets.c and flatpak-run-cups.c put them. */
#define SANDBOX_CUPS_SOCKET "/run/cups/cups.sock" /* /var/run is a link to /run */
#define SANDBOX_PCSC_SOCKET "/run/pcscd/pcscd.comm"
#define SANDBOX_SSH_AUTH    "/run/flatpak/ssh-auth"

/* FamilyLocal and FamilyWild from X11/Xauth.h. */
#define XAUTH_FAMILY_LOCAL 256
#define XAUTH_FAMILY_WILD  65535

typedef struct
{
  guint16 family;
  GBytes *fields[4]; /* address, number, name, data */
} XauthEntry;

static gboolean
read_field (const guint8 **p, const guint8 *end, GBytes **out)
{
  guint16 len;

  if (end - *p < 2)
    return FALSE;
  len = ((*p)[0] << 8) | (*p)[1];
  *p += 2;
  if (end - *p < len)
    return FALSE;
  *out = g_bytes_new (*p, len);
  *p += len;
  return TRUE;
}

static void
write_field (GByteArray *out, const void *data, gsize len)
{
  guint8 hdr[2] = { (len >> 8) & 0xff, len & 0xff };

  g_byte_array_append (out, hdr, 2);
  g_byte_array_append (out, data, len);
}

static gboolean
bytes_equal_str (GBytes *b, const char *s)
{
  gsize len;
  const char *data = g_bytes_get_data (b, &len);

  return len == strlen (s) && memcmp (data, s, len) == 0;
}

/* The caller's Xauthority cut down to the cookies for its display, renumbered to the
 * sandbox's display and made valid for any host name (the sandbox may have its own):
 * the app gets one cookie, not the user's whole collection (flatpak does the same). */
GBytes *
wrappy_plan_filter_xauthority (GBytes *xauth, const char *display_number)
{
  g_autoptr (GByteArray) out = g_byte_array_new ();
  gsize len;
  const guint8 *p = xauth ? g_bytes_get_data (xauth, &len) : NULL;
  const guint8 *end = p ? p + len : NULL;

  while (p != NULL && end - p >= 2)
    {
      XauthEntry e = { 0 };
      gboolean ok;

      e.family = (p[0] << 8) | p[1];
      p += 2;
      ok = read_field (&p, end, &e.fields[0]) && read_field (&p, end, &e.fields[1])
           && read_field (&p, end, &e.fields[2]) && read_field (&p, end, &e.fields[3]);
      if (ok && (e.family == XAUTH_FAMILY_LOCAL || e.family == XAUTH_FAMILY_WILD)
          && bytes_equal_str (e.fields[1], display_number))
        {
          guint8 fam[2] = { XAUTH_FAMILY_WILD >> 8, XAUTH_FAMILY_WILD & 0xff };
          gsize n;
          const void *d;

          g_byte_array_append (out, fam, 2);
          write_field (out, "", 0);
          write_field (out, SANDBOX_X11_DISPLAY, strlen (SANDBOX_X11_DISPLAY));
          d = g_bytes_get_data (e.fields[2], &n);
          write_field (out, d, n);
          d = g_bytes_get_data (e.fields[3], &n);
          write_field (out, d, n);
        }
      for (guint i = 0; i < G_N_ELEMENTS (e.fields); i++)
        g_clear_pointer (&e.fields[i], g_bytes_unref);
      if (!ok)
        break; /* truncated: keep what was whole */
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

static gboolean
granted (const WrappyLaunchSpec *spec, const char *name)
{
  return spec->sockets != NULL && g_strv_contains ((const char *const *)spec->sockets, name);
}

static void
bind_socket (WrappyPlan *plan, const char *host, const char *dest)
{
  wrappy_plan_add_op (plan, WRAPPY_OP_BIND, WRAPPY_OP_FLAG_OPTIONAL, host, dest, 0);
}

static void
add_x11 (WrappyPlan *plan, const WrappyHostFacts *f, const char *run_dir, GPtrArray *notes)
{
  g_autoptr (GBytes) cookies = NULL;
  g_autofree char *xauth_dest = NULL;

  if (f->x11_socket == NULL)
    {
      g_ptr_array_add (notes, g_strdup (_ ("socket 'x11' not applied: no X11 display here")));
      return;
    }
  bind_socket (plan, f->x11_socket, "/tmp/.X11-unix/X" SANDBOX_X11_DISPLAY);
  cookies = wrappy_plan_filter_xauthority (f->xauthority, f->x11_display_number);
  if (g_bytes_get_size (cookies) > 0)
    {
      xauth_dest = g_build_filename (run_dir, "Xauthority", NULL);
      wrappy_plan_add_file (plan, cookies, xauth_dest, 0600);
    }
}

void
wrappy_plan_add_sockets (WrappyPlan *plan, const WrappyLaunchSpec *spec, const WrappyHostFacts *f,
                         GPtrArray *notes)
{
  g_autofree char *run_dir = g_strdup_printf ("/run/user/%u", (guint)f->uid);
  gboolean x11
      = granted (spec, "x11") || (granted (spec, "fallback-x11") && f->wayland_socket == NULL);

  if (spec->isolation == WRAPPY_ISOLATION_NONE)
    return;
  if (x11)
    add_x11 (plan, f, run_dir, notes);
  if (granted (spec, "session-bus") && f->session_bus_socket != NULL)
    {
      g_autofree char *dest = g_build_filename (run_dir, "bus", NULL);
      bind_socket (plan, f->session_bus_socket, dest);
    }
  if (granted (spec, "system-bus") && f->system_bus_socket != NULL)
    bind_socket (plan, f->system_bus_socket, SYSTEM_BUS_SOCKET);
  wrappy_plan_add_buses (plan, spec, f, notes);
  wrappy_plan_add_documents (plan, spec, f);

  /* The local services and agents (flatpak-run-sockets.c, flatpak-run-cups.c). Read-only
   * binds, as Flatpak's: the socket is for connecting, not for replacing. */
  {
    g_autofree char *gpg_dest = g_build_filename (run_dir, "gnupg/S.gpg-agent", NULL);
    const struct
    {
      const char *name, *host, *dest;
    } services[] = {
      { "cups", f->cups_socket, SANDBOX_CUPS_SOCKET },
      { "pcsc", f->pcsc_socket, SANDBOX_PCSC_SOCKET },
      { "ssh-auth", f->ssh_auth_socket, SANDBOX_SSH_AUTH },
      { "gpg-agent", f->gpg_agent_socket, gpg_dest },
    };
    for (guint i = 0; i < G_N_ELEMENTS (services); i++)
      {
        if (!granted (spec, services[i].name))
          continue;
        if (services[i].host == NULL)
          g_ptr_array_add (notes, g_strdup_printf (_ ("socket '%s' not applied: no such socket "
                                                      "here"),
                                                   services[i].name));
        else
          wrappy_plan_add_op (plan, WRAPPY_OP_BIND, WRAPPY_OP_FLAG_RO | WRAPPY_OP_FLAG_OPTIONAL,
                              services[i].host, services[i].dest, 0);
      }
  }
  if (granted (spec, "session-bus") && f->session_bus_socket == NULL)
    g_ptr_array_add (notes, g_strdup (_ ("socket 'session-bus' not applied: no session bus "
                                         "socket on a path here")));
}

/* Above none: the host's socket variables go, the granted ones point inside. */
char **
wrappy_plan_socket_env (char **envp, const WrappyPlan *plan, const WrappyLaunchSpec *spec,
                        const WrappyHostFacts *f)
{
  g_autofree char *run_dir = g_strdup_printf ("/run/user/%u", (guint)f->uid);
  const WrappyOp *op;

  if (spec->isolation == WRAPPY_ISOLATION_NONE)
    return envp;
  for (guint i = 0; i < G_N_ELEMENTS (socket_env); i++)
    envp = g_environ_unsetenv (envp, socket_env[i]);
  if (wrappy_plan_find_op (plan, "/tmp/.X11-unix/X" SANDBOX_X11_DISPLAY) != NULL)
    {
      g_autofree char *xauth = g_build_filename (run_dir, "Xauthority", NULL);
      envp = g_environ_setenv (envp, "DISPLAY", ":" SANDBOX_X11_DISPLAY ".0", TRUE);
      if (wrappy_plan_find_op (plan, xauth) != NULL)
        envp = g_environ_setenv (envp, "XAUTHORITY", xauth, TRUE);
    }
  {
    const char *display = g_environ_getenv (f->env, "WAYLAND_DISPLAY");
    g_autofree char *name = g_path_get_basename (display ? display : "wayland-0");
    g_autofree char *wayland = g_build_filename (run_dir, name, NULL);
    g_autofree char *pulse = g_build_filename (run_dir, "pulse/native", NULL);
    g_autofree char *bus = g_build_filename (run_dir, "bus", NULL);
    g_autofree char *a11y = g_build_filename (run_dir, "at-spi-bus", NULL);

    /* The config binds what is in the runtime dir under the same names. */
    if (wrappy_plan_find_op (plan, wayland) != NULL)
      envp = g_environ_setenv (envp, "WAYLAND_DISPLAY", name, TRUE);
    if (wrappy_plan_find_op (plan, pulse) != NULL)
      {
        g_autofree char *v = g_strconcat ("unix:", pulse, NULL);
        envp = g_environ_setenv (envp, "PULSE_SERVER", v, TRUE);
      }
    if (wrappy_plan_find_op (plan, bus) != NULL)
      {
        g_autofree char *v = g_strconcat ("unix:path=", bus, NULL);
        envp = g_environ_setenv (envp, "DBUS_SESSION_BUS_ADDRESS", v, TRUE);
      }
    if (wrappy_plan_find_op (plan, a11y) != NULL)
      {
        g_autofree char *v = g_strconcat ("unix:path=", a11y, NULL);
        envp = g_environ_setenv (envp, "AT_SPI_BUS_ADDRESS", v, TRUE);
      }
  }
  op = wrappy_plan_find_op (plan, SYSTEM_BUS_SOCKET);
  if (op != NULL)
    envp = g_environ_setenv (envp, "DBUS_SYSTEM_BUS_ADDRESS", "unix:path=" SYSTEM_BUS_SOCKET, TRUE);
  if (wrappy_plan_find_op (plan, SANDBOX_CUPS_SOCKET) != NULL)
    envp = g_environ_setenv (envp, "CUPS_SERVER", SANDBOX_CUPS_SOCKET, TRUE);
  if (wrappy_plan_find_op (plan, SANDBOX_PCSC_SOCKET) != NULL)
    envp = g_environ_setenv (envp, "PCSCLITE_CSOCK_NAME", SANDBOX_PCSC_SOCKET, TRUE);
  if (wrappy_plan_find_op (plan, SANDBOX_SSH_AUTH) != NULL)
    envp = g_environ_setenv (envp, "SSH_AUTH_SOCK", SANDBOX_SSH_AUTH, TRUE);
  return envp;
}

/* --- facts ---------------------------------------------------------------------- */

static char *
existing (char *path)
{
  if (path != NULL && g_file_test (path, G_FILE_TEST_EXISTS))
    return path;
  g_free (path);
  return NULL;
}

/* ":0", ":0.0", "unix:0", "/tmp/.X11-unix/X0" (XQuartz-style paths are not ours). */
static char *
display_number (const char *display)
{
  const char *colon = display ? strrchr (display, ':') : NULL;
  const char *start;
  gsize n = 0;

  if (colon == NULL || (colon != display && !g_str_has_prefix (display, "unix:")))
    return NULL; /* host:N is TCP: nothing to bind */
  start = colon + 1;
  while (g_ascii_isdigit (start[n]))
    n++;
  return n > 0 ? g_strndup (start, n) : NULL;
}

static char *
bus_path (const char *address)
{
  g_auto (GStrv) addrs = g_strsplit (address ? address : "", ";", -1);

  for (char **a = addrs; *a; a++)
    {
      g_auto (GStrv) parts = NULL;
      if (!g_str_has_prefix (*a, "unix:"))
        continue;
      parts = g_strsplit (*a + 5, ",", -1);
      for (char **p = parts; *p; p++)
        if (g_str_has_prefix (*p, "path="))
          return g_strdup (*p + 5);
    }
  return NULL;
}

/* flatpak-run-cups.c: a path in CUPS_SERVER, else ServerName (a path) in
 * ~/.cups/client.conf or /etc/cups/client.conf, else the default socket. A server on
 * the network is not a socket to lend. */
static gboolean
cups_is_socket (const char *server)
{
  return server != NULL && server[0] == '/' && strchr (server, ':') == NULL;
}

static char *
cups_client_conf_server (const char *path)
{
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return NULL;
  lines = g_strsplit (text, "\n", -1);
  for (char **l = lines; *l; l++)
    {
      char *line = g_strstrip (*l);
      if (g_str_has_prefix (line, "ServerName") && g_ascii_isspace (line[10]))
        {
          char *v = g_strstrip (line + 10);
          if (cups_is_socket (v))
            return g_strdup (v);
        }
    }
  return NULL;
}

static char *
cups_server (const WrappyHostFacts *f)
{
  const char *env = g_environ_getenv (f->env, "CUPS_SERVER");
  g_autofree char *user_conf = g_build_filename (f->home, ".cups/client.conf", NULL);
  char *server;

  if (cups_is_socket (env))
    return g_strdup (env);
  if ((server = cups_client_conf_server (user_conf)) != NULL
      || (server = cups_client_conf_server ("/etc/cups/client.conf")) != NULL)
    return server;
  return g_strdup ("/run/cups/cups.sock");
}

/* As flatpak_run_add_gpg_agent_args: gpgconf knows where this user's agent listens. */
static char *
gpg_agent_socket (void)
{
  const char *argv[] = { "gpgconf", "--list-dir", "agent-socket", NULL };
  g_autofree char *out = NULL;
  int status;

  if (!g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, &out, NULL, &status, NULL)
      || !g_spawn_check_wait_status (status, NULL) || out == NULL)
    return NULL;
  g_strstrip (out);
  return out[0] == '/' ? g_steal_pointer (&out) : NULL;
}

void
wrappy_host_facts_collect_sockets (WrappyHostFacts *f, const WrappyLaunchSpec *spec)
{
  const char *runtime_dir = g_environ_getenv (f->env, "XDG_RUNTIME_DIR");
  const char *wayland = g_environ_getenv (f->env, "WAYLAND_DISPLAY");
  const char *xauth = g_environ_getenv (f->env, "XAUTHORITY");

  if (spec->isolation == WRAPPY_ISOLATION_NONE
      || ((spec->sockets == NULL || spec->sockets[0] == NULL)
          && spec->session_bus != WRAPPY_BUS_FILTERED && spec->system_bus != WRAPPY_BUS_FILTERED))
    return;
  if (spec->a11y_bus && spec->session_bus == WRAPPY_BUS_FILTERED)
    f->a11y_bus_address = wrappy_host_facts_a11y_address (f->env);
  if (spec->session_bus == WRAPPY_BUS_FILTERED || spec->session_bus == WRAPPY_BUS_REAL)
    f->documents = wrappy_host_facts_documents (f->env);
  f->x11_display_number = display_number (g_environ_getenv (f->env, "DISPLAY"));
  if (f->x11_display_number != NULL)
    {
      g_autofree char *data = NULL;
      gsize len;
      g_autofree char *fallback = g_build_filename (f->home, ".Xauthority", NULL);

      f->x11_socket = existing (g_strconcat ("/tmp/.X11-unix/X", f->x11_display_number, NULL));
      if (g_file_get_contents (xauth ? xauth : fallback, &data, &len, NULL))
        f->xauthority = g_bytes_new_take (g_steal_pointer (&data), len);
    }
  if (runtime_dir != NULL && runtime_dir[0] == '/')
    {
      if (wayland == NULL)
        wayland = "wayland-0";
      f->wayland_socket = existing (
          wayland[0] == '/' ? g_strdup (wayland) : g_build_filename (runtime_dir, wayland, NULL));
    }
  f->session_bus_socket
      = existing (bus_path (g_environ_getenv (f->env, "DBUS_SESSION_BUS_ADDRESS")));
  f->system_bus_socket = existing (g_strdup (SYSTEM_BUS_SOCKET));
  if (granted (spec, "cups"))
    f->cups_socket = existing (cups_server (f));
  if (granted (spec, "pcsc"))
    {
      const char *pcsc = g_environ_getenv (f->env, "PCSCLITE_CSOCK_NAME");
      f->pcsc_socket = existing (g_strdup (pcsc ? pcsc : "/run/pcscd/pcscd.comm"));
    }
  if (granted (spec, "ssh-auth"))
    {
      const char *ssh = g_environ_getenv (f->env, "SSH_AUTH_SOCK");
      f->ssh_auth_socket = ssh != NULL && ssh[0] == '/' ? existing (g_strdup (ssh)) : NULL;
    }
  if (granted (spec, "gpg-agent"))
    f->gpg_agent_socket = existing (gpg_agent_socket ());
}

void
wrappy_host_facts_clear_sockets (WrappyHostFacts *f)
{
  g_clear_pointer (&f->x11_socket, g_free);
  g_clear_pointer (&f->x11_display_number, g_free);
  g_clear_pointer (&f->xauthority, g_bytes_unref);
  g_clear_pointer (&f->wayland_socket, g_free);
  g_clear_pointer (&f->session_bus_socket, g_free);
  g_clear_pointer (&f->system_bus_socket, g_free);
  g_clear_pointer (&f->cups_socket, g_free);
  g_clear_pointer (&f->pcsc_socket, g_free);
  g_clear_pointer (&f->ssh_auth_socket, g_free);
  g_clear_pointer (&f->gpg_agent_socket, g_free);
  g_clear_pointer (&f->a11y_bus_address, g_free);
  g_clear_pointer (&f->documents, g_free);
}
