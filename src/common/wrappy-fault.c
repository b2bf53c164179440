#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wrappy-fault.h"

void
wrappy_fault_point (const char *name)
{
  static const char *points;
  static gboolean read_env;
  g_auto (GStrv) names = NULL;

  if (!read_env)
    {
      points = getenv ("WRAPPY_FAULT");
      read_env = TRUE;
    }
  if (points == NULL || *points == '\0')
    return;
  names = g_strsplit (points, ",", -1);
  if (g_strv_contains ((const char *const *)names, name))
    {
      /* What a crash leaves: no atexit handlers, no buffered output flushed. */
      kill (getpid (), SIGKILL);
      pause ();
    }
}
