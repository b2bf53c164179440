/* The one place that decides what an app gets: its declared permissions, the user's
 * overrides, the command line and the isolation level in, the effective permissions
 * out, as data (then a launch spec, which the isolation module turns into a plan).
 * The rule of SPEC.md "a grant never lifts a level's hard limits" lives here, in one
 * table per level; tests/unit/test-policy.c checks sources x levels -> result. */
#pragma once

#include <glib.h>

#include "wrappy-launch-spec.h"
#include "wrappy-manifest.h"
#include "wrappy-permissions.h"

G_BEGIN_DECLS

/* What a level allows whatever the app declares. */
typedef struct
{
  WrappyIsolation level;
  WrappyUnshare unshare;      /* namespaces besides user and mount (the network's only
                               * when the network is not shared) */
  WrappySeccompLevel seccomp; /* the syscall filter */
  gboolean declared_network;  /* the app's (or an override's) shared=network counts;
                               * else only --share=network on the command line */
  gboolean declared_sockets;  /* likewise for sockets */
  gboolean declared_devices;  /* likewise for devices (dri) */
  gboolean declared_agents;   /* the app's own ssh-auth and gpg-agent count (else only
                               * the user's: command line or override) */
  gboolean grants_ro;         /* filesystem grants read-only unless marked :rw */
  gboolean grants_apply;      /* filesystem grants mean something (not at none: the
                               * host is all there) */
  gboolean env_allowlist;     /* the caller's environment reaches the app through an
                               * allowlist only */
  gboolean protect_wrappy;    /* wrappy's own dirs hidden or read-only under any grant */
  gboolean protect_host_code; /* files that make the host run code read-only under
                               * home and path grants (SPEC.md) */
  gboolean hide_host_facts;   /* /proc/cmdline masked, a neutral hostname */
  gboolean lend_host;         /* the host's fonts, icon themes and zoneinfo under /run/host
                               * (not at none: /run is the host's own there) */
  gboolean lend_user_files;   /* the user's fonts, font cache and icons from the home */
  gboolean own_machine_id;    /* an app-specific machine ID in place of the host's */
} WrappyLevelRules;

const WrappyLevelRules *wrappy_level_rules (WrappyIsolation level);

/* The command line's part, as parsed by the CLI. */
typedef struct
{
  gboolean has_level;
  WrappyIsolation level;
  gboolean has_home;
  WrappyHomeMode home;
  char **share, **unshare, **sockets, **env;
  char **bind, **ro_bind; /* SRC[:DST] */
  gboolean current_dir;
  char **session_bus, **system_bus; /* "NAME=talk" / "NAME=own": --talk-name, --own-name… */
} WrappyCommandLine;

/* The effective permissions: what the app gets at its level, and why not the rest. */
typedef struct
{
  WrappyIsolation isolation;
  WrappyUnshare unshare;      /* the level's (wrappy_level_rules) */
  WrappySeccompLevel seccomp; /* likewise */
  WrappyHomeMode home;
  char **shared;
  char **sockets;
  char **devices;
  char **filesystems; /* checked grants, each with an explicit :ro or :rw (or :create) */
  char **env;         /* declared, overrides, then --env */
  char **host_env;    /* caller variables let in (NAME, or PREFIX*); NULL: all but the
                       * loader's (wrappy-plan.c strips those at every level) */
  GPtrArray *binds;   /* WrappyBind*: --bind, --ro-bind, --current-dir */
  GPtrArray *protect; /* WrappyProtect*: see wrappy-launch-spec.h */
  char *cwd;          /* --current-dir */
  gboolean hide_host_facts;
  gboolean lend_host, lend_user_files, own_machine_id; /* as WrappyLevelRules */
  WrappyBusAccess session_bus;                         /* see wrappy-bus-policy.c */
  WrappyBusAccess system_bus;
  char **session_bus_rules; /* FILTERED: the proxy's --talk=, --own=, --call=… options */
  char **system_bus_rules;
  gboolean a11y_bus;
  char **notes; /* what was asked and not granted, and why */
} WrappyEffective;

void wrappy_effective_free (WrappyEffective *e);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WrappyEffective, wrappy_effective_free)

/* How an app's manifest declares its permissions: its source says (wrappy-source.h). */
typedef enum
{
  WRAPPY_DECLARED_FLATPAK,    /* Flatpak [Context] names, as they are */
  WRAPPY_DECLARED_SNAP_PLUGS, /* snap plugs turned into those names (docs/snap.md) */
} WrappyDeclaredKind;

/* The inputs of one resolve; the CLI fills it from the manifest, the overrides files
 * and the command line (tests fill it by hand). */
