#include "config.h"

#include <string.h>

#include "wrappy-error.h"
#include "wrappy-flathub-ext.h"
#include "wrappy-flatpak-metadata.h"

static const char app_md[] = "[Application]\n"
                             "name=org.example.App\n"
                             "runtime=org.example.Platform/x86_64/23.08\n"
                             "sdk=org.example.Sdk/x86_64/23.08\n"
                             "command=example\n"
                             "\n[Context]\n"
                             "shared=network;ipc;\n"
                             "sockets=x11;wayland;\n"
                             "devices=dri;\n"
                             "filesystems=xdg-download;~/Music:ro;\n"
                             "\n[Environment]\n"
                             "GTK_THEME=Adwaita\n"
                             "\n[Extension org.example.App.Plugin]\n"
                             "directory=plugins\n"
                             "subdirectories=true\n"
                             "no-autodownload=true\n";

static const char runtime_md[] = "[Runtime]\n"
                                 "name=org.example.Platform\n"
                                 "\n[Extension org.example.Platform.GL]\n"
                                 "directory=lib/GL\n"
                                 "versions=23.08;1.4\n"
                                 "subdirectories=true\n"
                                 "download-if=active-gl-driver\n"
                                 "\n[Extension org.example.Platform.Locale]\n"
                                 "directory=share/runtime/locale\n";

static void
test_app (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (WrappyFlatpakMetadata) md
      = wrappy_flatpak_metadata_parse (app_md, strlen (app_md), "stable", &error);
  WrappyExtensionPoint *ext;

  g_assert_no_error (error);
  g_assert_false (md->is_runtime);
  g_assert_cmpstr (md->name, ==, "org.example.App");
  g_assert_cmpstr (md->runtime, ==, "org.example.Platform/x86_64/23.08");
  g_assert_cmpstr (md->command, ==, "example");
  g_assert_true (g_strv_contains ((const char *const *)md->shared, "network"));
  g_assert_true (g_strv_contains ((const char *const *)md->sockets, "wayland"));
  g_assert_true (g_strv_contains ((const char *const *)md->filesystems, "~/Music:ro"));
  g_assert_true (g_strv_contains ((const char *const *)md->env, "GTK_THEME=Adwaita"));
  g_assert_cmpuint (md->extensions->len, ==, 1);
  ext = md->extensions->pdata[0];
  g_assert_true (ext->no_autodownload);
  g_assert_cmpstr (ext->versions[0], ==, "stable");
}

static void
test_runtime (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (WrappyFlatpakMetadata) md
      = wrappy_flatpak_metadata_parse (runtime_md, strlen (runtime_md), "23.08", &error);
  WrappyExtensionPoint *gl, *locale;

  g_assert_no_error (error);
  g_assert_true (md->is_runtime);
  g_assert_cmpuint (md->extensions->len, ==, 2);
  gl = md->extensions->pdata[0];
  locale = md->extensions->pdata[1];
  g_assert_cmpstr (gl->directory, ==, "lib/GL");
  g_assert_cmpstr (gl->versions[1], ==, "1.4");
  g_assert_cmpstr (gl->download_if, ==, "active-gl-driver");
  g_assert_cmpstr (locale->versions[0], ==, "23.08");
}

static void
expect_bad (const char *data, gsize len)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (WrappyFlatpakMetadata) md = wrappy_flatpak_metadata_parse (data, len, "x", &error);

  g_assert_null (md);
  g_assert_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA);
  g_assert_null (strchr (error->message, '\n'));
}

#define BAD(s) expect_bad (s, sizeof (s) - 1)

