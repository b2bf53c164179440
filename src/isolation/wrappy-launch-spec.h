/* What the caller (cli/run) asks the sandbox for: plain data, no knowledge of where it
 * came from (Flatpak metadata, snap.yaml, the command line): a source's launch hook
 * (wrappy-source.h) fills in what its apps need. The isolation module turns
 * this into a WrappyPlan (pure data, see wrappy-plan.h) and then applies the plan. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  WRAPPY_ISOLATION_NONE,
  WRAPPY_ISOLATION_PARTIAL,
  WRAPPY_ISOLATION_FULL,
  WRAPPY_ISOLATION_PARANOID,
} WrappyIsolation;

typedef enum
{
  WRAPPY_HOME_DEFAULT, /* private above none, host at none */
  WRAPPY_HOME_PRIVATE,
  WRAPPY_HOME_TMPFS,
  WRAPPY_HOME_OVERLAY,
  WRAPPY_HOME_HOST,
} WrappyHomeMode;

typedef struct
{
  char *host_path;    /* a directory on the host, e.g. a layer's files/ */
  char *sandbox_path; /* where it appears inside: /usr, /app, /usr/lib/GL/default */
} WrappyLayer;

/* A host path made visible at dest: --bind, --ro-bind and path-pattern config lines. */
typedef struct
{
  char *src;  /* host path */
  char *dest; /* absolute path inside the sandbox */
  gboolean ro;
  gboolean optional; /* from a config file: skipped (with a note) rather than an error */
} WrappyBind;
/* A host path the app must not change or see whatever it is granted (wrappy's own
 * dirs, the files that make the host run code): where a grant or the home mode makes
 * it visible, the plan hides it (an empty tmpfs) or makes it read-only there. */
typedef enum
{
  WRAPPY_PROTECT_HIDE,
  WRAPPY_PROTECT_RO,
} WrappyProtectKind;

typedef struct
{
  char *path; /* absolute host path */
  WrappyProtectKind kind;
  gboolean guard_missing; /* when it does not exist, the app must not make it either: the
                           * dir that would hold it is split (wrappy-plan-protect.c) */
} WrappyProtect;

/* How the app reaches a D-Bus bus (the policy decides, wrappy-bus-policy.c). */
typedef enum
{
  WRAPPY_BUS_NONE,     /* no bus */
  WRAPPY_BUS_FILTERED, /* through xdg-dbus-proxy, filtered by the spec's rules */
  WRAPPY_BUS_REAL,     /* the real bus (--isolation=none, --socket=session-bus) */
} WrappyBusAccess;

/* A base that is a whole root filesystem rather than a /usr (a snap's base, core22…):
 * its top-level directories appear at the sandbox's root, /etc comes from the host (as
 * snapd does), and the app is read-only at app_mount, under apps_dir, a top-level
 * directory the source owns (the host's own is never shown), with no Flatpak variables.
 * The source's launch hook fills it (src/adapters/<source>/). */
typedef struct
{
  char *apps_dir;   /* absolute, one component: "/snap" */
  char *app_mount;  /* under apps_dir: where the app appears ("/snap/NAME/REVISION") */
  char *app_link;   /* under apps_dir: a symlink to app_mount, or NULL */
  char **home_dirs; /* made in the home if missing, relative to it; the first is the
                     * app's own (under a top-level dir of the home that other apps'
                     * share, which a home grant of the source's kind leaves out) */
} WrappyRootBase;

WrappyRootBase *wrappy_root_base_new (const char *apps_dir, const char *app_mount,
                                      const char *app_link, char **home_dirs);
void wrappy_root_base_free (WrappyRootBase *rb);

/* --memory, --pids, --cpus (see wrappy-limits.h). */
typedef struct
{
  guint64 memory; /* bytes; 0: unset */
  guint64 pids;   /* tasks (processes and threads); 0: unset */
  guint cpus;     /* thousandths of a CPU; 0: unset */
} WrappyLimits;

/* The syscall filter an app runs under (wrappy-seccomp.h has the programs). */
typedef enum
{
  WRAPPY_SECCOMP_NONE,    /* --isolation=none and partial */
  WRAPPY_SECCOMP_FLATPAK, /* --isolation=full: what Flatpak blocks */
  WRAPPY_SECCOMP_STRICT,  /* --isolation=paranoid: Flatpak's list and more, native arch only */
  WRAPPY_SECCOMP_N_LEVELS,
} WrappySeccompLevel;

/* What the sandbox unshares besides the user and mount namespaces. */
typedef enum
{
  WRAPPY_UNSHARE_PID = 1 << 0,
  WRAPPY_UNSHARE_IPC = 1 << 1,
  WRAPPY_UNSHARE_UTS = 1 << 2,
  WRAPPY_UNSHARE_CGROUP = 1 << 3,
  WRAPPY_UNSHARE_NET = 1 << 4, /* a network of its own, unless "network" is in shared */
} WrappyUnshare;

#define WRAPPY_UNSHARE_ALL                                                                         \
  (WRAPPY_UNSHARE_PID | WRAPPY_UNSHARE_IPC | WRAPPY_UNSHARE_UTS | WRAPPY_UNSHARE_CGROUP            \
   | WRAPPY_UNSHARE_NET)

