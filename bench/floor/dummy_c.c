/*
 * dummy_c - a plain C port of the reference "dummy" Falco plugin.
 *
 * It is the performance floor of the benchmarks (what a plugin costs when
 * nothing but C runs on the hot paths) and a second plugin for the native
 * host's tests. Same behaviour as the reference plugin:
 *
 *   init config  {"jitter": N}            default 10, "" = defaults
 *   open params  {"start": N, "maxEvents": N}  defaults 1 and 20, "" = defaults
 *   events       sample += 1 + random in [0, jitter]; payload = sample as
 *                ASCII decimal, no terminator; batches of up to 128 events;
 *                EOF comes with the last events
 *   fields       dummy.divisible[N] (index arg required, 0 is an error),
 *                dummy.value, dummy.strvalue
 *   to string    {"sample": "N"}
 *
 * Differences from the reference, on purpose: id 999 (the registry's
 * development id), name "dummy_c", bad config or open params and bad field
 * arguments are reported through get_last_error instead of being ignored or
 * aborting the process.
 *
 * No dependencies; a tiny JSON reader handles the config and open params.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* prototypes of the plugin_* symbols: definitions are checked against the ABI */
#define FALCO_PLUGIN_DECLARE_EXPORTS
#include "falco_plugin_api.h"

#define DUMMY_EXPORT FALCO_PLUGIN_EXPORT

#define DUMMY_ID 999
#define DUMMY_SOURCE "dummy"
#define DUMMY_BATCH 128
#define DUMMY_MAX_DIGITS 20 /* UINT64_MAX has 20 digits */
#define DUMMY_EVT_CAP (PLUGIN_EVENT_PAYLOAD_OFFSET + DUMMY_MAX_DIGITS)
#define DUMMY_ERRLEN 512

enum { FIELD_DIVISIBLE = 0, FIELD_VALUE = 1, FIELD_STRVALUE = 2 };

typedef struct {
    uint64_t jitter;
    uint64_t rng; /* xorshift64 state, never 0 */
    char lasterr[DUMMY_ERRLEN];
    char strbuf[64]; /* event_to_string result */

    /* extraction results, valid until the next extract_fields call */
    uint32_t cap;
    uint64_t* u64s;
    const char** strs;
    char (*strvals)[DUMMY_MAX_DIGITS + 1];
    uint32_t* off_start;
    uint32_t* off_len;
} dummy_state;

typedef struct {
    uint64_t sample;
    uint64_t max_events;
    uint64_t produced;
    uint8_t* storage;                   /* DUMMY_BATCH * DUMMY_EVT_CAP bytes */
    ss_plugin_event* evts[DUMMY_BATCH]; /* pointers into storage */
} dummy_instance;

static void set_error(dummy_state* s, const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->lasterr, sizeof(s->lasterr), fmt, ap);
    va_end(ap);
}

/* ---------------------------------------------------------------------- */
/* A minimal JSON reader: an object whose values we either read as          */
/* unsigned integers or skip (any JSON value).                              */
/* ---------------------------------------------------------------------- */

typedef struct {
    const char* p;
    const char* err;
} json_cursor;

