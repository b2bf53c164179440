#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wrappy-dirs.h"
#include "wrappy-error.h"
#include "wrappy-fault.h"
#include "wrappy-fs.h"
#include "wrappy-i18n.h"
#include "wrappy-id.h"
#include "wrappy-manifest.h"
#include "wrappy-suggest.h"

#define MANIFEST_SUFFIX ".manifest"

WrappyManifest *
wrappy_manifest_new (const char *id)
{
  WrappyManifest *m = g_new0 (WrappyManifest, 1);

  m->id = g_strdup (id);
  m->layers = g_ptr_array_new_with_free_func ((GDestroyNotify)wrappy_manifest_layer_free);
  return m;
}

void
wrappy_manifest_layer_free (WrappyManifestLayer *l)
{
  g_free (l->kind);
  g_free (l->name);
  g_free (l->ref);
  g_free (l->commit);
  g_free (l->path);
  g_free (l->mount);
  g_free (l);
}

void
wrappy_manifest_free (WrappyManifest *m)
{
  if (m == NULL)
    return;
  g_free (m->id);
  g_free (m->name);
  g_free (m->version);
  g_free (m->summary);
  g_free (m->source);
  g_free (m->origin);
  g_free (m->branch);
  g_free (m->command);
  g_free (m->isolation);
  g_free (m->update_info);
  g_ptr_array_unref (m->layers);
  g_strfreev (m->shared);
  g_strfreev (m->session_bus);
  g_strfreev (m->system_bus);
  g_strfreev (m->sockets);
  g_strfreev (m->devices);
  g_strfreev (m->filesystems);
  g_strfreev (m->features);
  g_strfreev (m->persistent);
  g_strfreev (m->env);
  if (m->keyfile != NULL)
    g_key_file_unref (m->keyfile);
  g_free (m);
}

WrappyManifestLayer *
wrappy_manifest_add_layer (WrappyManifest *m, const char *kind, const char *name, const char *ref,
                           const char *commit, const char *path, const char *mount)
{
  WrappyManifestLayer *l = g_new0 (WrappyManifestLayer, 1);

  l->kind = g_strdup (kind);
  l->name = g_strdup (name);
  l->ref = g_strdup (ref);
  l->commit = g_strdup (commit);
  l->path = g_strdup (path);
  l->mount = g_strdup (mount);
  g_ptr_array_add (m->layers, l);
  return l;
}

WrappyManifestLayer *
wrappy_manifest_get_layer (WrappyManifest *m, const char *kind)
{
  for (guint i = 0; i < m->layers->len; i++)
    {
      WrappyManifestLayer *l = m->layers->pdata[i];
      if (strcmp (l->kind, kind) == 0)
        return l;
    }
  return NULL;
}

char *
wrappy_manifest_layer_host_path (const WrappyManifestLayer *l)
{
  if (g_path_is_absolute (l->path))
    return g_strdup (l->path);
  return g_build_filename (wrappy_dirs_data (), l->path, NULL);
}

char *
wrappy_manifest_path (const char *id)
{
  g_autofree char *name = g_strconcat (id, MANIFEST_SUFFIX, NULL);
  return g_build_filename (wrappy_dirs_data (), "apps", name, NULL);
}

static void
set_strv (GKeyFile *kf, const char *group, const char *key, char **v)
{
  if (v != NULL && v[0] != NULL)
    g_key_file_set_string_list (kf, group, key, (const char *const *)v, g_strv_length (v));
}

static void
set_str (GKeyFile *kf, const char *group, const char *key, const char *v)
{
  if (v != NULL)
    g_key_file_set_string (kf, group, key, v);
}

/* The groups wrappy_manifest_to_keyfile writes from the struct; any other group of
 * m->keyfile belongs to an adapter ([Snap], [AppImage], …) and is carried over. */
static gboolean
is_core_group (const char *group)
{
  const char *const core[] = { "Wrappy", "App", "Permissions", "Environment" };

  for (guint i = 0; i < G_N_ELEMENTS (core); i++)
    if (strcmp (group, core[i]) == 0)
      return TRUE;
  return g_str_has_prefix (group, "Layer ");
}

static void
copy_adapter_groups (GKeyFile *to, GKeyFile *from)
{
  g_auto (GStrv) groups = g_key_file_get_groups (from, NULL);

  for (char **g = groups; *g; g++)
    {
      g_auto (GStrv) keys = NULL;

      if (is_core_group (*g))
        continue;
      keys = g_key_file_get_keys (from, *g, NULL, NULL);
      for (char **k = keys; k && *k; k++)
        {
          g_autofree char *v = g_key_file_get_value (from, *g, *k, NULL);
          g_key_file_set_value (to, *g, *k, v);
        }
    }
}

