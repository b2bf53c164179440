/* /.flatpak-info: the key file by which GLib (g_get_user_runtime_dir's portal checks),
 * xdg-desktop-portal and apps themselves recognise a Flatpak sandbox and its app ID
 * (flatpak-run.c's flatpak_run_add_app_info_args writes it). wrappy writes the keys an
 * app or a portal reads: [Application] name and runtime, [Instance] instance-id, the
 * paths and commits of the app and runtime, the extensions in use with their commits
 * (app-extensions, runtime-extensions: "ID=COMMIT;…"), branch, arch, flatpak-version,
 * session-bus-proxy and system-bus-proxy when a bus is filtered, and the [Context] the
 * sandbox was actually given, not what the app asked for. */
#include "config.h"

#include <string.h>

#include "wrappy-flathub-launch.h"

/* The Flatpak release whose key file this follows. */
#define FLATPAK_INFO_VERSION "1.14.0"

static const WrappyManifestLayer *
layer_of_kind (const WrappyManifest *m, const char *kind)
{
  for (guint i = 0; i < m->layers->len; i++)
    {
      const WrappyManifestLayer *l = m->layers->pdata[i];
      if (strcmp (l->kind, kind) == 0)
        return l;
    }
  return NULL;
}

static gboolean
mounted (const WrappyLaunchSpec *spec, const char *mount)
{
  for (guint i = 0; spec->deps != NULL && i < spec->deps->len; i++)
    if (strcmp (((WrappyLayer *)spec->deps->pdata[i])->sandbox_path, mount) == 0)
      return TRUE;
  return FALSE;
}

/* The extensions the sandbox mounts under prefix ("/app/" or "/usr/"; one whose enable-if
 * does not hold is not), as flatpak-run.c lists them: "ID=COMMIT" joined by ';', or NULL
 * when there are none. */
static char *
extensions_under (const WrappyManifest *m, const WrappyLaunchSpec *spec, const char *prefix)
{
  g_autoptr (GString) s = g_string_new (NULL);

  for (guint i = 0; i < m->layers->len; i++)
    {
      const WrappyManifestLayer *l = m->layers->pdata[i];
      if (strcmp (l->kind, "deps") != 0 || l->mount == NULL || l->name == NULL
          || !g_str_has_prefix (l->mount, prefix) || !mounted (spec, l->mount))
        continue;
      g_string_append_printf (s, "%s%s=%s", s->len > 0 ? ";" : "", l->name,
                              l->commit != NULL ? l->commit : "local");
    }
  return s->len > 0 ? g_string_free (g_steal_pointer (&s), FALSE) : NULL;
}

static void
set_list (GKeyFile *kf, const char *key, char **values)
{
  g_autofree char *joined = NULL;

  if (values == NULL || values[0] == NULL)
    return;
  joined = g_strjoinv (";", values);
  g_key_file_set_value (kf, "Context", key, joined);
}

char *
wrappy_flathub_info (const WrappyManifest *m, const WrappyLaunchSpec *spec)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  const WrappyManifestLayer *app = layer_of_kind (m, "app");
  const WrappyManifestLayer *base = layer_of_kind (m, "base");
  g_autofree char *instance = g_strdup_printf ("%u", g_random_int_range (1, G_MAXINT32));
  g_auto (GStrv) ref = base && base->ref ? g_strsplit (base->ref, "/", 4) : NULL;
  g_autofree char *app_ext = extensions_under (m, spec, "/app/");
  g_autofree char *runtime_ext = extensions_under (m, spec, "/usr/");

  g_key_file_set_string (kf, "Application", "name", m->id);
  if (ref != NULL && g_strv_length (ref) == 4)
    {
      g_autofree char *runtime = g_strdup_printf ("runtime/%s/%s/%s", ref[1], ref[2], ref[3]);
      g_key_file_set_string (kf, "Application", "runtime", runtime);
    }
  g_key_file_set_string (kf, "Instance", "instance-id", instance);
  if (spec->app_path != NULL)
    g_key_file_set_string (kf, "Instance", "app-path", spec->app_path);
  if (spec->base_path != NULL)
    g_key_file_set_string (kf, "Instance", "runtime-path", spec->base_path);
  if (app != NULL && app->commit != NULL)
    g_key_file_set_string (kf, "Instance", "app-commit", app->commit);
  if (base != NULL && base->commit != NULL)
    g_key_file_set_string (kf, "Instance", "runtime-commit", base->commit);
  if (app_ext != NULL)
    g_key_file_set_string (kf, "Instance", "app-extensions", app_ext);
  if (runtime_ext != NULL)
    g_key_file_set_string (kf, "Instance", "runtime-extensions", runtime_ext);
  if (m->branch != NULL)
    g_key_file_set_string (kf, "Instance", "branch", m->branch);
  if (ref != NULL && g_strv_length (ref) == 4)
    g_key_file_set_string (kf, "Instance", "arch", ref[2]);
  g_key_file_set_string (kf, "Instance", "flatpak-version", FLATPAK_INFO_VERSION);
  if (spec->session_bus == WRAPPY_BUS_FILTERED)
    g_key_file_set_boolean (kf, "Instance", "session-bus-proxy", TRUE);
  if (spec->system_bus == WRAPPY_BUS_FILTERED)
    g_key_file_set_boolean (kf, "Instance", "system-bus-proxy", TRUE);
  set_list (kf, "shared", spec->shared);
  set_list (kf, "sockets", spec->sockets);
  set_list (kf, "devices", spec->devices);
  set_list (kf, "filesystems", spec->filesystems);
  return g_key_file_to_data (kf, NULL, NULL);
}
