/* What an app may do, as Flatpak's [Context] names it: the declared permissions of an
 * app (its metadata, its snap plugs), the user's overrides and the command line are each
 * one WrappyPermissions, and merging them in that order gives what the app asks for.
 * The level then decides what of it is granted (wrappy-policy.h). Modelled on flatpak's
 * FlatpakContext and its merge (common/flatpak-context.c). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  char **shared;      /* "network", "ipc" */
  char **sockets;     /* "x11", "wayland", "pulseaudio", "session-bus", … */
  char **devices;     /* "dri", "all", … */
  char **filesystems; /* Flatpak-style grants, "home", "~/dir:ro", "xdg-download", … */
  char **features;    /* "devel", "multiarch", … */
  char **persistent;  /* home-relative dirs Flatpak keeps per app */
  char **env;         /* "VAR=VALUE" */
  char **session_bus; /* "NAME=POLICY" as [Session Bus Policy]: none, see, talk, own */
  char **system_bus;  /* the same for [System Bus Policy] */
} WrappyPermissions;

WrappyPermissions *wrappy_permissions_new (void);
void wrappy_permissions_free (WrappyPermissions *p);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WrappyPermissions, wrappy_permissions_free)

/* over on top of into, as flatpak merges contexts: each entry is added, and an entry
 * "!NAME" removes NAME (a filesystem "!PATH" removes PATH whatever its suffix). An
 * "VAR=VALUE" replaces VAR; "VAR=" stays an empty value. */
void wrappy_permissions_merge (WrappyPermissions *into, const WrappyPermissions *over);

/* over's entries after into's, "!NAME" entries kept, so that a later merge applies them
 * in order: how the global overrides file and the app's one combine before they are
 * merged on top of the app's declaration (merging them first into nothing dropped
 * every "!NAME"). */
void wrappy_permissions_append (WrappyPermissions *into, const WrappyPermissions *over);

/* The [Context], [Environment], [Session Bus Policy] and [System Bus Policy] groups of a
 * Flatpak metadata or override key file; absent groups give empty permissions, and a bus
 * name that is no valid name (or a policy Flatpak does not know) is left out. */
WrappyPermissions *wrappy_permissions_from_keyfile (GKeyFile *kf);

/* Whether a filesystem list names path exactly (with or without a suffix). */
gboolean wrappy_permissions_names_filesystem (char **filesystems, const char *path);

/* A snap's plug interfaces as permissions, as snapd means them: the table in
 * docs/snap.md. A plug that snapd filters over D-Bus (desktop, unity7, gsettings…) gives
 * the bus names its rules name, never a whole bus; "home" is the home's non-hidden files
 * only ("snap-home"). */
void wrappy_permissions_add_snap_plugs (WrappyPermissions *p, char **interfaces);

/* Whether name may appear in a bus policy: a well-known D-Bus name (no unique ":1.2"
 * names), or a prefix "NAME.*", as flatpak_context_verify_dbus_name accepts. */
gboolean wrappy_bus_name_valid (const char *name);

/* "none", "see", "talk", "own": whether s is one of them. */
gboolean wrappy_bus_policy_valid (const char *s);

G_END_DECLS
