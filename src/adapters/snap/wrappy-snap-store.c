/* The Snap Store: channel lookup through /v2/snaps/info and verified downloads. */
#include "config.h"

#include <inttypes.h>
#include <errno.h>
#include <fcntl.h>
#include <json-glib/json-glib.h>
#include <nettle/sha3.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wrappy-dirs.h"
#include "wrappy-download.h"
#include "wrappy-catalog.h"
#include "wrappy-error.h"
#include "wrappy-http.h"
#include "wrappy-i18n.h"
#include "wrappy-id.h"
#include "wrappy-output.h"
#include "wrappy-snap-launch.h"
#include "wrappy-snap-store.h"
#include "wrappy-snap-yaml.h"

#define DEFAULT_STORE  "https://api.snapcraft.io"
#define MAX_INFO_BYTES (16 * 1024 * 1024)
/* snapd's risks, most stable first; a closed channel follows the next more stable one. */
static const char *const risks[] = { "stable", "candidate", "beta", "edge" };

void
wrappy_snap_store_info_free (WrappySnapStoreInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->name);
  g_free (info->channel);
  g_free (info->type);
  g_free (info->version);
  g_free (info->revision);
  g_free (info->url);
  g_free (info->sha3_384);
  g_free (info);
}

static int
risk_index (const char *s)
{
  for (guint i = 0; i < G_N_ELEMENTS (risks); i++)
    if (strcmp (s, risks[i]) == 0)
      return (int)i;
  return -1;
}

static gboolean
valid_channel_part (const char *s)
{
  if (*s == '\0' || strlen (s) > 64)
    return FALSE;
  for (; *s; s++)
    if (!g_ascii_isalnum (*s) && strchr ("._-", *s) == NULL)
      return FALSE;
  return TRUE;
}

/* snapd's channel.Parse: [track/]risk[/branch], or a bare track meaning track/stable. */
static gboolean
split_channel (const char *channel, char **track, char **risk, char **branch)
{
  g_auto (GStrv) p = g_strsplit (channel, "/", -1);
  guint n = g_strv_length (p);

  for (guint i = 0; i < n; i++)
    if (!valid_channel_part (p[i]))
      return FALSE;
  if (n == 1)
    {
      gboolean is_risk = risk_index (p[0]) >= 0;
      *track = g_strdup (is_risk ? "latest" : p[0]);
      *risk = g_strdup (is_risk ? p[0] : "stable");
      *branch = NULL;
      return TRUE;
    }
  if (n == 2 && risk_index (p[0]) >= 0)
    {
      *track = g_strdup ("latest");
      *risk = g_strdup (p[0]);
      *branch = g_strdup (p[1]);
      return TRUE;
    }
  if ((n == 2 || n == 3) && risk_index (p[1]) >= 0 && risk_index (p[0]) < 0)
    {
      *track = g_strdup (p[0]);
      *risk = g_strdup (p[1]);
      *branch = n == 3 ? g_strdup (p[2]) : NULL;
      return TRUE;
    }
  return FALSE;
}

char *
wrappy_snap_channel_normalize (const char *channel, GError **error)
{
  g_autofree char *track = NULL, *risk = NULL, *branch = NULL;

  if (channel == NULL)
    return g_strdup ("latest/stable");
  if (!split_channel (channel, &track, &risk, &branch))
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE,
                   _ ("invalid channel '%s': use [TRACK/]RISK[/BRANCH], RISK being stable, "
                      "candidate, beta or edge"),
                   channel);
      return NULL;
    }
  return branch ? g_strjoin ("/", track, risk, branch, NULL) : g_strjoin ("/", track, risk, NULL);
}

static const char *
member_string (JsonObject *o, const char *name)
{
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;
  return n && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING
             ? json_node_get_string (n)
             : NULL;
}

static JsonObject *
member_object (JsonObject *o, const char *name)
{
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;
  return n && JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
}

/* An entry's channel as track/risk[/branch]: the store gives "name" (e.g. "stable",
 * "2.0/beta") and "track" separately. */
