/* The permissions module: sources (the app's declarations, the user's overrides, the
 * command line) x levels -> effective permissions, as one table; then the merge, the
 * grant checks and the level's precedence on their own. */
#include "config.h"

#include <string.h>

#include "wrappy-error.h"
#include "wrappy-policy.h"
#include "wrappy-test-utils.h"

#define HOME "/home/alice"

/* Lists are ","-separated, NULL for none. */
typedef struct
{
  const char *name;
  WrappyIsolation level;
  /* sources */
  const char *declared_shared, *declared_sockets, *declared_devices, *declared_fs;
  const char *override_shared, *override_fs;
  const char *cl_share, *cl_unshare, *cl_socket;
  gboolean cl_home; /* --home= given */
  /* result */
  const char *shared, *sockets, *devices, *filesystems;
  const char *note; /* a substring of one note, or NULL for no note */
} PolicyCase;

#define NONE     WRAPPY_ISOLATION_NONE
#define PARTIAL  WRAPPY_ISOLATION_PARTIAL
#define FULL     WRAPPY_ISOLATION_FULL
#define PARANOID WRAPPY_ISOLATION_PARANOID

static const PolicyCase cases[] = {
  /* The app's network: at every level but paranoid, where only --share counts. */
  { "net-none", NONE, "network", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, FALSE, "network",
    "", "", "", NULL },
  { "net-partial", PARTIAL, "network", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, FALSE,
    "network", "", "", "", NULL },
  { "net-full", FULL, "network", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, FALSE, "network",
    "", "", "", NULL },
  { "net-paranoid", PARANOID, "network", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, FALSE, "",
    "", "", "", NULL },
  { "net-paranoid-cl", PARANOID, NULL, NULL, NULL, NULL, NULL, NULL, "network", NULL, NULL, FALSE,
    "network", "", "", "", NULL },
  { "net-unshare", FULL, "network", NULL, NULL, NULL, NULL, NULL, NULL, "network", NULL, FALSE, "",
    "", "", "", NULL },
  { "net-override-removes", FULL, "network", NULL, NULL, NULL, "!network", NULL, NULL, NULL, NULL,
    FALSE, "", "", "", "", NULL },
  { "net-override-adds-paranoid", PARANOID, NULL, NULL, NULL, NULL, "network", NULL, NULL, NULL,
    NULL, FALSE, "", "", "", "", NULL },
  /* Sockets and devices: likewise. */
  { "sockets-full", FULL, NULL, "x11,wayland", "dri", NULL, NULL, NULL, NULL, NULL, NULL, FALSE, "",
    "x11,wayland", "dri", "", NULL },
  { "sockets-paranoid", PARANOID, NULL, "x11,wayland", "dri", NULL, NULL, NULL, NULL, NULL, NULL,
    FALSE, "", "", "", "", "socket 'x11' not applied: at paranoid only --socket" },
  { "devices-paranoid", PARANOID, NULL, NULL, "dri", NULL, NULL, NULL, NULL, NULL, NULL, FALSE, "",
    "", "", "", "device 'dri' not applied: /dev is minimal at paranoid" },
  { "sockets-paranoid-cl", PARANOID, NULL, "x11", NULL, NULL, NULL, NULL, NULL, NULL, "wayland",
    FALSE, "", "wayland", "", "", "socket 'x11' not applied" },
  /* Issue 17, item 5: what real apps declare. */
  { "device-all-full", FULL, NULL, NULL, "all", NULL, NULL, NULL, NULL, NULL, NULL, FALSE, "", "",
    "dri", "", "device 'all': only /dev/dri is given" },
  { "device-all-dri-partial", PARTIAL, NULL, NULL, "dri,all", NULL, NULL, NULL, NULL, NULL, NULL,
    FALSE, "", "", "dri", "", "device 'all'" },
  { "device-kvm-full", FULL, NULL, NULL, "kvm", NULL, NULL, NULL, NULL, NULL, NULL, FALSE, "", "",
    "", "", "device 'kvm' not applied: only dri" },
  { "device-shm-full", FULL, NULL, NULL, "shm", NULL, NULL, NULL, NULL, NULL, NULL, FALSE, "", "",
    "", "", "/dev/shm of its own" },
  { "cups-pcsc-full", FULL, NULL, "cups,pcsc,fallback-x11", NULL, NULL, NULL, NULL, NULL, NULL,
    NULL, FALSE, "", "cups,pcsc,fallback-x11", "", "", NULL },
  { "cups-paranoid", PARANOID, NULL, "cups,pcsc", NULL, NULL, NULL, NULL, NULL, NULL, NULL, FALSE,
    "", "", "", "", "socket 'cups' not applied" },
  { "cups-paranoid-cl", PARANOID, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "cups", FALSE, "",
    "cups", "", "", NULL },
  { "agents-partial", PARTIAL, NULL, "ssh-auth,gpg-agent", NULL, NULL, NULL, NULL, NULL, NULL, NULL,
    FALSE, "", "ssh-auth,gpg-agent", "", "", NULL },
  { "agents-full", FULL, NULL, "ssh-auth,gpg-agent", NULL, NULL, NULL, NULL, NULL, NULL, NULL,
    FALSE, "", "", "", "", "does not reach your keys; grant it with --socket=ssh-auth" },
  { "agents-full-cl", FULL, NULL, "ssh-auth", NULL, NULL, NULL, NULL, NULL, NULL, "ssh-auth", FALSE,
    "", "ssh-auth", "", "", NULL },
  { "agents-paranoid", PARANOID, NULL, "ssh-auth", NULL, NULL, NULL, NULL, NULL, NULL, NULL, FALSE,
    "", "", "", "", "socket 'ssh-auth' not applied: at paranoid" },
  { "socket-unknown", FULL, NULL, "x11,telepathy", NULL, NULL, NULL, NULL, NULL, NULL, NULL, FALSE,
    "", "x11", "", "", "socket 'telepathy' not applied: wrappy does not know it" },
  /* Filesystem grants: marked rw or ro; read-only at paranoid unless marked rw; nothing
   * at none, where the host is all there. */
  { "home-none", NONE, NULL, NULL, NULL, "home", NULL, NULL, NULL, NULL, NULL, FALSE, "", "", "",
    "", NULL },
  { "home-partial", PARTIAL, NULL, NULL, NULL, "home", NULL, NULL, NULL, NULL, NULL, FALSE, "", "",
    "", "home:rw", NULL },
  { "home-full", FULL, NULL, NULL, NULL, "home", NULL, NULL, NULL, NULL, NULL, FALSE, "", "", "",
    "home:rw", "stay in its own home" },
  { "home-paranoid", PARANOID, NULL, NULL, NULL, "home,/srv/a:rw,/srv/b:create", NULL, NULL, NULL,
    NULL, NULL, FALSE, "", "", "", "home:ro,/srv/a:rw,/srv/b:ro", NULL },
  { "home-override-ro", FULL, NULL, NULL, NULL, "home", NULL, "home:ro", NULL, NULL, NULL, FALSE,
    "", "", "", "home:ro", NULL },
  { "home-override-removes", FULL, NULL, NULL, NULL, "home,xdg-download", NULL, "!home", NULL, NULL,
    NULL, FALSE, "", "", "", "xdg-download:rw", NULL },
  /* A home mode from the command line wins over the app's home and host grants. */
  { "home-mode-given", FULL, NULL, NULL, NULL, "home,host:ro,~/Documents", NULL, NULL, NULL, NULL,
    NULL, TRUE, "", "", "", "~/Documents:rw", "the home mode was given on the command line" },
  /* Issue 16, finding 2: the home's parent, the home itself, / and any ".." refused. */
  { "parent-of-home", FULL, NULL, NULL, NULL, "~/..", NULL, NULL, NULL, NULL, NULL, FALSE, "", "",
    "", "", "'..'" },
  { "home-by-path", FULL, NULL, NULL, NULL, "~:rw", NULL, NULL, NULL, NULL, NULL, FALSE, "", "", "",
    "", "holds it" },
  { "ancestor-by-path", FULL, NULL, NULL, NULL, "/home", NULL, NULL, NULL, NULL, NULL, FALSE, "",
    "", "", "", "holds it" },
  { "root", PARANOID, NULL, NULL, NULL, "/:ro", NULL, NULL, NULL, NULL, NULL, FALSE, "", "", "", "",
    "root directory" },
  { "dotdot-inside", FULL, NULL, NULL, NULL, "~/a/../../bob,xdg-music/../..", NULL, NULL, NULL,
    NULL, NULL, FALSE, "", "", "", "", "'..'" },
  { "relative", FULL, NULL, NULL, NULL, "Documents", NULL, NULL, NULL, NULL, NULL, FALSE, "", "",
    "", "", "no absolute path" },
  { "snap-home-paranoid", PARANOID, NULL, NULL, NULL, "snap-home", NULL, NULL, NULL, NULL, NULL,
    FALSE, "", "", "", "snap-home:ro", NULL },
  { "snap-home-mode-given", FULL, NULL, NULL, NULL, "snap-home", NULL, NULL, NULL, NULL, NULL, TRUE,
    "", "", "", "", "the home mode was given" },
  { "override-grant-checked", FULL, NULL, NULL, NULL, NULL, NULL, "/home:rw", NULL, NULL, NULL,
    FALSE, "", "", "", "", "holds it" },
};

