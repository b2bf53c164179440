/* What the host lends an app (wrappy-plan-host.c), as data: fonts, caches and the
 * fontconfig snippet, icon themes, the time zone, the machine ID and the resolver's
 * files, per level and per layout, as flatpak-run.c lends them. */
#include "config.h"

#include <sched.h>
#include <string.h>

#include "wrappy-launch-spec.h"
#include "wrappy-plan.h"
#include "wrappy-policy.h"
#include "wrappy-test-plan.h"

#define HOST_ID "0123456789abcdef0123456789abcdef"

static void
fake_facts (WrappyHostFacts *f)
{
  static const char *const base[] = { "bin", "lib", "etc", "share", NULL };
  static const char *const etc[] = { "os-release", "ld.so.conf", "fonts", "localtime", NULL };

  memset (f, 0, sizeof *f);
  f->uid = f->gid = 1000;
  f->user_name = g_strdup ("alice");
  f->real_name = g_strdup ("Alice");
  f->home = g_strdup ("/home/alice");
  f->cwd = g_strdup ("/home/alice");
  f->env = g_new0 (char *, 1);
  f->base_entries = g_strdupv ((char **)base);
  f->base_etc_entries = g_strdupv ((char **)etc);
  f->has_resolv_conf = f->has_hosts = f->has_host_conf = f->has_gai_conf = TRUE;
  f->has_localtime = f->has_machine_id = TRUE;
  f->machine_id = g_strdup (HOST_ID);
  f->timezone = g_strdup ("Europe/Kyiv");
  f->host_zoneinfo = g_strdup ("/usr/share/zoneinfo");
  f->has_fonts = f->has_local_fonts = f->has_icons = TRUE;
  f->fonts_cache = g_strdup ("/var/cache/fontconfig");
  f->user_fonts = g_strdup ("/home/alice/.local/share/fonts");
  f->user_fonts_cache = g_strdup ("/home/alice/.cache/fontconfig");
  f->user_icons = g_strdup ("/home/alice/.local/share/icons");
}

/* A Flatpak app's spec with the level's lends, as the policy sets them. */
static WrappyLaunchSpec *
spec_at (WrappyIsolation level)
{
  WrappyLaunchSpec *spec = wrappy_launch_spec_new ();
  const WrappyLevelRules *rules = wrappy_level_rules (level);
  const char *argv[] = { "hello", NULL };

  spec->app_id = g_strdup ("org.example.Hello");
  spec->base_path = g_strdup ("/data/layers/platform/files");
  spec->app_path = g_strdup ("/data/layers/hello/files");
  spec->argv = g_strdupv ((char **)argv);
  spec->state_dir = g_strdup ("/home/alice/.local/state/wrappy/org.example.Hello");
  spec->isolation = level;
  spec->lend_host = rules->lend_host;
  spec->lend_user_files = rules->lend_user_files;
  spec->own_machine_id = rules->own_machine_id;
  return spec;
}

static const WrappyOp *
op_at (const WrappyPlan *plan, const char *dest)
{
  return wrappy_plan_find_op (plan, dest);
}

static void
test_lends_fonts_at_full (void)
{
  g_autoptr (WrappyLaunchSpec) spec = spec_at (WRAPPY_ISOLATION_FULL);
  g_autoptr (WrappyPlan) plan = wrappy_test_plan (spec, fake_facts, NULL);
  const WrappyOp *xml;

  wrappy_test_assert_ro_bind (plan, "/usr/share/fonts", "/run/host/fonts");
  wrappy_test_assert_ro_bind (plan, "/usr/local/share/fonts", "/run/host/local-fonts");
  wrappy_test_assert_ro_bind (plan, "/var/cache/fontconfig", "/run/host/fonts-cache");
  wrappy_test_assert_ro_bind (plan, "/home/alice/.local/share/fonts", "/run/host/user-fonts");
  wrappy_test_assert_ro_bind (plan, "/home/alice/.cache/fontconfig", "/run/host/user-fonts-cache");
  wrappy_test_assert_ro_bind (plan, "/usr/share/icons", "/run/host/share/icons");
  wrappy_test_assert_ro_bind (plan, "/home/alice/.local/share/icons", "/run/host/user-share/icons");
  xml = op_at (plan, "/run/host/font-dirs.xml");
  g_assert_nonnull (xml);
  g_assert_cmpint (xml->kind, ==, WRAPPY_OP_FILE);
  g_assert_nonnull (
      strstr (xml->src, "<remap-dir as-path=\"/usr/share/fonts\">/run/host/fonts</remap-dir>"));
  g_assert_nonnull (strstr (xml->src, "<remap-dir as-path=\"/home/alice/.local/share/fonts\">"
                                      "/run/host/user-fonts</remap-dir>"));
  /* Caches are lent, not remapped: fontconfig finds them through the runtime's cachedir. */
  g_assert_null (strstr (xml->src, "fonts-cache"));
}

/* The user's files come from the home, which paranoid does not lend; the host's system
 * fonts and icon themes, which every app on the host may read, it does. */