typedef struct
{
  char *app_id; /* validated ID, used for FLATPAK_ID-style variables; a host
                 * program's is its state id, "host/NAME" */
  WrappyIsolation isolation;
  WrappyUnshare unshare;      /* the level's namespaces and filter, from the policy's table */
  WrappySeccompLevel seccomp; /* (wrappy_level_rules); a new spec has all of them */
  WrappyHomeMode home;
  char *base_path;           /* the base layer, mounted read-only at /usr */
  gboolean host_base;        /* base_path is the host's own /usr (host programs, AppImages):
                              * it brings no etc/, so /etc is made from the host's /etc */
  char *app_path;            /* the app layer, read-only at /app; NULL for host programs,
                              * which get no /app and no Flatpak per-app variables */
  WrappyRootBase *root_base; /* NULL: the base is a /usr (Flatpak runtimes, the host's) */
  GPtrArray *deps;           /* WrappyLayer*, read-only at their sandbox_path */
  char **argv;               /* [command, args…]; a bare command is looked up in PATH inside */
  char **env;                /* "VAR=VALUE" set on top (app metadata, then --env) */
  char **host_env;           /* the caller's variables let in (NAME or PREFIX*); NULL: all
                              * but the loader's and interpreters' search paths */
  char **shared;             /* "network", "ipc" */
  char **sockets;            /* "x11", "wayland", "pulseaudio", "session-bus", … */
  char **devices;            /* "dri", "all", … */
  char **filesystems;        /* Flatpak-style filesystem grants */
  char *state_dir;           /* $XDG_STATE_HOME/wrappy/ID: private home lives under it */
  char *cwd;                 /* working directory inside; NULL means the home */
  GPtrArray *binds;          /* WrappyBind*: explicit binds, applied after the grants */
  GPtrArray *protect;        /* WrappyProtect*: applied after every grant and bind */
  gboolean hide_host_facts;  /* /proc/cmdline masked, a neutral hostname (SPEC.md: full and
                              * paranoid) */
  gboolean tmp_root;         /* the writable upper layer is a tmpfs, gone at exit */
  WrappyLimits limits;       /* asked for; the level may add defaults */
  char *ld_cache;            /* a loader cache made for this layout (wrappy-ldcache.h), bound
                              * read-only at /etc/ld.so.cache in place of the base's */
  char *ld_cache_dir;        /* making one: this host dir, writable at WRAPPY_LD_CACHE_DIR */
  char *flatpak_info;        /* the text of /.flatpak-info (Flatpak apps), or NULL */
  char *portal_id;           /* the ID the portals know the app by (its own for a Flatpak
                              * app; wrappy_bus_policy_portal_id); NULL: app_id */
  /* How extensions shape the layout (Flatpak's add-ld-path, merge-dirs, subdirectories;
   * filled by the source's launch hook, see wrappy-flathub-ext.c): */
  char **ext_tmpfs;   /* dirs under /usr or /app made empty before the extensions are
                       * bound in them (the parent of a subdirectories extension point) */
  GPtrArray *ld_conf; /* WrappyBind*: src, a library dir inside, is written to the loader
                       * configuration file dest (/run/flatpak/ld.so.conf.d/…) */
  GPtrArray *links;   /* WrappyBind*: a symlink at dest to src (merge-dirs) */
  /* What the host lends a Flatpak-layout app (wrappy-plan-host.c), as the policy decides
   * per level: */
  gboolean lend_host;       /* the host's fonts (and caches), icon themes and time zone
                             * data under /run/host and /usr/share/zoneinfo */
  gboolean lend_user_files; /* also the user's own fonts, font cache and icons */
  gboolean own_machine_id;  /* /etc/machine-id is the app's own, derived from the host's
                             * (else the host's own) */
  WrappyBusAccess session_bus;
  WrappyBusAccess system_bus;
  char **session_bus_rules; /* FILTERED: xdg-dbus-proxy's filter options (--talk=NAME, …) */
  char **system_bus_rules;
  gboolean a11y_bus; /* the accessibility bus, through a proxy of its own */
} WrappyLaunchSpec;

/* Where a sandbox that makes a loader cache writes it. */
#define WRAPPY_LD_CACHE_DIR "/run/wrappy-ld-cache"
/* Where runtimes' ld.so.conf includes extension library dirs from (runtime-*.conf and
 * app-*.conf), as Flatpak writes them. */
#define WRAPPY_LD_CONF_DIR "/run/flatpak/ld.so.conf.d"

WrappyLaunchSpec *wrappy_launch_spec_new (void);
void wrappy_launch_spec_free (WrappyLaunchSpec *spec);
void wrappy_layer_free (WrappyLayer *layer);
WrappyLayer *wrappy_layer_new (const char *host_path, const char *sandbox_path);
WrappyBind *wrappy_bind_new (const char *src, const char *dest, gboolean ro);
void wrappy_bind_free (WrappyBind *bind);
WrappyProtect *wrappy_protect_new (const char *path, WrappyProtectKind kind);
void wrappy_protect_free (WrappyProtect *p);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WrappyLaunchSpec, wrappy_launch_spec_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WrappyLayer, wrappy_layer_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WrappyRootBase, wrappy_root_base_free)

gboolean wrappy_isolation_from_string (const char *s, WrappyIsolation *out, GError **error);
const char *wrappy_isolation_to_string (WrappyIsolation level);
gboolean wrappy_home_mode_from_string (const char *s, WrappyHomeMode *out, GError **error);

G_END_DECLS
