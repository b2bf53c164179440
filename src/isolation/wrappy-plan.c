#include "config.h"

#include <sched.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wrappy-error.h"
#include "wrappy-i18n.h"
#include "wrappy-fs.h"
#include "wrappy-plan-private.h"

/* Host variables that must not reach the app: loader and interpreter search paths point
 * at host files (or let the caller inject code), plugin paths load host modules built
 * against other libraries. Follows flatpak's default_exports and glibc's
 * UNSECURE_ENVVARS; every LD_* is dropped as well. */
static const char *const stripped_env[] = {
  "PYTHONPATH",
  "PYTHONHOME",
  "PYTHONSTARTUP",
  "PERLLIB",
  "PERL5LIB",
  "PERL5OPT",
  "RUBYLIB",
  "RUBYOPT",
  "NODE_OPTIONS",
  "NODE_PATH",
  "XCURSOR_PATH",
  "GI_TYPELIB_PATH",
  "GIO_EXTRA_MODULES",
  "GIO_MODULE_DIR",
  "GTK_PATH",
  "GTK_MODULES",
  "GTK_EXE_PREFIX",
  "GTK_DATA_PREFIX",
  "GDK_PIXBUF_MODULE_FILE",
  "GDK_PIXBUF_MODULEDIR",
  "GDK_BACKEND",
  "QT_PLUGIN_PATH",
  "QT_QPA_PLATFORM_PLUGIN_PATH",
  "QML2_IMPORT_PATH",
  "QML_IMPORT_PATH",
  "KRB5CCNAME",
  "XKB_CONFIG_ROOT",
  "GCONV_PATH",
  "GETCONF_DIR",
  "HOSTALIASES",
  "LOCALDOMAIN",
  "LOCPATH",
  "MALLOC_TRACE",
  "NIS_PATH",
  "NLSPATH",
  "RESOLV_HOST_CONF",
  "RES_OPTIONS",
  "TMPDIR",
  "TZDIR",
  "VK_ICD_FILENAMES",
  "VK_ADD_DRIVER_FILES",
  "VK_DRIVER_FILES",
  "VK_LAYER_PATH",
  "LIBGL_DRIVERS_PATH",
  "LIBVA_DRIVERS_PATH",
  "__EGL_VENDOR_LIBRARY_DIRS",
  "__EGL_VENDOR_LIBRARY_FILENAMES",
  "XDG_DATA_HOME",
  "XDG_CONFIG_HOME",
  "XDG_CACHE_HOME",
  "XDG_STATE_HOME",
  "XDG_RUNTIME_DIR",
  "XDG_DATA_DIRS",
  "XDG_CONFIG_DIRS",
  "PATH",
  "FLATPAK_ID",
  "container",
};
static const char *const stripped_env_prefixes[] = {
  "LD_",
  "GST_PLUGIN_",
  "GST_REGISTRY",
  "GST_PTP_HELPER",
  "GST_PRESET_PATH",
  "GST_INSTALL_PLUGINS_HELPER",
  "MALLOC_",
  "GLIBC_TUNABLES",
};

/* Files in the base's etc/ that the sandbox gets from elsewhere (generated or host). */
static const char *const etc_not_from_base[] = {
  "passwd",    "group",     "machine-id", "resolv.conf", "hosts",
  "host.conf", "localtime", "timezone",   "pkcs11",
};

/* Files in the host's /etc that a host-base sandbox does not link: its passwd and group
 * are generated, so these describe users it does not have. */
static const char *const etc_not_from_host[]
    = { "shadow", "gshadow", "shadow-", "gshadow-", "passwd-", "group-" };

/* The host name an app sees in its own UTS namespace (issue 16, finding 5: it was the
 * host's). */
#define SANDBOX_HOSTNAME "wrappy"

/* Where the host's /etc is, read-only, when the base is the host's /usr. */
#define HOST_ETC "/run/host/etc"

/* Where grants may not go: the layout the plan builds itself, and anything under it
 * (reserved_trees) or the mount points themselves (reserved_dirs). */
static const char *const reserved_trees[] = {
  "/usr",  "/app", "/etc",   "/proc",  "/dev",    "/sys",      "/bin",
  "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/run/host",
};
static const char *const reserved_dirs[] = { "/", "/tmp", "/run", "/run/user", "/var" };

/* g_strv_builder_take() is GLib 2.80. */
static void
strv_builder_take (GStrvBuilder *b, char *s)
{
  g_strv_builder_add (b, s);
  g_free (s);
}

static void
op_free (WrappyOp *op)
{
  if (op == NULL)
    return;
  g_free (op->src);
  g_free (op->dest);
  g_free (op->upper);
  g_free (op->work);
  g_free (op);
}

WrappyOp *
wrappy_plan_op_new (WrappyOpKind kind, WrappyOpFlags flags, const char *src, const char *dest,
                    guint mode)
{
  WrappyOp *op = g_new0 (WrappyOp, 1);

  op->kind = kind;
  op->flags = flags;
  op->src = g_strdup (src);
  op->dest = g_strdup (dest);
  op->mode = mode;
  return op;
}

static WrappyOp *
add_op (WrappyPlan *plan, WrappyOpKind kind, WrappyOpFlags flags, const char *src, const char *dest,
        guint mode)
{
  WrappyOp *op = wrappy_plan_op_new (kind, flags, src, dest, mode);

  g_ptr_array_add (plan->ops, op);
  return op;
}

WrappyOp *
wrappy_plan_add_op (WrappyPlan *plan, WrappyOpKind kind, WrappyOpFlags flags, const char *src,
                    const char *dest, guint mode)
{
  return add_op (plan, kind, flags, src, dest, mode);
}

WrappyOp *
wrappy_plan_add_file (WrappyPlan *plan, GBytes *content, const char *dest, guint mode)
{
  WrappyOp *op = add_op (plan, WRAPPY_OP_FILE, 0, NULL, dest, mode);
  gsize len;
  const void *data = g_bytes_get_data (content, &len);

  op->src = g_malloc (len + 1);
  memcpy (op->src, data, len);
  op->src[len] = '\0';
  op->src_len = len;
  return op;
}

/* Lookups in the fixed tables above: bounded by the table's size, so a table needs no
 * NULL terminator (three of them once lacked one and were read past their end). */
#define TABLE_HAS(table, s) table_has ((table), G_N_ELEMENTS (table), (s))

