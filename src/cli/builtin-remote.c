#include "config.h"
#include "wrappy-builtins.h"
#include "wrappy-error.h"
WRAPPY_BUILTIN (remote)
{
  g_set_error_literal (error, WRAPPY_ERROR, WRAPPY_ERROR_FAILED, "PLACEHOLDER: remote is being written");
  return FALSE;
}
