/* Desktop integration: rewriting launchers and exporting them safely from an untrusted
 * app tree. Each case runs in its own temporary XDG_DATA_HOME. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "wrappy-dirs.h"
#include "wrappy-error.h"
#include "wrappy-export.h"
#include "wrappy-fs.h"

#define APP    "org.x.App"
#define WRAPPY "/usr/bin/wrappy"

static const char png_data[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR fake";
static const char svg_data[]
    = "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n";

static const char good_desktop[] = "[Desktop Entry]\n"
                                   "Type=Application\n"
                                   "Name=App\n"
                                   "Name[de]=Anwendung\n"
                                   "Icon=org.x.App\n"
                                   "TryExec=app\n"
                                   "Exec=app --new-window %U\n"
                                   "Categories=Utility;\n";

typedef struct
{
  char *tmp;   /* everything of the case lives under here */
  char *files; /* the app layer: what /app is in the sandbox */
  char *data_home;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->tmp = g_dir_make_tmp ("wrappy-test-export-XXXXXX", &error);
  g_assert_no_error (error);
  f->files = g_build_filename (f->tmp, "files", NULL);
  f->data_home = g_build_filename (f->tmp, "data", NULL);
  g_assert_cmpint (g_mkdir_with_parents (f->files, 0755), ==, 0);
  g_setenv ("XDG_DATA_HOME", f->data_home, TRUE);
  wrappy_dirs_reset ();
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  wrappy_rm_rf_at (AT_FDCWD, f->tmp, &error);
  g_assert_no_error (error);
  g_free (f->tmp);
  g_free (f->files);
  g_free (f->data_home);
  wrappy_dirs_reset ();
}

