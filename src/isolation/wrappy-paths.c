#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "wrappy-error.h"
#include "wrappy-i18n.h"
#include "wrappy-launch-spec.h"
#include "wrappy-paths.h"

/* Characters that make a component a regular expression. '.' alone does not: file
 * names are full of dots, and "a.txt" meaning "a?txt" would surprise. */
#define REGEX_CHARS "\\^$|()[]{}*+?"

/* A pattern matching more than this is almost surely a mistake (say, "/.*"); the rest
 * is dropped rather than make every launch slow. */
#define MAX_MATCHES 256

static const char default_text[]
    = "# wrappy path patterns: host paths that apps see at the same path in their sandbox.\n"
      "# This file applies to every app; apps/ID.paths beside it to the app ID only.\n"
      "#\n"
      "# One path a line; '#' starts a comment.\n"
      "#   ${VAR}       a variable from your environment (a line with an unset one is\n"
      "#                skipped); a leading ~/ is your home\n"
      "#   a component with one of \\ ^ $ | ( ) [ ] { } * + ? is a regular expression\n"
      "#                that must match a whole file name: wayland-[0-9]+ matches wayland-1,\n"
      "#                not wayland-1.lock; other components are literal names\n"
      "#   rw PATH      read-write; ro PATH or a bare PATH is read-only\n"
      "#   [socket=NAME], [device=NAME], [shared=NAME]: the lines below apply only to\n"
      "#                apps with that permission; [always]: to every app\n"
      "# Paths under $XDG_RUNTIME_DIR appear in the sandbox's runtime dir. The sandbox's\n"
      "# own layout (/usr, /app, /etc, /proc, /dev, ...) is never replaced, and nothing\n"
      "# here applies at --isolation=none, where the host is visible anyway.\n"
      "\n"
      "[socket=wayland]\n"
      "${XDG_RUNTIME_DIR}/wayland-[0-9]+\n"
      "\n"
      "[socket=pulseaudio]\n"
      "${XDG_RUNTIME_DIR}/pulse/native\n"
      "${XDG_RUNTIME_DIR}/pipewire-[0-9]+\n";

const char *
wrappy_paths_default_text (void)
{
  return default_text;
}

static void
component_free (WrappyPathComponent *c)
{
  g_free (c->literal);
  g_clear_pointer (&c->re, g_regex_unref);
  g_free (c);
}

static void
rule_free (WrappyPathRule *r)
{
  g_free (r->file);
  g_free (r->when_key);
  g_free (r->when_value);
  g_clear_pointer (&r->components, g_ptr_array_unref);
  g_free (r);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WrappyPathComponent, component_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WrappyPathRule, rule_free)

WrappyPaths *
wrappy_paths_new (void)
{
  WrappyPaths *paths = g_new0 (WrappyPaths, 1);

  paths->rules = g_ptr_array_new_with_free_func ((GDestroyNotify)rule_free);
  paths->notes = g_ptr_array_new_with_free_func (g_free);
  return paths;
}

void
wrappy_paths_free (WrappyPaths *paths)
{
  if (paths == NULL)
    return;
  g_clear_pointer (&paths->rules, g_ptr_array_unref);
  g_clear_pointer (&paths->notes, g_ptr_array_unref);
  g_free (paths);
}

G_GNUC_PRINTF (4, 5)
static gboolean
line_error (GError **error, const char *file, guint line, const char *fmt, ...)
{
  g_autofree char *msg = NULL;
  va_list ap;

  va_start (ap, fmt);
  msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA, "%s:%u: %s", file, line, msg);
  return FALSE;
}

static gboolean
valid_var_name (const char *s, gsize n)
{
  if (n == 0 || !(g_ascii_isalpha (s[0]) || s[0] == '_'))
    return FALSE;
  for (gsize i = 1; i < n; i++)
    if (!(g_ascii_isalnum (s[i]) || s[i] == '_'))
      return FALSE;
  return TRUE;
}

/* Expands ${VAR} and a leading ~/ into out, with mask[i] set for every byte that came
 * from a variable (those are always literal, never regex syntax). Returns FALSE with
 * *unset set when a variable is unset, FALSE with error on bad syntax. */
