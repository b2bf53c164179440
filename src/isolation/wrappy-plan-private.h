/* For the files that build parts of a plan (wrappy-plan-*.c); not for callers. */
#pragma once

#include "wrappy-plan.h"

G_BEGIN_DECLS

/* A new op, not yet in any plan (owned by the caller). */
WrappyOp *wrappy_plan_op_new (WrappyOpKind kind, WrappyOpFlags flags, const char *src,
                              const char *dest, guint mode);
WrappyOp *wrappy_plan_add_op (WrappyPlan *plan, WrappyOpKind kind, WrappyOpFlags flags,
                              const char *src, const char *dest, guint mode);
/* A file whose content may hold any bytes (a WRAPPY_OP_FILE with src_len set). */
WrappyOp *wrappy_plan_add_file (WrappyPlan *plan, GBytes *content, const char *dest, guint mode);

/* The number of components of a clean absolute path ("/" is 0). */
guint wrappy_plan_path_depth (const char *path);
/* path is dir or below it (both clean and absolute). */
gboolean wrappy_plan_path_is_under (const char *path, const char *dir);
/* Absolute, with no empty, "." or ".." component. */
gboolean wrappy_plan_valid_sandbox_path (const char *path);

/* wrappy-plan-sockets.c */
void wrappy_plan_add_sockets (WrappyPlan *plan, const WrappyLaunchSpec *spec,
                              const WrappyHostFacts *f, GPtrArray *notes);
char **wrappy_plan_socket_env (char **envp, const WrappyPlan *plan, const WrappyLaunchSpec *spec,
                               const WrappyHostFacts *f);
GBytes *wrappy_plan_filter_xauthority (GBytes *xauth, const char *display_number);
void wrappy_host_facts_collect_sockets (WrappyHostFacts *f, const WrappyLaunchSpec *spec);
void wrappy_host_facts_clear_sockets (WrappyHostFacts *f);

/* wrappy-plan-host.c: what the host lends the app (fonts, icons, time zone, machine ID,
 * the resolver's files). The lends under /run/host go into binds, like grants. */
void wrappy_host_facts_collect_lends (WrappyHostFacts *f, const WrappyLaunchSpec *spec);
void wrappy_host_facts_clear_lends (WrappyHostFacts *f);
void wrappy_plan_add_host_etc (WrappyPlan *plan, const WrappyLaunchSpec *spec,
                               const WrappyHostFacts *f, gboolean network);
void wrappy_plan_add_host_lends (WrappyPlan *plan, GPtrArray *binds, const WrappyLaunchSpec *spec,
                                 const WrappyHostFacts *f);
const char *wrappy_plan_container_name (const WrappyLaunchSpec *spec);
void wrappy_plan_add_container_manager (WrappyPlan *plan, const WrappyLaunchSpec *spec);
/* wrappy-plan-dbus.c: the filtered buses (the proxy socket dir, a symlink where the app looks
 * for each bus) and the proxy's arguments. */
void wrappy_plan_add_buses (WrappyPlan *plan, const WrappyLaunchSpec *spec,
                            const WrappyHostFacts *f, GPtrArray *notes);
void wrappy_dbus_proxy_plan_free (WrappyDbusProxyPlan *p);
char *wrappy_host_facts_a11y_address (char **env);
/* The app's documents (wrappy-plan-dbus.c): the portal's mount, and its bind. */
char *wrappy_host_facts_documents (char **env);
void wrappy_plan_add_documents (WrappyPlan *plan, const WrappyLaunchSpec *spec,
                                const WrappyHostFacts *f);

/* wrappy-plan-protect.c: drops or makes read-only the binds inside spec->protect,
 * appends to masks what hides or protects each one where binds (or the home, in host or
 * overlay mode) show it, and to binds what pins their parents and splits the dir of a
 * missing one; stubs gets the mount points that makes in the app's home. */
void wrappy_plan_add_protection (GPtrArray *binds, GPtrArray *masks, GPtrArray *stubs,
                                 const WrappyLaunchSpec *spec, const WrappyHostFacts *f,
                                 WrappyHomeMode home_mode, GPtrArray *notes);

G_END_DECLS