GKeyFile *
wrappy_manifest_adapter_keyfile (WrappyManifest *m)
{
  if (m->keyfile == NULL)
    m->keyfile = g_key_file_new ();
  return m->keyfile;
}

GKeyFile *
wrappy_manifest_to_keyfile (WrappyManifest *m)
{
  GKeyFile *kf = g_key_file_new ();

  g_key_file_set_integer (kf, "Wrappy", "version", 1);
  set_str (kf, "App", "id", m->id);
  set_str (kf, "App", "name", m->name);
  set_str (kf, "App", "version", m->version);
  set_str (kf, "App", "summary", m->summary);
  set_str (kf, "App", "source", m->source);
  set_str (kf, "App", "origin", m->origin);
  set_str (kf, "App", "branch", m->branch);
  set_str (kf, "App", "command", m->command);
  set_str (kf, "App", "isolation", m->isolation);
  set_str (kf, "App", "update-info", m->update_info);
  g_key_file_set_uint64 (kf, "App", "installed-size", m->installed_size);

  for (guint i = 0; i < m->layers->len; i++)
    {
      WrappyManifestLayer *l = m->layers->pdata[i];
      g_autofree char *group = g_strdup_printf ("Layer %u", i);
      set_str (kf, group, "kind", l->kind);
      set_str (kf, group, "name", l->name);
      set_str (kf, group, "ref", l->ref);
      set_str (kf, group, "commit", l->commit);
      set_str (kf, group, "path", l->path);
      set_str (kf, group, "mount", l->mount);
    }

  set_strv (kf, "Permissions", "shared", m->shared);
  set_strv (kf, "Permissions", "sockets", m->sockets);
  set_strv (kf, "Permissions", "devices", m->devices);
  set_strv (kf, "Permissions", "filesystems", m->filesystems);
  set_strv (kf, "Permissions", "features", m->features);
  set_strv (kf, "Permissions", "persistent", m->persistent);
  set_strv (kf, "Permissions", "session-bus-policy", m->session_bus);
  set_strv (kf, "Permissions", "system-bus-policy", m->system_bus);

  for (char **e = m->env; e && *e; e++)
    {
      const char *eq = strchr (*e, '=');
      g_autofree char *var = eq ? g_strndup (*e, eq - *e) : g_strdup (*e);
      g_key_file_set_value (kf, "Environment", var, eq ? eq + 1 : "");
    }
  if (m->keyfile != NULL)
    copy_adapter_groups (kf, m->keyfile);
  return kf;
}

static gboolean
invalid (GError **error, const char *what)
{
  g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA, _ ("malformed manifest: %s"), what);
  return FALSE;
}

static gboolean
valid_mount (const char *mount)
{
  /* Layer mount points must stay under / with no '..' so that a tampered manifest
   * cannot aim a mount at, say, /proc inside the sandbox. */
  return mount != NULL && mount[0] == '/' && wrappy_path_is_clean (mount);
}

static gboolean
valid_layer_path (const char *path)
{
  return path != NULL && !g_path_is_absolute (path) && wrappy_path_is_clean (path);
}

static gboolean
host_base_layer (const char *kind, const char *path)
{
  return strcmp (kind, "base") == 0 && g_strcmp0 (path, WRAPPY_MANIFEST_HOST_BASE) == 0;
}

gboolean
wrappy_manifest_layer_is_host (const WrappyManifestLayer *l)
{
  return host_base_layer (l->kind, l->path);
}