static gboolean
table_has (const char *const *table, gsize n, const char *s)
{
  for (gsize i = 0; i < n; i++)
    if (strcmp (table[i], s) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
strv_has (char **v, const char *s)
{
  return v != NULL && g_strv_contains ((const char *const *)v, s);
}

void
wrappy_plan_free (WrappyPlan *plan)
{
  if (plan == NULL)
    return;
  g_clear_pointer (&plan->ops, g_ptr_array_unref);
  g_strfreev (plan->argv);
  g_strfreev (plan->envp);
  g_strfreev (plan->notes);
  g_free (plan->cwd);
  g_free (plan->hostname);
  g_free (plan->state_dir);
  g_strfreev (plan->stubs);
  wrappy_limits_plan_clear (&plan->limits);
  wrappy_dbus_proxy_plan_free (plan->dbus_proxy);
  g_free (plan->documents);
  g_free (plan);
}

guint
wrappy_plan_path_depth (const char *path)
{
  guint n = 0;

  for (const char *p = path; *p; p++)
    if (*p == '/' && p[1] != '\0' && p[1] != '/')
      n++;
  return n;
}

/* Parents first; equal depths by name so the plan does not depend on input order. */
static gint
compare_layers (gconstpointer a, gconstpointer b)
{
  const WrappyLayer *la = *(WrappyLayer **)a;
  const WrappyLayer *lb = *(WrappyLayer **)b;
  guint da = wrappy_plan_path_depth (la->sandbox_path),
        db = wrappy_plan_path_depth (lb->sandbox_path);

  if (da != db)
    return da < db ? -1 : 1;
  return strcmp (la->sandbox_path, lb->sandbox_path);
}

gboolean
wrappy_plan_path_is_under (const char *path, const char *dir)
{
  gsize n = strlen (dir);
  return strncmp (path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

gboolean
wrappy_plan_valid_sandbox_path (const char *path)
{
  return path != NULL && path[0] == '/' && wrappy_path_is_clean (path);
}

/* A layer at dest (/usr, /app). At none it is a read-only bind; above none an overlay
 * whose writes land in the app's state (state/upper/NAME, state/work/NAME) or, with
 * --tmp-root, in a tmpfs: the layer itself is shared and never written. */
static void
add_layer (WrappyPlan *plan, const WrappyLaunchSpec *spec, const char *src, const char *dest,
           GPtrArray *notes)
{
  WrappyOp *op;

  if (spec->isolation == WRAPPY_ISOLATION_NONE)
    {
      add_op (plan, WRAPPY_OP_BIND, WRAPPY_OP_FLAG_RO, src, dest, 0);
      return;
    }
  if (!spec->tmp_root && spec->state_dir == NULL)
    {
      add_op (plan, WRAPPY_OP_BIND, WRAPPY_OP_FLAG_RO, src, dest, 0);
      g_ptr_array_add (notes, g_strdup_printf (_ ("%s is read-only: the app has no state "
                                                  "directory for a writable layer"),
                                               dest));
      return;
    }
  op = add_op (plan, WRAPPY_OP_OVERLAY,
               spec->tmp_root ? 0 : WRAPPY_OP_FLAG_NOFOLLOW | WRAPPY_OP_FLAG_CREATE, src, dest,
               0755);
  if (!spec->tmp_root)
    {
      op->upper = g_build_filename (spec->state_dir, "upper", dest + 1, NULL);
      op->work = g_build_filename (spec->state_dir, "work", dest + 1, NULL);
    }
}

/* A root base (a snap's): its top-level directories read-only at /NAME (as snapd's
 * squashfs mounts are), its top-level symlinks (bin -> usr/bin) as they are; what the
 * sandbox makes itself (/etc from the host, /dev, /proc, /tmp, the home…) and the apps
 * dir are never taken from it. The app goes read-only at app_mount, app_link pointing
 * to it. */
static const char *const not_from_base[]
    = { "etc",  "dev",  "proc", "sys",   "tmp",  "run",        "var",
        "home", "root", "mnt",  "media", "boot", "lost+found", "app" };

/* Whether name is the root base's apps dir ("snap" for "/snap"). */
static gboolean
is_apps_dir (const WrappyLaunchSpec *spec, const char *name)
{
  return spec->root_base != NULL && spec->root_base->apps_dir != NULL
         && strcmp (spec->root_base->apps_dir + 1, name) == 0;
}

/* Whether a root base provides the top-level entry name. */
static gboolean
base_provides (const WrappyLaunchSpec *spec, const WrappyHostFacts *f, const char *name)
{
  return !TABLE_HAS (not_from_base, name) && !is_apps_dir (spec, name) && strchr (name, '/') == NULL
         && name[0] != '.' && strv_has (f->base_entries, name);
}

static gboolean
add_root_base (WrappyPlan *plan, const WrappyLaunchSpec *spec, const WrappyHostFacts *f,
               GError **error)
{
  const WrappyRootBase *rb = spec->root_base;
  const char *apps = rb->apps_dir;

  if (apps == NULL || !wrappy_plan_valid_sandbox_path (apps) || strchr (apps + 1, '/') != NULL
      || TABLE_HAS (not_from_base, apps + 1) || !wrappy_plan_valid_sandbox_path (rb->app_mount)
      || !wrappy_plan_path_is_under (rb->app_mount, apps) || strcmp (rb->app_mount, apps) == 0
      || (rb->app_link != NULL
          && (!wrappy_plan_valid_sandbox_path (rb->app_link)
              || !wrappy_plan_path_is_under (rb->app_link, apps))))
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_SANDBOX_SETUP,
                   _ ("invalid mount point '%s' for the app"), rb->app_mount ? rb->app_mount : "");
      return FALSE;
    }
  for (char **e = f->base_entries; e && *e; e++)
    {
      g_autofree char *src = NULL, *dest = NULL;
      const char *link;

      if (!base_provides (spec, f, *e))
        continue;
      dest = g_build_filename ("/", *e, NULL);
      link = f->base_root_links ? g_hash_table_lookup (f->base_root_links, *e) : NULL;
      if (link != NULL)
        {
          add_op (plan, WRAPPY_OP_SYMLINK, 0, link, dest, 0);
          continue;
        }
      src = g_build_filename (spec->base_path, *e, NULL);
      add_op (plan, WRAPPY_OP_BIND, WRAPPY_OP_FLAG_RO | WRAPPY_OP_FLAG_OPTIONAL, src, dest, 0);
    }
  if (spec->app_path != NULL)
    add_op (plan, WRAPPY_OP_BIND, WRAPPY_OP_FLAG_RO, spec->app_path, rb->app_mount, 0);
  if (rb->app_link != NULL)
    add_op (plan, WRAPPY_OP_SYMLINK, 0, rb->app_mount, rb->app_link, 0);
  return TRUE;
}

static gboolean
invalid_layout (GError **error, const char *path)
{
  g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_SANDBOX_SETUP, _ ("invalid extension path '%s'"),
               path ? path : "");
  return FALSE;
}

/* A path an extension may shape: strictly under /usr or the app's dir. */
static gboolean
layout_path_ok (const WrappyLaunchSpec *spec, const char *path, const char *app_dir)
{
  return wrappy_plan_valid_sandbox_path (path) && spec->root_base == NULL
         && ((wrappy_plan_path_is_under (path, "/usr") && strcmp (path, "/usr") != 0)
             || (spec->app_path != NULL && wrappy_plan_path_is_under (path, app_dir)
                 && strcmp (path, app_dir) != 0));
}

static gboolean
add_layers (WrappyPlan *plan, const WrappyLaunchSpec *spec, const WrappyHostFacts *f,
            GPtrArray *notes, GError **error)
{
  g_autoptr (GPtrArray) deps = g_ptr_array_new ();
  const char *app_dir = spec->root_base ? spec->root_base->app_mount : "/app";

  if (spec->base_path == NULL)
    {
      g_set_error_literal (error, WRAPPY_ERROR, WRAPPY_ERROR_SANDBOX_SETUP,
                           _ ("the app has no base layer"));
      return FALSE;
    }
  if (spec->root_base != NULL)
    {
      if (!add_root_base (plan, spec, f, error))
        return FALSE;
    }
  else
    {
      /* Extensions are read-only binds on top of the overlay: they stay read-only. */
      add_layer (plan, spec, spec->base_path, "/usr", notes);
      if (spec->app_path != NULL)
        add_layer (plan, spec, spec->app_path, "/app", notes);
    }

  for (guint i = 0; spec->deps != NULL && i < spec->deps->len; i++)
    {
      WrappyLayer *l = spec->deps->pdata[i];
      gboolean under_usr
          = spec->root_base == NULL && wrappy_plan_path_is_under (l->sandbox_path, "/usr");
      gboolean under_app
          = spec->app_path != NULL && wrappy_plan_path_is_under (l->sandbox_path, app_dir);

      /* Extensions live at extension points of the runtime or the app; anywhere else a
       * layer could shadow /etc or /proc. */
      if (!wrappy_plan_valid_sandbox_path (l->sandbox_path) || !(under_usr || under_app)
          || strcmp (l->sandbox_path, "/usr") == 0 || strcmp (l->sandbox_path, app_dir) == 0)
        {
          g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_SANDBOX_SETUP,
                       _ ("invalid mount point '%s' for layer %s"),
                       l->sandbox_path ? l->sandbox_path : "", l->host_path);
          return FALSE;
        }
      g_ptr_array_add (deps, l);
    }
  g_ptr_array_sort (deps, compare_layers);
  /* As flatpak-run.c's flatpak_run_add_extension_args: the parent of subdirectory
   * extensions is an empty tmpfs first, then the extensions by path, then the merge-dirs
   * links (into that tmpfs). Only under the runtime or the app, never at their top. */
  for (char **t = spec->ext_tmpfs; t && *t; t++)
    {
      if (!layout_path_ok (spec, *t, app_dir))
        return invalid_layout (error, *t);
      add_op (plan, WRAPPY_OP_TMPFS, 0, NULL, *t, 0755);
    }
  for (guint i = 0; i < deps->len; i++)
    {
      WrappyLayer *l = deps->pdata[i];
      add_op (plan, WRAPPY_OP_BIND, WRAPPY_OP_FLAG_RO, l->host_path, l->sandbox_path, 0);
    }
  for (guint i = 0; spec->links != NULL && i < spec->links->len; i++)
    {
      const WrappyBind *b = spec->links->pdata[i];
      if (!layout_path_ok (spec, b->dest, app_dir))
        return invalid_layout (error, b->dest);
      add_op (plan, WRAPPY_OP_SYMLINK, 0, b->src, b->dest, 0);
    }
  /* Then read-only, as the extensions in them are: an app cannot add a vendor file
   * (egl_vendor.d, icd.d) that other code in the sandbox would trust. */
  for (char **t = spec->ext_tmpfs; t && *t; t++)
    add_op (plan, WRAPPY_OP_REMOUNT_RO, 0, NULL, *t, 0);
  return TRUE;
}

/* The loader's configuration for extension library dirs (add-ld-path): one file each,
 * one path a line, under /run/flatpak/ld.so.conf.d where runtimes include them. */
