/* The run-time half: which program a level uses. No libseccomp here (see the header). */
#include "config.h"

#include "wrappy-seccomp.h"

const char *
wrappy_seccomp_level_to_string (WrappySeccompLevel level)
{
  static const char *const names[] = { "none", "flatpak", "strict" };

  if ((guint)level < G_N_ELEMENTS (names))
    return names[level];
  return "unknown";
}

struct sock_fprog
wrappy_seccomp_program (WrappySeccompLevel level)
{
  struct sock_fprog prog = { 0, NULL };

  if ((guint)level >= WRAPPY_SECCOMP_N_LEVELS || wrappy_seccomp_embedded[level].len == 0)
    return prog;
  /* The kernel copies the program; filter is not const only in the uapi header. */
  prog.len = (unsigned short)wrappy_seccomp_embedded[level].len;
  prog.filter = (struct sock_filter *)wrappy_seccomp_embedded[level].filter;
  return prog;
}
