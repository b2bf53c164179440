/* What `wrappy update` needs whatever the source. The permission diff it shows (and
 * asks about) is the policy's (wrappy_policy_permission_diff). */
#include "config.h"

#include <fcntl.h>
#include <string.h>

#include "wrappy-fs.h"

#include "wrappy-update.h"

void
wrappy_update_clear (WrappyUpdate *u)
{
  g_clear_pointer (&u->updated, wrappy_manifest_free);
  /* The caller normally removes it; a failed or declined update must not leave it. */
  if (u->export_dir != NULL && u->export_dir_is_temp)
    (void)wrappy_rm_rf_at (AT_FDCWD, u->export_dir, NULL);
  g_clear_pointer (&u->export_dir, g_free);
  g_clear_pointer (&u->skip_reason, g_free);
  u->current = NULL;
  u->downloaded = 0;
  u->export_dir_is_temp = FALSE;
}