static gboolean
add_ld_conf (WrappyPlan *plan, const WrappyLaunchSpec *spec, GError **error)
{
  for (guint i = 0; spec->ld_conf != NULL && i < spec->ld_conf->len; i++)
    {
      const WrappyBind *b = spec->ld_conf->pdata[i];
      g_autofree char *dir = g_path_get_dirname (b->dest);
      g_autofree char *content = g_strconcat (b->src, "\n", NULL);

      if (strcmp (dir, WRAPPY_LD_CONF_DIR) != 0 || !wrappy_plan_valid_sandbox_path (b->dest)
          || !wrappy_plan_valid_sandbox_path (b->src) || strpbrk (b->src, "\n\r") != NULL)
        return invalid_layout (error, b->dest);
      if (i == 0)
        add_op (plan, WRAPPY_OP_DIR, 0, NULL, WRAPPY_LD_CONF_DIR, 0755);
      add_op (plan, WRAPPY_OP_FILE, 0, content, b->dest, 0444);
    }
  return TRUE;
}

static char *
sanitize_field (const char *s)
{
  char *r = g_strdup (s ? s : "");
  g_strdelimit (r, ":\n\r", ' ');
  return r;
}

/* /etc's entries as symlinks into the base's etc: a runtime's is at /usr/etc; the host's
 * (when the base is the host's /usr, which has none) is bound read-only at HOST_ETC, and
 * its own top-level symlinks are copied as they are, because a relative one
 * (os-release -> ../usr/lib/os-release) would point elsewhere from HOST_ETC. */
static void
add_etc_entries (WrappyPlan *plan, const WrappyLaunchSpec *spec, const WrappyHostFacts *f)
{
  gboolean host_etc = spec->host_base || (spec->root_base != NULL);
  const char *etc_dir = host_etc ? HOST_ETC : "/usr/etc";

  if (host_etc)
    add_op (plan, WRAPPY_OP_BIND, WRAPPY_OP_FLAG_RO, "/etc", HOST_ETC, 0);
  add_op (plan, WRAPPY_OP_DIR, 0, NULL, "/etc", 0755);
  for (char **e = f->base_etc_entries; e && *e; e++)
    {
      g_autofree char *dest = NULL, *target = NULL;
      const char *link = NULL;

      if (TABLE_HAS (etc_not_from_base, *e) || strchr (*e, '/') != NULL
          || (host_etc && TABLE_HAS (etc_not_from_host, *e))
          || (plan->hostname != NULL && strcmp (*e, "hostname") == 0)
          || (spec->ld_cache != NULL && strcmp (*e, "ld.so.cache") == 0))
        continue;
      if (host_etc && f->host_etc_links != NULL)
        link = g_hash_table_lookup (f->host_etc_links, *e);
      dest = g_build_filename ("/etc", *e, NULL);
      target = link ? g_strdup (link) : g_build_filename (etc_dir, *e, NULL);
      add_op (plan, WRAPPY_OP_SYMLINK, 0, target, dest, 0);
    }
}

static void
add_etc (WrappyPlan *plan, const WrappyLaunchSpec *spec, const WrappyHostFacts *f, gboolean network)
{
  g_autofree char *user = sanitize_field (f->user_name);
  g_autofree char *real = sanitize_field (f->real_name);
  g_autofree char *home = sanitize_field (f->home);
  g_autofree char *passwd = NULL, *group = NULL;

  /* At none the host's /etc is the one the host's /usr goes with: nothing to generate. */
  if ((spec->host_base || (spec->root_base != NULL)) && spec->isolation == WRAPPY_ISOLATION_NONE)
    {
      add_op (plan, WRAPPY_OP_BIND, WRAPPY_OP_FLAG_RO, "/etc", "/etc", 0);
      return;
    }
  add_etc_entries (plan, spec, f);

  /* The same name, ids and home as on the host, so that files the app writes into
   * granted host paths belong to the user and tools find the right home. */
  passwd = g_strdup_printf ("%s:x:%u:%u:%s:%s:/bin/sh\n"
                            "nfsnobody:x:65534:65534:Unmapped user:/:/sbin/nologin\n",
                            user, (guint)f->uid, (guint)f->gid, real, home);
  group = g_strdup_printf ("%s:x:%u:%s\nnfsnobody:x:65534:\n", user, (guint)f->gid, user);
  add_op (plan, WRAPPY_OP_FILE, 0, passwd, "/etc/passwd", 0644);
  add_op (plan, WRAPPY_OP_FILE, 0, group, "/etc/group", 0644);
  if (plan->hostname != NULL)
    {
      g_autofree char *hostname = g_strconcat (plan->hostname, "\n", NULL);
      add_op (plan, WRAPPY_OP_FILE, 0, hostname, "/etc/hostname", 0644);
    }

  wrappy_plan_add_host_etc (plan, spec, f, network);
  /* The loader cache made for this app's layout: it knows /app/lib (issue 17). */
  if (spec->ld_cache != NULL)
    add_op (plan, WRAPPY_OP_BIND, WRAPPY_OP_FLAG_RO, spec->ld_cache, "/etc/ld.so.cache", 0);
  if (spec->ld_cache_dir != NULL)
    add_op (plan, WRAPPY_OP_BIND, 0, spec->ld_cache_dir, WRAPPY_LD_CACHE_DIR, 0);
  /* The sandbox's identity, by which GLib and the portals know a Flatpak app (issue 17). */
  if (spec->flatpak_info != NULL)
    add_op (plan, WRAPPY_OP_FILE, 0, spec->flatpak_info, "/.flatpak-info", 0444);
}

static void
add_dev (WrappyPlan *plan, const WrappyLaunchSpec *spec, const WrappyHostFacts *f)
{
  static const char *const nodes[] = { "null", "zero", "full", "random", "urandom", "tty" };
  static const char *const std[] = { "stdin", "stdout", "stderr" };

  add_op (plan, WRAPPY_OP_TMPFS, 0, NULL, "/dev", 0755);
  for (guint i = 0; i < G_N_ELEMENTS (nodes); i++)
    {
      g_autofree char *p = g_build_filename ("/dev", nodes[i], NULL);
      add_op (plan, WRAPPY_OP_BIND, WRAPPY_OP_FLAG_DEVICES, p, p, 0);
    }
  add_op (plan, WRAPPY_OP_DEVPTS, 0, NULL, "/dev/pts", 0);
  add_op (plan, WRAPPY_OP_SYMLINK, 0, "pts/ptmx", "/dev/ptmx", 0);
  add_op (plan, WRAPPY_OP_TMPFS, 0, NULL, "/dev/shm", 01777);
  add_op (plan, WRAPPY_OP_SYMLINK, 0, "/proc/self/fd", "/dev/fd", 0);
  for (guint i = 0; i < G_N_ELEMENTS (std); i++)
    {
      g_autofree char *target = g_strdup_printf ("/proc/self/fd/%u", i);
      g_autofree char *dest = g_build_filename ("/dev", std[i], NULL);
      add_op (plan, WRAPPY_OP_SYMLINK, 0, target, dest, 0);
    }
  /* Paranoid is minimal /dev only, whatever the app declares. */
  if (spec->isolation != WRAPPY_ISOLATION_PARANOID && f->has_dri
      && (strv_has (spec->devices, "dri") || strv_has (spec->devices, "all")))
    add_op (plan, WRAPPY_OP_BIND, WRAPPY_OP_FLAG_DEVICES | WRAPPY_OP_FLAG_OPTIONAL, "/dev/dri",
            "/dev/dri", 0);
}

static void
add_proc_sys (WrappyPlan *plan, const WrappyLaunchSpec *spec, const WrappyHostFacts *f)
{
  static const char *const proc_ro[]
      = { "/proc/sys", "/proc/sysrq-trigger", "/proc/irq", "/proc/bus" };
  static const char *const sys_ro[]
      = { "/sys/block", "/sys/bus", "/sys/class", "/sys/dev", "/sys/devices" };
  static const char *const sys_net[] = { "/sys/class/net", "/sys/devices/virtual/net" };

  add_op (plan, WRAPPY_OP_PROC, 0, NULL, "/proc", 0);
  /* As flatpak does: these let root in the sandbox reconfigure the kernel. */
  for (guint i = 0; i < G_N_ELEMENTS (proc_ro); i++)
    add_op (plan, WRAPPY_OP_BIND,
            WRAPPY_OP_FLAG_RO | WRAPPY_OP_FLAG_OPTIONAL | WRAPPY_OP_FLAG_SANDBOX_SRC, proc_ro[i],
            proc_ro[i], 0);
  /* The kernel's command line (boot parameters, sometimes secrets) is the host's: /dev/null
   * over it, without device access, so opening it fails (issue 16, finding 5). */
  if (spec->hide_host_facts)
    add_op (plan, WRAPPY_OP_BIND,
            WRAPPY_OP_FLAG_RO | WRAPPY_OP_FLAG_OPTIONAL | WRAPPY_OP_FLAG_SANDBOX_SRC, "/dev/null",
            "/proc/cmdline", 0);
  add_op (plan, WRAPPY_OP_DIR, 0, NULL, "/sys", 0755);
  for (guint i = 0; i < G_N_ELEMENTS (sys_ro); i++)
    add_op (plan, WRAPPY_OP_BIND, WRAPPY_OP_FLAG_RO | WRAPPY_OP_FLAG_OPTIONAL, sys_ro[i], sys_ro[i],
            0);
  /* This sysfs is the host's: with a network of its own, the host's interfaces are not
   * the app's business (they were listed under /sys/class/net). */
  if (plan->clone_flags & CLONE_NEWNET)
    {
      for (guint i = 0; i < G_N_ELEMENTS (sys_net); i++)
        add_op (plan, WRAPPY_OP_TMPFS, WRAPPY_OP_FLAG_RO | WRAPPY_OP_FLAG_OPTIONAL, NULL,
                sys_net[i], 0755);
      /* …and under the devices themselves (/sys/devices/pci…/net/eth0). */
      for (char **d = f->host_net_dirs; d && *d; d++)
        add_op (plan, WRAPPY_OP_TMPFS, WRAPPY_OP_FLAG_RO | WRAPPY_OP_FLAG_OPTIONAL, NULL, *d, 0755);
    }
}

