// Compile-time checks of the API header from C++: every plugin_* prototype
// (FALCO_PLUGIN_DECLARE_EXPORTS) has exactly the type of its plugin_*_fn
// typedef and of the plugin_api member. Not linked into anything.
#define FALCO_PLUGIN_DECLARE_EXPORTS
#include <type_traits>

#include "falco_plugin_api.h"

#define FPH_CHECK_SYMBOL(name)                                                             \
    static_assert(std::is_same<decltype(&plugin_##name), plugin_##name##_fn>::value,       \
                  "prototype of plugin_" #name " differs from its typedef");               \
    static_assert(std::is_same<decltype(plugin_api::name), plugin_##name##_fn>::value,    \
                  "plugin_api::" #name " differs from its typedef");
FALCO_PLUGIN_API_SYMBOLS(FPH_CHECK_SYMBOL)
#undef FPH_CHECK_SYMBOL