static gboolean
expand (const char *pattern, char **env, GString *out, GByteArray *mask, char **unset,
        const char *file, guint line, GError **error)
{
  const guint8 one = 1, zero = 0;
  const char *p = pattern;

  if (g_str_has_prefix (p, "~/"))
    {
      const char *home = g_environ_getenv (env, "HOME");
      if (home == NULL || *home == '\0')
        return *unset = g_strdup ("HOME"), FALSE;
      g_string_append (out, home);
      for (gsize i = 0; home[i]; i++)
        g_byte_array_append (mask, &one, 1);
      p++;
    }
  while (*p)
    {
      const char *end, *value;
      g_autofree char *name = NULL;

      if (p[0] != '$' || p[1] != '{')
        {
          g_string_append_c (out, *p++);
          g_byte_array_append (mask, &zero, 1);
          continue;
        }
      end = strchr (p + 2, '}');
      if (end == NULL || !valid_var_name (p + 2, end - p - 2))
        return line_error (error, file, line, _ ("bad variable reference in '%s'"), pattern);
      name = g_strndup (p + 2, end - p - 2);
      value = g_environ_getenv (env, name);
      if (value == NULL || *value == '\0')
        return *unset = g_steal_pointer (&name), FALSE;
      g_string_append (out, value);
      for (gsize i = 0; value[i]; i++)
        g_byte_array_append (mask, &one, 1);
      p = end + 1;
    }
  return TRUE;
}

/* One component of the expanded path: literal unless its own text (not a variable's
 * value) has a regex character; in a regex, variable values are escaped. */
static WrappyPathComponent *
make_component (const char *s, const guint8 *mask, gsize n, const char *file, guint line,
                GError **error)
{
  g_autoptr (WrappyPathComponent) c = g_new0 (WrappyPathComponent, 1);
  g_autoptr (GString) re = g_string_new ("\\A(?:");
  g_autoptr (GError) local = NULL;
  gboolean is_regex = FALSE;

  for (gsize i = 0; i < n; i++)
    if (!mask[i] && strchr (REGEX_CHARS, s[i]) != NULL)
      is_regex = TRUE;
  if (!is_regex)
    {
      c->literal = g_strndup (s, n);
      if (strcmp (c->literal, "..") == 0)
        return line_error (error, file, line, _ ("'..' is not allowed in a path")), NULL;
      return g_steal_pointer (&c);
    }
  for (gsize i = 0; i < n;)
    {
      gsize j = i;
      while (j < n && mask[j] == mask[i])
        j++;
      if (mask[i])
        {
          g_autofree char *esc = g_regex_escape_string (s + i, j - i);
          g_string_append (re, esc);
        }
      else
        g_string_append_len (re, s + i, j - i);
      i = j;
    }
  g_string_append (re, ")\\z");
  /* GRegex wants a valid UTF-8 pattern and does not check: pcre2_compile() crashed on one
   * that was not (found by fuzz-paths). The bytes may come from the file or from ${VAR}. */
  if (!g_utf8_validate (re->str, re->len, NULL))
    return line_error (error, file, line, _ ("the pattern is not valid UTF-8")), NULL;
  c->re = g_regex_new (re->str, G_REGEX_DOLLAR_ENDONLY, 0, &local);
  if (c->re == NULL)
    {
      g_autofree char *text = g_strndup (s, n);
      return line_error (error, file, line, _ ("bad regular expression '%s': %s"), text,
                         local->message),
             NULL;
    }
  return g_steal_pointer (&c);
}

static gboolean
parse_section (const char *s, char **key, char **value, const char *file, guint line,
               GError **error)
{
  g_autofree char *inner = NULL;
  char *eq;

  if (s[strlen (s) - 1] != ']')
    return line_error (error, file, line, _ ("unterminated section '%s'"), s);
  inner = g_strndup (s + 1, strlen (s) - 2);
  g_clear_pointer (key, g_free);
  g_clear_pointer (value, g_free);
  if (strcmp (inner, "always") == 0)
    return TRUE;
  eq = strchr (inner, '=');
  if (eq == NULL || eq[1] == '\0')
    return line_error (error, file, line, _ ("unknown section '%s'"), s);
  *eq = '\0';
  if (strcmp (inner, "socket") != 0 && strcmp (inner, "device") != 0
      && strcmp (inner, "shared") != 0)
    return line_error (error, file, line, _ ("unknown section '%s'"), s);
  *key = g_strdup (inner);
  *value = g_strdup (eq + 1);
  return TRUE;
}

