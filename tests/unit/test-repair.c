/* The repair report's pure parts, and the checks that need no repository: broken
 * manifests are moved aside (never deleted), leftovers removed, checking changes nothing. */
#include "config.h"

#include <string.h>

#include "wrappy-dirs.h"
#include "wrappy-manifest.h"
#include "wrappy-repair.h"
#include "wrappy-test-utils.h"

static void
test_manifest_temp_names (void)
{
  g_assert_true (wrappy_repair_is_manifest_temp ("org.x.Y.manifest.AB12cd"));
  g_assert_true (wrappy_repair_is_manifest_temp ("org.x.Y.manifest.000000"));
  g_assert_false (wrappy_repair_is_manifest_temp ("org.x.Y.manifest"));
  g_assert_false (wrappy_repair_is_manifest_temp ("org.x.Y.manifest.AB12c"));
  g_assert_false (wrappy_repair_is_manifest_temp ("org.x.Y.manifest.AB12cde"));
  g_assert_false (wrappy_repair_is_manifest_temp ("org.x.Y.manifest.AB-2cd"));
  g_assert_false (wrappy_repair_is_manifest_temp (".manifest.AB12cd"));
  g_assert_false (wrappy_repair_is_manifest_temp ("broken"));
}

static void
test_summary (void)
{
  g_autoptr (WrappyRepairReport) r = wrappy_repair_report_new ();
  g_autofree char *s1 = NULL, *s2 = NULL;

  g_assert_false (wrappy_repair_report_has_problems (r));
  g_assert_null (wrappy_repair_report_summary (r));

  /* Notes and fixed problems are no problems. */
  wrappy_repair_report_add (r, WRAPPY_PROBLEM_ORPHAN_LAYER, WRAPPY_PROBLEM_NOTE, NULL, "layers",
                            "2 layers", "run 'wrappy gc' to free 1 MB");
  wrappy_repair_report_add (r, WRAPPY_PROBLEM_LEFTOVER, WRAPPY_PROBLEM_FIXED, NULL, "layers/.tmp-a",
                            "leftover", NULL);
  g_assert_false (wrappy_repair_report_has_problems (r));
  g_assert_null (wrappy_repair_report_summary (r));

  /* Found with no action of its own: --fix repairs it. */
  wrappy_repair_report_add (r, WRAPPY_PROBLEM_MISSING_LAYER, WRAPPY_PROBLEM_FOUND, "org.x.A",
                            "layers/app/x", "missing", NULL);
  g_assert_true (wrappy_repair_report_has_problems (r));
  s1 = wrappy_repair_report_summary (r);
  g_assert_cmpstr (s1, ==, "run 'wrappy doctor --fix'");

  /* Distinct actions, in order, once each. */
  wrappy_repair_report_add (r, WRAPPY_PROBLEM_CORRUPTED, WRAPPY_PROBLEM_FOUND, "org.x.B", "p", "d",
                            "reinstall org.x.B");
  wrappy_repair_report_add (r, WRAPPY_PROBLEM_BROKEN_MANIFEST, WRAPPY_PROBLEM_REMAINS, "org.x.B",
                            "p", "d", "reinstall org.x.B");
  wrappy_repair_report_add (r, WRAPPY_PROBLEM_BROKEN_MANIFEST, WRAPPY_PROBLEM_REMAINS, "org.x.C",
                            "p", "d", "reinstall org.x.C");
  s2 = wrappy_repair_report_summary (r);
  g_assert_cmpstr (s2, ==, "run 'wrappy doctor --fix'; reinstall org.x.B; reinstall org.x.C");

  g_assert_cmpstr (wrappy_problem_kind_to_string (WRAPPY_PROBLEM_CORRUPTED), ==, "corrupted");
  g_assert_cmpstr (wrappy_problem_kind_to_string (WRAPPY_PROBLEM_ORPHAN_REF), ==, "orphan-ref");
  g_assert_cmpstr (wrappy_problem_status_to_string (WRAPPY_PROBLEM_REMAINS), ==, "remains");
  for (int k = 0; k < WRAPPY_PROBLEM_N_KINDS; k++)
    g_assert_cmpstr (wrappy_problem_kind_to_string (k), !=, "unknown");
}

