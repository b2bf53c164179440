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

/* wrappy-plan-protect.c: drops or makes read-only the binds inside spec->protect,
 * appends to masks what hides or protects each one where binds (or the home, in host or
 * overlay mode) show it, and to binds what pins their parents and splits the dir of a
 * missing one; stubs gets the mount points that makes in the app's home. */
void wrappy_plan_add_protection (GPtrArray *binds, GPtrArray *masks, GPtrArray *stubs,
                                 const WrappyLaunchSpec *spec, const WrappyHostFacts *f,
                                 WrappyHomeMode home_mode, GPtrArray *notes);

G_END_DECLS
