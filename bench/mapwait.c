/* mapwait: the time from starting a command until a window with a given title is
 * mapped, seen through the X server's own MapNotify event rather than by polling.
 *
 *   mapwait TITLE TIMEOUT_S LOG CMD [ARGS…]
 *
 * Subscribes to SubstructureNotify on the root window, then starts CMD (its stdout and
 * stderr to LOG) and waits. Prints the seconds from just before the fork to the
 * MapNotify of a window named TITLE, or "fail" when CMD exits or TIMEOUT_S passes first.
 * Then sends CMD SIGTERM and reaps it. Part of bench/realapp; a benchmark tool, not a
 * test. Without a window manager the app's toplevel is a child of the root, so its
 * MapNotify reaches the root's SubstructureNotify listeners. */

#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double
now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
has_title (Display *dpy, Window w, const char *title)
{
  char *name = NULL;
  int same;

  if (!XFetchName (dpy, w, &name) || name == NULL)
    return 0;
  same = strcmp (name, title) == 0;
  XFree (name);
  return same;
}

static int
ignore_errors (Display *dpy, XErrorEvent *ev)
{
  (void)dpy;
  (void)ev;
  return 0; /* a window gone before its name was read */
}

int
main (int argc, char **argv)
{
  Display *dpy;
  double t0, timeout, found = -1;
  pid_t pid;
  int fd, status;

  if (argc < 5)
    {
      fprintf (stderr, "usage: mapwait TITLE TIMEOUT_S LOG CMD [ARGS...]\n");
      return 2;
    }
  timeout = atof (argv[2]);
  if ((dpy = XOpenDisplay (NULL)) == NULL)
    {
      fprintf (stderr, "mapwait: cannot open display\n");
      return 1;
    }
  XSetErrorHandler (ignore_errors);
  XSelectInput (dpy, DefaultRootWindow (dpy), SubstructureNotifyMask);
  XSync (dpy, False);

  t0 = now ();
  pid = fork ();
  if (pid < 0)
    return 1;
  if (pid == 0)
    {
      fd = open (argv[3], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      if (fd < 0 || dup2 (fd, 1) < 0 || dup2 (fd, 2) < 0)
        _exit (127);
      close (ConnectionNumber (dpy));
      execvp (argv[4], argv + 4);
      _exit (127);
    }

  while (found < 0 && now () - t0 < timeout)
    {
      struct pollfd p = { .fd = ConnectionNumber (dpy), .events = POLLIN };

      while (XPending (dpy) > 0)
        {
          XEvent ev;

          XNextEvent (dpy, &ev);
          if (ev.type == MapNotify && has_title (dpy, ev.xmap.window, argv[1]))
            {
              found = now () - t0;
              break;
            }
        }
      if (found >= 0)
        break;
      if (waitpid (pid, &status, WNOHANG) == pid)
        {
          pid = -1;
          break;
        }
      if (poll (&p, 1, 20) < 0 && errno != EINTR)
        break;
    }

  if (found >= 0)
    printf ("%.4f\n", found);
  else
    printf ("fail\n");
  fflush (stdout);
  if (pid > 0)
    {
      kill (pid, SIGTERM);
      waitpid (pid, &status, 0);
    }
  XCloseDisplay (dpy);
  return 0;
}
