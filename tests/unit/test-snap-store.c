#include "config.h"

#include <string.h>

#include "wrappy-catalog.h"
#include "wrappy-error.h"
#include "wrappy-snap-store.h"

#define SHA_A                                                                                      \
  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" \
  "aa"
#define SHA_B                                                                                      \
  "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" \
  "bb"

#define ENTRY(ARCH, TRACK, NAME, RISK, REV, SHA)                                                   \
  "{\"channel\": {\"architecture\": \"" ARCH "\", \"name\": \"" NAME "\", \"released-at\": "       \
  "\"2024-01-01T00:00:00+00:00\", \"risk\": \"" RISK "\", \"track\": \"" TRACK "\"},"              \
  "\"created-at\": \"2024-01-01T00:00:00+00:00\", \"type\": \"app\", \"version\": \"v" REV         \
  "\", \"revision\": " REV ", \"download\": {\"deltas\": [], \"size\": 4096, \"sha3-384\": \"" SHA \
  "\", \"url\": \"http://store/download/x_" REV ".snap\"}}"

static const char info_json[]
    = "{\"name\": \"hello\", \"snap-id\": \"abc\", \"channel-map\": [" ENTRY (
        "amd64", "latest", "stable", "stable", "10",
        SHA_A) "," ENTRY ("arm64", "latest", "stable", "stable", "11",
                          SHA_A) "," ENTRY ("amd64", "latest", "beta", "beta", "12",
                                            SHA_B) "," ENTRY ("amd64", "2.0", "2.0/stable",
                                                              "stable", "20",
                                                              SHA_A) "," ENTRY ("amd64", "latest",
                                                                                "stable/fix",
                                                                                "stable", "30",
                                                                                SHA_A) "], "
                                                                                       "\"snap\": "
                                                                                       "{\"name\": "
                                                                                       "\"hello\"}"
                                                                                       "}";

static WrappySnapStoreInfo *
pick (const char *channel, const char *arch, GError **error)
{
  g_autofree char *norm = wrappy_snap_channel_normalize (channel, error);
  if (norm == NULL)
    return NULL;
  return wrappy_snap_store_parse_info (info_json, strlen (info_json), "hello", norm, arch, error);
}

static void
test_channels (void)
{
  const char *cases[][2] = {
    { "stable", "latest/stable" },      { "beta", "latest/beta" },
    { "latest/edge", "latest/edge" },   { "2.0", "2.0/stable" },
    { "2.0/beta", "2.0/beta" },         { "stable/fix", "latest/stable/fix" },
    { "2.0/edge/fix", "2.0/edge/fix" },
  };
  const char *bad[] = { "", "a/b/c/d", "latest/../x", "x/y", "stable/", "a b", NULL };
  g_autofree char *def = wrappy_snap_channel_normalize (NULL, NULL);

  g_assert_cmpstr (def, ==, "latest/stable");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *n = wrappy_snap_channel_normalize (cases[i][0], NULL);
      g_assert_cmpstr (n, ==, cases[i][1]);
    }
  for (const char **b = bad; *b; b++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *n = wrappy_snap_channel_normalize (*b, &error);
      g_assert_null (n);
      g_assert_error (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE);
    }
}

static void
test_pick (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (WrappySnapStoreInfo) s = pick ("stable", "amd64", &error);
  g_autoptr (WrappySnapStoreInfo) arm = pick (NULL, "arm64", NULL);
  g_autoptr (WrappySnapStoreInfo) beta = pick ("latest/beta", "amd64", NULL);
  g_autoptr (WrappySnapStoreInfo) edge = pick ("edge", "amd64", NULL);
  g_autoptr (WrappySnapStoreInfo) track = pick ("2.0", "amd64", NULL);
  g_autoptr (WrappySnapStoreInfo) branch = pick ("stable/fix", "amd64", NULL);

  g_assert_no_error (error);
  g_assert_cmpstr (s->revision, ==, "10");
  g_assert_cmpstr (s->version, ==, "v10");
  g_assert_cmpstr (s->sha3_384, ==, SHA_A);
  g_assert_cmpuint (s->size, ==, 4096);
  g_assert_cmpstr (s->url, ==, "http://store/download/x_10.snap");
  g_assert_cmpstr (arm->revision, ==, "11");
  g_assert_cmpstr (beta->revision, ==, "12");
  /* edge is closed: it follows beta. */
  g_assert_cmpstr (edge->revision, ==, "12");
  g_assert_cmpstr (track->revision, ==, "20");
  g_assert_cmpstr (branch->revision, ==, "30");
}

