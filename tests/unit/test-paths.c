/* Path-pattern config: parsing (sections, rw/ro, ${VAR}, regex per component, errors
 * with file:line) and matching on a temp dir. */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include "wrappy-error.h"
#include "wrappy-launch-spec.h"
#include "wrappy-paths.h"
#include "wrappy-test-utils.h"

static char **
fake_env (const char *run_dir)
{
  char **env = NULL;

  env = g_environ_setenv (env, "HOME", "/home/alice", TRUE);
  env = g_environ_setenv (env, "XDG_RUNTIME_DIR", run_dir, TRUE);
  env = g_environ_setenv (env, "ODD", "/srv/a+b", TRUE);
  env = g_environ_setenv (env, "LATIN", "/srv/caf\xe9", TRUE);
  return env;
}

static WrappyPaths *
parse_ok (const char *text, char **env)
{
  WrappyPaths *paths = wrappy_paths_new ();
  g_autoptr (GError) error = NULL;

  g_assert_true (wrappy_paths_parse (paths, "test.conf", text, env, &error));
  g_assert_no_error (error);
  return paths;
}

static WrappyPathComponent *
component (WrappyPaths *paths, guint rule, guint i)
{
  WrappyPathRule *r = paths->rules->pdata[rule];
  return r->components->pdata[i];
}

static void
test_parse (void)
{
  g_auto (GStrv) env = fake_env ("/run/user/1000");
  g_autoptr (WrappyPaths) paths = parse_ok ("# comment\n"
                                            "\n"
                                            "  rw ~/Projects  \n"
                                            "[socket=wayland]\n"
                                            "${XDG_RUNTIME_DIR}/wayland-[0-9]+\n"
                                            "[always]\n"
                                            "ro ${ODD}/x.txt\n"
                                            "${ODD}/(a|b)\n",
                                            env);
  WrappyPathRule *r;

  g_assert_cmpuint (paths->rules->len, ==, 4);
  r = paths->rules->pdata[0];
  g_assert_true (r->rw);
  g_assert_null (r->when_key);
  g_assert_cmpuint (r->line, ==, 3);
  g_assert_cmpstr (component (paths, 0, 0)->literal, ==, "home");
  g_assert_cmpstr (component (paths, 0, 2)->literal, ==, "Projects");

  r = paths->rules->pdata[1];
  g_assert_false (r->rw);
  g_assert_cmpstr (r->when_key, ==, "socket");
  g_assert_cmpstr (r->when_value, ==, "wayland");
  g_assert_cmpuint (r->components->len, ==, 4);
  g_assert_cmpstr (component (paths, 1, 2)->literal, ==, "1000");
  g_assert_nonnull (component (paths, 1, 3)->re);
  g_assert_true (g_regex_match (component (paths, 1, 3)->re, "wayland-1", 0, NULL));
  g_assert_true (g_regex_match (component (paths, 1, 3)->re, "wayland-12", 0, NULL));
  g_assert_false (g_regex_match (component (paths, 1, 3)->re, "wayland-1.lock", 0, NULL));
  g_assert_false (g_regex_match (component (paths, 1, 3)->re, "xwayland-1", 0, NULL));

  /* [always] resets the condition; a variable's value is literal, '.' alone too. */
  r = paths->rules->pdata[2];
  g_assert_null (r->when_key);
  g_assert_cmpstr (component (paths, 2, 1)->literal, ==, "a+b");
  g_assert_cmpstr (component (paths, 2, 2)->literal, ==, "x.txt");
  g_assert_nonnull (component (paths, 3, 2)->re);
}

static void
test_unset_variable (void)
{
  g_auto (GStrv) env = fake_env ("/run/user/1000");
  g_autoptr (WrappyPaths) paths = parse_ok ("${NOT_SET_ANYWHERE}/x\n/srv/y\n", env);

  g_assert_cmpuint (paths->rules->len, ==, 1);
  g_assert_cmpuint (paths->notes->len, ==, 1);
  g_assert_nonnull (strstr (paths->notes->pdata[0], "test.conf:1"));
  g_assert_nonnull (strstr (paths->notes->pdata[0], "NOT_SET_ANYWHERE"));
}

static void
test_errors (void)
{
  const struct
  {
    const char *text;
    const char *where;
  } cases[] = {
    { "# x\n/srv/[oops\n", "test.conf:2: " },
    { "relative/path\n", "test.conf:1: " },
    { "/srv/../etc\n", "test.conf:1: " },
    { "\n\n[what=ever]\n", "test.conf:3: " },
    { "[socket=wayland\n", "test.conf:1: " },
    { "${BAD-NAME}/x\n", "test.conf:1: " },
    { "/\n", "test.conf:1: " },
    /* Not UTF-8, from the file or a variable: pcre2_compile() crashed (fuzz-paths). */
    { "# \xff\n/srv/\xff[0-9]+\n", "test.conf:2: " },
    { "${LATIN}-[0-9]\n", "test.conf:1: " },
  };
  g_auto (GStrv) env = fake_env ("/run/user/1000");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (WrappyPaths) paths = wrappy_paths_new ();
      g_autoptr (GError) error = NULL;
      g_assert_false (wrappy_paths_parse (paths, "test.conf", cases[i].text, env, &error));
      g_assert_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA);
      g_assert_true (g_str_has_prefix (error->message, cases[i].where));
    }
}

