#include "config.h"

#include <stdio.h>
#include <string.h>

#include "wrappy-builtins.h"
#include "wrappy-error.h"
#include "wrappy-http.h"
#include "wrappy-i18n.h"
#include "wrappy-output.h"
#include "wrappy-remote.h"

static gboolean opt_no_gpg_verify, opt_replace;
static char *opt_gpg_import, *opt_title;

const GOptionEntry wrappy_remote_add_options[] = {
  { "no-gpg-verify", 0, 0, G_OPTION_ARG_NONE, &opt_no_gpg_verify,
    N_ ("Do not verify signatures (only for repos you control)"), NULL },
  { "replace", 0, 0, G_OPTION_ARG_NONE, &opt_replace, N_ ("Replace a remote of the same name"),
    NULL },
  { "gpg-import", 0, 0, G_OPTION_ARG_FILENAME, &opt_gpg_import,
    N_ ("Trust the GPG key(s) in FILE for this remote"), N_ ("FILE") },
  { "title", 0, 0, G_OPTION_ARG_STRING, &opt_title, N_ ("A title for the remote"), N_ ("TITLE") },
  { NULL },
};

static WrappyRemote *
remote_from_source (const char *name, const char *source, GError **error)
{
  g_autoptr (GBytes) bytes = NULL;
  const char *data;
  gsize len;

  if (g_str_has_suffix (source, ".flatpakrepo") || g_file_test (source, G_FILE_TEST_IS_REGULAR))
    {
      if (g_file_test (source, G_FILE_TEST_IS_REGULAR))
        {
          g_autofree char *contents = NULL;
          if (!g_file_get_contents (source, &contents, &len, error))
            return NULL;
          bytes = g_bytes_new_take (g_steal_pointer (&contents), len);
        }
      else if ((bytes = wrappy_http_get (source, 1024 * 1024, error)) == NULL)
        return NULL;
      data = g_bytes_get_data (bytes, &len);
      return wrappy_remote_from_keyfile_data (name, data, len, FALSE, error);
    }
  if (!g_str_has_prefix (source, "http://") && !g_str_has_prefix (source, "https://")
      && !g_str_has_prefix (source, "file:///"))
    {
      g_set_error (
          error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE,
          _ ("'%s' is neither a URL (http://, https://, file:///) nor a .flatpakrepo file"),
          source);
      return NULL;
    }
  return wrappy_remote_new (name, source);
}

/* Whether the remote answers as a Flatpak (OSTree) repository: its small `config` file
 * ([core] mode=archive-z2), which every repository has. Said in one line when it does
 * not; the remote stays added (offline now, it may answer later). */
static void
check_answers (const WrappyRemote *r)
{
  g_autofree char *url
      = g_strconcat (r->url, g_str_has_suffix (r->url, "/") ? "" : "/", "config", NULL);
  WrappyHttpOptions opts = { 0 };
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GBytes) body = NULL;
  long status = 0;
  gsize len = 0;
  const char *data;

  opts.connect_timeout_ms = 5000;
  opts.timeout_ms = 10000;
  opts.max_bytes = 64 * 1024;
  body = wrappy_http_fetch (url, &opts, &status, &local_error);
  if (body == NULL && g_error_matches (local_error, WRAPPY_ERROR, WRAPPY_ERROR_NETWORK)
      && !g_str_has_prefix (r->url, "file:"))
    {
      g_printerr (_ ("warning: remote '%s' does not answer at %s (%s); it is added, and installs "
                     "and searches from it will work once it answers\n"),
                  r->name, r->url, local_error->message);
      return;
    }
  data = body ? g_bytes_get_data (body, &len) : NULL;
  /* A file:// URL has no HTTP status. */
  if (body == NULL || (status != 200 && status != 0) || data == NULL
      || g_strstr_len (data, len, "[core]") == NULL)
    {
      g_autofree char *why
          = status > 0 ? g_strdup_printf ("HTTP %ld", status)
                       : g_strdup (local_error ? local_error->message : _ ("no [core] group"));
      g_printerr (_ ("warning: remote '%s' answers, but %s is no Flatpak repository (%s); check "
                     "the URL\n"),
                  r->name, r->url, why);
      return;
    }
  wrappy_debug ("remote '%s' answers at %s", r->name, url);
}

