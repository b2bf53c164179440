/* The loader cache of a Flatpak app (see wrappy-ldcache.h). Runtimes are built with an
 * /etc/ld.so.cache that knows only their own libraries, and their /etc/ld.so.conf names
 * /app/lib (and includes /run/flatpak/ld.so.conf.d/app-*.conf) for a cache made at run
 * time: without one, an app whose libraries sit in /app/lib with no rpath (most of
 * Flathub) cannot start. The cache is kept in the app's state, named by a hash of the
 * layers it covers (their paths hold their commits), so it is made on the first launch
 * after an install, update or rollback and reused on every other. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wrappy-error.h"
#include "wrappy-i18n.h"
#include "wrappy-launch.h"
#include "wrappy-ldcache.h"
#include "wrappy-output.h"
#include "wrappy-plan.h"

#define LD_CACHE_SUBDIR "ld.so"

static int
syscall_error (GError **error, const char *call, const char *path)
{
  int errsv = errno;
  g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_SANDBOX_SETUP, "%s(%s): %s", call, path,
               g_strerror (errsv));
  return -1;
}

char *
wrappy_ldcache_key (const WrappyLaunchSpec *spec)
{
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);

  /* NUL-separated, so that no two layouts hash alike by moving a boundary. */
  g_checksum_update (sum, (const guchar *)spec->base_path, strlen (spec->base_path) + 1);
  g_checksum_update (sum, (const guchar *)spec->app_path, strlen (spec->app_path) + 1);
  for (guint i = 0; spec->deps != NULL && i < spec->deps->len; i++)
    {
      const WrappyLayer *l = spec->deps->pdata[i];
      g_checksum_update (sum, (const guchar *)l->host_path, strlen (l->host_path) + 1);
      g_checksum_update (sum, (const guchar *)l->sandbox_path, strlen (l->sandbox_path) + 1);
    }
  /* The extensions' library dirs (add-ld-path) and the dirs made empty for them: a
   * change to either is a new layout even with the same layers. */
  g_checksum_update (sum, (const guchar *)"\1ld", 4);
  for (guint i = 0; spec->ld_conf != NULL && i < spec->ld_conf->len; i++)
    {
      const WrappyBind *b = spec->ld_conf->pdata[i];
      g_checksum_update (sum, (const guchar *)b->dest, strlen (b->dest) + 1);
      g_checksum_update (sum, (const guchar *)b->src, strlen (b->src) + 1);
    }
  g_checksum_update (sum, (const guchar *)"\1tmpfs", 7);
  for (char **t = spec->ext_tmpfs; t && *t; t++)
    g_checksum_update (sum, (const guchar *)*t, strlen (*t) + 1);
  return g_strndup (g_checksum_get_string (sum), 32);
}

