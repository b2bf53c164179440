#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "wrappy-dirs.h"
#include "wrappy-error.h"
#include "wrappy-export.h"
#include "wrappy-fs.h"
#include "wrappy-i18n.h"
#include "wrappy-id.h"
#include "wrappy-manifest.h"
#include "wrappy-output.h"

#define DESKTOP_GROUP       "Desktop Entry"
#define ACTION_GROUP_PREFIX "Desktop Action "

static const char *const icon_exts[] = { ".png", ".svg", ".svgz" };

/* The Desktop Entry Specification's keys a launcher needs; every other key goes (issue
 * 16, item 8: X-KDE-SubstituteUID=true with X-KDE-Username=root made KDE ask for root's
 * password and run the Exec as root; TryExec, DBusActivatable and the like run something
 * outside `wrappy run` or promise what wrappy does not provide). Localized variants
 * ("Name[de]") of these are kept. */
static const char *const kept_keys[] = {
  "Type",
  "Version",
  "Name",
  "GenericName",
  "NoDisplay",
  "Comment",
  "Icon",
  "Hidden",
  "OnlyShowIn",
  "NotShowIn",
  "Exec",
  "Terminal",
  "Actions",
  "MimeType",
  "Categories",
  "Keywords",
  "StartupNotify",
  "StartupWMClass",
  "PrefersNonDefaultGPU",
  "SingleMainWindow",
};
static const char *const kept_action_keys[] = { "Name", "Icon", "Exec" };

static void
warn_skip (const char *what, const char *reason)
{
  g_printerr (_ ("warning: not exporting %s: %s\n"), what, reason);
}

/* A name from an untrusted directory that may become a path component of ours. */
static gboolean
is_plain_name (const char *name)
{
  if (name[0] == '\0' || name[0] == '.' || strlen (name) > 255)
    return FALSE;
  if (!g_utf8_validate (name, -1, NULL))
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if ((guchar)*p < 0x20 || *p == 0x7f || *p == '/' || *p == '\\')
      return FALSE;
  return TRUE;
}

gboolean
wrappy_export_name_matches (const char *app_id, const char *name, const char *ext)
{
  gsize id_len = strlen (app_id), name_len = strlen (name), ext_len = strlen (ext);
  gsize stem_len;

  if (!is_plain_name (name) || name_len <= ext_len || !g_str_has_suffix (name, ext))
    return FALSE;
  stem_len = name_len - ext_len;
  if (stem_len < id_len || strncmp (name, app_id, id_len) != 0)
    return FALSE;
  if (stem_len == id_len)
    return TRUE;
  return stem_len > id_len + 1 && (name[id_len] == '.' || name[id_len] == '-');
}

static const char *
icon_ext_of (const char *app_id, const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (icon_exts); i++)
    if (wrappy_export_name_matches (app_id, name, icon_exts[i]))
      return icon_exts[i];
  return NULL;
}

/* ---- Exec rewriting ------------------------------------------------------------------ */

static gboolean
is_field_code (const char *arg)
{
  return arg[0] == '%' && arg[1] != '\0' && arg[2] == '\0' && strchr ("fFuUick", arg[1]);
}

/* %d %D %n %N %v %m: deprecated by the Desktop Entry spec, to be removed. */
static gboolean
is_deprecated_field_code (const char *arg)
{
  return arg[0] == '%' && arg[1] != '\0' && arg[2] == '\0' && strchr ("dDnNvm", arg[1]);
}

/* Appends one argument quoted the Desktop Entry spec's way ("The Exec key"): in double
 * quotes when it holds a reserved character, with " ` $ \ escaped by a backslash.
 * literal: arg is ours, not the app's, so a % in it is a percent sign, not a field code. */
static void
append_exec_arg (GString *exec, const char *arg, gboolean literal)
{
  g_autoptr (GString) value = g_string_new (arg);

  if (literal)
    g_string_replace (value, "%", "%%", 0);
  if (exec->len > 0)
    g_string_append_c (exec, ' ');
  if (value->len > 0 && strpbrk (value->str, " \t\n\"'\\><~|&;$*?#()`") == NULL)
    {
      g_string_append (exec, value->str);
      return;
    }
  g_string_append_c (exec, '"');
  for (const char *p = value->str; *p != '\0'; p++)
    {
      if (strchr ("\"`$\\", *p))
        g_string_append_c (exec, '\\');
      g_string_append_c (exec, *p);
    }
  g_string_append_c (exec, '"');
}