static char *
entry_channel (JsonObject *ch)
{
  const char *name = member_string (ch, "name");
  const char *track = member_string (ch, "track");
  g_autofree char *t = NULL, *r = NULL, *b = NULL;

  if (name == NULL || !split_channel (name, &t, &r, &b))
    return NULL;
  if (track != NULL && risk_index (name) >= 0)
    {
      g_free (t);
      t = g_strdup (track);
    }
  return b ? g_strjoin ("/", t, r, b, NULL) : g_strjoin ("/", t, r, NULL);
}

static JsonObject *
find_entry (JsonArray *map, const char *channel, const char *arch)
{
  for (guint i = 0; i < json_array_get_length (map); i++)
    {
      JsonNode *n = json_array_get_element (map, i);
      JsonObject *e = JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
      JsonObject *ch = member_object (e, "channel");
      g_autofree char *c = entry_channel (ch);

      if (c != NULL && strcmp (c, channel) == 0
          && g_strcmp0 (member_string (ch, "architecture"), arch) == 0)
        return e;
    }
  return NULL;
}

static WrappySnapStoreInfo *
info_from_entry (JsonObject *e, const char *name, const char *channel, GError **error)
{
  g_autoptr (WrappySnapStoreInfo) info = g_new0 (WrappySnapStoreInfo, 1);
  JsonObject *dl = member_object (e, "download");
  JsonNode *rev = json_object_get_member (e, "revision");
  JsonNode *size = dl ? json_object_get_member (dl, "size") : NULL;
  const char *sha = member_string (dl, "sha3-384");
  const char *url = member_string (dl, "url");

  if (rev == NULL || !JSON_NODE_HOLDS_VALUE (rev) || json_node_get_value_type (rev) != G_TYPE_INT64
      || json_node_get_int (rev) <= 0 || size == NULL || !JSON_NODE_HOLDS_VALUE (size)
      || json_node_get_value_type (size) != G_TYPE_INT64 || json_node_get_int (size) <= 0
      || url == NULL || sha == NULL || strlen (sha) != 96 || strspn (sha, "0123456789abcdef") != 96)
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
                   _ ("the Snap Store's answer for %s has no usable download (revision, url, "
                      "size, sha3-384)"),
                   name);
      return NULL;
    }
  info->name = g_strdup (name);
  info->channel = g_strdup (channel);
  info->type = g_strdup (member_string (e, "type"));
  info->version = g_strdup (member_string (e, "version"));
  info->revision = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (rev));
  info->url = g_strdup (url);
  info->sha3_384 = g_strdup (sha);
  info->size = (guint64)json_node_get_int (size);
  return g_steal_pointer (&info);
}

WrappySnapStoreInfo *
wrappy_snap_store_parse_info (const char *json, gsize len, const char *name, const char *channel,
                              const char *arch, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *track = NULL, *risk = NULL, *branch = NULL;
  JsonNode *root, *map_node;
  JsonObject *entry = NULL;

  if (!json_parser_load_from_data (parser, json, len, NULL)
      || (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root)
      || (map_node = json_object_get_member (json_node_get_object (root), "channel-map")) == NULL
      || !JSON_NODE_HOLDS_ARRAY (map_node))
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
                   _ ("the Snap Store sent a malformed answer for %s"), name);
      return NULL;
    }
  if (!split_channel (channel, &track, &risk, &branch))
    return wrappy_snap_channel_normalize (channel, error), NULL;

  /* A closed risk follows the next more stable one of the same track, as snap does. */
  for (int r = risk_index (risk); entry == NULL && r >= 0; r--)
    {
      g_autofree char *c = branch && r == risk_index (risk)
                               ? g_strjoin ("/", track, risks[r], branch, NULL)
                               : g_strjoin ("/", track, risks[r], NULL);
      entry = find_entry (json_node_get_array (map_node), c, arch);
      if (branch != NULL)
        break;
    }
  if (entry == NULL)
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_NOT_FOUND,
                   _ ("snap %s has no release in channel %s for %s"), name, channel, arch);
      return NULL;
    }
  return info_from_entry (entry, name, channel, error);
}