static char **
list (const char *s)
{
  return s != NULL ? g_strsplit (s, ",", -1) : NULL;
}

static char *
joined (char **v)
{
  return v != NULL ? g_strjoinv (",", v) : g_strdup ("");
}

static gboolean
notes_have (char **notes, const char *what)
{
  for (char **n = notes; n && *n; n++)
    if (strstr (*n, what) != NULL)
      return TRUE;
  return FALSE;
}

static WrappyEffective *
resolve_case (const PolicyCase *c)
{
  g_autoptr (WrappyPermissions) declared = wrappy_permissions_new ();
  g_autoptr (WrappyPermissions) overrides = wrappy_permissions_new ();
  g_auto (GStrv) share = list (c->cl_share), unshare = list (c->cl_unshare);
  g_auto (GStrv) socket = list (c->cl_socket);
  WrappyCommandLine cl = { 0 };
  WrappyPolicyInput in = { 0 };
  g_autoptr (GError) error = NULL;
  WrappyEffective *e;

  declared->shared = list (c->declared_shared);
  declared->sockets = list (c->declared_sockets);
  declared->devices = list (c->declared_devices);
  declared->filesystems = list (c->declared_fs);
  overrides->shared = list (c->override_shared);
  overrides->filesystems = list (c->override_fs);
  cl.has_level = TRUE;
  cl.level = c->level;
  cl.has_home = c->cl_home;
  cl.home = WRAPPY_HOME_TMPFS;
  cl.share = share;
  cl.unshare = unshare;
  cl.sockets = socket;
  in.app_id = "org.example.App";
  in.declared_kind = WRAPPY_DECLARED_FLATPAK;
  in.declared = declared;
  in.overrides = overrides;
  in.cmdline = &cl;
  in.home_dir = HOME;
  in.cwd = HOME;
  e = wrappy_policy_resolve (&in, &error);
  g_assert_no_error (error);
  return e;
}

