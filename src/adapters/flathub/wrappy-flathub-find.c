/* `wrappy install NAME|ID` asks each configured remote whether it has the app: by its
 * ID, or by the ID's last part ignoring case (`hello` for org.example.Hello), as
 * `flatpak install REMOTE NAME` matches a partial ID. */
#include "config.h"

#include <string.h>

#include "wrappy-catalog.h"
#include "wrappy-flathub-private.h"
#include "wrappy-flathub.h"
#include "wrappy-i18n.h"
#include "wrappy-id.h"
#include "wrappy-output.h"

static gboolean
id_matches (const char *id, const char *what)
{
  const char *last = strrchr (id, '.');

  if (strcmp (id, what) == 0)
    return TRUE;
  return strchr (what, '.') == NULL && last != NULL && g_ascii_strcasecmp (last + 1, what) == 0;
}

void
wrappy_flathub_find (WrappyStore *store, const char *what, GPtrArray *hits, GPtrArray *unreachable)
{
  g_autofree char *arch_part = g_strdup_printf ("/%s/", wrappy_default_arch ());
  g_autoptr (GPtrArray) remotes = wrappy_remote_list (NULL);
  g_autoptr (GError) error = NULL;
  OstreeRepo *repo;

  if (remotes->len == 0)
    return;
  if ((repo = wrappy_store_get_repo (store, &error)) == NULL)
    {
      g_ptr_array_add (unreachable, g_strdup (error->message));
      return;
    }
  for (guint i = 0; i < remotes->len; i++)
    {
      WrappyRemote *r = remotes->pdata[i];
      g_autoptr (GHashTable) refs = NULL;
      g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_autoptr (GError) e = NULL;
      GHashTableIter it;
      gpointer key;

      wrappy_debug ("looking for %s on remote '%s'", what, r->name);
      if ((refs = wrappy_flathub_list_refs (repo, r, &e)) == NULL)
        {
          g_ptr_array_add (unreachable, g_strdup (e->message));
          continue;
        }
      g_hash_table_iter_init (&it, refs);
      while (g_hash_table_iter_next (&it, &key, NULL))
        {
          g_auto (GStrv) parts = g_strsplit (key, "/", 0);
          if (g_strv_length (parts) != 4 || strcmp (parts[0], "app") != 0
              || strcmp (parts[2], wrappy_default_arch ()) != 0 || !id_matches (parts[1], what)
              || !g_hash_table_add (seen, g_strdup (parts[1])))
            continue;
          g_ptr_array_add (hits,
                           wrappy_search_hit_new (parts[1], NULL, NULL, NULL, "flathub", r->name));
        }
    }
}
