/*
 * falco_plugin_api.h - this project's own declaration of the Falco plugin
 * API 3.12 binary interface (the C ABI that libsinsp uses to drive plugin
 * shared libraries).
 *
 * It is written from the published interface, not copied from it: every
 * type here must have the same size, member offsets and enumerator values as
 * the types a libsinsp host uses, so that a library built against this header
 * is loadable by Falco and so that our host (native/host) drives plugins the
 * same way. The static assertions at the end of this file turn any drift into
 * a compile error.
 *
 * Usable from C (C11 or later, for _Static_assert) and from C++ (C++11 or
 * later).
 *
 * Layout notes:
 *  - Events are little-endian byte blobs with a packed 26-byte header
 *    (ss_plugin_event) followed by nparams parameter lengths and the
 *    parameters. A plugin event (type 322) has two parameters with 4-byte
 *    lengths: the plugin id (u32) and the payload, so the payload starts at
 *    byte 38 (PLUGIN_EVENT_PAYLOAD_OFFSET).
 *  - All exported plugin functions use the platform C calling convention and
 *    are named "plugin_<member>", e.g. plugin_init, plugin_next_batch.
 */
#ifndef FALCO_PLUGIN_API_H
#define FALCO_PLUGIN_API_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Versions and constants                                                   */
/* ------------------------------------------------------------------------ */

/* The API version this header describes (the highest a host built on it
 * accepts). A plugin declares the version it requires through
 * plugin_get_required_api_version(); a host accepts it when the majors are
 * equal and the plugin's minor is not greater than the host's. */
#define PLUGIN_API_VERSION_MAJOR 3
#define PLUGIN_API_VERSION_MINOR 12
#define PLUGIN_API_VERSION_PATCH 0
#define FALCO_PLUGIN_API_STRINGIFY_(x) #x
#define FALCO_PLUGIN_API_STRINGIFY(x) FALCO_PLUGIN_API_STRINGIFY_(x)
#define PLUGIN_API_VERSION_STR                             \
    FALCO_PLUGIN_API_STRINGIFY(PLUGIN_API_VERSION_MAJOR)   \
    "." FALCO_PLUGIN_API_STRINGIFY(PLUGIN_API_VERSION_MINOR) \
    "." FALCO_PLUGIN_API_STRINGIFY(PLUGIN_API_VERSION_PATCH)

/* Maximum length (terminator included) of error strings exchanged through
 * fixed-size buffers, e.g. by the async event handler. */
#define PLUGIN_MAX_ERRLEN 1024

/* Size of the packed event header. */
#define FALCO_PLUGIN_EVENT_HEADER_SIZE 26

/* Byte offset of the payload inside a plugin event (type 322): header (26) +
 * two 4-byte parameter lengths (8) + the u32 plugin id (4). */
#define PLUGIN_EVENT_PAYLOAD_OFFSET 38

/* Event type codes a plugin deals with directly. */
#define FALCO_PLUGIN_EVENT_TYPE_PLUGIN 322 /* plugin event: (u32 id, payload) */
#define FALCO_PLUGIN_EVENT_TYPE_ASYNC 402  /* async event: (u32 id, name, data) */
#define FALCO_PLUGIN_EVENT_PLUGIN_NPARAMS 2
#define FALCO_PLUGIN_EVENT_ASYNC_NPARAMS 3

/* Plugin id reserved by the plugin registry for development and testing. */
#define FALCO_PLUGIN_DEV_ID 999

/* ------------------------------------------------------------------------ */
/* Basic types                                                              */
/* ------------------------------------------------------------------------ */

/* Booleans cross the boundary as 4-byte integers (0 = false). */
typedef uint32_t ss_plugin_bool;

/* Types of extractable fields. The values are those of the libs' internal
 * parameter types and are not contiguous on purpose. */
typedef enum ss_plugin_field_type {
    FTYPE_UINT64 = 8,   /* uint64_t */
    FTYPE_STRING = 9,   /* NUL-terminated string */
    FTYPE_RELTIME = 20, /* relative time in ns, uint64_t */
    FTYPE_ABSTIME = 21, /* ns since the epoch, uint64_t */
    FTYPE_BOOL = 25,    /* ss_plugin_bool */
    FTYPE_IPADDR = 40,  /* byte buffer: 4 bytes (v4) or 16 bytes (v6) */
    FTYPE_IPNET = 41    /* byte buffer holding a network's address */
} ss_plugin_field_type;

/* Result codes. */
typedef enum ss_plugin_rc {
    SS_PLUGIN_SUCCESS = 0,
    SS_PLUGIN_FAILURE = 1,
    SS_PLUGIN_TIMEOUT = -1,
    SS_PLUGIN_EOF = 2,
    SS_PLUGIN_NOT_SUPPORTED = 3
} ss_plugin_rc;

/* Formats of the init config schema returned by plugin_get_init_schema. */
typedef enum ss_plugin_schema_type {
    SS_PLUGIN_SCHEMA_NONE = 0, /* config is an opaque string */
    SS_PLUGIN_SCHEMA_JSON = 1  /* config is JSON, schema is a JSON Schema */
} ss_plugin_schema_type;

