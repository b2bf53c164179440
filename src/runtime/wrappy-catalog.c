#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wrappy-catalog.h"
#include "wrappy-dirs.h"
#include "wrappy-error.h"
#include "wrappy-i18n.h"
#include "wrappy-output.h"

/* The index: MAGIC, then per entry NFIELDS NUL-terminated strings: id, name, summary and
 * version as shown; then the lower-cased id, name, keywords, summary and description that
 * matching reads. A flat run of C strings rather than a GVariant: a query walks it in
 * place with no allocation per entry (a GVariant read of Flathub's size spent most of
 * its time validating strings), and a damaged file cannot make a walk leave the mapping
 * because the last byte must be a NUL. */
#define CATALOG_MAGIC "wrappy-catalog-1"
#define NFIELDS       9

WrappyCatalogEntry *
wrappy_catalog_entry_new (const char *id, const char *name, const char *summary,
                          const char *version)
{
  WrappyCatalogEntry *e = g_new0 (WrappyCatalogEntry, 1);

  e->id = g_strdup (id);
  e->name = g_strdup (name);
  e->summary = g_strdup (summary);
  e->version = g_strdup (version);
  return e;
}

void
wrappy_catalog_entry_free (WrappyCatalogEntry *e)
{
  if (e == NULL)
    return;
  g_free (e->id);
  g_free (e->name);
  g_free (e->summary);
  g_free (e->version);
  g_free (e->keywords);
  g_free (e->description);
  g_free (e);
}

char *
wrappy_catalog_clean_text (const char *s, gsize max, gboolean keep_newlines)
{
  g_autofree char *valid = NULL;
  GString *out;

  if (s == NULL)
    return g_strdup ("");
  valid = g_utf8_make_valid (s, -1);
  out = g_string_sized_new (MIN (strlen (valid), max));
  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      const char *next = g_utf8_next_char (p);

      if (out->len + (next - p) > max)
        break;
      if (c == '\n' && keep_newlines)
        g_string_append_c (out, '\n');
      else if (c == '\t' || c == '\n' || c == '\r' || c == 0x2028 || c == 0x2029)
        {
          /* Line breaks and tabs separate words: one space for a run of them. */
          if (out->len > 0 && out->str[out->len - 1] != ' ')
            g_string_append_c (out, ' ');
        }
      else if (!g_unichar_iscntrl (c))
        g_string_append_len (out, p, next - p);
    }
  return g_strstrip (g_string_free (out, FALSE));
}

static char *
clean_text (const char *s, gsize max)
{
  return wrappy_catalog_clean_text (s, max, FALSE);
}

static char *
lower_text (const char *s, gsize max)
{
  g_autofree char *clean = clean_text (s, max);
  return g_utf8_strdown (clean, -1);
}

static void
add_field (GString *out, const char *s)
{
  g_string_append (out, s);
  g_string_append_c (out, '\0');
}

GBytes *
wrappy_catalog_serialize (GPtrArray *entries)
{
  GString *out = g_string_new (NULL);

  add_field (out, CATALOG_MAGIC);
  for (guint i = 0; i < entries->len; i++)
    {
      const WrappyCatalogEntry *e = g_ptr_array_index (entries, i);
      g_autofree char *id = clean_text (e->id, 255);
      g_autofree char *name = clean_text (e->name ? e->name : e->id, 200);
      g_autofree char *summary = clean_text (e->summary, 500);
      g_autofree char *version = clean_text (e->version, 100);
      g_autofree char *id_lc = g_utf8_strdown (id, -1);
      g_autofree char *name_lc = g_utf8_strdown (name, -1);
      g_autofree char *kw_lc = lower_text (e->keywords, 2000);
      g_autofree char *summary_lc = g_utf8_strdown (summary, -1);
      g_autofree char *desc_lc = lower_text (e->description, 8000);
      const char *fields[NFIELDS]
          = { id, name, summary, version, id_lc, name_lc, kw_lc, summary_lc, desc_lc };

      if (*id == '\0')
        continue;
      for (int f = 0; f < NFIELDS; f++)
        add_field (out, fields[f]);
    }
  return g_string_free_to_bytes (out);
}

char *
wrappy_catalog_path (const char *source, const char *origin)
{
  g_autofree char *name = g_strdup_printf ("%s-%s.idx", source, origin);
  return g_build_filename (wrappy_dirs_cache (), "catalog", name, NULL);
}