static void json_ws(json_cursor* c) {
    while (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r') c->p++;
}

/* Reads a string; copies at most cap-1 bytes of it into out (if not NULL). */
static int json_string(json_cursor* c, char* out, size_t cap) {
    size_t n = 0;
    if (*c->p != '"') {
        c->err = "expected a string";
        return 0;
    }
    c->p++;
    while (*c->p != '"') {
        char ch = *c->p;
        if (ch == '\0') {
            c->err = "unterminated string";
            return 0;
        }
        if ((unsigned char)ch < 0x20) {
            c->err = "control character in string";
            return 0;
        }
        if (ch == '\\') {
            c->p++;
            ch = *c->p;
            if (ch == 'u') {
                int i;
                for (i = 1; i <= 4; i++) {
                    if (!isxdigit((unsigned char)c->p[i])) {
                        c->err = "bad \\u escape";
                        return 0;
                    }
                }
                c->p += 4;
                ch = '?';
            } else if (ch == '\0' || strchr("\"\\/bfnrt", ch) == NULL) {
                c->err = "bad escape";
                return 0;
            }
        }
        if (out && n + 1 < cap) out[n++] = ch;
        c->p++;
    }
    c->p++;
    if (out && cap) out[n] = '\0';
    return 1;
}

static int json_skip_value(json_cursor* c, int depth);

static int json_skip_number(json_cursor* c) {
    const char* start = c->p;
    if (*c->p == '-') c->p++;
    if (!isdigit((unsigned char)*c->p)) {
        c->err = "bad number";
        return 0;
    }
    while (isdigit((unsigned char)*c->p)) c->p++;
    if (*c->p == '.') {
        c->p++;
        if (!isdigit((unsigned char)*c->p)) {
            c->err = "bad number";
            return 0;
        }
        while (isdigit((unsigned char)*c->p)) c->p++;
    }
    if (*c->p == 'e' || *c->p == 'E') {
        c->p++;
        if (*c->p == '+' || *c->p == '-') c->p++;
        if (!isdigit((unsigned char)*c->p)) {
            c->err = "bad number";
            return 0;
        }
        while (isdigit((unsigned char)*c->p)) c->p++;
    }
    return c->p > start;
}

static int json_skip_container(json_cursor* c, int depth, char open, char close) {
    c->p++; /* open */
    json_ws(c);
    if (*c->p == close) {
        c->p++;
        return 1;
    }
    for (;;) {
        json_ws(c);
        if (open == '{') {
            if (!json_string(c, NULL, 0)) return 0;
            json_ws(c);
            if (*c->p != ':') {
                c->err = "expected ':'";
                return 0;
            }
            c->p++;
            json_ws(c);
        }
        if (!json_skip_value(c, depth + 1)) return 0;
        json_ws(c);
        if (*c->p == ',') {
            c->p++;
            continue;
        }
        if (*c->p == close) {
            c->p++;
            return 1;
        }
        c->err = open == '{' ? "expected ',' or '}'" : "expected ',' or ']'";
        return 0;
    }
}

static int json_skip_value(json_cursor* c, int depth) {
    if (depth > 64) {
        c->err = "nesting too deep";
        return 0;
    }
    switch (*c->p) {
    case '"': return json_string(c, NULL, 0);
    case '{': return json_skip_container(c, depth, '{', '}');
    case '[': return json_skip_container(c, depth, '[', ']');
    case 't':
        if (strncmp(c->p, "true", 4) == 0) { c->p += 4; return 1; }
        break;
    case 'f':
        if (strncmp(c->p, "false", 5) == 0) { c->p += 5; return 1; }
        break;
    case 'n':
        if (strncmp(c->p, "null", 4) == 0) { c->p += 4; return 1; }
        break;
    default:
        if (*c->p == '-' || isdigit((unsigned char)*c->p)) return json_skip_number(c);
        break;
    }
    c->err = "unexpected character";
    return 0;
}

/* Reads a non-negative integer that fits uint64 (no fraction, no exponent). */
static int json_u64(json_cursor* c, uint64_t* out) {
    uint64_t v = 0;
    const char* start = c->p;
    if (!isdigit((unsigned char)*c->p)) {
        c->err = "expected a non-negative integer";
        return 0;
    }
    while (isdigit((unsigned char)*c->p)) {
        uint64_t d = (uint64_t)(*c->p - '0');
        if (v > (UINT64_MAX - d) / 10) {
            c->err = "integer out of range";
            return 0;
        }
        v = v * 10 + d;
        c->p++;
    }
    if (*c->p == '.' || *c->p == 'e' || *c->p == 'E' || (c->p - start > 1 && *start == '0')) {
        c->err = "expected a non-negative integer";
        return 0;
    }
    *out = v;
    return 1;
}

typedef struct {
    const char* name;
    uint64_t* target;
} json_u64_key;

/*
 * Parses text as a JSON object; for each key listed in keys, reads its value
 * as an unsigned integer into the target; other keys are skipped. Empty or
 * all-blank text leaves the targets untouched. Returns 1 on success, else 0
 * with a message in err.
 */
static int parse_u64_object(const char* text, const json_u64_key* keys, size_t nkeys, char* err,
                            size_t errcap) {
    json_cursor c;
    char key[64];
    c.p = text ? text : "";
    c.err = NULL;
    json_ws(&c);
    if (*c.p == '\0') return 1;
    if (*c.p != '{') {
        snprintf(err, errcap, "expected a JSON object");
        return 0;
    }
    c.p++;
    json_ws(&c);
    if (*c.p == '}') {
        c.p++;
    } else {
        for (;;) {
            size_t i;
            int matched = 0;
            json_ws(&c);
            if (!json_string(&c, key, sizeof(key))) goto fail;
            json_ws(&c);
            if (*c.p != ':') {
                c.err = "expected ':'";
                goto fail;
            }
            c.p++;
            json_ws(&c);
            for (i = 0; i < nkeys; i++) {
                if (strcmp(key, keys[i].name) == 0) {
                    if (!json_u64(&c, keys[i].target)) {
                        snprintf(err, errcap, "'%s': %s", key, c.err);
                        return 0;
                    }
                    matched = 1;
                    break;
                }
            }
            if (!matched && !json_skip_value(&c, 1)) goto fail;
            json_ws(&c);
            if (*c.p == ',') {
                c.p++;
                continue;
            }
            if (*c.p == '}') {
                c.p++;
                break;
            }
            c.err = "expected ',' or '}'";
            goto fail;
        }
    }
    json_ws(&c);
    if (*c.p != '\0') {
        c.err = "trailing characters after the object";
        goto fail;
    }
    return 1;
fail:
    snprintf(err, errcap, "invalid JSON at offset %ld: %s", (long)(c.p - text),
             c.err ? c.err : "syntax error");
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Static information                                                      */
/* ---------------------------------------------------------------------- */

DUMMY_EXPORT const char* plugin_get_required_api_version(void) { return "3.11.0"; }
DUMMY_EXPORT const char* plugin_get_version(void) { return "0.1.0"; }
DUMMY_EXPORT const char* plugin_get_name(void) { return "dummy_c"; }
DUMMY_EXPORT const char* plugin_get_description(void) {
    return "Reference plugin for educational purposes (plain C port)";
}
DUMMY_EXPORT const char* plugin_get_contact(void) { return "github.com/falcosecurity/plugins"; }
DUMMY_EXPORT uint32_t plugin_get_id(void) { return DUMMY_ID; }
DUMMY_EXPORT const char* plugin_get_event_source(void) { return DUMMY_SOURCE; }

DUMMY_EXPORT const char* plugin_get_init_schema(ss_plugin_schema_type* schema_type) {
    *schema_type = SS_PLUGIN_SCHEMA_JSON;
    return "{\"$schema\":\"http://json-schema.org/draft-04/schema#\","
           "\"type\":\"object\","
           "\"properties\":{\"jitter\":{\"type\":\"integer\",\"minimum\":0,"
           "\"title\":\"Sample jitter\","
           "\"description\":\"A random amount added to the sample of each event\","
           "\"default\":10}},"
           "\"additionalProperties\":true}";
}

DUMMY_EXPORT const char* plugin_get_fields(void) {
    return "["
           "{\"type\":\"uint64\",\"name\":\"dummy.divisible\",\"desc\":\"Return 1 if the value is "
           "divisible by the provided divisor, 0 otherwise\",\"arg\":{\"isRequired\":true,"
           "\"isIndex\":true}},"
           "{\"type\":\"uint64\",\"name\":\"dummy.value\",\"desc\":\"The sample value in the "
           "event\"},"
           "{\"type\":\"string\",\"name\":\"dummy.strvalue\",\"desc\":\"The sample value in the "
           "event, as a string\"}"
           "]";
}

/* ---------------------------------------------------------------------- */
/* Lifecycle                                                               */
/* ---------------------------------------------------------------------- */

DUMMY_EXPORT ss_plugin_t* plugin_init(const ss_plugin_init_input* in, ss_plugin_rc* rc) {
    dummy_state* s = (dummy_state*)calloc(1, sizeof(dummy_state));
    json_u64_key keys[1];
    char err[DUMMY_ERRLEN - 32];
    struct timespec ts;
    if (!s) {
        *rc = SS_PLUGIN_FAILURE;
        return NULL;
    }
    s->jitter = 10;
    keys[0].name = "jitter";
    keys[0].target = &s->jitter;
    if (!parse_u64_object(in ? in->config : NULL, keys, 1, err, sizeof(err))) {
        set_error(s, "invalid init config: %s", err);
        *rc = SS_PLUGIN_FAILURE;
        return s; /* returned so the host can read the error, then destroy */
    }
    clock_gettime(CLOCK_MONOTONIC, &ts);
    s->rng = ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)ts.tv_sec ^ (uint64_t)(uintptr_t)s;
    if (s->rng == 0) s->rng = 0x9E3779B97F4A7C15ull;
    *rc = SS_PLUGIN_SUCCESS;
    return s;
}

DUMMY_EXPORT void plugin_destroy(ss_plugin_t* st) {
    dummy_state* s = (dummy_state*)st;
    if (!s) return;
    free(s->u64s);
    free((void*)s->strs);
    free(s->strvals);
    free(s->off_start);
    free(s->off_len);
    free(s);
}

DUMMY_EXPORT const char* plugin_get_last_error(ss_plugin_t* st) {
    dummy_state* s = (dummy_state*)st;
    return s ? s->lasterr : "dummy_c: no plugin state";
}

/* ---------------------------------------------------------------------- */
/* Event sourcing                                                          */
/* ---------------------------------------------------------------------- */

static uint64_t next_random(dummy_state* s) {
    uint64_t x = s->rng;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    s->rng = x;
    return x;
}

DUMMY_EXPORT ss_instance_t* plugin_open(ss_plugin_t* st, const char* params, ss_plugin_rc* rc) {
    dummy_state* s = (dummy_state*)st;
    dummy_instance* inst;
    json_u64_key keys[2];
    char err[DUMMY_ERRLEN - 32];
    uint64_t start = 1, max_events = 20;
    size_t i;

    keys[0].name = "start";
    keys[0].target = &start;
    keys[1].name = "maxEvents";
    keys[1].target = &max_events;
    if (!parse_u64_object(params, keys, 2, err, sizeof(err))) {
        set_error(s, "invalid open params: %s", err);
        *rc = SS_PLUGIN_FAILURE;
        return NULL;
    }
    inst = (dummy_instance*)calloc(1, sizeof(dummy_instance));
    if (inst) inst->storage = (uint8_t*)malloc((size_t)DUMMY_BATCH * DUMMY_EVT_CAP);
    if (!inst || !inst->storage) {
        if (inst) free(inst);
        set_error(s, "out of memory");
        *rc = SS_PLUGIN_FAILURE;
        return NULL;
    }
    for (i = 0; i < DUMMY_BATCH; i++) {
        inst->evts[i] = (ss_plugin_event*)(inst->storage + i * DUMMY_EVT_CAP);
    }
    inst->sample = start;
    inst->max_events = max_events;
    *rc = SS_PLUGIN_SUCCESS;
    return inst;
}

DUMMY_EXPORT void plugin_close(ss_plugin_t* st, ss_instance_t* h) {
    dummy_instance* inst = (dummy_instance*)h;
    (void)st;
    if (!inst) return;
    free(inst->storage);
    free(inst);
}

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Writes a plugin event with a decimal payload into buf; returns its length. */
static uint32_t encode_event(uint8_t* buf, uint64_t ts, uint64_t sample) {
    char digits[DUMMY_MAX_DIGITS + 1];
    int n = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)sample);
    uint32_t ndig = (uint32_t)n;
    uint32_t len = PLUGIN_EVENT_PAYLOAD_OFFSET + ndig;
    uint64_t tid = UINT64_MAX;
    uint16_t type = FALCO_PLUGIN_EVENT_TYPE_PLUGIN;
    uint32_t nparams = 2, len_id = 4, id = 0; /* id 0: the host fills in ours */
    /* little-endian hosts only (as the event format itself) */
    memcpy(buf + 0, &ts, 8);
    memcpy(buf + 8, &tid, 8);
    memcpy(buf + 16, &len, 4);
    memcpy(buf + 20, &type, 2);
    memcpy(buf + 22, &nparams, 4);
    memcpy(buf + 26, &len_id, 4);
    memcpy(buf + 30, &ndig, 4);
    memcpy(buf + 34, &id, 4);
    memcpy(buf + PLUGIN_EVENT_PAYLOAD_OFFSET, digits, ndig);
    return len;
}