/* --isolation=none: the layout over a view of the host's own root. */
static void
add_host_root (WrappyPlan *plan, const WrappyLaunchSpec *spec, const WrappyHostFacts *f)
{
  static const char *const replaced[] = { "usr",   "app",   "etc",    "bin",  "sbin", "lib",
                                          "lib32", "lib64", "libx32", "proc", "dev",  "sys" };

  for (char **e = f->host_root_entries; e && *e; e++)
    {
      g_autofree char *p = NULL;
      if (TABLE_HAS (replaced, *e) || strchr (*e, '/') != NULL
          || (spec->root_base && (is_apps_dir (spec, *e) || base_provides (spec, f, *e))))
        continue;
      p = g_build_filename ("/", *e, NULL);
      add_op (plan, WRAPPY_OP_BIND, WRAPPY_OP_FLAG_OPTIONAL, p, p, 0);
    }
  add_op (plan, WRAPPY_OP_BIND, WRAPPY_OP_FLAG_DEVICES, "/dev", "/dev", 0);
  add_op (plan, WRAPPY_OP_BIND, 0, "/proc", "/proc", 0);
  add_op (plan, WRAPPY_OP_BIND, WRAPPY_OP_FLAG_OPTIONAL, "/sys", "/sys", 0);
}

static WrappyHomeMode
effective_home (const WrappyLaunchSpec *spec)
{
  if (spec->home != WRAPPY_HOME_DEFAULT)
    return spec->home;
  return spec->isolation == WRAPPY_ISOLATION_NONE ? WRAPPY_HOME_HOST : WRAPPY_HOME_PRIVATE;
}

static gboolean
add_home (WrappyPlan *plan, const WrappyLaunchSpec *spec, const WrappyHostFacts *f, GError **error)
{
  static const char *const xdg[] = { "data", "config", "cache", ".local/state" };
  WrappyHomeMode mode = effective_home (spec);

  if (f->home == NULL || !wrappy_plan_valid_sandbox_path (f->home) || strcmp (f->home, "/") == 0)
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_SANDBOX_SETUP,
                   _ ("cannot use '%s' as the home directory"), f->home ? f->home : "");
      return FALSE;
    }
  switch (mode)
    {
    case WRAPPY_HOME_PRIVATE:
      {
        g_autofree char *src = NULL;
        if (spec->state_dir == NULL)
          {
            g_set_error_literal (error, WRAPPY_ERROR, WRAPPY_ERROR_SANDBOX_SETUP,
                                 _ ("a private home needs a state directory"));
            return FALSE;
          }
        src = g_build_filename (spec->state_dir, "home", NULL);
        add_op (plan, WRAPPY_OP_BIND, WRAPPY_OP_FLAG_NOFOLLOW | WRAPPY_OP_FLAG_CREATE, src, f->home,
                0);
        break;
      }
    case WRAPPY_HOME_TMPFS:
      add_op (plan, WRAPPY_OP_TMPFS, 0, NULL, f->home, 0700);
      break;
    case WRAPPY_HOME_HOST:
      /* At none the host's root, home included, is already there. */
      if (spec->isolation != WRAPPY_ISOLATION_NONE)
        add_op (plan, WRAPPY_OP_BIND, 0, f->home, f->home, 0);
      break;
    case WRAPPY_HOME_OVERLAY:
      {
        /* The host home is the lower layer: read, never written. */
        WrappyOp *op;
        if (spec->state_dir == NULL)
          {
            g_set_error_literal (error, WRAPPY_ERROR, WRAPPY_ERROR_SANDBOX_SETUP,
                                 _ ("an overlay home needs a state directory"));
            return FALSE;
          }
        op = add_op (plan, WRAPPY_OP_OVERLAY, WRAPPY_OP_FLAG_NOFOLLOW | WRAPPY_OP_FLAG_CREATE,
                     f->home, f->home, 0700);
        op->upper = g_build_filename (spec->state_dir, "home-upper", NULL);
        op->work = g_build_filename (spec->state_dir, "home-work", NULL);
        break;
      }
    default:
      g_assert_not_reached ();
    }

  /* Flatpak's per-app XDG dirs, so that Flathub apps find their data where they
   * expect it. Optional: the home belongs to the app, which may have moved things. A host
   * program uses the home's own XDG dirs. */
  for (guint i = 0; spec->app_path != NULL && spec->root_base == NULL && i < G_N_ELEMENTS (xdg);
       i++)
    {
      g_autofree char *d = g_build_filename (f->home, ".var/app", spec->app_id, xdg[i], NULL);
      add_op (plan, WRAPPY_OP_DIR, WRAPPY_OP_FLAG_OPTIONAL, NULL, d, 0700);
    }
  return TRUE;
}

/* After the grants: with a home grant they land in the real home, as snapd's do. */
static void
add_home_dirs (WrappyPlan *plan, const WrappyLaunchSpec *spec, const WrappyHostFacts *f)
{
  for (char **d = spec->root_base ? spec->root_base->home_dirs : NULL; d && *d; d++)
    {
      g_autofree char *p = g_build_filename (f->home, *d, NULL);
      if (wrappy_plan_valid_sandbox_path (p) && wrappy_plan_path_is_under (p, f->home)
          && strcmp (p, f->home) != 0)
        add_op (plan, WRAPPY_OP_DIR, WRAPPY_OP_FLAG_OPTIONAL, NULL, p, 0700);
    }
}

static gboolean
is_reserved_dest (const char *dest)
{
  for (guint i = 0; i < G_N_ELEMENTS (reserved_trees); i++)
    if (wrappy_plan_path_is_under (dest, reserved_trees[i]))
      return TRUE;
  return TABLE_HAS (reserved_dirs, dest) || g_str_has_prefix (dest, "/run/user/");
}

static gint
compare_ops_by_depth (gconstpointer a, gconstpointer b)
{
  const WrappyOp *oa = *(WrappyOp **)a;
  const WrappyOp *ob = *(WrappyOp **)b;
  guint da = wrappy_plan_path_depth (oa->dest), db = wrappy_plan_path_depth (ob->dest);

  if (da != db)
    return da < db ? -1 : 1;
  return strcmp (oa->dest, ob->dest);
}

static WrappyOp *
new_bind (const char *src, const char *dest, WrappyOpFlags flags)
{
  WrappyOp *op = g_new0 (WrappyOp, 1);

  op->kind = WRAPPY_OP_BIND;
  op->flags = flags;
  op->src = g_strdup (src);
  op->dest = g_strdup (dest);
  return op;
}

/* Flatpak's named user dirs (xdg-download, …) and the GUserDirectory they are. */
static const struct
{
  const char *name;
  GUserDirectory dir;
} xdg_grants[] = {
  { "xdg-desktop", G_USER_DIRECTORY_DESKTOP },
  { "xdg-documents", G_USER_DIRECTORY_DOCUMENTS },
  { "xdg-download", G_USER_DIRECTORY_DOWNLOAD },
  { "xdg-music", G_USER_DIRECTORY_MUSIC },
  { "xdg-pictures", G_USER_DIRECTORY_PICTURES },
  { "xdg-public-share", G_USER_DIRECTORY_PUBLIC_SHARE },
  { "xdg-templates", G_USER_DIRECTORY_TEMPLATES },
  { "xdg-videos", G_USER_DIRECTORY_VIDEOS },
};

/* Flatpak's base-dir grants: the host's XDG base directory, from the caller's
 * environment (absolute values only, as the XDG spec says), else the default. */
static const struct
{
  const char *name;
  const char *var;
  const char *home_default; /* under the home; NULL: no default (xdg-run) */
} xdg_base_grants[] = {
  { "xdg-config", "XDG_CONFIG_HOME", ".config" },
  { "xdg-data", "XDG_DATA_HOME", ".local/share" },
  { "xdg-cache", "XDG_CACHE_HOME", ".cache" },
  { "xdg-run", "XDG_RUNTIME_DIR", NULL },
};

/* "NAME" or "NAME/sub…": the rest after NAME ("" or "/sub…"), else NULL. */
static const char *
grant_rest (const char *path, const char *name)
{
  gsize n = strlen (name);

  if (strncmp (path, name, n) != 0 || (path[n] != '\0' && path[n] != '/'))
    return NULL;
  return path + n;
}