static void
test_malformed (void)
{
  BAD ("[Application]\nname=org.x.Y\0\nruntime=org.x.P/x86_64/1\n");
  BAD ("[Application]\nname=org.x.Y\nruntime=org.x.P/x86_64/1\ncommand=\xff\xfe\n");
  BAD ("just text");
  BAD ("[Other]\nname=org.x.Y\n");
  BAD ("[Application]\nruntime=org.x.P/x86_64/1\n");
  BAD ("[Application]\nname=../../x\nruntime=org.x.P/x86_64/1\n");
  BAD ("[Application]\nname=org.x.Y\n");
  BAD ("[Application]\nname=org.x.Y\nruntime=org.x.P/x86_64\n");
  BAD ("[Application]\nname=org.x.Y\nruntime=org.x.P/x86_64/../1\n");
  BAD ("[Runtime]\nname=org.x.P\n[Extension org.x.P.GL]\ndirectory=../../etc\n");
  BAD ("[Runtime]\nname=org.x.P\n[Extension org.x.P.GL]\ndirectory=/etc\n");
  BAD ("[Runtime]\nname=org.x.P\n[Extension org.x.P.GL]\n");
  BAD ("[Runtime]\nname=org.x.P\n[Extension ../x]\ndirectory=lib\n");
  /* Keys that shape the layout: nothing outside the extension, no loader directive
   * smuggled in through an escaped newline. */
  BAD ("[Runtime]\nname=org.x.P\n[Extension org.x.P.GL]\ndirectory=lib\nadd-ld-path=../../etc\n");
  BAD ("[Runtime]\nname=org.x.P\n[Extension org.x.P.GL]\ndirectory=lib\nadd-ld-path=/etc\n");
  BAD ("[Runtime]\nname=org.x.P\n[Extension org.x.P.GL]\ndirectory=lib\n"
       "add-ld-path=lib\\ninclude /home/*\n");
  BAD ("[Runtime]\nname=org.x.P\n[Extension org.x.P.GL]\ndirectory=lib\nmerge-dirs=a;../../x\n");
  BAD ("[Runtime]\nname=org.x.P\n[Extension org.x.P.GL]\ndirectory=lib\n"
       "subdirectory-suffix=../..\n");
}

static const char layout_md[] = "[Runtime]\n"
                                "name=org.example.Platform\n"
                                "\n[Extension org.example.Platform.GL]\n"
                                "directory=lib/GL\n"
                                "subdirectories=true\n"
                                "add-ld-path=lib\n"
                                "merge-dirs=vulkan/icd.d;glvnd/egl_vendor.d;\n"
                                "subdirectory-suffix=x86_64\n"
                                "enable-if=active-gl-driver\n"
                                "autodelete=true\n";

static void
test_layout_keys (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (WrappyFlatpakMetadata) md
      = wrappy_flatpak_metadata_parse (layout_md, strlen (layout_md), "1", &error);
  WrappyExtensionPoint *gl;

  g_assert_no_error (error);
  gl = md->extensions->pdata[0];
  g_assert_cmpstr (gl->add_ld_path, ==, "lib");
  g_assert_cmpstr (gl->subdirectory_suffix, ==, "x86_64");
  g_assert_cmpstr (gl->enable_if, ==, "active-gl-driver");
  g_assert_true (gl->autodelete);
  g_assert_cmpuint (g_strv_length (gl->merge_dirs), ==, 2);
  g_assert_cmpstr (gl->merge_dirs[1], ==, "glvnd/egl_vendor.d");
}

static void
test_conditions (void)
{
  g_setenv ("FLATPAK_GL_DRIVERS", "default:host", TRUE);
  g_setenv ("XDG_CURRENT_DESKTOP", "ubuntu:GNOME", TRUE);
  g_assert_true (wrappy_flathub_ext_condition ("org.x.GL.default", NULL));
  g_assert_true (wrappy_flathub_ext_condition ("org.x.GL.default", "active-gl-driver"));
  g_assert_false (wrappy_flathub_ext_condition ("org.x.GL.nvidia-550-1", "active-gl-driver"));
  g_assert_true (wrappy_flathub_ext_condition ("org.x.GL.nvidia-550-1", "!active-gl-driver"));
  g_assert_true (wrappy_flathub_ext_condition ("org.x.Y", "on-xdg-desktop-gnome"));
  g_assert_false (wrappy_flathub_ext_condition ("org.x.Y", "on-xdg-desktop-kde"));
  g_assert_true (
      wrappy_flathub_ext_condition ("org.x.Y", "on-xdg-desktop-kde;on-xdg-desktop-GNOME"));
  g_assert_false (wrappy_flathub_ext_condition ("org.x.Y", "have-kernel-module-wrappy_none"));
  g_assert_false (wrappy_flathub_ext_condition ("org.x.Y", "have-kernel-module-../../x"));
  /* What wrappy cannot tell does not hold, as in Flatpak. */
  g_assert_false (wrappy_flathub_ext_condition ("org.x.Y", "active-gtk-theme"));
  g_assert_false (wrappy_flathub_ext_condition ("org.x.Y", "something-new"));
  g_setenv ("FLATPAK_GL_DRIVERS", "nvidia-550-1", TRUE);
  g_assert_false (wrappy_flathub_ext_condition ("org.x.GL.default", "active-gl-driver"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/flatpak-metadata/app", test_app);
  g_test_add_func ("/flatpak-metadata/runtime", test_runtime);
  g_test_add_func ("/flatpak-metadata/malformed", test_malformed);
  g_test_add_func ("/flatpak-metadata/layout-keys", test_layout_keys);
  g_test_add_func ("/flatpak-metadata/conditions", test_conditions);
  return g_test_run ();
}
