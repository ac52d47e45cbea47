#include "tables/js_values.h"

#include <cmath>
#include <cstdio>
#include <limits>

#include "tables/table_error.h"

namespace falco_ts {
namespace tables {
namespace js {

namespace {

constexpr double kTwoTo53 = 9007199254740992.0;
constexpr double kTwoTo63 = 9223372036854775808.0;
constexpr double kTwoTo64 = 18446744073709551616.0;
constexpr int kMaxSubtableDepth = 16;

std::string Integer(double value) {
  char text[64];
  std::snprintf(text, sizeof text, "%.0f", value);
  return text;
}

// How a wrong value is named: as schema.ts does ("the number 1.5", "the string \"x\"", "undefined").
std::string Describe(const Napi::Value& value) {
  switch (value.Type()) {
    case napi_null: return "null";
    case napi_undefined: return "undefined";
    case napi_number: {
      const double d = value.As<Napi::Number>().DoubleValue();
      if (std::isfinite(d) && std::trunc(d) == d && std::fabs(d) < kTwoTo64) return "the number " + Integer(d);
      char text[64];
      std::snprintf(text, sizeof text, "%.17g", d);
      return std::string("the number ") + text;
    }
    case napi_string: {
      std::string quoted = "\"";
      for (char c : value.As<Napi::String>().Utf8Value()) {
        if (c == '"' || c == '\\') quoted += '\\';
        quoted += c;
      }
      return "the string " + quoted + "\"";
    }
    case napi_boolean: return "boolean";
    case napi_bigint: return "bigint";
    case napi_function: return "function";
    case napi_symbol: return "symbol";
    default: return "object";
  }
}

struct Range {
  int64_t min;
  uint64_t max;
};

Range RangeOf(ss_plugin_state_type type) {
  switch (type) {
    case SS_PLUGIN_ST_INT8: return {INT8_MIN, INT8_MAX};
    case SS_PLUGIN_ST_INT16: return {INT16_MIN, INT16_MAX};
    case SS_PLUGIN_ST_INT32: return {INT32_MIN, INT32_MAX};
    case SS_PLUGIN_ST_INT64: return {INT64_MIN, INT64_MAX};
    case SS_PLUGIN_ST_UINT8: return {0, UINT8_MAX};
    case SS_PLUGIN_ST_UINT16: return {0, UINT16_MAX};
    case SS_PLUGIN_ST_UINT32: return {0, UINT32_MAX};
    default: return {0, UINT64_MAX};
  }
}

[[noreturn]] void OutOfRange(const What& what, ss_plugin_state_type type, const std::string& integer) {
  FailRange(what.str() + " is out of range for " + TypeName(type) + ": " + integer);
}

[[noreturn]] void NotAnInteger(const What& what, ss_plugin_state_type type, const Napi::Value& value) {
  FailType(what.str() + " must be an integer (" + TypeName(type) + "), not " + Describe(value));
}

// An integer of `type` (signed: sign-extended bits) from a number or a bigint.
uint64_t IntegerBits(const Napi::Value& value, ss_plugin_state_type type, const What& what) {
  const Range range = RangeOf(type);
  const bool is_signed = IsSignedType(type);
  if (value.IsBigInt()) {
    bool lossless = false;
    if (is_signed) {
      const int64_t v = value.As<Napi::BigInt>().Int64Value(&lossless);
      if (!lossless || v < range.min || v > static_cast<int64_t>(range.max)) {
        OutOfRange(what, type, value.ToString().Utf8Value());
      }
      return static_cast<uint64_t>(v);
    }
    const uint64_t v = value.As<Napi::BigInt>().Uint64Value(&lossless);
    if (!lossless || v > range.max) OutOfRange(what, type, value.ToString().Utf8Value());
    return v;
  }
  if (!value.IsNumber()) NotAnInteger(what, type, value);
  const double d = value.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d) || std::trunc(d) != d) NotAnInteger(what, type, value);
  if (is_signed) {
    if (d < -kTwoTo63 || d >= kTwoTo63) OutOfRange(what, type, Integer(d));
    const auto v = static_cast<int64_t>(d);
    if (v < range.min || v > static_cast<int64_t>(range.max)) OutOfRange(what, type, Integer(d));
    return static_cast<uint64_t>(v);
  }
  if (d < 0 || d >= kTwoTo64) OutOfRange(what, type, Integer(d));
  const auto v = static_cast<uint64_t>(d);
  if (v > range.max) OutOfRange(what, type, Integer(d));
  return v;
}

Napi::Value Property(const Napi::Object& object, const char* name) { return object.Get(name); }

OwnedFieldSpec FieldSpec(const Napi::Value& value, const std::string& table, int depth);

std::vector<OwnedFieldSpec> Specs(const Napi::Value& value, const std::string& table, int depth) {
  if (depth > kMaxSubtableDepth) FailRange("the sub-tables of table '" + table + "' nest too deep");
  if (!value.IsArray()) FailType("the fields of table '" + table + "' must be an array, not " + Describe(value));
  const Napi::Array array = value.As<Napi::Array>();
  std::vector<OwnedFieldSpec> specs;
  for (uint32_t i = 0; i < array.Length(); i++) specs.push_back(FieldSpec(array.Get(i), table, depth));
  return specs;
}

OwnedFieldSpec FieldSpec(const Napi::Value& value, const std::string& table, int depth) {
  if (!value.IsObject()) FailType("a field of table '" + table + "' must be an object, not " + Describe(value));
  const Napi::Object object = value.As<Napi::Object>();
  OwnedFieldSpec spec;
  spec.name = String(Property(object, "name"), Text("the name of a field of table '" + table + "'"));
  const std::string what = "field '" + spec.name + "' of table '" + table + "'";
  spec.type = TypeCode(Property(object, "type"), Text("the type of " + what));
  const Napi::Value read_only = Property(object, "readOnly");
  if (!read_only.IsUndefined() && !read_only.IsBoolean()) {
    FailType("readOnly of " + what + " must be a boolean, not " + Describe(read_only));
  }
  spec.read_only = read_only.IsBoolean() && read_only.As<Napi::Boolean>().Value();
  const Napi::Value subtable = Property(object, "subtable");
  if (spec.type != SS_PLUGIN_ST_TABLE) {
    if (!subtable.IsUndefined()) FailType(what + " declares a sub-table but is of type " + TypeName(spec.type));
    return spec;
  }
  if (!subtable.IsObject()) FailType(what + " is a table: its subtable must be an object, not " + Describe(subtable));
  const Napi::Object sub = subtable.As<Napi::Object>();
  spec.subtable_key = TypeCode(Property(sub, "keyType"), Text("the sub-table key type of " + what));
  spec.subtable_fields = Specs(Property(sub, "fields"), table + "." + spec.name, depth + 1);
  return spec;
}

}  // namespace

std::string What::str() const {
  if (table != nullptr) {
    return field != nullptr ? "field '" + *field + "' of table '" + *table + "'" : "a key of table '" + *table + "'";
  }
  return function != nullptr ? std::string(function) + ": " + text : std::string(text);
}

uint64_t Handle(const Napi::Value& value, const What& what) {
  if (value.IsNumber()) {
    const double d = value.As<Napi::Number>().DoubleValue();
    if (std::isfinite(d) && std::trunc(d) == d && d >= 0 && d < kTwoTo53) return static_cast<uint64_t>(d);
  }
  FailType(what.str() + " must be a non-negative integer, not " + Describe(value));
}

std::string String(const Napi::Value& value, const What& what) {
  if (!value.IsString()) FailType(what.str() + " must be a string, not " + Describe(value));
  std::string text = value.As<Napi::String>().Utf8Value();
  if (text.find('\0') != std::string::npos) FailRange(what.str() + " must not contain NUL characters");
  return text;
}

ss_plugin_state_type TypeCode(const Napi::Value& value, const What& what) {
  if (!value.IsNumber()) FailType(what.str() + " must be a state type code (a number), not " + Describe(value));
  const double d = value.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d) || std::trunc(d) != d || d < 0 || d > 255 ||
      !(IsScalarType(static_cast<int>(d)) || static_cast<int>(d) == SS_PLUGIN_ST_TABLE)) {
    FailRange(what.str() + ": " + Describe(value) + " is not a state type code");
  }
  return static_cast<ss_plugin_state_type>(static_cast<int>(d));
}

