/* The search index (wrappy-catalog.c), the ranking over it, the appstream parser that
 * fills it for Flatpak remotes (wrappy-flathub-appstream.c) and the table's cutting. */
#include "config.h"

#include <string.h>

#include "wrappy-catalog.h"
#include "wrappy-error.h"
#include "wrappy-flathub.h"
#include "wrappy-search-output.h"
#include "wrappy-test-utils.h"

static GPtrArray *
sample_entries (void)
{
  GPtrArray *a = g_ptr_array_new_with_free_func ((GDestroyNotify)wrappy_catalog_entry_free);
  WrappyCatalogEntry *e;

  e = wrappy_catalog_entry_new ("org.example.Quill", "Quill", "Write plain text", "2.0");
  e->keywords = g_strdup ("notepad writing");
  e->description = g_strdup ("An editor with Markdown preview.");
  g_ptr_array_add (a, e);
  e = wrappy_catalog_entry_new ("org.example.Notes", "Notes", "Works well with Quill", "1.0");
  g_ptr_array_add (a, e);
  e = wrappy_catalog_entry_new ("org.example.quill", "Feather", "Another one", NULL);
  g_ptr_array_add (a, e);
  /* Hostile text: control characters, invalid UTF-8, an overlong name. */
  e = wrappy_catalog_entry_new ("org.example.Evil", "Ev\x1b[31mil\xff", "line\none", "1");
  e->description = g_strnfill (100000, 'x');
  g_ptr_array_add (a, e);
  return a;
}

static GPtrArray *
query (GBytes *catalog, const char *text, gboolean keep_all)
{
  g_auto (GStrv) words = g_strsplit (text, " ", 0);
  g_autoptr (WrappyQuery) q = wrappy_query_new (words);
  GPtrArray *hits = g_ptr_array_new_with_free_func ((GDestroyNotify)wrappy_search_hit_free);

  wrappy_catalog_match (catalog, "flathub", "test", q, keep_all, hits);
  wrappy_search_hits_sort (hits);
  return hits;
}

static void
test_save_load_match (void)
{
  g_autoptr (WrappyTestDirs) dirs = wrappy_test_dirs_new ();
  g_autoptr (GPtrArray) entries = sample_entries ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) catalog = NULL;
  g_autoptr (GPtrArray) hits = NULL;

  g_assert_cmpint (wrappy_catalog_age ("flathub", "test"), ==, -1);
  g_assert_true (wrappy_catalog_save ("flathub", "test", entries, &error));
  g_assert_no_error (error);
  g_assert_cmpint (wrappy_catalog_age ("flathub", "test"), >=, 0);
  catalog = wrappy_catalog_load ("flathub", "test", &error);
  g_assert_no_error (error);

  /* The exact ID first, then the exact name, then a word in a summary. */
  hits = query (catalog, "org.example.notes", FALSE);
  g_assert_cmpuint (hits->len, ==, 1);
  g_assert_cmpstr (((WrappySearchHit *)hits->pdata[0])->name, ==, "Notes");
  g_clear_pointer (&hits, g_ptr_array_unref);
  hits = query (catalog, "QUILL", FALSE);
  g_assert_cmpuint (hits->len, ==, 3);
  g_assert_cmpstr (((WrappySearchHit *)hits->pdata[0])->id, ==, "org.example.Quill");
  g_assert_cmpstr (((WrappySearchHit *)hits->pdata[1])->id, ==, "org.example.quill");
  g_assert_cmpstr (((WrappySearchHit *)hits->pdata[2])->id, ==, "org.example.Notes");
  g_assert_cmpstr (((WrappySearchHit *)hits->pdata[0])->version, ==, "2.0");
  g_assert_cmpstr (((WrappySearchHit *)hits->pdata[0])->origin, ==, "test");
  g_clear_pointer (&hits, g_ptr_array_unref);

  /* Keywords and description; every word must match somewhere. */
  hits = query (catalog, "notepad markdown", FALSE);
  g_assert_cmpuint (hits->len, ==, 1);
  g_clear_pointer (&hits, g_ptr_array_unref);
  hits = query (catalog, "notepad nowhere", FALSE);
  g_assert_cmpuint (hits->len, ==, 0);
  g_clear_pointer (&hits, g_ptr_array_unref);
  /* A word inside another word is not a word match ("rite" in "write"). */
  hits = query (catalog, "rite", FALSE);
  g_assert_cmpuint (hits->len, ==, 0);
  g_clear_pointer (&hits, g_ptr_array_unref);
  /* keep_all (the Snap Store's own matches) keeps everything. */
  hits = query (catalog, "rite", TRUE);
  g_assert_cmpuint (hits->len, ==, 4);
}

static void
test_hostile_text_is_cleaned (void)
{
  g_autoptr (GPtrArray) entries = sample_entries ();
  g_autoptr (GBytes) bytes = wrappy_catalog_serialize (entries);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) catalog = wrappy_catalog_from_bytes (bytes, &error);
  g_autoptr (GPtrArray) hits = NULL;
  const WrappySearchHit *h;

  g_assert_no_error (error);
  hits = query (catalog, "evil", FALSE);
  g_assert_cmpuint (hits->len, ==, 1);
  h = hits->pdata[0];
  g_assert_true (g_utf8_validate (h->name, -1, NULL));
  g_assert_null (strchr (h->name, '\x1b'));
  g_assert_cmpstr (h->summary, ==, "line one");
  /* The description is cut, so the index stays small. */
  g_assert_cmpuint (g_bytes_get_size (bytes), <, 20000);
}