/* orig == NULL: the app gave no Exec (it relied on D-Bus activation); run its default
 * command. */
static char *
rewrite_exec (const char *app_id, const char *wrappy_path, const char *orig, GError **error)
{
  g_autoptr (GString) exec = g_string_new (NULL);
  g_auto (GStrv) argv = NULL;
  g_autofree char *command = NULL;
  GError *local_error = NULL;
  int argc = 0;

  if (orig != NULL && !g_shell_parse_argv (orig, &argc, &argv, &local_error))
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA, _ ("Invalid Exec line: %s"),
                   local_error->message);
      g_error_free (local_error);
      return NULL;
    }
  if (argc > 0 && (is_field_code (argv[0]) || argv[0][0] == '\0'))
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
                   _ ("Invalid Exec line: no program"));
      return NULL;
    }

  append_exec_arg (exec, wrappy_path, TRUE);
  append_exec_arg (exec, "run", TRUE);
  if (argc > 0)
    {
      /* The program as the app wrote it, a % escape and all: unquote %% ourselves. */
      g_autoptr (GString) prog = g_string_new (argv[0]);
      g_string_replace (prog, "%%", "%", 0);
      command = g_strconcat ("--command=", prog->str, NULL);
      append_exec_arg (exec, command, TRUE);
    }
  /* Files and URIs between flatpak's markers: wrappy run forwards those the sandbox
   * cannot see through the document portal (wrappy-documents.h). */
  for (int i = 1; i < argc; i++)
    if (is_field_code (argv[i]) && strchr ("fFuU", argv[i][1]) != NULL)
      {
        append_exec_arg (exec, "--file-forwarding", TRUE);
        break;
      }
  append_exec_arg (exec, app_id, TRUE);
  if (argc > 1)
    append_exec_arg (exec, "--", TRUE);
  for (int i = 1; i < argc; i++)
    {
      if (is_deprecated_field_code (argv[i]))
        continue;
      if (is_field_code (argv[i]) && strchr ("fF", argv[i][1]) != NULL)
        g_string_append_printf (exec, " @@ %s @@", argv[i]);
      else if (is_field_code (argv[i]) && strchr ("uU", argv[i][1]) != NULL)
        g_string_append_printf (exec, " @@u %s @@", argv[i]);
      else if (is_field_code (argv[i]))
        g_string_append_printf (exec, " %s", argv[i]);
      else
        append_exec_arg (exec, argv[i], FALSE);
    }
  return g_string_free (g_steal_pointer (&exec), FALSE);
}

/* ---- Desktop file rewriting ---------------------------------------------------------- */

static gboolean
key_is (const char *key, const char *name)
{
  gsize n = strlen (name);
  /* The key itself or one of its localized variants, "Name[de]". */
  return strncmp (key, name, n) == 0 && (key[n] == '\0' || key[n] == '[');
}

static gboolean
key_is_kept (const char *key, gboolean main_group)
{
  const char *const *table = main_group ? kept_keys : kept_action_keys;
  gsize n = main_group ? G_N_ELEMENTS (kept_keys) : G_N_ELEMENTS (kept_action_keys);

  for (gsize i = 0; i < n; i++)
    if (key_is (key, table[i]))
      return TRUE;
  return FALSE;
}

/* Control characters (C0, DEL, C1) out of a value: a Name with escape sequences would
 * reach the terminal or the menu as they are (issue 16, item 8). */
static void
strip_controls (GKeyFile *kf, const char *group, const char *key)
{
  g_autofree char *value = g_key_file_get_string (kf, group, key, NULL);
  g_autoptr (GString) clean = NULL;

  if (value == NULL)
    return;
  clean = g_string_sized_new (strlen (value));
  for (const char *p = value; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (!g_unichar_iscntrl (c))
        g_string_append_unichar (clean, c);
    }
  if (strcmp (clean->str, value) != 0)
    g_key_file_set_string (kf, group, key, clean->str);
}

