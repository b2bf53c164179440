/* The sockets, devices and persistent dirs real apps declare (issue 17, item 5): each
 * one granted within the level or refused with a note that says why, never dropped
 * silently. docs/permissions.md has the table, with ten Flathub apps' finish-args. */
#include "config.h"

#include <string.h>

#include "wrappy-i18n.h"
#include "wrappy-policy-private.h"

typedef enum
{
  SOCKET_DISPLAY, /* x11, wayland, fallback-x11, pulseaudio: the desktop's own */
  SOCKET_SERVICE, /* cups, pcsc: a local service that checks its clients itself */
  SOCKET_BUS,     /* the D-Bus buses (issue 18 filters them) */
  SOCKET_AGENT,   /* ssh-auth, gpg-agent: they act with the user's keys */
} SocketKind;

static const struct
{
  const char *name;
  SocketKind kind;
} known_sockets[] = {
  { "x11", SOCKET_DISPLAY },     { "fallback-x11", SOCKET_DISPLAY },
  { "wayland", SOCKET_DISPLAY }, { "pulseaudio", SOCKET_DISPLAY },
  { "cups", SOCKET_SERVICE },    { "pcsc", SOCKET_SERVICE },
  { "session-bus", SOCKET_BUS }, { "system-bus", SOCKET_BUS },
  { "ssh-auth", SOCKET_AGENT },  { "gpg-agent", SOCKET_AGENT },
};

static gboolean
lookup_socket (const char *name, SocketKind *kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (known_sockets); i++)
    if (strcmp (known_sockets[i].name, name) == 0)
      {
        *kind = known_sockets[i].kind;
        return TRUE;
      }
  return FALSE;
}

gboolean
wrappy_policy_socket_known (const char *name)
{
  SocketKind kind;

  return lookup_socket (name, &kind);
}

char *
wrappy_policy_socket_names (void)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (known_sockets); i++)
    g_string_append_printf (s, "%s%s", i ? ", " : "", known_sockets[i].name);
  return g_string_free (s, FALSE);
}

static gboolean
has (char **v, const char *s)
{
  return v != NULL && g_strv_contains ((const char *const *)v, s);
}

/* asked: the app's declaration merged with the user's overrides; user: the overrides'
 * own list (what the user granted by name). The command line always counts. At full, an
 * agent socket lets the app sign and log in as the user: like ~/.ssh and ~/.gnupg
 * (SPEC.md, "What no grant reaches"), only the user grants it, by name. */
char **
wrappy_policy_resolve_sockets (char **asked, char **user, char **cmdline,
                               const WrappyLevelRules *rules, GPtrArray *notes)
{
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
  g_autoptr (GPtrArray) all = g_ptr_array_new ();

  for (char **s = asked; s && *s; s++)
    g_ptr_array_add (all, *s);
  for (char **s = cmdline; s && *s; s++)
    if (!has (asked, *s))
      g_ptr_array_add (all, *s);
  for (guint i = 0; i < all->len; i++)
    {
      const char *s = all->pdata[i];
      SocketKind kind;
      gboolean by_user = has (cmdline, s);

      if (!lookup_socket (s, &kind))
        {
          wrappy_policy_note (notes, _ ("socket '%s' not applied: wrappy does not know it"), s);
          continue;
        }
      if (!by_user && !rules->declared_sockets)
        {
          wrappy_policy_note (notes,
                              _ ("socket '%s' not applied: at %s only --socket on the "
                                 "command line grants one"),
                              s, wrappy_isolation_to_string (rules->level));
          continue;
        }
      if (kind == SOCKET_AGENT && !by_user && !rules->declared_agents && !has (user, s))
        {
          wrappy_policy_note (notes,
                              _ ("socket '%s' not applied: at %s the app's own declaration "
                                 "does not reach your keys; grant it with --socket=%s or an "
                                 "override"),
                              s, wrappy_isolation_to_string (rules->level), s);
          continue;
        }
      g_strv_builder_add (b, s);
    }
  return g_strv_builder_end (b);
}

/* SPEC.md: /dev is minimal plus dri where devices are granted at all. "all" (Flatpak:
 * the host's whole /dev: disks, input devices that log keys, /dev/kvm, raw USB) gives
 * dri and nothing more; the app's private /dev/shm is always there. */