/* A member as snapd's JSON decoding takes it: absent or null is empty, another type is an
 * error. *out is NULL when empty. */
static gboolean
optional_string (JsonObject *o, const char *name, const char **out)
{
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;

  *out = NULL;
  if (n == NULL || JSON_NODE_HOLDS_NULL (n))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return FALSE;
  *out = *json_node_get_string (n) ? json_node_get_string (n) : NULL;
  return TRUE;
}

static gboolean
optional_object (JsonObject *o, const char *name, JsonObject **out)
{
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;

  *out = NULL;
  if (n == NULL || JSON_NODE_HOLDS_NULL (n))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (n))
    return FALSE;
  *out = json_node_get_object (n);
  return TRUE;
}

/* Store text made safe to print, as snapd's safejson does: valid UTF-8 (an escaped lone
 * surrogate can still make it invalid), no control characters but a paragraph's newlines.
 * NULL when nothing is left. */
static char *
clean_text (const char *s, gboolean paragraph)
{
  char *clean = wrappy_catalog_clean_text (s, G_MAXSIZE, paragraph);

  if (clean[0] == '\0')
    return (void)g_free (clean), NULL;
  return clean;
}

enum
{
  FIELD_TITLE,
  FIELD_SUMMARY,
  FIELD_VERSION,
  FIELD_DESCRIPTION,
};
static const char *const find_fields[] = { "title", "summary", "version", "description" };

/* One search result. NULL with *bad set when something has the wrong type; NULL alone when
 * the name fails snapd's rule. As in snapd, what the revision says wins over the snap. */
static WrappyCatalogEntry *
entry_from_result (JsonNode *node, gboolean *bad)
{
  char *v[G_N_ELEMENTS (find_fields)] = { NULL };
  WrappyCatalogEntry *e = NULL;
  JsonObject *result, *snap = NULL, *rev = NULL;
  const char *name = NULL;

  *bad = !JSON_NODE_HOLDS_OBJECT (node);
  if (*bad)
    return NULL;
  result = json_node_get_object (node);
  *bad = !optional_string (result, "name", &name) || !optional_object (result, "snap", &snap)
         || !optional_object (result, "revision", &rev);
  for (guint i = 0; !*bad && i < G_N_ELEMENTS (find_fields); i++)
    {
      const char *from_snap = NULL, *from_rev = NULL;
      *bad = !optional_string (snap, find_fields[i], &from_snap)
             || !optional_string (rev, find_fields[i], &from_rev);
      v[i] = clean_text (from_rev ? from_rev : from_snap, i == FIELD_DESCRIPTION);
    }
  if (!*bad && wrappy_snap_validate_name (name, NULL))
    {
      e = wrappy_catalog_entry_new (name, v[FIELD_TITLE] ? v[FIELD_TITLE] : name, v[FIELD_SUMMARY],
                                    v[FIELD_VERSION]);
      e->description = g_steal_pointer (&v[FIELD_DESCRIPTION]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (v); i++)
    g_free (v[i]);
  return e;
}

GPtrArray *
wrappy_snap_store_parse_find (const char *json, gsize len, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GPtrArray) entries
      = g_ptr_array_new_with_free_func ((GDestroyNotify)wrappy_catalog_entry_free);
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  JsonNode *root, *results;
  JsonArray *array;
  gboolean bad = FALSE;

  if (len > WRAPPY_SNAP_FIND_MAX_BYTES)
    return g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
                        _ ("the Snap Store's search answer is larger than %lu bytes; ignoring it"),
                        (unsigned long)WRAPPY_SNAP_FIND_MAX_BYTES),
           NULL;
  /* json-glib takes bytes as they come; text shown to users must be UTF-8. */
  if (json == NULL || !g_utf8_validate_len (json, len, NULL))
    return g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
                        _ ("the Snap Store's search answer is not valid UTF-8")),
           NULL;
  if (!json_parser_load_from_data (parser, json, (gssize)len, NULL)
      || (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root)
      || (results = json_object_get_member (json_node_get_object (root), "results")) == NULL
      || !JSON_NODE_HOLDS_ARRAY (results))
    bad = TRUE;
  array = bad ? NULL : json_node_get_array (results);
  for (guint i = 0;
       !bad && i < json_array_get_length (array) && entries->len < WRAPPY_SNAP_FIND_MAX_RESULTS;
       i++)
    {
      WrappyCatalogEntry *e = entry_from_result (json_array_get_element (array, i), &bad);
      if (e != NULL && g_hash_table_add (seen, e->id))
        g_ptr_array_add (entries, e);
      else
        wrappy_catalog_entry_free (e);
    }
  if (bad)
    return g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
                        _ ("the Snap Store sent a malformed search answer")),
           NULL;
  return g_steal_pointer (&entries);
}