/* A snap installed before plugs meant what snapd means: its manifest's "home" and
 * "session-bus" (from the home and desktop plugs) are read as they mean now. */
static void
test_old_snap_manifest (void)
{
  g_autoptr (WrappyPermissions) declared = wrappy_permissions_new ();
  WrappyCommandLine cl = { TRUE, FULL };
  g_auto (GStrv) socket = g_strsplit ("session-bus", ",", -1);
  WrappyPolicyInput in = {
    "io.snapcraft.x", WRAPPY_DECLARED_SNAP_PLUGS, NULL, declared, NULL, NULL, &cl, HOME, HOME
  };
  g_autoptr (WrappyEffective) e = NULL, cl_bus = NULL;
  g_autofree char *fs = NULL, *sockets = NULL;

  declared->filesystems = g_strsplit ("home,/media", ",", -1);
  declared->sockets = g_strsplit ("x11,session-bus", ",", -1);
  e = wrappy_policy_resolve (&in, NULL);
  fs = g_strjoinv (",", e->filesystems);
  sockets = g_strjoinv (",", e->sockets);
  g_assert_cmpstr (fs, ==, "snap-home:rw,/media:rw");
  g_assert_cmpstr (sockets, ==, "x11");
  g_assert_true (notes_have (e->notes, "session-bus"));
  /* The user can still ask for the bus on the command line. */
  cl.sockets = socket;
  cl_bus = wrappy_policy_resolve (&in, NULL);
  g_assert_true (g_strv_contains ((const char *const *)cl_bus->sockets, "session-bus"));
}

/* The buses per level (wrappy-bus-policy.c): which, and the proxy's filter, from the
 * declared policy, an override and the command line. */
static const struct
{
  const char *name;
  WrappyIsolation level;
  const char *cl_socket, *cl_talk;
  WrappyBusAccess session, system;
  const char *session_rules; /* without the portal rules, which are always last */
} bus_cases[] = {
  { "none", NONE, NULL, NULL, WRAPPY_BUS_REAL, WRAPPY_BUS_REAL, NULL },
  { "partial", PARTIAL, NULL, NULL, WRAPPY_BUS_FILTERED, WRAPPY_BUS_FILTERED,
    "--own=org.example.App.*,--own=org.mpris.MediaPlayer2.org.example.App.*,"
    "--talk=org.example.Talk,--see=org.example.See" },
  { "full", FULL, NULL, NULL, WRAPPY_BUS_FILTERED, WRAPPY_BUS_FILTERED,
    "--own=org.example.App.*,--own=org.mpris.MediaPlayer2.org.example.App.*,"
    "--talk=org.example.Talk,--see=org.example.See" },
  { "full-whole", FULL, "session-bus", NULL, WRAPPY_BUS_REAL, WRAPPY_BUS_FILTERED, NULL },
  { "paranoid", PARANOID, NULL, NULL, WRAPPY_BUS_NONE, WRAPPY_BUS_NONE, NULL },
  { "paranoid-socket", PARANOID, "session-bus", NULL, WRAPPY_BUS_FILTERED, WRAPPY_BUS_NONE,
    "--own=org.example.App.*,--own=org.mpris.MediaPlayer2.org.example.App.*" },
  { "paranoid-talk", PARANOID, NULL, "org.example.Cl=talk", WRAPPY_BUS_FILTERED, WRAPPY_BUS_NONE,
    "--own=org.example.App.*,--own=org.mpris.MediaPlayer2.org.example.App.*,"
    "--talk=org.example.Cl" },
};

static void
test_buses (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (bus_cases); i++)
    {
      g_autoptr (WrappyPermissions) declared = wrappy_permissions_new ();
      g_autoptr (WrappyPermissions) overrides = wrappy_permissions_new ();
      g_auto (GStrv) socket = list (bus_cases[i].cl_socket);
      g_auto (GStrv) talk = list (bus_cases[i].cl_talk);
      WrappyCommandLine cl = { TRUE, bus_cases[i].level };
      WrappyPolicyInput in = {
        "org.example.App", WRAPPY_DECLARED_FLATPAK, NULL, declared, NULL, overrides, &cl, HOME, HOME
      };
      g_autoptr (WrappyEffective) e = NULL;
      g_autofree char *rules = NULL;

      g_test_message ("bus case %s", bus_cases[i].name);
      declared->session_bus
          = g_strsplit ("org.example.Talk=talk,org.example.See=see,org.example.Gone=talk", ",", -1);
      declared->system_bus = g_strsplit ("org.example.Sys=talk", ",", -1);
      /* The user takes one name away. */
      overrides->session_bus = g_strsplit ("org.example.Gone=none", ",", -1);
      cl.sockets = socket;
      cl.session_bus = talk;
      e = wrappy_policy_resolve (&in, NULL);
      g_assert_cmpint (e->session_bus, ==, bus_cases[i].session);
      g_assert_cmpint (e->system_bus, ==, bus_cases[i].system);
      g_assert_false (g_strv_contains ((const char *const *)e->sockets, "session-bus")
                      && e->session_bus != WRAPPY_BUS_REAL);
      if (bus_cases[i].session_rules == NULL)
        continue;
      g_assert_cmpuint (g_strv_length (e->session_bus_rules), >=, 2);
      rules = g_strjoinv (",", e->session_bus_rules);
      g_assert_true (g_str_has_prefix (rules, bus_cases[i].session_rules));
      g_assert_nonnull (strstr (rules, "--call=org.freedesktop.portal.Desktop=*,"
                                       "--broadcast=org.freedesktop.portal.Desktop=@/org/"
                                       "freedesktop/portal/*"));
      g_assert_nonnull (strstr (rules, "--call=org.freedesktop.portal.Documents=*"));
      /* Flatpak's own spawn portal, and no wildcard that would take it in. */
      g_assert_null (strstr (rules, "org.freedesktop.portal.Flatpak"));
      g_assert_null (strstr (rules, "org.freedesktop.portal.*"));
      g_assert_null (strstr (rules, "org.example.Gone"));
    }
}