static void
test_damaged_index_is_refused (void)
{
  g_autoptr (GPtrArray) entries = sample_entries ();
  g_autoptr (GBytes) good = wrappy_catalog_serialize (entries);
  gsize len;
  const char *data = g_bytes_get_data (good, &len);
  const char *bad[] = { "", "garbage", "wrappy-catalog-1" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GBytes) b = g_bytes_new (bad[i], strlen (bad[i]));
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) c = wrappy_catalog_from_bytes (b, &error);
      g_assert_null (c);
      g_assert_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA);
    }
  /* Cut anywhere: refused, or (on a record boundary) a shorter valid index. */
  for (gsize cut = 1; cut < len; cut += 7)
    {
      g_autoptr (GBytes) b = g_bytes_new (data, cut);
      g_autoptr (GBytes) c = wrappy_catalog_from_bytes (b, NULL);
      if (c != NULL)
        {
          g_autoptr (GPtrArray) hits = query (c, "quill", TRUE);
          g_assert_cmpuint (hits->len, <=, 4);
        }
    }
}

static const char appstream_xml[]
    = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<components version=\"0.8\" origin=\"flatpak\">\n"
      "<component type=\"desktop-application\"><id>org.example.Quill</id><name>Quill</name>"
      "<summary>Write</summary><description><p>A <em>fine</em> editor.</p></description>"
      "<keywords><keyword>notepad</keyword></keywords>"
      "<releases><release version=\"2.1\" timestamp=\"1700000000\"/>"
      "<release version=\"2.0\" timestamp=\"1600000000\"/></releases>"
      "<bundle type=\"flatpak\">app/org.example.Quill/x86_64/stable</bundle></component>\n"
      "<component type=\"desktop-application\"><id>org.example.Legacy.desktop</id>"
      "<name>Legacy</name><summary>Old ID</summary></component>\n"
      "<component type=\"runtime\"><id>org.example.Platform</id><name>Platform</name>"
      "<summary>A runtime</summary>"
      "<bundle type=\"flatpak\">runtime/org.example.Platform/x86_64/1</bundle></component>\n"
      "<component type=\"desktop-application\"><id>../../evil</id><name>Evil</name>"
      "<summary>Bad ID</summary></component>\n"
      "<component type=\"desktop-application\"><id>org.example.Quill</id><name>Again</name>"
      "<summary>Duplicate</summary></component>\n"
      "</components>\n";

static void
test_appstream_parse (void)
{
  g_autoptr (GBytes) xml = g_bytes_new_static (appstream_xml, strlen (appstream_xml));
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) entries = wrappy_flathub_appstream_parse (xml, &error);
  const WrappyCatalogEntry *e;

  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 2);
  e = entries->pdata[0];
  g_assert_cmpstr (e->id, ==, "org.example.Quill");
  g_assert_cmpstr (e->name, ==, "Quill");
  g_assert_cmpstr (e->version, ==, "2.1");
  g_assert_cmpstr (e->keywords, ==, "notepad");
  g_assert_nonnull (strstr (e->description, "A fine editor."));
  e = entries->pdata[1];
  g_assert_cmpstr (e->id, ==, "org.example.Legacy");
}

static void
test_appstream_bad_input (void)
{
  const char *bad[] = {
    "",
    "<components><component><id>x</id>",
    "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><components><component><id>a.b.C</id>"
    "<name>Caf\xe9</name></component></components>",
    "not xml at all",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GBytes) xml = g_bytes_new_static (bad[i], strlen (bad[i]));
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) entries = wrappy_flathub_appstream_parse (xml, &error);

      g_assert_null (entries);
      g_assert_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA);
      g_assert_null (strchr (error->message, '\n'));
    }
}

static void
test_ellipsize (void)
{
  g_autofree char *a = wrappy_ellipsize ("Quill", 10);
  g_autofree char *b = wrappy_ellipsize ("Quill", 3);
  g_autofree char *c = wrappy_ellipsize ("Привіт світ", 6);
  g_autofree char *d = wrappy_ellipsize ("abc", 0);

  g_assert_cmpstr (a, ==, "Quill");
  g_assert_cmpstr (b, ==, "Qu…");
  g_assert_cmpstr (c, ==, "Приві…");
  g_assert_cmpstr (d, ==, "");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/catalog/save-load-match", test_save_load_match);
  g_test_add_func ("/catalog/hostile-text", test_hostile_text_is_cleaned);
  g_test_add_func ("/catalog/damaged", test_damaged_index_is_refused);
  g_test_add_func ("/catalog/appstream-parse", test_appstream_parse);
  g_test_add_func ("/catalog/appstream-bad-input", test_appstream_bad_input);
  g_test_add_func ("/catalog/ellipsize", test_ellipsize);
  return g_test_run ();
}