static const char *
store_url (void)
{
  const char *url = g_getenv ("WRAPPY_SNAP_STORE_URL");
  return url && *url ? url : DEFAULT_STORE;
}

/* GET path (with its query) at the store, with the device headers snapd sends. The HTTP
 * status is the caller's to judge. */
static GBytes *
store_get (const char *path, glong connect_ms, glong timeout_ms, gsize max_bytes, long *status,
           GError **error)
{
  g_autofree char *url = g_strconcat (store_url (), path, NULL);
  g_autofree char *arch = g_strdup_printf ("Snap-Device-Architecture: %s", wrappy_snap_arch ());
  const char *const headers[]
      = { "Snap-Device-Series: 16", arch, "Accept: application/json", NULL };
  WrappyHttpOptions opts = { headers, "http,https", connect_ms, timeout_ms, max_bytes };
  g_autoptr (GError) local = NULL;
  GBytes *body = wrappy_http_fetch (url, &opts, status, &local);

  if (g_error_matches (local, WRAPPY_ERROR, WRAPPY_ERROR_NETWORK))
    g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_NETWORK,
                 _ ("cannot reach the Snap Store at %s (%s); check your network or "
                    "WRAPPY_SNAP_STORE_URL"),
                 store_url (), local->message);
  else if (local != NULL)
    g_propagate_error (error, g_steal_pointer (&local));
  return body;
}

WrappySnapStoreInfo *
wrappy_snap_store_lookup (const char *name, const char *channel, GError **error)
{
  g_autofree char *norm = wrappy_snap_channel_normalize (channel, error);
  g_autofree char *path = NULL;
  g_autoptr (GBytes) body = NULL;
  long status = 0;
  gsize len;
  const char *data;

  if (norm == NULL)
    return NULL;
  path = g_strdup_printf ("/v2/snaps/info/%s?fields=base,download,revision,type,version", name);
  /* Short: an unreachable store should fail in seconds, not hang an install. */
  body = store_get (path, 10000, 60000, MAX_INFO_BYTES, &status, error);
  if (body == NULL)
    return NULL;
  /* 404 with error-list code snap-not-found (or resource-not-found). */
  if (status == 404)
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_NOT_FOUND, _ ("no snap named %s in the store"),
                   name);
      return NULL;
    }
  if (status != 200)
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_NETWORK,
                   _ ("the Snap Store at %s answered HTTP %ld for %s"), store_url (), status, name);
      return NULL;
    }
  data = g_bytes_get_data (body, &len);
  return wrappy_snap_store_parse_info (data ? data : "", len, name, norm, wrappy_snap_arch (),
                                       error);
}

/* WRAPPY_SNAP_STORE_TIMEOUT (seconds, fractions allowed) in ms, else the default. */
static glong
find_timeout_ms (void)
{
  const char *env = g_getenv ("WRAPPY_SNAP_STORE_TIMEOUT");
  char *end = NULL;
  double s = env ? g_ascii_strtod (env, &end) : 0;

  if (env == NULL || end == env || *end != '\0' || !(s > 0) || s > 600)
    return WRAPPY_SNAP_FIND_TIMEOUT * 1000;
  return MAX ((glong)(s * 1000), 1);
}

