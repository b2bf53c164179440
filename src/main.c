/* wrappy: install Flathub apps, AppImages and snaps as one per-user layout and run them
 * in a rootless sandbox. This file is the command table and the one place that prints
 * an error. */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "wrappy-builtins.h"
#include "wrappy-dirs.h"
#include "wrappy-documents.h"
#include "wrappy-error.h"
#include "wrappy-i18n.h"
#include "wrappy-output.h"

/* The `wrappy` binary itself links only what starting an app needs (GLib alone); every
 * other command (libostree, libflatpak, libcurl, libappstream, GIO, json-glib: some 75
 * shared libraries, ~30 ms of dynamic loading) lives in wrappy-backend, built from this
 * same file, which `wrappy` execs for them. Their handlers and options are left out of
 * `wrappy` (STORE), which needs only their names for its errors. */
#ifdef WRAPPY_FRONTEND
#define STORE(x) NULL
#else
#define STORE(x) x
#endif

static const WrappyCommand remote_commands[] = {
  { "add", N_ ("NAME URL|FILE.flatpakrepo"),
    N_ ("Add (or with --replace, replace) a Flatpak remote"), NULL,
    STORE (wrappy_remote_add_options), STORE (wrappy_builtin_remote_add), WRAPPY_OPERAND_FILE },
  { "list", NULL, N_ ("List the Flatpak remotes"), NULL, NULL, STORE (wrappy_builtin_remote_list),
    WRAPPY_OPERAND_NONE },
  { "remove", N_ ("NAME"), N_ ("Remove a Flatpak remote"), NULL, NULL,
    STORE (wrappy_builtin_remote_remove), WRAPPY_OPERAND_REMOTE },
  { NULL },
};

