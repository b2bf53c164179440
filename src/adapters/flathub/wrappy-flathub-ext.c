/* How extensions shape a Flatpak app's sandbox (see wrappy-flathub-ext.h). Flatpak
 * reads each extension point from the metadata of the runtime and the app at every
 * launch; so does wrappy, from the metadata file beside each layer's files. */
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include "wrappy-flathub-ext.h"
#include "wrappy-flatpak-metadata.h"
#include "wrappy-id.h"
#include "wrappy-output.h"

char **
wrappy_flathub_gl_drivers (void)
{
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
  const char *env = g_getenv ("FLATPAK_GL_DRIVERS");
  g_autofree char *nvidia = NULL;

  if (env != NULL && *env != '\0')
    {
      g_auto (GStrv) parts = g_strsplit (env, ":", -1);
      g_strv_builder_addv (b, (const char **)parts);
    }
  else
    {
      if (g_file_get_contents ("/sys/module/nvidia/version", &nvidia, NULL, NULL))
        {
          g_autofree char *v = g_strdup_printf ("nvidia-%s", g_strstrip (nvidia));
          g_strdelimit (v, ".", '-');
          g_strv_builder_add (b, v);
        }
      g_strv_builder_add (b, "default");
      g_strv_builder_add (b, "host");
    }
  return g_strv_builder_end (b);
}

static gboolean
module_loaded (const char *name)
{
  g_autofree char *path = NULL;
  struct stat st;

  if (*name == '\0' || strchr (name, '/') != NULL || strcmp (name, "..") == 0
      || strcmp (name, ".") == 0)
    return FALSE;
  path = g_build_filename ("/sys/module", name, NULL);
  return stat (path, &st) == 0;
}

static gboolean
on_desktop (const char *name)
{
  const char *current = g_getenv ("XDG_CURRENT_DESKTOP");
  g_auto (GStrv) parts = current ? g_strsplit (current, ":", -1) : NULL;

  for (char **p = parts; p && *p; p++)
    if (g_ascii_strcasecmp (*p, name) == 0)
      return TRUE;
  return FALSE;
}

/* One condition. active-gtk-theme needs the user's GSettings, which wrappy does not
 * read: it does not hold (Flatpak's answer when it cannot tell either). */
static gboolean
holds (const char *ext_id, const char *reason)
{
  if (strcmp (reason, "active-gl-driver") == 0)
    {
      const char *dot = strrchr (ext_id, '.');
      g_auto (GStrv) drivers = wrappy_flathub_gl_drivers ();
      return dot != NULL && g_strv_contains ((const char *const *)drivers, dot + 1);
    }
  if (strcmp (reason, "have-intel-gpu") == 0)
    return module_loaded ("i915");
  if (g_str_has_prefix (reason, "have-kernel-module-"))
    return module_loaded (reason + strlen ("have-kernel-module-"));
  if (g_str_has_prefix (reason, "on-xdg-desktop-"))
    return on_desktop (reason + strlen ("on-xdg-desktop-"));
  return FALSE;
}

gboolean
wrappy_flathub_ext_condition (const char *ext_id, const char *condition)
{
  g_auto (GStrv) reasons = NULL;
  gboolean any = FALSE;

  if (condition == NULL || *condition == '\0')
    return TRUE;
  reasons = g_strsplit (condition, ";", -1);
  /* As flatpak_extension_matches_reason: any reason that holds enables it. */
  for (char **r = reasons; *r; r++)
    {
      const char *reason = g_strstrip (*r);
      gboolean negate = reason[0] == '!';

      if (negate)
        reason++;
      if (*reason == '\0')
        continue;
      any = TRUE;
      if (holds (ext_id, reason) != negate)
        return TRUE;
    }
  return !any;
}

