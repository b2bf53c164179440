#include "config.h"

#include <string.h>

#include "wrappy-error.h"
#include "wrappy-i18n.h"
#include "wrappy-launch-spec.h"

WrappyLaunchSpec *
wrappy_launch_spec_new (void)
{
  WrappyLaunchSpec *spec = g_new0 (WrappyLaunchSpec, 1);

  spec->isolation = WRAPPY_ISOLATION_FULL;
  /* The strictest until the policy says what the level is: a spec that never went through
   * it is not less isolated than asked. */
  spec->unshare = WRAPPY_UNSHARE_ALL;
  spec->seccomp = WRAPPY_SECCOMP_STRICT;
  spec->home = WRAPPY_HOME_DEFAULT;
  spec->deps = g_ptr_array_new_with_free_func ((GDestroyNotify)wrappy_layer_free);
  spec->binds = g_ptr_array_new_with_free_func ((GDestroyNotify)wrappy_bind_free);
  spec->protect = g_ptr_array_new_with_free_func ((GDestroyNotify)wrappy_protect_free);
  spec->ld_conf = g_ptr_array_new_with_free_func ((GDestroyNotify)wrappy_bind_free);
  spec->links = g_ptr_array_new_with_free_func ((GDestroyNotify)wrappy_bind_free);
  return spec;
}

void
wrappy_launch_spec_free (WrappyLaunchSpec *spec)
{
  if (spec == NULL)
    return;
  g_free (spec->app_id);
  g_free (spec->base_path);
  g_free (spec->app_path);
  wrappy_root_base_free (spec->root_base);
  g_clear_pointer (&spec->deps, g_ptr_array_unref);
  g_strfreev (spec->argv);
  g_strfreev (spec->env);
  g_strfreev (spec->host_env);
  g_strfreev (spec->shared);
  g_strfreev (spec->sockets);
  g_strfreev (spec->devices);
  g_strfreev (spec->filesystems);
  g_free (spec->state_dir);
  g_free (spec->cwd);
  g_free (spec->ld_cache);
  g_free (spec->ld_cache_dir);
  g_free (spec->flatpak_info);
  g_free (spec->portal_id);
  g_strfreev (spec->ext_tmpfs);
  g_clear_pointer (&spec->ld_conf, g_ptr_array_unref);
  g_clear_pointer (&spec->links, g_ptr_array_unref);
  g_strfreev (spec->session_bus_rules);
  g_strfreev (spec->system_bus_rules);
  g_clear_pointer (&spec->binds, g_ptr_array_unref);
  g_clear_pointer (&spec->protect, g_ptr_array_unref);
  g_free (spec);
}

WrappyRootBase *
wrappy_root_base_new (const char *apps_dir, const char *app_mount, const char *app_link,
                      char **home_dirs)
{
  WrappyRootBase *rb = g_new0 (WrappyRootBase, 1);

  rb->apps_dir = g_strdup (apps_dir);
  rb->app_mount = g_strdup (app_mount);
  rb->app_link = g_strdup (app_link);
  rb->home_dirs = g_strdupv (home_dirs);
  return rb;
}

void
wrappy_root_base_free (WrappyRootBase *rb)
{
  if (rb == NULL)
    return;
  g_free (rb->apps_dir);
  g_free (rb->app_mount);
  g_free (rb->app_link);
  g_strfreev (rb->home_dirs);
  g_free (rb);
}

WrappyLayer *
wrappy_layer_new (const char *host_path, const char *sandbox_path)
{
  WrappyLayer *layer = g_new0 (WrappyLayer, 1);

  layer->host_path = g_strdup (host_path);
  layer->sandbox_path = g_strdup (sandbox_path);
  return layer;
}

void
wrappy_layer_free (WrappyLayer *layer)
{
  if (layer == NULL)
    return;
  g_free (layer->host_path);
  g_free (layer->sandbox_path);
  g_free (layer);
}

WrappyBind *
wrappy_bind_new (const char *src, const char *dest, gboolean ro)
{
  WrappyBind *bind = g_new0 (WrappyBind, 1);

  bind->src = g_strdup (src);
  bind->dest = g_strdup (dest);
  bind->ro = ro;
  return bind;
}

void
wrappy_bind_free (WrappyBind *bind)
{
  if (bind == NULL)
    return;
  g_free (bind->src);
  g_free (bind->dest);
  g_free (bind);
}

WrappyProtect *
wrappy_protect_new (const char *path, WrappyProtectKind kind)
{
  WrappyProtect *p = g_new0 (WrappyProtect, 1);

  p->path = g_strdup (path);
  p->kind = kind;
  return p;
}

void
wrappy_protect_free (WrappyProtect *p)
{
  if (p == NULL)
    return;
  g_free (p->path);
  g_free (p);
}

static const char *const isolation_names[] = { "none", "partial", "full", "paranoid" };
static const char *const home_names[] = { "default", "private", "tmpfs", "overlay", "host" };

gboolean
wrappy_isolation_from_string (const char *s, WrappyIsolation *out, GError **error)
{
  for (guint i = 0; s != NULL && i < G_N_ELEMENTS (isolation_names); i++)
    if (strcmp (s, isolation_names[i]) == 0)
      {
        *out = (WrappyIsolation)i;
        return TRUE;
      }
  g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE,
               _ ("unknown isolation level '%s' (expected none, partial, full or paranoid)"),
               s ? s : "");
  return FALSE;
}

const char *
wrappy_isolation_to_string (WrappyIsolation level)
{
  if ((guint)level < G_N_ELEMENTS (isolation_names))
    return isolation_names[level];
  return "unknown";
}

gboolean
wrappy_home_mode_from_string (const char *s, WrappyHomeMode *out, GError **error)
{
  /* "default" is internal: the user picks one of the four modes. */
  for (guint i = 1; s != NULL && i < G_N_ELEMENTS (home_names); i++)
    if (strcmp (s, home_names[i]) == 0)
      {
        *out = (WrappyHomeMode)i;
        return TRUE;
      }
  g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE,
               _ ("unknown home mode '%s' (expected private, tmpfs, overlay or host)"), s ? s : "");
  return FALSE;
}