DUMMY_EXPORT ss_plugin_rc plugin_next_batch(ss_plugin_t* st, ss_instance_t* h, uint32_t* nevts,
                                            ss_plugin_event*** evts) {
    dummy_state* s = (dummy_state*)st;
    dummy_instance* inst = (dummy_instance*)h;
    uint32_t n = 0;
    uint64_t ts;
    *nevts = 0;
    *evts = inst->evts;
    if (inst->produced >= inst->max_events) return SS_PLUGIN_EOF;
    ts = now_ns();
    while (n < DUMMY_BATCH && inst->produced < inst->max_events) {
        uint64_t step = 1;
        if (s->jitter > 0) {
            step += s->jitter == UINT64_MAX ? next_random(s) : next_random(s) % (s->jitter + 1);
        }
        inst->sample += step;
        encode_event((uint8_t*)inst->evts[n], ts, inst->sample);
        inst->produced++;
        n++;
    }
    *nevts = n;
    return inst->produced >= inst->max_events ? SS_PLUGIN_EOF : SS_PLUGIN_SUCCESS;
}

/* Returns a pointer to the payload of a well-formed plugin event (and its
 * length), or NULL. */
static const char* event_payload(const ss_plugin_event* evt, uint32_t* plen) {
    const uint8_t* raw = (const uint8_t*)evt;
    uint32_t len, nparams, len_id, len_pl;
    uint16_t type;
    memcpy(&len, raw + 16, 4);
    memcpy(&type, raw + 20, 2);
    memcpy(&nparams, raw + 22, 4);
    if (len < PLUGIN_EVENT_PAYLOAD_OFFSET || type != FALCO_PLUGIN_EVENT_TYPE_PLUGIN ||
        nparams != 2) {
        return NULL;
    }
    memcpy(&len_id, raw + 26, 4);
    memcpy(&len_pl, raw + 30, 4);
    if (len_id != 4 || len_pl != len - PLUGIN_EVENT_PAYLOAD_OFFSET) return NULL;
    *plen = len_pl;
    return (const char*)raw + PLUGIN_EVENT_PAYLOAD_OFFSET;
}