static char *
grant_base_dir_path (const char *path, const WrappyHostFacts *f)
{
  for (guint i = 0; i < G_N_ELEMENTS (xdg_base_grants); i++)
    {
      const char *rest = grant_rest (path, xdg_base_grants[i].name);
      const char *value = g_environ_getenv (f->env, xdg_base_grants[i].var);

      if (rest == NULL)
        continue;
      /* xdg-run is granted per socket or file, never the whole runtime dir. */
      if (xdg_base_grants[i].home_default == NULL && rest[0] == '\0')
        return NULL;
      if (value != NULL && g_path_is_absolute (value))
        return g_build_filename (value, rest, NULL);
      if (xdg_base_grants[i].home_default == NULL)
        return NULL;
      return g_build_filename (f->home, xdg_base_grants[i].home_default, rest, NULL);
    }
  return NULL;
}

/* Whether a grant names one of the XDG user dirs (xdg-music[/sub][:ro], …). */
static gboolean
names_user_dir (const char *grant)
{
  for (guint i = 0; i < G_N_ELEMENTS (xdg_grants); i++)
    if (grant_rest (grant, xdg_grants[i].name) != NULL
        || (g_str_has_prefix (grant, xdg_grants[i].name)
            && grant[strlen (xdg_grants[i].name)] == ':'))
      return TRUE;
  return FALSE;
}

/* The host path a grant names ("/abs", "~/dir", "xdg-music/sub", "xdg-config/app"), or
 * NULL. */
static char *
grant_host_path (const char *path, const WrappyHostFacts *f)
{
  if (g_str_has_prefix (path, "~/") || strcmp (path, "~") == 0)
    return g_build_filename (f->home, path + 1, NULL);
  if (path[0] == '/')
    return g_strdup (path);
  for (guint i = 0; i < G_N_ELEMENTS (xdg_base_grants); i++)
    if (grant_rest (path, xdg_base_grants[i].name) != NULL)
      return grant_base_dir_path (path, f);
  for (guint i = 0; i < G_N_ELEMENTS (xdg_grants); i++)
    {
      gsize n = strlen (xdg_grants[i].name);
      const char *dir = f->user_dirs[xdg_grants[i].dir];
      if (strncmp (path, xdg_grants[i].name, n) != 0 || (path[n] != '\0' && path[n] != '/'))
        continue;
      /* GLib falls back to the home itself for an unset dir: that is not a grant of it. */
      if (dir == NULL || strcmp (dir, f->home) == 0)
        return NULL;
      return g_build_filename (dir, path + n, NULL);
    }
  return NULL;
}

/* A home grant gives way to a home mode the user picked on the command line (said in
 * notes), and means nothing at none, where the home is the host's already. */
static gboolean
home_grant_skipped (const WrappyLaunchSpec *spec, const char *grant, GPtrArray *notes)
{
  if (spec->isolation == WRAPPY_ISOLATION_NONE)
    return TRUE;
  if (spec->home == WRAPPY_HOME_DEFAULT)
    return FALSE;
  g_ptr_array_add (notes, g_strdup_printf (_ ("filesystem grant '%s' not applied: the home mode "
                                              "was given on the command line"),
                                           grant));
  return TRUE;
}

/* "home" (and the home part of "host"): the host home over the home mode's, unless the
 * user picked a home mode on the command line, which wins over the app's wish. */
static void
grant_home (GPtrArray *binds, const WrappyLaunchSpec *spec, const WrappyHostFacts *f,
            const char *grant, gboolean ro, GPtrArray *notes)
{
  if (home_grant_skipped (spec, grant, notes))
    return;
  g_ptr_array_add (binds, new_bind (f->home, f->home, ro ? WRAPPY_OP_FLAG_RO : 0));
}

/* "snap-home", a snap's home plug as snapd means it: the home's non-hidden entries but
 * ~/snap (other snaps' data), and the snap's own ~/snap/NAME (made if missing), over the
 * home mode's home (issue 16: the plug gave the hidden files too; an app appended to
 * ~/.bashrc). An entry the app makes at the top of the home stays in its own home. */
static void
grant_snap_home (GPtrArray *binds, const WrappyLaunchSpec *spec, const WrappyHostFacts *f,
                 const char *grant, gboolean ro, GPtrArray *notes)
{
  const WrappyOpFlags flags = (ro ? WRAPPY_OP_FLAG_RO : 0) | WRAPPY_OP_FLAG_OPTIONAL;
  g_auto (GStrv) own = NULL;

  if (home_grant_skipped (spec, grant, notes))
    return;
  for (char **e = f->home_entries; e && *e; e++)
    {
      g_autofree char *p = NULL;
      if ((*e)[0] == '.' || strchr (*e, '/') != NULL || strcmp (*e, "snap") == 0)
        continue;
      p = g_build_filename (f->home, *e, NULL);
      g_ptr_array_add (binds, new_bind (p, p, flags));
    }
  /* The root base's first home dir is snap/NAME/REVISION (wrappy-snap-launch.c). */
  if (spec->root_base != NULL && spec->root_base->home_dirs && spec->root_base->home_dirs[0])
    own = g_strsplit (spec->root_base->home_dirs[0], "/", 3);
  if (own != NULL && g_strv_length (own) >= 2 && strcmp (own[0], "snap") == 0
      && wrappy_path_is_clean (own[1]) && own[1][0] != '.')
    {
      g_autofree char *p = g_build_filename (f->home, "snap", own[1], NULL);
      g_ptr_array_add (binds, new_bind (p, p, flags | (ro ? 0 : WRAPPY_OP_FLAG_CREATE)));
    }
}

/* "host-os": the host's system dirs under /run/host (/usr and the top-level links into
 * it, and os-release); "host-etc": the host's /etc at /run/host/etc. Read-only at every
 * level, as in Flatpak; a host program already has both. */
static void
grant_host_system (GPtrArray *binds, const WrappyLaunchSpec *spec, const char *which)
{
  static const char *const os_dirs[]
      = { "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32" };
  const WrappyOpFlags flags = WRAPPY_OP_FLAG_RO | WRAPPY_OP_FLAG_OPTIONAL;

  if (spec->host_base)
    return;
  if (strcmp (which, "host-etc") == 0)
    {
      g_ptr_array_add (binds, new_bind ("/etc", "/run/host/etc", flags));
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (os_dirs); i++)
    {
      g_autofree char *dest = g_strconcat ("/run/host", os_dirs[i], NULL);
      /* A merged-/usr host's /bin is a link: the bind follows it, which is what a
       * lookup through /run/host/bin would do. */
      g_ptr_array_add (binds, new_bind (os_dirs[i], dest, flags));
    }
  g_ptr_array_add (binds, new_bind ("/usr/lib/os-release", "/run/host/os-release", flags));
}

/* Flatpak-style filesystem grants: "/abs/path", "~/dir", "home", "host", "host-os",
 * "host-etc", "xdg-NAME[/sub]" (user dirs and xdg-config, -data, -cache, -run), with an
 * optional ":ro", ":rw" or ":create" suffix (the policy marks each one; read-write if not).
 * ":create" makes a missing directory under the home (only there) at launch. "host" is the home
 * plus the removable-media and data trees (/media, /mnt, /run/media, /srv); never the host's /usr,
 * /etc or other system dirs. Anything else ends up in plan->notes. */