/* One path line (after the section and comment handling). */
static gboolean
parse_rule (WrappyPaths *paths, const char *file, guint line, const char *text, char **env,
            const char *key, const char *value, GError **error)
{
  g_autoptr (WrappyPathRule) rule = g_new0 (WrappyPathRule, 1);
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GByteArray) mask = g_byte_array_new ();
  g_autofree char *unset = NULL;
  const char *pattern = text;
  gsize start;

  if (g_str_has_prefix (text, "rw ") || g_str_has_prefix (text, "ro "))
    {
      rule->rw = text[1] == 'w';
      pattern = g_strchug ((char *)text + 3);
    }
  if (!expand (pattern, env, out, mask, &unset, file, line, error))
    {
      if (unset == NULL)
        return FALSE;
      g_ptr_array_add (paths->notes, g_strdup_printf (_ ("%s:%u: ${%s} is not set; line skipped"),
                                                      file, line, unset));
      return TRUE;
    }
  if (out->str[0] != '/')
    return line_error (error, file, line, _ ("'%s' is not an absolute path"), pattern);
  rule->file = g_strdup (file);
  rule->line = line;
  rule->when_key = g_strdup (key);
  rule->when_value = g_strdup (value);
  rule->components = g_ptr_array_new_with_free_func ((GDestroyNotify)component_free);
  for (gsize i = 1, n = out->len; i <= n; i++)
    {
      WrappyPathComponent *c;
      if (i < n && out->str[i] != '/')
        continue;
      start = i;
      while (start > 0 && out->str[start - 1] != '/')
        start--;
      if (i == start || (i - start == 1 && out->str[start] == '.'))
        continue;
      c = make_component (out->str + start, mask->data + start, i - start, file, line, error);
      if (c == NULL)
        return FALSE;
      g_ptr_array_add (rule->components, c);
    }
  if (rule->components->len == 0)
    return line_error (error, file, line, _ ("'/' cannot be shown to an app"));
  g_ptr_array_add (paths->rules, g_steal_pointer (&rule));
  return TRUE;
}