/* Bus names reach xdg-dbus-proxy's command line: only valid ones. */
static void
test_bus_names (void)
{
  const char *good[] = { "org.example.App", "org.example.*", "org.a-b.c_d", "org.example.App.*" };
  const char *bad[] = { "",        "org",     ":1.2",   "org..x", "org.1x", "--talk=x",
                        "org.x y", "org.x=y", ".org.x", "*",      "org.*.x" };
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autoptr (WrappyPermissions) p = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    g_assert_true (wrappy_bus_name_valid (good[i]));
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    g_assert_false (wrappy_bus_name_valid (bad[i]));
  g_assert_true (g_key_file_load_from_data (kf,
                                            "[Session Bus Policy]\norg.example.A=talk\n"
                                            "org.example.B=sudo\n--own=x=own\n"
                                            "[System Bus Policy]\norg.example.S=own\n",
                                            -1, G_KEY_FILE_NONE, NULL));
  p = wrappy_permissions_from_keyfile (kf);
  g_assert_cmpuint (g_strv_length (p->session_bus), ==, 1);
  g_assert_cmpstr (p->session_bus[0], ==, "org.example.A=talk");
  g_assert_cmpstr (p->system_bus[0], ==, "org.example.S=own");
}

/* SPEC.md's level table: the namespaces and the filter each level gets, whatever the app
 * declares (a declared network only spares the network namespace where the level lets
 * declarations count), and what `info` says of them. */
static void
test_level_table (void)
{
  const struct
  {
    WrappyIsolation level;
    gboolean declares_network;
    WrappyUnshare unshare;
    WrappySeccompLevel seccomp;
    const char *line;
  } cases[] = {
    { NONE, FALSE, 0, WRAPPY_SECCOMP_NONE, "namespaces: user mount" },
    { PARTIAL, TRUE, WRAPPY_UNSHARE_PID, WRAPPY_SECCOMP_NONE, "namespaces: user mount pid" },
    { FULL, FALSE, WRAPPY_UNSHARE_ALL, WRAPPY_SECCOMP_FLATPAK,
      "namespaces: user mount pid ipc uts cgroup net" },
    { FULL, TRUE, WRAPPY_UNSHARE_ALL, WRAPPY_SECCOMP_FLATPAK,
      "namespaces: user mount pid ipc uts cgroup" },
    { PARANOID, TRUE, WRAPPY_UNSHARE_ALL, WRAPPY_SECCOMP_STRICT,
      "namespaces: user mount pid ipc uts cgroup net" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (WrappyPermissions) declared = wrappy_permissions_new ();
      WrappyCommandLine cl = { TRUE, cases[i].level };
      WrappyPolicyInput in = {
        "org.example.App", WRAPPY_DECLARED_FLATPAK, NULL, declared, NULL, NULL, &cl, HOME, HOME
      };
      g_autoptr (WrappyEffective) e = NULL;
      g_autoptr (WrappyLaunchSpec) spec = wrappy_launch_spec_new ();
      g_auto (GStrv) lines = NULL;

      if (cases[i].declares_network)
        declared->shared = g_strsplit ("network", ",", -1);
      e = wrappy_policy_resolve (&in, NULL);
      g_assert_cmphex (e->unshare, ==, cases[i].unshare);
      g_assert_cmpint (e->seccomp, ==, cases[i].seccomp);
      g_assert_cmphex (wrappy_level_rules (cases[i].level)->unshare, ==, cases[i].unshare);
      wrappy_effective_to_spec (e, spec);
      g_assert_cmphex (spec->unshare, ==, cases[i].unshare);
      g_assert_cmpint (spec->seccomp, ==, cases[i].seccomp);
      lines = wrappy_effective_describe (e);
      g_assert_true (g_strv_contains ((const char *const *)lines, cases[i].line));
    }
}

static void
test_table (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const PolicyCase *c = &cases[i];
      g_autoptr (WrappyEffective) e = resolve_case (c);
      g_autofree char *shared = joined (e->shared), *sockets = joined (e->sockets);
      g_autofree char *devices = joined (e->devices), *fs = joined (e->filesystems);

      g_test_message ("case %s", c->name);
      g_assert_cmpint (e->isolation, ==, c->level);
      g_assert_cmpstr (shared, ==, c->shared);
      g_assert_cmpstr (sockets, ==, c->sockets);
      g_assert_cmpstr (devices, ==, c->devices);
      g_assert_cmpstr (fs, ==, c->filesystems);
      if (c->note != NULL)
        g_assert_true (notes_have (e->notes, c->note));
      else
        g_assert_cmpuint (e->notes ? g_strv_length (e->notes) : 0, ==, 0);
    }
}

