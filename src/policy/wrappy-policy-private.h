/* For the files of the policy module (wrappy-policy*.c); not for callers. */
#pragma once

#include "wrappy-policy.h"

G_BEGIN_DECLS

void wrappy_policy_note (GPtrArray *notes, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

/* wrappy-policy-sockets.c */
char **wrappy_policy_resolve_sockets (char **asked, char **user, char **cmdline,
                                      const WrappyLevelRules *rules, GPtrArray *notes);
char **wrappy_policy_resolve_devices (char **asked, const WrappyLevelRules *rules,
                                      GPtrArray *notes);
void wrappy_policy_protect_agents (GPtrArray *protect, const char *home, const char *ssh_auth_sock,
                                   char **sockets);
void wrappy_policy_note_persistent (char **asked, WrappyHomeMode home, GPtrArray *notes);

G_END_DECLS