static void
test_missing (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (WrappySnapStoreInfo) none = pick ("3.0/stable", "amd64", &error);
  const char *bad_docs[] = {
    "",
    "[]",
    "{\"channel-map\": 3}",
    "not json",
    "{\"channel-map\": [" ENTRY ("amd64", "latest", "stable", "stable", "0", SHA_A) "]}",
    "{\"channel-map\": [" ENTRY ("amd64", "latest", "stable", "stable", "1", "abc") "]}",
    NULL,
  };

  g_assert_null (none);
  g_assert_error (error, WRAPPY_ERROR, WRAPPY_ERROR_NOT_FOUND);
  g_clear_error (&error);
  none = pick ("stable", "s390x", &error);
  g_assert_error (error, WRAPPY_ERROR, WRAPPY_ERROR_NOT_FOUND);
  for (const char **d = bad_docs; *d; d++)
    {
      g_autoptr (GError) e = NULL;
      g_assert_null (
          wrappy_snap_store_parse_info (*d, strlen (*d), "x", "latest/stable", "amd64", &e));
      g_assert_error (e, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA);
    }
}

static GPtrArray *
find (const char *json, GError **error)
{
  return wrappy_snap_store_parse_find (json, strlen (json), error);
}

static void
test_find (void)
{
  /* The shape the store answers: snap-level fields in "snap", revision-level ones (version)
   * in "revision", which wins when both say something. */
  static const char json[]
      = "{\"results\": ["
        "{\"name\": \"hello-snap\", \"snap-id\": \"id1\", \"revision\": {\"version\": \"2.5\", "
        "\"revision\": 7, \"channel\": \"stable\"}, \"snap\": {\"title\": \"Hello\", \"summary\": "
        "\"Says\\thello\\u001b[31m\", \"description\": \"Line one.\\nLine two.\", "
        "\"version\": \"old\", \"publisher\": {\"username\": \"wrappy\"}}},"
        "{\"name\": \"bare\", \"snap-id\": \"id2\", \"snap\": {\"title\": \"\", \"summary\": "
        "null}},"
        "{\"name\": \"no-snap\"},"
        "{\"name\": \"hello-snap\", \"snap\": {\"title\": \"Duplicate\"}}"
        "], \"error-list\": []}";
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) r = find (json, &error);
  WrappyCatalogEntry *e;

  g_assert_no_error (error);
  g_assert_cmpuint (r->len, ==, 3);
  e = r->pdata[0];
  g_assert_cmpstr (e->id, ==, "hello-snap");
  g_assert_cmpstr (e->name, ==, "Hello");
  g_assert_cmpstr (e->summary, ==, "Says hello[31m");
  g_assert_cmpstr (e->version, ==, "2.5");
  g_assert_cmpstr (e->description, ==, "Line one.\nLine two.");
  e = r->pdata[1];
  g_assert_cmpstr (e->id, ==, "bare");
  g_assert_cmpstr (e->name, ==, "bare");
  g_assert_null (e->summary);
  g_assert_null (e->version);
  g_assert_null (e->description);
  g_assert_cmpstr (((WrappyCatalogEntry *)r->pdata[2])->id, ==, "no-snap");

  g_clear_pointer (&r, g_ptr_array_unref);
  r = find ("{\"results\": []}", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (r->len, ==, 0);
}

