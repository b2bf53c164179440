#include "config.h"

#include <inttypes.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wrappy-dirs.h"
#include "wrappy-download.h"
#include "wrappy-error.h"
#include "wrappy-i18n.h"
#include "wrappy-output.h"

typedef struct
{
  int fd;
  guint64 resume_from; /* bytes already in the .part file */
  guint64 written;     /* bytes written this time */
  guint64 max_bytes;
  gboolean too_big;
  gboolean restarted; /* the server ignored Range: the file was truncated */
  gboolean write_failed;
  gboolean bad_range; /* HTTP 416: the .part is not a prefix of the file any more */
  int write_errno;
  CURL *curl;
  WrappyProgress *progress;
  GCancellable *cancellable;
} Sink;

gboolean
wrappy_is_url (const char *s)
{
  return g_str_has_prefix (s, "http://") || g_str_has_prefix (s, "https://");
}

char *
wrappy_download_name_for_url (const char *url)
{
  g_autofree char *path = g_strndup (url, strcspn (url, "?#"));
  const char *slash = strrchr (path, '/');
  const char *base = slash ? slash + 1 : path;
  g_autofree char *unescaped = g_uri_unescape_string (base, NULL);

  if (unescaped == NULL || *unescaped == '\0' || unescaped[0] == '.' || strlen (unescaped) > 200
      || strchr (unescaped, '/') != NULL)
    return g_strdup ("download");
  for (const char *p = unescaped; *p; p++)
    if (!g_ascii_isalnum (*p) && strchr ("._-+", *p) == NULL)
      return g_strdup ("download");
  return g_steal_pointer (&unescaped);
}

static size_t
on_data (char *ptr, size_t size, size_t nmemb, void *user_data)
{
  Sink *sink = user_data;
  gsize n = size * nmemb;
  const char *p = ptr;

  if (sink->written == 0 && sink->resume_from > 0)
    {
      long status = 0;
      curl_easy_getinfo (sink->curl, CURLINFO_RESPONSE_CODE, &status);
      if (status == 200)
        {
          /* A full body, not the rest: start over. */
          if (ftruncate (sink->fd, 0) != 0 || lseek (sink->fd, 0, SEEK_SET) != 0)
            {
              sink->write_failed = TRUE;
              sink->write_errno = errno;
              return 0;
            }
          sink->resume_from = 0;
          sink->restarted = TRUE;
        }
    }
  if (sink->max_bytes > 0 && sink->resume_from + sink->written + n > sink->max_bytes)
    {
      sink->too_big = TRUE;
      return 0;
    }
  while (n > 0)
    {
      ssize_t w = write (sink->fd, p, n);
      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        {
          sink->write_failed = TRUE;
          sink->write_errno = errno;
          return 0;
        }
      p += w;
      n -= w;
      sink->written += w;
    }
  return size * nmemb;
}

static int
on_progress (void *user_data, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
             curl_off_t ulnow)
{
  Sink *sink = user_data;

  if (g_cancellable_is_cancelled (sink->cancellable))
    return 1;
  /* dltotal 0: the server did not say the size (a spinner). */
  if (sink->progress != NULL)
    wrappy_progress_update (sink->progress, sink->resume_from + dlnow,
                            dltotal > 0 ? sink->resume_from + dltotal : 0, NULL);
  return 0;
}