static gboolean
rewrite_group (GKeyFile *kf, const char *group, const char *app_id, const char *wrappy_path,
               GError **error)
{
  g_auto (GStrv) keys = g_key_file_get_keys (kf, group, NULL, NULL);

  for (gsize i = 0; keys != NULL && keys[i] != NULL; i++)
    {
      const char *key = keys[i];
      g_autofree char *value = NULL;

      if (!key_is_kept (key, strcmp (group, DESKTOP_GROUP) == 0))
        {
          g_key_file_remove_key (kf, group, key, NULL);
          continue;
        }
      strip_controls (kf, group, key);

      /* Only the unlocalized Exec counts; a translated one would escape the rewrite. */
      if (key_is (key, "Exec") && strcmp (key, "Exec") != 0)
        g_key_file_remove_key (kf, group, key, NULL);

      /* An icon given as a path names a file in the app's /app, which is not the host's. */
      if (key_is (key, "Icon"))
        {
          value = g_key_file_get_value (kf, group, key, NULL);
          if (value != NULL && strchr (value, '/') != NULL)
            g_key_file_set_string (kf, group, key, app_id);
        }
    }

  if (g_key_file_has_key (kf, group, "Exec", NULL))
    {
      g_autoptr (GError) local_error = NULL;
      g_autofree char *orig = g_key_file_get_string (kf, group, "Exec", &local_error);
      g_autofree char *exec = NULL;
      /* For a bad escape ("\\_") GLib returns the value and sets the error too: the
       * error decides (checking the value alone leaked the error: fuzz-desktop-file). */
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      exec = rewrite_exec (app_id, wrappy_path, orig, error);
      if (exec == NULL)
        return FALSE;
      g_key_file_set_string (kf, group, "Exec", exec);
    }
  return TRUE;
}

/* Without D-Bus activation, an action with no Exec cannot run: drop it and its entry in
 * Actions=. */
static void
drop_action (GKeyFile *kf, const char *group)
{
  const char *action = group + strlen (ACTION_GROUP_PREFIX);
  g_auto (GStrv) actions = g_key_file_get_string_list (kf, DESKTOP_GROUP, "Actions", NULL, NULL);
  g_autoptr (GPtrArray) kept = g_ptr_array_new ();

  g_key_file_remove_group (kf, group, NULL);
  if (actions == NULL)
    return;
  for (gsize i = 0; actions[i] != NULL; i++)
    if (strcmp (actions[i], action) != 0)
      g_ptr_array_add (kept, actions[i]);
  if (kept->len == 0)
    g_key_file_remove_key (kf, DESKTOP_GROUP, "Actions", NULL);
  else
    g_key_file_set_string_list (kf, DESKTOP_GROUP, "Actions", (const char *const *)kept->pdata,
                                kept->len);
}

static gboolean
rewrite_keyfile (GKeyFile *kf, const char *app_id, const char *wrappy_path, GError **error)
{
  g_auto (GStrv) groups = g_key_file_get_groups (kf, NULL);
  g_autofree char *type = NULL;

  for (gsize i = 0; groups[i] != NULL; i++)
    {
      /* Only the entry and its actions: a launcher needs no other group. */
      if (strcmp (groups[i], DESKTOP_GROUP) != 0
          && !g_str_has_prefix (groups[i], ACTION_GROUP_PREFIX))
        {
          g_key_file_remove_group (kf, groups[i], NULL);
          continue;
        }
      if (g_str_has_prefix (groups[i], ACTION_GROUP_PREFIX)
          && !g_key_file_has_key (kf, groups[i], "Exec", NULL))
        {
          drop_action (kf, groups[i]);
          continue;
        }
      if (!rewrite_group (kf, groups[i], app_id, wrappy_path, error))
        {
          wrappy_prefix_error (error, "[%s]", groups[i]);
          return FALSE;
        }
    }

  type = g_key_file_get_string (kf, DESKTOP_GROUP, "Type", NULL);
  if (g_strcmp0 (type, "Application") == 0 && !g_key_file_has_key (kf, DESKTOP_GROUP, "Exec", NULL))
    {
      g_autofree char *exec = rewrite_exec (app_id, wrappy_path, NULL, error);
      if (exec == NULL)
        return FALSE;
      g_key_file_set_string (kf, DESKTOP_GROUP, "Exec", exec);
    }
  g_key_file_set_string (kf, DESKTOP_GROUP, WRAPPY_EXPORT_MARKER_KEY, app_id);
  return TRUE;
}