/* Per level: whether wrappy's own dirs are protected and the environment allowlisted. */
static void
test_levels (void)
{
  static const struct
  {
    WrappyIsolation level;
    gboolean protect, allowlist;
  } rows[] = {
    { NONE, FALSE, FALSE }, { PARTIAL, TRUE, FALSE }, { FULL, TRUE, TRUE }, { PARANOID, TRUE, TRUE }
  };
  g_autoptr (WrappyTestDirs) dirs = wrappy_test_dirs_new ();

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      PolicyCase c = { "levels", rows[i].level };
      g_autoptr (WrappyEffective) e = resolve_case (&c);
      gboolean config_hidden = FALSE, launchers_ro = FALSE;
      g_autofree char *config = g_build_filename (dirs->root, "config", "wrappy", NULL);
      g_autofree char *apps = g_build_filename (dirs->root, "data", "applications", NULL);

      for (guint j = 0; j < e->protect->len; j++)
        {
          const WrappyProtect *p = e->protect->pdata[j];
          if (strcmp (p->path, config) == 0 && p->kind == WRAPPY_PROTECT_HIDE)
            config_hidden = TRUE;
          if (strcmp (p->path, apps) == 0 && p->kind == WRAPPY_PROTECT_RO)
            launchers_ro = TRUE;
        }
      g_assert_cmpint (config_hidden, ==, rows[i].protect);
      g_assert_cmpint (launchers_ro, ==, rows[i].protect);
      g_assert_cmpint (e->host_env != NULL, ==, rows[i].allowlist);
      if (e->host_env != NULL)
        {
          g_assert_true (g_strv_contains ((const char *const *)e->host_env, "LANG"));
          g_assert_false (g_strv_contains ((const char *const *)e->host_env, "SSH_AUTH_SOCK"));
          /* Proxies only with the network. */
          g_assert_false (g_strv_contains ((const char *const *)e->host_env, "https_proxy"));
        }
    }
}

/* The command line over the overrides over the app's own default level. */
static void
test_level_precedence (void)
{
  g_autoptr (WrappyTestDirs) dirs = wrappy_test_dirs_new ();
  WrappyCommandLine cl = { 0 };
  WrappyPolicyInput in = {
    "org.example.App", WRAPPY_DECLARED_FLATPAK, "partial", NULL, NULL, NULL, &cl, HOME, HOME
  };
  g_autoptr (WrappyEffective) a = NULL, b = NULL, c = NULL, d = NULL;
  g_autoptr (GError) error = NULL;

  in.declared_level = NULL;
  a = wrappy_policy_resolve (&in, &error);
  g_assert_cmpint (a->isolation, ==, FULL);
  in.declared_level = "partial";
  b = wrappy_policy_resolve (&in, &error);
  g_assert_cmpint (b->isolation, ==, PARTIAL);
  in.override_level = "paranoid";
  c = wrappy_policy_resolve (&in, &error);
  g_assert_cmpint (c->isolation, ==, PARANOID);
  cl.has_level = TRUE;
  cl.level = NONE;
  d = wrappy_policy_resolve (&in, &error);
  g_assert_cmpint (d->isolation, ==, NONE);
  g_assert_no_error (error);
  in.cmdline = &(WrappyCommandLine){ 0 };
  in.override_level = "maximum";
  g_assert_null (wrappy_policy_resolve (&in, &error));
  g_assert_error (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE);
}

/* The overrides files: global, then the app's on top; [Wrappy] isolation from the
 * app's file first. */
