/* Flatpak remotes. The user's list lives in $XDG_CONFIG_HOME/wrappy/remotes/NAME.conf
 * (SPEC.md: config holds remotes); it is mirrored into the store's OSTree repo, with the
 * remote's GPG key in the repo's keyring, when a pull needs it. */
#pragma once

#include <glib.h>
#include <ostree.h>

G_BEGIN_DECLS

#define WRAPPY_FLATHUB_REPO_URL "https://dl.flathub.org/repo/flathub.flatpakrepo"

typedef struct
{
  char *name;
  char *url;
  char *title;
  gboolean gpg_verify;
  GBytes *gpg_key; /* binary (not armored) public keyring, or NULL */
} WrappyRemote;

WrappyRemote *wrappy_remote_new (const char *name, const char *url);
void wrappy_remote_free (WrappyRemote *r);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WrappyRemote, wrappy_remote_free)

gboolean wrappy_remote_validate_name (const char *name, GError **error);

/* Parses a .flatpakrepo ([Flatpak Repo] Url=, GPGKey=, Title=) or, with is_ref, a
 * .flatpakref's [Flatpak Ref] group. */
WrappyRemote *wrappy_remote_from_keyfile_data (const char *name, const char *data, gsize len,
                                               gboolean is_ref, GError **error);

WrappyRemote *wrappy_remote_load (const char *name, GError **error);
gboolean wrappy_remote_exists (const char *name);
GPtrArray *wrappy_remote_list (GError **error);
gboolean wrappy_remote_save (WrappyRemote *r, gboolean replace, GError **error);
gboolean wrappy_remote_delete (const char *name, GError **error);

/* Makes the OSTree repo's copy of the remote match the config (URL, GPG setting, key). */
gboolean wrappy_remote_sync_to_repo (WrappyRemote *r, OstreeRepo *repo, GError **error);

/* The remote named `flathub`, added on first use from $WRAPPY_FLATHUB_REPO_URL or
 * WRAPPY_FLATHUB_REPO_URL. */
WrappyRemote *wrappy_remote_ensure_flathub (GError **error);

/* An existing remote with this URL, or NULL. */
WrappyRemote *wrappy_remote_find_by_url (const char *url);

G_END_DECLS