static void
add_grants (GPtrArray *binds, const WrappyLaunchSpec *spec, const WrappyHostFacts *f,
            GPtrArray *notes)
{
  static const char *const host_trees[] = { "/media", "/mnt", "/run/media", "/srv" };

  for (char **g = spec->filesystems; g && *g; g++)
    {
      g_autofree char *path = g_strdup (*g);
      g_autofree char *abs = NULL, *canon = NULL;
      const char *rest;
      char *colon = strrchr (path, ':');
      gboolean ro = FALSE;
      gboolean create = colon != NULL && strcmp (colon, ":create") == 0;

      if (colon != NULL
          && (strcmp (colon, ":ro") == 0 || strcmp (colon, ":rw") == 0
              || strcmp (colon, ":create") == 0))
        {
          ro = strcmp (colon, ":ro") == 0;
          *colon = '\0';
        }
      if (strcmp (path, "host-os") == 0 || strcmp (path, "host-etc") == 0)
        {
          grant_host_system (binds, spec, path);
          continue;
        }
      if (strcmp (path, "snap-home") == 0)
        {
          grant_snap_home (binds, spec, f, *g, ro, notes);
          continue;
        }
      if (strcmp (path, "home") == 0 || strcmp (path, "host") == 0)
        {
          grant_home (binds, spec, f, *g, ro, notes);
          for (guint i = 0; strcmp (path, "host") == 0 && i < G_N_ELEMENTS (host_trees); i++)
            g_ptr_array_add (binds,
                             new_bind (host_trees[i], host_trees[i],
                                       (ro ? WRAPPY_OP_FLAG_RO : 0) | WRAPPY_OP_FLAG_OPTIONAL));
          continue;
        }
      abs = grant_host_path (path, f);
      if (abs == NULL)
        {
          g_ptr_array_add (notes, g_strdup_printf (_ ("filesystem grant '%s' not applied"), *g));
          continue;
        }
      canon = g_canonicalize_filename (abs, "/");
      /* xdg-run/NAME: the host's runtime dir entry, at the sandbox's own runtime dir. */
      if ((rest = grant_rest (path, "xdg-run")) != NULL)
        {
          g_autofree char *run_dir = g_strdup_printf ("/run/user/%u", (guint)f->uid);
          g_autofree char *dest = g_canonicalize_filename (rest + 1, run_dir);

          if (wrappy_plan_path_is_under (dest, run_dir) && strcmp (dest, run_dir) != 0)
            g_ptr_array_add (
                binds,
                new_bind (canon, dest, (ro ? WRAPPY_OP_FLAG_RO : 0) | WRAPPY_OP_FLAG_OPTIONAL));
          else
            g_ptr_array_add (notes, g_strdup_printf (_ ("filesystem grant '%s' not applied"), *g));
          continue;
        }
      /* The home or a dir that holds it would bypass the home mode (issue 16: "~/.."
       * was bound read-write as /home); the policy refuses these first. */
      if (is_reserved_dest (canon) || wrappy_plan_path_is_under (f->home, canon))
        {
          g_ptr_array_add (notes,
                           g_strdup_printf (_ ("filesystem grant '%s' not applied: reserved"), *g));
          continue;
        }
      g_ptr_array_add (binds, new_bind (canon, canon,
                                        (ro ? WRAPPY_OP_FLAG_RO : 0) | WRAPPY_OP_FLAG_OPTIONAL
                                            | (create && wrappy_plan_path_is_under (canon, f->home)
                                                   ? WRAPPY_OP_FLAG_CREATE
                                                   : 0)));
    }
}

/* --bind, --ro-bind and path-pattern config: the destination is checked as a grant's
 * is, except that the sandbox's own runtime dir may receive sockets. An explicit bind
 * with a bad destination is an error; one from a config file a note. */
static gboolean
add_binds (GPtrArray *binds, const WrappyLaunchSpec *spec, const WrappyHostFacts *f,
           GPtrArray *notes, GError **error)
{
  g_autofree char *run_dir = g_strdup_printf ("/run/user/%u", (guint)f->uid);

  for (guint i = 0; spec->binds != NULL && i < spec->binds->len; i++)
    {
      const WrappyBind *b = spec->binds->pdata[i];
      gboolean in_run_dir = wrappy_plan_valid_sandbox_path (b->dest)
                            && wrappy_plan_path_is_under (b->dest, run_dir)
                            && strcmp (b->dest, run_dir) != 0;

      if (b->src == NULL || b->src[0] != '/' || !wrappy_plan_valid_sandbox_path (b->dest)
          || (is_reserved_dest (b->dest) && !in_run_dir))
        {
          if (b->optional)
            {
              g_ptr_array_add (notes, g_strdup_printf (_ ("%s not bound at %s: reserved"),
                                                       b->src ? b->src : "", b->dest));
              continue;
            }
          g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_USAGE,
                       _ ("cannot bind %s at '%s': the destination must be an absolute, clean "
                          "path outside the sandbox's own layout"),
                       b->src ? b->src : "", b->dest ? b->dest : "");
          return FALSE;
        }
      g_ptr_array_add (binds, new_bind (b->src, b->dest,
                                        (b->ro ? WRAPPY_OP_FLAG_RO : 0)
                                            | (b->optional ? WRAPPY_OP_FLAG_OPTIONAL : 0)));
    }
  return TRUE;
}

static gboolean
env_is_stripped (const char *entry)
{
  const char *eq = strchr (entry, '=');
  g_autofree char *name = eq ? g_strndup (entry, eq - entry) : g_strdup (entry);

  if (TABLE_HAS (stripped_env, name))
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (stripped_env_prefixes); i++)
    if (g_str_has_prefix (name, stripped_env_prefixes[i]))
      return TRUE;
  return FALSE;
}

/* With an allowlist (the policy's, at full and paranoid), only the caller's variables
 * it names (NAME, or PREFIX*) reach the app (issue 16, finding 5: AWS_SECRET_ACCESS_KEY,
 * SSH_AUTH_SOCK and tokens did). */
static gboolean
env_is_let_in (const char *entry, char **allow)
{
  const char *eq = strchr (entry, '=');
  gsize n = eq - entry;

  if (allow == NULL)
    return TRUE;
  for (char **a = allow; *a; a++)
    {
      gsize len = strlen (*a);
      if (len > 0 && (*a)[len - 1] == '*' ? strncmp (entry, *a, len - 1) == 0
                                          : len == n && strncmp (entry, *a, n) == 0)
        return TRUE;
    }
  return FALSE;
}

/* The search paths and XDG base dirs: Flatpak's for an app (~/.var/app/ID/…), the usual
 * ones for a host program, which has no /app and is no Flatpak app. */
static char **
set_layout_env (char **envp, const WrappyLaunchSpec *spec, const WrappyHostFacts *f)
{
  gboolean app = spec->app_path != NULL && spec->root_base == NULL;
  g_autofree char *var_app
      = app ? g_build_filename (f->home, ".var/app", spec->app_id, NULL) : g_strdup (f->home);
  g_autofree char *data = g_build_filename (var_app, app ? "data" : ".local/share", NULL);
  g_autofree char *config = g_build_filename (var_app, app ? "config" : ".config", NULL);
  g_autofree char *cache = g_build_filename (var_app, app ? "cache" : ".cache", NULL);
  g_autofree char *state = g_build_filename (var_app, ".local/state", NULL);

  envp = g_environ_setenv (
      envp, "PATH", app ? "/app/bin:/usr/bin" : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin",
      TRUE);
  envp = g_environ_setenv (envp, "XDG_DATA_DIRS",
                           app ? "/app/share:/usr/share" : "/usr/local/share:/usr/share", TRUE);
  envp = g_environ_setenv (envp, "XDG_CONFIG_DIRS", app ? "/app/etc/xdg:/etc/xdg" : "/etc/xdg",
                           TRUE);
  envp = g_environ_setenv (envp, "XDG_DATA_HOME", data, TRUE);
  envp = g_environ_setenv (envp, "XDG_CONFIG_HOME", config, TRUE);
  envp = g_environ_setenv (envp, "XDG_CACHE_HOME", cache, TRUE);
  envp = g_environ_setenv (envp, "XDG_STATE_HOME", state, TRUE);
  if (app)
    envp = g_environ_setenv (envp, "FLATPAK_ID", spec->app_id, TRUE);
  return envp;
}

static char **
build_env (const WrappyLaunchSpec *spec, const WrappyHostFacts *f)
{
  g_autoptr (GPtrArray) env = g_ptr_array_new_with_free_func (g_free);
  g_auto (GStrv) envp = NULL;
  g_autofree char *run_dir = g_strdup_printf ("/run/user/%u", (guint)f->uid);
  gboolean none = spec->isolation == WRAPPY_ISOLATION_NONE;
  const char *host_runtime_dir = g_environ_getenv (f->env, "XDG_RUNTIME_DIR");

  for (char **e = f->env; e && *e; e++)
    if (strchr (*e, '=') != NULL && !env_is_stripped (*e) && env_is_let_in (*e, spec->host_env))
      g_ptr_array_add (env, g_strdup (*e));
  g_ptr_array_add (env, NULL);
  envp = (char **)g_ptr_array_free (g_steal_pointer (&env), FALSE);

  envp = set_layout_env (envp, spec, f);
  /* At none the host's runtime dir (and its sockets) is what the app sees. */
  envp = g_environ_setenv (envp, "XDG_RUNTIME_DIR",
                           none && host_runtime_dir ? host_runtime_dir : run_dir, TRUE);
  envp = g_environ_setenv (envp, "HOME", f->home, TRUE);
  envp = g_environ_setenv (envp, "SHELL", "/bin/sh", TRUE);
  envp = g_environ_setenv (envp, "container", wrappy_plan_container_name (spec), TRUE);

  for (char **e = spec->env; e && *e; e++)
    {
      const char *eq = strchr (*e, '=');
      g_autofree char *name = NULL;
      if (eq == NULL || eq == *e)
        continue;
      name = g_strndup (*e, eq - *e);
      envp = g_environ_setenv (envp, name, eq + 1, TRUE);
    }
  return g_steal_pointer (&envp);
}

/* The namespaces the policy's level table gives (spec->unshare); the network's only when
 * "network" is not shared (at paranoid the policy only shares it when the user asked on
 * the command line). */
