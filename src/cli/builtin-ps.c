/* wrappy ps, wrappy kill ID|INSTANCE: the running sandboxes (wrappy-instance.h), as
 * flatpak ps and flatpak kill (app/flatpak-builtins-ps.c, flatpak-builtins-kill.c). */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "wrappy-builtins.h"
#include "wrappy-error.h"
#include "wrappy-i18n.h"
#include "wrappy-instance.h"
#include "wrappy-output.h"

static char *
format_since (gint64 since)
{
  g_autoptr (GDateTime) t = g_date_time_new_from_unix_local (since);

  return t ? g_date_time_format (t, "%Y-%m-%d %H:%M:%S") : g_strdup ("-");
}

static void
print_json (GPtrArray *list)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_array (b);
  for (guint n = 0; n < list->len; n++)
    {
      WrappyInstance *i = list->pdata[n];
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "instance");
      json_builder_add_string_value (b, i->id);
      json_builder_set_member_name (b, "app");
      json_builder_add_string_value (b, i->app);
      json_builder_set_member_name (b, "pid");
      json_builder_add_int_value (b, i->pid);
      json_builder_set_member_name (b, "wrappy_pid");
      json_builder_add_int_value (b, i->wrappy);
      json_builder_set_member_name (b, "level");
      json_builder_add_string_value (b, i->level);
      json_builder_set_member_name (b, "since");
      json_builder_add_int_value (b, i->since);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  wrappy_print_json (b);
}

WRAPPY_BUILTIN (ps)
{
  g_autoptr (GPtrArray) list = NULL;

  if (!wrappy_parse_options (cmd, &argc, &argv, error))
    return FALSE;
  if (argc != 1)
    {
      g_set_error_literal (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE, _ ("usage: wrappy ps"));
      return FALSE;
    }
  if ((list = wrappy_instance_list (error)) == NULL)
    return FALSE;
  if (wrappy_output_json ())
    {
      print_json (list);
      return TRUE;
    }
  if (list->len == 0)
    {
      wrappy_info ("%s", _ ("No app is running"));
      return TRUE;
    }
  wrappy_print_padded (_ ("Instance"), 12);
  wrappy_print_padded (_ ("PID"), 9);
  wrappy_print_padded (_ ("App"), 33);
  wrappy_print_padded (_ ("Level"), 10);
  printf ("%s\n", _ ("Since"));
  for (guint n = 0; n < list->len; n++)
    {
      WrappyInstance *i = list->pdata[n];
      g_autofree char *pid = g_strdup_printf ("%d", (int)i->pid);
      g_autofree char *since = format_since (i->since);
      wrappy_print_padded (i->id, 12);
      wrappy_print_padded (pid, 9);
      wrappy_print_padded (i->app, 33);
      wrappy_print_padded (i->level, 10);
      printf ("%s\n", since);
    }
  return TRUE;
}

/* Whether the instance id is still listed. */
static gboolean
still_running (const char *id)
{
  g_autoptr (GPtrArray) list = wrappy_instance_list (NULL);

  for (guint n = 0; list != NULL && n < list->len; n++)
    if (strcmp (((WrappyInstance *)list->pdata[n])->id, id) == 0)
      return TRUE;
  return FALSE;
}

WRAPPY_BUILTIN (kill)
{
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (GPtrArray) killed = g_ptr_array_new ();

  if (!wrappy_parse_options (cmd, &argc, &argv, error))
    return FALSE;
  if (argc != 2)
    {
      g_set_error_literal (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE,
                           _ ("usage: wrappy kill ID|INSTANCE"));
      return FALSE;
    }
  if ((list = wrappy_instance_list (error)) == NULL)
    return FALSE;
  for (guint n = 0; n < list->len; n++)
    {
      WrappyInstance *i = list->pdata[n];
      if (strcmp (i->id, argv[1]) != 0 && strcmp (i->app, argv[1]) != 0)
        continue;
      /* The PID is the sandbox's only while its parent is still that wrappy. */
      if (!wrappy_instance_is_current (i))
        continue;
      /* As flatpak kill: SIGKILL to the sandbox's pid 1, which ends its PID namespace;
       * and to its process group (pid 1 made its session), for a level without one. */
      if (kill (-i->pid, SIGKILL) != 0 && kill (i->pid, SIGKILL) != 0 && errno != ESRCH)
        {
          g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_FAILED, _ ("cannot stop %s (PID %d): %s"),
                       i->app, (int)i->pid, g_strerror (errno));
          return FALSE;
        }
      g_ptr_array_add (killed, i);
    }
  if (killed->len == 0)
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_NOT_FOUND,
                   _ ("%s is not running (see 'wrappy ps')"), argv[1]);
      return FALSE;
    }
  /* Until each wrappy has seen its sandbox go (so that `ps` after this is true). */
  for (guint n = 0; n < killed->len; n++)
    {
      WrappyInstance *i = killed->pdata[n];
      for (int tries = 0; tries < 100 && still_running (i->id); tries++)
        g_usleep (G_USEC_PER_SEC / 20);
      wrappy_info (_ ("Stopped %s (instance %s, PID %d)"), i->app, i->id, (int)i->pid);
    }
  return TRUE;
}