/* Packed, little-endian event header. */
#pragma pack(push, 1)
struct ss_plugin_event {
    uint64_t ts;      /* ns since the epoch; UINT64_MAX = "host fills now" */
    uint64_t tid;     /* thread id; UINT64_MAX = none (plugin events) */
    uint32_t len;     /* total length in bytes, header included */
    uint16_t type;    /* event type code */
    uint32_t nparams; /* number of parameters after the header */
};
#pragma pack(pop)
typedef struct ss_plugin_event ss_plugin_event;

/* An event handed by the host to the plugin (read-only). */
typedef struct ss_plugin_event_input {
    const ss_plugin_event* evt; /* header of the event */
    uint64_t evtnum;            /* host-assigned event number */
    const char* evtsrc;         /* name of the event's source */
} ss_plugin_event_input;

typedef struct ss_plugin_byte_buffer {
    uint32_t len;
    const void* ptr;
} ss_plugin_byte_buffer;

/* Optional output of extract_fields (API >= 3.11): per extracted value, its
 * start offset and length inside the event (counted from the first header
 * byte). {0, 0} means "no offset". The host initialises both pointers to
 * NULL; a plugin that supports offsets points them at arrays it owns. */
typedef struct ss_plugin_extract_value_offsets {
    uint32_t* start;
    uint32_t* length;
} ss_plugin_extract_value_offsets;

/* One field extraction request and its result. */
typedef struct ss_plugin_extract_field {
    /* Output: array of res_len values, owned by the plugin and valid until
     * its next extract_fields call. Every member is a pointer, so the union
     * always has pointer size. */
    union {
        const char** str;
        uint64_t* u64;
        uint32_t* u32;
        ss_plugin_bool* boolean;
        ss_plugin_byte_buffer* buf;
    } res;
    uint64_t res_len; /* output: 0 = no value; at most 1 unless a list */

    /* Input. */
    uint32_t field_id;        /* index in the plugin's get_fields array */
    const char* field;        /* field name */
    const char* arg_key;      /* string argument (isKey), else NULL */
    uint64_t arg_index;       /* numeric argument (isIndex) */
    ss_plugin_bool arg_present; /* whether an argument was given */
    uint32_t ftype;           /* an ss_plugin_field_type value */
    ss_plugin_bool flist;     /* non-zero for list fields */
} ss_plugin_extract_field;

/* ------------------------------------------------------------------------ */
/* State tables                                                             */
/* ------------------------------------------------------------------------ */

typedef void ss_plugin_table_t;       /* opaque table */
typedef void ss_plugin_table_entry_t; /* opaque table entry */
typedef void ss_plugin_table_field_t; /* opaque field accessor */

typedef enum ss_plugin_state_type {
    SS_PLUGIN_ST_INT8 = 1,
    SS_PLUGIN_ST_INT16 = 2,
    SS_PLUGIN_ST_INT32 = 3,
    SS_PLUGIN_ST_INT64 = 4,
    SS_PLUGIN_ST_UINT8 = 5,
    SS_PLUGIN_ST_UINT16 = 6,
    SS_PLUGIN_ST_UINT32 = 7,
    SS_PLUGIN_ST_UINT64 = 8,
    SS_PLUGIN_ST_STRING = 9,
    SS_PLUGIN_ST_TABLE = 10,
    SS_PLUGIN_ST_BOOL = 25
} ss_plugin_state_type;

typedef union ss_plugin_state_data {
    int8_t s8;
    int16_t s16;
    int32_t s32;
    int64_t s64;
    uint8_t u8;
    uint16_t u16;
    uint32_t u32;
    uint64_t u64;
    const char* str;
    ss_plugin_bool b;
    ss_plugin_table_t* table;
} ss_plugin_state_data;

typedef struct ss_plugin_table_info {
    const char* name;
    ss_plugin_state_type key_type;
} ss_plugin_table_info;

typedef struct ss_plugin_table_fieldinfo {
    const char* name;
    ss_plugin_state_type field_type;
    ss_plugin_bool read_only;
} ss_plugin_table_fieldinfo;

typedef void ss_plugin_owner_t;  /* opaque owner (the host side of a plugin) */
typedef void ss_plugin_t;        /* opaque plugin state (init .. destroy) */
typedef void ss_instance_t;      /* opaque open capture (open .. close) */

typedef enum ss_plugin_log_severity {
    SS_PLUGIN_LOG_SEV_FATAL = 1,
    SS_PLUGIN_LOG_SEV_CRITICAL = 2,
    SS_PLUGIN_LOG_SEV_ERROR = 3,
    SS_PLUGIN_LOG_SEV_WARNING = 4,
    SS_PLUGIN_LOG_SEV_NOTICE = 5,
    SS_PLUGIN_LOG_SEV_INFO = 6,
    SS_PLUGIN_LOG_SEV_DEBUG = 7,
    SS_PLUGIN_LOG_SEV_TRACE = 8
} ss_plugin_log_severity;

typedef enum ss_plugin_metric_value_type {
    SS_PLUGIN_METRIC_VALUE_TYPE_U32 = 0,
    SS_PLUGIN_METRIC_VALUE_TYPE_S32 = 1,
    SS_PLUGIN_METRIC_VALUE_TYPE_U64 = 2,
    SS_PLUGIN_METRIC_VALUE_TYPE_S64 = 3,
    SS_PLUGIN_METRIC_VALUE_TYPE_D = 4,
    SS_PLUGIN_METRIC_VALUE_TYPE_F = 5,
    SS_PLUGIN_METRIC_VALUE_TYPE_I = 6
} ss_plugin_metric_value_type;