static void
test_load_overrides (void)
{
  g_autoptr (WrappyTestDirs) dirs = wrappy_test_dirs_new ();
  g_autofree char *dir = g_build_filename (dirs->root, "config", "wrappy", "overrides", NULL);
  g_autofree char *global = g_build_filename (dir, "global", NULL);
  g_autofree char *app = g_build_filename (dir, "org.example.App", NULL);
  g_autoptr (WrappyPermissions) p = NULL;
  g_autofree char *level = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *fs = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (global,
                                      "[Wrappy]\nisolation=partial\n[Context]\n"
                                      "filesystems=xdg-music;home;\nshared=network;\n"
                                      "[Environment]\nA=1\n"
                                      "[Session Bus Policy]\norg.example.Talk=talk\n",
                                      -1, NULL));
  g_assert_true (g_file_set_contents (app,
                                      "[Wrappy]\nisolation= paranoid \n[Context]\n"
                                      "filesystems=!home;~/x:ro;\n[Session Bus Policy]\n"
                                      "org.example.Talk=none\norg.example.Own=own\n",
                                      -1, NULL));
  g_assert_true (wrappy_policy_load_overrides ("org.example.App", &p, &level, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (level, ==, "paranoid");
  fs = g_strjoinv (",", p->filesystems);
  /* In order, "!NAME" kept: loading them first into nothing dropped every "!NAME", so
   * the app's "!home" never took away a home the app declares. */
  g_assert_cmpstr (fs, ==, "xdg-music,home,!home,~/x:ro");
  {
    g_autoptr (WrappyPermissions) declared = wrappy_permissions_new ();
    g_autofree char *merged = NULL;
    declared->filesystems = g_strsplit ("home,xdg-pictures", ",", -1);
    wrappy_permissions_merge (declared, p);
    merged = g_strjoinv (",", declared->filesystems);
    g_assert_cmpstr (merged, ==, "xdg-pictures,xdg-music,~/x:ro");
  }
  /* Bus names too: the app's file wins, and its "none" survives to take a name away
   * (test-bus.sh: an override's NAME=none did not, after the files were appended). */
  g_assert_cmpstr (g_environ_getenv (p->session_bus, "org.example.Talk"), ==, "none");
  g_assert_cmpstr (g_environ_getenv (p->session_bus, "org.example.Own"), ==, "own");
  g_assert_cmpstr (p->shared[0], ==, "network");
  g_assert_cmpstr (g_environ_getenv (p->env, "A"), ==, "1");
}

/* The level alone (the assertions test-launch-spec.c made of the reader the policy
 * replaced): the app's file wins over global, a file without the key is passed over, a
 * bad level or a file that is not a key file is INVALID_DATA. */
static void
test_load_overrides_level (void)
{
  g_autoptr (WrappyTestDirs) dirs = wrappy_test_dirs_new ();
  g_autofree char *dir = g_build_filename (dirs->root, "config", "wrappy", "overrides", NULL);
  g_autofree char *global = g_build_filename (dir, "global", NULL);
  g_autofree char *app = g_build_filename (dir, "org.x.App", NULL);
  g_autoptr (GError) error = NULL;
  char *level = NULL;
  WrappyPermissions *p = NULL;

  g_assert_true (wrappy_policy_load_overrides ("org.x.App", &p, &level, &error));
  g_assert_null (level);
  g_clear_pointer (&p, wrappy_permissions_free);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (global, "[Wrappy]\nisolation=partial\n", -1, NULL));
  g_assert_true (g_file_set_contents (app, "[Other]\nx=1\n", -1, NULL));
  g_assert_true (wrappy_policy_load_overrides ("org.x.App", &p, &level, &error));
  g_assert_cmpstr (level, ==, "partial");
  g_clear_pointer (&level, g_free);
  g_clear_pointer (&p, wrappy_permissions_free);
  g_assert_true (g_file_set_contents (app, "[Wrappy]\nisolation=max\n", -1, NULL));
  g_assert_false (wrappy_policy_load_overrides ("org.x.App", &p, &level, &error));
  g_assert_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA);
  g_clear_error (&error);
  g_clear_pointer (&level, g_free);
  g_clear_pointer (&p, wrappy_permissions_free);
  g_assert_true (g_file_set_contents (app, "not a key file\n", -1, NULL));
  g_assert_false (wrappy_policy_load_overrides ("org.x.App", &p, &level, &error));
  g_assert_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA);
  g_clear_pointer (&level, g_free);
  g_clear_pointer (&p, wrappy_permissions_free);
}

static void
test_snap_plugs (void)
{
  g_autoptr (WrappyPermissions) p = wrappy_permissions_new ();
  const char *plugs[] = { "network", "network-bind", "home",      "opengl", "x11",
                          "content", "desktop",      "gsettings", "unity7", NULL };
  g_autofree char *shared = NULL, *fs = NULL;

  wrappy_permissions_add_snap_plugs (p, (char **)plugs);
  shared = g_strjoinv (",", p->shared);
  g_assert_cmpstr (shared, ==, "network");
  g_assert_cmpstr (p->devices[0], ==, "dri");
  g_assert_cmpstr (p->sockets[0], ==, "x11");
  g_assert_null (p->sockets[1]); /* no session-bus for desktop, gsettings, unity7 */
  fs = g_strjoinv (",", p->filesystems);
  g_assert_cmpstr (fs, ==, "snap-home");
}

static gboolean
protects (const WrappyEffective *e, const char *path, WrappyProtectKind kind)
{
  for (guint i = 0; i < e->protect->len; i++)
    {
      const WrappyProtect *p = e->protect->pdata[i];
      if (strcmp (p->path, path) == 0 && p->kind == kind)
        return TRUE;
    }
  return FALSE;
}

/* Item 3: at full and paranoid the files that make the host run code are read-only
 * under grants, unless the user names one (an override or --bind); not below full. */
