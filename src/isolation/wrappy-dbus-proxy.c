#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wrappy-dbus-proxy.h"
#include "wrappy-error.h"
#include "wrappy-i18n.h"

#define PROXY_SYNC_FD 3
#define PROXY_INFO_FD 4

static gboolean
fail (GError **error, const char *what, int errsv)
{
  g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_SANDBOX_SETUP,
               _ ("cannot start the D-Bus proxy: %s: %s"), what, g_strerror (errsv));
  return FALSE;
}

/* Run by the forked child before exec: die with wrappy. */
static void
child_setup (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  /* wrappy may have died between the fork and the prctl: then no signal comes. */
  if (getppid () != (pid_t)GPOINTER_TO_INT (data))
    _exit (1);
}

/* bwrap around the proxy so that it has the app's /.flatpak-info (wrappy-plan-dbus.c:
 * every app has one there, a Flatpak app its own), by which
 * xdg-desktop-portal and xdg-document-portal identify the app behind a connection (they
 * read /proc/PID/root/.flatpak-info of the peer, which is the proxy). The host's
 * top-level dirs as they are (tmp, var, run writable, for the sockets), as flatpak's
 * add_bwrap_wrapper; no namespace but the mount one: the bus daemon must see the proxy's
 * real pid. */
static void
add_wrapper (GPtrArray *argv, const char *bwrap, const char *dir)
{
  g_autoptr (GDir) root = g_dir_open ("/", 0, NULL);
  const char *name;

  g_ptr_array_add (argv, g_strdup (bwrap));
  g_ptr_array_add (argv, g_strdup ("--die-with-parent"));
  while (root != NULL && (name = g_dir_read_name (root)) != NULL)
    {
      g_autofree char *path = g_strconcat ("/", name, NULL);
      struct stat st;

      if (strcmp (name, ".flatpak-info") == 0 || lstat (path, &st) != 0)
        continue;
      if (S_ISLNK (st.st_mode))
        {
          g_autofree char *target = g_file_read_link (path, NULL);
          if (target == NULL)
            continue;
          g_ptr_array_add (argv, g_strdup ("--symlink"));
          g_ptr_array_add (argv, g_steal_pointer (&target));
        }
      else if (S_ISDIR (st.st_mode))
        g_ptr_array_add (argv, g_strdup (strcmp (name, "tmp") == 0 || strcmp (name, "var") == 0
                                                 || strcmp (name, "run") == 0
                                             ? "--bind"
                                             : "--ro-bind"));
      else
        continue;
      if (!S_ISLNK (st.st_mode))
        g_ptr_array_add (argv, g_strdup (path));
      g_ptr_array_add (argv, g_strdup (path));
    }
  g_ptr_array_add (argv, g_strdup ("--bind"));
  g_ptr_array_add (argv, g_strdup (dir));
  g_ptr_array_add (argv, g_strdup (dir));
  g_ptr_array_add (argv, g_strdup ("--perms"));
  g_ptr_array_add (argv, g_strdup ("0600"));
  g_ptr_array_add (argv, g_strdup ("--file"));
  g_ptr_array_add (argv, g_strdup_printf ("%d", PROXY_INFO_FD));
  g_ptr_array_add (argv, g_strdup ("/.flatpak-info"));
  g_ptr_array_add (argv, g_strdup ("--"));
}

static int
info_memfd (const char *content)
{
  int fd = memfd_create ("flatpak-info", MFD_CLOEXEC);
  gsize len = strlen (content), done = 0;

  while (fd >= 0 && done < len)
    {
      ssize_t n = TEMP_FAILURE_RETRY (write (fd, content + done, len - done));
      if (n <= 0)
        {
          close (fd);
          return -1;
        }
      done += n;
    }
  if (fd >= 0 && lseek (fd, 0, SEEK_SET) != 0)
    {
      close (fd);
      return -1;
    }
  return fd;
}

static gboolean
make_dir (const char *dir, GError **error)
{
  g_autofree char *parent = g_path_get_dirname (dir);

  if (mkdir (parent, 0700) != 0 && errno != EEXIST)
    return fail (error, parent, errno);
  if (mkdir (dir, 0700) != 0)
    return fail (error, dir, errno);
  return TRUE;
}

