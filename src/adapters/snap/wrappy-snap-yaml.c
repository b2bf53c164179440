/* meta/snap.yaml through libyaml's event parser into a small bounded tree. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "wrappy-error.h"
#include "wrappy-fs.h"
#include "wrappy-i18n.h"
#include "wrappy-snap-yaml.h"

#define MAX_DEPTH 32
#define MAX_NODES 20000

typedef enum
{
  Y_SCALAR,
  Y_MAP,
  Y_SEQ,
} YKind;

typedef struct YNode
{
  YKind kind;
  char *value;     /* scalars */
  GPtrArray *kids; /* maps: key, value, key, value…; sequences: items */
} YNode;

static void
ynode_free (YNode *n)
{
  if (n == NULL)
    return;
  g_free (n->value);
  if (n->kids)
    g_ptr_array_unref (n->kids);
  g_free (n);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (YNode, ynode_free)

static YNode *
ynode_new (YKind kind, const char *value)
{
  YNode *n = g_new0 (YNode, 1);
  n->kind = kind;
  n->value = g_strdup (value);
  if (kind != Y_SCALAR)
    n->kids = g_ptr_array_new_with_free_func ((GDestroyNotify)ynode_free);
  return n;
}

static gboolean
yaml_fail (GError **error, const char *what)
{
  g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA, _ ("malformed snap.yaml: %s"), what);
  return FALSE;
}

typedef struct
{
  yaml_parser_t parser;
  guint nodes;
} Reader;

/* The node that starts with ev (already read); the rest of it is read here. */
static YNode *
read_node (Reader *r, yaml_event_t *ev, guint depth, GError **error)
{
  g_autoptr (YNode) n = NULL;
  yaml_event_type_t end;

  if (++r->nodes > MAX_NODES)
    return yaml_fail (error, _ ("too many nodes")), NULL;
  switch (ev->type)
    {
    case YAML_SCALAR_EVENT:
      return ynode_new (Y_SCALAR, (const char *)ev->data.scalar.value);
    case YAML_ALIAS_EVENT:
      /* Aliases expand documents exponentially (billion laughs); snap.yaml needs none. */
      return yaml_fail (error, _ ("aliases are not supported")), NULL;
    case YAML_MAPPING_START_EVENT:
      n = ynode_new (Y_MAP, NULL);
      end = YAML_MAPPING_END_EVENT;
      break;
    case YAML_SEQUENCE_START_EVENT:
      n = ynode_new (Y_SEQ, NULL);
      end = YAML_SEQUENCE_END_EVENT;
      break;
    default:
      return yaml_fail (error, _ ("unexpected document structure")), NULL;
    }
  if (depth >= MAX_DEPTH)
    return yaml_fail (error, _ ("nested too deeply")), NULL;
  for (;;)
    {
      yaml_event_t child;
      YNode *kid;

      if (!yaml_parser_parse (&r->parser, &child))
        {
          g_autofree char *msg
              = g_strdup_printf (_ ("%s at line %lu"), r->parser.problem ? r->parser.problem : "?",
                                 (unsigned long)r->parser.problem_mark.line + 1);
          return yaml_fail (error, msg), NULL;
        }
      if (child.type == end)
        {
          yaml_event_delete (&child);
          break;
        }
      kid = read_node (r, &child, depth + 1, error);
      yaml_event_delete (&child);
      if (kid == NULL)
        return NULL;
      g_ptr_array_add (n->kids, kid);
    }
  return g_steal_pointer (&n);
}

