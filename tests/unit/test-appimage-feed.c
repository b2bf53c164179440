/* The AppImageHub feed (wrappy-appimage-feed.c): parsing good and hostile feeds into
 * catalog entries, the refresh and its cache, install-by-name resolution and the choice
 * of a GitHub release's asset. Network access goes through file:// URLs. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "wrappy-appimage-feed.h"
#include "wrappy-catalog.h"
#include "wrappy-error.h"
#include "wrappy-test-utils.h"

static const char good_feed[]
    = "{\"version\":1,\"home_page_url\":\"https://appimage.github.io/\",\"items\":["
      "{\"name\":\"Zoom\",\"description\":\"Video meetings. Chat "
      "too.\",\"categories\":[\"Network\"],"
      " \"authors\":[{\"name\":\"Zoom\",\"url\":\"https://zoom.us\"}],\"license\":null,"
      " \"links\":[{\"type\":\"Download\",\"url\":\"https://example.org/Zoom-x86_64.AppImage\"}],"
      " \"icons\":[\"Zoom/icons/128x128/zoom.png\"],\"screenshots\":[\"Zoom/screenshot.png\"]},"
      "{\"name\":\"86Box\",\"description\":\"<p>An emulator of &lt;old&gt; PCs &amp; more.</p>"
      "<p>Second paragraph.</p>\",\"categories\":[\"Utility;Emulator;\"],"
      " \"links\":[{\"type\":\"GitHub\",\"url\":\"86Box/86Box\"},"
      "  {\"type\":\"Download\",\"url\":\"https://github.com/86Box/86Box/releases\"}]},"
      "{\"name\":\"Quiet\",\"categories\":[null,[\"Office\",\"Text\"]],\"links\":null,"
      " \"description\":42}"
      "]}";

static GBytes *
bytes (const char *s)
{
  return g_bytes_new (s, strlen (s));
}

static WrappyCatalogEntry *
find_entry (GPtrArray *entries, const char *id)
{
  for (guint i = 0; i < entries->len; i++)
    {
      WrappyCatalogEntry *e = entries->pdata[i];
      if (strcmp (e->id, id) == 0)
        return e;
    }
  return NULL;
}

static void
assert_one_line_error (GError *error, int code, const char *needle)
{
  g_assert_error (error, WRAPPY_ERROR, code);
  g_assert_null (strchr (error->message, '\n'));
  if (needle != NULL && strstr (error->message, needle) == NULL)
    g_error ("'%s' does not say '%s'", error->message, needle);
}

static void
test_parse_good (void)
{
  g_autoptr (GBytes) b = bytes (good_feed);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) entries = wrappy_appimage_feed_parse (b, &error);
  WrappyCatalogEntry *e;

  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 3);
  e = find_entry (entries, "Zoom");
  g_assert_nonnull (e);
  g_assert_cmpstr (e->name, ==, "Zoom");
  g_assert_cmpstr (e->summary, ==, "Video meetings.");
  g_assert_cmpstr (e->description, ==, "Video meetings. Chat too.");
  g_assert_cmpstr (e->keywords, ==, "Network");
  g_assert_null (e->version);

  /* AppStream markup: tags gone, entities decoded, the first paragraph's sentence. */
  e = find_entry (entries, "86Box");
  g_assert_cmpstr (e->summary, ==, "An emulator of <old> PCs & more.");
  g_assert_cmpstr (e->description, ==, "An emulator of <old> PCs & more.\nSecond paragraph.");
  g_assert_cmpstr (e->keywords, ==, "Utility Emulator");

  /* Nulls and wrong types inside an item count as absent. */
  e = find_entry (entries, "Quiet");
  g_assert_null (e->summary);
  g_assert_null (e->description);
  g_assert_cmpstr (e->keywords, ==, "Office Text");
}

