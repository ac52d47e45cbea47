/* Minimal Node-API addon: exports.triple(n) = 3 * n. Built without linking libnode. */
#include <node_api.h>

static napi_value Triple(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  double n = 0;
  napi_value out;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc > 0) napi_get_value_double(env, argv[0], &n);
  napi_create_double(env, n * 3, &out);
  return out;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "triple", NAPI_AUTO_LENGTH, Triple, NULL, &fn);
  napi_set_named_property(env, exports, "triple", fn);
  return exports;
}