static YNode *
parse_tree (const char *data, gsize len, GError **error)
{
  Reader r = { 0 };
  yaml_event_t ev;
  YNode *root = NULL;
  gboolean ok = TRUE;

  if (len > WRAPPY_SNAP_YAML_MAX_BYTES)
    return yaml_fail (error, _ ("larger than 1 MiB")), NULL;
  yaml_parser_initialize (&r.parser);
  yaml_parser_set_input_string (&r.parser, (const unsigned char *)data, len);
  /* stream start, document start, the root node, document end */
  for (int i = 0; ok && i < 3; i++)
    {
      if (!yaml_parser_parse (&r.parser, &ev))
        {
          g_autofree char *msg
              = g_strdup_printf (_ ("%s at line %lu"), r.parser.problem ? r.parser.problem : "?",
                                 (unsigned long)r.parser.problem_mark.line + 1);
          ok = yaml_fail (error, msg);
          break;
        }
      if (i == 2)
        {
          root = read_node (&r, &ev, 0, error);
          ok = root != NULL;
        }
      else if (ev.type == YAML_STREAM_END_EVENT)
        ok = yaml_fail (error, _ ("the document is empty"));
      yaml_event_delete (&ev);
    }
  yaml_parser_delete (&r.parser);
  if (ok && root->kind != Y_MAP)
    ok = yaml_fail (error, _ ("the top level is not a mapping"));
  if (!ok)
    {
      ynode_free (root);
      return NULL;
    }
  return root;
}

static YNode *
map_get (YNode *map, const char *key)
{
  if (map == NULL || map->kind != Y_MAP)
    return NULL;
  for (guint i = 0; i + 1 < map->kids->len; i += 2)
    {
      YNode *k = map->kids->pdata[i];
      if (k->kind == Y_SCALAR && strcmp (k->value, key) == 0)
        return map->kids->pdata[i + 1];
    }
  return NULL;
}

static const char *
map_scalar (YNode *map, const char *key)
{
  YNode *v = map_get (map, key);
  return v && v->kind == Y_SCALAR && v->value[0] != '\0' ? v->value : NULL;
}

/* A mapping of names to scalars ("environment:") as "VAR=VALUE". */
static char **
env_from (YNode *map)
{
  g_autoptr (GPtrArray) env = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; map && map->kind == Y_MAP && i + 1 < map->kids->len; i += 2)
    {
      YNode *k = map->kids->pdata[i], *v = map->kids->pdata[i + 1];
      /* Only names a shell could set: nothing that could smuggle '=' or a newline. */
      if (k->kind != Y_SCALAR || v->kind != Y_SCALAR || k->value[0] == '\0'
          || g_ascii_isdigit (k->value[0])
          || strspn (k->value, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
                 != strlen (k->value))
        continue;
      g_ptr_array_add (env, g_strconcat (k->value, "=", v->value, NULL));
    }
  g_ptr_array_add (env, NULL);
  return (char **)g_ptr_array_free (g_steal_pointer (&env), FALSE);
}

static char **
strv_from_seq (YNode *seq)
{
  g_autoptr (GPtrArray) v = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; seq && seq->kind == Y_SEQ && i < seq->kids->len; i++)
    {
      YNode *item = seq->kids->pdata[i];
      if (item->kind == Y_SCALAR && item->value[0] != '\0')
        g_ptr_array_add (v, g_strdup (item->value));
    }
  g_ptr_array_add (v, NULL);
  return (char **)g_ptr_array_free (g_steal_pointer (&v), FALSE);
}

static void
plug_free (WrappySnapPlug *p)
{
  g_free (p->name);
  g_free (p->interface);
  g_free (p->content);
  g_free (p->default_provider);
  g_free (p->target);
  g_free (p);
}

static void
app_free (WrappySnapApp *a)
{
  g_free (a->name);
  g_free (a->command);
  g_strfreev (a->command_chain);
  g_strfreev (a->plugs);
  g_strfreev (a->env);
  g_free (a);
}

void
wrappy_snap_yaml_free (WrappySnapYaml *y)
{
  if (y == NULL)
    return;
  g_free (y->name);
  g_free (y->version);
  g_free (y->summary);
  g_free (y->type);
  g_free (y->base);
  g_ptr_array_unref (y->apps);
  g_ptr_array_unref (y->plugs);
  g_strfreev (y->env);
  g_free (y);
}