DUMMY_EXPORT const char* plugin_event_to_string(ss_plugin_t* st, const ss_plugin_event_input* in) {
    dummy_state* s = (dummy_state*)st;
    uint32_t plen = 0;
    const char* payload = event_payload(in->evt, &plen);
    if (!payload || plen > DUMMY_MAX_DIGITS) {
        snprintf(s->strbuf, sizeof(s->strbuf), "{\"sample\": \"<malformed>\"}");
    } else {
        snprintf(s->strbuf, sizeof(s->strbuf), "{\"sample\": \"%.*s\"}", (int)plen, payload);
    }
    return s->strbuf;
}

/* ---------------------------------------------------------------------- */
/* Field extraction                                                        */
/* ---------------------------------------------------------------------- */

static int reserve(dummy_state* s, uint32_t n) {
    void* p;
    if (n <= s->cap) return 1;
#define GROW(member, elem)                                        \
    p = realloc((void*)s->member, (size_t)n * sizeof(elem));      \
    if (!p) return 0;                                             \
    s->member = p
    GROW(u64s, uint64_t);
    GROW(strs, const char*);
    GROW(strvals, s->strvals[0]);
    GROW(off_start, uint32_t);
    GROW(off_len, uint32_t);
#undef GROW
    s->cap = n;
    return 1;
}

