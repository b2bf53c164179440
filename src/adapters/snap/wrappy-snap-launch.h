/* Running an installed snap: its ID, and the launch spec of one of its apps (layout,
 * SNAP* variables, command). GLib only: this is linked into the `wrappy` front binary.
 *
 * IDs: a snap NAME is installed as io.snapcraft.NAME (io.snapcraft._NAME when NAME starts
 * with a digit, which app IDs may not); `wrappy run io.snapcraft.NAME` runs the app named
 * like the snap (or its first app), `wrappy run --command=NAME.APP io.snapcraft.NAME` the
 * app APP, named as `snap run NAME.APP` names it (an ID io.snapcraft.NAME.APP would be
 * invalid whenever NAME has a '-'). What the apps are is kept in the manifest's [Snap]
 * and [Snap App APP] groups (docs/snap.md). */
#pragma once

#include <glib.h>

#include "wrappy-launch-spec.h"
#include "wrappy-manifest.h"

G_BEGIN_DECLS

#define WRAPPY_SNAP_ID_PREFIX "io.snapcraft."

/* snapd's names for the host architecture: amd64, arm64, armhf, i386, … */
const char *wrappy_snap_arch (void);

char *wrappy_snap_app_id (const char *snap_name);

/* Turns a spec built from a snap's manifest into the snap's layout: base as /, the snap
 * at /snap/NAME/REVISION, SNAP* variables, HOME as snap sets it, and argv for the default
 * app; command (--command), when it is NAME or NAME.APP, picks that app, else it is run
 * as it is in the snap's layout. home: the user's home path. */
gboolean wrappy_snap_launch_setup (WrappyLaunchSpec *spec, const WrappyManifest *m,
                                   const char *command, char **app_args, const char *home,
                                   GError **error);

G_END_DECLS
