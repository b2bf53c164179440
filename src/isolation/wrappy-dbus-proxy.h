/* The xdg-dbus-proxy process of a sandbox (Debian's xdg-dbus-proxy, the one Flatpak
 * uses), started from a plan's WrappyDbusProxyPlan before the sandbox: outside the app's
 * namespaces, listening on every socket before the app starts (it writes a byte on the
 * --fd pipe when it is, as with flatpak's sync fd, and the sandbox's pid 1 waits for it),
 * and gone with the sandbox: it exits
 * when that pipe's read end, which only wrappy holds, is closed (also when wrappy is
 * killed), and PR_SET_PDEATHSIG kills it with wrappy besides. */
#pragma once

#include <glib.h>
#include <sys/types.h>

#include "wrappy-plan.h"

G_BEGIN_DECLS

typedef struct
{
  pid_t pid;   /* bwrap (with /.flatpak-info) or the proxy itself; 0: none */
  int sync_fd; /* the read end of the --fd pipe: closing it stops the proxy */
  char *dir;
} WrappyDbusProxy;

/* Makes p->dir and starts the proxy; it listens once it writes a byte to sync_fd, which
 * the caller reads before the app starts. SANDBOX_SETUP on failure. */
gboolean wrappy_dbus_proxy_start (const WrappyDbusProxyPlan *p, WrappyDbusProxy *proxy,
                                  GError **error);
/* Stops it, waits for it and removes its sockets and dir (a no-op when none runs). */
void wrappy_dbus_proxy_stop (WrappyDbusProxy *proxy);

G_END_DECLS
