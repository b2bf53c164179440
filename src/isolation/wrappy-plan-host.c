/* What the host lends an app, as Flatpak does (flatpak-run.c: add_font_path_args,
 * add_icon_path_args, add_tzdata_args, add_monitor_path_args and the machine-id binds of
 * flatpak_run_setup_base_argv): the host's fonts with their caches and the fontconfig
 * snippet that maps them, icon and cursor themes, the time zone, the machine ID and,
 * with the network, the resolver's files. Which of these a level lends is the policy's
 * choice (spec->lend_*, own_machine_id); docs/sandbox.md says why. */
#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wrappy-plan-private.h"

#define SYSTEM_FONTS_DIR "/usr/share/fonts"
#define LOCAL_FONTS_DIR  "/usr/local/share/fonts"
#define SYSTEM_ICONS_DIR "/usr/share/icons"
#define ZONEINFO         "/usr/share/zoneinfo"

/* Flatpak's default SYSTEM_FONT_CACHE_DIRS: the first one that exists is lent. */
static const char *const system_font_cache_dirs[]
    = { "/usr/lib/fontconfig/cache", "/var/cache/fontconfig" };

static gboolean
is_dir (const char *path)
{
  struct stat st;

  return stat (path, &st) == 0 && S_ISDIR (st.st_mode);
}

static char *
dir_or_null (char *path)
{
  if (is_dir (path))
    return path;
  g_free (path);
  return NULL;
}

/* A zone name fit for a symlink target and /etc/timezone: relative, no "..", no odd
 * bytes (it comes from a file on the host). */
gboolean
wrappy_plan_valid_timezone (const char *zone)
{
  g_auto (GStrv) parts = NULL;

  if (zone == NULL || zone[0] == '\0' || zone[0] == '/' || strlen (zone) > 255)
    return FALSE;
  for (const char *c = zone; *c; c++)
    if (!g_ascii_isalnum (*c) && strchr ("/_-+.", *c) == NULL)
      return FALSE;
  parts = g_strsplit (zone, "/", -1);
  for (char **p = parts; *p; p++)
    if ((*p)[0] == '\0' || (*p)[0] == '.')
      return FALSE;
  return TRUE;
}

/* flatpak_get_timezone: the zone /etc/localtime links to under the tzdata dir, else
 * /etc/timezone, else UTC. */
static char *
host_timezone (const char *tzdir)
{
  g_autofree char *link = g_file_read_link ("/etc/localtime", NULL);
  g_autofree char *content = NULL;
  g_autofree char *canon_dir = g_canonicalize_filename (tzdir, "/");
  char *zone = NULL;

  if (link != NULL)
    {
      g_autofree char *canon = g_canonicalize_filename (link, "/etc");
      if (wrappy_plan_path_is_under (canon, canon_dir) && strcmp (canon, canon_dir) != 0)
        zone = g_strdup (canon + strlen (canon_dir) + (strcmp (canon_dir, "/") != 0));
    }
  if (zone == NULL && g_file_get_contents ("/etc/timezone", &content, NULL, NULL))
    zone = g_strdup (g_strstrip (content));
  if (zone == NULL)
    zone = g_strdup ("UTC");
  if (!wrappy_plan_valid_timezone (zone))
    g_clear_pointer (&zone, g_free);
  return zone;
}

/* The lends below /run/host shape a Flatpak runtime's layout; a host-base program has
 * the host's /usr already, a snap's base is laid out by snapd's rules. */
static gboolean
lends_run_host (const WrappyLaunchSpec *spec)
{
  return spec->lend_host && spec->app_path != NULL && !spec->host_base && spec->root_base == NULL
         && spec->isolation != WRAPPY_ISOLATION_NONE;
}

void
wrappy_host_facts_collect_lends (WrappyHostFacts *f, const WrappyLaunchSpec *spec)
{
  const char *tzdir = g_getenv ("TZDIR") ? g_getenv ("TZDIR") : ZONEINFO;

  f->has_dbus_machine_id = !f->has_machine_id && access ("/var/lib/dbus/machine-id", F_OK) == 0;
  f->has_host_conf = access ("/etc/host.conf", F_OK) == 0;
  f->has_gai_conf = access ("/etc/gai.conf", F_OK) == 0;
  f->timezone = host_timezone (tzdir);
  if (spec->own_machine_id)
    {
      g_autofree char *id = NULL;
      const char *path = f->has_machine_id ? "/etc/machine-id" : "/var/lib/dbus/machine-id";
      if (g_file_get_contents (path, &id, NULL, NULL))
        f->machine_id = g_strdup (g_strstrip (id));
    }
  if (!lends_run_host (spec))
    return;
  if (f->timezone != NULL && is_dir (tzdir))
    {
      g_autofree char *base_zoneinfo = g_build_filename (spec->base_path, "share/zoneinfo", NULL);
      if (is_dir (base_zoneinfo))
        f->host_zoneinfo = g_strdup (tzdir);
    }
  f->has_fonts = is_dir (SYSTEM_FONTS_DIR);
  f->has_local_fonts = is_dir (LOCAL_FONTS_DIR);
  f->has_icons = is_dir (SYSTEM_ICONS_DIR);
  for (guint i = 0; f->fonts_cache == NULL && i < G_N_ELEMENTS (system_font_cache_dirs); i++)
    f->fonts_cache = dir_or_null (g_strdup (system_font_cache_dirs[i]));
  if (!spec->lend_user_files)
    return;
  f->user_fonts = dir_or_null (g_build_filename (g_get_user_data_dir (), "fonts", NULL));
  if (f->user_fonts == NULL)
    f->user_fonts = dir_or_null (g_build_filename (f->home, ".fonts", NULL));
  f->user_fonts_cache
      = dir_or_null (g_build_filename (g_get_user_cache_dir (), "fontconfig", NULL));
  f->user_icons = dir_or_null (g_build_filename (g_get_user_data_dir (), "icons", NULL));
}

