/* The sources' table (wrappy-source.h): the built-in sources, and a fourth, fake one
 * that only this file defines, reached by install, run's launch spec, search and update
 * without any of them knowing its name: what a new source's folder would add. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "wrappy-builtins.h"
#include "wrappy-catalog.h"
#include "wrappy-error.h"
#include "wrappy-output.h"
#include "wrappy-source.h"
#include "wrappy-test-plan.h"
#include "wrappy-test-utils.h"

/* The commands these tests run (main.c's table is not in the library). */
extern const GOptionEntry wrappy_install_options[], wrappy_search_options[],
    wrappy_update_options[];
const WrappyCommand wrappy_commands[] = {
  { "install", NULL, NULL, NULL, wrappy_install_options, wrappy_builtin_install },
  { "search", NULL, NULL, NULL, wrappy_search_options, wrappy_builtin_search },
  { "update", NULL, NULL, NULL, wrappy_update_options, wrappy_builtin_update },
  { NULL },
};

/* ---------------------------------------------------------------- the fake source */

static guint fake_prepared;

static gboolean
fake_recognise (const char *file)
{
  return g_str_has_suffix (file, ".fake");
}

static WrappyManifest *
fake_manifest (void)
{
  WrappyManifest *m = wrappy_manifest_new ("org.example.Fake");
  m->source = g_strdup ("fake");
  m->origin = g_strdup ("fakehub");
  m->version = g_strdup ("1.0");
  m->command = g_strdup ("fake-app");
  return m;
}

static WrappyManifest *
fake_install_file (WrappyStore *store, const char *file, GCancellable *c, GError **error)
{
  return fake_manifest ();
}

static WrappyManifest *
fake_install (WrappyStore *store, const WrappyInstallRequest *req, GCancellable *c, GError **error)
{
  return fake_manifest ();
}

static void
fake_find (WrappyStore *store, const char *what, GPtrArray *hits, GPtrArray *unreachable)
{
  if (strcmp (what, "fake") == 0)
    g_ptr_array_add (
        hits, wrappy_search_hit_new ("org.example.Fake", "Fake", NULL, "1.0", "fake", "fakehub"));
}

/* Its apps live under /fake on a root base, like a snap's under /snap. */
static gboolean
fake_launch (WrappyLaunchSpec *spec, const WrappyManifest *m, const WrappyLaunchRequest *req,
             GError **error)
{
  const char *dirs[] = { "fake/own", NULL };
  spec->root_base
      = wrappy_root_base_new ("/fake", "/fake/app/1", "/fake/app/current", (char **)dirs);
  return TRUE;
}

static GPtrArray *
fake_origins (void)
{
  GPtrArray *o = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (o, g_strdup ("fakehub"));
  return o;
}

static gboolean
fake_prepare_update (WrappyStore *store, WrappyUpdate *u, GCancellable *c, GError **error)
{
  fake_prepared++;
  return TRUE; /* up to date */
}

static const WrappySource fake_source = {
  .name = "fake",
  .title = "Fake Store",
  .launch = fake_launch,
  .catalog_origins = fake_origins,
  .recognise_file = fake_recognise,
  .install_file = fake_install_file,
  .find = fake_find,
  .install = fake_install,
  .prepare_update = fake_prepare_update,
};

static const WrappySource *const only_fake[] = { &fake_source, NULL };

static int
run_builtin (const char *name, const char *const *args)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  const WrappyCommand *cmd = wrappy_command_find (wrappy_commands, name);
  int exit_code = 0;

  g_ptr_array_add (argv, (char *)name);
  for (const char *const *a = args; *a; a++)
    g_ptr_array_add (argv, (char *)*a);
  g_ptr_array_add (argv, NULL);
  if (!cmd->fn (cmd, argv->len - 1, (char **)argv->pdata, &exit_code, &error))
    {
      fprintf (stderr, "error: %s\n", error->message);
      return 1;
    }
  return exit_code;
}

/* ---------------------------------------------------------------- the tests */

static void
test_builtin_sources (void)
{
  const WrappySource *const *all = wrappy_sources ();
  g_autofree char *names = wrappy_source_names ();

  g_assert_cmpstr (names, ==, "flathub, appimage, snap");
  g_assert_true (wrappy_source_find ("flatpak") == wrappy_source_find ("flathub"));
  g_assert_null (wrappy_source_find ("fake"));
  for (const WrappySource *const *s = all; *s; s++)
    {
      /* Every source can be installed from, found, recognised and launched. */
      g_assert_nonnull ((*s)->install);
      g_assert_nonnull ((*s)->find);
      g_assert_nonnull ((*s)->recognise_file);
      g_assert_nonnull ((*s)->launch);
      g_assert_nonnull ((*s)->title);
    }
}