static void
test_unsafe_names (void)
{
  g_autofree char *longname = g_strnfill (201, 'a');
  g_autofree char *json = g_strdup_printf (
      "{\"items\":[{\"name\":\"a/b\"},{\"name\":\"..\"},{\"name\":\"x..y\"},{\"name\":\"-rf\"},"
      "{\"name\":\"bad\\u0001\"},{\"name\":\"\"},{\"name\":\"%s\"},{\"name\":7},{\"name\":null},"
      "{},\"Loose\",[\"x\"],{\"name\":\"Line\\nBreak\"},"
      "{\"name\":\"half\\ud800 x\"},{\"name\":\"Surrogate\",\"description\":\"lone \\udc00 half. "
      "More\"},{\"name\":\"Fine Name_1.2\"}]}",
      longname);
  g_autoptr (GBytes) b = bytes (json);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) entries = wrappy_appimage_feed_parse (b, &error);

  g_assert_no_error (error);
  /* json-glib turns a lone surrogate escape into invalid UTF-8: such a name is unsafe, and
   * such a description is the catalog's to clean. */
  g_assert_cmpuint (entries->len, ==, 2);
  g_assert_cmpstr (((WrappyCatalogEntry *)entries->pdata[0])->id, ==, "Surrogate");
  g_assert_cmpstr (((WrappyCatalogEntry *)entries->pdata[1])->id, ==, "Fine Name_1.2");

  g_assert_true (wrappy_appimage_feed_name_is_safe ("86Box"));
  g_assert_true (wrappy_appimage_feed_name_is_safe ("Ünïcode app"));
  g_assert_false (wrappy_appimage_feed_name_is_safe (NULL));
  g_assert_false (wrappy_appimage_feed_name_is_safe ("a\x7f"));
  g_assert_false (wrappy_appimage_feed_name_is_safe ("bad\xff"));
}

static void
assert_refused (const char *json, gssize len, const char *needle)
{
  g_autoptr (GBytes) b = g_bytes_new (json, len < 0 ? strlen (json) : (gsize)len);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) entries = wrappy_appimage_feed_parse (b, &error);

  g_assert_null (entries);
  assert_one_line_error (error, WRAPPY_ERROR_INVALID_DATA, needle);
}

static void
test_malformed (void)
{
  assert_refused ("", -1, "not valid JSON");
  assert_refused ("{\"items\":[", -1, "not valid JSON");
  assert_refused ("{\"items\":[{\"name\":\"a\"}]} trailing", -1, NULL);
  assert_refused ("\x00\x01", 2, NULL);
  /* json-glib 1.6 takes, and leaks, a second value after the root (fuzz-appimage-feed). */
  assert_refused ("{\"items\":[]}[[]]", -1, "not valid JSON");
  assert_refused ("{\"items\":[]}\n{}", -1, "not valid JSON");
  assert_refused ("1[[[]]]", -1, "not a JSON object");
  /* Wrong types where the document's shape is. */
  assert_refused ("[]", -1, "not a JSON object");
  assert_refused ("\"feed\"", -1, NULL);
  assert_refused ("{\"version\":1}", -1, "no list of items");
  assert_refused ("{\"items\":{\"name\":\"a\"}}", -1, "no list of items");
  assert_refused ("{\"items\":null}", -1, "no list of items");
  /* Not UTF-8 (json-glib alone takes it). */
  assert_refused ("{\"items\":[{\"name\":\"caf\xe9\"}]}", -1, "UTF-8");
  /* json-glib refuses a lone surrogate ending a string, quoting the bad bytes: the
   * message must still be one line of valid UTF-8 without control characters. */
  {
    g_autoptr (GBytes) b = bytes ("{\"items\":[{\"name\":\"\\u001b[31mhalf\\ud800\"}]}");
    g_autoptr (GError) error = NULL;
    g_assert_null (wrappy_appimage_feed_parse (b, &error));
    assert_one_line_error (error, WRAPPY_ERROR_INVALID_DATA, "not valid JSON");
    g_assert_true (g_utf8_validate (error->message, -1, NULL));
    g_assert_null (strchr (error->message, '\x1b'));
  }
}