WrappyManifest *
wrappy_manifest_from_keyfile (GKeyFile *kf, GError **error)
{
  g_autoptr (WrappyManifest) m = NULL;
  g_autofree char *id = g_key_file_get_string (kf, "App", "id", NULL);
  g_auto (GStrv) groups = NULL;
  g_auto (GStrv) env_keys = NULL;
  g_autoptr (GPtrArray) env = NULL;

  if (id == NULL)
    return invalid (error, _ ("no app ID")), NULL;
  if (!wrappy_validate_app_id (id, error))
    return NULL;

  m = wrappy_manifest_new (id);
  m->keyfile = g_key_file_ref (kf);
  m->name = g_key_file_get_string (kf, "App", "name", NULL);
  m->version = g_key_file_get_string (kf, "App", "version", NULL);
  m->summary = g_key_file_get_string (kf, "App", "summary", NULL);
  m->source = g_key_file_get_string (kf, "App", "source", NULL);
  m->origin = g_key_file_get_string (kf, "App", "origin", NULL);
  m->branch = g_key_file_get_string (kf, "App", "branch", NULL);
  m->command = g_key_file_get_string (kf, "App", "command", NULL);
  m->isolation = g_key_file_get_string (kf, "App", "isolation", NULL);
  m->update_info = g_key_file_get_string (kf, "App", "update-info", NULL);
  m->installed_size = g_key_file_get_uint64 (kf, "App", "installed-size", NULL);

  groups = g_key_file_get_groups (kf, NULL);
  for (char **g = groups; *g; g++)
    {
      g_autofree char *kind = NULL, *name = NULL, *ref = NULL, *commit = NULL;
      g_autofree char *path = NULL, *mount = NULL;

      if (!g_str_has_prefix (*g, "Layer "))
        continue;
      kind = g_key_file_get_string (kf, *g, "kind", NULL);
      name = g_key_file_get_string (kf, *g, "name", NULL);
      ref = g_key_file_get_string (kf, *g, "ref", NULL);
      commit = g_key_file_get_string (kf, *g, "commit", NULL);
      path = g_key_file_get_string (kf, *g, "path", NULL);
      mount = g_key_file_get_string (kf, *g, "mount", NULL);
      if (kind == NULL
          || (strcmp (kind, "base") != 0 && strcmp (kind, "deps") != 0
              && strcmp (kind, "app") != 0))
        return invalid (error, _ ("a layer has no valid kind")), NULL;
      if (!(valid_layer_path (path) || host_base_layer (kind, path)) || !valid_mount (mount))
        return invalid (error, _ ("a layer has an invalid path or mount point")), NULL;
      wrappy_manifest_add_layer (m, kind, name, ref, commit, path, mount);
    }
  if (wrappy_manifest_get_layer (m, "base") == NULL)
    return invalid (error, _ ("no base layer")), NULL;

  m->shared = g_key_file_get_string_list (kf, "Permissions", "shared", NULL, NULL);
  m->sockets = g_key_file_get_string_list (kf, "Permissions", "sockets", NULL, NULL);
  m->devices = g_key_file_get_string_list (kf, "Permissions", "devices", NULL, NULL);
  m->filesystems = g_key_file_get_string_list (kf, "Permissions", "filesystems", NULL, NULL);
  m->features = g_key_file_get_string_list (kf, "Permissions", "features", NULL, NULL);
  m->persistent = g_key_file_get_string_list (kf, "Permissions", "persistent", NULL, NULL);
  m->session_bus = g_key_file_get_string_list (kf, "Permissions", "session-bus-policy", NULL, NULL);
  m->system_bus = g_key_file_get_string_list (kf, "Permissions", "system-bus-policy", NULL, NULL);

  env_keys = g_key_file_get_keys (kf, "Environment", NULL, NULL);
  env = g_ptr_array_new_with_free_func (g_free);
  for (char **k = env_keys; k && *k; k++)
    {
      g_autofree char *v = g_key_file_get_value (kf, "Environment", *k, NULL);
      g_ptr_array_add (env, g_strdup_printf ("%s=%s", *k, v ? v : ""));
    }
  g_ptr_array_add (env, NULL);
  m->env = (char **)g_ptr_array_free (g_steal_pointer (&env), FALSE);
  return g_steal_pointer (&m);
}

WrappyManifest *
wrappy_manifest_load_file (const char *path, GError **error)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autoptr (GError) local_error = NULL;

  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &local_error))
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
                   _ ("cannot read manifest %s: %s"), path, local_error->message);
      return NULL;
    }
  return wrappy_manifest_from_keyfile (kf, error);
}

static int
compare_strings (const void *a, const void *b)
{
  return strcmp (*(char *const *)a, *(char *const *)b);
}

WrappyManifest *
wrappy_manifest_load (const char *id, GError **error)
{
  g_autofree char *path = NULL;

  if (!wrappy_validate_app_id (id, error))
    {
      wrappy_manifest_suggest_id (id, error);
      return NULL;
    }
  path = wrappy_manifest_path (id);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_NOT_INSTALLED, _ ("%s is not installed"), id);
      if (!wrappy_manifest_suggest_id (id, error))
        {
          g_clear_error (error);
          g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_NOT_INSTALLED,
                       _ ("%s is not installed; see 'wrappy list', or install it with "
                          "'wrappy install %s'"),
                       id, id);
        }
      return NULL;
    }
  return wrappy_manifest_load_file (path, error);
}