static void
test_applies (void)
{
  const char *sockets[] = { "wayland", NULL };
  g_auto (GStrv) env = fake_env ("/run/user/1000");
  g_autoptr (WrappyPaths) paths
      = parse_ok ("/a\n[socket=wayland]\n/b\n[socket=pulseaudio]\n/c\n[device=dri]\n/d\n", env);

  g_assert_true (wrappy_path_rule_applies (paths->rules->pdata[0], NULL, NULL, NULL));
  g_assert_true (wrappy_path_rule_applies (paths->rules->pdata[1], (char **)sockets, NULL, NULL));
  g_assert_false (wrappy_path_rule_applies (paths->rules->pdata[2], (char **)sockets, NULL, NULL));
  g_assert_false (wrappy_path_rule_applies (paths->rules->pdata[3], (char **)sockets, NULL, NULL));
}

static void
test_match (void)
{
  g_autoptr (WrappyTestDirs) dirs = wrappy_test_dirs_new ();
  g_autofree char *run = g_build_filename (dirs->root, "run", NULL);
  g_autofree char *w1 = g_build_filename (run, "wayland-1", NULL);
  g_autofree char *lock = g_build_filename (run, "wayland-1.lock", NULL);
  g_autofree char *w2 = g_build_filename (run, "wayland-2", NULL);
  g_autofree char *link = g_build_filename (run, "wayland-9", NULL);
  g_autofree char *pulse = g_build_filename (run, "pulse", "native", NULL);
  g_auto (GStrv) env = fake_env (run);
  g_autoptr (WrappyPaths) paths = NULL;
  g_autoptr (GPtrArray) binds = g_ptr_array_new_with_free_func ((GDestroyNotify)wrappy_bind_free);
  const char *sockets[] = { "wayland", NULL };
  g_auto (GStrv) found = NULL;
  WrappyBind *b;

  wrappy_test_write_file (w1, "");
  wrappy_test_write_file (lock, "");
  wrappy_test_write_file (w2, "");
  wrappy_test_write_file (pulse, "");
  g_assert_cmpint (symlink ("/etc", link), ==, 0); /* a regex never follows a link */
  paths = parse_ok ("[socket=wayland]\n${XDG_RUNTIME_DIR}/wayland-[0-9]+\n"
                    "[socket=pulseaudio]\n${XDG_RUNTIME_DIR}/pulse/native\n"
                    "[always]\nrw ${XDG_RUNTIME_DIR}/missing/x\n",
                    env);
  found = wrappy_path_rule_match (paths->rules->pdata[0]);
  g_assert_cmpuint (g_strv_length (found), ==, 2);
  g_assert_cmpstr (found[0], ==, w1);
  g_assert_cmpstr (found[1], ==, w2);

  wrappy_paths_add_binds (paths, binds, (char **)sockets, NULL, NULL, run, "/run/user/1000");
  g_assert_cmpuint (binds->len, ==, 2);
  b = binds->pdata[0];
  g_assert_cmpstr (b->src, ==, w1);
  g_assert_cmpstr (b->dest, ==, "/run/user/1000/wayland-1");
  g_assert_true (b->ro);
  g_assert_true (b->optional);
}

static void
test_load_creates_default_once (void)
{
  g_autoptr (WrappyTestDirs) dirs = wrappy_test_dirs_new ();
  g_autofree char *conf_dir = g_build_filename (dirs->root, "config", "wrappy", NULL);
  g_autofree char *def = g_build_filename (conf_dir, "paths.conf", NULL);
  g_autofree char *app = g_build_filename (conf_dir, "apps", "org.example.App.paths", NULL);
  g_auto (GStrv) env = fake_env ("/run/user/1000");
  g_autoptr (WrappyPaths) first = wrappy_paths_new ();
  g_autoptr (WrappyPaths) second = wrappy_paths_new ();
  g_autoptr (WrappyPaths) bad = wrappy_paths_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  g_assert_true (wrappy_paths_load (first, conf_dir, "org.example.App", env, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (def, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, wrappy_paths_default_text ());
  g_assert_cmpuint (first->rules->len, ==, 3);

  /* The user's edits are kept; the app's file is added. */
  wrappy_test_write_file (def, "/srv/one\n");
  wrappy_test_write_file (app, "rw /srv/two\n");
  g_assert_true (wrappy_paths_load (second, conf_dir, "org.example.App", env, &error));
  g_assert_cmpuint (second->rules->len, ==, 2);
  g_assert_true (((WrappyPathRule *)second->rules->pdata[1])->rw);

  wrappy_test_write_file (app, "/srv/(\n");
  g_assert_false (wrappy_paths_load (bad, conf_dir, "org.example.App", env, &error));
  g_assert_nonnull (strstr (error->message, "org.example.App.paths:1: "));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/paths/parse", test_parse);
  g_test_add_func ("/paths/unset-variable", test_unset_variable);
  g_test_add_func ("/paths/errors", test_errors);
  g_test_add_func ("/paths/applies", test_applies);
  g_test_add_func ("/paths/match", test_match);
  g_test_add_func ("/paths/load-creates-default-once", test_load_creates_default_once);
  return g_test_run ();
}