/* Writes rel (under files/) with contents, creating its parents. */
static void
put (Fixture *f, const char *rel, const char *contents, gssize len)
{
  g_autofree char *path = g_build_filename (f->files, rel, NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_file_set_contents (path, contents, len, &error);
  g_assert_no_error (error);
}

static void
put_symlink (Fixture *f, const char *rel, const char *target)
{
  g_autofree char *path = g_build_filename (f->files, rel, NULL);
  g_autofree char *dir = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_cmpint (symlink (target, path), ==, 0);
}

static char *
data_path (Fixture *f, const char *rel)
{
  return g_build_filename (f->data_home, rel, NULL);
}

static gboolean
data_exists (Fixture *f, const char *rel)
{
  g_autofree char *path = data_path (f, rel);
  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static GKeyFile *
parse (const char *data)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autoptr (GError) error = NULL;

  g_key_file_load_from_data (kf, data, -1, G_KEY_FILE_KEEP_TRANSLATIONS, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&kf);
}

static char *
rewrite_ok (const char *data)
{
  g_autoptr (GError) error = NULL;
  char *out = wrappy_export_rewrite_desktop (APP, data, strlen (data), WRAPPY, &error);

  g_assert_no_error (error);
  g_assert_nonnull (out);
  return out;
}

static char *
get (GKeyFile *kf, const char *group, const char *key)
{
  return g_key_file_get_string (kf, group, key, NULL);
}

/* The exported file passes desktop-file-validate, when the tool is installed. */
static void
assert_validates (const char *path)
{
  g_autofree char *tool = g_find_program_in_path ("desktop-file-validate");
  g_autofree char *out = NULL;
  g_autoptr (GError) error = NULL;
  const char *argv[] = { NULL, path, NULL };
  int status = 0;

  if (tool == NULL)
    return; /* The export itself skips the check then too. */
  argv[0] = tool;
  g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL,
                &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("desktop-file-validate %s:\n%s", path, out);
}

static void
assert_validates_data (const char *contents)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("wrappy-test-validate-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, APP ".desktop", NULL);

  g_assert_no_error (error);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  assert_validates (path);
  g_unlink (path);
  g_rmdir (dir);
}

static gboolean
have_validator (void)
{
  g_autofree char *tool = g_find_program_in_path ("desktop-file-validate");
  return tool != NULL;
}

/* ---- Rewriting ----------------------------------------------------------------------- */

static void
test_rewrite_basic (void)
{
  g_autofree char *out = rewrite_ok ("# a comment\n"
                                     "[Desktop Entry]\n"
                                     "Type=Application\n"
                                     "Name=App\n"
                                     "Name[de]=Anwendung\n"
                                     "Icon=/app/share/icons/app.png\n"
                                     "TryExec=app\n"
                                     "DBusActivatable=true\n"
                                     "X-Wrappy-App=org.evil.Other\n"
                                     "Exec=app --new-window %U\n");
  g_autoptr (GKeyFile) kf = parse (out);
  g_autofree char *exec = get (kf, "Desktop Entry", "Exec");
  g_autofree char *name_de = g_key_file_get_locale_string (kf, "Desktop Entry", "Name", "de", NULL);
  g_autofree char *icon = get (kf, "Desktop Entry", "Icon");
  g_autofree char *marker = get (kf, "Desktop Entry", "X-Wrappy-App");

  g_assert_cmpstr (exec, ==,
                   WRAPPY " run --command=app --file-forwarding " APP " -- --new-window @@u %U @@");
  g_assert_false (g_key_file_has_key (kf, "Desktop Entry", "TryExec", NULL));
  g_assert_false (g_key_file_has_key (kf, "Desktop Entry", "DBusActivatable", NULL));
  g_assert_cmpstr (name_de, ==, "Anwendung");
  g_assert_cmpstr (icon, ==, APP);
  g_assert_cmpstr (marker, ==, APP);
  g_assert_nonnull (strstr (out, "# a comment"));
  assert_validates_data (out);
}

static void
test_rewrite_no_args (void)
{
  g_autofree char *out = rewrite_ok ("[Desktop Entry]\nType=Application\nName=A\nExec=app\n");
  g_autoptr (GKeyFile) kf = parse (out);
  g_autofree char *exec = get (kf, "Desktop Entry", "Exec");

  g_assert_cmpstr (exec, ==, WRAPPY " run --command=app " APP);
  assert_validates_data (out);
}

static void
test_rewrite_field_codes (void)
{
  static const struct
  {
    const char *exec, *args;
  } cases[] = {
    /* Files and URIs between flatpak's forwarding markers. */
    { "app %F", " --file-forwarding " APP " -- @@ %F @@" },
    { "app %f", " --file-forwarding " APP " -- @@ %f @@" },
    { "app %U", " --file-forwarding " APP " -- @@u %U @@" },
    { "app %u", " --file-forwarding " APP " -- @@u %u @@" },
    /* %d is deprecated and goes; %% is a literal percent sign and stays escaped; a %u
     * inside an argument is no field code of its own. */
    { "app %i %c %k --url=%u 100%% %d", " " APP " -- %i %c %k --url=%u 100%%" },
    { "app --x=\"a b\" %U", " --file-forwarding " APP " -- \"--x=a b\" @@u %U @@" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *in = g_strdup_printf ("[Desktop Entry]\nType=Application\nName=A\n"
                                             "Exec=%s\n",
                                             cases[i].exec);
      g_autofree char *out = rewrite_ok (in);
      g_autoptr (GKeyFile) kf = parse (out);
      g_autofree char *exec = get (kf, "Desktop Entry", "Exec");
      g_autofree char *expected = g_strconcat (WRAPPY " run --command=app", cases[i].args, NULL);
      g_assert_cmpstr (exec, ==, expected);
      assert_validates_data (out);
    }
}

static void
test_rewrite_quoting (void)
{
  const char *wrappy = "/opt/my wrappy/wrap$py";
  const char *in = "[Desktop Entry]\nType=Application\nName=A\n"
                   "Exec=\"/app/bin/my app\" --title \"a b\" \"x\\\\\\\\$y\" 'single q' %U\n";
  g_autoptr (GError) error = NULL;
  g_autofree char *out = wrappy_export_rewrite_desktop (APP, in, strlen (in), wrappy, &error);
  g_autoptr (GKeyFile) kf = NULL;
  g_autofree char *exec = NULL;
  g_auto (GStrv) argv = NULL;

  g_assert_no_error (error);
  kf = parse (out);
  exec = get (kf, "Desktop Entry", "Exec");
  g_assert_cmpstr (
      exec, ==,
      "\"/opt/my wrappy/wrap\\$py\" run \"--command=/app/bin/my app\" --file-forwarding " APP
      " -- --title \"a b\" \"x\\\\\\$y\" \"single q\" @@u %U @@");
  /* Desktop Entry quoting is a subset of the shell's: the round trip gives the args. */
  g_shell_parse_argv (exec, NULL, &argv, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (argv[0], ==, wrappy);
  g_assert_cmpstr (argv[2], ==, "--command=/app/bin/my app");
  g_assert_cmpstr (argv[7], ==, "a b");
  g_assert_cmpstr (argv[8], ==, "x\\$y");
  g_assert_cmpstr (argv[9], ==, "single q");
  assert_validates_data (out);
}

static void
test_rewrite_actions (void)
{
  g_autofree char *out = rewrite_ok ("[Desktop Entry]\n"
                                     "Type=Application\n"
                                     "Name=A\n"
                                     "Exec=app %U\n"
                                     "Actions=new-window;gone;\n"
                                     "\n"
                                     "[Desktop Action new-window]\n"
                                     "Name=New Window\n"
                                     "TryExec=app\n"
                                     "Exec=app --new-window\n"
                                     "\n"
                                     "[Desktop Action gone]\n"
                                     "Name=Only with D-Bus\n");
  g_autoptr (GKeyFile) kf = parse (out);
  g_autofree char *exec = get (kf, "Desktop Action new-window", "Exec");
  g_auto (GStrv) actions = g_key_file_get_string_list (kf, "Desktop Entry", "Actions", NULL, NULL);

  g_assert_cmpstr (exec, ==, WRAPPY " run --command=app " APP " -- --new-window");
  g_assert_false (g_key_file_has_key (kf, "Desktop Action new-window", "TryExec", NULL));
  g_assert_false (g_key_file_has_group (kf, "Desktop Action gone"));
  g_assert_nonnull (actions);
  g_assert_cmpstr (actions[0], ==, "new-window");
  g_assert_null (actions[1]);
  assert_validates_data (out);
}

static void
test_rewrite_dbus_only (void)
{
  g_autofree char *out = rewrite_ok ("[Desktop Entry]\nType=Application\nName=A\n"
                                     "DBusActivatable=true\n");
  g_autoptr (GKeyFile) kf = parse (out);
  g_autofree char *exec = get (kf, "Desktop Entry", "Exec");

  g_assert_cmpstr (exec, ==, WRAPPY " run " APP);
  assert_validates_data (out);
}

static void
test_rewrite_invalid (void)
{
  static const struct
  {
    const char *data;
    gssize len;
  } cases[] = {
    { "[Desktop Entry]\nName=A\0Exec=x\n", 30 },
    { "[Desktop Entry]\nName=\xff\xfe\nExec=x\n", -1 },
    { "this is not a key file\n", -1 },
    { "[Other]\nExec=x\n[Desktop Entry]\nName=A\n", -1 },
    { "[Desktop Entry]\nType=Application\nName=A\nExec=\"unterminated\n", -1 },
    { "[Desktop Entry]\nType=Application\nName=A\nExec=%U\n", -1 },
    /* GLib returns the value and an error for a bad escape (fuzz-desktop-file). */
    { "[Desktop Entry]\nType=Application\nName=A\nExec=a\\_b\n", -1 },
    { "", -1 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      gsize len = cases[i].len < 0 ? strlen (cases[i].data) : (gsize)cases[i].len;
      g_autofree char *out
          = wrappy_export_rewrite_desktop (APP, cases[i].data, len, WRAPPY, &error);
      g_assert_null (out);
      g_assert_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA);
    }
}

static void
test_name_matches (void)
{
  g_assert_true (wrappy_export_name_matches (APP, "org.x.App.desktop", ".desktop"));
  g_assert_true (wrappy_export_name_matches (APP, "org.x.App.Settings.desktop", ".desktop"));
  g_assert_true (wrappy_export_name_matches (APP, "org.x.App-symbolic.svg", ".svg"));
  g_assert_false (wrappy_export_name_matches (APP, "org.x.Application.desktop", ".desktop"));
  g_assert_false (wrappy_export_name_matches (APP, "org.x.App..desktop", ".desktop"));
  g_assert_false (wrappy_export_name_matches (APP, "org.x.App.desktop", ".png"));
  g_assert_false (wrappy_export_name_matches (APP, "org.x.Ap.desktop", ".desktop"));
  g_assert_false (wrappy_export_name_matches (APP, ".desktop", ".desktop"));
  g_assert_false (wrappy_export_name_matches (APP, "org.x.App.\n.desktop", ".desktop"));
  g_assert_false (wrappy_export_name_matches (APP, "org.x.App.\xff.desktop", ".desktop"));
}

/* ---- Exporting ----------------------------------------------------------------------- */

static GPtrArray *
export_ok (Fixture *f)
{
  g_autoptr (GPtrArray) exported = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;

  g_assert_true (wrappy_export_app (APP, f->files, WRAPPY, exported, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&exported);
}

static char *
join (GPtrArray *a)
{
  g_autoptr (GString) s = g_string_new (NULL);

  for (guint i = 0; i < a->len; i++)
    g_string_append_printf (s, "%s%s", i > 0 ? "," : "", (const char *)a->pdata[i]);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static void
assert_exported (GPtrArray *exported, const char *expected)
{
  g_autofree char *got = join (exported);
  g_assert_cmpstr (got, ==, expected);
}

static void
test_export_basic (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) exported = NULL;
  g_autofree char *desktop = data_path (f, "applications/org.x.App.desktop");
  g_autofree char *contents = NULL;
  GStatBuf st;

  put (f, "share/applications/org.x.App.desktop", good_desktop, -1);
  put (f, "share/applications/org.x.App.Settings.desktop", good_desktop, -1);
  put (f, "share/applications/org.x.Application.desktop", good_desktop, -1);
  put (f, "share/applications/org.y.Other.desktop", good_desktop, -1);
  put (f, "share/applications/org.x.App.txt", good_desktop, -1);
  put (f, "share/applications/sub/org.x.App.desktop", good_desktop, -1);
  put (f, "share/icons/hicolor/48x48/apps/org.x.App.png", png_data, sizeof png_data);
  put (f, "share/icons/hicolor/scalable/apps/org.x.App-symbolic.svg", svg_data, -1);
  put (f, "share/icons/hicolor/scalable/apps/org.x.App.svgz", "\x1f\x8b\x08", 3);
  put (f, "share/icons/hicolor/48x48/apps/org.x.App.xpm", "/* XPM */", -1);
  put (f, "share/icons/hicolor/48x48/apps/other.png", png_data, sizeof png_data);
  put (f, "share/icons/hicolor/.hidden/apps/org.x.App.png", png_data, sizeof png_data);
  put (f, "share/icons/Adwaita/48x48/apps/org.x.App.png", png_data, sizeof png_data);
  /* Named .png but not a PNG. */
  put (f, "share/icons/hicolor/64x64/apps/org.x.App.png", "<html>", -1);

  exported = export_ok (f);
  assert_exported (exported, "applications/org.x.App.Settings.desktop,"
                             "applications/org.x.App.desktop,"
                             "icons/hicolor/48x48/apps/org.x.App.png,"
                             "icons/hicolor/scalable/apps/org.x.App-symbolic.svg,"
                             "icons/hicolor/scalable/apps/org.x.App.svgz");
  g_assert_false (data_exists (f, "applications/org.x.Application.desktop"));
  g_assert_false (data_exists (f, "applications/org.y.Other.desktop"));
  g_assert_false (data_exists (f, "icons/hicolor/64x64/apps/org.x.App.png"));
  g_assert_false (data_exists (f, "icons/Adwaita"));

  g_assert_cmpint (g_stat (desktop, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0644);
  g_assert_true (g_file_get_contents (desktop, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "Exec=" WRAPPY " run --command=app --file-forwarding " APP
                                      " -- --new-window @@u %U @@\n"));
  g_assert_null (strstr (contents, "TryExec"));
  g_assert_nonnull (strstr (contents, "X-Wrappy-App=" APP "\n"));
  for (guint i = 0; i < exported->len; i++)
    if (g_str_has_suffix (exported->pdata[i], ".desktop"))
      {
        g_autofree char *path = data_path (f, exported->pdata[i]);
        assert_validates (path);
      }
}

static void
test_export_nothing (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) exported = export_ok (f);
  g_autoptr (GError) error = NULL;
  g_autofree char *missing = g_build_filename (f->tmp, "nope", NULL);

  g_assert_cmpuint (exported->len, ==, 0);
  g_assert_false (wrappy_export_app (APP, missing, WRAPPY, NULL, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_clear_error (&error);
  g_assert_false (wrappy_export_app ("../evil", f->files, WRAPPY, NULL, &error));
  g_assert_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_ID);
}

static void
test_export_symlinks (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) exported = NULL;
  g_autofree char *outside = g_build_filename (f->tmp, "outside", NULL);
  g_autofree char *outside_desktop = g_build_filename (outside, "org.x.App.Evil.desktop", NULL);
  g_autofree char *outside_icons = g_build_filename (outside, "hicolor/48x48/apps", NULL);
  g_autofree char *outside_png = g_build_filename (outside_icons, "org.x.App.png", NULL);
  g_autofree char *outside_hicolor = g_build_filename (outside, "hicolor", NULL);
  g_autofree char *outside_size = g_build_filename (outside, "hicolor/48x48", NULL);

  g_assert_cmpint (g_mkdir_with_parents (outside_icons, 0755), ==, 0);
  g_assert_true (g_file_set_contents (outside_desktop, good_desktop, -1, NULL));
  g_assert_true (g_file_set_contents (outside_png, png_data, sizeof png_data, NULL));

  put_symlink (f, "share/applications/org.x.App.desktop", "/etc/passwd");
  put_symlink (f, "share/applications/org.x.App.Evil.desktop", outside_desktop);
  put_symlink (f, "share/applications/org.x.App.Rel.desktop", "../../../outside/x.desktop");
  put (f, "share/applications/org.x.App.Real.desktop", good_desktop, -1);
  put_symlink (f, "share/icons/hicolor/32x32/apps/org.x.App.png", outside_png);
  put_symlink (f, "share/icons/hicolor/48x48", outside_size);
  put_symlink (f, "share/icons/hicolor/64x64/apps", outside_icons);

  exported = export_ok (f);
  assert_exported (exported, "applications/org.x.App.Real.desktop");

  /* A symlinked share/icons (or share/applications) is not entered at all. */
  {
    g_autofree char *icons = g_build_filename (f->files, "share/icons", NULL);
    g_autofree char *apps = g_build_filename (f->files, "share/applications", NULL);
    g_autoptr (GError) error = NULL;
    wrappy_rm_rf_at (AT_FDCWD, icons, &error);
    wrappy_rm_rf_at (AT_FDCWD, apps, &error);
    g_assert_no_error (error);
  }
  put_symlink (f, "share/icons", outside);
  put_symlink (f, "share/applications", outside);
  g_ptr_array_unref (exported);
  exported = export_ok (f);
  g_assert_cmpuint (exported->len, ==, 0);
  g_assert_false (data_exists (f, "applications/org.x.App.Evil.desktop"));
  g_assert_false (data_exists (f, "applications/org.x.App.Real.desktop"));
  g_assert_false (data_exists (f, "icons/hicolor/48x48/apps/org.x.App.png"));
}

static void
test_export_malformed (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) exported = NULL;
  g_autofree char *fifo
      = g_build_filename (f->files, "share/applications/org.x.App.Fifo.desktop", NULL);
  g_autofree char *big = g_malloc (WRAPPY_EXPORT_MAX_DESKTOP_SIZE + 100);

  memset (big, '#', WRAPPY_EXPORT_MAX_DESKTOP_SIZE + 100);
  memcpy (big, good_desktop, strlen (good_desktop));
  big[strlen (good_desktop)] = '#';

  put (f, "share/applications/org.x.App.desktop", "garbage\n\0\xff", 10);
  put (f, "share/applications/org.x.App.Bad.desktop", "[Desktop Entry]\nName=\xc3\x28\n", -1);
  put (f, "share/applications/org.x.App.Big.desktop", big, WRAPPY_EXPORT_MAX_DESKTOP_SIZE + 100);
  /* Parses, but desktop-file-validate rejects it (no Name). */
  if (have_validator ())
    put (f, "share/applications/org.x.App.Invalid.desktop",
         "[Desktop Entry]\nType=Application\nExec=app\n", -1);
  put (f, "share/applications/org.x.App.Good.desktop", good_desktop, -1);
  g_assert_cmpint (mkfifo (fifo, 0644), ==, 0);

  exported = export_ok (f);
  assert_exported (exported, "applications/org.x.App.Good.desktop");
}

static void
test_export_foreign_kept (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) exported = NULL;
  g_autofree char *mine = data_path (f, "applications/org.x.App.desktop");
  g_autofree char *apps = data_path (f, "applications");
  g_autofree char *contents = NULL;
  const char *user_file = "[Desktop Entry]\nType=Application\nName=Mine\nExec=myapp\n";

  g_assert_cmpint (g_mkdir_with_parents (apps, 0755), ==, 0);
  g_assert_true (g_file_set_contents (mine, user_file, -1, NULL));
  put (f, "share/applications/org.x.App.desktop", good_desktop, -1);

  exported = export_ok (f);
  g_assert_cmpuint (exported->len, ==, 0);
  g_assert_true (g_file_get_contents (mine, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, user_file);
}

static void
test_export_update (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) first = NULL;
  g_autoptr (GPtrArray) second = NULL;
  g_autofree char *old_icon = g_build_filename (f->files,
                                                "share/icons/hicolor/48x48/apps/"
                                                "org.x.App.Old.png",
                                                NULL);
  g_autofree char *old_desktop = g_build_filename (f->files,
                                                   "share/applications/"
                                                   "org.x.App.Old.desktop",
                                                   NULL);

  put (f, "share/applications/org.x.App.desktop", good_desktop, -1);
  put (f, "share/applications/org.x.App.Old.desktop", good_desktop, -1);
  put (f, "share/icons/hicolor/48x48/apps/org.x.App.png", png_data, sizeof png_data);
  put (f, "share/icons/hicolor/48x48/apps/org.x.App.Old.png", png_data, sizeof png_data);
  first = export_ok (f);
  g_assert_cmpuint (first->len, ==, 4);

  g_assert_cmpint (g_unlink (old_icon), ==, 0);
  g_assert_cmpint (g_unlink (old_desktop), ==, 0);
  second = export_ok (f);
  assert_exported (second, "applications/org.x.App.desktop,"
                           "icons/hicolor/48x48/apps/org.x.App.png");
  g_assert_false (data_exists (f, "applications/org.x.App.Old.desktop"));
  g_assert_false (data_exists (f, "icons/hicolor/48x48/apps/org.x.App.Old.png"));
}

static void
test_remove (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) exported = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *apps = data_path (f, "applications");
  g_autofree char *user_file = data_path (f, "applications/org.x.App.Custom.desktop");
  g_autofree char *claimed = data_path (f, "applications/org.x.App.Claimed.desktop");
  g_autofree char *other_icon = data_path (f, "icons/hicolor/48x48/apps/org.y.Other.png");
  g_autofree char *plugin_icon = data_path (f, "icons/hicolor/48x48/apps/org.x.App.Plugin.png");
  g_autofree char *manifests = g_build_filename (f->data_home, "wrappy", "apps", NULL);
  g_autofree char *plugin_manifest
      = g_build_filename (manifests, "org.x.App.Plugin.manifest", NULL);

  put (f, "share/applications/org.x.App.desktop", good_desktop, -1);
  put (f, "share/applications/org.x.App.Settings.desktop", good_desktop, -1);
  put (f, "share/icons/hicolor/48x48/apps/org.x.App.png", png_data, sizeof png_data);
  put (f, "share/icons/hicolor/symbolic/apps/org.x.App-symbolic.svg", svg_data, -1);
  exported = export_ok (f);
  g_assert_cmpuint (exported->len, ==, 4);

  /* Things that are not ours to remove: a user's launcher, one claiming another app, an
   * icon of another app, and one of an installed app whose ID extends ours. */
  g_assert_cmpint (g_mkdir_with_parents (apps, 0755), ==, 0);
  g_assert_true (g_file_set_contents (user_file, good_desktop, -1, NULL));
  g_assert_true (
      g_file_set_contents (claimed, "[Desktop Entry]\nX-Wrappy-App=org.x.App.Claimed\n", -1, NULL));
  g_assert_true (g_file_set_contents (other_icon, png_data, sizeof png_data, NULL));
  g_assert_true (g_file_set_contents (plugin_icon, png_data, sizeof png_data, NULL));
  g_assert_cmpint (g_mkdir_with_parents (manifests, 0755), ==, 0);
  g_assert_true (g_file_set_contents (plugin_manifest, "", -1, NULL));

  g_assert_true (wrappy_export_remove (APP, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < exported->len; i++)
    g_assert_false (data_exists (f, exported->pdata[i]));
  g_assert_true (g_file_test (user_file, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (claimed, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (other_icon, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (plugin_icon, G_FILE_TEST_EXISTS));

  /* Once that app is gone too, its icon named after ours is fair game. */
  g_assert_cmpint (g_unlink (plugin_manifest), ==, 0);
  g_assert_true (wrappy_export_remove (APP, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (plugin_icon, G_FILE_TEST_EXISTS));

  /* Nothing left to remove is fine. */
  g_assert_true (wrappy_export_remove (APP, &error));
  g_assert_no_error (error);
}

static void
test_remove_nothing (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (wrappy_export_remove (APP, &error));
  g_assert_no_error (error);
  g_assert_false (wrappy_export_remove ("-bad", &error));
  g_assert_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_ID);
}

#define ADD(name, fn) g_test_add (name, Fixture, NULL, fixture_setup, fn, fixture_teardown)

/* Issue 16, item 8: only the launcher keys of the Desktop Entry Specification are kept
 * (X-KDE-SubstituteUID with X-KDE-Username=root ran the Exec as root under KDE), other
 * groups go, and control characters leave every value. */
static void
test_rewrite_keys_kept (void)
{
  const char *in = "[Desktop Entry]\nType=Application\nName=Evil\x1b]0;owned\x07 App\n"
                   "Name[de]=B\xc2\x9bse\nComment=a\\tb\nExec=evil %U\nIcon=evil\n"
                   "X-KDE-SubstituteUID=true\nX-KDE-Username=root\nPath=/tmp\n"
                   "X-GNOME-Autostart-enabled=true\nCategories=Utility;\nActions=go;\n\n"
                   "[Desktop Action go]\nName=Go\nExec=evil --go\nX-KDE-SubstituteUID=true\n\n"
                   "[X-Other Group]\nExec=/bin/sh\n";
  g_autofree char *out = rewrite_ok (in);
  g_autoptr (GKeyFile) kf = parse (out);
  g_autofree char *name = get (kf, "Desktop Entry", "Name");
  g_autofree char *name_de = get (kf, "Desktop Entry", "Name[de]");
  g_autofree char *comment = get (kf, "Desktop Entry", "Comment");
  g_autofree char *cats = get (kf, "Desktop Entry", "Categories");

  g_assert_null (strstr (out, "X-KDE"));
  g_assert_null (strstr (out, "Path="));
  g_assert_null (strstr (out, "X-GNOME-Autostart"));
  g_assert_false (g_key_file_has_group (kf, "X-Other Group"));
  g_assert_cmpstr (name, ==, "Evil]0;owned App");
  g_assert_cmpstr (name_de, ==, "Bse");
  g_assert_cmpstr (comment, ==, "ab");
  g_assert_cmpstr (cats, ==, "Utility;");
  g_assert_true (g_key_file_has_key (kf, "Desktop Action go", "Exec", NULL));
  g_assert_false (g_key_file_has_key (kf, "Desktop Action go", "X-KDE-SubstituteUID", NULL));
  for (const char *p = out; *p; p++)
    g_assert_true ((guchar)*p >= 0x20 || *p == '\n');
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/export/rewrite/basic", test_rewrite_basic);
  g_test_add_func ("/export/rewrite/no-args", test_rewrite_no_args);
  g_test_add_func ("/export/rewrite/field-codes", test_rewrite_field_codes);
  g_test_add_func ("/export/rewrite/quoting", test_rewrite_quoting);
  g_test_add_func ("/export/rewrite/actions", test_rewrite_actions);
  g_test_add_func ("/export/rewrite/dbus-only", test_rewrite_dbus_only);
  g_test_add_func ("/export/rewrite/invalid", test_rewrite_invalid);
  g_test_add_func ("/export/rewrite/keys-kept", test_rewrite_keys_kept);
  g_test_add_func ("/export/name-matches", test_name_matches);
  ADD ("/export/app/basic", test_export_basic);
  ADD ("/export/app/nothing", test_export_nothing);
  ADD ("/export/app/symlinks", test_export_symlinks);
  ADD ("/export/app/malformed", test_export_malformed);
  ADD ("/export/app/foreign-kept", test_export_foreign_kept);
  ADD ("/export/app/update", test_export_update);
  ADD ("/export/remove/exported", test_remove);
  ADD ("/export/remove/nothing", test_remove_nothing);

  return g_test_run ();
}
