/* Recognising an AppImage: the ELF header of its runtime, the type at byte 8, and where
 * the payload starts. A type 2 runtime finds its squashfs image right after its own
 * section header table (e_shoff + e_shentsize * e_shnum); we compute the same offset
 * and check the magic there rather than trust it. */
#include "config.h"

#include <elf.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wrappy-appimage.h"
#include "wrappy-error.h"
#include "wrappy-i18n.h"

#define MAX_SECTIONS         4096
#define MAX_UPDATE_INFO      4096
#define MAX_SIGNATURE        65536
#define ISO9660_MAGIC_OFFSET 32769

#if defined(__x86_64__)
#define HOST_MACHINE EM_X86_64
#elif defined(__aarch64__)
#define HOST_MACHINE EM_AARCH64
#else
#define HOST_MACHINE EM_NONE
#endif

void
wrappy_appimage_info_clear (WrappyAppImageInfo *info)
{
  g_clear_pointer (&info->update_info, g_free);
  g_clear_pointer (&info->signature, g_free);
  g_clear_pointer (&info->sig_key, g_free);
}

static gboolean
bad (GError **error, const char *path, const char *why)
{
  g_set_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA, _ ("%s: not a usable AppImage: %s"),
               path, why);
  return FALSE;
}

static gboolean
read_exact (int fd, guint64 offset, void *buf, gsize len)
{
  char *p = buf;
  while (len > 0)
    {
      ssize_t n = pread (fd, p, len, (off_t)offset);
      if (n <= 0)
        return FALSE;
      p += n;
      offset += n;
      len -= n;
    }
  return TRUE;
}

gboolean
wrappy_appimage_looks_like (const char *path)
{
  unsigned char h[11];
  int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  gboolean ok;

  if (fd < 0)
    return FALSE;
  ok = read_exact (fd, 0, h, sizeof h) && memcmp (h, ELFMAG, SELFMAG) == 0 && h[8] == 'A'
       && h[9] == 'I' && (h[10] == 1 || h[10] == 2);
  close (fd);
  return ok;
}

/* A section's text: a fixed-size buffer padded with NULs; printable text only (newlines
 * allowed where multiline), else NULL. */
static char *
section_text (int fd, const Elf64_Shdr *sh, guint64 size, guint64 max, gboolean multiline)
{
  g_autofree char *text = NULL;

  if (sh->sh_type == SHT_NOBITS || sh->sh_size == 0 || sh->sh_size > max || sh->sh_offset > size
      || sh->sh_size > size - sh->sh_offset)
    return NULL;
  text = g_malloc0 (sh->sh_size + 1);
  if (!read_exact (fd, sh->sh_offset, text, sh->sh_size))
    return NULL;
  g_strstrip (text);
  if (*text == '\0' || !g_utf8_validate (text, -1, NULL))
    return NULL;
  for (char *p = text; *p; p++)
    if (g_ascii_iscntrl (*p) && !(multiline && (*p == '\n' || *p == '\r')))
      return NULL;
  return g_steal_pointer (&text);
}

/* .upd_info (update information, e.g. "zsync|https://…"), .sha256_sig and .sig_key, if
 * any. Best effort: a runtime without section names simply has none. */
static void
read_sections (int fd, const Elf64_Ehdr *eh, guint64 size, WrappyAppImageInfo *info)
{
  g_autofree Elf64_Shdr *sh = NULL;
  g_autofree char *names = NULL;
  const Elf64_Shdr *strtab;

  if (eh->e_shstrndx == SHN_UNDEF || eh->e_shstrndx >= eh->e_shnum
      || eh->e_shentsize != sizeof (Elf64_Shdr))
    return;
  sh = g_new (Elf64_Shdr, eh->e_shnum);
  if (!read_exact (fd, eh->e_shoff, sh, sizeof (Elf64_Shdr) * eh->e_shnum))
    return;
  strtab = &sh[eh->e_shstrndx];
  if (strtab->sh_size == 0 || strtab->sh_size > 1 << 20 || strtab->sh_offset > size
      || strtab->sh_size > size - strtab->sh_offset)
    return;
  names = g_malloc0 (strtab->sh_size + 1);
  if (!read_exact (fd, strtab->sh_offset, names, strtab->sh_size))
    return;
  for (guint i = 0; i < eh->e_shnum; i++)
    {
      const char *name = sh[i].sh_name < strtab->sh_size ? names + sh[i].sh_name : "";

      if (strcmp (name, ".upd_info") == 0 && info->update_info == NULL)
        info->update_info = section_text (fd, &sh[i], size, MAX_UPDATE_INFO, FALSE);
      else if (strcmp (name, ".sha256_sig") == 0 && info->sig_size == 0)
        {
          info->sig_offset = sh[i].sh_offset;
          info->sig_size = sh[i].sh_size;
          info->signature = section_text (fd, &sh[i], size, MAX_SIGNATURE, TRUE);
        }
      else if (strcmp (name, ".sig_key") == 0 && info->key_size == 0)
        {
          info->key_offset = sh[i].sh_offset;
          info->key_size = sh[i].sh_size;
          info->sig_key = section_text (fd, &sh[i], size, MAX_SIGNATURE, TRUE);
        }
    }
  /* A signature is only usable with both sections inside the file. */
  if (info->sig_offset > size || info->sig_size > size - info->sig_offset || info->key_offset > size
      || info->key_size > size - info->key_offset)
    {
      g_clear_pointer (&info->signature, g_free);
      g_clear_pointer (&info->sig_key, g_free);
    }
}