static guint
count (WrappyRepairReport *r, WrappyProblemKind kind, WrappyProblemStatus status)
{
  guint n = 0;
  for (guint i = 0; i < r->problems->len; i++)
    {
      WrappyProblem *p = r->problems->pdata[i];
      n += p->kind == kind && p->status == status;
    }
  return n;
}

static void
test_no_store_is_healthy (void)
{
  g_autoptr (WrappyTestDirs) dirs = wrappy_test_dirs_new ();
  g_autoptr (WrappyRepairReport) r = wrappy_repair_run (FALSE, NULL, NULL);

  g_assert_nonnull (r);
  g_assert_cmpuint (r->problems->len, ==, 0);
  g_assert_false (g_file_test (wrappy_dirs_data (), G_FILE_TEST_EXISTS));
}

static void
test_broken_manifest_and_leftovers (void)
{
  g_autoptr (WrappyTestDirs) dirs = wrappy_test_dirs_new ();
  g_autofree char *bad = g_build_filename (wrappy_dirs_data (), "apps", "org.x.Bad.manifest", NULL);
  g_autofree char *wrong
      = g_build_filename (wrappy_dirs_data (), "apps", "org.x.Wrong.manifest", NULL);
  g_autofree char *tmp
      = g_build_filename (wrappy_dirs_data (), "apps", "org.x.Bad.manifest.Xy12Z9", NULL);
  g_autofree char *tmpdir
      = g_build_filename (wrappy_dirs_data (), "layers", ".tmp-abc-1", "files", "f", NULL);
  g_autofree char *moved
      = g_build_filename (wrappy_dirs_data (), "apps", "broken", "org.x.Bad.manifest", NULL);
  g_autoptr (WrappyRepairReport) check = NULL;
  g_autoptr (WrappyRepairReport) fix = NULL;
  g_autoptr (WrappyRepairReport) again = NULL;
  g_autofree char *summary = NULL;

  wrappy_test_write_file (bad, "[App\n\x01garbage");
  /* Parses, but says it is another app. */
  wrappy_test_write_file (wrong, "[App]\nid=org.x.Other\n[Layer 0]\nkind=base\npath=/usr\n"
                                 "mount=/usr\n");
  wrappy_test_write_file (tmp, "half");
  wrappy_test_write_file (tmpdir, "x");

  check = wrappy_repair_run (FALSE, NULL, NULL);
  g_assert_nonnull (check);
  g_assert_cmpuint (count (check, WRAPPY_PROBLEM_BROKEN_MANIFEST, WRAPPY_PROBLEM_FOUND), ==, 2);
  g_assert_cmpuint (count (check, WRAPPY_PROBLEM_LEFTOVER, WRAPPY_PROBLEM_FOUND), ==, 2);
  g_assert_true (g_file_test (bad, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (tmp, G_FILE_TEST_EXISTS));

  fix = wrappy_repair_run (TRUE, NULL, NULL);
  g_assert_nonnull (fix);
  g_assert_cmpuint (count (fix, WRAPPY_PROBLEM_BROKEN_MANIFEST, WRAPPY_PROBLEM_REMAINS), ==, 2);
  g_assert_cmpuint (count (fix, WRAPPY_PROBLEM_LEFTOVER, WRAPPY_PROBLEM_FIXED), ==, 2);
  g_assert_false (g_file_test (bad, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (moved, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (tmp, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (tmpdir, G_FILE_TEST_EXISTS));
  summary = wrappy_repair_report_summary (fix);
  g_assert_cmpstr (summary, ==, "reinstall org.x.Bad; reinstall org.x.Wrong");

  /* A second broken copy does not replace the first one moved aside. */
  wrappy_test_write_file (bad, "again");
  again = wrappy_repair_run (TRUE, NULL, NULL);
  g_assert_nonnull (again);
  {
    g_autofree char *second = g_strconcat (moved, ".1", NULL);
    g_autofree char *data = NULL;
    g_assert_true (g_file_get_contents (second, &data, NULL, NULL));
    g_assert_cmpstr (data, ==, "again");
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/repair/manifest-temp-names", test_manifest_temp_names);
  g_test_add_func ("/repair/summary", test_summary);
  g_test_add_func ("/repair/no-store-is-healthy", test_no_store_is_healthy);
  g_test_add_func ("/repair/broken-manifest-and-leftovers", test_broken_manifest_and_leftovers);
  return g_test_run ();
}