WRAPPY_BUILTIN (remote_add)
{
  g_autoptr (WrappyRemote) r = NULL;

  if (!wrappy_parse_options (cmd, &argc, &argv, error))
    return FALSE;
  if (argc != 3)
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE,
                   _ ("usage: wrappy remote add NAME URL|FILE.flatpakrepo"));
      return FALSE;
    }
  if (!wrappy_remote_validate_name (argv[1], error))
    return FALSE;
  r = remote_from_source (argv[1], argv[2], error);
  if (r == NULL)
    return FALSE;
  if (opt_title)
    {
      g_free (r->title);
      r->title = g_strdup (opt_title);
    }
  if (opt_gpg_import)
    {
      g_autofree char *key = NULL;
      gsize len;
      if (!g_file_get_contents (opt_gpg_import, &key, &len, error))
        return FALSE;
      g_clear_pointer (&r->gpg_key, g_bytes_unref);
      r->gpg_key = g_bytes_new_take (g_steal_pointer (&key), len);
      r->gpg_verify = TRUE;
    }
  else if (r->gpg_key == NULL && !opt_no_gpg_verify)
    r->gpg_verify = TRUE;
  if (opt_no_gpg_verify)
    r->gpg_verify = FALSE;
  if (!wrappy_remote_save (r, opt_replace, error))
    return FALSE;
  if (r->gpg_verify && r->gpg_key == NULL)
    g_printerr (_ ("warning: remote '%s' has signature checks on but no key; installs from it "
                   "will fail until you add one with --replace --gpg-import=FILE\n"),
                r->name);
  wrappy_info (_ ("Added remote '%s' (%s)"), r->name, r->url);
  check_answers (r);
  return TRUE;
}

WRAPPY_BUILTIN (remote_list)
{
  g_autoptr (GPtrArray) remotes = NULL;

  if (!wrappy_parse_options (cmd, &argc, &argv, error))
    return FALSE;
  remotes = wrappy_remote_list (error);
  if (remotes == NULL)
    return FALSE;
  if (wrappy_output_json ())
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      json_builder_begin_array (b);
      for (guint i = 0; i < remotes->len; i++)
        {
          WrappyRemote *r = remotes->pdata[i];
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "name");
          json_builder_add_string_value (b, r->name);
          json_builder_set_member_name (b, "url");
          json_builder_add_string_value (b, r->url);
          json_builder_set_member_name (b, "title");
          json_builder_add_string_value (b, r->title);
          json_builder_set_member_name (b, "gpg_verify");
          json_builder_add_boolean_value (b, r->gpg_verify);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      wrappy_print_json (b);
      return TRUE;
    }
  for (guint i = 0; i < remotes->len; i++)
    {
      WrappyRemote *r = remotes->pdata[i];
      printf ("%-16s %s%s\n", r->name, r->url, r->gpg_verify ? "" : _ ("  (no GPG verification)"));
    }
  return TRUE;
}

WRAPPY_BUILTIN (remote_remove)
{

  if (!wrappy_parse_options (cmd, &argc, &argv, error))
    return FALSE;
  if (argc != 2)
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE, _ ("usage: wrappy remote remove NAME"));
      return FALSE;
    }
  if (!wrappy_remote_delete (argv[1], error))
    return FALSE;
  wrappy_info (_ ("Removed remote '%s'"), argv[1]);
  return TRUE;
}

WRAPPY_BUILTIN (remote)
{
  const WrappyCommand *sub;

  if (argc >= 2 && (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0))
    {
      g_autofree char *help = wrappy_command_help (cmd);
      fputs (help, stdout);
      return TRUE;
    }
  if (argc < 2 || argv[1][0] == '-')
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE,
                   _ ("usage: wrappy remote add|list|remove …"));
      return FALSE;
    }
  /* flatpak calls it remote-delete. */
  sub = wrappy_command_find (cmd->subcommands,
                             strcmp (argv[1], "delete") == 0 ? "remove" : argv[1]);
  if (sub == NULL)
    {
      wrappy_command_unknown (cmd, argv[1], error);
      return FALSE;
    }
  return sub->fn (sub, argc - 1, argv + 1, exit_code, error);
}
