#include "config.h"

#include <string.h>

#include "wrappy-error.h"
#include "wrappy-snap-yaml.h"

static WrappySnapYaml *
parse (const char *s, GError **error)
{
  return wrappy_snap_yaml_parse (s, strlen (s), error);
}

static void
assert_invalid (const char *s, const char *needle)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (WrappySnapYaml) y = parse (s, &error);

  g_assert_null (y);
  g_assert_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA);
  g_assert_null (strchr (error->message, '\n'));
  if (needle != NULL && strstr (error->message, needle) == NULL)
    g_error ("'%s' does not mention '%s'", error->message, needle);
}

static void
test_full (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (WrappySnapYaml) y
      = parse ("name: hello-app\n"
               "version: '1.2'\n"
               "summary: Says hello\n"
               "base: core22\n"
               "environment:\n  LANG: C.UTF-8\n  'A=B': x\n  '1X': y\n  \"X\\nY\": z\n"
               "plugs:\n"
               "  gtk-3-themes:\n    interface: content\n    target: $SNAP/data-dir/themes\n"
               "    default-provider: gtk-common-themes:gtk-3-themes\n"
               "  dot-config: personal-files\n"
               "apps:\n"
               "  hello-app:\n    command: bin/hello\n    plugs: [network, home, gtk-3-themes]\n"
               "    environment:\n      GREETING: hi $SNAP_NAME\n"
               "  other:\n    command: bin/other --flag\n"
               "    command-chain: [snap/command-chain/desktop-launch, bin/x]\n"
               "  daemon:\n    daemon: simple\n",
               &error);
  const WrappySnapApp *a;
  const WrappySnapPlug *p;
  g_auto (GStrv) ifaces = NULL;
  g_autofree char *joined = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (y->name, ==, "hello-app");
  g_assert_cmpstr (y->version, ==, "1.2");
  g_assert_cmpstr (y->summary, ==, "Says hello");
  g_assert_cmpstr (y->base, ==, "core22");
  g_assert_cmpstr (y->type, ==, "app");
  g_assert_cmpstr (y->env[0], ==, "LANG=C.UTF-8");
  g_assert_null (y->env[1]);              /* A=B, 1X and a name with a newline are no variables */
  g_assert_cmpuint (y->apps->len, ==, 2); /* the daemon has no command */
  a = wrappy_snap_yaml_get_app (y, "hello-app");
  g_assert_nonnull (a);
  g_assert_cmpstr (a->command, ==, "bin/hello");
  g_assert_cmpuint (g_strv_length (a->plugs), ==, 3);
  g_assert_cmpstr (a->env[0], ==, "GREETING=hi $SNAP_NAME");
  g_assert_cmpstr (wrappy_snap_yaml_get_app (y, "other")->command, ==, "bin/other --flag");
  g_assert_cmpstr (wrappy_snap_yaml_get_app (y, "other")->command_chain[0], ==,
                   "snap/command-chain/desktop-launch");
  g_assert_cmpstr (wrappy_snap_yaml_get_app (y, "other")->command_chain[1], ==, "bin/x");
  g_assert_null (wrappy_snap_yaml_get_app (y, "other")->command_chain[2]);
  g_assert_null (a->command_chain[0]);
  p = wrappy_snap_yaml_get_plug (y, "gtk-3-themes");
  g_assert_cmpstr (p->interface, ==, "content");
  g_assert_cmpstr (p->default_provider, ==, "gtk-common-themes");
  g_assert_cmpstr (wrappy_snap_yaml_get_plug (y, "dot-config")->interface, ==, "personal-files");
  ifaces = wrappy_snap_yaml_interfaces (y);
  joined = g_strjoinv (",", ifaces);
  g_assert_cmpstr (joined, ==, "content,home,network,personal-files");
}

static void
test_defaults (void)
{
  g_autoptr (WrappySnapYaml) app = parse ("name: x1\n", NULL);
  g_autoptr (WrappySnapYaml) base = parse ("name: core99\ntype: base\n", NULL);

  /* snapd: an app snap without base: runs on core. */
  g_assert_cmpstr (app->base, ==, "core");
  g_assert_null (base->base);
  g_assert_cmpstr (base->type, ==, "base");
}

static void
test_names (void)
{
  const char *good[] = { "a", "hello", "hello-world", "0ad", "a1-b2-c3", "core22", NULL };
  const char *bad[] = { "",
                        "-a",
                        "a-",
                        "a--b",
                        "Hello",
                        "123",
                        "a_b",
                        "a.b",
                        "a/b",
                        "é",
                        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                        NULL };

  for (const char **n = good; *n; n++)
    g_assert_true (wrappy_snap_validate_name (*n, NULL));
  for (const char **n = bad; *n; n++)
    {
      g_autoptr (GError) error = NULL;
      g_assert_false (wrappy_snap_validate_name (*n, &error));
      g_assert_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_ID);
    }
}

static void
test_malformed (void)
{
  assert_invalid ("", "empty");
  assert_invalid ("name: [unclosed\n", "line");
  assert_invalid ("- a\n- b\n", "mapping");
  assert_invalid ("version: 1\n", "no name");
  assert_invalid ("name: Bad_Name\n", "Bad_Name");
  assert_invalid ("name: ok\nbase: ../x\n", "base");
  assert_invalid ("name: ok\napps:\n  'a b': {command: x}\n", "app name");
  assert_invalid ("name: ok\n\tbad: tab\n", NULL);
  assert_invalid ("name: ok\napps:\n  a: {command: x, command-chain: [/bin/sh]}\n",
                  "command-chain");
  assert_invalid ("name: ok\napps:\n  a: {command: x, command-chain: [../../x]}\n",
                  "command-chain");
  assert_invalid ("name: ok\napps:\n  a: {command: x, command-chain: ['bin/a b']}\n",
                  "command-chain");
}

static void
test_hostile (void)
{
  g_autoptr (GString) deep = g_string_new ("name: x\nk: ");
  g_autoptr (GString) wide = g_string_new ("name: x\nk: [");
  g_autofree char *huge = g_malloc (WRAPPY_SNAP_YAML_MAX_BYTES + 2);

  for (int i = 0; i < 10000; i++)
    g_string_append_c (deep, '[');
  assert_invalid (deep->str, "deep");
  for (int i = 0; i < 30000; i++)
    g_string_append (wide, "1,");
  g_string_append (wide, "1]\n");
  assert_invalid (wide->str, "nodes");
  memset (huge, '#', WRAPPY_SNAP_YAML_MAX_BYTES + 1);
  huge[WRAPPY_SNAP_YAML_MAX_BYTES + 1] = '\0';
  assert_invalid (huge, "MiB");
  /* Billion laughs. */
  assert_invalid ("name: x\na: &a [l, l, l]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\n", "aliases");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/snap-yaml/full", test_full);
  g_test_add_func ("/snap-yaml/defaults", test_defaults);
  g_test_add_func ("/snap-yaml/names", test_names);
  g_test_add_func ("/snap-yaml/malformed", test_malformed);
  g_test_add_func ("/snap-yaml/hostile", test_hostile);
  return g_test_run ();
}