/* The runtime's ldconfig, as a path inside the sandbox; NULL when it has none. */
static const char *
runtime_ldconfig (const WrappyLaunchSpec *spec)
{
  static const char *const candidates[][2] = {
    { "sbin/ldconfig", "/usr/sbin/ldconfig" },
    { "bin/ldconfig", "/usr/bin/ldconfig" },
  };
  int base = open (spec->base_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  const char *found = NULL;

  if (base < 0)
    return NULL;
  for (gsize i = 0; found == NULL && i < G_N_ELEMENTS (candidates); i++)
    if (faccessat (base, candidates[i][0], X_OK, 0) == 0)
      found = candidates[i][1];
  close (base);
  return found;
}

/* STATE/ld.so, made private if missing, opened without following a link. */
static int
open_cache_dir (const char *state_dir, GError **error)
{
  int state, fd = -1;

  if (g_mkdir_with_parents (state_dir, 0700) != 0)
    return syscall_error (error, "mkdir", state_dir);
  state = open (state_dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (state < 0)
    return syscall_error (error, "open", state_dir);
  if (mkdirat (state, LD_CACHE_SUBDIR, 0700) != 0 && errno != EEXIST)
    syscall_error (error, "mkdirat", LD_CACHE_SUBDIR);
  else if ((fd = openat (state, LD_CACHE_SUBDIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC))
           < 0)
    syscall_error (error, "openat", LD_CACHE_SUBDIR);
  close (state);
  return fd;
}

/* Every cache but KEY goes: they belong to layouts the app no longer has. */
static void
remove_other_caches (int dir, const char *key)
{
  int fd = openat (dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  struct dirent *de;
  DIR *d;

  if (fd < 0 || (d = fdopendir (fd)) == NULL)
    {
      if (fd >= 0)
        close (fd);
      return;
    }
  while ((de = readdir (d)) != NULL)
    if (strcmp (de->d_name, ".") != 0 && strcmp (de->d_name, "..") != 0
        && strcmp (de->d_name, key) != 0)
      g_ptr_array_add (names, g_strdup (de->d_name));
  closedir (d);
  for (guint i = 0; i < names->len; i++)
    unlinkat (dir, names->pdata[i], 0);
}

/* Runs "ldconfig -X -C WRAPPY_LD_CACHE_DIR/KEY.tmp" in a sandbox of the app's layout
 * with a throwaway home, no network and no grant; its output is not the user's. */
static gboolean
make_cache (const WrappyLaunchSpec *spec, const char *ldconfig, const char *dir_path,
            const char *key, GError **error)
{
  g_autoptr (WrappyLaunchSpec) gen = wrappy_launch_spec_new ();
  g_autoptr (WrappyPlan) plan = NULL;
  g_autofree char *out = g_strdup_printf ("%s/%s.tmp", WRAPPY_LD_CACHE_DIR, key);
  const char *argv[] = { ldconfig, "-X", "-C", out, NULL };
  WrappyHostFacts facts;
  int code = -1, saved_out, saved_err, null_fd;
  gboolean ok;

  gen->app_id = g_strdup (spec->app_id);
  gen->isolation = MAX (spec->isolation, WRAPPY_ISOLATION_PARTIAL);
  /* The runtime's ldconfig is the runtime's code: every namespace, no network, and
   * Flatpak's filter at least, whatever the app's level (a new spec's unshare). */
  gen->seccomp = MAX (spec->seccomp, WRAPPY_SECCOMP_FLATPAK);
  gen->home = WRAPPY_HOME_TMPFS;
  gen->base_path = g_strdup (spec->base_path);
  gen->app_path = g_strdup (spec->app_path);
  for (guint i = 0; spec->deps != NULL && i < spec->deps->len; i++)
    {
      const WrappyLayer *l = spec->deps->pdata[i];
      g_ptr_array_add (gen->deps, wrappy_layer_new (l->host_path, l->sandbox_path));
    }
  gen->ext_tmpfs = g_strdupv (spec->ext_tmpfs);
  for (guint i = 0; spec->ld_conf != NULL && i < spec->ld_conf->len; i++)
    {
      const WrappyBind *b = spec->ld_conf->pdata[i];
      g_ptr_array_add (gen->ld_conf, wrappy_bind_new (b->src, b->dest, TRUE));
    }
  gen->argv = g_strdupv ((char **)argv);
  gen->state_dir = g_strdup (spec->state_dir);
  gen->tmp_root = TRUE;
  gen->ld_cache_dir = g_strdup (dir_path);

  wrappy_host_facts_collect (&facts, gen);
  plan = wrappy_plan_new (gen, &facts, error);
  wrappy_host_facts_clear (&facts);
  if (plan == NULL)
    return FALSE;

  fflush (stdout);
  fflush (stderr);
  saved_out = fcntl (STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
  saved_err = fcntl (STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
  null_fd = open ("/dev/null", O_WRONLY | O_CLOEXEC);
  if (saved_out < 0 || saved_err < 0 || null_fd < 0)
    {
      ok = syscall_error (error, "open", "/dev/null") >= 0;
    }
  else
    {
      dup2 (null_fd, STDOUT_FILENO);
      dup2 (null_fd, STDERR_FILENO);
      ok = wrappy_launch (plan, &code, error);
      dup2 (saved_out, STDOUT_FILENO);
      dup2 (saved_err, STDERR_FILENO);
    }
  if (saved_out >= 0)
    close (saved_out);
  if (saved_err >= 0)
    close (saved_err);
  if (null_fd >= 0)
    close (null_fd);
  if (ok && code != 0)
    {
      g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_SANDBOX_SETUP,
                   _ ("the runtime's ldconfig exited with status %d"), code);
      return FALSE;
    }
  return ok;
}

/* For a Flatpak app: spec->ld_cache names a cache of the layout, made now if there is
 * none yet. A runtime without ldconfig, or a cache that cannot be made, falls back to
 * LD_LIBRARY_PATH=/app/lib as Flatpak does (said with --verbose). */
gboolean
wrappy_ldcache_prepare (WrappyLaunchSpec *spec, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autofree char *key = NULL, *dir_path = NULL, *tmp = NULL;
  const char *ldconfig;
  struct stat st;
  int dir;

  if (spec->app_path == NULL || spec->host_base || spec->root_base != NULL
      || spec->state_dir == NULL)
    return TRUE;
  if ((ldconfig = runtime_ldconfig (spec)) == NULL)
    {
      wrappy_debug ("the runtime has no ldconfig: LD_LIBRARY_PATH=/app/lib");
      goto fallback;
    }
  key = wrappy_ldcache_key (spec);
  dir_path = g_build_filename (spec->state_dir, LD_CACHE_SUBDIR, NULL);
  if ((dir = open_cache_dir (spec->state_dir, error)) < 0)
    return FALSE;
  if (fstatat (dir, key, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG (st.st_mode))
    {
      close (dir);
      goto done;
    }

  tmp = g_strconcat (key, ".tmp", NULL);
  unlinkat (dir, tmp, 0);
  if (!make_cache (spec, ldconfig, dir_path, key, &local_error)
      || fstatat (dir, tmp, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG (st.st_mode)
      || renameat (dir, tmp, dir, key) != 0)
    {
      wrappy_debug ("no loader cache (%s): LD_LIBRARY_PATH=/app/lib",
                    local_error ? local_error->message : g_strerror (errno));
      unlinkat (dir, tmp, 0);
      close (dir);
      goto fallback;
    }
  remove_other_caches (dir, key);
  close (dir);
done:
  spec->ld_cache = g_build_filename (dir_path, key, NULL);
  return TRUE;

fallback:
  /* As Flatpak without a cache: /app/lib, then the extensions' library dirs. */
  if (g_environ_getenv (spec->env, "LD_LIBRARY_PATH") == NULL)
    {
      g_autoptr (GString) path = g_string_new ("/app/lib");
      for (guint i = 0; spec->ld_conf != NULL && i < spec->ld_conf->len; i++)
        g_string_append_printf (path, ":%s", ((WrappyBind *)spec->ld_conf->pdata[i])->src);
      spec->env = g_environ_setenv (spec->env, "LD_LIBRARY_PATH", path->str, TRUE);
    }
  return TRUE;
}