char **
wrappy_policy_resolve_devices (char **asked, const WrappyLevelRules *rules, GPtrArray *notes)
{
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
  gboolean dri = FALSE;

  for (char **d = asked; d && *d; d++)
    {
      if (!rules->declared_devices)
        wrappy_policy_note (notes, _ ("device '%s' not applied: /dev is minimal at %s"), *d,
                            wrappy_isolation_to_string (rules->level));
      else if (strcmp (*d, "dri") == 0)
        dri = TRUE;
      else if (strcmp (*d, "all") == 0)
        {
          dri = TRUE;
          wrappy_policy_note (notes, _ ("device 'all': only /dev/dri is given; the host's "
                                        "other devices (disks, input, kvm, USB) stay out of "
                                        "reach"));
        }
      else if (strcmp (*d, "shm") == 0)
        wrappy_policy_note (notes, _ ("device 'shm' not applied: the app has a /dev/shm of "
                                      "its own"));
      else
        wrappy_policy_note (notes, _ ("device '%s' not applied: only dri is given"), *d);
    }
  if (dri)
    g_strv_builder_add (b, "dri");
  return g_strv_builder_end (b);
}

/* Flatpak's persist=DIR maps ~/.var/app/ID/DIR at ~/DIR when the app has no home access.
 * wrappy's private home is the app's own and kept between runs, so DIR is kept as it is;
 * under --home=tmpfs the user asked for a home that vanishes, which wins; with the host's
 * home (host, overlay) there is nothing to map. A path that leaves the home is refused. */
void
wrappy_policy_note_persistent (char **asked, WrappyHomeMode home, GPtrArray *notes)
{
  for (char **p = asked; p && *p; p++)
    {
      g_auto (GStrv) parts = g_strsplit (*p, "/", -1);
      gboolean bad = (*p)[0] == '\0' || (*p)[0] == '/';

      for (char **c = parts; *c && !bad; c++)
        bad = strcmp (*c, "..") == 0;
      if (bad)
        wrappy_policy_note (notes, _ ("persistent '%s' refused: it is no path inside the home"),
                            *p);
      else if (home == WRAPPY_HOME_TMPFS)
        wrappy_policy_note (notes,
                            _ ("persistent '%s' not kept: --home=tmpfs asks for a home that "
                               "vanishes"),
                            *p);
      else if (home == WRAPPY_HOME_HOST || home == WRAPPY_HOME_OVERLAY)
        wrappy_policy_note (notes, _ ("persistent '%s': the host's home is there already"), *p);
      else
        wrappy_policy_note (notes, _ ("persistent '%s': kept in the app's private home"), *p);
    }
}

/* An agent's socket that a home or path grant shows (gpg's in ~/.gnupg when there is no
 * /run/user; an SSH_AUTH_SOCK under the home) would reach the user's keys through the
 * grant: a read-only mount does not stop connect(). At full and paranoid, unless the
 * socket is granted, the plan hides each one (wrappy-plan-protect.c puts /dev/null over
 * it where a grant shows it). */
void
wrappy_policy_protect_agents (GPtrArray *protect, const char *home, const char *ssh_auth_sock,
                              char **sockets)
{
  static const char *const gpg_sockets[]
      = { "S.gpg-agent", "S.gpg-agent.ssh", "S.gpg-agent.extra", "S.gpg-agent.browser" };

  if (!has (sockets, "gpg-agent"))
    for (guint i = 0; i < G_N_ELEMENTS (gpg_sockets); i++)
      {
        g_autofree char *p = g_build_filename (home, ".gnupg", gpg_sockets[i], NULL);
        g_ptr_array_add (protect, wrappy_protect_new (p, WRAPPY_PROTECT_HIDE));
      }
  if (!has (sockets, "ssh-auth") && ssh_auth_sock != NULL && g_path_is_absolute (ssh_auth_sock))
    {
      g_autofree char *p = g_canonicalize_filename (ssh_auth_sock, "/");
      g_ptr_array_add (protect, wrappy_protect_new (p, WRAPPY_PROTECT_HIDE));
    }
}
