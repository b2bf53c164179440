/* xdg-document-portal over D-Bus (org.freedesktop.portal.Documents), as flatpak's file
 * forwarding calls it: the files by O_PATH descriptors, so that the portal sees the file
 * wrappy opened and not a name an app could swap. Only in wrappy-backend (GIO). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <gio/gunixfdlist.h>
#include <unistd.h>

#include "wrappy-documents.h"
#include "wrappy-error.h"
#include "wrappy-i18n.h"

#define DOCUMENTS_NAME  "org.freedesktop.portal.Documents"
#define DOCUMENTS_PATH  "/org/freedesktop/portal/documents"
#define DOCUMENTS_IFACE "org.freedesktop.portal.Documents"
/* AddFull flags (the portal's xdp-dbus interface): reuse a document for the same file;
 * the grant lives as long as the app needs it, not past the portal. */
#define ADD_REUSE_EXISTING   (1 << 0)
#define ADD_AS_NEEDED_BY_APP (1 << 2)

static GDBusConnection *
session_bus (GError **error)
{
  return g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, error);
}

static char *
mount_point (GDBusConnection *bus, GError **error)
{
  g_autoptr (GVariant) reply = NULL;
  g_autofree char *path = NULL;

  reply = g_dbus_connection_call_sync (bus, DOCUMENTS_NAME, DOCUMENTS_PATH, DOCUMENTS_IFACE,
                                       "GetMountPoint", NULL, G_VARIANT_TYPE ("(ay)"),
                                       G_DBUS_CALL_FLAGS_NONE, 30000, NULL, error);
  if (reply == NULL)
    return NULL;
  g_variant_get (reply, "(^ay)", &path);
  return g_steal_pointer (&path);
}

gboolean
wrappy_documents_add_dbus (const char *app_id, char **paths, char ***doc_ids, char **mount,
                           GError **error)
{
  g_autoptr (GDBusConnection) bus = session_bus (error);
  g_autoptr (GUnixFDList) fds = g_unix_fd_list_new ();
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GVariantBuilder) handles = g_variant_builder_new (G_VARIANT_TYPE ("ah"));
  const char *perms[] = { "read", "write", NULL };
  g_autofree char *mp = NULL;

  if (bus == NULL || (mp = mount_point (bus, error)) == NULL)
    return FALSE;
  for (char **p = paths; p && *p; p++)
    {
      int fd = open (*p, O_PATH | O_CLOEXEC);
      int idx;

      if (fd < 0)
        {
          int errsv = errno;
          g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_NOT_FOUND, "open(%s): %s", *p,
                       g_strerror (errsv));
          return FALSE;
        }
      idx = g_unix_fd_list_append (fds, fd, error);
      close (fd);
      if (idx < 0)
        return FALSE;
      g_variant_builder_add (handles, "h", idx);
    }
  reply = g_dbus_connection_call_with_unix_fd_list_sync (
      bus, DOCUMENTS_NAME, DOCUMENTS_PATH, DOCUMENTS_IFACE, "AddFull",
      g_variant_new ("(ahus^as)", handles, ADD_REUSE_EXISTING | ADD_AS_NEEDED_BY_APP, app_id,
                     perms),
      G_VARIANT_TYPE ("(asa{sv})"), G_DBUS_CALL_FLAGS_NONE, 30000, fds, NULL, NULL, error);
  if (reply == NULL)
    return FALSE;
  g_variant_get (reply, "(^asa{sv})", doc_ids, NULL);
  if (g_strv_length (*doc_ids) != g_strv_length (paths))
    {
      g_clear_pointer (doc_ids, g_strfreev);
      g_set_error_literal (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
                           _ ("the document portal answered a different number of documents"));
      return FALSE;
    }
  *mount = g_steal_pointer (&mp);
  return TRUE;
}

const char *
wrappy_forward_method (void)
{
  g_autoptr (GDBusConnection) bus = session_bus (NULL);
  g_autofree char *mp = bus ? mount_point (bus, NULL) : NULL;

  return mp != NULL ? "document portal" : "bind";
}
