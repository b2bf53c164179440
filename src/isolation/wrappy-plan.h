/* The sandbox as data: every namespace, mount and file the app will see, and the exact
 * argv, environment and working directory, computed from a WrappyLaunchSpec and a few
 * facts about the host. Building a plan never forks, mounts or writes; wrappy-launch.c
 * applies it. Tests check the plan directly (like flatpak's test-exports.c). */
#pragma once

#include <glib.h>
#include <sys/types.h>

#include "wrappy-launch-spec.h"
#include "wrappy-limits.h"
#include "wrappy-seccomp.h"

G_BEGIN_DECLS

typedef enum
{
  WRAPPY_OP_BIND,       /* src (a host path) at dest */
  WRAPPY_OP_TMPFS,      /* an empty tmpfs at dest, with mode (read-only with FLAG_RO) */
  WRAPPY_OP_PROC,       /* a fresh procfs for the new pid namespace */
  WRAPPY_OP_DEVPTS,     /* a private devpts instance (newinstance, ptmxmode=0666) */
  WRAPPY_OP_DIR,        /* mkdir -p dest with mode */
  WRAPPY_OP_SYMLINK,    /* dest -> src */
  WRAPPY_OP_FILE,       /* a file at dest whose content is src */
  WRAPPY_OP_REMOUNT_RO, /* make the mount at dest read-only (not its submounts) */
  WRAPPY_OP_OVERLAY,    /* overlayfs at dest: lower src, upper/work dirs (NULL: a tmpfs) */
} WrappyOpKind;

typedef enum
{
  WRAPPY_OP_FLAG_NONE = 0,
  WRAPPY_OP_FLAG_RO = 1 << 0,          /* read-only, recursively */
  WRAPPY_OP_FLAG_OPTIONAL = 1 << 1,    /* skipped when the source is missing or it fails */
  WRAPPY_OP_FLAG_DEVICES = 1 << 2,     /* device nodes stay usable (no nodev) */
  WRAPPY_OP_FLAG_NOFOLLOW = 1 << 3,    /* src is wrappy state: refuse if it is a symlink */
  WRAPPY_OP_FLAG_SANDBOX_SRC = 1 << 4, /* src is a path inside the sandbox, not the host */
  WRAPPY_OP_FLAG_CREATE = 1 << 5,      /* create src (0700) if missing: state, :create grants */
} WrappyOpFlags;

typedef struct
{
  WrappyOpKind kind;
  WrappyOpFlags flags;
  char *src;     /* host path, symlink target or file content, by kind */
  gsize src_len; /* WRAPPY_OP_FILE: the content's length when it may hold NULs, else 0 */
  char *dest;    /* absolute path inside the sandbox */
  guint mode;    /* tmpfs, dir and file modes; overlay: the upper dir's mode */
  char *upper;   /* overlay: the upper and work dirs, under plan->state_dir; NULL for */
  char *work;    /* a tmpfs upper that is gone when the sandbox exits */
} WrappyOp;

/* xdg-dbus-proxy between the app and the buses it gets filtered (wrappy-dbus-proxy.h). */
typedef struct
{
  char *dir;          /* host dir of the proxy's sockets: made 0700 at launch, removed after */
  char **args;        /* its arguments after --fd=N: ADDRESS PATH --filter RULES… per bus */
  char *flatpak_info; /* the proxy runs with this /.flatpak-info, by which the portals know
                       * the app (as flatpak's add_bwrap_wrapper); NULL: run as it is */
} WrappyDbusProxyPlan;

typedef struct
{
  int clone_flags; /* CLONE_NEW* */
  uid_t uid;       /* the caller's ids, mapped to the same ids inside */
  gid_t gid;
  GPtrArray *ops; /* WrappyOp*, in the order they are applied */
  char **argv;
  char **envp;
  char *cwd;
  char *hostname;          /* a neutral name in the app's own UTS namespace, else NULL */
  char **notes;            /* grants the plan could not apply, said under --verbose */
  char *state_dir;         /* the app's state: dirs under it are opened without following links */
  char **stubs;            /* mount points made in the app's home, removed after the sandbox
                            * (wrappy_plan_remove_stubs) */
  WrappyLimitsPlan limits; /* resource limits and how they are applied */
  /* The syscall filter the app runs under. */
  WrappySeccompLevel seccomp;
  WrappyDbusProxyPlan *dbus_proxy; /* NULL: no bus is filtered */
  char *documents; /* the document portal's by-app dir bound at /run/user/UID/doc, else NULL */
} WrappyPlan;

/* What the plan needs to know about the host; wrappy_host_facts_collect() fills it in,
 * tests fake it. All fields are owned. */