StateValue Scalar(const Napi::Value& value, ss_plugin_state_type type, const What& what) {
  StateValue result;
  result.type = type;
  switch (static_cast<int>(type)) {
    case SS_PLUGIN_ST_STRING:
      result.text = String(value, what);
      return result;
    case SS_PLUGIN_ST_BOOL:
      if (!value.IsBoolean()) FailType(what.str() + " must be a boolean, not " + Describe(value));
      result.bits = value.As<Napi::Boolean>().Value() ? 1 : 0;
      return result;
    case kUnknownType:
      // A key of a host sub-table: typed by what it is (little-endian, 64 bits hold every width).
      if (value.IsString()) return Scalar(value, SS_PLUGIN_ST_STRING, what);
      if (value.IsBoolean()) return Scalar(value, SS_PLUGIN_ST_BOOL, what);
      if (value.IsBigInt() || value.IsNumber()) {
        bool negative = value.IsNumber() ? value.As<Napi::Number>().DoubleValue() < 0 : false;
        if (value.IsBigInt()) {
          bool lossless = false;
          negative = value.As<Napi::BigInt>().Int64Value(&lossless) < 0 && lossless;
        }
        return Scalar(value, negative ? SS_PLUGIN_ST_INT64 : SS_PLUGIN_ST_UINT64, what);
      }
      FailType(what.str() + " must be a number, bigint, string or boolean, not " + Describe(value));
    default:
      if (!IsIntegerType(type)) FailRange(what.str() + ": " + TypeName(type) + " is not a value type");
      result.bits = IntegerBits(value, type, what);
      return result;
  }
}

Napi::Value ToJs(Napi::Env env, const StateValue& value) {
  switch (value.type) {
    case SS_PLUGIN_ST_STRING: return Napi::String::New(env, value.text);
    case SS_PLUGIN_ST_BOOL: return Napi::Boolean::New(env, value.bits != 0);
    case SS_PLUGIN_ST_INT64: return Napi::BigInt::New(env, static_cast<int64_t>(value.bits));
    case SS_PLUGIN_ST_UINT64: return Napi::BigInt::New(env, value.bits);
    case SS_PLUGIN_ST_TABLE: return Napi::Number::New(env, static_cast<double>(value.bits));
    default:
      if (IsSignedType(value.type)) return Napi::Number::New(env, static_cast<double>(static_cast<int64_t>(value.bits)));
      return Napi::Number::New(env, static_cast<double>(value.bits));
  }
}

std::vector<OwnedFieldSpec> FieldSpecs(const Napi::Value& value, const std::string& table) {
  return Specs(value, table, 0);
}

}  // namespace js
}  // namespace tables
}  // namespace falco_ts
