#include "config.h"
#include "wrappy-builtins.h"
#include "wrappy-error.h"
WRAPPY_BUILTIN (run)
{
  g_set_error_literal (error, WRAPPY_ERROR, WRAPPY_ERROR_FAILED, "PLACEHOLDER: run is being written");
  return FALSE;
}