void
wrappy_host_facts_clear_lends (WrappyHostFacts *f)
{
  g_clear_pointer (&f->machine_id, g_free);
  g_clear_pointer (&f->timezone, g_free);
  g_clear_pointer (&f->host_zoneinfo, g_free);
  g_clear_pointer (&f->fonts_cache, g_free);
  g_clear_pointer (&f->user_fonts, g_free);
  g_clear_pointer (&f->user_fonts_cache, g_free);
  g_clear_pointer (&f->user_icons, g_free);
}

/* An app-specific machine ID, as systemd's sd_id128_get_machine_app_specific makes one:
 * HMAC-SHA256 keyed by the host's ID over the app's, cut to 128 bits and marked as a
 * version 4 UUID. Stable for the app, the same for no two apps, and the host's own ID
 * cannot be computed back from it (paranoid: apps cannot match each other's IDs or the
 * host's). NULL when host_id is no machine ID. */
char *
wrappy_app_machine_id (const char *host_id, const char *app_id)
{
  g_autofree char *mac = NULL;
  guint8 id[16];
  GString *out;

  if (host_id == NULL || strlen (host_id) != 32 || strspn (host_id, "0123456789abcdef") != 32)
    return NULL;
  mac = g_compute_hmac_for_string (G_CHECKSUM_SHA256, (const guchar *)host_id, 32, app_id, -1);
  for (guint i = 0; i < 16; i++)
    id[i] = (guint8)((g_ascii_xdigit_value (mac[2 * i]) << 4)
                     | g_ascii_xdigit_value (mac[2 * i + 1]));
  id[6] = (id[6] & 0x0f) | 0x40;
  id[8] = (id[8] & 0x3f) | 0x80;
  out = g_string_sized_new (33);
  for (guint i = 0; i < 16; i++)
    g_string_append_printf (out, "%02x", id[i]);
  g_string_append_c (out, '\n');
  return g_string_free (out, FALSE);
}

static void
bind_ro (WrappyPlan *plan, const char *src, const char *dest)
{
  wrappy_plan_add_op (plan, WRAPPY_OP_BIND, WRAPPY_OP_FLAG_RO | WRAPPY_OP_FLAG_OPTIONAL, src, dest,
                      0);
}

/* /etc's files from the host: the resolver's with the network (Flatpak lends them
 * always; without a network they only tell the app about the host's), the time zone and
 * the machine ID. */
void
wrappy_plan_add_host_etc (WrappyPlan *plan, const WrappyLaunchSpec *spec, const WrappyHostFacts *f,
                          gboolean network)
{
  static const struct
  {
    const char *path;
    gsize has; /* offset of the fact */
  } net_files[] = {
    { "/etc/resolv.conf", G_STRUCT_OFFSET (WrappyHostFacts, has_resolv_conf) },
    { "/etc/hosts", G_STRUCT_OFFSET (WrappyHostFacts, has_hosts) },
    { "/etc/host.conf", G_STRUCT_OFFSET (WrappyHostFacts, has_host_conf) },
    { "/etc/gai.conf", G_STRUCT_OFFSET (WrappyHostFacts, has_gai_conf) },
  };

  for (guint i = 0; network && i < G_N_ELEMENTS (net_files); i++)
    if (G_STRUCT_MEMBER (gboolean, f, net_files[i].has))
      bind_ro (plan, net_files[i].path, net_files[i].path);

  /* add_tzdata_args: the host's tzdata over the runtime's, so that the zone /etc/localtime
   * names is the host's, rules and all; else the host's zone file itself. */
  if (f->host_zoneinfo != NULL && f->timezone != NULL && lends_run_host (spec))
    {
      g_autofree char *target = g_strconcat ("../usr/share/zoneinfo/", f->timezone, NULL);
      bind_ro (plan, f->host_zoneinfo, ZONEINFO);
      wrappy_plan_add_op (plan, WRAPPY_OP_SYMLINK, 0, target, "/etc/localtime", 0);
    }
  else if (f->has_localtime)
    bind_ro (plan, "/etc/localtime", "/etc/localtime");
  if (f->timezone != NULL)
    {
      g_autofree char *content = g_strconcat (f->timezone, "\n", NULL);
      wrappy_plan_add_op (plan, WRAPPY_OP_FILE, 0, content, "/etc/timezone", 0644);
    }

  if (spec->own_machine_id)
    {
      g_autofree char *id = wrappy_app_machine_id (f->machine_id, spec->app_id);
      if (id != NULL)
        wrappy_plan_add_op (plan, WRAPPY_OP_FILE, 0, id, "/etc/machine-id", 0444);
    }
  else if (f->has_machine_id)
    bind_ro (plan, "/etc/machine-id", "/etc/machine-id");
  else if (f->has_dbus_machine_id)
    bind_ro (plan, "/var/lib/dbus/machine-id", "/etc/machine-id");
}