char *
wrappy_export_rewrite_desktop (const char *app_id, const char *data, gsize len,
                               const char *wrappy_path, GError **error)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autofree char *start = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (app_id != NULL && data != NULL && wrappy_path != NULL, NULL);

  if (memchr (data, '\0', len) != NULL || !g_utf8_validate_len (data, len, NULL))
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
                   _ ("Desktop file is not valid UTF-8 text"));
      return NULL;
    }
  if (!g_key_file_load_from_data (
          kf, data, len, G_KEY_FILE_KEEP_COMMENTS | G_KEY_FILE_KEEP_TRANSLATIONS, &local_error))
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA, _ ("Invalid desktop file: %s"),
                   local_error->message);
      g_error_free (local_error);
      return NULL;
    }
  start = g_key_file_get_start_group (kf);
  if (g_strcmp0 (start, DESKTOP_GROUP) != 0)
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
                   _ ("Invalid desktop file: it does not start with [%s]"), DESKTOP_GROUP);
      return NULL;
    }
  if (!rewrite_keyfile (kf, app_id, wrappy_path, &local_error))
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA, _ ("Invalid desktop file: %s"),
                   local_error->message);
      g_error_free (local_error);
      return NULL;
    }
  return g_key_file_to_data (kf, NULL, NULL);
}

/* ---- Reading the untrusted tree ------------------------------------------------------ */

/* A directory entry of dfd, never through a symlink. -1 with errno set on failure. */
static int
open_dir_at (int dfd, const char *name)
{
  return openat (dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

static int
compare_strings (const void *a, const void *b)
{
  return strcmp (*(char *const *)a, *(char *const *)b);
}

/* The entries of the directory dfd, sorted, without . and .. */
static GPtrArray *
list_dir (int dfd)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  int fd = fcntl (dfd, F_DUPFD_CLOEXEC, 3);
  struct dirent *de;
  DIR *d;

  if (fd < 0)
    return names;
  d = fdopendir (fd);
  if (d == NULL)
    {
      close (fd);
      return names;
    }
  rewinddir (d);
  while ((de = readdir (d)) != NULL)
    if (strcmp (de->d_name, ".") != 0 && strcmp (de->d_name, "..") != 0)
      g_ptr_array_add (names, g_strdup (de->d_name));
  closedir (d);
  g_ptr_array_sort (names, compare_strings);
  return names;
}

/* The contents of a regular file name in dfd, at most max bytes, NUL-terminated. A
 * symlink, a FIFO or a device is refused without blocking on it. */
static char *
read_regular_at (int dfd, const char *name, gsize max, gsize *len_out, GError **error)
{
  g_autofree char *buf = NULL;
  struct stat st;
  gsize len = 0;
  int fd;

  fd = openat (dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0)
    {
      if (errno == ELOOP)
        g_set_error_literal (error, WRAPPY_ERROR, WRAPPY_ERROR_UNTRUSTED,
                             _ ("it is a symbolic link"));
      else
        wrappy_throw_errno (error, "openat", name);
      return NULL;
    }
  if (fstat (fd, &st) != 0)
    {
      wrappy_throw_errno (error, "fstat", name);
      close (fd);
      return NULL;
    }
  if (!S_ISREG (st.st_mode) || st.st_size < 0 || (guint64)st.st_size > max)
    {
      if (S_ISREG (st.st_mode))
        g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_UNTRUSTED, _ ("it is larger than %lu bytes"),
                     (unsigned long)max);
      else
        g_set_error_literal (error, WRAPPY_ERROR, WRAPPY_ERROR_UNTRUSTED,
                             _ ("it is not a regular file"));
      close (fd);
      return NULL;
    }
  /* The size can change under us: read at most max + 1 to notice. */
  buf = g_malloc ((gsize)st.st_size + 1);
  while (len < (gsize)st.st_size + 1)
    {
      ssize_t n = TEMP_FAILURE_RETRY (read (fd, buf + len, (gsize)st.st_size + 1 - len));
      if (n < 0)
        {
          wrappy_throw_errno (error, "read", name);
          close (fd);
          return NULL;
        }
      if (n == 0)
        break;
      len += (gsize)n;
    }
  close (fd);
  if (len > (gsize)st.st_size)
    {
      g_set_error_literal (error, WRAPPY_ERROR, WRAPPY_ERROR_UNTRUSTED,
                           _ ("it changed while being read"));
      return NULL;
    }
  buf[len] = '\0';
  *len_out = len;
  return g_steal_pointer (&buf);
}

/* A cheap sniff that an icon is what its name says, so that a launcher never points at
 * arbitrary data. */