static int
clone_flags_for (const WrappyLaunchSpec *spec)
{
  static const struct
  {
    WrappyUnshare what;
    int flag;
  } map[] = { { WRAPPY_UNSHARE_PID, CLONE_NEWPID },
              { WRAPPY_UNSHARE_IPC, CLONE_NEWIPC },
              { WRAPPY_UNSHARE_UTS, CLONE_NEWUTS },
              { WRAPPY_UNSHARE_CGROUP, CLONE_NEWCGROUP } };
  int flags = CLONE_NEWUSER | CLONE_NEWNS;

  for (guint i = 0; i < G_N_ELEMENTS (map); i++)
    if (spec->unshare & map[i].what)
      flags |= map[i].flag;
  if ((spec->unshare & WRAPPY_UNSHARE_NET) && !strv_has (spec->shared, "network"))
    flags |= CLONE_NEWNET;
  return flags;
}

static gboolean
add_fs_ops (WrappyPlan *plan, const WrappyLaunchSpec *spec, const WrappyHostFacts *f,
            GPtrArray *notes, GError **error)
{
  static const char *const usr_links[] = { "bin", "lib", "lib32", "lib64", "libx32", "sbin" };
  gboolean none = spec->isolation == WRAPPY_ISOLATION_NONE;
  g_autofree char *run_dir = g_strdup_printf ("/run/user/%u", (guint)f->uid);

  g_autoptr (GPtrArray) binds = g_ptr_array_new_with_free_func ((GDestroyNotify)op_free);
  g_autoptr (GPtrArray) masks = g_ptr_array_new_with_free_func ((GDestroyNotify)op_free);
  g_autoptr (GPtrArray) stubs = NULL;

  if (!add_layers (plan, spec, f, notes, error))
    return FALSE;
  for (guint i = 0; spec->root_base == NULL && i < G_N_ELEMENTS (usr_links); i++)
    if (strv_has (f->base_entries, usr_links[i]))
      {
        g_autofree char *target = g_build_filename ("usr", usr_links[i], NULL);
        g_autofree char *dest = g_build_filename ("/", usr_links[i], NULL);
        add_op (plan, WRAPPY_OP_SYMLINK, 0, target, dest, 0);
      }
  add_etc (plan, spec, f, !(plan->clone_flags & CLONE_NEWNET));
  if (!add_ld_conf (plan, spec, error))
    return FALSE;

  if (none)
    add_host_root (plan, spec, f);
  else
    {
      add_dev (plan, spec, f);
      add_proc_sys (plan, spec, f);
      add_op (plan, WRAPPY_OP_TMPFS, 0, NULL, "/tmp", 01777);
      add_op (plan, WRAPPY_OP_DIR, 0, NULL, "/var", 0755);
      add_op (plan, WRAPPY_OP_SYMLINK, 0, "../tmp", "/var/tmp", 0);
      add_op (plan, WRAPPY_OP_SYMLINK, 0, "../run", "/var/run", 0);
      add_op (plan, WRAPPY_OP_TMPFS, 0, NULL, run_dir, 0700);
    }
  if (!add_home (plan, spec, f, error))
    return FALSE;
  add_grants (binds, spec, f, notes);
  if (!add_binds (binds, spec, f, notes, error))
    return FALSE;
  wrappy_plan_add_host_lends (plan, binds, spec, f);
  wrappy_plan_add_container_manager (plan, spec);
  stubs = g_ptr_array_new_with_free_func (g_free);
  wrappy_plan_add_protection (binds, masks, stubs, spec, f, effective_home (spec), notes);
  if (stubs->len > 0)
    {
      g_ptr_array_add (stubs, NULL);
      plan->stubs = (char **)g_ptr_array_steal (stubs, NULL);
    }
  /* Parents first, so that a grant inside another one stays visible. */
  g_ptr_array_sort (binds, compare_ops_by_depth);
  g_ptr_array_sort (masks, compare_ops_by_depth);
  for (guint i = 0; i < binds->len; i++)
    g_ptr_array_add (plan->ops, g_steal_pointer (&binds->pdata[i]));
  g_ptr_array_set_size (binds, 0);
  for (guint i = 0; i < masks->len; i++)
    g_ptr_array_add (plan->ops, g_steal_pointer (&masks->pdata[i]));
  g_ptr_array_set_size (masks, 0);
  add_home_dirs (plan, spec, f);
  wrappy_plan_add_sockets (plan, spec, f, notes);
  /* The skeleton (mount points, symlinks, /etc) is read-only once it is built. */
  add_op (plan, WRAPPY_OP_REMOUNT_RO, 0, NULL, "/", 0);
  return TRUE;
}

WrappyPlan *
wrappy_plan_new (const WrappyLaunchSpec *spec, const WrappyHostFacts *facts, GError **error)
{
  g_autoptr (WrappyPlan) plan = g_new0 (WrappyPlan, 1);
  g_autoptr (GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *cgroup_name = NULL;

  if (spec->app_id == NULL || spec->argv == NULL || spec->argv[0] == NULL
      || spec->argv[0][0] == '\0')
    {
      g_set_error_literal (error, WRAPPY_ERROR, WRAPPY_ERROR_SANDBOX_SETUP,
                           _ ("the app has no command to run; use --command"));
      return NULL;
    }
  plan->ops = g_ptr_array_new_with_free_func ((GDestroyNotify)op_free);
  plan->uid = facts->uid;
  plan->gid = facts->gid;
  plan->clone_flags = clone_flags_for (spec);
  if ((plan->clone_flags & CLONE_NEWUTS) && spec->hide_host_facts)
    plan->hostname = g_strdup (SANDBOX_HOSTNAME);
  plan->seccomp = spec->seccomp;
  if (!add_fs_ops (plan, spec, facts, notes, error))
    return NULL;
  plan->argv = g_strdupv (spec->argv);
  plan->envp = wrappy_plan_socket_env (build_env (spec, facts), plan, spec, facts);
  plan->cwd = g_strdup (spec->cwd ? spec->cwd : facts->home);
  plan->state_dir = g_strdup (spec->state_dir);
  /* A host program's id is "host/NAME": one cgroup, not a nested pair. */
  cgroup_name = g_strdelimit (g_strdup (spec->app_id), "/", '-');
  if (!wrappy_limits_plan_init (&plan->limits, &spec->limits, spec->isolation, cgroup_name,
                                &facts->limits, error))
    return NULL;
  g_ptr_array_add (notes, NULL);
  plan->notes = (char **)g_ptr_array_free (g_steal_pointer (&notes), FALSE);
  return g_steal_pointer (&plan);
}

const WrappyOp *
wrappy_plan_find_op (const WrappyPlan *plan, const char *dest)
{
  const WrappyOp *found = NULL;

  for (guint i = 0; i < plan->ops->len; i++)
    {
      const WrappyOp *op = plan->ops->pdata[i];
      if (strcmp (op->dest, dest) == 0)
        found = op;
    }
  return found;
}

gboolean
wrappy_plan_shows_host_path (const WrappyPlan *plan, const char *path)
{
  const WrappyOp *last = NULL;
  g_autofree char *src = NULL;

  /* The last mount over path decides what is there (later mounts hide earlier ones). */
  for (guint i = 0; i < plan->ops->len; i++)
    {
      const WrappyOp *op = plan->ops->pdata[i];
      if (op->kind == WRAPPY_OP_DIR || op->kind == WRAPPY_OP_SYMLINK
          || op->kind == WRAPPY_OP_REMOUNT_RO || !wrappy_plan_path_is_under (path, op->dest))
        continue;
      last = op;
    }
  if (last == NULL || (last->kind != WRAPPY_OP_BIND && last->kind != WRAPPY_OP_OVERLAY)
      || (last->flags & WRAPPY_OP_FLAG_SANDBOX_SRC) || last->src == NULL)
    return FALSE;
  /* The same host file: src/REST where dest/REST is path. */
  src = g_build_filename (last->src, path + strlen (last->dest), NULL);
  return strcmp (src, path) == 0;
}

const char *
wrappy_op_kind_to_string (WrappyOpKind kind)
{
  static const char *const names[]
      = { "bind", "tmpfs", "proc", "devpts", "dir", "symlink", "file", "remount-ro", "overlay" };
  if ((guint)kind < G_N_ELEMENTS (names))
    return names[kind];
  return "unknown";
}

static char *
describe_op (const WrappyOp *op)
{
  const char *kind = wrappy_op_kind_to_string (op->kind);
  g_autoptr (GString) s = g_string_new (NULL);

  if (op->kind == WRAPPY_OP_BIND)
    g_string_append_printf (s, "%s%s%s %s -> %s", op->flags & WRAPPY_OP_FLAG_RO ? "ro-" : "", kind,
                            op->flags & WRAPPY_OP_FLAG_DEVICES ? "-dev" : "", op->src, op->dest);
  else if (op->kind == WRAPPY_OP_SYMLINK)
    g_string_append_printf (s, "%s %s -> %s", kind, op->dest, op->src);
  else if (op->kind == WRAPPY_OP_OVERLAY)
    g_string_append_printf (s, "%s %s -> %s (upper %s)", kind, op->src, op->dest,
                            op->upper ? op->upper : "tmpfs");
  else if (op->kind == WRAPPY_OP_FILE)
    g_string_append_printf (s, "%s %s (%zu bytes)", kind, op->dest,
                            op->src_len ? op->src_len : strlen (op->src));
  else if (op->kind == WRAPPY_OP_TMPFS || op->kind == WRAPPY_OP_DIR)
    g_string_append_printf (s, "%s %s (mode %04o)", kind, op->dest, op->mode);
  else
    g_string_append_printf (s, "%s %s", kind, op->dest);
  if (op->kind == WRAPPY_OP_TMPFS && (op->flags & WRAPPY_OP_FLAG_RO))
    g_string_append (s, " [ro]");
  if (op->flags & WRAPPY_OP_FLAG_OPTIONAL)
    g_string_append (s, " [optional]");
  if (op->flags & WRAPPY_OP_FLAG_NOFOLLOW)
    g_string_append (s, " [nofollow]");
  return g_string_free (g_steal_pointer (&s), FALSE);
}

char **
wrappy_plan_describe (const WrappyPlan *plan)
{
  static const struct
  {
    int flag;
    const char *name;
  } ns[] = { { CLONE_NEWUSER, "user" }, { CLONE_NEWNS, "mount" }, { CLONE_NEWPID, "pid" },
             { CLONE_NEWIPC, "ipc" },   { CLONE_NEWUTS, "uts" },  { CLONE_NEWCGROUP, "cgroup" },
             { CLONE_NEWNET, "net" } };
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
  g_autoptr (GString) line = g_string_new ("namespaces:");
  g_autofree char *limits = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (ns); i++)
    if (plan->clone_flags & ns[i].flag)
      g_string_append_printf (line, " %s", ns[i].name);
  g_strv_builder_add (b, line->str);
  strv_builder_take (b, g_strdup_printf ("uid-map: %u -> %u", (guint)plan->uid, (guint)plan->uid));
  strv_builder_take (b, g_strdup_printf ("gid-map: %u -> %u", (guint)plan->gid, (guint)plan->gid));
  strv_builder_take (
      b, g_strdup_printf ("seccomp: %s", wrappy_seccomp_level_to_string (plan->seccomp)));
  for (guint i = 0; i < plan->ops->len; i++)
    strv_builder_take (b, describe_op (plan->ops->pdata[i]));
  for (char **a = plan->argv; a && *a; a++)
    {
      g_autofree char *q = g_shell_quote (*a);
      strv_builder_take (b, g_strdup_printf ("argv: %s", q));
    }
  for (char **e = plan->envp; e && *e; e++)
    strv_builder_take (b, g_strdup_printf ("env: %s", *e));
  strv_builder_take (b, g_strdup_printf ("cwd: %s", plan->cwd));
  if (plan->hostname != NULL)
    strv_builder_take (b, g_strdup_printf ("hostname: %s", plan->hostname));
  limits = wrappy_limits_plan_describe (&plan->limits);
  if (limits != NULL)
    strv_builder_take (b, g_steal_pointer (&limits));
  if (plan->dbus_proxy != NULL)
    {
      g_autofree char *args = g_strjoinv (" ", plan->dbus_proxy->args);
      strv_builder_take (
          b,
          g_strdup_printf ("dbus-proxy: %s%s", args,
                           plan->dbus_proxy->flatpak_info != NULL ? " (with /.flatpak-info)" : ""));
    }
  for (char **n = plan->notes; n && *n; n++)
    strv_builder_take (b, g_strdup_printf ("note: %s", *n));
  return g_strv_builder_end (b);
}