typedef struct
{
  const char *app_id;
  WrappyDeclaredKind declared_kind;   /* how declared names its permissions */
  const char *declared_level;         /* the manifest's isolation=, or NULL */
  const WrappyPermissions *declared;  /* NULL: none */
  const char *override_level;         /* the overrides' [Wrappy] isolation=, or NULL */
  const WrappyPermissions *overrides; /* NULL: none */
  const WrappyCommandLine *cmdline;
  const char *home_dir;      /* the caller's home, canonical */
  const char *cwd;           /* the caller's working directory */
  const char *ssh_auth_sock; /* the caller's SSH_AUTH_SOCK, or NULL */
} WrappyPolicyInput;

/* The buses of e (its level and sockets already resolved): which, and their filters. */
void wrappy_bus_policy_resolve (WrappyEffective *e, const WrappyPermissions *asked,
                                const WrappyPermissions *user, const WrappyCommandLine *cl,
                                const char *app_id, GPtrArray *notes);

/* The app ID the portals are to know the app by. xdg-desktop-portal and
 * xdg-document-portal take a peer with no /.flatpak-info in its root (nor snapd's label)
 * for an unsandboxed host app, and give host apps what they refuse sandboxed ones:
 * DynamicLauncher tokens without a dialog and launchers that run any command on the host,
 * the exact location, autostart entries of any command. So every app behind the proxy
 * has a Flatpak identity: a Flatpak app its own ID, any other app a name of wrappy's
 * ("app.wrappy.NAME"), which no Flatpak app's permissions or documents are kept under. */
char *wrappy_bus_policy_portal_id (const char *app_id, gboolean flatpak_app);

/* What the app itself declares, from its manifest. */
WrappyPermissions *wrappy_policy_declared (const WrappyManifest *m);

WrappyEffective *wrappy_policy_resolve (const WrappyPolicyInput *in, GError **error);

/* The user's overrides for app_id: $XDG_CONFIG_HOME/wrappy/overrides/global, then
 * overrides/ID on top ([Context], [Environment] as in flatpak; [Wrappy] isolation=, the
 * app's file winning). *level is NULL when neither sets one. */
gboolean wrappy_policy_load_overrides (const char *app_id, WrappyPermissions **perms, char **level,
                                       GError **error);

/* The effective permissions into a launch spec (everything but the layers and argv). */
void wrappy_effective_to_spec (const WrappyEffective *e, WrappyLaunchSpec *spec);

/* One line per grant and per refused request, for `info` and --verbose. */
char **wrappy_effective_describe (const WrappyEffective *e);

/* Whether the user lets app_id be updated over plain http: [Wrappy]
 * insecure-updates=true in its own overrides file (never the global one). */
gboolean wrappy_policy_insecure_updates_allowed (const char *app_id);

/* Checks a filesystem grant's path (without its suffix): NULL if it may be granted,
 * else why not. home is the caller's canonical home. */
const char *wrappy_policy_check_grant (const char *path, const char *home);

/* What `wrappy override` changes: flatpak override's options, each a list (NULL: none). */
typedef struct
{
  char **filesystems, **nofilesystems;
  char **sockets, **nosockets;
  char **devices, **nodevices;
  char **shares, **unshares;
  char **env;                     /* VAR=VALUE */
  char **talk_names, **own_names; /* [Session Bus Policy] NAME=talk|own */
} WrappyOverrideChange;

/* The overrides file of app_id, or the global one for NULL. */
char *wrappy_policy_override_path (const char *app_id);

/* Applies change to the overrides file of app_id (NULL: global), in flatpak override's
 * key file format; a name set again replaces its earlier setting. USAGE for a name
 * flatpak would not take; the file is replaced atomically. It only records what is
 * asked: the level's hard limits still hold in wrappy_policy_resolve. */
gboolean wrappy_policy_override_write (const char *app_id, const WrappyOverrideChange *change,
                                       GError **error);

/* Removes the overrides file of app_id (NULL: global); none is no error. */
gboolean wrappy_policy_override_reset (const char *app_id, GError **error);

/* One "[Group] key=value" line per setting of the overrides file of app_id (NULL:
 * global); empty when there is none. */
char **wrappy_policy_override_describe (const char *app_id, GError **error);

/* Pure: the permissions (Flatpak [Context] names: shared, sockets, devices,
 * filesystems, features, persistent) that going from current to updated (an app's declared
 * permissions before and after an update, wrappy_policy_declared) grants and
 * takes away, as "KEY=VALUE" strings ("shared=network", "filesystems=home"), sorted.
 * A filesystem grant counts as added when no current grant covers it: one that widens
 * ("xdg-download:ro" → "xdg-download", "home" → "host", "~/a" → "~/") is added (and the
 * narrower one is not reported as removed, since the wider one covers it). Either out
 * may be NULL. */
void wrappy_policy_permission_diff (const WrappyPermissions *current,
                                    const WrappyPermissions *updated, char ***added_out,
                                    char ***removed_out);
/* The sockets wrappy knows (Flatpak's names), and them as "x11, wayland, …" for
 * messages. */
gboolean wrappy_policy_socket_known (const char *name);
char *wrappy_policy_socket_names (void);

G_END_DECLS
