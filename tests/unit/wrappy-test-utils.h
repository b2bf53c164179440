/* Each unit test case runs with its own HOME and XDG dirs under a fresh temp dir. */
#pragma once

#include <glib.h>

typedef struct
{
  char *root;
} WrappyTestDirs;

WrappyTestDirs *wrappy_test_dirs_new (void);
void wrappy_test_dirs_free (WrappyTestDirs *d);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WrappyTestDirs, wrappy_test_dirs_free)

void wrappy_test_write_file (const char *path, const char *contents);
