/* Compiles the API header as C (C11): proves it is C-compatible and runs its
 * static ABI assertions under a C compiler too. Not linked into anything. */
#include "falco_plugin_api.h"

/* a C translation unit must not be empty */
typedef int falco_plugin_api_c_check;