gboolean
wrappy_catalog_save (const char *source, const char *origin, GPtrArray *entries, GError **error)
{
  g_autofree char *path = wrappy_catalog_path (source, origin);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr (GBytes) data = wrappy_catalog_serialize (entries);
  gsize len;
  const char *bytes = g_bytes_get_data (data, &len);

  if (!wrappy_dirs_ensure (dir, error))
    return FALSE;
  return g_file_set_contents_full (path, bytes, len, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

gint64
wrappy_catalog_age (const char *source, const char *origin)
{
  g_autofree char *path = wrappy_catalog_path (source, origin);
  struct stat st;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (stat (path, &st) < 0)
    return -1;
  return now > st.st_mtime ? now - st.st_mtime : 0;
}

static char *
stamp_path (const char *source, const char *origin, const char *what)
{
  g_autofree char *index = wrappy_catalog_path (source, origin);
  return g_strconcat (index, ".", what, NULL);
}

static gint64
stamp_age (const char *path)
{
  struct stat st;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (stat (path, &st) < 0)
    return -1;
  return now > st.st_mtime ? now - st.st_mtime : 0;
}

/* Creates path or sets its mtime to now. */
static void
touch (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd;

  if (!wrappy_dirs_ensure (dir, NULL))
    return;
  fd = open (path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd >= 0)
    {
      (void)futimens (fd, NULL);
      close (fd);
    }
}

gboolean
wrappy_catalog_note_unreachable (const char *source, const char *origin)
{
  g_autofree char *failed = stamp_path (source, origin, "unreachable");
  g_autofree char *warned = stamp_path (source, origin, "warned");
  gint64 age = stamp_age (warned);

  touch (failed);
  if (age >= 0 && age <= WRAPPY_CATALOG_MAX_AGE_SECONDS)
    return FALSE;
  touch (warned);
  return TRUE;
}

gint64
wrappy_catalog_unreachable_age (const char *source, const char *origin)
{
  g_autofree char *failed = stamp_path (source, origin, "unreachable");
  return stamp_age (failed);
}

void
wrappy_catalog_clear_unreachable (const char *source, const char *origin)
{
  g_autofree char *failed = stamp_path (source, origin, "unreachable");
  g_autofree char *warned = stamp_path (source, origin, "warned");

  (void)unlink (failed);
  (void)unlink (warned);
}

/* Counts the fields after the magic; -1 when it is not an index. */
static gssize
count_fields (const char *data, gsize len)
{
  const char *end = data + len;
  gssize n = 0;

  if (len < sizeof CATALOG_MAGIC || memcmp (data, CATALOG_MAGIC, sizeof CATALOG_MAGIC) != 0
      || data[len - 1] != '\0')
    return -1;
  for (const char *p = data + sizeof CATALOG_MAGIC; p < end; p += strlen (p) + 1)
    n++;
  return n % NFIELDS == 0 ? n : -1;
}

GBytes *
wrappy_catalog_from_bytes (GBytes *bytes, GError **error)
{
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  if (data == NULL || count_fields (data, len) < 0)
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
                   _ ("the search index is damaged or from another version"));
      return NULL;
    }
  return g_bytes_ref (bytes);
}

GBytes *
wrappy_catalog_load (const char *source, const char *origin, GError **error)
{
  g_autofree char *path = wrappy_catalog_path (source, origin);
  g_autoptr (GMappedFile) mf = g_mapped_file_new (path, FALSE, error);
  g_autoptr (GBytes) bytes = NULL;
  GBytes *catalog;

  if (mf == NULL)
    return NULL;
  bytes = g_mapped_file_get_bytes (mf);
  catalog = wrappy_catalog_from_bytes (bytes, error);
  if (catalog == NULL)
    g_prefix_error (error, "%s: ", path);
  return catalog;
}

WrappyQuery *
wrappy_query_new (char **words)
{
  WrappyQuery *q = g_new0 (WrappyQuery, 1);
  g_autofree char *joined = g_strjoinv (" ", words);
  g_autofree char *valid = g_utf8_make_valid (joined, -1);
  g_autoptr (GPtrArray) terms = g_ptr_array_new ();
  g_auto (GStrv) split = NULL;

  q->text = g_strstrip (g_utf8_strdown (valid, -1));
  split = g_strsplit_set (q->text, " \t\n", -1);
  for (char **t = split; *t; t++)
    if (**t != '\0')
      g_ptr_array_add (terms, g_strdup (*t));
  g_ptr_array_add (terms, NULL);
  q->terms = (char **)g_ptr_array_free (g_steal_pointer (&terms), FALSE);
  return q;
}

