/* Where apps come from: each source (a Flatpak remote, AppImages, snaps) is one small
 * table of functions, defined in its own folder (src/adapters/SOURCE/wrappy-SOURCE-source.c)
 * and chosen here (wrappy-sources.c), by the manifest's `source` key or by asking each in turn.
 * Nothing outside a source's folder knows a source by its name: `install`, `run`, `search`,
 * `update` and the repair go through these hooks (crun's cgroup-manager table,
 * libcrun/cgroup.c, is the model). A new source is a new folder with its table
 * (src/adapters/meson.build finds it; docs/sources.md).
 *
 * The `wrappy` front (run, search) links only GLib: there, the hooks marked "backend"
 * are NULL (WRAPPY_SOURCE_BACKEND), and the table files are built a second time for it
 * (src/meson.build). */
#pragma once

#include <gio/gio.h>
#include <ostree.h>

#include "wrappy-catalog.h"
#include "wrappy-launch-spec.h"
#include "wrappy-manifest.h"
#include "wrappy-policy.h"
#include "wrappy-store.h"
#include "wrappy-update.h"

G_BEGIN_DECLS

#ifdef WRAPPY_FRONTEND
#define WRAPPY_SOURCE_BACKEND(x) NULL
#else
#define WRAPPY_SOURCE_BACKEND(x) x
#endif

/* What `run` asks of a source's launch hook besides the manifest. */
typedef struct
{
  const char *command; /* --command, or NULL: the app's own */
  char **app_args;     /* the arguments after the ID */
  const char *home;    /* the user's home, canonical */
} WrappyLaunchRequest;

/* What `install` asks a source to install. */
typedef struct
{
  const char *what;   /* an app ID, a name, a FILE or a URL */
  const char *origin; /* the remote (or store) to take it from, or NULL: the source's choice */
  const char *track;  /* a branch or channel, or NULL: the default */
} WrappyInstallRequest;

typedef struct _WrappySource WrappySource;

struct _WrappySource
{
  int order;                  /* the sources are asked in ascending order (install NAME) */
  const char *name;           /* the manifests' source key, `search --source` */
  const char *const *aliases; /* other names --source takes, or NULL */
  const char *title;          /* N_(): what the user calls it ("Snap Store") */
  /* How the user names one of its apps on install's command line: the option taking the
   * ID or name ("--from-snap"), and the one taking the origin, if any ("--remote"). */
  const char *install_option;
  const char *origin_option;
  WrappyDeclaredKind declared; /* how its manifests declare permissions */

  /* ---- front (run, search) ---- */
  /* Fills in what the source's apps need beyond the layers and the permissions; NULL:
   * nothing. */
  gboolean (*launch) (WrappyLaunchSpec *spec, const WrappyManifest *m,
                      const WrappyLaunchRequest *req, GError **error);
  /* `run NAME`: the ID of the installed app that NAME means to this source (and, in
   * *command, the --command that picks one of the app's programs, or NULL), or NULL. */
  char *(*id_for_name) (const char *name, char **command);
  /* What this source's catalog calls an installed app (search marks it installed);
   * NULL: its ID. */
  char *(*catalog_id) (const WrappyManifest *m);
  /* The origins whose cached catalogs `search` reads (names, may be empty); NULL: it
   * keeps no catalog. */
  GPtrArray *(*catalog_origins) (void);
  /* The origin named in search results when the source is asked at query time
   * (search_live), or NULL. */
  const char *live_origin;

  /* ---- backend ---- */
  /* Whether FILE (a path or a URL) is one of this source's packages (by its name or its
   * contents), for `install FILE`. */
  gboolean (*recognise_file) (const char *file);
  WrappyManifest *(*install_file) (WrappyStore *store, const char *file, GCancellable *cancellable,
                                   GError **error);
  /* `install NAME|ID`: adds a WrappySearchHit* to hits for each app of this source that
   * what names exactly (an ID, or a name ignoring case), and to unreachable one line per
   * origin it could not ask. */
  void (*find) (WrappyStore *store, const char *what, GPtrArray *hits, GPtrArray *unreachable);
  /* Installs req->what (an ID or name find reported, or what the user named). */
  WrappyManifest *(*install) (WrappyStore *store, const WrappyInstallRequest *req,
                              GCancellable *cancellable, GError **error);
  WrappyPrepareUpdateFunc prepare_update; /* NULL: its apps cannot be updated */
  /* Repair: where a commit of m's layers can be fetched again, by its checksum (a
   * remote's name), or NULL when its layers were made here and cannot. */
  char *(*refetch_origin) (const WrappyManifest *m);
  gboolean (*refetch) (OstreeRepo *repo, const char *origin, const char *ref, const char *commit,
                       GCancellable *cancellable, GError **error);
  /* `search`: rewrites the cached catalog of origin. */
  gboolean (*refresh_catalog) (const char *origin, GError **error);
  /* `search`: asks the source now; WrappyCatalogEntry* (NULL on error). */
  GPtrArray *(*search_live) (const char *query, GError **error);
  /* Info: adds "LABEL\tVALUE" lines of what only this source knows to lines. */
  void (*describe) (const WrappyManifest *m, GPtrArray *lines);

  /* Repair: where its app layer keeps the launchers it exports (relative to the
   * layer's files), whether they are named after the app's ID there, and whether they
   * are exported as they are (else install made them, and only a reinstall makes them
   * again). */
  const char *launcher_dir;
  gboolean launchers_named_by_id;
  gboolean launchers_from_layer;
  /* Its layers' refs belong to the app's origin remote in the store's repo. */
  gboolean refs_of_origin;
};

/* The sources, NULL-terminated, in the order `install NAME` asks them. */
const WrappySource *const *wrappy_sources (void);

/* The source called name (or one of its aliases), or NULL. */
const WrappySource *wrappy_source_find (const char *name);

/* The source of an installed app, or NULL (a source this wrappy does not know). */
const WrappySource *wrappy_source_of (const WrappyManifest *m);

/* The names --source takes, ", "-separated, for messages. */
char *wrappy_source_names (void);

/* Tests: use these sources instead (NULL: the built-in ones again). */
void wrappy_sources_set_for_testing (const WrappySource *const *sources);

G_END_DECLS
