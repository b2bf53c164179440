/* File forwarding: see wrappy-documents.h. The markers are flatpak's (flatpak-run.c,
 * `flatpak run --file-forwarding`, and the @@/@@u of the Exec lines it exports). */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "wrappy-documents.h"
#include "wrappy-error.h"
#include "wrappy-i18n.h"
#include "wrappy-output.h"
#include "wrappy-plan-private.h"

WrappyDocumentsAddFunc wrappy_documents_add = NULL;

static gboolean
is_marker (const char *a)
{
  return strcmp (a, "@@") == 0 || strcmp (a, "@@u") == 0;
}

gboolean
wrappy_forward_has_markers (char **argv)
{
  for (char **a = argv; a && *a; a++)
    if (is_marker (*a))
      return TRUE;
  return FALSE;
}

/* A forwarded argument: its host path (NULL: not a local file, passed as it is). */
static char *
host_path (const char *arg, gboolean uri)
{
  g_autofree char *path = NULL;

  if (uri)
    {
      if (!g_str_has_prefix (arg, "file:"))
        return NULL;
      path = g_filename_from_uri (arg, NULL, NULL);
    }
  else
    path = g_canonicalize_filename (arg, NULL);
  if (path == NULL || !g_file_test (path, G_FILE_TEST_EXISTS))
    return NULL;
  {
    char real[PATH_MAX];
    if (realpath (path, real) == NULL)
      return NULL;
    return g_strdup (real);
  }
}

static char *
as_arg (const char *path, gboolean uri)
{
  return uri ? g_filename_to_uri (path, NULL, NULL) : g_strdup (path);
}

/* wrappy's own files (the overrides, the store, other apps' state) are hidden from every
 * app whatever it is granted: no list of files hands one over either. */
static gboolean
check_not_protected (const WrappyLaunchSpec *spec, const char *path, GError **error)
{
  for (guint i = 0; spec->protect != NULL && i < spec->protect->len; i++)
    {
      const WrappyProtect *p = spec->protect->pdata[i];
      if (p->kind == WRAPPY_PROTECT_HIDE && wrappy_plan_path_is_under (path, p->path))
        {
          g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_FAILED,
                       _ ("%s is one of wrappy's own files, which no app is given"), path);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
wrappy_forward_files (WrappyLaunchSpec *spec, const WrappyPlan *plan, uid_t uid, GError **error)
{
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) hidden = g_ptr_array_new_with_free_func (g_free); /* host paths */
  g_autoptr (GArray) slots = g_array_new (FALSE, FALSE, sizeof (guint));  /* their args */
  g_autoptr (GArray) uris = g_array_new (FALSE, FALSE, sizeof (gboolean));
  g_auto (GStrv) doc_ids = NULL;
  g_autofree char *mount = NULL;
  g_autoptr (GError) portal_error = NULL;
  gboolean in = FALSE, uri = FALSE;
  guint markers = 0;
  /* The documents are the app's under the name its bus proxy gives it (wrappy-policy.h). */
  const char *portal_id = spec->portal_id != NULL ? spec->portal_id : spec->app_id;

  /* Checked first: nothing is handed to the portal for a command line that fails. */
  for (char **a = spec->argv; a && *a; a++)
    markers += is_marker (*a);
  if (markers % 2 != 0)
    {
      g_set_error_literal (
          error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE,
          _ ("--file-forwarding: a list of files opened by @@ is not closed by @@"));
      return FALSE;
    }
  for (char **a = spec->argv; a && *a; a++)
    {
      g_autofree char *path = NULL;
      guint slot;

      if (is_marker (*a))
        {
          /* "@@" or "@@u" opens a list, "@@" (or another marker) closes it. */
          uri = !in && strcmp (*a, "@@u") == 0;
          in = !in;
          continue;
        }
      if (!in || (path = host_path (*a, uri)) == NULL || wrappy_plan_shows_host_path (plan, path))
        {
          g_ptr_array_add (out, g_strdup (*a));
          continue;
        }
      if (!check_not_protected (spec, path, error))
        return FALSE;
      slot = out->len;
      g_ptr_array_add (out, NULL);
      g_array_append_val (slots, slot);
      g_array_append_val (uris, uri);
      g_ptr_array_add (hidden, g_steal_pointer (&path));
    }
  g_ptr_array_add (hidden, NULL);
  if (slots->len > 0 && wrappy_documents_add != NULL
      && !wrappy_documents_add (portal_id, (char **)hidden->pdata, &doc_ids, &mount, &portal_error))
    wrappy_debug ("no document portal: %s", portal_error->message);
  if (slots->len > 0 && doc_ids != NULL)
    {
      g_autofree char *by_app = g_build_filename (mount, "by-app", portal_id, NULL);
      g_autofree char *dest = g_strdup_printf ("/run/user/%u/doc", (guint)uid);

      /* Mounted already where the app reaches the portal (wrappy_plan_add_documents). */
      if (plan->documents == NULL)
        g_ptr_array_add (spec->binds, wrappy_bind_new (by_app, dest, FALSE));
      for (guint i = 0; i < slots->len; i++)
        {
          g_autofree char *name = g_path_get_basename (hidden->pdata[i]);
          g_autofree char *inside = g_build_filename (dest, doc_ids[i], name, NULL);
          out->pdata[g_array_index (slots, guint, i)]
              = as_arg (inside, g_array_index (uris, gboolean, i));
        }
    }
  else
    /* The fallback: the file itself at its own path (never its directory). */
    for (guint i = 0; i < slots->len; i++)
      {
        const char *path = hidden->pdata[i];
        wrappy_debug ("forwarding %s by binding it: no document portal here", path);
        g_ptr_array_add (spec->binds, wrappy_bind_new (path, path, FALSE));
        out->pdata[g_array_index (slots, guint, i)]
            = as_arg (path, g_array_index (uris, gboolean, i));
      }
  if (in)
    {
      g_set_error_literal (
          error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE,
          _ ("--file-forwarding: a list of files opened by @@ is not closed by @@"));
      return FALSE;
    }
  g_ptr_array_add (out, NULL);
  g_strfreev (spec->argv);
  spec->argv = (char **)g_ptr_array_free (g_steal_pointer (&out), FALSE);
  return TRUE;
}