static void
lend (GPtrArray *binds, GString *xml, const char *src, const char *dest)
{
  g_ptr_array_add (binds,
                   wrappy_plan_op_new (WRAPPY_OP_BIND, WRAPPY_OP_FLAG_RO | WRAPPY_OP_FLAG_OPTIONAL,
                                       src, dest, 0));
  if (xml != NULL)
    {
      g_autofree char *as_path = g_markup_escape_text (src, -1);
      /* Caches made on the host for src are valid for dest (fontconfig >= 2.13.91). */
      g_string_append_printf (xml, "\t<remap-dir as-path=\"%s\">%s</remap-dir>\n", as_path, dest);
    }
}

/* add_font_path_args and add_icon_path_args. The binds go with the grants, so that the
 * protection of wrappy's own dirs covers them (a ~/.fonts that links into wrappy's store
 * is not lent). The font caches are read-only; where there is none, the skeleton around
 * it is read-only too, so fontconfig never writes one there. */
void
wrappy_plan_add_host_lends (WrappyPlan *plan, GPtrArray *binds, const WrappyLaunchSpec *spec,
                            const WrappyHostFacts *f)
{
  g_autoptr (GString) xml = NULL;

  if (!lends_run_host (spec))
    return;
  xml = g_string_new ("<?xml version=\"1.0\"?>\n"
                      "<!DOCTYPE fontconfig SYSTEM \"urn:fontconfig:fonts.dtd\">\n"
                      "<fontconfig>\n");
  if (f->has_fonts)
    lend (binds, xml, SYSTEM_FONTS_DIR, "/run/host/fonts");
  if (f->has_local_fonts)
    lend (binds, xml, LOCAL_FONTS_DIR, "/run/host/local-fonts");
  if (f->fonts_cache != NULL)
    lend (binds, NULL, f->fonts_cache, "/run/host/fonts-cache");
  if (spec->lend_user_files && f->user_fonts != NULL)
    lend (binds, xml, f->user_fonts, "/run/host/user-fonts");
  if (spec->lend_user_files && f->user_fonts_cache != NULL)
    lend (binds, NULL, f->user_fonts_cache, "/run/host/user-fonts-cache");
  if (f->has_icons)
    lend (binds, NULL, SYSTEM_ICONS_DIR, "/run/host/share/icons");
  if (spec->lend_user_files && f->user_icons != NULL)
    lend (binds, NULL, f->user_icons, "/run/host/user-share/icons");
  g_string_append (xml, "</fontconfig>\n");
  wrappy_plan_add_op (plan, WRAPPY_OP_DIR, 0, NULL, "/run/host", 0755);
  wrappy_plan_add_op (plan, WRAPPY_OP_FILE, 0, xml->str, "/run/host/font-dirs.xml", 0444);
}

/* The sandbox's kind, in the two places programs look for it (flatpak-run.c,
 * flatpak_run_add_app_info_args): $container (systemd's and most apps' test) and
 * /run/host/container-manager (systemd-detect-virt's). An app installed from a Flatpak
 * remote has /.flatpak-info, and apps that find one also read "flatpak" here (the two
 * must not disagree); anything else is told it runs in wrappy. */
const char *
wrappy_plan_container_name (const WrappyLaunchSpec *spec)
{
  return spec->flatpak_info != NULL ? "flatpak" : "wrappy";
}

void
wrappy_plan_add_container_manager (WrappyPlan *plan, const WrappyLaunchSpec *spec)
{
  g_autofree char *content = NULL;

  /* At none /run is the host's own. */
  if (spec->isolation == WRAPPY_ISOLATION_NONE)
    return;
  content = g_strconcat (wrappy_plan_container_name (spec), "\n", NULL);
  wrappy_plan_add_op (plan, WRAPPY_OP_DIR, 0, NULL, "/run/host", 0755);
  wrappy_plan_add_op (plan, WRAPPY_OP_FILE, 0, content, "/run/host/container-manager", 0444);
}
