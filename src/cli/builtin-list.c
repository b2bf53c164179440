#include "config.h"
#include "wrappy-builtins.h"
#include "wrappy-error.h"
WRAPPY_BUILTIN (list)
{
  g_set_error_literal (error, WRAPPY_ERROR, WRAPPY_ERROR_FAILED, "PLACEHOLDER: list is being written");
  return FALSE;
}