static void
test_find_bad_names (void)
{
  static const char json[]
      = "{\"results\": [{\"name\": \"Bad_Name\"}, {\"name\": \"../etc\"}, {\"name\": \"\"}, "
        "{\"snap\": {\"title\": \"no name\"}}, {\"name\": null}, {\"name\": \"-dash\"}, "
        "{\"name\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}, {\"name\": \"good-1\"}]}";
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) r = find (json, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (r->len, ==, 1);
  g_assert_cmpstr (((WrappyCatalogEntry *)r->pdata[0])->id, ==, "good-1");
}

static void
test_find_malformed (void)
{
  const char *bad[] = {
    "",
    "not json",
    "{\"results\": [",
    "[]",
    "{}",
    "{\"results\": {}}",
    "{\"results\": null}",
    "{\"results\": [3]}",
    "{\"results\": [{\"name\": 5}]}",
    "{\"results\": [{\"name\": \"a\", \"snap\": []}]}",
    "{\"results\": [{\"name\": \"a\", \"snap\": {\"title\": 5}}]}",
    "{\"results\": [{\"name\": \"a\", \"snap\": {\"summary\": {}}}]}",
    "{\"results\": [{\"name\": \"a\", \"revision\": {\"version\": 2}}]}",
    "{\"results\": [{\"name\": \"a\", \"revision\": \"x\"}]}",
    NULL,
  };
  static const char latin1[]
      = "{\"results\": [{\"name\": \"a\", \"snap\": {\"title\": \"caf\xe9\"}}]}";
  static const char nul[] = "{\"results\": []}\0garbage";

  for (const char **d = bad; *d; d++)
    {
      g_autoptr (GError) e = NULL;
      g_assert_null (find (*d, &e));
      g_assert_error (e, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA);
      g_assert_null (strchr (e->message, '\n'));
    }
  {
    g_autoptr (GError) e = NULL;
    g_assert_null (find (latin1, &e));
    g_assert_error (e, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA);
    g_assert_nonnull (strstr (e->message, "UTF-8"));
  }
  {
    g_autoptr (GError) e = NULL;
    g_assert_null (wrappy_snap_store_parse_find (nul, sizeof nul - 1, &e));
    g_assert_error (e, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA);
  }
  {
    g_autoptr (GError) e = NULL;
    g_assert_null (wrappy_snap_store_parse_find (NULL, 0, &e));
    g_assert_error (e, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA);
  }
  {
    /* Over the cap, even if it were valid: white space around an empty answer. */
    g_autoptr (GError) e = NULL;
    g_autofree char *big = g_malloc (WRAPPY_SNAP_FIND_MAX_BYTES + 1);
    memset (big, ' ', WRAPPY_SNAP_FIND_MAX_BYTES + 1);
    memcpy (big, "{\"results\": []}", 15);
    g_assert_null (wrappy_snap_store_parse_find (big, WRAPPY_SNAP_FIND_MAX_BYTES + 1, &e));
    g_assert_error (e, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA);
  }
}

static void
test_find_capped (void)
{
  g_autoptr (GString) json = g_string_new ("{\"results\": [");
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) r = NULL;

  for (guint i = 0; i < 10000; i++)
    g_string_append_printf (json, "%s{\"name\": \"snap-%u\", \"snap\": {\"summary\": \"s\"}}",
                            i ? "," : "", i);
  g_string_append (json, "]}");
  r = wrappy_snap_store_parse_find (json->str, json->len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (r->len, ==, WRAPPY_SNAP_FIND_MAX_RESULTS);
  g_assert_cmpstr (((WrappyCatalogEntry *)r->pdata[WRAPPY_SNAP_FIND_MAX_RESULTS - 1])->id, ==,
                   "snap-99");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/snap-store/channels", test_channels);
  g_test_add_func ("/snap-store/pick", test_pick);
  g_test_add_func ("/snap-store/missing", test_missing);
  g_test_add_func ("/snap-store/find", test_find);
  g_test_add_func ("/snap-store/find-bad-names", test_find_bad_names);
  g_test_add_func ("/snap-store/find-malformed", test_find_malformed);
  g_test_add_func ("/snap-store/find-capped", test_find_capped);
  return g_test_run ();
}