static WrappyFlatpakMetadata *
layer_metadata (const WrappyManifestLayer *l)
{
  g_autofree char *files = wrappy_manifest_layer_host_path (l);
  g_autofree char *dir = g_path_get_dirname (files);
  g_autofree char *path = g_build_filename (dir, "metadata", NULL);
  g_autofree char *data = NULL, *branch = NULL;
  g_autoptr (GError) error = NULL;
  WrappyFlatpakMetadata *md;
  gsize len;

  if (!g_file_get_contents (path, &data, &len, &error)
      || !wrappy_parse_ref (l->ref, NULL, NULL, NULL, &branch, &error)
      || (md = wrappy_flatpak_metadata_parse (data, len, branch, &error)) == NULL)
    {
      wrappy_debug ("the extensions of %s keep their plain layout: %s", l->name, error->message);
      return NULL;
    }
  return md;
}

/* The extension point of md that the extension ext_id belongs to, and with
 * subdirectories its name there ("default" for ….GL.default). */
static WrappyExtensionPoint *
point_of (WrappyFlatpakMetadata *md, const char *ext_id, const char **sub)
{
  for (guint i = 0; md != NULL && i < md->extensions->len; i++)
    {
      WrappyExtensionPoint *p = md->extensions->pdata[i];
      gsize n = strlen (p->name);

      *sub = NULL;
      if (strcmp (p->name, ext_id) == 0)
        return p;
      if (p->subdirectories && strncmp (ext_id, p->name, n) == 0 && ext_id[n] == '.'
          && ext_id[n + 1] != '\0' && strchr (ext_id + n + 1, '.') == NULL)
        {
          *sub = ext_id + n + 1;
          return p;
        }
    }
  return NULL;
}

static void
drop_dep (WrappyLaunchSpec *spec, const char *mount)
{
  for (guint i = 0; i < spec->deps->len; i++)
    if (strcmp (((WrappyLayer *)spec->deps->pdata[i])->sandbox_path, mount) == 0)
      {
        g_ptr_array_remove_index (spec->deps, i);
        return;
      }
}

/* merge-dirs: the entries of each such dir of the extension linked into the same dir
 * under the extension point's parent; the first extension to have a name wins. */
static void
merge_dirs (WrappyLaunchSpec *spec, const WrappyExtensionPoint *p, const char *directory,
            const char *host_files, GHashTable *made)
{
  g_autofree char *parent = g_path_get_dirname (directory);

  for (char **d = p->merge_dirs; d && *d; d++)
    {
      g_autofree char *source = g_build_filename (host_files, *d, NULL);
      g_autoptr (GDir) dir = g_dir_open (source, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *link = g_build_filename (parent, *d, name, NULL);
          g_autofree char *target = g_build_filename (directory, *d, name, NULL);

          if (g_hash_table_contains (made, link))
            continue;
          g_ptr_array_add (spec->links, wrappy_bind_new (target, link, TRUE));
          g_hash_table_add (made, g_steal_pointer (&link));
        }
    }
}

/* The layers of m mounted under base ("/usr" or "/app"), shaped by the points of md. */
static void
shape (WrappyLaunchSpec *spec, const WrappyManifest *m, WrappyFlatpakMetadata *md, const char *base,
       const char *kind, GPtrArray *tmpfs, GHashTable *made)
{
  int count = 0;

  for (guint i = 0; i < m->layers->len; i++)
    {
      const WrappyManifestLayer *l = m->layers->pdata[i];
      g_autofree char *directory = NULL, *files = NULL;
      const WrappyExtensionPoint *p;
      const char *sub = NULL;

      if (strcmp (l->kind, "deps") != 0 || l->mount == NULL || l->name == NULL
          || !g_str_has_prefix (l->mount, base) || l->mount[strlen (base)] != '/'
          || (p = point_of (md, l->name, &sub)) == NULL)
        continue;
      if (!wrappy_flathub_ext_condition (l->name, p->enable_if))
        {
          wrappy_debug ("%s is not mounted: enable-if=%s does not hold here", l->name,
                        p->enable_if);
          drop_dep (spec, l->mount);
          continue;
        }
      directory = g_build_filename (base, p->directory, sub, NULL);
      files = wrappy_manifest_layer_host_path (l);
      /* As Flatpak: the parent of subdirectory extensions is made empty first. */
      if (p->subdirectories)
        {
          g_autofree char *parent = g_path_get_dirname (directory);
          if (!g_ptr_array_find_with_equal_func (tmpfs, parent, g_str_equal, NULL))
            g_ptr_array_add (tmpfs, g_steal_pointer (&parent));
        }
      if (p->add_ld_path != NULL)
        {
          g_autofree char *path = strcmp (p->add_ld_path, ".") == 0
                                      ? g_strdup (l->mount)
                                      : g_build_filename (l->mount, p->add_ld_path, NULL);
          g_autofree char *conf
              = g_strdup_printf ("%s/%s-%03d-%s.conf", WRAPPY_LD_CONF_DIR, kind, ++count, l->name);
          g_ptr_array_add (spec->ld_conf, wrappy_bind_new (path, conf, TRUE));
        }
      merge_dirs (spec, p, directory, files, made);
    }
}

