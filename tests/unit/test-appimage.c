/* AppImage recognition (wrappy-appimage-elf.c) on files made from the host's own ELF
 * `true`, and the app ID rule. */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include "wrappy-appimage-private.h"
#include "wrappy-appimage.h"
#include "wrappy-error.h"
#include "wrappy-test-utils.h"

static char *
host_elf (gsize *len)
{
  char *data = NULL;
  g_assert_true (g_file_get_contents ("/usr/bin/true", &data, len, NULL));
  return data;
}

/* The host's `true` with the given type at byte 8, then `tail` appended. */
static char *
make_file (const char *dir, const char *name, char type, const char *tail, gsize tail_len)
{
  gsize len;
  g_autofree char *elf = host_elf (&len);
  g_autoptr (GString) s = g_string_new_len (elf, len);
  char *path = g_build_filename (dir, name, NULL);

  s->str[8] = 'A';
  s->str[9] = 'I';
  s->str[10] = type;
  g_string_append_len (s, tail, tail_len);
  g_assert_true (g_file_set_contents (path, s->str, s->len, NULL));
  return path;
}

static void
assert_rejected (const char *path, const char *why)
{
  g_auto (WrappyAppImageInfo) info = { 0 };
  g_autoptr (GError) error = NULL;

  g_assert_false (wrappy_appimage_probe (path, &info, &error));
  g_assert_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA);
  if (strstr (error->message, why) == NULL)
    g_error ("'%s' does not say '%s'", error->message, why);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_null (strchr (error->message, '\n'));
}