/* The single source of wrappy's command line: see wrappy-builtins.h. */
const WrappyCommand wrappy_commands[] = {
  { "remote", N_ ("add|list|remove …"), N_ ("Add, list or remove Flatpak remotes"), NULL, NULL,
    STORE (wrappy_builtin_remote), WRAPPY_OPERAND_NONE, 0, remote_commands },
  { "search", N_ ("QUERY…"), N_ ("Search Flathub, the AppImage catalog and the Snap Store"),
    N_ ("Catalogs are kept for a day; --refresh fetches them again."), wrappy_search_options,
    wrappy_builtin_search, WRAPPY_OPERAND_TEXT },
  { "install",
    N_ ("--from-flathub ID[//BRANCH] [--remote NAME] | --from-appimage FILE|URL|NAME | "
        "--from-snap NAME|FILE.snap [--channel CHANNEL] | FILE | NAME|ID"),
    N_ ("Install an app from a Flatpak remote, an AppImage or a snap"),
    N_ ("FILE is a .flatpakref, a .flatpak bundle, an AppImage or a .snap; its format is "
        "detected. A NAME or ID is looked up in every configured remote, the AppImage "
        "catalog and the Snap Store: one match is installed, several are listed (and asked "
        "about on a terminal). Without --remote, --from-flathub tries each configured remote "
        "that has the app."),
    STORE (wrappy_install_options), STORE (wrappy_builtin_install), WRAPPY_OPERAND_FILE },
  { "list", NULL, N_ ("List installed apps (or runtimes)"), NULL, STORE (wrappy_list_options),
    STORE (wrappy_builtin_list), WRAPPY_OPERAND_NONE },
  { "info", N_ ("ID"), N_ ("Show an installed app and the layers it uses"), NULL, NULL,
    STORE (wrappy_builtin_info), WRAPPY_OPERAND_APP },
  { "run", N_ ("ID [-- ARGS…] | --host PROGRAM [ARGS…]"),
    N_ ("Run an installed app in its sandbox"),
    N_ ("Options stop at the ID: what follows it is passed to the app. The exit status is the "
        "app's own. A snap also runs by its name, and NAME.APP runs its app APP, as with snap "
        "run."),
    wrappy_run_options, wrappy_builtin_run, WRAPPY_OPERAND_APP, WRAPPY_COMMAND_OPTIONS_FIRST },
  { "enter", N_ ("ID"), N_ ("Start an interactive shell in an app's sandbox"), NULL,
    wrappy_run_options, wrappy_builtin_enter, WRAPPY_OPERAND_APP, WRAPPY_COMMAND_OPTIONS_FIRST },
  { "uninstall", N_ ("ID"), N_ ("Remove an installed app (its data stays unless asked)"), NULL,
    STORE (wrappy_uninstall_options), STORE (wrappy_builtin_uninstall), WRAPPY_OPERAND_APP },
  { "gc", NULL, N_ ("Remove layers and stored content that no app uses"),
    N_ ("Nothing that an installed app, a snapshot or a running app uses is removed."),
    STORE (wrappy_gc_options), STORE (wrappy_builtin_gc), WRAPPY_OPERAND_NONE },
  { "clean", N_ ("ID…|--host NAME…|--all"), N_ ("Delete apps' private data and writable layers"),
    NULL, STORE (wrappy_clean_options), STORE (wrappy_builtin_clean), WRAPPY_OPERAND_APP },
  { "update", N_ ("[ID…]"), N_ ("Update installed apps to their newest version"),
    N_ ("Without an ID every installed app is updated; each app's data is kept."),
    STORE (wrappy_update_options), STORE (wrappy_builtin_update), WRAPPY_OPERAND_APP },
  { "snapshot", N_ ("ID [NAME]"), N_ ("Keep a copy of an app's data and version"), NULL,
    STORE (wrappy_snapshot_options), STORE (wrappy_builtin_snapshot), WRAPPY_OPERAND_APP },
  { "snapshots", N_ ("[ID]"), N_ ("List the snapshots of an app, or of every app"), NULL, NULL,
    STORE (wrappy_builtin_snapshots), WRAPPY_OPERAND_APP },
  { "rollback", N_ ("ID SNAPSHOT"),
    N_ ("Put an app's data and version back as a snapshot kept them"), NULL,
    STORE (wrappy_rollback_options), STORE (wrappy_builtin_rollback), WRAPPY_OPERAND_APP },
  { "ps", NULL, N_ ("List the running apps"), NULL, NULL, STORE (wrappy_builtin_ps),
    WRAPPY_OPERAND_NONE },
  { "kill", N_ ("ID|INSTANCE"), N_ ("Stop a running app (every instance of an ID)"), NULL, NULL,
    STORE (wrappy_builtin_kill), WRAPPY_OPERAND_APP },
  { "override", N_ ("[--show|--reset] [ID]"),
    N_ ("Change an app's permissions (or every app's, without an ID)"),
    N_ ("Flatpak's override options and file format; stored in $XDG_CONFIG_HOME/wrappy/overrides. "
        "An override never lifts an isolation level's limits."),
    STORE (wrappy_override_options), STORE (wrappy_builtin_override), WRAPPY_OPERAND_APP },
  { "doctor", NULL, N_ ("Check what this host supports and what each isolation level can apply"),
    N_ ("It also checks the store; --fix repairs what it finds."), STORE (wrappy_doctor_options),
    STORE (wrappy_builtin_doctor), WRAPPY_OPERAND_NONE },
  { "repair", NULL, N_ ("Repair the store (the same as 'wrappy doctor --fix')"), NULL, NULL,
    STORE (wrappy_builtin_repair), WRAPPY_OPERAND_NONE },
  { "help", N_ ("[COMMAND]"), N_ ("Show the commands, or a command's options"), NULL, NULL,
    STORE (wrappy_builtin_help), WRAPPY_OPERAND_COMMAND },
  /* Hidden: the parts of `search` that need the network, run by it as child processes;
   * what the shell completions ask at completion time; the unpacking child of install;
   * the table as JSON for the build (man page and completions). */
  { "search-refresh", "SOURCE:ORIGIN…", NULL, NULL, STORE (wrappy_search_refresh_options),
    STORE (wrappy_builtin_search_refresh) },
  { "search-live", "SOURCE -- QUERY…", NULL, NULL, NULL, STORE (wrappy_builtin_search_live) },
  { "complete", "apps|remotes", NULL, NULL, NULL, STORE (wrappy_builtin_complete) },
  /* Unpacks an untrusted image as wrappy_unpack's confined child (wrappy-unpack.h). */
  { "unpack-image", "squashfs|iso IMAGE OFFSET DEST", NULL, NULL, NULL,
    STORE (wrappy_builtin_unpack_image) },
  { "dump-commands", NULL, NULL, NULL, NULL, STORE (wrappy_builtin_dump_commands) },
  { NULL },
};

static void
usage (FILE *out)
{
  g_autofree char *text = wrappy_commands_usage ();
  fputs (text, out);
}