gboolean
wrappy_manifest_suggest_id (const char *id, GError **error)
{
  g_auto (GStrv) ids = NULL;
  const char *guess;
  char *message;

  if (error == NULL || *error == NULL)
    return FALSE;
  ids = wrappy_manifest_installed_ids ();
  guess = wrappy_suggest (id, (const char *const *)ids);
  if (guess == NULL)
    return FALSE;
  message = g_strdup_printf (_ ("%s; did you mean '%s'?"), (*error)->message, guess);
  g_free ((*error)->message);
  (*error)->message = message;
  return TRUE;
}

char **
wrappy_manifest_installed_ids (void)
{
  g_autofree char *dir = g_build_filename (wrappy_dirs_data (), "apps", NULL);
  g_autoptr (GStrvBuilder) ids = g_strv_builder_new ();
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  g_auto (GStrv) result = NULL;
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, MANIFEST_SUFFIX) && name[0] != '.')
      {
        g_autofree char *id = g_strndup (name, strlen (name) - strlen (MANIFEST_SUFFIX));
        if (wrappy_validate_app_id (id, NULL))
          g_strv_builder_add (ids, id);
      }
  result = g_strv_builder_end (ids);
  qsort (result, g_strv_length (result), sizeof (char *), compare_strings);
  return g_steal_pointer (&result);
}

gboolean
wrappy_manifest_is_installed (const char *id)
{
  g_autofree char *path = wrappy_manifest_path (id);
  return g_file_test (path, G_FILE_TEST_IS_REGULAR);
}

gboolean
wrappy_manifest_save (WrappyManifest *m, GError **error)
{
  g_autoptr (GKeyFile) kf = wrappy_manifest_to_keyfile (m);
  g_autofree char *path = wrappy_manifest_path (m->id);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *data = NULL;
  gsize len;

  if (!wrappy_dirs_ensure (dir, error))
    return FALSE;
  data = g_key_file_to_data (kf, &len, NULL);
  wrappy_fault_point ("manifest-before-save");
  /* g_file_set_contents writes a temp file, fsyncs it and renames it over the target. */
  if (!g_file_set_contents_full (path, data, len, G_FILE_SET_CONTENTS_CONSISTENT, 0644, error))
    return FALSE;
  wrappy_fault_point ("manifest-after-save");
  return TRUE;
}

gboolean
wrappy_manifest_delete (const char *id, GError **error)
{
  g_autofree char *path = wrappy_manifest_path (id);

  if (unlink (path) != 0 && errno != ENOENT)
    return wrappy_throw_errno (error, "unlink", path);
  return TRUE;
}

static gint
compare_by_id (gconstpointer a, gconstpointer b)
{
  const WrappyManifest *ma = *(WrappyManifest **)a;
  const WrappyManifest *mb = *(WrappyManifest **)b;
  return strcmp (ma->id, mb->id);
}

static GPtrArray *
list_installed (gboolean strict, GError **error)
{
  g_autofree char *dir = g_build_filename (wrappy_dirs_data (), "apps", NULL);
  g_autoptr (GPtrArray) result
      = g_ptr_array_new_with_free_func ((GDestroyNotify)wrappy_manifest_free);
  g_autoptr (GDir) d = NULL;
  g_autoptr (GError) local_error = NULL;
  const char *name;

  d = g_dir_open (dir, 0, &local_error);
  if (d == NULL)
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_steal_pointer (&result);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autoptr (GError) e = NULL;
      WrappyManifest *m;

      if (!g_str_has_suffix (name, MANIFEST_SUFFIX) || name[0] == '.')
        continue;
      path = g_build_filename (dir, name, NULL);
      m = wrappy_manifest_load_file (path, &e);
      if (m == NULL && strict)
        {
          g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
                       _ ("cannot read %s (%s); run 'wrappy doctor --fix' first"), path,
                       e->message);
          return NULL;
        }
      if (m == NULL)
        {
          g_printerr (_ ("warning: skipping %s: %s\n"), path, e->message);
          continue;
        }
      g_ptr_array_add (result, m);
    }
  g_ptr_array_sort (result, compare_by_id);
  return g_steal_pointer (&result);
}

GPtrArray *
wrappy_manifest_list_installed (GError **error)
{
  return list_installed (FALSE, error);
}

GPtrArray *
wrappy_manifest_list_installed_strict (GError **error)
{
  return list_installed (TRUE, error);
}