static gint
compare_by_name (gconstpointer a, gconstpointer b)
{
  /* Both structs start with their name. */
  return strcmp (**(char ***)a, **(char ***)b);
}

static void
read_plugs (WrappySnapYaml *y, YNode *plugs)
{
  for (guint i = 0; plugs && plugs->kind == Y_MAP && i + 1 < plugs->kids->len; i += 2)
    {
      YNode *k = plugs->kids->pdata[i], *v = plugs->kids->pdata[i + 1];
      WrappySnapPlug *p;
      const char *provider;

      if (k->kind != Y_SCALAR || k->value[0] == '\0')
        continue;
      p = g_new0 (WrappySnapPlug, 1);
      p->name = g_strdup (k->value);
      /* "name: interface" is shorthand for "name: {interface: interface}". */
      if (v->kind == Y_SCALAR && v->value[0] != '\0')
        p->interface = g_strdup (v->value);
      else
        p->interface = g_strdup (map_scalar (v, "interface"));
      if (p->interface == NULL)
        p->interface = g_strdup (p->name);
      p->content = g_strdup (map_scalar (v, "content"));
      p->target = g_strdup (map_scalar (v, "target"));
      provider = map_scalar (v, "default-provider");
      if (provider != NULL)
        p->default_provider = g_strndup (provider, strcspn (provider, ":"));
      g_ptr_array_add (y->plugs, p);
    }
  g_ptr_array_sort (y->plugs, compare_by_name);
}

static gboolean
read_apps (WrappySnapYaml *y, YNode *apps, GError **error)
{
  for (guint i = 0; apps && apps->kind == Y_MAP && i + 1 < apps->kids->len; i += 2)
    {
      YNode *k = apps->kids->pdata[i], *v = apps->kids->pdata[i + 1];
      const char *command = map_scalar (v, "command");
      WrappySnapApp *a;

      /* snapd's app name rule: letters, digits and inner dashes. */
      if (k->kind != Y_SCALAR || k->value[0] == '\0' || strlen (k->value) > 64
          || strspn (k->value, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")
                 != strlen (k->value)
          || k->value[0] == '-' || g_str_has_suffix (k->value, "-"))
        return yaml_fail (error, _ ("invalid app name"));
      if (command == NULL)
        continue; /* daemons without a command, or broken entries: not launchable */
      a = g_new0 (WrappySnapApp, 1);
      a->name = g_strdup (k->value);
      a->command = g_strdup (command);
      a->command_chain = strv_from_seq (map_get (v, "command-chain"));
      /* As snapd: paths inside the snap, no arguments. */
      for (char **c = a->command_chain; *c; c++)
        if ((*c)[0] == '/' || !wrappy_path_is_clean (*c) || strpbrk (*c, " \t\n") != NULL)
          {
            app_free (a);
            return yaml_fail (error, _ ("invalid command-chain"));
          }
      a->plugs = strv_from_seq (map_get (v, "plugs"));
      a->env = env_from (map_get (v, "environment"));
      g_ptr_array_add (y->apps, a);
    }
  g_ptr_array_sort (y->apps, compare_by_name);
  return TRUE;
}

gboolean
wrappy_snap_validate_name (const char *name, GError **error)
{
  static gsize re_once;
  static GRegex *re;
  gboolean ok;

  if (g_once_init_enter (&re_once))
    {
      re = g_regex_new ("^(?:[a-z0-9]+-?)*[a-z](?:-?[a-z0-9])*$", G_REGEX_OPTIMIZE, 0, NULL);
      g_once_init_leave (&re_once, 1);
    }
  ok = name != NULL && strlen (name) <= 40 && g_utf8_validate (name, -1, NULL)
       && g_regex_match (re, name, 0, NULL);
  if (!ok)
    g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_ID,
                 _ ("invalid snap name '%s': lower-case letters, digits and single inner "
                    "dashes, at most 40 characters, at least one letter"),
                 name ? name : "");
  return ok;
}