void
wrappy_query_free (WrappyQuery *q)
{
  if (q == NULL)
    return;
  g_free (q->text);
  g_strfreev (q->terms);
  g_free (q);
}

WrappySearchHit *
wrappy_search_hit_new (const char *id, const char *name, const char *summary, const char *version,
                       const char *source, const char *origin)
{
  WrappySearchHit *h = g_new0 (WrappySearchHit, 1);

  h->id = g_strdup (id);
  h->name = g_strdup (name);
  h->summary = g_strdup (summary);
  h->version = g_strdup (version);
  h->source = g_strdup (source);
  h->origin = g_strdup (origin);
  return h;
}

void
wrappy_search_hit_free (WrappySearchHit *h)
{
  if (h == NULL)
    return;
  g_free (h->id);
  g_free (h->name);
  g_free (h->summary);
  g_free (h->version);
  g_free (h->source);
  g_free (h->origin);
  g_free (h);
}

/* term starts a word of s: at its start or after a character that is not a letter or
 * digit (bytes of multi-byte characters count as letters). */
static gboolean
has_word (const char *s, const char *term)
{
  for (const char *p = strstr (s, term); p != NULL; p = strstr (p + 1, term))
    if (p == s || !(g_ascii_isalnum (p[-1]) || (guchar)p[-1] >= 0x80))
      return TRUE;
  return FALSE;
}

/* Exact ID and name matches first, then word matches in name, keywords, summary and
 * description (issue 5). 0: some term is nowhere. */
static int
score_entry (const WrappyQuery *q, const char *id, const char *name, const char *keywords,
             const char *summary, const char *desc)
{
  const char *last = strrchr (id, '.');
  int score = 0;

  if (q->terms[0] == NULL)
    return 0;
  for (char **t = q->terms; *t; t++)
    {
      int s = 0;

      if (has_word (name, *t))
        s = 100;
      else if (has_word (keywords, *t))
        s = 60;
      else if (strstr (id, *t) != NULL || strstr (name, *t) != NULL)
        s = 45;
      else if (has_word (summary, *t))
        s = 30;
      else if (has_word (desc, *t))
        s = 10;
      if (s == 0)
        return 0;
      score += s;
    }
  if (strcmp (id, q->text) == 0)
    score += 2000;
  else if (strcmp (name, q->text) == 0)
    score += 1500;
  else if (last != NULL && strcmp (last + 1, q->text) == 0)
    score += 1000;
  return score;
}

/* What a damaged index or a store may still put in a shown field: valid UTF-8, no
 * control characters (terminal escapes). */
static char *
shown (const char *s)
{
  return wrappy_printable (s, -1);
}

void
wrappy_catalog_match (GBytes *catalog, const char *source, const char *origin, const WrappyQuery *q,
                      gboolean keep_all, GPtrArray *hits)
{
  gsize len;
  const char *data = g_bytes_get_data (catalog, &len);
  const char *end = data + len;
  const char *p = data + sizeof CATALOG_MAGIC;

  while (p < end)
    {
      const char *f[NFIELDS];
      WrappySearchHit *h;
      int score;

      for (int i = 0; i < NFIELDS; i++)
        {
          f[i] = p < end ? p : "";
          p += p < end ? strlen (p) + 1 : 0;
        }
      score = score_entry (q, f[4], f[5], f[6], f[7], f[8]);
      if (score == 0 && !keep_all)
        continue;
      h = g_new0 (WrappySearchHit, 1);
      h->id = shown (f[0]);
      h->name = shown (f[1]);
      h->summary = shown (f[2]);
      h->version = shown (f[3]);
      h->source = g_strdup (source);
      h->origin = g_strdup (origin);
      h->score = score;
      g_ptr_array_add (hits, h);
    }
}

static gint
compare_hits (gconstpointer a, gconstpointer b)
{
  const WrappySearchHit *ha = *(WrappySearchHit **)a;
  const WrappySearchHit *hb = *(WrappySearchHit **)b;
  int c;

  if (ha->score != hb->score)
    return ha->score > hb->score ? -1 : 1;
  if ((c = g_ascii_strcasecmp (ha->name, hb->name)) != 0)
    return c;
  if ((c = strcmp (ha->source, hb->source)) != 0)
    return c;
  return strcmp (ha->id, hb->id);
}

void
wrappy_search_hits_sort (GPtrArray *hits)
{
  g_ptr_array_sort (hits, compare_hits);
}