static gboolean
icon_data_ok (const char *ext, const char *data, gsize len)
{
  if (strcmp (ext, ".png") == 0)
    return len >= 8 && memcmp (data, "\x89PNG\r\n\x1a\n", 8) == 0;
  if (strcmp (ext, ".svgz") == 0)
    return len >= 2 && (guchar)data[0] == 0x1f && (guchar)data[1] == 0x8b;
  return memchr (data, '\0', len) == NULL && g_strstr_len (data, len, "<svg") != NULL;
}

/* ---- Writing ------------------------------------------------------------------------- */

static gboolean
write_export (const char *path, const char *data, gsize len, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);

  if (g_mkdir_with_parents (dir, 0755) != 0)
    return wrappy_throw_errno (error, "mkdir", dir);
  if (!g_file_set_contents_full (path, data, len, G_FILE_SET_CONTENTS_CONSISTENT, 0644, error))
    return FALSE;
  /* Menus run as the user, but a umask must not make launchers unreadable. */
  if (g_chmod (path, 0644) != 0)
    return wrappy_throw_errno (error, "chmod", path);
  return TRUE;
}

/* The app a desktop file was exported for (its X-Wrappy-App), or NULL. */
static char *
desktop_owner (int dfd, const char *name)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autofree char *data = NULL;
  gsize len = 0;

  data = read_regular_at (dfd, name, WRAPPY_EXPORT_MAX_DESKTOP_SIZE, &len, NULL);
  if (data == NULL || !g_key_file_load_from_data (kf, data, len, G_KEY_FILE_NONE, NULL))
    return NULL;
  return g_key_file_get_string (kf, DESKTOP_GROUP, WRAPPY_EXPORT_MARKER_KEY, NULL);
}

/* Whether the desktop file at path is one wrappy exported for app_id. */
static gboolean
desktop_is_ours (int dfd, const char *name, const char *app_id)
{
  g_autofree char *owner = desktop_owner (dfd, name);
  return g_strcmp0 (owner, app_id) == 0;
}

/* desktop-file-validate on the would-be export, when the tool is installed: SPEC.md
 * promises that every exported launcher passes it. */
static gboolean
validate_desktop (const char *name, const char *data, gsize len, GError **error)
{
  g_autofree char *tool = g_find_program_in_path ("desktop-file-validate");
  g_autofree char *tmpdir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *output = NULL;
  const char *argv[] = { NULL, "--no-hints", NULL, NULL };
  int status = 0;
  gboolean ok;

  if (tool == NULL)
    return TRUE;
  tmpdir = g_dir_make_tmp ("wrappy-export-XXXXXX", error);
  if (tmpdir == NULL)
    return FALSE;
  path = g_build_filename (tmpdir, name, NULL);
  argv[0] = tool;
  argv[2] = path;
  ok = g_file_set_contents (path, data, len, error)
       && g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &output,
                        NULL, &status, error);
  (void)unlink (path);
  (void)rmdir (tmpdir);
  if (ok && !g_spawn_check_wait_status (status, NULL))
    {
      g_autoptr (GString) msg = g_string_new (output);
      g_string_replace (msg, path, name, 0);
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA,
                   _ ("desktop-file-validate rejects it: %s"), g_strstrip (msg->str));
      ok = FALSE;
    }
  return ok;
}

/* ---- Export -------------------------------------------------------------------------- */