gboolean
wrappy_dbus_proxy_start (const WrappyDbusProxyPlan *p, WrappyDbusProxy *proxy, GError **error)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *proxy_path = g_find_program_in_path ("xdg-dbus-proxy");
  g_autofree char *bwrap_path = NULL;
  g_autoptr (GError) spawn_error = NULL;
  int sync_fds[2], info_fd = -1;
  int source_fds[2], target_fds[2] = { PROXY_SYNC_FD, PROXY_INFO_FD };
  GPid pid;

  memset (proxy, 0, sizeof *proxy);
  proxy->sync_fd = -1;
  if (proxy_path == NULL)
    {
      g_set_error_literal (error, WRAPPY_ERROR, WRAPPY_ERROR_SANDBOX_SETUP,
                           _ ("the app's bus is filtered by xdg-dbus-proxy, which is not "
                              "installed; install it (Debian: xdg-dbus-proxy)"));
      return FALSE;
    }
  if (p->flatpak_info != NULL && (bwrap_path = g_find_program_in_path ("bwrap")) == NULL)
    {
      g_set_error_literal (error, WRAPPY_ERROR, WRAPPY_ERROR_SANDBOX_SETUP,
                           _ ("the D-Bus proxy runs under bwrap, which is not installed; install "
                              "it (Debian: bubblewrap)"));
      return FALSE;
    }
  if (!make_dir (p->dir, error))
    return FALSE;
  proxy->dir = g_strdup (p->dir);
  if (pipe2 (sync_fds, O_CLOEXEC) != 0)
    {
      wrappy_dbus_proxy_stop (proxy);
      return fail (error, "pipe2", errno);
    }
  if (p->flatpak_info != NULL)
    {
      if ((info_fd = info_memfd (p->flatpak_info)) < 0)
        {
          int errsv = errno;
          close (sync_fds[0]);
          close (sync_fds[1]);
          wrappy_dbus_proxy_stop (proxy);
          return fail (error, "memfd_create", errsv);
        }
      add_wrapper (argv, bwrap_path, p->dir);
    }
  g_ptr_array_add (argv, g_strdup (proxy_path));
  g_ptr_array_add (argv, g_strdup_printf ("--fd=%d", PROXY_SYNC_FD));
  for (char **a = p->args; a && *a; a++)
    g_ptr_array_add (argv, g_strdup (*a));
  g_ptr_array_add (argv, NULL);

  source_fds[0] = sync_fds[1];
  source_fds[1] = info_fd;
  if (!g_spawn_async_with_pipes_and_fds (
          NULL, (const char *const *)argv->pdata, NULL,
          G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDIN_FROM_DEV_NULL,
          child_setup, GINT_TO_POINTER (getpid ()), -1, -1, -1, source_fds, target_fds,
          info_fd >= 0 ? 2 : 1, &pid, NULL, NULL, NULL, &spawn_error))
    {
      close (sync_fds[0]);
      close (sync_fds[1]);
      if (info_fd >= 0)
        close (info_fd);
      wrappy_dbus_proxy_stop (proxy);
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_SANDBOX_SETUP,
                   _ ("cannot start the D-Bus proxy: %s"), spawn_error->message);
      return FALSE;
    }
  /* Only the proxy holds the write end: if it dies before it is ready, a read of the
   * read end says 0. The sandbox's pid 1 reads the byte before it starts the app. */
  close (sync_fds[1]);
  if (info_fd >= 0)
    close (info_fd);
  proxy->pid = pid;
  proxy->sync_fd = sync_fds[0];
  return TRUE;
}

void
wrappy_dbus_proxy_stop (WrappyDbusProxy *proxy)
{
  if (proxy->sync_fd >= 0)
    close (proxy->sync_fd);
  proxy->sync_fd = -1;
  if (proxy->pid > 0)
    {
      /* It exits on the pipe's hangup; the signal is for a proxy stuck elsewhere. */
      kill (proxy->pid, SIGTERM);
      TEMP_FAILURE_RETRY (waitpid (proxy->pid, NULL, 0));
      proxy->pid = 0;
    }
  if (proxy->dir != NULL)
    {
      g_autoptr (GDir) d = g_dir_open (proxy->dir, 0, NULL);
      const char *name;

      while (d != NULL && (name = g_dir_read_name (d)) != NULL)
        {
          g_autofree char *path = g_build_filename (proxy->dir, name, NULL);
          unlink (path);
        }
      rmdir (proxy->dir);
      g_clear_pointer (&proxy->dir, g_free);
    }
}