static void
test_lends_less_at_paranoid (void)
{
  g_autoptr (WrappyLaunchSpec) spec = spec_at (WRAPPY_ISOLATION_PARANOID);
  g_autoptr (WrappyPlan) plan = wrappy_test_plan (spec, fake_facts, NULL);

  wrappy_test_assert_ro_bind (plan, "/usr/share/fonts", "/run/host/fonts");
  wrappy_test_assert_ro_bind (plan, "/usr/share/icons", "/run/host/share/icons");
  g_assert_null (op_at (plan, "/run/host/user-fonts"));
  g_assert_null (op_at (plan, "/run/host/user-fonts-cache"));
  g_assert_null (op_at (plan, "/run/host/user-share/icons"));
  g_assert_null (strstr (op_at (plan, "/run/host/font-dirs.xml")->src, "user-fonts"));
}

/* At none the sandbox's /run is the host's: nothing is made under it. */
static void
test_lends_nothing_under_run_at_none (void)
{
  g_autoptr (WrappyLaunchSpec) spec = spec_at (WRAPPY_ISOLATION_NONE);
  g_autoptr (WrappyPlan) plan = wrappy_test_plan (spec, fake_facts, NULL);

  for (guint i = 0; i < plan->ops->len; i++)
    g_assert_false (g_str_has_prefix (((WrappyOp *)plan->ops->pdata[i])->dest, "/run/host"));
  /* The time zone and machine ID are /etc's, which is the sandbox's own even at none. */
  wrappy_test_assert_ro_bind (plan, "/etc/machine-id", "/etc/machine-id");
}

/* A host program has the host's /usr, fonts and all; a snap's base is laid out by snapd's
 * rules: neither gets Flatpak's /run/host lends. */
static void
test_lends_only_to_flatpak_layouts (void)
{
  g_autoptr (WrappyLaunchSpec) spec = spec_at (WRAPPY_ISOLATION_FULL);
  g_autoptr (WrappyPlan) plan = NULL;

  g_clear_pointer (&spec->app_path, g_free);
  spec->host_base = TRUE;
  plan = wrappy_test_plan (spec, fake_facts, NULL);
  g_assert_null (op_at (plan, "/run/host/fonts"));
  g_assert_null (op_at (plan, "/run/host/font-dirs.xml"));
  /* Its /usr is the host's: no zoneinfo over it, the host's localtime as a file. */
  g_assert_null (op_at (plan, "/usr/share/zoneinfo"));
  wrappy_test_assert_ro_bind (plan, "/etc/localtime", "/etc/localtime");
}

/* add_tzdata_args: the host's tzdata over the runtime's and /etc/localtime naming the
 * host's zone in it; /etc/timezone says the zone's name. */
static void
test_lends_time_zone (void)
{
  g_autoptr (WrappyLaunchSpec) spec = spec_at (WRAPPY_ISOLATION_FULL);
  g_autoptr (WrappyPlan) plan = wrappy_test_plan (spec, fake_facts, NULL);

  wrappy_test_assert_ro_bind (plan, "/usr/share/zoneinfo", "/usr/share/zoneinfo");
  wrappy_test_assert_op (plan, "/etc/localtime", WRAPPY_OP_SYMLINK,
                         "../usr/share/zoneinfo/Europe/Kyiv");
  wrappy_test_assert_op (plan, "/etc/timezone", WRAPPY_OP_FILE, "Europe/Kyiv\n");
  /* The bind comes after the layers, or /usr would cover it. */
  g_assert_cmpint (wrappy_test_op_index (plan, "/usr/share/zoneinfo"), >,
                   wrappy_test_op_index (plan, "/usr"));
}

static void
test_timezone_names (void)
{
  g_assert_true (wrappy_plan_valid_timezone ("UTC"));
  g_assert_true (wrappy_plan_valid_timezone ("America/Argentina/Buenos_Aires"));
  g_assert_true (wrappy_plan_valid_timezone ("Etc/GMT+3"));
  g_assert_false (wrappy_plan_valid_timezone (""));
  g_assert_false (wrappy_plan_valid_timezone ("/etc/passwd"));
  g_assert_false (wrappy_plan_valid_timezone ("../../etc/shadow"));
  g_assert_false (wrappy_plan_valid_timezone ("Europe/../../x"));
  g_assert_false (wrappy_plan_valid_timezone ("Europe//Kyiv"));
  g_assert_false (wrappy_plan_valid_timezone ("Europe/Kyiv\n"));
}

/* Full: the host's machine ID, as under Flatpak. Paranoid: the app's own, derived as
 * systemd's sd_id128_get_machine_app_specific does, different per app. */
