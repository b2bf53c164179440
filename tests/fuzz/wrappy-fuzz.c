#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "wrappy-fs.h"
#include "wrappy-fuzz.h"

static char *tmpdir;
static int memfd = -1;
static char *memfd_path;

static GLogWriterOutput
log_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL))
    {
      g_log_writer_standard_streams (level, fields, n_fields, user_data);
      abort ();
    }
  return G_LOG_WRITER_HANDLED;
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_log_set_writer_func (log_writer, NULL, NULL);
  return 0;
}

static void
remove_tmpdir (void)
{
  wrappy_rm_rf_at (AT_FDCWD, tmpdir, NULL);
}

const char *
wrappy_fuzz_tmpdir (void)
{
  if (tmpdir == NULL)
    {
      tmpdir = g_dir_make_tmp ("wrappy-fuzz-XXXXXX", NULL);
      if (tmpdir == NULL)
        g_error ("cannot make a temporary directory");
      atexit (remove_tmpdir);
    }
  return tmpdir;
}

const char *
wrappy_fuzz_file (const uint8_t *data, size_t size, size_t offset)
{
  if (memfd < 0)
    {
      memfd = memfd_create ("wrappy-fuzz", MFD_CLOEXEC);
      if (memfd < 0)
        g_error ("memfd_create: %s", g_strerror (errno));
      memfd_path = g_strdup_printf ("/proc/self/fd/%d", memfd);
    }
  if (ftruncate (memfd, 0) != 0 || ftruncate (memfd, (off_t)offset) != 0
      || (size > 0 && pwrite (memfd, data, size, (off_t)offset) != (ssize_t)size))
    g_error ("writing the memfd: %s", g_strerror (errno));
  return memfd_path;
}

void
wrappy_fuzz_remove (const char *name)
{
  int dfd = open (wrappy_fuzz_tmpdir (), O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (dfd < 0)
    g_error ("open(%s): %s", tmpdir, g_strerror (errno));
  wrappy_rm_rf_at (dfd, name, NULL);
  close (dfd);
}