typedef struct
{
  uid_t uid;
  gid_t gid;
  char *user_name;
  char *real_name;
  char *home;                   /* the user's home path on the host (and in the sandbox) */
  char *cwd;                    /* the caller's working directory, for --current-dir */
  char **env;                   /* the caller's environment */
  char **base_entries;          /* names at the top of the base layer: bin, lib, etc, … */
  char **base_etc_entries;      /* names in the base layer's etc/ (the host's /etc for a host
                                 * base) */
  GHashTable *host_etc_links;   /* host base only: name -> target of /etc's symlinks */
  GHashTable *base_root_links;  /* a root base: name -> target of the base's top symlinks */
  char **host_root_entries;     /* names in the host's /, for --isolation=none */
  gboolean has_resolv_conf;     /* /etc/resolv.conf */
  gboolean has_hosts;           /* /etc/hosts */
  gboolean has_localtime;       /* /etc/localtime */
  gboolean has_machine_id;      /* /etc/machine-id */
  gboolean has_dbus_machine_id; /* /var/lib/dbus/machine-id, used when the first is missing */
  gboolean has_host_conf;       /* /etc/host.conf */
  gboolean has_gai_conf;        /* /etc/gai.conf */
  gboolean has_dri;             /* /dev/dri */
  /* What the host lends (wrappy-plan-host.c), looked up only when the spec lends it. */
  char *machine_id;         /* own_machine_id: the host's, to derive the app's from */
  char *timezone;           /* the host's zone name (Europe/Kyiv), validated */
  char *host_zoneinfo;      /* the host's tzdata dir, when the base has one to replace */
  char *fonts_cache;        /* the host's system font cache dir */
  char *user_fonts;         /* $XDG_DATA_HOME/fonts, else ~/.fonts */
  char *user_fonts_cache;   /* $XDG_CACHE_HOME/fontconfig */
  char *user_icons;         /* $XDG_DATA_HOME/icons */
  gboolean has_fonts;       /* /usr/share/fonts */
  gboolean has_local_fonts; /* /usr/local/share/fonts */
  gboolean has_icons;       /* /usr/share/icons */
  char **host_net_dirs;     /* above none: the dirs of the host's network devices under
                             * /sys/devices (…/net), virtual ones aside */
  /* Desktop sockets, looked up only when the spec grants some (wrappy-plan-sockets.c). */
  char *x11_socket;         /* /tmp/.X11-unix/XN for the caller's DISPLAY */
  char *x11_display_number; /* N */
  GBytes *xauthority;       /* the caller's Xauthority file */
  char *wayland_socket;     /* only to choose fallback-x11; the config binds it */
  char *session_bus_socket;
  char *system_bus_socket;
  char *cups_socket;      /* CUPS_SERVER, client.conf's ServerName or the default */
  char *pcsc_socket;      /* PCSCLITE_CSOCK_NAME or pcscd's default */
  char *ssh_auth_socket;  /* SSH_AUTH_SOCK */
  char *gpg_agent_socket; /* `gpgconf --list-dir agent-socket` */
  char *a11y_bus_address; /* org.a11y.Bus's answer, only when the spec wants the a11y bus */
  char *documents;        /* the document portal's mount ($XDG_RUNTIME_DIR/doc), only when the
                           * app reaches the session bus (wrappy-plan-dbus.c) */
  char *user_dirs[G_USER_N_DIRECTORIES]; /* XDG user dirs, only when a grant names one */
  char **home_entries;                   /* names in the home, only for a snap-home grant */
  WrappyLimitsFacts limits; /* cgroups, RAM, CPUs: probed only when limits are wanted */
} WrappyHostFacts;

/* Reads only what the plan for spec needs (the host root only at --isolation=none). */
void wrappy_host_facts_collect (WrappyHostFacts *facts, const WrappyLaunchSpec *spec);
void wrappy_host_facts_clear (WrappyHostFacts *facts);

WrappyPlan *wrappy_plan_new (const WrappyLaunchSpec *spec, const WrappyHostFacts *facts,
                             GError **error);
void wrappy_plan_free (WrappyPlan *plan);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WrappyPlan, wrappy_plan_free)

/* The op applied at dest, or NULL (the last one when several target dest). */
const WrappyOp *wrappy_plan_find_op (const WrappyPlan *plan, const char *dest);
/* Whether the host path (absolute, canonical) is there at the same path inside, as the
 * host's own file: what file forwarding passes unchanged. */
gboolean wrappy_plan_shows_host_path (const WrappyPlan *plan, const char *path);
/* One line per namespace set, id map, op, argument and variable: for --verbose. */
char **wrappy_plan_describe (const WrappyPlan *plan);
const char *wrappy_op_kind_to_string (WrappyOpKind kind);
/* The machine ID an app sees at paranoid, derived from the host's (wrappy-plan-host.c). */
char *wrappy_app_machine_id (const char *host_id, const char *app_id);
/* A zone name fit for /etc/localtime's target and /etc/timezone. */
gboolean wrappy_plan_valid_timezone (const char *zone);

/* Removes the stubs a plan made in the app's home, each only while still empty. */
void wrappy_plan_remove_stubs (char **stubs);

G_END_DECLS