static gboolean
perform (const char *url, Sink *sink, GError **error)
{
  CURLcode rc;
  long status = 0;
  char errbuf[CURL_ERROR_SIZE] = "";

  curl_global_init (CURL_GLOBAL_DEFAULT);
  sink->curl = curl_easy_init ();
  if (sink->curl == NULL)
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_FAILED, "curl_easy_init failed");
      return FALSE;
    }
  curl_easy_setopt (sink->curl, CURLOPT_URL, url);
  curl_easy_setopt (sink->curl, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt (sink->curl, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt (sink->curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt (sink->curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt (sink->curl, CURLOPT_CONNECTTIMEOUT, 15L);
  curl_easy_setopt (sink->curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt (sink->curl, CURLOPT_LOW_SPEED_TIME, 30L);
  curl_easy_setopt (sink->curl, CURLOPT_USERAGENT, "wrappy/" PACKAGE_VERSION);
  curl_easy_setopt (sink->curl, CURLOPT_FAILONERROR, 1L);
  curl_easy_setopt (sink->curl, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt (sink->curl, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt (sink->curl, CURLOPT_WRITEDATA, sink);
  curl_easy_setopt (sink->curl, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt (sink->curl, CURLOPT_XFERINFODATA, sink);
  curl_easy_setopt (sink->curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt (sink->curl, CURLOPT_NOSIGNAL, 1L);
  if (sink->resume_from > 0)
    curl_easy_setopt (sink->curl, CURLOPT_RESUME_FROM_LARGE, (curl_off_t)sink->resume_from);
  rc = curl_easy_perform (sink->curl);
  curl_easy_getinfo (sink->curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup (sink->curl);
  sink->curl = NULL;

  if (sink->too_big)
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
                   _ ("%s is larger than %" PRIu64 " bytes; refusing it"), url,
                   (guint64)sink->max_bytes);
      return FALSE;
    }
  if (sink->write_failed)
    {
      errno = sink->write_errno;
      return wrappy_throw_errno (error, "write", url);
    }
  if (rc == CURLE_ABORTED_BY_CALLBACK
      && g_cancellable_set_error_if_cancelled (sink->cancellable, error))
    return FALSE;
  if (status == 416 && sink->resume_from > 0)
    sink->bad_range = TRUE;
  if (rc == CURLE_HTTP_RETURNED_ERROR || status >= 400)
    {
      /* 416: the .part is already complete (or larger than the file now is). */
      g_set_error (error, WRAPPY_ERROR,
                   status == 404 ? WRAPPY_ERROR_NOT_FOUND : WRAPPY_ERROR_NETWORK,
                   _ ("cannot download %s: the server answered HTTP %ld"), url, status);
      return FALSE;
    }
  if (rc == CURLE_PARTIAL_FILE)
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_NETWORK,
                   _ ("the download of %s was cut short; the same command resumes it"), url);
      return FALSE;
    }
  if (rc != CURLE_OK)
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_NETWORK,
                   _ ("cannot download %s: %s; check the address and your network"), url,
                   errbuf[0] ? errbuf : curl_easy_strerror (rc));
      return FALSE;
    }
  return TRUE;
}

#define RESTART_CODE (WRAPPY_ERROR_FAILED + 1000)

static char *
download_once (const char *url, const char *name, const char *part, const char *dest,
               guint64 max_bytes, GCancellable *cancellable, GError **error)
{
  g_autoptr (WrappyProgress) progress = NULL;
  Sink sink = { .fd = -1, .max_bytes = max_bytes, .cancellable = cancellable };
  struct stat st;
  gboolean ok;

  sink.fd = open (part, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (sink.fd < 0)
    return wrappy_throw_errno (error, "open", part), NULL;
  if (fstat (sink.fd, &st) == 0 && S_ISREG (st.st_mode))
    sink.resume_from = (guint64)st.st_size;
  if (sink.resume_from > 0)
    wrappy_debug ("resuming %s at byte %" G_GUINT64_FORMAT, url, sink.resume_from);
  if (!wrappy_output_json ())
    {
      g_autofree char *label = g_strdup_printf (_ ("Downloading %s"), name);
      progress = wrappy_progress_new (label);
      sink.progress = progress;
    }
  ok = perform (url, &sink, error);
  if (progress != NULL && ok)
    wrappy_progress_done (progress);
  if (ok && fsync (sink.fd) != 0)
    ok = wrappy_throw_errno (error, "fsync", part);
  close (sink.fd);
  if (!ok)
    {
      if (sink.bad_range)
        {
          g_clear_error (error);
          g_set_error_literal (error, WRAPPY_ERROR, RESTART_CODE, "restart");
          return NULL;
        }
      /* Keep a partial body for the next try, but not an error page or nothing. */
      if (g_error_matches (*error, WRAPPY_ERROR, WRAPPY_ERROR_NOT_FOUND)
          || g_error_matches (*error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA)
          || (stat (part, &st) == 0 && st.st_size == 0))
        unlink (part);
      return NULL;
    }
  if (rename (part, dest) != 0)
    return wrappy_throw_errno (error, "rename", dest), NULL;
  return g_strdup (dest);
}

char *
wrappy_download (const char *url, const char *name, guint64 max_bytes, GCancellable *cancellable,
                 GError **error)
{
  g_autofree char *dir = g_build_filename (wrappy_dirs_cache (), "downloads", NULL);
  g_autofree char *part = NULL;
  g_autofree char *dest = NULL;
  g_autoptr (GError) local_error = NULL;
  char *result;

  g_return_val_if_fail (name != NULL && strchr (name, '/') == NULL && name[0] != '.', NULL);
  if (!wrappy_dirs_ensure (dir, error))
    return NULL;
  part = g_strconcat (dir, "/", name, ".part", NULL);
  dest = g_build_filename (dir, name, NULL);
  result = download_once (url, name, part, dest, max_bytes, cancellable, &local_error);
  if (result == NULL && g_error_matches (local_error, WRAPPY_ERROR, RESTART_CODE))
    {
      /* The .part cannot be resumed (the file changed or it was complete): once more
       * from the start. */
      g_clear_error (&local_error);
      unlink (part);
      result = download_once (url, name, part, dest, max_bytes, cancellable, &local_error);
    }
  if (result == NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return result;
}

void
wrappy_download_discard (const char *name)
{
  g_autofree char *dir = g_build_filename (wrappy_dirs_cache (), "downloads", NULL);
  g_autofree char *file = g_build_filename (dir, name, NULL);
  g_autofree char *part = g_strconcat (file, ".part", NULL);

  unlink (file);
  unlink (part);
}