typedef union ss_plugin_metric_value {
    uint32_t u32;
    int32_t s32;
    uint64_t u64;
    int64_t s64;
    double d;
    float f;
    int i;
} ss_plugin_metric_value;

typedef enum ss_plugin_metric_type {
    SS_PLUGIN_METRIC_TYPE_MONOTONIC = 0,
    SS_PLUGIN_METRIC_TYPE_NON_MONOTONIC = 1
} ss_plugin_metric_type;

typedef struct ss_plugin_metric {
    const char* name;
    ss_plugin_metric_type type;
    ss_plugin_metric_value value;
    ss_plugin_metric_value_type value_type;
} ss_plugin_metric;

/* Table field vtable (deprecated flavour; same functions as the _ext one). */
typedef struct {
    const ss_plugin_table_fieldinfo* (*list_table_fields)(ss_plugin_table_t* t, uint32_t* nfields);
    ss_plugin_table_field_t* (*get_table_field)(ss_plugin_table_t* t, const char* name,
                                                ss_plugin_state_type data_type);
    ss_plugin_table_field_t* (*add_table_field)(ss_plugin_table_t* t, const char* name,
                                                ss_plugin_state_type data_type);
} ss_plugin_table_fields_vtable;

typedef struct {
    const ss_plugin_table_fieldinfo* (*list_table_fields)(ss_plugin_table_t* t, uint32_t* nfields);
    ss_plugin_table_field_t* (*get_table_field)(ss_plugin_table_t* t, const char* name,
                                                ss_plugin_state_type data_type);
    ss_plugin_table_field_t* (*add_table_field)(ss_plugin_table_t* t, const char* name,
                                                ss_plugin_state_type data_type);
} ss_plugin_table_fields_vtable_ext;

/* Table read vtable (deprecated flavour: the first four functions). */
typedef struct {
    const char* (*get_table_name)(ss_plugin_table_t* t);
    uint64_t (*get_table_size)(ss_plugin_table_t* t);
    ss_plugin_table_entry_t* (*get_table_entry)(ss_plugin_table_t* t,
                                                const ss_plugin_state_data* key);
    ss_plugin_rc (*read_entry_field)(ss_plugin_table_t* t, ss_plugin_table_entry_t* e,
                                     const ss_plugin_table_field_t* f, ss_plugin_state_data* out);
} ss_plugin_table_reader_vtable;

typedef void ss_plugin_table_iterator_state_t;
typedef ss_plugin_bool (*ss_plugin_table_iterator_func_t)(ss_plugin_table_iterator_state_t* s,
                                                          ss_plugin_table_entry_t* e);

typedef struct {
    const char* (*get_table_name)(ss_plugin_table_t* t);
    uint64_t (*get_table_size)(ss_plugin_table_t* t);
    ss_plugin_table_entry_t* (*get_table_entry)(ss_plugin_table_t* t,
                                                const ss_plugin_state_data* key);
    ss_plugin_rc (*read_entry_field)(ss_plugin_table_t* t, ss_plugin_table_entry_t* e,
                                     const ss_plugin_table_field_t* f, ss_plugin_state_data* out);
    void (*release_table_entry)(ss_plugin_table_t* t, ss_plugin_table_entry_t* e);
    ss_plugin_bool (*iterate_entries)(ss_plugin_table_t* t, ss_plugin_table_iterator_func_t it,
                                      ss_plugin_table_iterator_state_t* s);
} ss_plugin_table_reader_vtable_ext;

/* Table write vtable (deprecated flavour; same functions as the _ext one). */
typedef struct {
    ss_plugin_rc (*clear_table)(ss_plugin_table_t* t);
    ss_plugin_rc (*erase_table_entry)(ss_plugin_table_t* t, const ss_plugin_state_data* key);
    ss_plugin_table_entry_t* (*create_table_entry)(ss_plugin_table_t* t);
    void (*destroy_table_entry)(ss_plugin_table_t* t, ss_plugin_table_entry_t* e);
    ss_plugin_table_entry_t* (*add_table_entry)(ss_plugin_table_t* t,
                                                const ss_plugin_state_data* key,
                                                ss_plugin_table_entry_t* entry);
    ss_plugin_rc (*write_entry_field)(ss_plugin_table_t* t, ss_plugin_table_entry_t* e,
                                      const ss_plugin_table_field_t* f,
                                      const ss_plugin_state_data* in);
} ss_plugin_table_writer_vtable;

typedef struct {
    ss_plugin_rc (*clear_table)(ss_plugin_table_t* t);
    ss_plugin_rc (*erase_table_entry)(ss_plugin_table_t* t, const ss_plugin_state_data* key);
    ss_plugin_table_entry_t* (*create_table_entry)(ss_plugin_table_t* t);
    void (*destroy_table_entry)(ss_plugin_table_t* t, ss_plugin_table_entry_t* e);
    ss_plugin_table_entry_t* (*add_table_entry)(ss_plugin_table_t* t,
                                                const ss_plugin_state_data* key,
                                                ss_plugin_table_entry_t* entry);
    ss_plugin_rc (*write_entry_field)(ss_plugin_table_t* t, ss_plugin_table_entry_t* e,
                                      const ss_plugin_table_field_t* f,
                                      const ss_plugin_state_data* in);
} ss_plugin_table_writer_vtable_ext;