static void
test_probe (void)
{
  g_autoptr (WrappyTestDirs) d = wrappy_test_dirs_new ();
  g_auto (WrappyAppImageInfo) info = { 0 };
  g_autoptr (GError) error = NULL;
  g_autofree char *good = NULL, *text = NULL, *short_file = NULL, *no_payload = NULL;
  g_autofree char *zeros = NULL, *elf32 = NULL, *untyped = NULL, *far = NULL;
  g_autofree char *data = NULL;
  gsize len, elf_len;

  g_free (host_elf (&elf_len));
  good = make_file (d->root, "good", 2, "hsqs rest of an image", 21);
  g_assert_true (wrappy_appimage_looks_like (good));
  g_assert_true (wrappy_appimage_probe (good, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpint (info.type, ==, 2);
  g_assert_cmpuint (info.offset, ==, elf_len);

  text = g_build_filename (d->root, "text", NULL);
  g_assert_true (g_file_set_contents (text, "#!/bin/sh\necho hi\n", -1, NULL));
  g_assert_false (wrappy_appimage_looks_like (text));
  assert_rejected (text, "not an ELF");

  g_assert_true (g_file_get_contents (good, &data, &len, NULL));
  short_file = g_build_filename (d->root, "short", NULL);
  g_assert_true (g_file_set_contents (short_file, data, 40, NULL));
  assert_rejected (short_file, "truncated");

  no_payload = make_file (d->root, "no-payload", 2, "", 0);
  assert_rejected (no_payload, "truncated");
  zeros = make_file (d->root, "zeros", 2, "\0\0\0\0\0\0\0\0", 8);
  assert_rejected (zeros, "not a squashfs");
  untyped = make_file (d->root, "untyped", 0, "hsqs", 4);
  assert_rejected (untyped, "AppImage type");

  elf32 = g_build_filename (d->root, "elf32", NULL);
  data[4] = 1; /* ELFCLASS32 */
  g_assert_true (g_file_set_contents (elf32, data, len, NULL));
  assert_rejected (elf32, "architecture");
  data[4] = 2;

  far = g_build_filename (d->root, "far", NULL);
  memset (data + 40, 0x7f, 8); /* e_shoff */
  g_assert_true (g_file_set_contents (far, data, len, NULL));
  assert_rejected (far, "past the end");
}

static void
test_derive_id (void)
{
  g_autoptr (GError) error = NULL;
  struct
  {
    const char *desktop, *meta, *want;
  } cases[] = {
    { "org.example.Tool", NULL, "org.example.Tool" },
    { "tool", "org.example.Tool", "org.example.Tool" },
    { "tool", "bad..id", "io.appimage.tool" },
    { "my tool+2", NULL, "io.appimage.my_tool_2" },
    { "2048", NULL, "io.appimage._2048" },
    { "com.example", NULL, "io.appimage.com_example" },
    { "hello-world", NULL, "io.appimage.hello-world" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *id = wrappy_appimage_derive_id (cases[i].desktop, cases[i].meta, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (id, ==, cases[i].want);
    }
  g_assert_null (wrappy_appimage_derive_id ("...", NULL, &error));
  g_assert_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_ID);
}

static void
test_update_info (void)
{
  g_auto (WrappyAppImageUpdateInfo) ui = { 0 };
  g_autoptr (GError) error = NULL;
  const char *bad[] = {
    "zsync|ftp://example.org/a.zsync",  /* not http(s) */
    "zsync|",                           /* empty field */
    "zsync|https://a/b|extra",          /* too many fields */
    "gh-releases-zsync|me|repo|latest", /* too few */
    "gh-releases-zsync|-bad|repo|latest|*.zsync",
    "gh-releases-zsync|me|repo|latest|a b", /* a space */
    "bintray-zsync|a|b|c|d",                /* unsupported type */
    "zsync|https://a/\x01",
    "",
  };

  g_assert_true (wrappy_appimage_parse_update_info ("zsync|https://example.org/App.AppImage.zsync",
                                                    &ui, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ui.kind, ==, WRAPPY_APPIMAGE_UPDATE_ZSYNC);
  g_assert_cmpstr (ui.url, ==, "https://example.org/App.AppImage.zsync");

  g_assert_true (wrappy_appimage_parse_update_info (
      "gh-releases-zsync|octo|tool|latest|Tool-*x86_64.AppImage.zsync", &ui, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ui.kind, ==, WRAPPY_APPIMAGE_UPDATE_GH_RELEASES);
  g_assert_cmpstr (ui.owner, ==, "octo");
  g_assert_cmpstr (ui.repo, ==, "tool");
  g_assert_cmpstr (ui.tag, ==, "latest");
  g_assert_cmpstr (ui.glob, ==, "Tool-*x86_64.AppImage.zsync");
  g_assert_null (ui.url);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *text = g_strcompress (bad[i]);
      g_assert_false (wrappy_appimage_parse_update_info (text, &ui, &error));
      g_assert_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA);
      g_assert_null (strchr (error->message, '\n'));
      g_clear_error (&error);
    }
}

#define SHA1 "0123456789ABCDEF0123456789abcdef01234567"

static void
test_zsync_header (void)
{
  g_auto (WrappyZsyncHeader) h = { 0 };
  g_autoptr (GError) error = NULL;
  const char *base = "https://example.org/dl/App.AppImage.zsync";
  const char good[] = "zsync: 0.6.2\nFilename: App.AppImage\nBlocksize: 2048\nLength: 4096\n"
                      "URL: ../v2/App.AppImage\nSHA-1: " SHA1 "\n\n\x01\x02\0binary";
  struct
  {
    const char *data, *why;
  } bad[] = {
    { "<html>404</html>", "no header" },
    { "Length: 1\nURL: a\nSHA-1: " SHA1 "\n\n", "no zsync: line" },
    { "zsync: 1\nLength: 1\nURL: a\nSHA-1: 12345\n\n", "short SHA-1" },
    { "zsync: 1\nLength: x\nURL: a\nSHA-1: " SHA1 "\n\n", "bad Length" },
    { "zsync: 1\nLength: 0\nURL: a\nSHA-1: " SHA1 "\n\n", "zero Length" },
    { "zsync: 1\nLength: 1\nSHA-1: " SHA1 "\n\n", "no URL" },
    { "zsync: 1\nLength: 1\nURL: file:///etc/passwd\nSHA-1: " SHA1 "\n\n", "file URL" },
    { "zsync: 1\nLength: 1\nURL: a\n\n", "no SHA-1" },
    { "zsync: 1\ngarbage\n\n", "not Key: value" },
    { "\n\nzsync: 1\n", "empty header" }, /* found by fuzz-zsync-header */
    { "zsync: 1\nLength: 1\nURL: http:/.//b\nSHA-1: " SHA1 "\n\n", "no host" }, /* the same */
  };

  g_assert_true (wrappy_zsync_parse_header (good, sizeof good - 1, base, &h, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (h.sha1, ==, "0123456789abcdef0123456789abcdef01234567");
  g_assert_cmpstr (h.url, ==, "https://example.org/v2/App.AppImage");
  g_assert_cmpuint (h.length, ==, 4096);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_test_message ("%s", bad[i].why);
      g_assert_false (
          wrappy_zsync_parse_header (bad[i].data, strlen (bad[i].data), base, &h, &error));
      g_assert_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA);
      g_assert_nonnull (strstr (error->message, base));
      g_clear_error (&error);
    }
}

/* The digest a signature covers: the whole file with both signature sections zeroed,
 * wherever the read buffer's edges fall; no signature, no verification. */
static void
test_signed_digest (void)
{
  g_autoptr (WrappyTestDirs) dirs = wrappy_test_dirs_new ();
  g_autofree char *path = g_build_filename (dirs->root, "x.AppImage", NULL);
  gsize len = 200000;
  g_autofree guchar *data = g_malloc (len);
  g_autofree char *digest = NULL, *expected = NULL;
  g_autoptr (GError) error = NULL;
  WrappyAppImageInfo info = { 0 };

  for (gsize i = 0; i < len; i++)
    data[i] = (guchar)(i * 7 + 1);
  g_assert_true (g_file_set_contents (path, (char *)data, len, NULL));
  info.sig_offset = 65530; /* across the first 64 KiB read */
  info.sig_size = 1024;
  info.key_offset = 150000;
  info.key_size = 8192;
  digest = wrappy_appimage_signed_digest (path, &info, &error);
  g_assert_no_error (error);
  memset (data + info.sig_offset, 0, info.sig_size);
  memset (data + info.key_offset, 0, info.key_size);
  expected = g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, len);
  g_assert_cmpstr (digest, ==, expected);

  g_assert_null (wrappy_appimage_verify (path, &info, "key", &error));
  g_assert_error (error, WRAPPY_ERROR, WRAPPY_ERROR_INVALID_DATA);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/appimage/probe", test_probe);
  g_test_add_func ("/appimage/derive-id", test_derive_id);
  g_test_add_func ("/appimage/update-info", test_update_info);
  g_test_add_func ("/appimage/zsync-header", test_zsync_header);
  g_test_add_func ("/appimage/signed-digest", test_signed_digest);
  return g_test_run ();
}