static void
test_machine_id_per_level (void)
{
  g_autoptr (WrappyLaunchSpec) full = spec_at (WRAPPY_ISOLATION_FULL);
  g_autoptr (WrappyLaunchSpec) paranoid = spec_at (WRAPPY_ISOLATION_PARANOID);
  g_autoptr (WrappyPlan) p1 = wrappy_test_plan (full, fake_facts, NULL);
  g_autoptr (WrappyPlan) p2 = wrappy_test_plan (paranoid, fake_facts, NULL);
  g_autofree char *mine = wrappy_app_machine_id (HOST_ID, "org.example.Hello");
  g_autofree char *other = wrappy_app_machine_id (HOST_ID, "org.example.Other");
  const WrappyOp *op;

  wrappy_test_assert_ro_bind (p1, "/etc/machine-id", "/etc/machine-id");
  op = op_at (p2, "/etc/machine-id");
  g_assert_cmpint (op->kind, ==, WRAPPY_OP_FILE);
  g_assert_cmpstr (op->src, ==, mine);
  g_assert_cmpuint (strlen (mine), ==, 33);
  g_assert_cmpstr (mine, !=, other);
  g_assert_null (strstr (mine, HOST_ID));
  g_assert_cmpint (mine[12], ==, '4'); /* version 4 */
  g_assert_nonnull (strchr ("89ab", mine[16]));
  g_assert_null (wrappy_app_machine_id ("not an id", "org.example.Hello"));
  g_assert_null (wrappy_app_machine_id (NULL, "org.example.Hello"));
}

/* The resolver's files only with the network (Flatpak lends them always: without a
 * network they only describe the host's). */
static void
test_network_files (void)
{
  static const char *const files[]
      = { "/etc/resolv.conf", "/etc/hosts", "/etc/host.conf", "/etc/gai.conf" };
  g_autoptr (WrappyLaunchSpec) spec = spec_at (WRAPPY_ISOLATION_FULL);
  g_autoptr (WrappyPlan) offline = wrappy_test_plan (spec, fake_facts, NULL);
  g_autoptr (WrappyPlan) online = NULL;
  const char *shared[] = { "network", NULL };

  spec->shared = g_strdupv ((char **)shared);
  online = wrappy_test_plan (spec, fake_facts, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_assert_null (op_at (offline, files[i]));
      wrappy_test_assert_ro_bind (online, files[i], files[i]);
    }
}

/* A user font dir that is (or links into) wrappy's own store is not lent: the
 * protection covers lends like grants. */
static void
test_lends_protected (void)
{
  g_autoptr (WrappyLaunchSpec) spec = spec_at (WRAPPY_ISOLATION_FULL);
  g_autoptr (WrappyPlan) plan = NULL;

  g_ptr_array_add (spec->protect,
                   wrappy_protect_new ("/home/alice/.local/share/fonts", WRAPPY_PROTECT_HIDE));
  plan = wrappy_test_plan (spec, fake_facts, NULL);
  g_assert_null (op_at (plan, "/run/host/user-fonts"));
  g_assert_nonnull (plan->notes[0]);
}

/* container=flatpak where /.flatpak-info says Flatpak, so the two never disagree;
 * wrappy for the rest; the same word in /run/host/container-manager. */
static void
test_container_identity (void)
{
  g_autoptr (WrappyLaunchSpec) spec = spec_at (WRAPPY_ISOLATION_FULL);
  g_autoptr (WrappyPlan) other = wrappy_test_plan (spec, fake_facts, NULL);
  g_autoptr (WrappyPlan) flatpak = NULL;
  g_autoptr (WrappyPlan) none = NULL;

  g_assert_cmpstr (g_environ_getenv (other->envp, "container"), ==, "wrappy");
  wrappy_test_assert_op (other, "/run/host/container-manager", WRAPPY_OP_FILE, "wrappy\n");
  spec->flatpak_info = g_strdup ("[Application]\nname=org.example.Hello\n");
  flatpak = wrappy_test_plan (spec, fake_facts, NULL);
  g_assert_cmpstr (g_environ_getenv (flatpak->envp, "container"), ==, "flatpak");
  wrappy_test_assert_op (flatpak, "/run/host/container-manager", WRAPPY_OP_FILE, "flatpak\n");
  spec->isolation = WRAPPY_ISOLATION_NONE;
  none = wrappy_test_plan (spec, fake_facts, NULL);
  g_assert_cmpstr (g_environ_getenv (none->envp, "container"), ==, "flatpak");
  g_assert_null (op_at (none, "/run/host/container-manager"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/lends/fonts-at-full", test_lends_fonts_at_full);
  g_test_add_func ("/lends/less-at-paranoid", test_lends_less_at_paranoid);
  g_test_add_func ("/lends/nothing-under-run-at-none", test_lends_nothing_under_run_at_none);
  g_test_add_func ("/lends/only-to-flatpak-layouts", test_lends_only_to_flatpak_layouts);
  g_test_add_func ("/lends/time-zone", test_lends_time_zone);
  g_test_add_func ("/lends/timezone-names", test_timezone_names);
  g_test_add_func ("/lends/machine-id-per-level", test_machine_id_per_level);
  g_test_add_func ("/lends/network-files", test_network_files);
  g_test_add_func ("/lends/protected", test_lends_protected);
  g_test_add_func ("/lends/container-identity", test_container_identity);
  return g_test_run ();
}