/* Description of a table owned by a plugin, given to the owner's add_table. */
typedef struct {
    const char* name;
    ss_plugin_state_type key_type;
    ss_plugin_table_t* table;
    ss_plugin_table_reader_vtable reader; /* deprecated */
    ss_plugin_table_writer_vtable writer; /* deprecated */
    ss_plugin_table_fields_vtable fields; /* deprecated */
    ss_plugin_table_reader_vtable_ext* reader_ext;
    ss_plugin_table_writer_vtable_ext* writer_ext;
    ss_plugin_table_fields_vtable_ext* fields_ext;
} ss_plugin_table_input;

/* Table access offered by the owner at init time (parsing/extraction). */
typedef struct {
    ss_plugin_table_info* (*list_tables)(ss_plugin_owner_t* o, uint32_t* ntables);
    ss_plugin_table_t* (*get_table)(ss_plugin_owner_t* o, const char* name,
                                    ss_plugin_state_type key_type);
    ss_plugin_rc (*add_table)(ss_plugin_owner_t* o, const ss_plugin_table_input* in);
    ss_plugin_table_fields_vtable fields; /* deprecated */
    ss_plugin_table_fields_vtable_ext* fields_ext;
    ss_plugin_table_reader_vtable_ext* reader_ext;
    ss_plugin_table_writer_vtable_ext* writer_ext;
} ss_plugin_init_tables_input;

/* Logging callback; component NULL means "the plugin's name". */
typedef void (*ss_plugin_log_fn_t)(ss_plugin_owner_t* o, const char* component, const char* msg,
                                   ss_plugin_log_severity sev);

/* Input of plugin_init. */
typedef struct ss_plugin_init_input {
    const char* config;
    ss_plugin_owner_t* owner;
    const char* (*get_owner_last_error)(ss_plugin_owner_t* o);
    const ss_plugin_init_tables_input* tables; /* NULL without parsing/extraction */
    ss_plugin_log_fn_t log_fn;                 /* API >= 3.3 */
} ss_plugin_init_input;

/* Input of plugin_extract_fields. */
typedef struct ss_plugin_field_extract_input {
    ss_plugin_owner_t* owner;
    const char* (*get_owner_last_error)(ss_plugin_owner_t* o);
    uint32_t num_fields;
    ss_plugin_extract_field* fields;
    ss_plugin_table_reader_vtable table_reader; /* deprecated */
    ss_plugin_table_reader_vtable_ext* table_reader_ext;
    ss_plugin_extract_value_offsets* value_offsets; /* API >= 3.11, may be NULL */
} ss_plugin_field_extract_input;

/* Input of plugin_parse_event. */
typedef struct ss_plugin_event_parse_input {
    ss_plugin_owner_t* owner;
    const char* (*get_owner_last_error)(ss_plugin_owner_t* o);
    ss_plugin_table_reader_vtable table_reader; /* deprecated */
    ss_plugin_table_writer_vtable table_writer; /* deprecated */
    ss_plugin_table_reader_vtable_ext* table_reader_ext;
    ss_plugin_table_writer_vtable_ext* table_writer_ext;
} ss_plugin_event_parse_input;

/* Input of plugin_set_config. */
typedef struct ss_plugin_set_config_input {
    const char* config;
} ss_plugin_set_config_input;

/* Routines run by the owner's thread pool (capture listening, API >= 3.7). */
typedef void ss_plugin_routine_t;
typedef void ss_plugin_routine_state_t;
typedef ss_plugin_bool (*ss_plugin_routine_fn_t)(ss_plugin_t* s, ss_plugin_routine_state_t* i);

typedef struct {
    ss_plugin_routine_t* (*subscribe)(ss_plugin_owner_t* o, ss_plugin_routine_fn_t f,
                                      ss_plugin_routine_state_t* i);
    ss_plugin_rc (*unsubscribe)(ss_plugin_owner_t* o, ss_plugin_routine_t* r);
} ss_plugin_routine_vtable;

typedef struct ss_plugin_capture_listen_input {
    ss_plugin_owner_t* owner;
    ss_plugin_routine_vtable* routine;
    ss_plugin_table_reader_vtable_ext* table_reader_ext;
    ss_plugin_table_writer_vtable_ext* table_writer_ext;
    const char* (*get_owner_last_error)(ss_plugin_owner_t* o);
} ss_plugin_capture_listen_input;

/* Handler through which a plugin pushes async events (type 402). err, when
 * not NULL, is a PLUGIN_MAX_ERRLEN buffer owned by the plugin. */
typedef ss_plugin_rc (*ss_plugin_async_event_handler_t)(ss_plugin_owner_t* o,
                                                        const ss_plugin_event* evt, char* err);

/* ------------------------------------------------------------------------ */
/* Exported plugin functions: one typedef per "plugin_<name>" symbol        */
/* ------------------------------------------------------------------------ */

/* Common (required unless stated). */
typedef const char* (*plugin_get_required_api_version_fn)(void);
typedef const char* (*plugin_get_init_schema_fn)(ss_plugin_schema_type* schema_type); /* opt. */
typedef ss_plugin_t* (*plugin_init_fn)(const ss_plugin_init_input* input, ss_plugin_rc* rc);
typedef void (*plugin_destroy_fn)(ss_plugin_t* s);
typedef const char* (*plugin_get_last_error_fn)(ss_plugin_t* s);
typedef const char* (*plugin_get_name_fn)(void);
typedef const char* (*plugin_get_description_fn)(void);
typedef const char* (*plugin_get_contact_fn)(void);
typedef const char* (*plugin_get_version_fn)(void);

