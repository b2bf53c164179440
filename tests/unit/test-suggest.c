#include "config.h"

#include "wrappy-suggest.h"

static void
test_distance (void)
{
  g_assert_cmpuint (wrappy_edit_distance ("", ""), ==, 0);
  g_assert_cmpuint (wrappy_edit_distance ("", "abc"), ==, 3);
  g_assert_cmpuint (wrappy_edit_distance ("instal", "install"), ==, 1);
  g_assert_cmpuint (wrappy_edit_distance ("kitten", "sitting"), ==, 3);
  /* A transposition is one edit, and case does not count. */
  g_assert_cmpuint (wrappy_edit_distance ("isntall", "install"), ==, 1);
  g_assert_cmpuint (wrappy_edit_distance ("org.Example.APP", "org.example.App"), ==, 0);
}

static void
test_suggest (void)
{
  const char *const commands[]
      = { "install", "info", "list", "run", "gc", "snapshot", "snapshots", "uninstall", NULL };
  const char *const ids[] = { "org.example.Hello", "org.example.World", NULL };

  g_assert_cmpstr (wrappy_suggest ("instal", commands), ==, "install");
  g_assert_cmpstr (wrappy_suggest ("isntall", commands), ==, "install");
  g_assert_cmpstr (wrappy_suggest ("lst", commands), ==, "list");
  g_assert_cmpstr (wrappy_suggest ("rn", commands), ==, "run");
  g_assert_cmpstr (wrappy_suggest ("snapshto", commands), ==, "snapshot");
  /* The start of exactly one name. */
  g_assert_cmpstr (wrappy_suggest ("uninst", commands), ==, "uninstall");
  /* Too far, too short, or the start of two names: no guess. */
  g_assert_null (wrappy_suggest ("frobnicate", commands));
  g_assert_null (wrappy_suggest ("x", commands));
  g_assert_null (wrappy_suggest ("", commands));
  g_assert_null (wrappy_suggest ("install", NULL));

  g_assert_cmpstr (wrappy_suggest ("org.exmaple.Hello", ids), ==, "org.example.Hello");
  g_assert_cmpstr (wrappy_suggest ("org.example.Wrold", ids), ==, "org.example.World");
  g_assert_cmpstr (wrappy_suggest ("org.example.hello", ids), ==, "org.example.Hello");
  g_assert_null (wrappy_suggest ("org.gnome.Calculator", ids));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/suggest/distance", test_distance);
  g_test_add_func ("/suggest/suggest", test_suggest);
  return g_test_run ();
}