static void
test_host_code (void)
{
  g_autoptr (WrappyTestDirs) dirs = wrappy_test_dirs_new ();
  g_autofree char *profile = g_build_filename (dirs->root, ".profile", NULL);
  PolicyCase full = { "host-code", FULL }, partial = { "host-code", PARTIAL };
  g_autoptr (WrappyEffective) f = resolve_case (&full), p = resolve_case (&partial);
  g_autoptr (WrappyPermissions) overrides = wrappy_permissions_new ();
  g_auto (GStrv) bind = NULL;
  g_autoptr (WrappyEffective) named = NULL;
  g_autoptr (GError) error = NULL;
  WrappyCommandLine cl = { TRUE, FULL };
  WrappyPolicyInput in = {
    "org.example.App", WRAPPY_DECLARED_FLATPAK, NULL, NULL, NULL, overrides, &cl, HOME, HOME
  };

  g_assert_true (protects (f, HOME "/.bashrc", WRAPPY_PROTECT_RO));
  g_assert_true (protects (f, HOME "/.ssh", WRAPPY_PROTECT_RO));
  g_assert_true (protects (f, HOME "/.config/autostart", WRAPPY_PROTECT_RO));
  g_assert_true (protects (f, HOME "/.config/systemd/user", WRAPPY_PROTECT_RO));
  g_assert_true (protects (f, HOME "/.local/bin", WRAPPY_PROTECT_RO));
  g_assert_false (protects (p, HOME "/.bashrc", WRAPPY_PROTECT_RO));

  /* Named by the user: an override's ~/.bashrc, a --bind of the file itself. */
  overrides->filesystems = g_strsplit ("~/.bashrc:rw", ",", -1);
  g_assert_true (g_file_set_contents (profile, "", -1, NULL));
  bind = g_strsplit (profile, ",", -1);
  cl.bind = bind;
  in.home_dir = dirs->root;
  named = wrappy_policy_resolve (&in, &error);
  g_assert_no_error (error);
  g_assert_false (protects (named, HOME "/.bashrc", WRAPPY_PROTECT_RO));
  {
    g_autofree char *bashrc = g_build_filename (dirs->root, ".bashrc", NULL);
    g_autofree char *zshrc = g_build_filename (dirs->root, ".zshrc", NULL);
    g_assert_false (protects (named, bashrc, WRAPPY_PROTECT_RO));
    g_assert_true (protects (named, zshrc, WRAPPY_PROTECT_RO));
    g_assert_false (protects (named, profile, WRAPPY_PROTECT_RO));
  }
}

/* At full an agent socket is the user's to give: an override naming it counts, the app's
 * declaration alone does not; persistent dirs are noted per home mode, and one that
 * leaves the home is refused. */
static void
test_agents_and_persist (void)
{
  g_autoptr (WrappyPermissions) declared = wrappy_permissions_new ();
  g_autoptr (WrappyPermissions) overrides = wrappy_permissions_new ();
  WrappyCommandLine cl = { TRUE, FULL };
  WrappyPolicyInput in = {
    "org.example.A", WRAPPY_DECLARED_FLATPAK, NULL, declared, NULL, overrides, &cl, HOME, HOME
  };
  g_autoptr (WrappyEffective) e = NULL, tmpfs = NULL;

  declared->sockets = g_strsplit ("gpg-agent,ssh-auth", ",", -1);
  declared->persistent = g_strsplit (".mozilla,../../etc,/etc", ",", -1);
  overrides->sockets = g_strsplit ("gpg-agent", ",", -1);
  e = wrappy_policy_resolve (&in, NULL);
  g_assert_true (g_strv_contains ((const char *const *)e->sockets, "gpg-agent"));
  g_assert_false (g_strv_contains ((const char *const *)e->sockets, "ssh-auth"));
  g_assert_true (notes_have (e->notes, "socket 'ssh-auth' not applied: at full"));
  g_assert_true (notes_have (e->notes, "persistent '.mozilla': kept in the app's private home"));
  g_assert_true (notes_have (e->notes, "persistent '../../etc' refused"));
  g_assert_true (notes_have (e->notes, "persistent '/etc' refused"));
  cl.has_home = TRUE;
  cl.home = WRAPPY_HOME_TMPFS;
  tmpfs = wrappy_policy_resolve (&in, NULL);
  g_assert_true (notes_have (tmpfs->notes, "persistent '.mozilla' not kept: --home=tmpfs"));
}

/* Names whose services run host commands (flatpak-session-helper, systemd, flatpak-portal,
 * the portals' backends, dconf) and a whole bus count only when the user grants them,
 * at every level above none; other names, and seeing those, as declared. */