static void
test_huge (void)
{
  gsize big = 64 * 1024 * 1024 + 1;
  char *data = g_malloc (big);
  g_autoptr (GString) many = g_string_new ("{\"items\":[");
  g_autofree char *deep = NULL;

  /* More than the size cap. */
  memset (data, ' ', big);
  data[0] = '{';
  {
    g_autoptr (GBytes) b = g_bytes_new_take (data, big);
    g_autoptr (GError) error = NULL;
    g_assert_null (wrappy_appimage_feed_parse (b, &error));
    assert_one_line_error (error, WRAPPY_ERROR_INVALID_DATA, "larger than");
  }

  /* Too many items. */
  for (int i = 0; i < 100001; i++)
    g_string_append (many, i ? ",{}" : "{}");
  g_string_append (many, "]}");
  assert_refused (many->str, many->len, "more than 100000 items");

  /* Nesting deep enough to exhaust a recursive parser's stack. */
  deep = g_strnfill (1000000, '[');
  assert_refused (deep, -1, "nested");
  /* Brackets inside strings are not nesting. */
  {
    g_autofree char *s = g_strnfill (100, '[');
    g_autofree char *json
        = g_strdup_printf ("{\"items\":[{\"name\":\"x\",\"description\":\"%s\\\"\"}]}", s);
    g_autoptr (GBytes) b = bytes (json);
    g_autoptr (GError) error = NULL;
    g_autoptr (GPtrArray) entries = wrappy_appimage_feed_parse (b, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (entries->len, ==, 1);
  }
}

static void
test_github_links (void)
{
  g_autofree char *owner = NULL, *repo = NULL;
  const char *bad[] = { "86Box",
                        "a/b/c",
                        "-x/y",
                        "x/..",
                        "x/.",
                        "o/r p",
                        "ftp://github.com/o/r",
                        "https://gitlab.com/o/r",
                        "https://github.com/o",
                        "o_o/r",
                        "https://github.com/o/r%2F..",
                        "",
                        NULL };

  g_assert_true (wrappy_appimage_parse_github ("86Box/86Box", &owner, &repo));
  g_assert_cmpstr (owner, ==, "86Box");
  g_assert_cmpstr (repo, ==, "86Box");
  g_clear_pointer (&owner, g_free);
  g_clear_pointer (&repo, g_free);
  g_assert_true (wrappy_appimage_parse_github (
      "https://github.com/kefir500/apk-editor-studio/releases?x=1", &owner, &repo));
  g_assert_cmpstr (owner, ==, "kefir500");
  g_assert_cmpstr (repo, ==, "apk-editor-studio");
  g_assert_true (wrappy_appimage_parse_github ("o/r.s_t-u", NULL, NULL));
  for (const char **b = bad; *b; b++)
    if (wrappy_appimage_parse_github (*b, NULL, NULL))
      g_error ("'%s' was taken as a GitHub repository", *b);
  g_assert_false (wrappy_appimage_parse_github (NULL, NULL, NULL));
}

static char *
pick (const char *json, const char *arch, GError **error)
{
  g_autoptr (GBytes) b = bytes (json);
  return wrappy_appimage_pick_asset (b, arch, "github.com/o/r", error);
}

static void
test_pick_asset (void)
{
  const char *release
      = "{\"tag_name\":\"v1\",\"assets\":["
        "{\"name\":\"App-x86_64.AppImage.zsync\",\"browser_download_url\":\"https://h/z\"},"
        "{\"name\":\"App-1.0.AppImage\",\"browser_download_url\":\"https://h/plain\"},"
        "{\"name\":\"App-arm64.AppImage\",\"browser_download_url\":\"https://h/arm64\"},"
        "{\"name\":\"App-x86_64.AppImage\",\"browser_download_url\":\"https://h/x86_64\"},"
        "{\"name\":\"App-amd64.appimage\",\"browser_download_url\":\"https://h/amd64\"},"
        "{\"name\":\"App.tar.gz\",\"browser_download_url\":\"https://h/tgz\"}]}";
  g_autoptr (GError) error = NULL;
  g_autofree char *x86 = pick (release, "x86_64", &error);
  g_autofree char *arm = pick (release, "aarch64", &error);
  g_autofree char *i386 = pick (release, "i386", &error);
  g_autofree char *none = NULL, *wrong = NULL, *unsafe = NULL, *bad = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (x86, ==, "https://h/x86_64");
  g_assert_cmpstr (arm, ==, "https://h/arm64");
  /* No asset names i386: the one naming no arch. */
  g_assert_cmpstr (i386, ==, "https://h/plain");

  none = pick (
      "{\"assets\":[{\"name\":\"a.AppImage.zsync\",\"browser_download_url\":\"https://h/z\"}]}",
      "x86_64", &error);
  g_assert_null (none);
  assert_one_line_error (error, WRAPPY_ERROR_NOT_FOUND, "has no AppImage");
  g_clear_error (&error);

  wrong = pick (
      "{\"assets\":[{\"name\":\"a-aarch64.AppImage\",\"browser_download_url\":\"https://h/a\"}]}",
      "x86_64", &error);
  g_assert_null (wrong);
  assert_one_line_error (error, WRAPPY_ERROR_NOT_FOUND, "no AppImage for x86_64");
  g_clear_error (&error);

  /* Only http(s) URLs are downloaded. */
  unsafe = pick (
      "{\"assets\":[{\"name\":\"a.AppImage\",\"browser_download_url\":\"file:///etc/passwd\"},"
      "{\"name\":\"b.AppImage\",\"browser_download_url\":42}]}",
      "x86_64", &error);
  g_assert_null (unsafe);
  g_assert_error (error, WRAPPY_ERROR, WRAPPY_ERROR_NOT_FOUND);
  g_clear_error (&error);

  bad = pick ("{\"assets\":", "x86_64", &error);
  g_assert_null (bad);
  assert_one_line_error (error, WRAPPY_ERROR_INVALID_DATA, "github.com/o/r");
}

static void
test_pick_glob_asset (void)
{
  g_autoptr (GBytes) release = bytes (
      "{\"assets\":["
      "{\"name\":\"App-x86_64.AppImage\",\"browser_download_url\":\"https://h/ai\"},"
      "{\"name\":\"App-aarch64.AppImage.zsync\",\"browser_download_url\":\"https://h/arm\"},"
      "{\"name\":\"App-x86_64.AppImage.zsync\",\"browser_download_url\":\"file:///x\"},"
      "{\"name\":\"App-1-x86_64.AppImage.zsync\",\"browser_download_url\":\"https://h/z\"}]}");
  g_autoptr (GError) error = NULL;
  g_autofree char *z = wrappy_appimage_pick_glob_asset (release, "App-*x86_64.AppImage.zsync",
                                                        "release latest of o/r", &error);
  g_autofree char *none = NULL;

  /* The file: URL is passed over. */
  g_assert_no_error (error);
  g_assert_cmpstr (z, ==, "https://h/z");
  none
      = wrappy_appimage_pick_glob_asset (release, "Other-*.zsync", "release latest of o/r", &error);
  g_assert_null (none);
  assert_one_line_error (error, WRAPPY_ERROR_NOT_FOUND, "no asset named like Other-*.zsync");
}

static void
test_resolve_direct (void)
{
  g_autoptr (WrappyTestDirs) d = wrappy_test_dirs_new ();
  g_autoptr (GBytes) b = bytes (good_feed);
  g_autoptr (GError) error = NULL;
  g_autofree char *url = wrappy_appimage_feed_resolve_in (b, "Zoom", &error);
  g_autofree char *folded = NULL, *unknown = NULL, *nolinks = NULL, *unsafe = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (url, ==, "https://example.org/Zoom-x86_64.AppImage");
  folded = wrappy_appimage_feed_resolve_in (b, "zoom", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (folded, ==, url);

  unknown = wrappy_appimage_feed_resolve_in (b, "Nope", &error);
  g_assert_null (unknown);
  assert_one_line_error (error, WRAPPY_ERROR_NOT_FOUND,
                         "no AppImage named Nope in the catalog; try 'wrappy search Nope'");
  g_clear_error (&error);

  nolinks = wrappy_appimage_feed_resolve_in (b, "Quiet", &error);
  g_assert_null (nolinks);
  assert_one_line_error (error, WRAPPY_ERROR_NOT_FOUND, "Quiet has neither");
  g_clear_error (&error);

  unsafe = wrappy_appimage_feed_resolve_in (b, "../x\n", &error);
  g_assert_null (unsafe);
  assert_one_line_error (error, WRAPPY_ERROR_INVALID_ID, NULL);
}

/* A GitHub-linked item: the API's answer read from a file:// stand-in. */
static void
test_resolve_github (void)
{
  g_autoptr (WrappyTestDirs) d = wrappy_test_dirs_new ();
  g_autofree char *api = g_build_filename (d->root, "api", NULL);
  g_autofree char *latest = g_build_filename (api, "repos/86Box/86Box/releases/latest", NULL);
  g_autofree char *api_url = g_strconcat ("file://", api, NULL);
  g_autoptr (GBytes) b = bytes (good_feed);
  g_autoptr (GError) error = NULL;
  g_autofree char *url = NULL, *missing = NULL;

  wrappy_test_write_file (latest, "{\"assets\":[{\"name\":\"86Box-x86_64.AppImage\","
                                  "\"browser_download_url\":\"https://h/86box-x86_64\"},"
                                  "{\"name\":\"86Box-arm64.AppImage\","
                                  "\"browser_download_url\":\"https://h/86box-arm64\"}]}");
  g_setenv ("WRAPPY_GITHUB_API_URL", api_url, TRUE);
  url = wrappy_appimage_feed_resolve_in (b, "86Box", &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (url, "https://h/86box-"));

  g_assert_cmpint (g_unlink (latest), ==, 0);
  missing = wrappy_appimage_feed_resolve_in (b, "86Box", &error);
  g_assert_null (missing);
  g_assert_nonnull (error);
  g_assert_null (strchr (error->message, '\n'));
  g_unsetenv ("WRAPPY_GITHUB_API_URL");
}

static void
test_refresh (void)
{
  g_autoptr (WrappyTestDirs) d = wrappy_test_dirs_new ();
  g_autofree char *feed = g_build_filename (d->root, "feed.json", NULL);
  g_autofree char *feed_url = g_strconcat ("file://", feed, NULL);
  g_autofree char *cache = NULL, *cached = NULL, *url = NULL;
  g_autofree char *idx = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) catalog = NULL;

  wrappy_test_write_file (feed, good_feed);
  g_setenv ("WRAPPY_APPIMAGE_FEED_URL", feed_url, TRUE);
  g_assert_cmpint (wrappy_catalog_age ("appimage", "appimagehub"), ==, -1);
  g_assert_true (wrappy_appimage_feed_refresh (FALSE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (wrappy_catalog_age ("appimage", "appimagehub"), >=, 0);
  cache = wrappy_appimage_feed_cache_path ();
  g_assert_true (g_str_has_suffix (cache, "/cache/wrappy/catalog/appimagehub-feed.json"));
  g_assert_true (g_file_get_contents (cache, &cached, NULL, NULL));
  g_assert_cmpstr (cached, ==, good_feed);
  catalog = wrappy_catalog_load ("appimage", "appimagehub", &error);
  g_assert_no_error (error);
  g_assert_nonnull (catalog);

  /* Fresh: no fetch (the feed is gone, yet this succeeds). */
  g_assert_cmpint (g_unlink (feed), ==, 0);
  g_assert_true (wrappy_appimage_feed_refresh (FALSE, &error));
  g_assert_no_error (error);

  /* A broken feed on a forced refresh: an error, and the old cache stays. */
  wrappy_test_write_file (feed, "{\"items\":[");
  idx = wrappy_catalog_path ("appimage", "appimagehub");
  g_assert_false (wrappy_appimage_feed_refresh (TRUE, &error));
  assert_one_line_error (error, WRAPPY_ERROR_INVALID_DATA, feed_url);
  g_clear_error (&error);
  g_clear_pointer (&cached, g_free);
  g_assert_true (g_file_get_contents (cache, &cached, NULL, NULL));
  g_assert_cmpstr (cached, ==, good_feed);
  g_assert_true (g_file_test (idx, G_FILE_TEST_IS_REGULAR));

  /* Install by name reads the cached feed. */
  url = wrappy_appimage_feed_resolve ("Zoom", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (url, ==, "https://example.org/Zoom-x86_64.AppImage");
  g_unsetenv ("WRAPPY_APPIMAGE_FEED_URL");
}

/* No cached feed: resolve fetches it first, and a failed fetch is its error. */
static void
test_resolve_fetches (void)
{
  g_autoptr (WrappyTestDirs) d = wrappy_test_dirs_new ();
  g_autofree char *feed = g_build_filename (d->root, "feed.json", NULL);
  g_autofree char *feed_url = g_strconcat ("file://", feed, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *url = NULL, *none = NULL;

  g_setenv ("WRAPPY_APPIMAGE_FEED_URL", feed_url, TRUE);
  none = wrappy_appimage_feed_resolve ("Zoom", &error);
  g_assert_null (none);
  g_assert_nonnull (error);
  g_assert_null (strchr (error->message, '\n'));
  g_clear_error (&error);

  wrappy_test_write_file (feed, good_feed);
  url = wrappy_appimage_feed_resolve ("Zoom", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (url, ==, "https://example.org/Zoom-x86_64.AppImage");
  g_unsetenv ("WRAPPY_APPIMAGE_FEED_URL");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_unsetenv ("WRAPPY_APPIMAGE_FEED_URL");
  g_unsetenv ("WRAPPY_GITHUB_API_URL");
  g_test_add_func ("/appimage-feed/parse-good", test_parse_good);
  g_test_add_func ("/appimage-feed/unsafe-names", test_unsafe_names);
  g_test_add_func ("/appimage-feed/malformed", test_malformed);
  g_test_add_func ("/appimage-feed/huge", test_huge);
  g_test_add_func ("/appimage-feed/github-links", test_github_links);
  g_test_add_func ("/appimage-feed/pick-asset", test_pick_asset);
  g_test_add_func ("/appimage-feed/pick-glob-asset", test_pick_glob_asset);
  g_test_add_func ("/appimage-feed/resolve-direct", test_resolve_direct);
  g_test_add_func ("/appimage-feed/resolve-github", test_resolve_github);
  g_test_add_func ("/appimage-feed/refresh", test_refresh);
  g_test_add_func ("/appimage-feed/resolve-fetches", test_resolve_fetches);
  return g_test_run ();
}