GPtrArray *
wrappy_snap_store_find (const char *query, GError **error)
{
  g_autofree char *q = g_strdup (query);
  g_autofree char *escaped = NULL, *path = NULL;
  g_autoptr (GBytes) body = NULL;
  glong timeout = find_timeout_ms ();
  long status = 0;
  gsize len;
  const char *data;

  /* snapd refuses these: they have a meaning to the store's search server and are no part
   * of a name or a word. Searching what is left answers "c++" as "c" would be answered. */
  g_strdelimit (q, "+=&|><!(){}[]^\"~*?:\\/", ' ');
  g_strstrip (q);
  if (*q == '\0')
    return g_ptr_array_new_with_free_func ((GDestroyNotify)wrappy_catalog_entry_free);
  escaped = g_uri_escape_string (q, NULL, FALSE);
  /* What snapd asks, but only strict confinement: wrappy runs every snap with its base as /,
   * so a classic snap, which expects the host's, would not work. */
  path = g_strdup_printf ("/v2/snaps/find?q=%s&fields=title,summary,description,version"
                          "&architecture=%s&channel=stable&confinement=strict",
                          escaped, wrappy_snap_arch ());
  body = store_get (path, MIN (timeout, WRAPPY_SNAP_FIND_CONNECT_TIMEOUT * 1000), timeout,
                    WRAPPY_SNAP_FIND_MAX_BYTES, &status, error);
  if (body == NULL)
    return NULL;
  if (status != 200)
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_NETWORK,
                   _ ("the Snap Store at %s answered HTTP %ld to a search"), store_url (), status);
      return NULL;
    }
  data = g_bytes_get_data (body, &len);
  return wrappy_snap_store_parse_find (data ? data : "", len, error);
}

/* The sha3-384 of the file at path, as lower-case hex. */
static char *
file_sha3_384 (const char *path, GError **error)
{
  uint8_t digest[SHA3_384_DIGEST_SIZE];
  struct sha3_384_ctx ctx;
  g_autofree char *buf = g_malloc (1 << 16);
  char *hex;
  ssize_t n;
  int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

  if (fd < 0)
    return wrappy_throw_errno (error, "open", path), NULL;
  sha3_384_init (&ctx);
  while ((n = TEMP_FAILURE_RETRY (read (fd, buf, 1 << 16))) > 0)
    sha3_384_update (&ctx, (gsize)n, (const uint8_t *)buf);
  close (fd);
  if (n < 0)
    return wrappy_throw_errno (error, "read", path), NULL;
  sha3_384_digest (&ctx, sizeof digest, digest);
  hex = g_malloc (2 * sizeof digest + 1);
  for (gsize i = 0; i < sizeof digest; i++)
    g_snprintf (hex + 2 * i, 3, "%02x", digest[i]);
  return hex;
}

/* The store said how large the file is and what its sha3-384 is: both must match. */
static gboolean
check_download (const WrappySnapStoreInfo *info, const char *path, GError **error)
{
  g_autofree char *hex = NULL;
  struct stat st;

  if (stat (path, &st) != 0)
    return wrappy_throw_errno (error, "stat", path);
  if ((guint64)st.st_size != info->size)
    return g_set_error (
               error, WRAPPY_ERROR, WRAPPY_ERROR_NETWORK,
               _ ("the download of %s was cut short (%" PRIu64 " of %" PRIu64 " bytes); try again"),
               info->name, (guint64)st.st_size, (guint64)info->size),
           FALSE;
  hex = file_sha3_384 (path, error);
  if (hex == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (hex, info->sha3_384) != 0)
    return g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_UNTRUSTED,
                        _ ("the download of %s does not match the store's sha3-384 checksum; it "
                           "was deleted and nothing was installed"),
                        info->name),
           FALSE;
  return TRUE;
}

char *
wrappy_snap_store_download (const WrappySnapStoreInfo *info, GCancellable *cancellable,
                            GError **error)
{
  g_autofree char *name = g_strdup_printf ("%s_%s.snap", info->name, info->revision);
  g_autofree char *path = wrappy_download (info->url, name, info->size, cancellable, error);

  if (path != NULL && check_download (info, path, error))
    return g_steal_pointer (&path);
  /* A snap install leaves nothing behind, not even a part to resume. */
  wrappy_download_discard (name);
  return NULL;
}
