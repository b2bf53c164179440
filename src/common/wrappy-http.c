#include "config.h"

#include <curl/curl.h>

#include "wrappy-error.h"
#include "wrappy-http.h"
#include "wrappy-i18n.h"

typedef struct
{
  GByteArray *buf;
  gsize max;
  gboolean too_big;
} Sink;

static size_t
on_data (char *ptr, size_t size, size_t nmemb, void *user_data)
{
  Sink *sink = user_data;
  gsize n = size * nmemb;

  if (sink->buf->len + n > sink->max)
    {
      sink->too_big = TRUE;
      return 0;
    }
  g_byte_array_append (sink->buf, (const guint8 *)ptr, n);
  return n;
}

static struct curl_slist *
header_list (const char *const *headers)
{
  struct curl_slist *list = NULL;

  for (; headers && *headers; headers++)
    list = curl_slist_append (list, *headers);
  return list;
}

GBytes *
wrappy_http_fetch (const char *url, const WrappyHttpOptions *opts, long *status, GError **error)
{
  g_autoptr (GByteArray) buf = g_byte_array_new ();
  Sink sink = { buf, opts->max_bytes, FALSE };
  struct curl_slist *headers = header_list (opts->headers);
  CURL *curl;
  CURLcode rc;

  *status = 0;
  curl_global_init (CURL_GLOBAL_DEFAULT);
  curl = curl_easy_init ();
  if (curl == NULL)
    {
      curl_slist_free_all (headers);
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_FAILED, "curl_easy_init failed");
      return NULL;
    }
  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt (curl, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt (curl, CURLOPT_PROTOCOLS_STR,
                    opts->protocols ? opts->protocols : "http,https,file");
  curl_easy_setopt (curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt (curl, CURLOPT_CONNECTTIMEOUT_MS,
                    opts->connect_timeout_ms > 0 ? opts->connect_timeout_ms : 15000L);
  curl_easy_setopt (curl, CURLOPT_TIMEOUT_MS, opts->timeout_ms > 0 ? opts->timeout_ms : 0L);
  curl_easy_setopt (curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt (curl, CURLOPT_LOW_SPEED_TIME, 30L);
  curl_easy_setopt (curl, CURLOPT_USERAGENT, "wrappy/" PACKAGE_VERSION);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  rc = curl_easy_perform (curl);
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, status);
  curl_easy_cleanup (curl);
  curl_slist_free_all (headers);

  if (sink.too_big)
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
                   _ ("%s is larger than %lu bytes; refusing it"), url,
                   (unsigned long)opts->max_bytes);
      return NULL;
    }
  if (rc != CURLE_OK)
    {
      g_set_error_literal (error, WRAPPY_ERROR, WRAPPY_ERROR_NETWORK, curl_easy_strerror (rc));
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&buf));
}

GBytes *
wrappy_http_get (const char *url, gsize max_bytes, GError **error)
{
  WrappyHttpOptions opts = { .max_bytes = max_bytes };
  g_autoptr (GError) local = NULL;
  g_autoptr (GBytes) body = NULL;
  long status = 0;

  body = wrappy_http_fetch (url, &opts, &status, &local);
  if (g_error_matches (local, WRAPPY_ERROR, WRAPPY_ERROR_NETWORK))
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_NETWORK,
                   _ ("cannot fetch %s: %s; check the address and your network"), url,
                   local->message);
      return NULL;
    }
  if (body == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  if (status >= 400)
    {
      g_set_error (error, WRAPPY_ERROR,
                   status == 404 ? WRAPPY_ERROR_NOT_FOUND : WRAPPY_ERROR_NETWORK,
                   _ ("cannot fetch %s: the server answered HTTP %ld"), url, status);
      return NULL;
    }
  return g_steal_pointer (&body);
}
