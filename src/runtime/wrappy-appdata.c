#include "config.h"

#include <appstream.h>
#include <fcntl.h>
#include <unistd.h>

#include "wrappy-appdata.h"
#include "wrappy-fs.h"

#define APPDATA_MAX (1024 * 1024)

static char *
read_beneath (const char *dir, const char *rel, gsize *len_out)
{
  int dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int fd;
  g_autofree char *buf = NULL;
  gsize len = 0;
  ssize_t n;

  if (dfd < 0)
    return NULL;
  fd = wrappy_openat_beneath (dfd, rel, O_RDONLY, 0, TRUE, NULL);
  close (dfd);
  if (fd < 0)
    return NULL;
  buf = g_malloc (APPDATA_MAX + 1);
  while ((n = TEMP_FAILURE_RETRY (read (fd, buf + len, APPDATA_MAX + 1 - len))) > 0)
    len += n;
  close (fd);
  if (n < 0 || len > APPDATA_MAX)
    return NULL;
  buf[len] = '\0';
  *len_out = len;
  return g_steal_pointer (&buf);
}

void
wrappy_appdata_load (const char *files_dir, const char *app_id, char **name_out, char **summary_out,
                     char **version_out)
{
  const char *patterns[][2] = { { "share/metainfo/", ".metainfo.xml" },
                                { "share/metainfo/", ".appdata.xml" },
                                { "share/appdata/", ".appdata.xml" } };
  g_autofree char *data = NULL;
  gsize len = 0;
  g_autoptr (AsMetadata) md = NULL;
  AsComponent *cpt;
  GPtrArray *releases;

  *name_out = *summary_out = *version_out = NULL;
  for (guint i = 0; i < G_N_ELEMENTS (patterns) && data == NULL; i++)
    {
      g_autofree char *rel = g_strconcat (patterns[i][0], app_id, patterns[i][1], NULL);
      data = read_beneath (files_dir, rel, &len);
    }
  if (data == NULL || !g_utf8_validate (data, len, NULL))
    return;
  md = as_metadata_new ();
  if (!as_metadata_parse (md, data, AS_FORMAT_KIND_XML, NULL))
    return;
  cpt = as_metadata_get_component (md);
  if (cpt == NULL)
    return;
  *name_out = g_strdup (as_component_get_name (cpt));
  *summary_out = g_strdup (as_component_get_summary (cpt));
  releases = as_component_get_releases (cpt);
  if (releases != NULL && releases->len > 0)
    {
      *version_out = g_strdup (as_release_get_version (g_ptr_array_index (releases, 0)));
    }
}
