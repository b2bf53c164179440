/* The Flatpak (OSTree remote) source's table (wrappy-source.h). Built twice: the `wrappy`
 * front has only the hooks of run and search (WRAPPY_SOURCE_BACKEND). */
#include "config.h"

#include <string.h>

#include "wrappy-dirs.h"
#include "wrappy-flathub-ext.h"
#include "wrappy-flathub-launch.h"
#include "wrappy-i18n.h"
#include "wrappy-source.h"
#ifndef WRAPPY_FRONTEND
#include "wrappy-flathub.h"
#include "wrappy-remote.h"
#endif

static gboolean
flathub_launch (WrappyLaunchSpec *spec, const WrappyManifest *m, const WrappyLaunchRequest *req,
                GError **error)
{
  wrappy_flathub_ext_layout (spec, m);
  spec->flatpak_info = wrappy_flathub_info (m, spec);
  return TRUE;
}

/* The configured remotes (their index is named after them); with none, the `flathub`
 * remote that a refresh adds on first use. Read here, not through wrappy-remote.c: the
 * front answers warm searches without libostree. */
static GPtrArray *
flathub_catalog_origins (void)
{
  g_autofree char *dir = g_build_filename (wrappy_dirs_config (), "remotes", NULL);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (name[0] != '.' && g_str_has_suffix (name, ".conf"))
      g_ptr_array_add (names, g_strndup (name, strlen (name) - strlen (".conf")));
  if (names->len == 0)
    g_ptr_array_add (names, g_strdup ("flathub"));
  return names;
}

#ifndef WRAPPY_FRONTEND
/* The GL driver the app will use (issue 17: wrappy info says which). */
static void
flathub_describe (const WrappyManifest *m, GPtrArray *lines)
{
  g_autofree char *gl = wrappy_flathub_gl_driver (m);

  g_ptr_array_add (lines, g_strdup_printf ("%s\t%s", _ ("GL driver:"),
                                           gl ? gl : _ ("none (the runtime's own, if any)")));
}

static gboolean
has_suffix_ci (const char *s, const char *suffix)
{
  g_autofree char *lower = g_ascii_strdown (s, -1);
  return g_str_has_suffix (lower, suffix);
}

static gboolean
flathub_recognise_file (const char *file)
{
  return has_suffix_ci (file, ".flatpakref") || has_suffix_ci (file, ".flatpak");
}

static WrappyManifest *
flathub_install_file (WrappyStore *store, const char *file, GCancellable *cancellable,
                      GError **error)
{
  if (has_suffix_ci (file, ".flatpakref"))
    return wrappy_flathub_install_flatpakref (store, file, cancellable, error);
  return wrappy_flathub_install_bundle (store, file, cancellable, error);
}

static WrappyManifest *
flathub_install (WrappyStore *store, const WrappyInstallRequest *req, GCancellable *cancellable,
                 GError **error)
{
  return wrappy_flathub_install (store, req->origin, req->what, req->track, cancellable, error);
}

/* Not "flathub": any OSTree remote, by its name (issue 19: list and info named every
 * Flatpak app's source "flathub"). */
static char *
flathub_describe_origin (const WrappyManifest *m, gboolean with_url)
{
  if (with_url && wrappy_remote_exists (m->origin))
    {
      g_autoptr (WrappyRemote) r = wrappy_remote_load (m->origin, NULL);
      if (r != NULL && r->url != NULL)
        return g_strdup_printf (_ ("remote '%s' (%s)"), m->origin, r->url);
    }
  return g_strdup_printf (_ ("remote '%s'"), m->origin);
}

static char *
flathub_refetch_origin (const WrappyManifest *m)
{
  return m->origin != NULL && wrappy_remote_exists (m->origin) ? g_strdup (m->origin) : NULL;
}
#endif

static const char *const flathub_aliases[] = { "flatpak", NULL };

const WrappySource wrappy_source_flathub = {
  .name = "flathub",
  .order = 10,
  .install_option = "--from-flathub",
  .origin_option = "--remote",
  .title = N_ ("Flatpak remote"),
  .kind = "flatpak",
  .aliases = flathub_aliases,
  .declared = WRAPPY_DECLARED_FLATPAK,
  .launch = flathub_launch,
  .catalog_origins = flathub_catalog_origins,
  .recognise_file = WRAPPY_SOURCE_BACKEND (flathub_recognise_file),
  .install_file = WRAPPY_SOURCE_BACKEND (flathub_install_file),
  .find = WRAPPY_SOURCE_BACKEND (wrappy_flathub_find),
  .install = WRAPPY_SOURCE_BACKEND (flathub_install),
  .describe = WRAPPY_SOURCE_BACKEND (flathub_describe),
  .prepare_update = WRAPPY_SOURCE_BACKEND (wrappy_flathub_prepare_update),
  .refetch_origin = WRAPPY_SOURCE_BACKEND (flathub_refetch_origin),
  .refetch = WRAPPY_SOURCE_BACKEND (wrappy_flathub_refetch),
  .refresh_catalog = WRAPPY_SOURCE_BACKEND (wrappy_flathub_refresh_catalog),
  .describe_origin = WRAPPY_SOURCE_BACKEND (flathub_describe_origin),
  .launcher_dir = "share/applications",
  .launchers_named_by_id = TRUE,
  .launchers_from_layer = TRUE,
  .refs_of_origin = TRUE,
};
