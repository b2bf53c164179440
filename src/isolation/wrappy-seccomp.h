/* The seccomp filters of --isolation=full (Flatpak's list) and paranoid (stricter).
 *
 * The rules are built with libseccomp at BUILD time (wrappy-seccomp-build.c, run by
 * wrappy-seccomp-gen), and the BPF programs are embedded in wrappy as data: the front
 * binary links GLib alone (every shared library costs launch time), and a launch only
 * hands a prepared program to the kernel. docs/sandbox.md lists what each level blocks. */
#pragma once

#include <glib.h>
#include <linux/filter.h>

#include "wrappy-launch-spec.h"

G_BEGIN_DECLS

/* WrappySeccompLevel is in wrappy-launch-spec.h: the policy's level table chooses it. */
/* "none", "flatpak", "strict" (for --verbose, not translated). */
const char *wrappy_seccomp_level_to_string (WrappySeccompLevel level);

/* The program embedded for level ({0, NULL} at NONE). The kernel only reads it. */
struct sock_fprog wrappy_seccomp_program (WrappySeccompLevel level);

/* Written by wrappy-seccomp-gen into wrappy-seccomp-programs.c (build directory). */
typedef struct
{
  const struct sock_filter *filter;
  gsize len;
} WrappySeccompEmbedded;

extern const WrappySeccompEmbedded wrappy_seccomp_embedded[WRAPPY_SECCOMP_N_LEVELS];

/* Build time only (wrappy-seccomp-build.c, linked with libseccomp by the generator and
 * the unit test, never by wrappy): the program for level, as struct sock_filter
 * instructions for the build machine's native arch. */
GBytes *wrappy_seccomp_build (WrappySeccompLevel level, GError **error);

G_END_DECLS
