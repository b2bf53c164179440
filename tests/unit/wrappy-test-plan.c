#include "config.h"

#include <string.h>

#include "wrappy-test-plan.h"
#include "wrappy-policy.h"

WrappyPlan *
wrappy_test_plan (const WrappyLaunchSpec *spec, WrappyTestFacts fill, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  WrappyHostFacts f;
  WrappyPlan *plan;

  fill (&f);
  plan = wrappy_plan_new (spec, &f, error ? error : &local_error);
  wrappy_host_facts_clear (&f);
  if (error == NULL)
    {
      g_assert_no_error (local_error);
      g_assert_nonnull (plan);
    }
  return plan;
}

int
wrappy_test_op_index (const WrappyPlan *plan, const char *dest)
{
  for (guint i = 0; i < plan->ops->len; i++)
    if (strcmp (((WrappyOp *)plan->ops->pdata[i])->dest, dest) == 0)
      return (int)i;
  return -1;
}

void
wrappy_test_assert_op (const WrappyPlan *plan, const char *dest, WrappyOpKind kind, const char *src)
{
  const WrappyOp *op = wrappy_plan_find_op (plan, dest);

  if (op == NULL)
    g_error ("no op at %s", dest);
  g_assert_cmpint (op->kind, ==, kind);
  g_assert_cmpstr (op->src, ==, src);
}

void
wrappy_test_assert_ro_bind (const WrappyPlan *plan, const char *src, const char *dest)
{
  const WrappyOp *op = wrappy_plan_find_op (plan, dest);

  wrappy_test_assert_op (plan, dest, WRAPPY_OP_BIND, src);
  g_assert_true (op->flags & WRAPPY_OP_FLAG_RO);
}

void
wrappy_test_set_level (WrappyLaunchSpec *spec, WrappyIsolation level)
{
  const WrappyLevelRules *r = wrappy_level_rules (level);

  spec->isolation = level;
  spec->unshare = r->unshare;
  spec->seccomp = r->seccomp;
}
