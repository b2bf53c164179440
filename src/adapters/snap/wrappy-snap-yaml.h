/* meta/snap.yaml: what wrappy needs of a snap (name, version, base, apps, plugs,
 * environment), parsed with libyaml's event API into a bounded tree. Untrusted input:
 * depth, node count and size are limited and aliases are refused (billion laughs). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define WRAPPY_SNAP_YAML_MAX_BYTES (1024 * 1024)

typedef struct
{
  char *name;
  char *interface;        /* the plug's name when the snap does not say */
  char *content;          /* content plugs */
  char *default_provider; /* content plugs: the providing snap's name (":slot" dropped) */
  char *target;
} WrappySnapPlug;

typedef struct
{
  char *name;
  char *command;        /* relative to $SNAP, may carry arguments */
  char **command_chain; /* programs relative to $SNAP run first, in order, each given the
                         * rest of the command line to exec (snapd's command-chain) */
  char **plugs;         /* plug names */
  char **env;           /* "VAR=VALUE", values unexpanded ($SNAP…) */
} WrappySnapApp;

typedef struct
{
  char *name;
  char *version;
  char *summary;
  char *type;       /* app (default), base, … */
  char *base;       /* absent base of an app snap: "core" (as snapd); NULL for a base */
  GPtrArray *apps;  /* WrappySnapApp*, sorted by name */
  GPtrArray *plugs; /* WrappySnapPlug*, the top-level plugs, sorted by name */
  char **env;       /* top-level environment, "VAR=VALUE" */
} WrappySnapYaml;

void wrappy_snap_yaml_free (WrappySnapYaml *y);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WrappySnapYaml, wrappy_snap_yaml_free)

/* snapd's snap name rule: ^(?:[a-z0-9]+-?)*[a-z](?:-?[a-z0-9])*$, at most 40 chars. */
gboolean wrappy_snap_validate_name (const char *name, GError **error);

/* INVALID_DATA, one line naming what is wrong, for malformed YAML, a missing or bad name,
 * and documents over the limits. */
WrappySnapYaml *wrappy_snap_yaml_parse (const char *data, gsize len, GError **error);

const WrappySnapApp *wrappy_snap_yaml_get_app (const WrappySnapYaml *y, const char *name);
/* The plug named name: declared at the top level, or implied by an app (interface = name). */
const WrappySnapPlug *wrappy_snap_yaml_get_plug (const WrappySnapYaml *y, const char *name);
/* Interfaces of every plug any app uses, plus top-level ones, sorted, no duplicates. */
char **wrappy_snap_yaml_interfaces (const WrappySnapYaml *y);

G_END_DECLS