static char **
list_dir (const char *path)
{
  g_autoptr (GDir) d = g_dir_open (path, 0, NULL);
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    g_strv_builder_add (b, name);
  return g_strv_builder_end (b);
}

/* /sys/class/net/NAME links to ../../devices/…/net/NAME: the …/net dirs but the virtual
 * ones (under /sys/devices/virtual/net, masked whole). */
static char **
host_net_dirs (void)
{
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
  g_auto (GStrv) names = list_dir ("/sys/class/net");

  for (char **n = names; n && *n; n++)
    {
      g_autofree char *link = g_build_filename ("/sys/class/net", *n, NULL);
      g_autofree char *target = g_file_read_link (link, NULL);
      g_autofree char *abs = NULL, *dir = NULL;

      if (target == NULL)
        continue;
      abs = g_canonicalize_filename (target, "/sys/class/net");
      dir = g_path_get_dirname (abs);
      if (g_str_has_prefix (dir, "/sys/devices/")
          && !g_str_has_prefix (dir, "/sys/devices/virtual/") && g_str_has_suffix (dir, "/net")
          && wrappy_plan_valid_sandbox_path (dir))
        g_strv_builder_add (b, dir);
    }
  return g_strv_builder_end (b);
}

/* The targets of the symlinks among /etc's names. */
static GHashTable *
dir_links (const char *dir, char **names)
{
  GHashTable *links = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (char **n = names; n && *n; n++)
    {
      g_autofree char *path = g_build_filename (dir, *n, NULL);
      char *target = g_file_read_link (path, NULL);
      if (target != NULL)
        g_hash_table_insert (links, g_strdup (*n), target);
    }
  return links;
}

void
wrappy_host_facts_collect (WrappyHostFacts *f, const WrappyLaunchSpec *spec)
{
  gboolean host_etc = spec->host_base || (spec->root_base != NULL);
  g_autofree char *base_etc
      = host_etc ? g_strdup ("/etc") : g_build_filename (spec->base_path, "etc", NULL);

  memset (f, 0, sizeof *f);
  f->uid = getuid ();
  f->gid = getgid ();
  f->user_name = g_strdup (g_get_user_name ());
  f->real_name = g_strdup (g_get_real_name ());
  f->home = g_canonicalize_filename (g_get_home_dir (), "/");
  f->cwd = g_get_current_dir ();
  f->env = g_get_environ ();
  f->base_entries = list_dir (spec->base_path);
  f->base_etc_entries = list_dir (base_etc);
  if (host_etc)
    f->host_etc_links = dir_links ("/etc", f->base_etc_entries);
  if (spec->root_base != NULL)
    f->base_root_links = dir_links (spec->base_path, f->base_entries);
  if (spec->isolation == WRAPPY_ISOLATION_NONE)
    f->host_root_entries = list_dir ("/");
  f->has_resolv_conf = access ("/etc/resolv.conf", F_OK) == 0;
  f->has_hosts = access ("/etc/hosts", F_OK) == 0;
  f->has_localtime = access ("/etc/localtime", F_OK) == 0;
  f->has_machine_id = access ("/etc/machine-id", F_OK) == 0;
  f->has_dri = access ("/dev/dri", F_OK) == 0;
  wrappy_host_facts_collect_lends (f, spec);
  /* Only read when the app gets a network of its own (clone_flags_for), where they are
   * masked: a readdir and a readlink per device less on every other launch. */
  if (spec->isolation != WRAPPY_ISOLATION_NONE && (spec->unshare & WRAPPY_UNSHARE_NET)
      && !strv_has (spec->shared, "network"))
    f->host_net_dirs = host_net_dirs ();
  /* Reading user-dirs.dirs is only worth it when a grant names one of them. */
  for (char **g = spec->filesystems; g && *g; g++)
    if (names_user_dir (*g))
      {
        for (int i = 0; i < G_USER_N_DIRECTORIES; i++)
          f->user_dirs[i] = g_strdup (g_get_user_special_dir ((GUserDirectory)i));
        break;
      }
  for (char **g = spec->filesystems; g && *g; g++)
    if (g_str_has_prefix (*g, "snap-home") && f->home_entries == NULL)
      f->home_entries = list_dir (f->home);
  wrappy_host_facts_collect_sockets (f, spec);
  /* Probing cgroups costs a mkdir and an rmdir: only when a limit will be in effect. */
  if (wrappy_limits_wanted (&spec->limits, spec->isolation))
    wrappy_limits_facts_collect (&f->limits,
                                 wrappy_limits_controllers (&spec->limits, spec->isolation));
}

void
wrappy_host_facts_clear (WrappyHostFacts *f)
{
  g_clear_pointer (&f->user_name, g_free);
  g_clear_pointer (&f->real_name, g_free);
  g_clear_pointer (&f->home, g_free);
  g_clear_pointer (&f->cwd, g_free);
  g_clear_pointer (&f->env, g_strfreev);
  g_clear_pointer (&f->base_entries, g_strfreev);
  g_clear_pointer (&f->base_etc_entries, g_strfreev);
  g_clear_pointer (&f->host_etc_links, g_hash_table_unref);
  g_clear_pointer (&f->base_root_links, g_hash_table_unref);
  g_clear_pointer (&f->host_root_entries, g_strfreev);
  for (int i = 0; i < G_USER_N_DIRECTORIES; i++)
    g_clear_pointer (&f->user_dirs[i], g_free);
  g_clear_pointer (&f->home_entries, g_strfreev);
  g_clear_pointer (&f->host_net_dirs, g_strfreev);
  wrappy_host_facts_clear_sockets (f);
  wrappy_host_facts_clear_lends (f);
  wrappy_limits_facts_clear (&f->limits);
}
