/* Helpers for the plan tests (test-plan*.c): build a plan from a spec and facts a test
 * fakes, and look at its ops. */
#pragma once

#include "wrappy-plan.h"

typedef void (*WrappyTestFacts) (WrappyHostFacts *f);

/* The plan for spec on the facts fill() fakes. With error NULL, asserts success. */
WrappyPlan *wrappy_test_plan (const WrappyLaunchSpec *spec, WrappyTestFacts fill, GError **error);

/* The index of the first op at dest, or -1. */
int wrappy_test_op_index (const WrappyPlan *plan, const char *dest);

/* The last op at dest is of that kind with that source (and read-only for ro_bind). */
void wrappy_test_assert_op (const WrappyPlan *plan, const char *dest, WrappyOpKind kind,
                            const char *src);
void wrappy_test_assert_ro_bind (const WrappyPlan *plan, const char *src, const char *dest);

/* spec at level as the policy's table makes it (namespaces and filter too). */
void wrappy_test_set_level (WrappyLaunchSpec *spec, WrappyIsolation level);