gboolean
wrappy_paths_parse (WrappyPaths *paths, const char *file, const char *text, char **env,
                    GError **error)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  g_autofree char *key = NULL, *value = NULL;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *s = g_strstrip (lines[i]);

      if (*s == '\0' || *s == '#')
        continue;
      if (*s == '[')
        {
          if (!parse_section (s, &key, &value, file, i + 1, error))
            return FALSE;
          continue;
        }
      if (!parse_rule (paths, file, i + 1, s, env, key, value, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
load_file (WrappyPaths *paths, const char *path, char **env, gboolean *missing, GError **error)
{
  g_autofree char *text = NULL;
  g_autoptr (GError) local = NULL;

  *missing = FALSE;
  if (!g_file_get_contents (path, &text, NULL, &local))
    {
      if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return *missing = TRUE, TRUE;
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  return wrappy_paths_parse (paths, path, text, env, error);
}

gboolean
wrappy_paths_load (WrappyPaths *paths, const char *config_dir, const char *app_id, char **env,
                   GError **error)
{
  g_autofree char *def = g_build_filename (config_dir, "paths.conf", NULL);
  g_autofree char *name = g_strconcat (app_id, ".paths", NULL);
  g_autofree char *app = g_build_filename (config_dir, "apps", name, NULL);
  gboolean missing;

  if (!load_file (paths, def, env, &missing, error))
    return FALSE;
  if (missing)
    {
      g_autoptr (GError) local = NULL;
      /* Written once, atomically, so the user has a file to edit; a read-only config
       * dir is no reason not to run. */
      if (g_mkdir_with_parents (config_dir, 0700) != 0
          || !g_file_set_contents (def, default_text, -1, &local))
        g_ptr_array_add (paths->notes,
                         g_strdup_printf (_ ("cannot write %s: %s"), def,
                                          local ? local->message : g_strerror (errno)));
      if (!wrappy_paths_parse (paths, def, default_text, env, error))
        return FALSE;
    }
  return load_file (paths, app, env, &missing, error);
}

gboolean
wrappy_path_rule_applies (const WrappyPathRule *rule, char **sockets, char **devices, char **shared)
{
  char **have = NULL;

  if (rule->when_key == NULL)
    return TRUE;
  if (strcmp (rule->when_key, "socket") == 0)
    have = sockets;
  else if (strcmp (rule->when_key, "device") == 0)
    have = devices;
  else if (strcmp (rule->when_key, "shared") == 0)
    have = shared;
  return have != NULL && g_strv_contains ((const char *const *)have, rule->when_value);
}

/* Extends each path in from by one component into to. */
static void
match_step (const WrappyPathComponent *c, GPtrArray *from, GPtrArray *to)
{
  for (guint i = 0; i < from->len && to->len < MAX_MATCHES; i++)
    {
      const char *dir = from->pdata[i];
      g_autoptr (GDir) d = NULL;
      const char *name;

      if (c->literal != NULL)
        {
          char *p = g_build_filename (dir, c->literal, NULL);
          struct stat st;
          if (lstat (p, &st) == 0)
            g_ptr_array_add (to, p);
          else
            g_free (p);
          continue;
        }
      d = g_dir_open (dir, 0, NULL);
      while (d != NULL && (name = g_dir_read_name (d)) != NULL && to->len < MAX_MATCHES)
        {
          g_autofree char *p = NULL;
          struct stat st;
          if (!g_regex_match (c->re, name, 0, NULL))
            continue;
          p = g_build_filename (dir, name, NULL);
          /* A link someone put where a pattern looks must not redirect the grant. */
          if (lstat (p, &st) == 0 && !S_ISLNK (st.st_mode))
            g_ptr_array_add (to, g_steal_pointer (&p));
        }
    }
}

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char **)a, *(char **)b);
}

char **
wrappy_path_rule_match (const WrappyPathRule *rule)
{
  g_autoptr (GPtrArray) cur = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (cur, g_strdup ("/"));
  for (guint i = 0; i < rule->components->len && cur->len > 0; i++)
    {
      GPtrArray *next = g_ptr_array_new_with_free_func (g_free);
      match_step (rule->components->pdata[i], cur, next);
      g_ptr_array_unref (cur);
      cur = next;
    }
  g_ptr_array_sort (cur, compare_strings);
  g_ptr_array_add (cur, NULL);
  return (char **)g_ptr_array_free (g_steal_pointer (&cur), FALSE);
}

void
wrappy_paths_add_binds (const WrappyPaths *paths, GPtrArray *binds, char **sockets, char **devices,
                        char **shared, const char *host_run_dir, const char *sandbox_run_dir)
{
  gsize run_len = host_run_dir ? strlen (host_run_dir) : 0;

  for (guint i = 0; i < paths->rules->len; i++)
    {
      const WrappyPathRule *rule = paths->rules->pdata[i];
      g_auto (GStrv) found = NULL;

      if (!wrappy_path_rule_applies (rule, sockets, devices, shared))
        continue;
      found = wrappy_path_rule_match (rule);
      for (char **p = found; *p; p++)
        {
          g_autofree char *dest = NULL;
          WrappyBind *b;
          if (run_len > 1 && sandbox_run_dir != NULL && strncmp (*p, host_run_dir, run_len) == 0
              && (*p)[run_len] == '/')
            dest = g_build_filename (sandbox_run_dir, *p + run_len, NULL);
          else
            dest = g_canonicalize_filename (*p, "/");
          b = wrappy_bind_new (*p, dest, !rule->rw);
          b->optional = TRUE;
          g_ptr_array_add (binds, b);
        }
    }
}