void
wrappy_flathub_ext_layout (WrappyLaunchSpec *spec, const WrappyManifest *m)
{
  g_autoptr (WrappyFlatpakMetadata) runtime_md = NULL;
  g_autoptr (WrappyFlatpakMetadata) app_md = NULL;
  g_autoptr (GPtrArray) tmpfs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GHashTable) made = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gboolean any = FALSE;

  for (guint i = 0; i < m->layers->len; i++)
    {
      const WrappyManifestLayer *l = m->layers->pdata[i];
      if (strcmp (l->kind, "base") == 0 && runtime_md == NULL && !wrappy_manifest_layer_is_host (l))
        runtime_md = layer_metadata (l);
      any = any || strcmp (l->kind, "deps") == 0;
    }
  /* The runtime's [Environment] under the app's (flatpak-run.c merges the runtime's
   * context first): how org.freedesktop.Platform points libglvnd at the GL extension's
   * egl_vendor.d and Mesa at its drivers. */
  for (char **e = runtime_md ? runtime_md->env : NULL; e && *e; e++)
    {
      g_autofree char *name = g_strndup (*e, strcspn (*e, "="));
      spec->env = g_environ_setenv (spec->env, name, *e + strlen (name) + 1, FALSE);
    }
  if (!any)
    return;
  for (guint i = 0; i < m->layers->len; i++)
    {
      const WrappyManifestLayer *l = m->layers->pdata[i];
      if (strcmp (l->kind, "app") == 0 && app_md == NULL)
        app_md = layer_metadata (l);
    }
  /* The runtime's extensions first, then the app's, as flatpak-run.c applies them. */
  shape (spec, m, runtime_md, "/usr", "runtime", tmpfs, made);
  shape (spec, m, app_md, "/app", "app", tmpfs, made);
  g_ptr_array_add (tmpfs, NULL);
  spec->ext_tmpfs = (char **)g_ptr_array_free (g_steal_pointer (&tmpfs), FALSE);
}

char *
wrappy_flathub_gl_driver (const WrappyManifest *m)
{
  g_autoptr (WrappyFlatpakMetadata) runtime_md = NULL;
  g_auto (GStrv) drivers = wrappy_flathub_gl_drivers ();

  for (guint i = 0; i < m->layers->len && runtime_md == NULL; i++)
    {
      const WrappyManifestLayer *l = m->layers->pdata[i];
      if (strcmp (l->kind, "base") == 0 && !wrappy_manifest_layer_is_host (l))
        runtime_md = layer_metadata (l);
    }
  if (runtime_md == NULL)
    return NULL;
  for (char **d = drivers; *d; d++)
    for (guint i = 0; i < m->layers->len; i++)
      {
        const WrappyManifestLayer *l = m->layers->pdata[i];
        const WrappyExtensionPoint *p;
        const char *sub = NULL;

        if (strcmp (l->kind, "deps") != 0 || l->name == NULL
            || (p = point_of (runtime_md, l->name, &sub)) == NULL || sub == NULL
            || strcmp (sub, *d) != 0 || !g_str_has_suffix (p->name, ".GL")
            || !wrappy_flathub_ext_condition (l->name, p->enable_if))
          continue;
        return g_strdup_printf ("%s (commit %.12s)", l->ref ? l->ref : l->name,
                                l->commit ? l->commit : "-");
      }
  return NULL;
}