/* Event sourcing: open + close + next_batch, get_id and get_event_source
 * both or neither. */
typedef uint32_t (*plugin_get_id_fn)(void);
typedef const char* (*plugin_get_event_source_fn)(void);
typedef ss_instance_t* (*plugin_open_fn)(ss_plugin_t* s, const char* params, ss_plugin_rc* rc);
typedef void (*plugin_close_fn)(ss_plugin_t* s, ss_instance_t* h);
typedef const char* (*plugin_list_open_params_fn)(ss_plugin_t* s, ss_plugin_rc* rc);
typedef const char* (*plugin_get_progress_fn)(ss_plugin_t* s, ss_instance_t* h,
                                              uint32_t* progress_pct);
typedef const char* (*plugin_event_to_string_fn)(ss_plugin_t* s, const ss_plugin_event_input* evt);
typedef ss_plugin_rc (*plugin_next_batch_fn)(ss_plugin_t* s, ss_instance_t* h, uint32_t* nevts,
                                             ss_plugin_event*** evts);

/* Field extraction: get_fields + extract_fields. Note the argument order of
 * the *_event_types functions (count first, state second). */
typedef uint16_t* (*plugin_get_extract_event_types_fn)(uint32_t* numtypes, ss_plugin_t* s);
typedef const char* (*plugin_get_extract_event_sources_fn)(void);
typedef const char* (*plugin_get_fields_fn)(void);
typedef ss_plugin_rc (*plugin_extract_fields_fn)(ss_plugin_t* s, const ss_plugin_event_input* evt,
                                                 const ss_plugin_field_extract_input* in);

/* Event parsing: parse_event. */
typedef uint16_t* (*plugin_get_parse_event_types_fn)(uint32_t* numtypes, ss_plugin_t* s);
typedef const char* (*plugin_get_parse_event_sources_fn)(void);
typedef ss_plugin_rc (*plugin_parse_event_fn)(ss_plugin_t* s, const ss_plugin_event_input* evt,
                                              const ss_plugin_event_parse_input* in);

/* Async events: get_async_events + set_async_event_handler. */
typedef const char* (*plugin_get_async_event_sources_fn)(void);
typedef const char* (*plugin_get_async_events_fn)(void);
typedef ss_plugin_rc (*plugin_set_async_event_handler_fn)(ss_plugin_t* s, ss_plugin_owner_t* owner,
                                                          const ss_plugin_async_event_handler_t h);
typedef ss_plugin_rc (*plugin_dump_state_fn)(ss_plugin_t* s, ss_plugin_owner_t* owner,
                                             const ss_plugin_async_event_handler_t h); /* 3.10 */

/* Misc (optional). */
typedef ss_plugin_rc (*plugin_set_config_fn)(ss_plugin_t* s, const ss_plugin_set_config_input* i);
typedef ss_plugin_metric* (*plugin_get_metrics_fn)(ss_plugin_t* s, uint32_t* num_metrics);

/* Capture listening: capture_open + capture_close. */
typedef ss_plugin_rc (*plugin_capture_open_fn)(ss_plugin_t* s,
                                               const ss_plugin_capture_listen_input* i);
typedef ss_plugin_rc (*plugin_capture_close_fn)(ss_plugin_t* s,
                                                const ss_plugin_capture_listen_input* i);

/* Event schema version (3.12). */
typedef const char* (*plugin_get_required_event_schema_version_fn)(ss_plugin_t* s);

/*
 * X-macro over every symbol, in the order of the API vtable below:
 * X(member_name). The exported symbol is "plugin_" #member_name and its type
 * plugin_<member_name>_fn.
 */
#define FALCO_PLUGIN_API_SYMBOLS(X)       \
    X(get_required_api_version)           \
    X(get_init_schema)                    \
    X(init)                               \
    X(destroy)                            \
    X(get_last_error)                     \
    X(get_name)                           \
    X(get_description)                    \
    X(get_contact)                        \
    X(get_version)                        \
    X(get_id)                             \
    X(get_event_source)                   \
    X(open)                               \
    X(close)                              \
    X(list_open_params)                   \
    X(get_progress)                       \
    X(event_to_string)                    \
    X(next_batch)                         \
    X(get_extract_event_types)            \
    X(get_extract_event_sources)          \
    X(get_fields)                         \
    X(extract_fields)                     \
    X(get_parse_event_types)              \
    X(get_parse_event_sources)            \
    X(parse_event)                        \
    X(get_async_event_sources)            \
    X(get_async_events)                   \
    X(set_async_event_handler)            \
    X(dump_state)                         \
    X(set_config)                         \
    X(get_metrics)                        \
    X(capture_open)                       \
    X(capture_close)                      \
    X(get_required_event_schema_version)

/*
 * Prototypes of the exported symbols, for plugin implementations: define
 * FALCO_PLUGIN_DECLARE_EXPORTS before including this header and the compiler
 * checks every plugin_* definition against the ABI (and exports it with
 * default visibility even under -fvisibility=hidden). A library defines only
 * the symbols of the capabilities it has: the host infers capabilities from
 * which symbols exist.
 */