static gboolean
export_one_desktop (int src_dfd, const char *name, const char *app_id, const char *wrappy_path,
                    GHashTable *exported, GError **error)
{
  const char *apps_dir = wrappy_dirs_applications ();
  g_autofree char *dest = g_build_filename (apps_dir, name, NULL);
  g_autofree char *data = NULL;
  g_autofree char *rewritten = NULL;
  g_autoptr (GError) local_error = NULL;
  int apps_fd;
  gboolean foreign = FALSE;
  gsize len = 0;

  data = read_regular_at (src_dfd, name, WRAPPY_EXPORT_MAX_DESKTOP_SIZE, &len, &local_error);
  if (data != NULL)
    rewritten = wrappy_export_rewrite_desktop (app_id, data, len, wrappy_path, &local_error);
  if (rewritten != NULL && !validate_desktop (name, rewritten, strlen (rewritten), &local_error))
    g_clear_pointer (&rewritten, g_free);
  if (rewritten == NULL)
    {
      g_autofree char *rel = g_build_filename ("share", "applications", name, NULL);
      warn_skip (rel, local_error->message);
      return TRUE;
    }

  /* Never replace a launcher the user (or another program) put there. */
  apps_fd = open (apps_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (apps_fd >= 0)
    {
      foreign = faccessat (apps_fd, name, F_OK, AT_SYMLINK_NOFOLLOW) == 0
                && !desktop_is_ours (apps_fd, name, app_id);
      close (apps_fd);
    }
  if (foreign)
    {
      warn_skip (name, _ ("a launcher of that name that wrappy did not write is in the way"));
      return TRUE;
    }

  if (!write_export (dest, rewritten, strlen (rewritten), error))
    return FALSE;
  g_hash_table_add (exported, g_build_filename ("applications", name, NULL));
  return TRUE;
}

/* Opens share/SUB under the app's files without following any symlink on the way.
 * A missing directory is just nothing to export. */
static int
open_share_dir (int files_fd, const char *sub)
{
  g_autofree char *rel = g_build_filename ("share", sub, NULL);
  g_autoptr (GError) local_error = NULL;
  int fd;

  fd = wrappy_openat_beneath (files_fd, rel, O_RDONLY | O_DIRECTORY, 0, TRUE, &local_error);
  if (fd < 0 && !g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    warn_skip (rel, local_error->message);
  return fd;
}

static gboolean
export_desktop_files (int files_fd, const char *app_id, const char *wrappy_path,
                      GHashTable *exported, GError **error)
{
  g_autoptr (GPtrArray) names = NULL;
  int dfd = open_share_dir (files_fd, "applications");
  gboolean ok = TRUE;

  if (dfd < 0)
    return TRUE;
  names = list_dir (dfd);
  for (guint i = 0; ok && i < names->len; i++)
    if (wrappy_export_name_matches (app_id, names->pdata[i], ".desktop"))
      ok = export_one_desktop (dfd, names->pdata[i], app_id, wrappy_path, exported, error);
  close (dfd);
  return ok;
}

static gboolean
export_icon_dir (int dfd, const char *size, const char *category, const char *app_id,
                 GHashTable *exported, GError **error)
{
  g_autoptr (GPtrArray) names = list_dir (dfd);

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = names->pdata[i];
      const char *ext = icon_ext_of (app_id, name);
      g_autofree char *rel = NULL;
      g_autofree char *data = NULL;
      g_autofree char *dest = NULL;
      g_autoptr (GError) local_error = NULL;
      gsize len = 0;

      if (ext == NULL)
        continue;
      rel = g_build_filename ("icons", "hicolor", size, category, name, NULL);
      data = read_regular_at (dfd, name, WRAPPY_EXPORT_MAX_ICON_SIZE, &len, &local_error);
      if (data == NULL)
        {
          warn_skip (rel, local_error->message);
          continue;
        }
      if (!icon_data_ok (ext, data, len))
        {
          warn_skip (rel, _ ("the file is not the image its name says"));
          continue;
        }
      dest = g_build_filename (wrappy_dirs_icons (), size, category, name, NULL);
      if (!write_export (dest, data, len, error))
        return FALSE;
      g_hash_table_add (exported, g_steal_pointer (&rel));
    }
  return TRUE;
}

/* share/icons/hicolor/SIZE/CATEGORY/NAME, and nothing from other themes. */
static gboolean
export_icons (int files_fd, const char *app_id, GHashTable *exported, GError **error)
{
  g_autoptr (GPtrArray) sizes = NULL;
  int hicolor_fd = open_share_dir (files_fd, "icons/hicolor");
  gboolean ok = TRUE;

  if (hicolor_fd < 0)
    return TRUE;
  sizes = list_dir (hicolor_fd);
  for (guint i = 0; ok && i < sizes->len; i++)
    {
      const char *size = sizes->pdata[i];
      g_autoptr (GPtrArray) categories = NULL;
      int size_fd;

      if (!is_plain_name (size) || (size_fd = open_dir_at (hicolor_fd, size)) < 0)
        continue;
      categories = list_dir (size_fd);
      for (guint j = 0; ok && j < categories->len; j++)
        {
          const char *category = categories->pdata[j];
          int cat_fd;

          if (!is_plain_name (category) || (cat_fd = open_dir_at (size_fd, category)) < 0)
            continue;
          ok = export_icon_dir (cat_fd, size, category, app_id, exported, error);
          close (cat_fd);
        }
      close (size_fd);
    }
  close (hicolor_fd);
  return ok;
}

/* ---- Removal ------------------------------------------------------------------------- */

/* Whether an icon named after app_id ("org.x.App.Plugin.png") rather belongs to another
 * installed app with a longer ID ("org.x.App.Plugin"). */
static gboolean
icon_owned_by_other_app (const char *app_id, const char *name, const char *ext)
{
  g_autofree char *stem = g_strndup (name, strlen (name) - strlen (ext));
  gsize id_len = strlen (app_id);

  for (gsize i = id_len + 1; i <= strlen (stem); i++)
    {
      g_autofree char *candidate = NULL;
      if (stem[i] != '\0' && stem[i] != '.' && stem[i] != '-')
        continue;
      candidate = g_strndup (stem, i);
      if (wrappy_validate_app_id (candidate, NULL) && wrappy_manifest_is_installed (candidate))
        return TRUE;
    }
  return FALSE;
}

static gboolean
unlink_export (int dfd, const char *name, const char *dir, GError **error)
{
  g_autofree char *path = NULL;

  if (unlinkat (dfd, name, 0) == 0 || errno == ENOENT)
    return TRUE;
  path = g_build_filename (dir, name, NULL);
  return wrappy_throw_errno (error, "unlink", path);
}

static gboolean
remove_desktop_files (const char *app_id, GHashTable *keep, GError **error)
{
  const char *apps_dir = wrappy_dirs_applications ();
  g_autoptr (GPtrArray) names = NULL;
  gboolean ok = TRUE;
  int dfd = open (apps_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (dfd < 0)
    return errno == ENOENT ? TRUE : wrappy_throw_errno (error, "open", apps_dir);
  names = list_dir (dfd);
  for (guint i = 0; ok && i < names->len; i++)
    {
      const char *name = names->pdata[i];
      g_autofree char *rel = g_build_filename ("applications", name, NULL);

      if (!wrappy_export_name_matches (app_id, name, ".desktop")
          || g_hash_table_contains (keep, rel) || !desktop_is_ours (dfd, name, app_id))
        continue;
      ok = unlink_export (dfd, name, apps_dir, error);
    }
  close (dfd);
  return ok;
}

static gboolean
remove_icons_in (int dfd, const char *dir, const char *size, const char *category,
                 const char *app_id, GHashTable *keep, GError **error)
{
  g_autoptr (GPtrArray) names = list_dir (dfd);

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = names->pdata[i];
      const char *ext = icon_ext_of (app_id, name);
      g_autofree char *rel = NULL;
      struct stat st;

      if (ext == NULL || fstatat (dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0
          || !S_ISREG (st.st_mode))
        continue;
      rel = g_build_filename ("icons", "hicolor", size, category, name, NULL);
      if (g_hash_table_contains (keep, rel) || icon_owned_by_other_app (app_id, name, ext))
        continue;
      if (!unlink_export (dfd, name, dir, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
remove_icons (const char *app_id, GHashTable *keep, GError **error)
{
  const char *icons_dir = wrappy_dirs_icons ();
  g_autoptr (GPtrArray) sizes = NULL;
  gboolean ok = TRUE;
  int hicolor_fd = open (icons_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (hicolor_fd < 0)
    return errno == ENOENT ? TRUE : wrappy_throw_errno (error, "open", icons_dir);
  sizes = list_dir (hicolor_fd);
  for (guint i = 0; ok && i < sizes->len; i++)
    {
      const char *size = sizes->pdata[i];
      g_autoptr (GPtrArray) categories = NULL;
      int size_fd = open_dir_at (hicolor_fd, size);

      if (size_fd < 0)
        continue;
      categories = list_dir (size_fd);
      for (guint j = 0; ok && j < categories->len; j++)
        {
          const char *category = categories->pdata[j];
          g_autofree char *dir = g_build_filename (icons_dir, size, category, NULL);
          int cat_fd = open_dir_at (size_fd, category);

          if (cat_fd < 0)
            continue;
          ok = remove_icons_in (cat_fd, dir, size, category, app_id, keep, error);
          close (cat_fd);
        }
      close (size_fd);
    }
  close (hicolor_fd);
  return ok;
}

/* ---- Caches -------------------------------------------------------------------------- */

static void
run_trigger (const char *program, const char *arg1, const char *arg2, const char *dir)
{
  g_autofree char *path = g_find_program_in_path (program);
  g_autoptr (GError) local_error = NULL;
  const char *argv[] = { NULL, arg1, arg2, dir, NULL };
  int status = 0;

  if (path == NULL)
    return;
  argv[0] = path;
  if (!g_spawn_sync (NULL, (char **)argv, NULL,
                     G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL,
                     NULL, &status, &local_error)
      || !g_spawn_check_wait_status (status, &local_error))
    wrappy_debug ("%s %s: %s", program, dir, local_error->message);
}

/* Best effort: menus and icon themes also notice changes without these. */
static void
update_caches (void)
{
  const char *apps_dir = wrappy_dirs_applications ();
  const char *icons_dir = wrappy_dirs_icons ();
  g_autofree char *icon_cache = g_build_filename (icons_dir, "icon-theme.cache", NULL);

  if (g_file_test (apps_dir, G_FILE_TEST_IS_DIR))
    run_trigger ("update-desktop-database", "-q", NULL, apps_dir);
  /* Only refresh a cache that exists: creating one in the user's hicolor would hide
   * icons that other programs add later without updating it. */
  if (g_file_test (icon_cache, G_FILE_TEST_EXISTS))
    run_trigger ("gtk-update-icon-cache", "-q", "-t", icons_dir);
}

/* ---- API ----------------------------------------------------------------------------- */

gboolean
wrappy_export_app (const char *app_id, const char *app_files_dir, const char *wrappy_path,
                   GPtrArray *exported_out, GError **error)
{
  g_autoptr (GHashTable) exported = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char **paths = NULL;
  gboolean ok;
  int files_fd;

  g_return_val_if_fail (app_files_dir != NULL, FALSE);
  g_return_val_if_fail (wrappy_path != NULL && g_path_is_absolute (wrappy_path), FALSE);

  if (!wrappy_validate_app_id (app_id, error))
    return FALSE;
  files_fd = open (app_files_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (files_fd < 0)
    return wrappy_throw_errno (error, "open", app_files_dir);

  ok = export_desktop_files (files_fd, app_id, wrappy_path, exported, error)
       && export_icons (files_fd, app_id, exported, error);
  close (files_fd);
  /* What an earlier version exported and this one does not goes. */
  ok = ok && remove_desktop_files (app_id, exported, error)
       && remove_icons (app_id, exported, error);
  update_caches ();
  if (!ok)
    {
      wrappy_prefix_error (error, _ ("Could not export the launchers of %s"), app_id);
      return FALSE;
    }

  if (exported_out != NULL)
    {
      guint n = 0;
      paths = (char **)g_hash_table_get_keys_as_array (exported, &n);
      qsort (paths, n, sizeof (char *), compare_strings);
      for (guint i = 0; i < n; i++)
        g_ptr_array_add (exported_out, g_strdup (paths[i]));
    }
  return TRUE;
}

gboolean
wrappy_export_remove (const char *app_id, GError **error)
{
  g_autoptr (GHashTable) keep = g_hash_table_new (g_str_hash, g_str_equal);
  gboolean ok;

  if (!wrappy_validate_app_id (app_id, error))
    return FALSE;
  ok = remove_desktop_files (app_id, keep, error) && remove_icons (app_id, keep, error);
  update_caches ();
  if (!ok)
    wrappy_prefix_error (error, _ ("Could not remove the launchers of %s"), app_id);
  return ok;
}

GPtrArray *
wrappy_export_list_owners (void)
{
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GDir) d = g_dir_open (wrappy_dirs_applications (), 0, NULL);
  GPtrArray *owners = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  int dfd;

  if (d == NULL)
    return owners;
  dfd = open (wrappy_dirs_applications (), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  while (dfd >= 0 && (name = g_dir_read_name (d)) != NULL)
    {
      char *owner;
      if (!g_str_has_suffix (name, ".desktop"))
        continue;
      owner = desktop_owner (dfd, name);
      if (owner == NULL || !g_hash_table_add (seen, owner))
        continue;
      g_ptr_array_add (owners, g_strdup (owner));
    }
  if (dfd >= 0)
    close (dfd);
  return owners;
}

char *
wrappy_export_front_path (void)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = exe ? g_path_get_dirname (exe) : NULL;
  g_autofree char *sibling = dir ? g_build_filename (dir, "wrappy", NULL) : NULL;

  if (sibling && g_file_test (sibling, G_FILE_TEST_IS_EXECUTABLE))
    return g_steal_pointer (&sibling);
  return g_build_filename (WRAPPY_BINDIR, "wrappy", NULL);
}
