/* The Snap Store: channel lookup through /v2/snaps/info and verified downloads. */
#include "config.h"

#include <inttypes.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <json-glib/json-glib.h>
#include <nettle/sha3.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wrappy-dirs.h"
#include "wrappy-download.h"
#include "wrappy-error.h"
#include "wrappy-i18n.h"
#include "wrappy-id.h"
#include "wrappy-output.h"
#include "wrappy-snap-launch.h"
#include "wrappy-snap-store.h"

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

static CURL *
new_curl (const char *url)
{
  CURL *curl;

  curl_global_init (CURL_GLOBAL_DEFAULT);
  curl = curl_easy_init ();
  if (curl == NULL)
    return NULL;
  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt (curl, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt (curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt (curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  /* Short: an unreachable store should fail in seconds, not hang an install. */
  curl_easy_setopt (curl, CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt (curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt (curl, CURLOPT_LOW_SPEED_TIME, 30L);
  curl_easy_setopt (curl, CURLOPT_USERAGENT, "wrappy/" PACKAGE_VERSION);
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  return curl;
}

static const char *
store_url (void)
{
  const char *url = g_getenv ("WRAPPY_SNAP_STORE_URL");
  return url && *url ? url : DEFAULT_STORE;
}

static size_t
on_info_data (char *ptr, size_t size, size_t nmemb, void *user_data)
{
  GByteArray *buf = user_data;
  gsize n = size * nmemb;

  if (buf->len + n > MAX_INFO_BYTES)
    return 0;
  g_byte_array_append (buf, (const guint8 *)ptr, n);
  return n;
}

static gboolean
store_unreachable (GError **error, const char *what, CURLcode rc)
{
  g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_NETWORK,
               _ ("cannot reach the Snap Store at %s (%s); check your network or "
                  "WRAPPY_SNAP_STORE_URL"),
               what, curl_easy_strerror (rc));
  return FALSE;
}

WrappySnapStoreInfo *
wrappy_snap_store_lookup (const char *name, const char *channel, GError **error)
{
  g_autofree char *norm = wrappy_snap_channel_normalize (channel, error);
  g_autofree char *url = NULL;
  g_autofree char *dev_arch = NULL;
  g_autoptr (GByteArray) buf = g_byte_array_new ();
  struct curl_slist *headers = NULL;
  CURL *curl;
  CURLcode rc;
  long status = 0;

  if (norm == NULL)
    return NULL;
  url = g_strdup_printf ("%s/v2/snaps/info/%s?fields=base,download,revision,type,version",
                         store_url (), name);
  curl = new_curl (url);
  if (curl == NULL)
    return g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_FAILED, "curl_easy_init failed"), NULL;
  dev_arch = g_strdup_printf ("Snap-Device-Architecture: %s", wrappy_snap_arch ());
  headers = curl_slist_append (headers, "Snap-Device-Series: 16");
  headers = curl_slist_append (headers, dev_arch);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (curl, CURLOPT_TIMEOUT, 60L);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, on_info_data);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, buf);
  rc = curl_easy_perform (curl);
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup (curl);
  curl_slist_free_all (headers);

  if (rc != CURLE_OK)
    return store_unreachable (error, store_url (), rc), NULL;
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
  return wrappy_snap_store_parse_info ((const char *)buf->data, buf->len, name, norm,
                                       wrappy_snap_arch (), error);
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