#if defined(__GNUC__) || defined(__clang__)
#define FALCO_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define FALCO_PLUGIN_EXPORT
#endif

#ifdef FALCO_PLUGIN_DECLARE_EXPORTS
FALCO_PLUGIN_EXPORT const char* plugin_get_required_api_version(void);
FALCO_PLUGIN_EXPORT const char* plugin_get_init_schema(ss_plugin_schema_type* schema_type);
FALCO_PLUGIN_EXPORT ss_plugin_t* plugin_init(const ss_plugin_init_input* input, ss_plugin_rc* rc);
FALCO_PLUGIN_EXPORT void plugin_destroy(ss_plugin_t* s);
FALCO_PLUGIN_EXPORT const char* plugin_get_last_error(ss_plugin_t* s);
FALCO_PLUGIN_EXPORT const char* plugin_get_name(void);
FALCO_PLUGIN_EXPORT const char* plugin_get_description(void);
FALCO_PLUGIN_EXPORT const char* plugin_get_contact(void);
FALCO_PLUGIN_EXPORT const char* plugin_get_version(void);
FALCO_PLUGIN_EXPORT uint32_t plugin_get_id(void);
FALCO_PLUGIN_EXPORT const char* plugin_get_event_source(void);
FALCO_PLUGIN_EXPORT ss_instance_t* plugin_open(ss_plugin_t* s, const char* params, ss_plugin_rc* rc);
FALCO_PLUGIN_EXPORT void plugin_close(ss_plugin_t* s, ss_instance_t* h);
FALCO_PLUGIN_EXPORT const char* plugin_list_open_params(ss_plugin_t* s, ss_plugin_rc* rc);
FALCO_PLUGIN_EXPORT const char* plugin_get_progress(ss_plugin_t* s, ss_instance_t* h,
                                                    uint32_t* progress_pct);
FALCO_PLUGIN_EXPORT const char* plugin_event_to_string(ss_plugin_t* s,
                                                       const ss_plugin_event_input* evt);
FALCO_PLUGIN_EXPORT ss_plugin_rc plugin_next_batch(ss_plugin_t* s, ss_instance_t* h,
                                                   uint32_t* nevts, ss_plugin_event*** evts);
FALCO_PLUGIN_EXPORT uint16_t* plugin_get_extract_event_types(uint32_t* numtypes, ss_plugin_t* s);
FALCO_PLUGIN_EXPORT const char* plugin_get_extract_event_sources(void);
FALCO_PLUGIN_EXPORT const char* plugin_get_fields(void);
FALCO_PLUGIN_EXPORT ss_plugin_rc plugin_extract_fields(ss_plugin_t* s,
                                                       const ss_plugin_event_input* evt,
                                                       const ss_plugin_field_extract_input* in);
FALCO_PLUGIN_EXPORT uint16_t* plugin_get_parse_event_types(uint32_t* numtypes, ss_plugin_t* s);
FALCO_PLUGIN_EXPORT const char* plugin_get_parse_event_sources(void);
FALCO_PLUGIN_EXPORT ss_plugin_rc plugin_parse_event(ss_plugin_t* s,
                                                    const ss_plugin_event_input* evt,
                                                    const ss_plugin_event_parse_input* in);
FALCO_PLUGIN_EXPORT const char* plugin_get_async_event_sources(void);
FALCO_PLUGIN_EXPORT const char* plugin_get_async_events(void);
FALCO_PLUGIN_EXPORT ss_plugin_rc plugin_set_async_event_handler(
    ss_plugin_t* s, ss_plugin_owner_t* owner, const ss_plugin_async_event_handler_t handler);
FALCO_PLUGIN_EXPORT ss_plugin_rc plugin_dump_state(ss_plugin_t* s, ss_plugin_owner_t* owner,
                                                   const ss_plugin_async_event_handler_t handler);
FALCO_PLUGIN_EXPORT ss_plugin_rc plugin_set_config(ss_plugin_t* s,
                                                   const ss_plugin_set_config_input* i);
FALCO_PLUGIN_EXPORT ss_plugin_metric* plugin_get_metrics(ss_plugin_t* s, uint32_t* num_metrics);
FALCO_PLUGIN_EXPORT ss_plugin_rc plugin_capture_open(ss_plugin_t* s,
                                                     const ss_plugin_capture_listen_input* i);
FALCO_PLUGIN_EXPORT ss_plugin_rc plugin_capture_close(ss_plugin_t* s,
                                                      const ss_plugin_capture_listen_input* i);
FALCO_PLUGIN_EXPORT const char* plugin_get_required_event_schema_version(ss_plugin_t* s);
#endif /* FALCO_PLUGIN_DECLARE_EXPORTS */

/*
 * The API as a table of function pointers (what a host that links a plugin
 * statically passes instead of dlsym'ing symbols). Upstream groups the
 * capability members in anonymous structs; since every member is a function
 * pointer, the flat layout below is identical.
 */
#define FALCO_PLUGIN_API_MEMBER_(name) plugin_##name##_fn name;
typedef struct plugin_api {
    FALCO_PLUGIN_API_SYMBOLS(FALCO_PLUGIN_API_MEMBER_)
} plugin_api;
#undef FALCO_PLUGIN_API_MEMBER_