#ifdef WRAPPY_FRONTEND
static int
exec_backend (char **argv)
{
  g_autofree char *path = wrappy_backend_path ();

  execv (path, argv);
  fprintf (stderr, _ ("error: cannot run %s: %s; reinstall wrappy\n"), path, g_strerror (errno));
  return 1;
}
#endif

#ifdef WRAPPY_FRONTEND
/* `run --file-forwarding` with files may call the document portal, which takes GIO:
 * wrappy-backend runs it. The option counts only before the ID (after it, it is the
 * app's); a launcher started without files ("@@ @@") stays here. */
static gboolean
needs_backend (const WrappyCommand *cmd, int argc, char **argv)
{
  gboolean forwarding = FALSE;
  int i;

  if (strcmp (cmd->name, "run") != 0)
    return FALSE;
  for (i = 1; i < argc && argv[i][0] == '-' && strcmp (argv[i], "--") != 0; i++)
    forwarding |= strcmp (argv[i], "--file-forwarding") == 0;
  for (; forwarding && i + 1 < argc; i++)
    if ((strcmp (argv[i], "@@") == 0 || strcmp (argv[i], "@@u") == 0)
        && strcmp (argv[i + 1], "@@") != 0 && strcmp (argv[i + 1], "@@u") != 0)
      return TRUE;
  return FALSE;
}
#endif

static int
report (GError *error)
{
  g_autofree char *msg = NULL;
  char *nl;

  /* One line on stderr, whatever the layers below said. */
  msg = g_strdup (error->message);
  while ((nl = strchr (msg, '\n')) != NULL)
    *nl = ' ';
  fprintf (stderr, "%s %s\n", _ ("error:"), msg);
  if (g_error_matches (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE)
      || g_error_matches (error, G_OPTION_ERROR, G_OPTION_ERROR_UNKNOWN_OPTION)
      || g_error_matches (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE)
      || g_error_matches (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED))
    return 2;
  return 1;
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  const WrappyCommand *cmd = NULL;
  int i, exit_code = 0;

#ifdef WRAPPY_FRONTEND
  /* `run` prints only messages: the character set and the translations are all it needs
   * of the locale. Every category is a file to load where the locale is not in the
   * locale archive (C.UTF-8 on Debian: about a dozen opens); wrappy-backend takes all. */
  setlocale (LC_CTYPE, "");
  setlocale (LC_MESSAGES, "");
#else
  setlocale (LC_ALL, "");
#endif
  bindtextdomain (GETTEXT_PACKAGE,
                  g_getenv ("WRAPPY_LOCALEDIR") ? g_getenv ("WRAPPY_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("wrappy");

  /* Global options come before the command; the command's own come after it. */
  for (i = 1; i < argc && argv[i][0] == '-'; i++)
    {
      if (strcmp (argv[i], "--verbose") == 0 || strcmp (argv[i], "-v") == 0)
        wrappy_output_set_verbose (TRUE);
      else if (strcmp (argv[i], "--json") == 0)
        wrappy_output_set_json (TRUE);
      else if (strcmp (argv[i], "--help") == 0 || strcmp (argv[i], "-h") == 0)
        {
          usage (stdout);
          return 0;
        }
      else if (strcmp (argv[i], "--version") == 0)
        {
          printf ("wrappy %s\n", PACKAGE_VERSION);
          return 0;
        }
      else
        {
          fprintf (stderr, _ ("error: unknown option %s\n"), argv[i]);
          usage (stderr);
          return 2;
        }
    }
  if (i >= argc)
    {
      usage (stderr);
      return 2;
    }

  cmd = wrappy_command_find (wrappy_commands, argv[i]);
  if (cmd == NULL)
    {
      wrappy_command_unknown (NULL, argv[i], &error);
      return report (error);
    }

#ifdef WRAPPY_FRONTEND
  if (cmd->fn == NULL || needs_backend (cmd, argc - i, argv + i))
    return exec_backend (argv);
#else
  /* File forwarding talks to the document portal over D-Bus (GIO). */
  wrappy_documents_add = wrappy_documents_add_dbus;
#endif

  /* Commands after the first also accept --json/--verbose (e.g. `wrappy list --json`). */
  if (!cmd->fn (cmd, argc - i, argv + i, &exit_code, &error))
    return report (error);
  return exit_code;
}
