#include "config.h"

#include <string.h>

#include "wrappy-error.h"
#include "wrappy-i18n.h"
#include "wrappy-id.h"

static gboolean
is_ident_start (char c)
{
  return g_ascii_isalpha (c) || c == '_';
}

static gboolean
is_ident_char (char c, gboolean last_element)
{
  return g_ascii_isalnum (c) || c == '_' || (last_element && c == '-');
}

static gboolean
invalid_id (GError **error, const char *id, const char *why)
{
  g_autofree char *shown = g_strescape (id, NULL);
  g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_ID,
               _ ("'%s' is not a valid app ID: %s (an ID looks like org.example.App)"), shown, why);
  return FALSE;
}

gboolean
wrappy_validate_app_id (const char *id, GError **error)
{
  gsize len;
  guint elements = 1;
  gboolean at_start = TRUE;
  const char *p, *last_dot;

  if (id == NULL || *id == '\0')
    return invalid_id (error, "", _ ("it is empty"));
  len = strlen (id);
  if (len > WRAPPY_ID_MAX)
    return invalid_id (error, id, _ ("it is longer than 255 bytes"));
  if (id[0] == '-')
    return invalid_id (error, id, _ ("it starts with '-'"));
  if (strchr (id, '/') != NULL)
    return invalid_id (error, id, _ ("it contains '/'"));
  if (strstr (id, "..") != NULL)
    return invalid_id (error, id, _ ("it contains '..'"));

  last_dot = strrchr (id, '.');
  for (p = id; *p != '\0'; p++)
    {
      char c = *p;
      if ((unsigned char)c >= 0x80)
        return invalid_id (error, id, _ ("it is not ASCII"));
      if (c == '.')
        {
          if (at_start)
            return invalid_id (error, id, _ ("it has an empty element"));
          elements++;
          at_start = TRUE;
          continue;
        }
      if (at_start && !is_ident_start (c))
        return invalid_id (error, id, _ ("an element must start with a letter or '_'"));
      if (!is_ident_char (c, last_dot == NULL || p > last_dot))
        return invalid_id (
            error, id, _ ("only letters, digits and '_' are allowed ('-' in the last element)"));
      at_start = FALSE;
    }
  if (at_start)
    return invalid_id (error, id, _ ("it ends with '.'"));
  if (elements < 3)
    return invalid_id (error, id, _ ("it needs at least three elements"));
  return TRUE;
}

gboolean
wrappy_validate_branch (const char *branch, GError **error)
{
  const char *p;

  if (branch == NULL || *branch == '\0' || strlen (branch) > WRAPPY_ID_MAX)
    goto bad;
  if (!g_ascii_isalnum (branch[0]) && branch[0] != '_')
    goto bad;
  for (p = branch; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '_' && *p != '-' && *p != '.')
      goto bad;
  if (strstr (branch, "..") != NULL)
    goto bad;
  return TRUE;

bad:
  {
    g_autofree char *shown = g_strescape (branch ? branch : "", NULL);
    g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_ID,
                 _ ("'%s' is not a valid branch name"), shown);
  }
  return FALSE;
}

gboolean
wrappy_validate_arch (const char *arch, GError **error)
{
  const char *p;

  if (arch == NULL || *arch == '\0' || strlen (arch) > 64)
    goto bad;
  for (p = arch; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '_')
      goto bad;
  return TRUE;

bad:
  {
    g_autofree char *shown = g_strescape (arch ? arch : "", NULL);
    g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_ID,
                 _ ("'%s' is not a valid architecture"), shown);
  }
  return FALSE;
}

