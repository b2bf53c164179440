/* The hidden `wrappy-backend unpack-image squashfs|iso IMAGE OFFSET DEST`: the child
 * that wrappy_unpack (src/adapters/common/wrappy-unpack.c) starts to unpack an untrusted
 * image under its limits. It reports an error as one tagged line on stderr, which the
 * parent turns back into the error. */
#include "config.h"

#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>

#include "wrappy-appimage-private.h"
#include "wrappy-builtins.h"
#include "wrappy-error.h"
#include "wrappy-i18n.h"
#include "wrappy-squashfs.h"
#include "wrappy-unpack.h"

/* Unpacking reads one file and writes below one directory, in one thread: it never needs
 * a socket, a new program, a new process or another process's memory. (No new process
 * also means nothing can outlive the child holding its stderr pipe open, which the
 * parent waits on.) The parent set no_new_privs before exec, which an unprivileged
 * seccomp filter requires. Denied calls fail with EPERM. */
static gboolean
confine (GError **error)
{
  static const int denied[] = {
    SCMP_SYS (socket),
    SCMP_SYS (socketpair),
    SCMP_SYS (connect),
    SCMP_SYS (execve),
    SCMP_SYS (execveat),
    SCMP_SYS (fork),
    SCMP_SYS (vfork),
    SCMP_SYS (clone),
    SCMP_SYS (clone3),
    SCMP_SYS (ptrace),
    SCMP_SYS (process_vm_readv),
    SCMP_SYS (process_vm_writev),
  };
  scmp_filter_ctx ctx = seccomp_init (SCMP_ACT_ALLOW);
  int r = ctx == NULL ? -ENOMEM : 0;

  for (guint i = 0; r == 0 && i < G_N_ELEMENTS (denied); i++)
    r = seccomp_rule_add (ctx, SCMP_ACT_ERRNO (EPERM), denied[i], 0);
  if (r == 0)
    r = seccomp_load (ctx);
  seccomp_release (ctx);
  if (r != 0)
    {
      errno = -r;
      return wrappy_throw_errno (error, "seccomp_load", "unpack-image");
    }
  return TRUE;
}

WRAPPY_BUILTIN (unpack_image)
{
  g_autoptr (GError) local_error = NULL;
  guint64 offset = 0;
  gboolean iso;

  if (!wrappy_parse_options (cmd, &argc, &argv, error))
    return FALSE;
  if (argc != 5 || (strcmp (argv[1], "squashfs") != 0 && strcmp (argv[1], "iso") != 0)
      || !g_ascii_string_to_unsigned (argv[3], 10, 0, G_MAXINT64, &offset, NULL)
      || !g_path_is_absolute (argv[4]))
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE,
                   _ ("usage: wrappy-backend unpack-image squashfs|iso IMAGE OFFSET DEST"));
      return FALSE;
    }
  iso = strcmp (argv[1], "iso") == 0;
  if (confine (&local_error)
      && (iso ? offset == 0 && wrappy_appimage_extract_iso (argv[2], argv[4], NULL, &local_error)
              : wrappy_squashfs_extract (argv[2], offset, argv[4], NULL, NULL, &local_error)))
    return TRUE;
  if (local_error == NULL)
    g_set_error (&local_error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE, "an ISO image has no offset");
  *exit_code = wrappy_unpack_child_report (local_error);
  return TRUE;
}