WrappySnapYaml *
wrappy_snap_yaml_parse (const char *data, gsize len, GError **error)
{
  g_autoptr (YNode) root = parse_tree (data, len, error);
  g_autoptr (WrappySnapYaml) y = NULL;
  g_autoptr (GError) name_error = NULL;

  if (root == NULL)
    return NULL;
  y = g_new0 (WrappySnapYaml, 1);
  y->apps = g_ptr_array_new_with_free_func ((GDestroyNotify)app_free);
  y->plugs = g_ptr_array_new_with_free_func ((GDestroyNotify)plug_free);
  y->name = g_strdup (map_scalar (root, "name"));
  if (y->name == NULL)
    return yaml_fail (error, _ ("no name")), NULL;
  if (!wrappy_snap_validate_name (y->name, &name_error))
    return yaml_fail (error, name_error->message), NULL;
  y->version = g_strdup (map_scalar (root, "version"));
  y->summary = g_strdup (map_scalar (root, "summary"));
  y->type = g_strdup (map_scalar (root, "type"));
  if (y->type == NULL)
    y->type = g_strdup ("app");
  y->base = g_strdup (map_scalar (root, "base"));
  /* snapd: an app snap without a base runs on "core" (Ubuntu 16.04); bases, the snapd
   * snap, kernels and gadgets have none. */
  if (y->base == NULL && strcmp (y->type, "app") == 0)
    y->base = g_strdup ("core");
  if (y->base != NULL && strcmp (y->base, "bare") != 0
      && !wrappy_snap_validate_name (y->base, NULL))
    return yaml_fail (error, _ ("invalid base name")), NULL;
  y->env = env_from (map_get (root, "environment"));
  read_plugs (y, map_get (root, "plugs"));
  if (!read_apps (y, map_get (root, "apps"), error))
    return NULL;
  return g_steal_pointer (&y);
}

const WrappySnapApp *
wrappy_snap_yaml_get_app (const WrappySnapYaml *y, const char *name)
{
  for (guint i = 0; i < y->apps->len; i++)
    {
      const WrappySnapApp *a = y->apps->pdata[i];
      if (strcmp (a->name, name) == 0)
        return a;
    }
  return NULL;
}

const WrappySnapPlug *
wrappy_snap_yaml_get_plug (const WrappySnapYaml *y, const char *name)
{
  for (guint i = 0; i < y->plugs->len; i++)
    {
      const WrappySnapPlug *p = y->plugs->pdata[i];
      if (strcmp (p->name, name) == 0)
        return p;
    }
  return NULL;
}

static int
compare_strings (const void *a, const void *b)
{
  return strcmp (*(char *const *)a, *(char *const *)b);
}

char **
wrappy_snap_yaml_interfaces (const WrappySnapYaml *y)
{
  g_autoptr (GHashTable) set = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree gpointer *keys = NULL;
  guint n = 0;
  char **out;

  for (guint i = 0; i < y->plugs->len; i++)
    g_hash_table_add (set, ((WrappySnapPlug *)y->plugs->pdata[i])->interface);
  for (guint i = 0; i < y->apps->len; i++)
    for (char **p = ((WrappySnapApp *)y->apps->pdata[i])->plugs; *p; p++)
      {
        const WrappySnapPlug *plug = wrappy_snap_yaml_get_plug (y, *p);
        g_hash_table_add (set, plug ? plug->interface : *p);
      }
  keys = g_hash_table_get_keys_as_array (set, &n);
  out = g_new0 (char *, n + 1);
  for (guint i = 0; i < n; i++)
    out[i] = g_strdup (keys[i]);
  qsort (out, n, sizeof (char *), compare_strings);
  return out;
}