gboolean
wrappy_validate_host_name (const char *name, GError **error)
{
  const char *why = NULL;

  if (name == NULL || *name == '\0')
    why = _ ("it is empty");
  else if (strlen (name) > WRAPPY_ID_MAX)
    why = _ ("it is longer than 255 bytes");
  else if (strchr (name, '/') != NULL)
    why = _ ("it contains '/'");
  else if (name[0] == '.' || name[0] == '-')
    why = _ ("it starts with '.' or '-'");
  else
    for (const char *p = name; *p != '\0' && why == NULL; p++)
      if (!g_ascii_isalnum (*p) && strchr ("_-+.", *p) == NULL)
        why = _ ("only letters, digits, '_', '-', '+' and '.' are allowed");
  if (why == NULL)
    return TRUE;
  {
    g_autofree char *shown = g_strescape (name ? name : "", NULL);
    /* One line: the caller prints it as the whole error. */
    g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_ID,
                 _ ("'%s' is not a valid name for a host program's state: %s"), shown, why);
  }
  return FALSE;
}

gboolean
wrappy_parse_app_spec (const char *spec, char **id_out, char **branch_out, GError **error)
{
  const char *sep = strstr (spec, "//");
  g_autofree char *id = NULL;
  g_autofree char *branch = NULL;

  if (sep != NULL)
    {
      id = g_strndup (spec, sep - spec);
      branch = g_strdup (sep + 2);
      if (!wrappy_validate_branch (branch, error))
        return FALSE;
    }
  else
    id = g_strdup (spec);

  if (!wrappy_validate_app_id (id, error))
    return FALSE;
  *id_out = g_steal_pointer (&id);
  if (branch_out)
    *branch_out = g_steal_pointer (&branch);
  return TRUE;
}

gboolean
wrappy_parse_ref (const char *ref, char **kind_out, char **id_out, char **arch_out,
                  char **branch_out, GError **error)
{
  g_auto (GStrv) parts = g_strsplit (ref, "/", 0);

  if (g_strv_length (parts) != 4
      || (strcmp (parts[0], "app") != 0 && strcmp (parts[0], "runtime") != 0))
    {
      g_autofree char *shown = g_strescape (ref, NULL);
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_ID,
                   _ ("'%s' is not a valid ref (expected app/ID/ARCH/BRANCH)"), shown);
      return FALSE;
    }
  if (!wrappy_validate_app_id (parts[1], error) || !wrappy_validate_arch (parts[2], error)
      || !wrappy_validate_branch (parts[3], error))
    return FALSE;
  if (kind_out)
    *kind_out = g_strdup (parts[0]);
  if (id_out)
    *id_out = g_strdup (parts[1]);
  if (arch_out)
    *arch_out = g_strdup (parts[2]);
  if (branch_out)
    *branch_out = g_strdup (parts[3]);
  return TRUE;
}

gboolean
wrappy_parse_layer_ref (const char *ref, char **kind_out, char **id_out, char **arch_out,
                        char **branch_out, GError **error)
{
  g_auto (GStrv) parts = g_strsplit (ref, "/", 0);
  gboolean ok;

  if (g_strv_length (parts) != 4
      || (strcmp (parts[0], "appimage") != 0 && strcmp (parts[0], "snap") != 0))
    return wrappy_parse_ref (ref, kind_out, id_out, arch_out, branch_out, error);
  if (strcmp (parts[0], "snap") == 0)
    ok = wrappy_validate_host_name (parts[1], error);
  else
    ok = wrappy_validate_app_id (parts[1], error);
  if (!ok || !wrappy_validate_arch (parts[2], error) || !wrappy_validate_branch (parts[3], error))
    return FALSE;
  if (kind_out)
    *kind_out = g_strdup (parts[0]);
  if (id_out)
    *id_out = g_strdup (parts[1]);
  if (arch_out)
    *arch_out = g_strdup (parts[2]);
  if (branch_out)
    *branch_out = g_strdup (parts[3]);
  return TRUE;
}

const char *
wrappy_default_arch (void)
{
#if defined(__x86_64__)
  return "x86_64";
#elif defined(__aarch64__)
  return "aarch64";
#elif defined(__i386__)
  return "i386";
#elif defined(__arm__)
  return "arm";
#else
  return "unknown";
#endif
}