/* ------------------------------------------------------------------------ */
/* ABI checks                                                               */
/* ------------------------------------------------------------------------ */

#ifdef __cplusplus
#define FALCO_PLUGIN_API_STATIC_ASSERT(cond, msg) static_assert(cond, msg)
#else
#define FALCO_PLUGIN_API_STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)
#endif

/* Pointer-size independent. */
FALCO_PLUGIN_API_STATIC_ASSERT(sizeof(ss_plugin_event) == FALCO_PLUGIN_EVENT_HEADER_SIZE,
                               "event header must be 26 packed bytes");
FALCO_PLUGIN_API_STATIC_ASSERT(offsetof(ss_plugin_event, ts) == 0, "ts offset");
FALCO_PLUGIN_API_STATIC_ASSERT(offsetof(ss_plugin_event, tid) == 8, "tid offset");
FALCO_PLUGIN_API_STATIC_ASSERT(offsetof(ss_plugin_event, len) == 16, "len offset");
FALCO_PLUGIN_API_STATIC_ASSERT(offsetof(ss_plugin_event, type) == 20, "type offset");
FALCO_PLUGIN_API_STATIC_ASSERT(offsetof(ss_plugin_event, nparams) == 22, "nparams offset");
FALCO_PLUGIN_API_STATIC_ASSERT(PLUGIN_EVENT_PAYLOAD_OFFSET ==
                                       FALCO_PLUGIN_EVENT_HEADER_SIZE + 2 * 4 + 4,
                               "plugin event payload offset");
FALCO_PLUGIN_API_STATIC_ASSERT(sizeof(ss_plugin_bool) == 4, "bool is 4 bytes");
FALCO_PLUGIN_API_STATIC_ASSERT(sizeof(ss_plugin_rc) == 4, "rc enum is 4 bytes");
FALCO_PLUGIN_API_STATIC_ASSERT(sizeof(ss_plugin_field_type) == 4, "field type enum is 4 bytes");
FALCO_PLUGIN_API_STATIC_ASSERT(sizeof(ss_plugin_schema_type) == 4, "schema enum is 4 bytes");
FALCO_PLUGIN_API_STATIC_ASSERT(sizeof(ss_plugin_state_type) == 4, "state enum is 4 bytes");
FALCO_PLUGIN_API_STATIC_ASSERT(sizeof(ss_plugin_log_severity) == 4, "severity enum is 4 bytes");
FALCO_PLUGIN_API_STATIC_ASSERT(sizeof(ss_plugin_state_data) == 8, "state data union size");
FALCO_PLUGIN_API_STATIC_ASSERT(sizeof(ss_plugin_metric_value) == 8, "metric value union size");
FALCO_PLUGIN_API_STATIC_ASSERT(sizeof(((ss_plugin_extract_field*)0)->res) == sizeof(void*),
                               "extract result union must be pointer-sized");

#if UINTPTR_MAX == 0xffffffffffffffffu
/* LP64 layouts (x86_64, aarch64): what Falco ships on. */
FALCO_PLUGIN_API_STATIC_ASSERT(sizeof(ss_plugin_event_input) == 24, "event input size");
FALCO_PLUGIN_API_STATIC_ASSERT(offsetof(ss_plugin_event_input, evtnum) == 8, "evtnum offset");
FALCO_PLUGIN_API_STATIC_ASSERT(offsetof(ss_plugin_event_input, evtsrc) == 16, "evtsrc offset");
FALCO_PLUGIN_API_STATIC_ASSERT(sizeof(ss_plugin_byte_buffer) == 16, "byte buffer size");
FALCO_PLUGIN_API_STATIC_ASSERT(offsetof(ss_plugin_byte_buffer, ptr) == 8, "byte buffer ptr");
FALCO_PLUGIN_API_STATIC_ASSERT(sizeof(ss_plugin_extract_value_offsets) == 16, "offsets size");

FALCO_PLUGIN_API_STATIC_ASSERT(sizeof(ss_plugin_extract_field) == 64, "extract field size");
FALCO_PLUGIN_API_STATIC_ASSERT(offsetof(ss_plugin_extract_field, res) == 0, "res offset");
FALCO_PLUGIN_API_STATIC_ASSERT(offsetof(ss_plugin_extract_field, res_len) == 8, "res_len offset");
FALCO_PLUGIN_API_STATIC_ASSERT(offsetof(ss_plugin_extract_field, field_id) == 16, "field_id");
FALCO_PLUGIN_API_STATIC_ASSERT(offsetof(ss_plugin_extract_field, field) == 24, "field offset");
FALCO_PLUGIN_API_STATIC_ASSERT(offsetof(ss_plugin_extract_field, arg_key) == 32, "arg_key");
FALCO_PLUGIN_API_STATIC_ASSERT(offsetof(ss_plugin_extract_field, arg_index) == 40, "arg_index");
FALCO_PLUGIN_API_STATIC_ASSERT(offsetof(ss_plugin_extract_field, arg_present) == 48,
                               "arg_present offset");
FALCO_PLUGIN_API_STATIC_ASSERT(offsetof(ss_plugin_extract_field, ftype) == 52, "ftype offset");
FALCO_PLUGIN_API_STATIC_ASSERT(offsetof(ss_plugin_extract_field, flist) == 56, "flist offset");