static void
test_snap_names (void)
{
  const WrappySource *snap = wrappy_source_find ("snap");
  struct
  {
    const char *name, *id, *command;
  } cases[] = {
    { "hello-snap", "io.snapcraft.hello-snap", NULL },
    { "hello-snap.other", "io.snapcraft.hello-snap", "hello-snap.other" },
    { "0ad", "io.snapcraft._0ad", NULL },
    { "a.b.c", NULL, NULL },
    { ".x", NULL, NULL },
    { "x.", NULL, NULL },
    { "../x", NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *command = NULL;
      g_autofree char *id = snap->id_for_name (cases[i].name, &command);
      g_assert_cmpstr (id, ==, cases[i].id);
      g_assert_cmpstr (command, ==, cases[i].command);
    }
  g_assert_null (wrappy_source_find ("flathub")->id_for_name);
}

static void
test_fake_install (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr (WrappyTestDirs) dirs = wrappy_test_dirs_new ();
      g_autofree char *file = g_build_filename (dirs->root, "app.fake", NULL);
      const char *args[] = { file, NULL };

      wrappy_sources_set_for_testing (only_fake);
      wrappy_test_write_file (file, "fake");
      exit (run_builtin ("install", args));
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("*Installed org.example.Fake 1.0 from fakehub*");
}

static void
test_fake_unknown_file (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr (WrappyTestDirs) dirs = wrappy_test_dirs_new ();
      g_autofree char *file = g_build_filename (dirs->root, "app.snap", NULL);
      const char *args[] = { file, NULL };

      /* Only the fake source is known: a .snap is nobody's. */
      wrappy_sources_set_for_testing (only_fake);
      wrappy_test_write_file (file, "x");
      exit (run_builtin ("install", args));
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*unknown file type*");
}

static void
fake_facts (WrappyHostFacts *f)
{
  static const char *const base[] = { "bin", "usr", "fake", "etc", NULL };

  memset (f, 0, sizeof *f);
  f->uid = f->gid = 1000;
  f->user_name = g_strdup ("alice");
  f->real_name = g_strdup ("Alice");
  f->home = g_strdup ("/home/alice");
  f->cwd = g_strdup ("/home/alice");
  f->base_entries = g_strdupv ((char **)base);
}

static void
test_fake_launch (void)
{
  g_autoptr (WrappyLaunchSpec) spec = wrappy_launch_spec_new ();
  g_autoptr (WrappyManifest) m = fake_manifest ();
  g_autoptr (WrappyPlan) plan = NULL;
  const char *argv[] = { "/fake/app/current/run", NULL };
  WrappyLaunchRequest req = { NULL, NULL, "/home/alice" };

  spec->app_id = g_strdup (m->id);
  spec->base_path = g_strdup ("/layers/base/files");
  spec->app_path = g_strdup ("/layers/app/files");
  spec->argv = g_strdupv ((char **)argv);
  spec->state_dir = g_strdup ("/home/alice/.local/state/wrappy/org.example.Fake");
  g_assert_true (fake_source.launch (spec, m, &req, NULL));
  plan = wrappy_test_plan (spec, fake_facts, NULL);
  /* The app at its source's place; the base's own /fake is not taken. */
  wrappy_test_assert_ro_bind (plan, "/layers/app/files", "/fake/app/1");
  wrappy_test_assert_op (plan, "/fake/app/current", WRAPPY_OP_SYMLINK, "/fake/app/1");
  wrappy_test_assert_ro_bind (plan, "/layers/base/files/usr", "/usr");
  g_assert_cmpint (wrappy_test_op_index (plan, "/fake"), ==, -1);
}

static void
test_fake_search (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr (WrappyTestDirs) dirs = wrappy_test_dirs_new ();
      g_autoptr (GPtrArray) entries
          = g_ptr_array_new_with_free_func ((GDestroyNotify)wrappy_catalog_entry_free);
      const char *args[] = { "--source=fake", "fake", NULL };

      wrappy_sources_set_for_testing (only_fake);
      g_ptr_array_add (
          entries, wrappy_catalog_entry_new ("org.example.Fake", "Fake App", "A fake app", "1.0"));
      g_assert_true (wrappy_catalog_save ("fake", "fakehub", entries, NULL));
      wrappy_output_set_json (TRUE);
      exit (run_builtin ("search", args));
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("*\"org.example.Fake\"*\"fakehub\"*");
}

static void
test_fake_search_unknown_source (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr (WrappyTestDirs) dirs = wrappy_test_dirs_new ();
      const char *args[] = { "--source=snap", "x", NULL };

      wrappy_sources_set_for_testing (only_fake);
      exit (run_builtin ("search", args));
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*unknown source 'snap'; use fake*");
}

static void
test_fake_update (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr (WrappyTestDirs) dirs = wrappy_test_dirs_new ();
      g_autoptr (WrappyManifest) m = fake_manifest ();
      const char *args[] = { "org.example.Fake", NULL };
      int rc;

      wrappy_sources_set_for_testing (only_fake);
      wrappy_manifest_add_layer (m, "base", "base", NULL, NULL, "layers/base/fake", "/usr");
      g_assert_true (wrappy_manifest_save (m, NULL));
      rc = run_builtin ("update", args);
      g_assert_cmpuint (fake_prepared, ==, 1);
      exit (rc);
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("*org.example.Fake*");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/source/builtin", test_builtin_sources);
  g_test_add_func ("/source/snap-names", test_snap_names);
  g_test_add_func ("/source/fake/install", test_fake_install);
  g_test_add_func ("/source/fake/unknown-file", test_fake_unknown_file);
  g_test_add_func ("/source/fake/launch", test_fake_launch);
  g_test_add_func ("/source/fake/search", test_fake_search);
  g_test_add_func ("/source/fake/search-unknown-source", test_fake_search_unknown_source);
  g_test_add_func ("/source/fake/update", test_fake_update);
  return g_test_run ();
}
