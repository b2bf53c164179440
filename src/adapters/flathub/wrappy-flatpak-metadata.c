#include "config.h"

#include <string.h>

#include "wrappy-error.h"
#include "wrappy-flatpak-metadata.h"
#include "wrappy-fs.h"
#include "wrappy-i18n.h"
#include "wrappy-id.h"
#include "wrappy-permissions.h"

static void
extension_point_free (WrappyExtensionPoint *ext)
{
  g_free (ext->name);
  g_free (ext->directory);
  g_strfreev (ext->versions);
  g_free (ext->enable_if);
  g_free (ext->add_ld_path);
  g_free (ext->subdirectory_suffix);
  g_strfreev (ext->merge_dirs);
  g_free (ext->download_if);
  g_free (ext);
}

void
wrappy_flatpak_metadata_free (WrappyFlatpakMetadata *md)
{
  if (md == NULL)
    return;
  g_free (md->name);
  g_free (md->runtime);
  g_free (md->command);
  g_ptr_array_unref (md->extensions);
  g_strfreev (md->shared);
  g_strfreev (md->sockets);
  g_strfreev (md->devices);
  g_strfreev (md->filesystems);
  g_strfreev (md->features);
  g_strfreev (md->persistent);
  g_strfreev (md->env);
  g_strfreev (md->session_bus);
  g_strfreev (md->system_bus);
  g_free (md);
}

static gboolean
bad (GError **error, const char *why)
{
  g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA, _ ("malformed Flatpak metadata: %s"),
               why);
  return FALSE;
}

/* A relative path that stays inside its layer. */
static gboolean
is_safe_relative (const char *path)
{
  return path != NULL && path[0] != '/' && wrappy_path_is_clean (path);
}

/* A relative path for a key that shapes the layout, or none: it goes into loader
 * configuration (one path a line) and symlinks, so no control character either. */
static gboolean
is_safe_optional (const char *path)
{
  if (path == NULL)
    return TRUE;
  for (const char *p = path; *p; p++)
    if (g_ascii_iscntrl (*p))
      return FALSE;
  return strcmp (path, ".") == 0 || is_safe_relative (path);
}

static gboolean
parse_extension (GKeyFile *kf, const char *group, const char *default_branch, GPtrArray *out,
                 GError **error)
{
  WrappyExtensionPoint *ext;
  const char *name = group + strlen ("Extension ");
  g_autofree char *version = NULL;

  if (!wrappy_validate_app_id (name, NULL))
    return bad (error, _ ("an extension has an invalid name"));
  ext = g_new0 (WrappyExtensionPoint, 1);
  g_ptr_array_add (out, ext);
  ext->name = g_strdup (name);
  ext->directory = g_key_file_get_string (kf, group, "directory", NULL);
  if (!is_safe_relative (ext->directory))
    return bad (error, _ ("an extension directory is not a safe relative path"));
  ext->subdirectories = g_key_file_get_boolean (kf, group, "subdirectories", NULL);
  ext->no_autodownload = g_key_file_get_boolean (kf, group, "no-autodownload", NULL);
  ext->autodelete = g_key_file_get_boolean (kf, group, "autodelete", NULL);
  ext->download_if = g_key_file_get_string (kf, group, "download-if", NULL);
  ext->enable_if = g_key_file_get_string (kf, group, "enable-if", NULL);
  ext->add_ld_path = g_key_file_get_string (kf, group, "add-ld-path", NULL);
  ext->subdirectory_suffix = g_key_file_get_string (kf, group, "subdirectory-suffix", NULL);
  ext->merge_dirs = g_key_file_get_string_list (kf, group, "merge-dirs", NULL, NULL);
  if (!is_safe_optional (ext->add_ld_path) || !is_safe_optional (ext->subdirectory_suffix))
    return bad (error, _ ("an extension's library path or suffix is not a safe relative path"));
  for (char **d = ext->merge_dirs; d && *d; d++)
    if (!is_safe_optional (*d) || **d == '\0')
      return bad (error, _ ("an extension's merge-dirs entry is not a safe relative path"));
  ext->versions = g_key_file_get_string_list (kf, group, "versions", NULL, NULL);
  if (ext->versions == NULL)
    {
      version = g_key_file_get_string (kf, group, "version", NULL);
      ext->versions = g_new0 (char *, 2);
      ext->versions[0] = g_strdup (version ? version : default_branch);
    }
  for (char **v = ext->versions; *v; v++)
    if (!wrappy_validate_branch (*v, NULL))
      return bad (error, _ ("an extension has an invalid version"));
  return TRUE;
}

