/* Shared by the fuzz targets (one parser each) and the replay driver that runs their
 * corpora as regression tests (docs/testing.md, "Fuzzing"). */
#pragma once

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

G_BEGIN_DECLS

/* libFuzzer's entry point; every fuzz-*.c defines it. */
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Called once before the first input (by libFuzzer, or by the replay driver): makes a
 * GLib critical abort, so that libFuzzer keeps the input (G_DEBUG=fatal-criticals
 * raises SIGTRAP, which it does not catch), and keeps other log messages quiet. */
int LLVMFuzzerInitialize (int *argc, char ***argv);

/* A directory of the process's own under $TMPDIR, made on first use and removed at
 * exit: the only place a target may write. */
const char *wrappy_fuzz_tmpdir (void);

/* data as a file for parsers that take a path: /proc/self/fd/N of one memfd, refilled
 * on every call, with data starting at byte offset (zeros before it). */
const char *wrappy_fuzz_file (const uint8_t *data, size_t size, size_t offset);

/* Removes name (and everything below it) from the temp dir. */
void wrappy_fuzz_remove (const char *name);

G_END_DECLS