static void
test_host_command_names (void)
{
  const WrappyIsolation levels[] = { WRAPPY_ISOLATION_PARTIAL, WRAPPY_ISOLATION_FULL };

  for (guint i = 0; i < G_N_ELEMENTS (levels); i++)
    {
      g_autoptr (WrappyPermissions) declared = wrappy_permissions_new ();
      g_autoptr (WrappyPermissions) overrides = wrappy_permissions_new ();
      g_auto (GStrv) talk = list ("org.freedesktop.systemd1=talk");
      g_auto (GStrv) socket = list ("session-bus");
      WrappyCommandLine cl = { TRUE, levels[i] };
      WrappyPolicyInput in = {
        "org.example.App", WRAPPY_DECLARED_FLATPAK, NULL, declared, NULL, overrides, &cl, HOME, HOME
      };
      g_autoptr (WrappyEffective) e = NULL, by_cl = NULL, by_override = NULL, whole = NULL;
      g_autofree char *rules = NULL, *cl_rules = NULL, *ov_rules = NULL;

      declared->session_bus
          = list ("org.freedesktop.Flatpak=talk,org.freedesktop.*=talk,"
                  "org.freedesktop.impl.portal.desktop.gtk=talk,"
                  "ca.desrt.dconf=own,org.example.Fine=talk,"
                  "org.freedesktop.systemd1=see,org.freedesktop.portal.Flatpak=talk,"
                  "org.gnome.Terminal=talk,org.kde.konsole-4242=talk,org.xfce.*=talk,"
                  "org.kde.KWin=own,org.kde.klauncher5=talk,org.kde.yakuake=talk,"
                  "org.kde.StatusNotifierWatcher=talk,org.gnome.TerminalFine=talk,"
                  "org.kde.konsolefine=talk");
      declared->sockets = list ("session-bus");
      e = wrappy_policy_resolve (&in, NULL);
      g_assert_cmpint (e->session_bus, ==, WRAPPY_BUS_FILTERED);
      g_assert_false (g_strv_contains ((const char *const *)e->sockets, "session-bus"));
      rules = joined (e->session_bus_rules);
      g_assert_nonnull (strstr (rules, "--talk=org.example.Fine"));
      g_assert_nonnull (strstr (rules, "--see=org.freedesktop.systemd1"));
      g_assert_null (strstr (rules, "--talk=org.freedesktop.Flatpak"));
      g_assert_null (strstr (rules, "--talk=org.freedesktop.*"));
      g_assert_null (strstr (rules, "impl.portal"));
      g_assert_null (strstr (rules, "dconf"));
      g_assert_null (strstr (rules, "org.freedesktop.portal.Flatpak"));
      /* The terminals, KLauncher and KWin; names that only look like them stay. */
      g_assert_false (
          g_strv_contains ((const char *const *)e->session_bus_rules, "--talk=org.gnome.Terminal"));
      g_assert_null (strstr (rules, "konsole-"));
      g_assert_null (strstr (rules, "org.xfce"));
      g_assert_null (strstr (rules, "KWin"));
      g_assert_null (strstr (rules, "klauncher"));
      g_assert_null (strstr (rules, "yakuake"));
      g_assert_nonnull (strstr (rules, "--talk=org.kde.StatusNotifierWatcher"));
      g_assert_nonnull (strstr (rules, "--talk=org.gnome.TerminalFine"));
      g_assert_nonnull (strstr (rules, "--talk=org.kde.konsolefine"));
      g_assert_true (notes_have (e->notes, "runs commands on the host"));
      g_assert_true (notes_have (e->notes, "does not get a whole bus"));

      /* By name on the command line, or in the user's overrides, they count. */
      cl.session_bus = talk;
      by_cl = wrappy_policy_resolve (&in, NULL);
      cl_rules = joined (by_cl->session_bus_rules);
      g_assert_nonnull (strstr (cl_rules, "--talk=org.freedesktop.systemd1"));
      g_assert_null (strstr (cl_rules, "--talk=org.freedesktop.Flatpak"));
      cl.session_bus = NULL;
      overrides->session_bus = list ("org.freedesktop.Flatpak=talk");
      by_override = wrappy_policy_resolve (&in, NULL);
      ov_rules = joined (by_override->session_bus_rules);
      g_assert_nonnull (strstr (ov_rules, "--talk=org.freedesktop.Flatpak"));
      /* The whole bus likewise. */
      cl.sockets = socket;
      whole = wrappy_policy_resolve (&in, NULL);
      g_assert_cmpint (whole->session_bus, ==, WRAPPY_BUS_REAL);
    }
}

/* The name the portals know an app by: a Flatpak app's own ID; for any other app one
 * element under app.wrappy. that xdg-desktop-portal takes for a valid app ID, whatever
 * characters the app's own name has, and that no two different names share. */
static void
test_portal_id (void)
{
  g_autofree char *flatpak = wrappy_bus_policy_portal_id ("org.example.App", TRUE);
  g_autofree char *plain = wrappy_bus_policy_portal_id ("hello", FALSE);
  g_autofree char *dotted = wrappy_bus_policy_portal_id ("org.example.App", FALSE);
  g_autofree char *underscored = wrappy_bus_policy_portal_id ("org_example_App", FALSE);
  g_autofree char *host = wrappy_bus_policy_portal_id ("host/python3", FALSE);
  g_autofree char *odd = wrappy_bus_policy_portal_id ("a-b+c.d/../e", FALSE);
  g_autofree char *none = wrappy_bus_policy_portal_id (NULL, FALSE);
  char *const all[] = { plain, dotted, underscored, host, odd, none };

  g_assert_cmpstr (flatpak, ==, "org.example.App");
  g_assert_cmpstr (plain, ==, "app.wrappy.hello");
  g_assert_cmpstr (underscored, ==, "app.wrappy.org_example_App");
  g_assert_true (g_str_has_prefix (dotted, "app.wrappy.org_example_App_"));
  g_assert_cmpstr (dotted, !=, underscored);
  g_assert_true (g_str_has_prefix (host, "app.wrappy.host_python3_"));
  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    {
      const char *last = all[i] + strlen ("app.wrappy.");
      g_assert_true (g_str_has_prefix (all[i], "app.wrappy."));
      g_assert_cmpuint (strlen (last), >, 0);
      for (const char *c = last; *c; c++)
        g_assert_true (g_ascii_isalnum (*c) || *c == '_');
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/policy/table", test_table);
  g_test_add_func ("/policy/buses", test_buses);
  g_test_add_func ("/policy/bus-names", test_bus_names);

  g_test_add_func ("/policy/level-table", test_level_table);
  g_test_add_func ("/policy/levels", test_levels);
  g_test_add_func ("/policy/old-snap-manifest", test_old_snap_manifest);
  g_test_add_func ("/policy/level-precedence", test_level_precedence);
  g_test_add_func ("/policy/load-overrides", test_load_overrides);
  g_test_add_func ("/policy/load-overrides-level", test_load_overrides_level);
  g_test_add_func ("/policy/snap-plugs", test_snap_plugs);
  g_test_add_func ("/policy/host-code", test_host_code);
  g_test_add_func ("/policy/agents-and-persist", test_agents_and_persist);
  g_test_add_func ("/policy/portal-id", test_portal_id);
  g_test_add_func ("/policy/host-command-names", test_host_command_names);
  return g_test_run ();
}