FALCO_PLUGIN_API_STATIC_ASSERT(sizeof(ss_plugin_table_reader_vtable) == 4 * 8, "reader vtable");
FALCO_PLUGIN_API_STATIC_ASSERT(sizeof(ss_plugin_table_reader_vtable_ext) == 6 * 8,
                               "reader ext vtable");
FALCO_PLUGIN_API_STATIC_ASSERT(sizeof(ss_plugin_table_writer_vtable) == 6 * 8, "writer vtable");
FALCO_PLUGIN_API_STATIC_ASSERT(sizeof(ss_plugin_table_writer_vtable_ext) == 6 * 8,
                               "writer ext vtable");
FALCO_PLUGIN_API_STATIC_ASSERT(sizeof(ss_plugin_table_fields_vtable) == 3 * 8, "fields vtable");
FALCO_PLUGIN_API_STATIC_ASSERT(sizeof(ss_plugin_table_fields_vtable_ext) == 3 * 8,
                               "fields ext vtable");
FALCO_PLUGIN_API_STATIC_ASSERT(sizeof(ss_plugin_table_input) == 152, "table input size");
FALCO_PLUGIN_API_STATIC_ASSERT(offsetof(ss_plugin_table_input, reader) == 24, "reader offset");
FALCO_PLUGIN_API_STATIC_ASSERT(offsetof(ss_plugin_table_input, reader_ext) == 128,
                               "reader_ext offset");
FALCO_PLUGIN_API_STATIC_ASSERT(sizeof(ss_plugin_init_tables_input) == 72, "tables input size");
FALCO_PLUGIN_API_STATIC_ASSERT(offsetof(ss_plugin_init_tables_input, fields_ext) == 48,
                               "tables fields_ext offset");
FALCO_PLUGIN_API_STATIC_ASSERT(offsetof(ss_plugin_init_tables_input, writer_ext) == 64,
                               "tables writer_ext offset");

FALCO_PLUGIN_API_STATIC_ASSERT(sizeof(ss_plugin_init_input) == 40, "init input size");
FALCO_PLUGIN_API_STATIC_ASSERT(offsetof(ss_plugin_init_input, owner) == 8, "init owner offset");
FALCO_PLUGIN_API_STATIC_ASSERT(offsetof(ss_plugin_init_input, tables) == 24, "init tables");
FALCO_PLUGIN_API_STATIC_ASSERT(offsetof(ss_plugin_init_input, log_fn) == 32, "init log_fn");

FALCO_PLUGIN_API_STATIC_ASSERT(sizeof(ss_plugin_field_extract_input) == 80, "extract input");
FALCO_PLUGIN_API_STATIC_ASSERT(offsetof(ss_plugin_field_extract_input, num_fields) == 16,
                               "num_fields offset");
FALCO_PLUGIN_API_STATIC_ASSERT(offsetof(ss_plugin_field_extract_input, fields) == 24,
                               "fields offset");
FALCO_PLUGIN_API_STATIC_ASSERT(offsetof(ss_plugin_field_extract_input, table_reader) == 32,
                               "table_reader offset");
FALCO_PLUGIN_API_STATIC_ASSERT(offsetof(ss_plugin_field_extract_input, table_reader_ext) == 64,
                               "table_reader_ext offset");
FALCO_PLUGIN_API_STATIC_ASSERT(offsetof(ss_plugin_field_extract_input, value_offsets) == 72,
                               "value_offsets offset");

FALCO_PLUGIN_API_STATIC_ASSERT(sizeof(ss_plugin_event_parse_input) == 112, "parse input size");
FALCO_PLUGIN_API_STATIC_ASSERT(sizeof(ss_plugin_capture_listen_input) == 40,
                               "capture listen input size");
FALCO_PLUGIN_API_STATIC_ASSERT(sizeof(ss_plugin_metric) == 32, "metric size");
FALCO_PLUGIN_API_STATIC_ASSERT(offsetof(ss_plugin_metric, value) == 16, "metric value offset");
FALCO_PLUGIN_API_STATIC_ASSERT(sizeof(ss_plugin_table_info) == 16, "table info size");
FALCO_PLUGIN_API_STATIC_ASSERT(sizeof(ss_plugin_table_fieldinfo) == 16, "table fieldinfo size");

FALCO_PLUGIN_API_STATIC_ASSERT(sizeof(plugin_api) == 33 * 8, "api vtable has 33 entries");
FALCO_PLUGIN_API_STATIC_ASSERT(offsetof(plugin_api, get_id) == 9 * 8, "sourcing group offset");
FALCO_PLUGIN_API_STATIC_ASSERT(offsetof(plugin_api, get_extract_event_types) == 17 * 8,
                               "extraction group offset");
FALCO_PLUGIN_API_STATIC_ASSERT(offsetof(plugin_api, get_parse_event_types) == 21 * 8,
                               "parsing group offset");
FALCO_PLUGIN_API_STATIC_ASSERT(offsetof(plugin_api, dump_state) == 27 * 8, "dump_state offset");
FALCO_PLUGIN_API_STATIC_ASSERT(offsetof(plugin_api, set_config) == 28 * 8, "set_config offset");
FALCO_PLUGIN_API_STATIC_ASSERT(offsetof(plugin_api, get_required_event_schema_version) == 32 * 8,
                               "event schema version offset");
#endif

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* FALCO_PLUGIN_API_H */