static gboolean
check_header (const char *path, const unsigned char *ident, const Elf64_Ehdr *eh, GError **error)
{
  if (memcmp (ident, ELFMAG, SELFMAG) != 0)
    return bad (error, path, _ ("it is not an ELF file"));
  if (ident[8] != 'A' || ident[9] != 'I' || (ident[10] != 1 && ident[10] != 2))
    return bad (error, path, _ ("it is an ELF file without the AppImage type at byte 8"));
  if (ident[EI_CLASS] != ELFCLASS64 || ident[EI_DATA] != ELFDATA2LSB
      || eh->e_machine != HOST_MACHINE)
    return bad (error, path, _ ("it is built for another architecture than this machine's"));
  return TRUE;
}

gboolean
wrappy_appimage_probe (const char *path, WrappyAppImageInfo *info, GError **error)
{
  Elf64_Ehdr eh;
  unsigned char magic[5];
  struct stat st;
  guint64 size, end;
  int fd;
  gboolean ok = FALSE;

  memset (info, 0, sizeof *info);
  fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    return wrappy_throw_errno (error, "open", path);
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      bad (error, path, _ ("it is not a regular file"));
      goto out;
    }
  size = (guint64)st.st_size;
  memset (&eh, 0, sizeof eh);
  if (!read_exact (fd, 0, &eh, MIN (size, sizeof eh)))
    {
      wrappy_throw_errno (error, "read", path);
      goto out;
    }
  if (size < SELFMAG || memcmp (eh.e_ident, ELFMAG, SELFMAG) != 0)
    {
      bad (error, path, _ ("it is not an ELF file"));
      goto out;
    }
  if (size < sizeof eh)
    {
      bad (error, path, _ ("the file is truncated"));
      goto out;
    }
  if (!check_header (path, eh.e_ident, &eh, error))
    goto out;
  info->type = eh.e_ident[10];
  if (info->type == 1)
    {
      /* Type 1 is an ISO 9660 image whose system area holds the ELF runtime. */
      if (size < ISO9660_MAGIC_OFFSET + 5 || !read_exact (fd, ISO9660_MAGIC_OFFSET, magic, 5)
          || memcmp (magic, "CD001", 5) != 0)
        {
          bad (error, path, _ ("the type 1 payload is not an ISO 9660 image"));
          goto out;
        }
      info->offset = 0;
      ok = TRUE;
      goto out;
    }
  if (eh.e_shnum == 0 || eh.e_shnum > MAX_SECTIONS || eh.e_shentsize < sizeof (Elf64_Shdr)
      || eh.e_shoff < sizeof eh)
    {
      bad (error, path, _ ("the ELF section header table is missing or invalid"));
      goto out;
    }
  end = eh.e_shoff + (guint64)eh.e_shentsize * eh.e_shnum;
  if (end < eh.e_shoff || end > size)
    {
      bad (error, path, _ ("the payload offset lies past the end of the file"));
      goto out;
    }
  if (size - end < 4 || !read_exact (fd, end, magic, 4) || memcmp (magic, "hsqs", 4) != 0)
    {
      bad (error, path,
           size - end < 4 ? _ ("the file is truncated: there is no payload")
                          : _ ("the payload is not a squashfs image"));
      goto out;
    }
  info->offset = end;
  read_sections (fd, &eh, size, info);
  ok = TRUE;

out:
  close (fd);
  if (!ok)
    wrappy_appimage_info_clear (info);
  return ok;
}