static char **
get_list (GKeyFile *kf, const char *key)
{
  return g_key_file_get_string_list (kf, "Context", key, NULL, NULL);
}

static gboolean
parse_environment (GKeyFile *kf, WrappyFlatpakMetadata *md, GError **error)
{
  g_auto (GStrv) keys = g_key_file_get_keys (kf, "Environment", NULL, NULL);
  g_autoptr (GPtrArray) env = g_ptr_array_new_with_free_func (g_free);

  for (char **k = keys; k && *k; k++)
    {
      g_autofree char *v = g_key_file_get_value (kf, "Environment", *k, NULL);
      if (**k == '\0' || strchr (*k, '=') != NULL)
        return bad (error, _ ("an environment variable has an invalid name"));
      g_ptr_array_add (env, g_strdup_printf ("%s=%s", *k, v ? v : ""));
    }
  g_ptr_array_add (env, NULL);
  md->env = (char **)g_ptr_array_free (g_steal_pointer (&env), FALSE);
  return TRUE;
}

WrappyFlatpakMetadata *
wrappy_flatpak_metadata_parse (const char *data, gsize len, const char *default_branch,
                               GError **error)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autoptr (WrappyFlatpakMetadata) md = g_new0 (WrappyFlatpakMetadata, 1);
  g_autoptr (GError) local_error = NULL;
  g_auto (GStrv) groups = NULL;
  const char *group;

  md->extensions = g_ptr_array_new_with_free_func ((GDestroyNotify)extension_point_free);
  if (memchr (data, '\0', len) != NULL)
    return bad (error, _ ("it contains a NUL byte")), NULL;
  if (!g_utf8_validate (data, len, NULL))
    return bad (error, _ ("it is not valid UTF-8")), NULL;
  if (!g_key_file_load_from_data (kf, data, len, G_KEY_FILE_NONE, &local_error))
    return bad (error, local_error->message), NULL;

  if (g_key_file_has_group (kf, "Application"))
    group = "Application";
  else if (g_key_file_has_group (kf, "Runtime"))
    group = "Runtime";
  else
    return bad (error, _ ("no [Application] or [Runtime] group")), NULL;
  md->is_runtime = strcmp (group, "Runtime") == 0;
  md->name = g_key_file_get_string (kf, group, "name", NULL);
  if (md->name == NULL || !wrappy_validate_app_id (md->name, NULL))
    return bad (error, _ ("missing or invalid name")), NULL;
  md->command = g_key_file_get_string (kf, group, "command", NULL);
  if (md->command != NULL && (md->command[0] == '\0' || strstr (md->command, "..") != NULL))
    return bad (error, _ ("invalid command")), NULL;

  if (!md->is_runtime)
    {
      g_autofree char *ref = NULL;
      md->runtime = g_key_file_get_string (kf, group, "runtime", NULL);
      if (md->runtime == NULL)
        return bad (error, _ ("the app names no runtime")), NULL;
      ref = g_strconcat ("runtime/", md->runtime, NULL);
      if (!wrappy_parse_ref (ref, NULL, NULL, NULL, NULL, NULL))
        return bad (error, _ ("the runtime is not of the form ID/ARCH/BRANCH")), NULL;
    }

  md->shared = get_list (kf, "shared");
  md->sockets = get_list (kf, "sockets");
  md->devices = get_list (kf, "devices");
  md->filesystems = get_list (kf, "filesystems");
  md->features = get_list (kf, "features");
  md->persistent = get_list (kf, "persistent");
  if (!parse_environment (kf, md, error))
    return NULL;
  {
    /* The bus policy groups read as the policy reads an override's. */
    g_autoptr (WrappyPermissions) p = wrappy_permissions_from_keyfile (kf);
    md->session_bus = g_steal_pointer (&p->session_bus);
    md->system_bus = g_steal_pointer (&p->system_bus);
  }

  groups = g_key_file_get_groups (kf, NULL);
  for (char **g = groups; *g; g++)
    if (g_str_has_prefix (*g, "Extension ")
        && !parse_extension (kf, *g, default_branch, md->extensions, error))
      return NULL;
  return g_steal_pointer (&md);
}
