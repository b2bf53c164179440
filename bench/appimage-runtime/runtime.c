/* A stand-in for the AppImage type 2 runtime, for bench/appimage only: it implements
 * the one mode the benchmark times, --appimage-extract-and-run. Like the real runtime
 * it finds the squashfs payload right after its own ELF section header table, extracts
 * all of it into a fresh directory under $TMPDIR, runs AppRun there with APPDIR,
 * APPIMAGE, ARGV0 and OWD set, removes the directory and exits with AppRun's status.
 * The real runtime extracts in-process with its embedded squashfs reader; this one
 * runs unsquashfs (squashfs-tools), which costs one more exec. */
#define _GNU_SOURCE
#include <elf.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int
run (char *const argv[])
{
  int status;
  pid_t pid = fork ();

  if (pid == 0)
    {
      execvp (argv[0], argv);
      _exit (127);
    }
  if (pid < 0 || waitpid (pid, &status, 0) < 0)
    return 127;
  return WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
}

int
main (int argc, char **argv)
{
  char self[PATH_MAX], dir[PATH_MAX], apprun[PATH_MAX + 8], offset[32], cwd[PATH_MAX];
  const char *tmp = getenv ("TMPDIR");
  Elf64_Ehdr eh;
  ssize_t n;
  int fd, rc;

  if (argc < 2 || strcmp (argv[1], "--appimage-extract-and-run") != 0)
    {
      fprintf (stderr, "bench runtime stand-in: only --appimage-extract-and-run\n");
      return 127;
    }
  n = readlink ("/proc/self/exe", self, sizeof self - 1);
  if (n < 0)
    return 127;
  self[n] = '\0';
  fd = open (self, O_RDONLY | O_CLOEXEC);
  if (fd < 0 || pread (fd, &eh, sizeof eh, 0) != sizeof eh)
    return 127;
  close (fd);
  snprintf (offset, sizeof offset, "%llu",
            (unsigned long long)eh.e_shoff + (unsigned long long)eh.e_shentsize * eh.e_shnum);
  snprintf (dir, sizeof dir, "%s/appimage_extracted_XXXXXX", tmp ? tmp : "/tmp");
  if (mkdtemp (dir) == NULL)
    return 127;
  {
    char *const unsq[] = { "unsquashfs", "-q", "-n", "-f", "-d", dir, "-o", offset, self, NULL };
    if (run (unsq) != 0)
      return 127;
  }
  snprintf (apprun, sizeof apprun, "%s/AppRun", dir);
  setenv ("APPDIR", dir, 1);
  setenv ("APPIMAGE", self, 1);
  setenv ("ARGV0", argv[0], 1);
  if (getcwd (cwd, sizeof cwd) != NULL)
    setenv ("OWD", cwd, 1);
  argv[1] = apprun;
  rc = run (argv + 1);
  {
    char *const rm[] = { "rm", "-rf", dir, NULL };
    run (rm);
  }
  return rc;
}
