// The Node-API functions of the `tables` object. Each converts its arguments (js_values.h), runs the
// PluginTables function of the same name under the state's tables lock, and converts the result. No C++
// exception leaves them: a TableError becomes an Error, TypeError or RangeError with its message, an
// exception of JavaScript (an iteration's visitor) goes on as it is, anything else is an internal error.
#include "tables/tables_binding.h"

#include <exception>
#include <mutex>
#include <string>

#include "plugin_state.h"
#include "tables/js_values.h"
#include "tables/plugin_tables.h"
#include "tables/table_error.h"

namespace falco_ts {

namespace {

using tables::PluginTables;
using tables::js::Arg;
using tables::StateValue;
using tables::TableError;

Napi::Error ToJsError(Napi::Env env, const TableError& error) {
  switch (error.kind()) {
    case TableError::Kind::kTypeError: return Napi::TypeError::New(env, error.what());
    case TableError::Kind::kRangeError: return Napi::RangeError::New(env, error.what());
    default: return Napi::Error::New(env, error.what());
  }
}

// Entries and sub-tables of the plugin's own tables held outside host calls belong to the JavaScript
// turn that obtained them: they are let go in a microtask, once that turn's synchronous code is done.
// `generation`: that of the turn, when TakeTurnEndRequest asked for its end.
void PlanTurnEnd(Napi::Env env, PluginTables& tables, uint32_t generation) noexcept {
  try {
    Napi::Value queue = env.Global().Get("queueMicrotask");
    if (!queue.IsFunction()) throw std::runtime_error("no queueMicrotask");
    PluginTables* target = &tables;
    Napi::Function end = Napi::Function::New(env, [target, generation](const Napi::CallbackInfo&) {
      try {
        target->access().EndTurn(generation);
      } catch (...) {
      }
    });
    queue.As<Napi::Function>().Call({end});
  } catch (...) {
    // Not planned: what the turn holds is let go when the next host call starts.
    try {
      tables.access().EndTurn(0);
    } catch (...) {
    }
  }
}

// Runs `body(tables)` for function `name`, which takes at least `argc` arguments.
template <typename Body>
Napi::Value Run(const Napi::CallbackInfo& info, const char* name, size_t argc, Body&& body) {
  Napi::Env env = info.Env();
  PluginState* state = env.GetInstanceData<PluginState>();
  if (state == nullptr) throw Napi::Error::New(env, std::string(name) + ": no plugin state owns this environment");
  PluginTables& tables = state->tables();
  if (info.Length() < argc) {
    throw Napi::TypeError::New(env, std::string(name) + " takes " + std::to_string(argc) + " arguments, " +
                                        std::to_string(info.Length()) + " given");
  }
  Napi::Value result;
  uint32_t turn = 0;  // a turn outside host calls to end, when not 0
  std::exception_ptr error;
  {
    std::lock_guard<std::recursive_mutex> lock(tables.access().mutex());
    try {
      result = body(tables);
    } catch (...) {
      error = std::current_exception();
    }
    if (tables.access().TakeTurnEndRequest()) turn = tables.access().generation();
  }
  if (turn != 0) PlanTurnEnd(env, tables, turn);
  if (!error) return result;
  try {
    std::rethrow_exception(error);
  } catch (const TableError& e) {
    throw ToJsError(env, e);
  } catch (const Napi::Error&) {
    throw;  // JavaScript's own (a visitor threw)
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, std::string(name) + ": internal error: " + e.what());
  } catch (...) {
    throw Napi::Error::New(env, std::string(name) + ": internal error");
  }
}

uint64_t TableArg(const Napi::CallbackInfo& info, const char* function, size_t i = 0) {
  return tables::js::Handle(info[i], Arg(function, "the table handle"));
}
uint64_t EntryArg(const Napi::CallbackInfo& info, const char* function, size_t i) {
  return tables::js::Handle(info[i], Arg(function, "the entry handle"));
}
StateValue KeyArg(const Napi::CallbackInfo& info, PluginTables& tables, uint64_t table, size_t i) {
  const PluginTables::Expected key = tables.KeyOf(table);
  return tables::js::Scalar(info[i], key.type, {nullptr, nullptr, key.table, nullptr});
}
Napi::Value Number(Napi::Env env, uint64_t value) { return Napi::Number::New(env, static_cast<double>(value)); }

// ---- init only ----

Napi::Value ListTables(const Napi::CallbackInfo& info) {
  return Run(info, "listTables", 0, [&](PluginTables& tables) -> Napi::Value {
    const std::vector<tables::host::ListedTable> listed = tables.ListTables();
    Napi::Array array = Napi::Array::New(info.Env(), listed.size());
    for (uint32_t i = 0; i < listed.size(); i++) {
      Napi::Object table = Napi::Object::New(info.Env());
      table.Set("name", listed[i].name);
      table.Set("keyType", static_cast<double>(listed[i].key_type));
      array.Set(i, table);
    }
    return array;
  });
}

Napi::Value GetTable(const Napi::CallbackInfo& info) {
  return Run(info, "getTable", 2, [&](PluginTables& tables) {
    const std::string name = tables::js::String(info[0], Arg("getTable", "the table name"));
    return Number(info.Env(), tables.GetTable(name, tables::js::TypeCode(info[1], Arg("getTable", "the key type"))));
  });
}

Napi::Value AddTable(const Napi::CallbackInfo& info) {
  return Run(info, "addTable", 3, [&](PluginTables& tables) {
    const std::string name = tables::js::String(info[0], Arg("addTable", "the table name"));
    const ss_plugin_state_type key_type = tables::js::TypeCode(info[1], Arg("addTable", "the key type"));
    return Number(info.Env(), tables.AddTable(name, key_type, tables::js::FieldSpecs(info[2], name)));
  });
}

Napi::Value AddField(const Napi::CallbackInfo& info) {
  return Run(info, "addField", 3, [&](PluginTables& tables) {
    const uint64_t table = TableArg(info, "addField");
    const std::string name = tables::js::String(info[1], Arg("addField", "the field name"));
    return Number(info.Env(), tables.AddField(table, name, tables::js::TypeCode(info[2], Arg("addField", "the type"))));
  });
}

// ---- readers ----

Napi::Value GetField(const Napi::CallbackInfo& info) {
  return Run(info, "getField", 3, [&](PluginTables& tables) {
    const uint64_t table = TableArg(info, "getField");
    const std::string name = tables::js::String(info[1], Arg("getField", "the field name"));
    return Number(info.Env(), tables.GetField(table, name, tables::js::TypeCode(info[2], Arg("getField", "the type"))));
  });
}

Napi::Value ListFields(const Napi::CallbackInfo& info) {
  return Run(info, "listFields", 1, [&](PluginTables& tables) -> Napi::Value {
    const std::vector<tables::ListedField> listed = tables.ListFields(TableArg(info, "listFields"));
    Napi::Array array = Napi::Array::New(info.Env(), listed.size());
    for (uint32_t i = 0; i < listed.size(); i++) {
      Napi::Object field = Napi::Object::New(info.Env());
      field.Set("name", listed[i].name);
      field.Set("type", static_cast<double>(listed[i].type));
      field.Set("readOnly", listed[i].read_only);
      array.Set(i, field);
    }
    return array;
  });
}

Napi::Value TableName(const Napi::CallbackInfo& info) {
  return Run(info, "tableName", 1, [&](PluginTables& tables) -> Napi::Value {
    return Napi::String::New(info.Env(), tables.TableName(TableArg(info, "tableName")));
  });
}

Napi::Value TableSize(const Napi::CallbackInfo& info) {
  return Run(info, "tableSize", 1,
             [&](PluginTables& tables) { return Number(info.Env(), tables.TableSize(TableArg(info, "tableSize"))); });
}

Napi::Value GetEntry(const Napi::CallbackInfo& info) {
  return Run(info, "getEntry", 2, [&](PluginTables& tables) -> Napi::Value {
    const uint64_t table = TableArg(info, "getEntry");
    return Napi::Number::New(info.Env(), static_cast<double>(tables.GetEntry(table, KeyArg(info, tables, table, 1))));
  });
}

Napi::Value ReadField(const Napi::CallbackInfo& info) {
  return Run(info, "readField", 3, [&](PluginTables& tables) {
    const uint64_t table = TableArg(info, "readField");
    const uint64_t entry = EntryArg(info, "readField", 1);
    const uint64_t field = tables::js::Handle(info[2], Arg("readField", "the field handle"));
    return tables::js::ToJs(info.Env(), tables.ReadField(table, entry, field));
  });
}

Napi::Value ReleaseEntry(const Napi::CallbackInfo& info) {
  return Run(info, "releaseEntry", 2, [&](PluginTables& tables) -> Napi::Value {
    tables.ReleaseEntry(TableArg(info, "releaseEntry"), EntryArg(info, "releaseEntry", 1));
    return info.Env().Undefined();
  });
}

Napi::Value IterateEntries(const Napi::CallbackInfo& info) {
  return Run(info, "iterateEntries", 2, [&](PluginTables& tables) -> Napi::Value {
    Napi::Env env = info.Env();
    const uint64_t table = TableArg(info, "iterateEntries");
    if (!info[1].IsFunction()) throw Napi::TypeError::New(env, "iterateEntries: the visitor must be a function");
    const Napi::Function visit = info[1].As<Napi::Function>();
    const bool completed = tables.IterateEntries(table, [&](uint64_t entry) {
      Napi::HandleScope scope(env);
      const Napi::Value more = visit.Call(env.Undefined(), {Number(env, entry)});
      return !(more.IsBoolean() && !more.As<Napi::Boolean>().Value());
    });
    return Napi::Boolean::New(env, completed);
  });
}

// ---- writers ----

Napi::Value WriteField(const Napi::CallbackInfo& info) {
  return Run(info, "writeField", 4, [&](PluginTables& tables) -> Napi::Value {
    const uint64_t table = TableArg(info, "writeField");
    const uint64_t entry = EntryArg(info, "writeField", 1);
    const uint64_t field = tables::js::Handle(info[2], Arg("writeField", "the field handle"));
    const PluginTables::Expected expected = tables.ValueOf(table, field);
    // a table-typed field is refused by WriteField, whatever the value
    const StateValue value = expected.type == SS_PLUGIN_ST_TABLE
                                 ? StateValue{}
                                 : tables::js::Scalar(info[3], expected.type, {nullptr, nullptr, expected.table, expected.field});
    tables.WriteField(table, entry, field, value);
    return info.Env().Undefined();
  });
}

Napi::Value CreateEntry(const Napi::CallbackInfo& info) {
  return Run(info, "createEntry", 1, [&](PluginTables& tables) {
    return Number(info.Env(), tables.CreateEntry(TableArg(info, "createEntry")));
  });
}

Napi::Value AddEntry(const Napi::CallbackInfo& info) {
  return Run(info, "addEntry", 3, [&](PluginTables& tables) {
    const uint64_t table = TableArg(info, "addEntry");
    const StateValue key = KeyArg(info, tables, table, 1);
    return Number(info.Env(), tables.AddEntry(table, key, EntryArg(info, "addEntry", 2)));
  });
}

Napi::Value DestroyEntry(const Napi::CallbackInfo& info) {
  return Run(info, "destroyEntry", 2, [&](PluginTables& tables) -> Napi::Value {
    tables.DestroyEntry(TableArg(info, "destroyEntry"), EntryArg(info, "destroyEntry", 1));
    return info.Env().Undefined();
  });
}

Napi::Value EraseEntry(const Napi::CallbackInfo& info) {
  return Run(info, "eraseEntry", 2, [&](PluginTables& tables) -> Napi::Value {
    const uint64_t table = TableArg(info, "eraseEntry");
    tables.EraseEntry(table, KeyArg(info, tables, table, 1));
    return info.Env().Undefined();
  });
}

Napi::Value ClearTable(const Napi::CallbackInfo& info) {
  return Run(info, "clearTable", 1, [&](PluginTables& tables) -> Napi::Value {
    tables.ClearTable(TableArg(info, "clearTable"));
    return info.Env().Undefined();
  });
}

}  // namespace

void InitTablesBinding(Napi::Env env, Napi::Object exports) {
  Napi::Object tables = Napi::Object::New(env);
  const struct {
    const char* name;
    Napi::Value (*fn)(const Napi::CallbackInfo&);
  } functions[] = {
      {"listTables", ListTables},     {"getTable", GetTable},         {"addTable", AddTable},
      {"addField", AddField},         {"getField", GetField},         {"listFields", ListFields},
      {"tableName", TableName},       {"tableSize", TableSize},       {"getEntry", GetEntry},
      {"readField", ReadField},       {"releaseEntry", ReleaseEntry}, {"iterateEntries", IterateEntries},
      {"writeField", WriteField},     {"createEntry", CreateEntry},   {"addEntry", AddEntry},
      {"destroyEntry", DestroyEntry}, {"eraseEntry", EraseEntry},     {"clearTable", ClearTable},
  };
  for (const auto& function : functions) tables.Set(function.name, Napi::Function::New(env, function.fn, function.name));
  exports.Set("tables", tables);
}

}  // namespace falco_ts
