/* Runs a fuzz target on every file of the corpus directories given as arguments, as
 * TAP: the regression replay `meson test --suite fuzz` runs, built with any compiler
 * (docs/testing.md, "Fuzzing"). One case per target, each input a comment line before
 * it is run, so that a crash (which ends the test as a failure) names its input. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "wrappy-fuzz.h"

static gboolean
replay_file (const char *path)
{
  g_autofree char *data = NULL;
  g_autofree uint8_t *copy = NULL;
  g_autoptr (GError) error = NULL;
  gsize len;

  if (!g_file_get_contents (path, &data, &len, &error))
    {
      printf ("# %s: %s\n", path, error->message);
      return FALSE;
    }
  /* A copy of exactly len bytes, as libFuzzer passes: a read past the end is caught
   * under ASan and valgrind. */
  printf ("# %s\n", path);
  fflush (stdout);
  copy = g_memdup2 (data, len);
  LLVMFuzzerTestOneInput (copy, len);
  return TRUE;
}

static gint
compare_paths (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *)a, *(char *const *)b);
}

static GPtrArray *
corpus_files (const char *dir, GError **error)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, error);
  g_autoptr (GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (d == NULL)
    return NULL;
  while ((name = g_dir_read_name (d)) != NULL)
    if (name[0] != '.')
      g_ptr_array_add (files, g_build_filename (dir, name, NULL));
  g_ptr_array_sort (files, compare_paths);
  return g_steal_pointer (&files);
}

int
main (int argc, char **argv)
{
  g_autofree char *target = g_path_get_basename (argv[0]);
  guint n = 0;
  gboolean ok = TRUE;

  printf ("1..1\n");
  LLVMFuzzerInitialize (&argc, &argv);
  for (int i = 1; i < argc; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) files = corpus_files (argv[i], &error);

      if (files == NULL || files->len == 0)
        {
          printf ("# %s: %s\n", argv[i], files == NULL ? error->message : "empty corpus");
          ok = FALSE;
          continue;
        }
      for (guint j = 0; j < files->len; j++, n++)
        ok &= replay_file (files->pdata[j]);
    }
  printf ("%s 1 - %s: %u inputs replayed\n", ok ? "ok" : "not ok", target, n);
  return ok ? 0 : 1;
}
