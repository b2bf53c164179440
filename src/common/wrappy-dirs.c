#include "config.h"

#include <errno.h>

#include "wrappy-dirs.h"
#include "wrappy-error.h"

static char *data_dir, *state_dir, *config_dir, *cache_dir, *apps_dir, *icons_dir;

/* GLib caches XDG values for the process lifetime; read the environment ourselves so
 * that tests (and the unit tests' per-case XDG dirs) are honoured. */
static char *
xdg_dir (const char *var, const char *fallback_under_home)
{
  const char *v = g_getenv (var);

  if (v != NULL && g_path_is_absolute (v))
    return g_strdup (v);
  return g_build_filename (g_get_home_dir (), fallback_under_home, NULL);
}

const char *
wrappy_dirs_data (void)
{
  g_autofree char *base = NULL;
  if (data_dir == NULL)
    {
      base = xdg_dir ("XDG_DATA_HOME", ".local/share");
      data_dir = g_build_filename (base, "wrappy", NULL);
    }
  return data_dir;
}

const char *
wrappy_dirs_state (void)
{
  g_autofree char *base = NULL;
  if (state_dir == NULL)
    {
      base = xdg_dir ("XDG_STATE_HOME", ".local/state");
      state_dir = g_build_filename (base, "wrappy", NULL);
    }
  return state_dir;
}

const char *
wrappy_dirs_config (void)
{
  g_autofree char *base = NULL;
  if (config_dir == NULL)
    {
      base = xdg_dir ("XDG_CONFIG_HOME", ".config");
      config_dir = g_build_filename (base, "wrappy", NULL);
    }
  return config_dir;
}

const char *
wrappy_dirs_cache (void)
{
  g_autofree char *base = NULL;
  if (cache_dir == NULL)
    {
      base = xdg_dir ("XDG_CACHE_HOME", ".cache");
      cache_dir = g_build_filename (base, "wrappy", NULL);
    }
  return cache_dir;
}

const char *
wrappy_dirs_applications (void)
{
  g_autofree char *base = NULL;
  if (apps_dir == NULL)
    {
      base = xdg_dir ("XDG_DATA_HOME", ".local/share");
      apps_dir = g_build_filename (base, "applications", NULL);
    }
  return apps_dir;
}

const char *
wrappy_dirs_icons (void)
{
  g_autofree char *base = NULL;
  if (icons_dir == NULL)
    {
      base = xdg_dir ("XDG_DATA_HOME", ".local/share");
      icons_dir = g_build_filename (base, "icons", "hicolor", NULL);
    }
  return icons_dir;
}

char *
wrappy_dirs_app_state (const char *app_id)
{
  return g_build_filename (wrappy_dirs_state (), app_id, NULL);
}

gboolean
wrappy_dirs_ensure (const char *path, GError **error)
{
  if (g_mkdir_with_parents (path, 0700) != 0)
    return wrappy_throw_errno (error, "mkdir", path);
  return TRUE;
}

void
wrappy_dirs_reset (void)
{
  g_clear_pointer (&data_dir, g_free);
  g_clear_pointer (&state_dir, g_free);
  g_clear_pointer (&config_dir, g_free);
  g_clear_pointer (&cache_dir, g_free);
  g_clear_pointer (&apps_dir, g_free);
  g_clear_pointer (&icons_dir, g_free);
}

char *
wrappy_backend_path (void)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = self ? g_path_get_dirname (self) : NULL;
  g_autofree char *sibling = dir ? g_build_filename (dir, "wrappy-backend", NULL) : NULL;

  if (sibling != NULL && g_file_test (sibling, G_FILE_TEST_IS_EXECUTABLE))
    return g_steal_pointer (&sibling);
  return g_strdup (WRAPPY_LIBEXECDIR "/wrappy-backend");
}