DUMMY_EXPORT ss_plugin_rc plugin_extract_fields(ss_plugin_t* st, const ss_plugin_event_input* evt,
                                                const ss_plugin_field_extract_input* in) {
    dummy_state* s = (dummy_state*)st;
    uint32_t plen = 0, i;
    uint64_t sample = 0;
    const char* payload = event_payload(evt->evt, &plen);

    if (!payload || plen == 0 || plen > DUMMY_MAX_DIGITS) {
        set_error(s, "event %llu is not a well-formed dummy event",
                  (unsigned long long)evt->evtnum);
        return SS_PLUGIN_FAILURE;
    }
    for (i = 0; i < plen; i++) {
        uint64_t d;
        if (payload[i] < '0' || payload[i] > '9') {
            set_error(s, "event %llu: payload is not a decimal number",
                      (unsigned long long)evt->evtnum);
            return SS_PLUGIN_FAILURE;
        }
        d = (uint64_t)(payload[i] - '0');
        if (sample > (UINT64_MAX - d) / 10) {
            set_error(s, "event %llu: sample out of range", (unsigned long long)evt->evtnum);
            return SS_PLUGIN_FAILURE;
        }
        sample = sample * 10 + d;
    }
    if (!reserve(s, in->num_fields)) {
        set_error(s, "out of memory");
        return SS_PLUGIN_FAILURE;
    }

    for (i = 0; i < in->num_fields; i++) {
        ss_plugin_extract_field* f = &in->fields[i];
        s->off_start[i] = 0;
        s->off_len[i] = 0;
        switch (f->field_id) {
        case FIELD_DIVISIBLE:
            if (!f->arg_present) {
                set_error(s, "dummy.divisible requires an index argument, e.g. dummy.divisible[3]");
                return SS_PLUGIN_FAILURE;
            }
            if (f->arg_index == 0) {
                set_error(s, "dummy.divisible: the divisor must be greater than 0");
                return SS_PLUGIN_FAILURE;
            }
            s->u64s[i] = (sample % f->arg_index) == 0 ? 1 : 0;
            f->res.u64 = &s->u64s[i];
            break;
        case FIELD_VALUE:
            s->u64s[i] = sample;
            f->res.u64 = &s->u64s[i];
            break;
        case FIELD_STRVALUE:
            memcpy(s->strvals[i], payload, plen);
            s->strvals[i][plen] = '\0';
            s->strs[i] = s->strvals[i];
            f->res.str = &s->strs[i];
            s->off_start[i] = PLUGIN_EVENT_PAYLOAD_OFFSET;
            s->off_len[i] = plen;
            break;
        default:
            set_error(s, "unknown field id %u (%s)", f->field_id, f->field ? f->field : "?");
            return SS_PLUGIN_FAILURE;
        }
        f->res_len = 1;
    }
    if (in->value_offsets) {
        in->value_offsets->start = s->off_start;
        in->value_offsets->length = s->off_len;
    }
    return SS_PLUGIN_SUCCESS;
}
