/* SPDX-License-Identifier: MIT */
/*
 * shapes.c - the pattern detector of shapes.h (match layer; base/, libpsl,
 * Vectorscan).
 *
 * Candidates. Every shape but the coordinates is found through one of
 *   hexrun  a run of 12 or more hex digits (decimal runs included): C
 *           dispatches on length and digits/letters: 15 digits IMEI/IMSI,
 *           16 IMEISV, 19-20 ICCID, 14 hex MEID, 16 hex Android ID, 12 hex
 *           MAC, 32 hex advertising ID; runs over 40 are no value
 *   @       e-mail: C expands the local part left and the domain right
 *   mac     xx:xx:xx:xx:xx:xx, xx-xx-..., xxxx.xxxx.xxxx (fixed lengths)
 *   uuid    8-4-4-4-12 hex (fixed length)
 *   +[1-9]  a phone number: C reads digits and separators forward
 * Two finders produce them. A Vectorscan block database of these seven
 * simple patterns (the hex run as [0-9A-Fa-f]{12}(?:[^0-9A-Fa-f]|\z): one
 * report per run, at its end) is the reference, lt__shapes_scan_window().
 * lt_shapes_scan() uses a SIMD finder in C instead (see "the C candidate
 * finder" below): the repeats have no literal for Vectorscan to prefilter
 * on, so the database runs an automaton on every byte, 0.3-0.7 GB/s, where
 * the C finder runs at several GB/s on text without candidates
 * (bench_shapes). Tests and the fuzz target check that both finders give
 * the same hits. Each candidate is validated in C against the whole piece;
 * the hits are sorted by position before they are reported.
 *
 * Coordinates (and bare MSISDN digits) are looked for only in a field
 * whose name asks for them, by a plain C pass over the piece.
 *
 * Field-gated kinds (mac, bssid, adid, android_id, phone, IMEISV, meid in
 * decimal) take the field name given by the caller, or else a key written
 * just before the value inside the piece ("mac=...", "\"gaid\":\"...\"",
 * "imei: ..."), for text that reached us undecoded. The key is classified
 * only once a candidate has passed its shape checks.
 *
 * Whole tokens: a value may not touch letters or digits, a digit value may
 * not touch ".<digit>" (a decimal), and no value may continue a run of
 * short hex groups ("9a0c-" or ":ab" on either side). A byte ending a
 * percent escape ("%22", "%3D") before a value separates, as in matcher.h.
 */
#include <hs/hs.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <libpsl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "../base/alloc.h"
#include "shapes.h"
#include "shapes_int.h"

/* ---- bytes -------------------------------------------------------------- */

/* Byte classes: C_DIGIT [0-9], C_HEXL [A-Fa-f], C_ALPHA [A-Za-z], C_SEP
   [:.-] (the separators of the MAC and UUID notations), C_PUNCT [@+]. A
   table: the run walks below are its hottest loops. */
enum { C_DIGIT = 1, C_HEXL = 2, C_ALPHA = 4, C_SEP = 8, C_PUNCT = 16 };
static const uint8_t cls[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 16, 0, 8, 8, 0,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 8, 0, 0, 0, 0, 0,
    16, 6, 6, 6, 6, 6, 6, 4, 4, 4, 4, 4, 4, 4, 4, 4,
    4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 0, 0, 0, 0, 0,
    0, 6, 6, 6, 6, 6, 6, 4, 4, 4, 4, 4, 4, 4, 4, 4,
    4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

static inline bool is_digit(uint8_t c) { return cls[c] & C_DIGIT; }
static inline bool is_hex(uint8_t c) { return cls[c] & (C_DIGIT | C_HEXL); }
static inline bool is_alpha(uint8_t c) { return cls[c] & C_ALPHA; }
static inline bool is_alnum(uint8_t c) { return cls[c] & (C_DIGIT | C_ALPHA); }
static inline bool in_k(uint8_t c) { return cls[c] & (C_DIGIT | C_HEXL | C_SEP); }

static inline uint8_t lower(uint8_t c) { return c >= 'A' && c <= 'Z' ? (uint8_t)(c | 0x20) : c; }

static inline unsigned hexval(uint8_t c)
{
    return is_digit(c) ? (unsigned)(c - '0') : (unsigned)(lower(c) - 'a' + 10);
}

/* ---- validators ----------------------------------------------------------- */

int lt_luhn_ok(const char *digits, size_t n)
{
    if (n < 2)
        return 0;
    unsigned sum = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = (uint8_t)digits[n - 1 - i];
        if (!is_digit(c))
            return 0;
        unsigned d = c - '0';
        if (i & 1) {
            d *= 2;
            if (d > 9)
                d -= 9;
        }
        sum += d;
    }
    return sum % 10 == 0;
}

int lt_mcc_known(unsigned mcc)
{
    size_t lo = 0, hi = lt__mcc_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (lt__mcc_list[mid] == mcc)
            return 1;
        if (lt__mcc_list[mid] < mcc)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

/*
 * The reporting body identifiers (first two digits of the type allocation
 * code) that have issued TACs in use: 01 PTCRB (US), 10 DECT, 30 Iridium,
 * 33 DGPT (France), 35 and 44 BABT (UK), 45 NTA (Denmark), 49 BZT/BNetzA
 * (Germany), 50 BZT ETS, 51-52 Cetecom ICT, 53 TUV, 54 Phoenix, 86 TAF
 * (China), 91 MSAI (India), 98 BABT, 99 GHA (multi-mode CDMA devices).
 */
int lt__imei_rbi_ok(const char *d)
{
    static const char rbi[][3] = { "01", "10", "30", "33", "35", "44", "45", "49", "50",
                                   "51", "52", "53", "54", "86", "91", "98", "99" };
    for (size_t i = 0; i < sizeof rbi / sizeof rbi[0]; i++)
        if (d[0] == rbi[i][0] && d[1] == rbi[i][1])
            return 1;
    return 0;
}

/* ---- field names ---------------------------------------------------------- */

#define NAME_CAP 128

/* A field name as lower-case alphanumerics, with the word starts marked
   (ws[n] is set, so a word always ends at n). */
struct name {
    char j[NAME_CAP + 1];
    uint8_t ws[NAME_CAP + 1];
    size_t n;
};

static void name_split(struct name *nm, const uint8_t *p, size_t len)
{
    if (len > NAME_CAP) {
        p += len - NAME_CAP;
        len = NAME_CAP;
    }
    /* locals, not nm->n: stores through char pointers may alias it */
    size_t n = 0;
    bool brk = true;
    uint8_t prev = 0;
    for (size_t i = 0; i < len; i++) {
        uint8_t c = p[i];
        uint8_t k = cls[c];
        if (!(k & (C_DIGIT | C_ALPHA))) {
            brk = true;
            continue;
        }
        bool start = brk || n == 0;
        if (!start && c >= 'A' && c <= 'Z' && prev >= 'A' && prev <= 'Z') {
            /* IMEIValue, MACAddress: an upper-case letter before a lower */
            start = i + 1 < len && p[i + 1] >= 'a' && p[i + 1] <= 'z';
        } else if (!start && c >= 'A' && c <= 'Z') {
            start = prev >= 'a' && prev <= 'z'; /* deviceMac */
        }
        if (!start && (k & C_DIGIT) != (cls[prev] & C_DIGIT))
            start = true; /* imei1 */
        nm->ws[n] = start;
        nm->j[n++] = (char)lower(c);
        prev = c;
        brk = false;
    }
    nm->ws[n] = 1;
    nm->j[n] = 0;
    nm->n = n;
}

/* The name holds tok at i; with word, tok starts and ends on word
   boundaries (it may span words: "advertising" "id"). */
static inline bool nm_at(const struct name *nm, size_t i, const char *tok, size_t k, bool word)
{
    /* the caller matched tok[0]; the second byte rejects most cheaply */
    if (i + k > nm->n || nm->j[i + 1] != tok[1] || memcmp(nm->j + i, tok, k) != 0)
        return false;
    return !word || (nm->ws[i] && nm->ws[i + k]);
}

static bool nm_ends(const struct name *nm, const char *tok)
{
    size_t k = strlen(tok);
    return nm->n >= k && memcmp(nm->j + nm->n - k, tok, k) == 0;
}

/* tokens found in a name */
enum {
    T_IMEI = 1u << 0, T_IMSI = 1u << 1, T_MEID = 1u << 2, T_MAC = 1u << 3,
    T_BSSID = 1u << 4, T_AP = 1u << 5, T_ADID = 1u << 6, T_AID = 1u << 7,
    T_PHONE = 1u << 8, T_MSISDN = 1u << 9, T_LAT = 1u << 10, T_LON = 1u << 11,
    T_PAIR_LAT = 1u << 12, T_PAIR_LON = 1u << 13,
};

/* The first two letters of every token below: bit y of [x] for "xy". */
#define B(y) (1u << ((y) - 'a'))
static const uint32_t token_bigrams[26] = {
    ['a' - 'a'] = B('a') | B('d') | B('n') | B('i') | B('p'),
    ['b' - 'a'] = B('s'),
    ['d' - 'a'] = B('e'),
    ['g' - 'a'] = B('a') | B('o'),
    ['i' - 'a'] = B('m') | B('d') | B('f'),
    ['l' - 'a'] = B('a') | B('l') | B('n') | B('o'),
    ['m' - 'a'] = B('e') | B('a') | B('s') | B('o'),
    ['o' - 'a'] = B('a'),
    ['p' - 'a'] = B('h'),
    ['r' - 'a'] = B('o'),
    ['s' - 'a'] = B('u') | B('s'),
    ['t' - 'a'] = B('e'),
    ['w' - 'a'] = B('i') | B('l'),
};
#undef B

/*
 * One pass over the name, a switch on each position's letter: distinctive
 * tokens anywhere (ANY), short or ambiguous ones only as whole words (WD).
 * Cost: a few compares per letter of the name, for every piece scanned.
 */
unsigned lt__shapes_field_flags(const uint8_t *p, size_t len)
{
    if (len == 0)
        return 0;
    struct name nm;
    name_split(&nm, p, len);
    unsigned t = 0;
#define ANY(tok) nm_at(&nm, i, tok, sizeof tok - 1, false)
#define WD(tok) nm_at(&nm, i, tok, sizeof tok - 1, true)
    for (size_t i = 0; i + 1 < nm.n; i++) {
        /* most positions start no token: one table test skips them (a
           switch on every letter costs a mispredicted jump each) */
        unsigned c0 = (unsigned)(uint8_t)nm.j[i] - 'a', c1 = (unsigned)(uint8_t)nm.j[i + 1] - 'a';
        if (c0 >= 26 || c1 >= 26 || !(token_bigrams[c0] >> c1 & 1))
            continue;
        switch (nm.j[i]) {
        case 'a':
            if (ANY("aaid") || ANY("advertisingid") || ANY("advertiserid") || WD("adid"))
                t |= T_ADID;
            if (ANY("androidid") || WD("aid"))
                t |= T_AID;
            if (WD("ap"))
                t |= T_AP;
            break;
        case 'b':
            if (ANY("bssid"))
                t |= T_BSSID;
            break;
        case 'd':
            if (WD("deviceid"))
                t |= T_AID;
            break;
        case 'g':
            if (ANY("gaid") || ANY("googleadid"))
                t |= T_ADID;
            break;
        case 'i':
            if (ANY("imei"))
                t |= T_IMEI;
            if (ANY("imsi"))
                t |= T_IMSI;
            if (ANY("idfa") || WD("ifa"))
                t |= T_ADID;
            break;
        case 'l':
            if (ANY("latlng") || ANY("latlon") || WD("ll"))
                t |= T_PAIR_LAT;
            if (ANY("lnglat") || ANY("lonlat") || ANY("longlat"))
                t |= T_PAIR_LON;
            if (ANY("latitude") || WD("lat"))
                t |= T_LAT;
            if (ANY("longitude") || WD("lon") || WD("lng") || WD("long"))
                t |= T_LON;
            break;
        case 'm':
            if (WD("meid"))
                t |= T_MEID;
            if (WD("mac") || WD("macaddr") || WD("macaddress"))
                t |= T_MAC;
            if (ANY("msisdn"))
                t |= T_MSISDN;
            if (ANY("mobile"))
                t |= T_PHONE;
            break;
        case 'o':
            if (ANY("oaid"))
                t |= T_ADID;
            break;
        case 'p':
            if (ANY("phone"))
                t |= T_PHONE;
            break;
        case 'r':
            if (WD("router"))
                t |= T_AP;
            break;
        case 's':
            if (WD("subscriberid"))
                t |= T_IMSI;
            if (ANY("ssaid"))
                t |= T_AID;
            break;
        case 't':
            if (WD("tel") || WD("telno") || WD("telnum"))
                t |= T_PHONE;
            break;
        case 'w':
            if (ANY("wifi") || ANY("wlan"))
                t |= T_MAC;
            break;
        default:
            break;
        }
    }
#undef ANY
#undef WD
    /* "hmac", "cmac", "imac", "gmac" are no hardware addresses: a "mac"
       suffix off a word boundary needs a name longer than them */
    if (nm.n >= 6 && nm_ends(&nm, "mac"))
        t |= T_MAC;
    if (nm_ends(&nm, "gpsadid"))
        t |= T_ADID;
    unsigned f = 0;
    if (t & T_IMEI)
        f |= LT__SF_IMEI;
    if (t & T_IMSI)
        f |= LT__SF_IMSI;
    if (t & T_MEID)
        f |= LT__SF_MEID;
    if (t & T_MAC)
        f |= LT__SF_MAC;
    if ((t & T_BSSID) || ((t & T_MAC) && (t & T_AP)))
        f |= LT__SF_MAC | LT__SF_BSSID;
    if (t & T_ADID)
        f |= LT__SF_ADID;
    if (t & T_AID)
        f |= LT__SF_AID;
    if (t & T_MSISDN)
        f |= LT__SF_PHONE | LT__SF_MSISDN;
    if (t & T_PHONE)
        f |= LT__SF_PHONE;
    if (t & (T_PAIR_LAT | T_PAIR_LON)) {
        f |= LT__SF_LAT | LT__SF_LON;
        if (!(t & T_PAIR_LAT))
            f |= LT__SF_LONFIRST;
    } else {
        if (t & T_LAT)
            f |= LT__SF_LAT;
        if (t & T_LON)
            f |= LT__SF_LON;
    }
    return f;
}

/* ---- database ------------------------------------------------------------- */

enum pat_id { P_HEXRUN, P_AT, P_MAC_COLON, P_MAC_DASH, P_MAC_DOT, P_UUID, P_PLUS, P_COUNT };

#define HX "[0-9A-Fa-f]"
static const char *const pat_expr[P_COUNT] = {
    [P_HEXRUN] = HX "{12}(?:[^0-9A-Fa-f]|\\z)",
    [P_AT] = "@",
    [P_MAC_COLON] = HX "{2}(?::" HX "{2}){5}",
    [P_MAC_DASH] = HX "{2}(?:-" HX "{2}){5}",
    [P_MAC_DOT] = HX "{4}\\." HX "{4}\\." HX "{4}",
    [P_UUID] = HX "{8}-" HX "{4}-" HX "{4}-" HX "{4}-" HX "{12}",
    [P_PLUS] = "\\+[1-9]",
};
#undef HX

/* Windows overlap by this much: more than the longest fixed pattern
   (36) and the hex-run report (13). */
#define WIN_OVERLAP 64
/* No value is longer than this many hex digits (a UUID without dashes,
   32, plus a percent escape before it); a longer run is no token. */
#define HEXRUN_MAX 40

struct lt_shapes {
    hs_database_t *db;
    hs_scratch_t *proto; /* cloned by lt_shapes_scratch_new() */
    const psl_ctx_t *psl;
    psl_ctx_t *psl_own;  /* psl_latest() when the builtin list is absent */
};

struct lt_shapes_scratch {
    hs_scratch_t *hs;
    struct lt_shape_hit *hits;
    size_t n_hits, hits_cap;
};

static void set_msg(char *msg, size_t msg_cap, const char *fmt, const char *arg)
{
    if (msg && msg_cap)
        snprintf(msg, msg_cap, fmt, arg);
}

enum lt_err lt_shapes_new(struct lt_shapes **out, char *msg, size_t msg_cap)
{
    *out = NULL;
    set_msg(msg, msg_cap, "%s", "");
    struct lt_shapes *s = lt_calloc(1, sizeof *s);
    if (!s) {
        set_msg(msg, msg_cap, "%s", "shapes: out of memory");
        return LT_E_NOMEM;
    }
    s->psl = psl_builtin();
    if (!s->psl || psl_suffix_count(s->psl) <= 0) {
        s->psl_own = psl_latest(NULL);
        s->psl = s->psl_own;
    }
    if (!s->psl) {
        set_msg(msg, msg_cap, "%s", "shapes: libpsl has no public suffix list");
        lt_free(s);
        return LT_E_MALFORMED;
    }
    unsigned flags[P_COUNT], ids[P_COUNT];
    for (unsigned i = 0; i < P_COUNT; i++) {
        flags[i] = 0;
        ids[i] = i;
    }
    hs_compile_error_t *cerr = NULL;
    if (hs_compile_multi(pat_expr, flags, ids, P_COUNT, HS_MODE_BLOCK, NULL, &s->db, &cerr) !=
        HS_SUCCESS) {
        set_msg(msg, msg_cap, "shapes: vectorscan refused a pattern: %s",
                cerr && cerr->message ? cerr->message : "?");
        hs_free_compile_error(cerr);
        s->db = NULL;
        lt_shapes_free(s);
        return LT_E_MALFORMED;
    }
    hs_error_t he = hs_alloc_scratch(s->db, &s->proto);
    if (he != HS_SUCCESS) {
        set_msg(msg, msg_cap, "%s", "shapes: vectorscan scratch allocation failed");
        lt_shapes_free(s);
        return he == HS_NOMEM ? LT_E_NOMEM : LT_E_MALFORMED;
    }
    *out = s;
    return LT_OK;
}

void lt_shapes_free(struct lt_shapes *s)
{
    if (!s)
        return;
    hs_free_scratch(s->proto);
    hs_free_database(s->db);
    psl_free(s->psl_own);
    lt_free(s);
}

struct lt_shapes_scratch *lt_shapes_scratch_new(const struct lt_shapes *s)
{
    if (!s)
        return NULL;
    struct lt_shapes_scratch *sc = lt_calloc(1, sizeof *sc);
    if (!sc)
        return NULL;
    if (hs_clone_scratch(s->proto, &sc->hs) != HS_SUCCESS) {
        lt_free(sc);
        return NULL;
    }
    return sc;
}

void lt_shapes_scratch_free(struct lt_shapes_scratch *sc)
{
    if (!sc)
        return;
    hs_free_scratch(sc->hs);
    lt_free(sc->hits);
    lt_free(sc);
}

/* ---- one scan ------------------------------------------------------------- */

struct scan {
    const struct lt_shapes *s;
    struct lt_shapes_scratch *sc;
    const uint8_t *p;
    size_t n;
    struct lt_span field;
    unsigned fflags;  /* of field, once fflags_known */
    bool fflags_known;
    size_t base;      /* offset of the current window */
    size_t min_end;   /* matches ending at or before were seen already */
    bool nomem;
};

static bool add_hit(struct scan *c, const char *kind, size_t from, size_t to, uint8_t coord)
{
    struct lt_shapes_scratch *sc = c->sc;
    if (sc->n_hits == sc->hits_cap) {
        size_t cap = sc->hits_cap ? sc->hits_cap * 2 : 16;
        void *q = lt_realloc(sc->hits, cap * sizeof *sc->hits);
        if (!q) {
            c->nomem = true;
            return false;
        }
        sc->hits = q;
        sc->hits_cap = cap;
    }
    sc->hits[sc->n_hits++] = (struct lt_shape_hit){ kind, from, to, coord };
    return true;
}

/* p[s] follows a percent escape ("%22", "%3D"): the escape separates. */
static bool after_escape(const uint8_t *p, size_t s)
{
    return s >= 3 && p[s - 3] == '%' && is_hex(p[s - 2]) && is_hex(p[s - 1]);
}

/* p[k] is a separator with a short hex group (1-4 digits) on its left
   that is a token of its own: "9a0c-" in a UUID, "ff:" in a MAC. */
static bool hex_group_before(const uint8_t *p, size_t k)
{
    size_t g = 0;
    while (g < 5 && k > g && is_hex(p[k - 1 - g]))
        g++;
    return g >= 1 && g <= 4 && (k == g || !is_alnum(p[k - 1 - g]));
}

static bool hex_group_after(const uint8_t *p, size_t n, size_t k)
{
    size_t g = 0;
    while (g < 5 && k + 1 + g < n && is_hex(p[k + 1 + g]))
        g++;
    return g >= 1 && g <= 4 && (k + 1 + g == n || !is_alnum(p[k + 1 + g]));
}

/* The token p[s..e) stands alone (see the file comment). */
static bool whole_token(const uint8_t *p, size_t n, size_t s, size_t e)
{
    if (s > 0 && !after_escape(p, s)) {
        uint8_t b = p[s - 1];
        if (is_alnum(b))
            return false;
        /* "1.356..." is a decimal's fraction */
        if (b == '.' && s >= 2 && is_digit(p[s - 2]) && is_digit(p[s]))
            return false;
        /* "...-9a0c-0305e82c3301": the last group of a UUID, IPv6, a MAC */
        if ((b == '-' || b == ':' || b == '.') && hex_group_before(p, s - 1))
            return false;
    }
    if (e < n) {
        uint8_t a = p[e];
        if (is_alnum(a))
            return false;
        if (a == '.' && e + 1 < n && is_digit(p[e + 1]) && is_digit(p[e - 1]))
            return false;
        if ((a == '-' || a == ':' || a == '.') && hex_group_after(p, n, e))
            return false;
    }
    return true;
}

static bool key_char(uint8_t c)
{
    return is_alnum(c) || c == '_' || c == '$' || c == '-' || c == '.';
}

/* The field flags of a key written just before p[s] inside the piece:
   key=v, key: v, "key":"v", \"key\":\"v\" (JSON in a JSON string). */
static unsigned inline_key_flags(const uint8_t *p, size_t s)
{
    size_t i = s;
    if (i && (p[i - 1] == '"' || p[i - 1] == '\'')) {
        i--;
        if (i && p[i - 1] == '\\')
            i--;
    }
    while (i && p[i - 1] == ' ')
        i--;
    if (!i || (p[i - 1] != '=' && p[i - 1] != ':'))
        return 0;
    i--;
    while (i && p[i - 1] == ' ')
        i--;
    if (i && (p[i - 1] == '"' || p[i - 1] == '\'')) {
        i--;
        if (i && p[i - 1] == '\\')
            i--;
    }
    size_t ke = i;
    while (i && key_char(p[i - 1]) && ke - i < 64)
        i--;
    return ke > i ? lt__shapes_field_flags(p + i, ke - i) : 0;
}

/* The caller's field name is classified on first need: most pieces have
   no candidate that asks. */
static unsigned field_flags(struct scan *c)
{
    if (!c->fflags_known) {
        c->fflags = lt__shapes_field_flags(c->field.p, c->field.len);
        c->fflags_known = true;
    }
    return c->fflags;
}

static unsigned flags_at(struct scan *c, size_t s)
{
    return field_flags(c) | inline_key_flags(c->p, s);
}

/* MAC-48 in p[s..e): hex digits only (separators skipped by the caller
   giving 12 of them in oct[]). Not broadcast, not all zero, not Android's
   placeholder 02:00:00:00:00:00 (what apps read without the permission). */
static bool mac_ok(const uint8_t oct[6])
{
    bool all_ff = true, rest_zero = true;
    for (int i = 0; i < 6; i++) {
        all_ff &= oct[i] == 0xff;
        if (i > 0)
            rest_zero &= oct[i] == 0;
    }
    if (all_ff || (rest_zero && (oct[0] == 0 || oct[0] == 2)))
        return false;
    return true;
}

/* The hex digits of p[s..e) as a MAC; fp: the field flags, or NULL to
   look them up (after the cheaper shape checks). */
static void try_mac(struct scan *c, size_t s, size_t e, const unsigned *fp)
{
    uint8_t oct[6];
    unsigned k = 0;
    uint8_t hi = 0;
    bool have_hi = false;
    for (size_t i = s; i < e; i++) {
        if (!is_hex(c->p[i]))
            continue;
        if (!have_hi) {
            hi = (uint8_t)hexval(c->p[i]);
            have_hi = true;
        } else {
            if (k == 6)
                return;
            oct[k++] = (uint8_t)(hi << 4 | hexval(c->p[i]));
            have_hi = false;
        }
    }
    if (k != 6 || have_hi || !mac_ok(oct))
        return;
    unsigned f = fp ? *fp : flags_at(c, s);
    if (f & LT__SF_MAC)
        add_hit(c, (f & LT__SF_BSSID) ? "bssid" : "mac", s, e, 0);
}

/*
 * A UUID in p[s..e) (36 with dashes or 32 hex digits): an RFC 4122 /
 * RFC 9562 UUID, i.e. version nibble 1-8 and variant bits 10. Every
 * advertising ID (GAID, IDFA, OAID of the UUID form) is one, mostly
 * version 4; the all-zero UUID (tracking limited) has version 0 and is
 * rejected, as is any 8-4-4-4-12 hex that is not a UUID.
 */
static bool uuid_ok(const uint8_t *p, size_t s, size_t e)
{
    size_t ver = e - s == 36 ? 14 : 12, var = e - s == 36 ? 19 : 16;
    unsigned v = hexval(p[s + ver]), r = hexval(p[s + var]);
    return v >= 1 && v <= 8 && r >= 8 && r <= 0xb;
}

static bool all_zero(const uint8_t *p, size_t s, size_t e)
{
    for (size_t i = s; i < e; i++)
        if (p[i] != '0')
            return false;
    return true;
}

/* A run of decimal digits p[s..e) that stands alone. */
static void on_digits(struct scan *c, size_t s, size_t e)
{
    const uint8_t *p = c->p;
    size_t len = e - s;
    /* "+33..." is a phone number's (P_PLUS); a msisdn field's digits are
       the phone pass's */
    if ((s > 0 && p[s - 1] == '+') || (field_flags(c) & LT__SF_MSISDN))
        return;
    const char *d = (const char *)p + s;
    if (len == 15) {
        unsigned f = flags_at(c, s);
        bool imei = lt_luhn_ok(d, 15) && lt__imei_rbi_ok(d);
        unsigned mcc = (unsigned)(d[0] - '0') * 100 + (unsigned)(d[1] - '0') * 10 +
                       (unsigned)(d[2] - '0');
        /* An IMSI: its MCC exists. Not in a field named for an IMEI (there
           it is an IMEI with a wrong check digit), nor, outside a field
           named for an IMSI, when it starts with 35 and fails Luhn: BABT's
           35 is the commonest IMEI range, and the MCCs 350-358 it shares
           belong to five small Caribbean networks. */
        bool imsi = lt_mcc_known(mcc) && !(f & LT__SF_IMEI) &&
                    ((f & LT__SF_IMSI) || !(d[0] == '3' && d[1] == '5'));
        if (imsi && (f & LT__SF_IMSI))
            add_hit(c, "imsi", s, e, 0);
        else if (imei)
            add_hit(c, "imei", s, e, 0);
        else if (imsi)
            add_hit(c, "imsi", s, e, 0);
        return;
    }
    if (len == 19 || len == 20) {
        if (d[0] == '8' && d[1] == '9' && lt_luhn_ok(d, len))
            add_hit(c, "iccid", s, e, 0);
        return;
    }
    if (len != 12 && len != 14 && len != 16 && len != 32)
        return;
    /* the rest needs a field name */
    unsigned f = flags_at(c, s);
    if (len == 16 && (f & LT__SF_IMEI) && lt__imei_rbi_ok(d))
        add_hit(c, "imei", s, e, 0); /* IMEISV: no check digit */
    else if (len == 16 && (f & LT__SF_AID) && !all_zero(p, s, e))
        add_hit(c, "android_id", s, e, 0);
    else if (len == 14 && (f & LT__SF_MEID) && !all_zero(p, s, e))
        add_hit(c, "meid", s, e, 0);
    else if (len == 12 && (f & LT__SF_MAC))
        try_mac(c, s, e, &f);
    else if (len == 32 && (f & LT__SF_ADID) && uuid_ok(p, s, e))
        add_hit(c, "adid", s, e, 0);
}

/* A run of hex digits p[s..e) with at least one letter, standing alone. */
static void on_hex(struct scan *c, size_t s, size_t e)
{
    const uint8_t *p = c->p;
    size_t len = e - s;
    if (len == 14) {
        /* A MEID (3GPP2 S.R0048): 56 bits, regional code A0-FF for
           globally administered ones. Outside a field named meid, only
           those: "a 14-hex token" alone is too weak. */
        if ((is_alpha(p[s]) && hexval(p[s]) >= 0xa) || (flags_at(c, s) & LT__SF_MEID))
            add_hit(c, "meid", s, e, 0);
        return;
    }
    if (len != 12 && len != 16 && len != 32)
        return;
    unsigned f = flags_at(c, s);
    if (len == 16 && (f & LT__SF_AID))
        add_hit(c, "android_id", s, e, 0);
    else if (len == 12 && (f & LT__SF_MAC))
        try_mac(c, s, e, &f);
    else if (len == 32 && (f & LT__SF_ADID) && uuid_ok(p, s, e))
        add_hit(c, "adid", s, e, 0);
}

/* A maximal run of hex digits p[s..e) (s > 0 means p[s - 1] is no hex
   digit), at most HEXRUN_MAX long. */
static void on_hex_span(struct scan *c, size_t s, size_t e)
{
    const uint8_t *p = c->p;
    if (s > 0 && p[s - 1] == '%' && e - s > 2)
        s += 2; /* "%22" + value: the escape's two digits are not the value's */
    if (e - s < 12 || !whole_token(p, c->n, s, e))
        return;
    bool letter = false;
    for (size_t i = s; i < e; i++)
        letter |= !is_digit(p[i]);
    if (letter)
        on_hex(c, s, e);
    else
        on_digits(c, s, e);
}

/* P_HEXRUN reported a run of >= 12 hex digits ending at or just before
   to (the pattern takes the byte after the run, or ends at \z). */
static void on_hexrun(struct scan *c, size_t to)
{
    const uint8_t *p = c->p;
    size_t e = is_hex(p[to - 1]) ? to : to - 1;
    /* at a window's end "\z" is not the piece's end */
    if (e < c->n && is_hex(p[e]))
        return;
    size_t s = e;
    while (s > 0 && is_hex(p[s - 1])) {
        s--;
        if (e - s > HEXRUN_MAX)
            return;
    }
    on_hex_span(c, s, e);
}

static bool local_char(uint8_t c)
{
    return is_alnum(c) || c == '.' || c == '_' || c == '+' || c == '-';
}

static bool domain_char(uint8_t c) { return is_alnum(c) || c == '.' || c == '-'; }

/*
 * The domain of an address, d[0..n) lower case, NUL-terminated: labels of
 * letters, digits and inner hyphens, at least two, a top label of letters
 * (or an IDNA "xn--" label); then libpsl: its registrable domain must sit
 * under a suffix the list knows by an explicit rule (the implicit "*" rule
 * would accept any made-up TLD: "example.invalid", "a.b.fake").
 */
static bool domain_ok(const psl_ctx_t *psl, const char *d, size_t n)
{
    size_t labels = 0, top = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && d[i] != '.')
            continue;
        size_t len = i - top;
        if (len == 0 || len > 63 || d[top] == '-' || d[i - 1] == '-')
            return false;
        labels++;
        if (i < n)
            top = i + 1;
    }
    if (labels < 2 || n - top < 2)
        return false;
    if (strncmp(d + top, "xn--", 4) != 0)
        for (size_t i = top; i < n; i++)
            if (!is_alpha((uint8_t)d[i]))
                return false;
    const char *reg = psl_registrable_domain(psl, d);
    if (!reg)
        return false;
    const char *suffix = strchr(reg, '.');
    return suffix && psl_is_public_suffix2(psl, suffix + 1, PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE);
}

/* P_AT: an '@' at p[at]. */
static void on_at(struct scan *c, size_t at)
{
    const uint8_t *p = c->p;
    size_t n = c->n;
    size_t ls = at;
    while (ls > 0 && local_char(p[ls - 1])) {
        ls--;
        if (at - ls > 64)
            return; /* RFC 5321 §4.5.3.1.1: a local part has at most 64 */
    }
    if (ls > 0 && p[ls - 1] == '%' && at - ls > 2 && is_hex(p[ls]) && is_hex(p[ls + 1]))
        ls += 2;
    while (ls < at && p[ls] == '.')
        ls++;
    /* a UTF-8 letter next to it would extend the address */
    if (ls == at || p[at - 1] == '.' || (ls > 0 && (p[ls - 1] == '@' || p[ls - 1] >= 0x80)))
        return;
    for (size_t i = ls; i + 1 < at; i++)
        if (p[i] == '.' && p[i + 1] == '.')
            return;
    size_t de = at + 1;
    while (de < n && domain_char(p[de])) {
        de++;
        if (de - at - 1 > 253)
            return;
    }
    while (de > at + 1 && (p[de - 1] == '.' || p[de - 1] == '-'))
        de--;
    if (de < n && (p[de] == '@' || is_alnum(p[de]) || p[de] >= 0x80))
        return;
    char dom[256];
    size_t dn = de - at - 1;
    if (dn < 4)
        return;
    for (size_t i = 0; i < dn; i++)
        dom[i] = (char)lower(p[at + 1 + i]);
    dom[dn] = 0;
    if (domain_ok(c->s->psl, dom, dn))
        add_hit(c, "email", ls, de, 0);
}

/*
 * P_PLUS: '+' at p[q] and a digit 1-9. E.164: a country code and number,
 * 7 to 15 digits in all; display separators (space, '-', '.', parentheses;
 * at most two in a row) are allowed between digits and stay in the value.
 */
static void on_plus(struct scan *c, size_t q)
{
    const uint8_t *p = c->p;
    if ((q > 0 && (is_alnum(p[q - 1]) || p[q - 1] == '+')))
        return;
    size_t i = q + 1, last = q, digits = 0;
    unsigned seps = 0;
    while (i < c->n) {
        uint8_t b = p[i];
        if (is_digit(b)) {
            if (++digits > 15)
                return;
            last = i;
            seps = 0;
        } else if (b == ' ' || b == '-' || b == '.' || b == '(' || b == ')') {
            if (++seps > 2)
                break;
        } else {
            break;
        }
        i++;
    }
    size_t e = last + 1;
    if (digits < 7 || (e < c->n && is_alnum(p[e])) || !(flags_at(c, q) & LT__SF_PHONE))
        return;
    add_hit(c, "phone", q, e, 0);
}

static void on_fixed(struct scan *c, unsigned id, size_t to)
{
    size_t len = id == P_UUID ? 36 : id == P_MAC_DOT ? 14 : 17;
    size_t s = to - len;
    if (!whole_token(c->p, c->n, s, to))
        return;
    if (id != P_UUID)
        try_mac(c, s, to, NULL);
    else if (uuid_ok(c->p, s, to) && (flags_at(c, s) & LT__SF_ADID))
        add_hit(c, "adid", s, to, 0);
}

static int on_hs_match(unsigned id, unsigned long long from, unsigned long long to,
                       unsigned flags, void *ctx)
{
    (void)from, (void)flags;
    struct scan *c = ctx;
    size_t end = c->base + (size_t)to;
    if (end <= c->min_end)
        return 0;
    switch (id) {
    case P_HEXRUN: on_hexrun(c, end); break;
    case P_AT: on_at(c, end - 1); break;
    case P_PLUS: on_plus(c, end - 2); break;
    default: on_fixed(c, id, end); break;
    }
    return c->nomem ? 1 : 0;
}

/* ---- the C candidate finder ----------------------------------------------- */

/*
 * What lt_shapes_scan() uses (faster than the Vectorscan database, see
 * bench_shapes; tests and the fuzz target check that both give the same
 * hits). 64 bytes at a time, SSE2 where there is SSE2: a mask of the bytes
 * of class K = [0-9A-Fa-f:.-] and a mask of '@' and '+'. Every candidate
 * of the database lies in a run of 12 or more K bytes (hex runs, the MAC
 * notations, UUIDs), so the finder reports the 12th byte of each such run
 * (a12 & ~(a12 << 1), with a12[i] = bytes i-11..i all in K, built by
 * doubling shifts that carry the previous block's bits in), then C walks
 * the run: hex runs, and the fixed shapes tried at each hex group's start
 * (or just after a percent escape, as the database would find them).
 */
static bool hex_only(const uint8_t *p, size_t k, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!is_hex(p[k + i]))
            return false;
    return true;
}

/* The fixed shapes that start at p[k], inside a K run ending at re. */
static void try_fixed_at(struct scan *c, size_t k, size_t re)
{
    const uint8_t *p = c->p;
    size_t room = re - k;
    if (room >= 36 && p[k + 8] == '-' && p[k + 13] == '-' && p[k + 18] == '-' &&
        p[k + 23] == '-' && hex_only(p, k, 8) && hex_only(p, k + 9, 4) &&
        hex_only(p, k + 14, 4) && hex_only(p, k + 19, 4) && hex_only(p, k + 24, 12))
        on_fixed(c, P_UUID, k + 36);
    if (room >= 17 && (p[k + 2] == ':' || p[k + 2] == '-')) {
        uint8_t sep = p[k + 2];
        bool ok = true;
        for (size_t g = 0; g < 6 && ok; g++)
            ok = hex_only(p, k + 3 * g, 2) && (g == 5 || p[k + 3 * g + 2] == sep);
        if (ok)
            on_fixed(c, sep == ':' ? P_MAC_COLON : P_MAC_DASH, k + 17);
    }
    if (room >= 14 && p[k + 4] == '.' && p[k + 9] == '.' && hex_only(p, k, 4) &&
        hex_only(p, k + 5, 4) && hex_only(p, k + 10, 4))
        on_fixed(c, P_MAC_DOT, k + 14);
}

/* A run of K bytes of at least 12 starts at p[rs]. */
static void on_k_run(struct scan *c, size_t rs)
{
    const uint8_t *p = c->p;
    size_t re = rs + 12;
    while (re < c->n && in_k(p[re]))
        re++;
    for (size_t i = rs; i < re && !c->nomem;) {
        if (!is_hex(p[i])) {
            i++;
            continue;
        }
        size_t j = i;
        while (j < re && is_hex(p[j]))
            j++;
        if (j - i >= 12 && j - i <= HEXRUN_MAX)
            on_hex_span(c, i, j);
        try_fixed_at(c, i, re);
        if (i > 0 && p[i - 1] == '%' && j - i > 2)
            try_fixed_at(c, i + 2, re);
        i = j;
    }
}

/* Bit i: byte i of b[0..64) is in K (*k) or is '@' or '+' (*punct). */
static inline void block_masks(const uint8_t *b, uint64_t *k, uint64_t *punct)
{
#if defined(__SSE2__)
    uint64_t km = 0, pm = 0;
    const __m128i c0 = _mm_set1_epi8('0' - 1), c9 = _mm_set1_epi8('9' + 1);
    const __m128i ca = _mm_set1_epi8('a' - 1), cf = _mm_set1_epi8('f' + 1);
    const __m128i x20 = _mm_set1_epi8(0x20);
    for (int q = 0; q < 4; q++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(b + 16 * q));
        /* signed compares: bytes >= 0x80 are negative and fall out */
        __m128i dig = _mm_and_si128(_mm_cmpgt_epi8(v, c0), _mm_cmplt_epi8(v, c9));
        __m128i lo = _mm_or_si128(v, x20);
        __m128i let = _mm_and_si128(_mm_cmpgt_epi8(lo, ca), _mm_cmplt_epi8(lo, cf));
        __m128i sep = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(':')),
                                                _mm_cmpeq_epi8(v, _mm_set1_epi8('.'))),
                                   _mm_cmpeq_epi8(v, _mm_set1_epi8('-')));
        __m128i pu = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('@')),
                                  _mm_cmpeq_epi8(v, _mm_set1_epi8('+')));
        km |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(dig, let), sep))
              << (16 * q);
        pm |= (uint64_t)(uint16_t)_mm_movemask_epi8(pu) << (16 * q);
    }
    *k = km;
    *punct = pm;
#else
    uint64_t km = 0, pm = 0;
    for (int i = 0; i < 64; i++) {
        km |= (uint64_t)in_k(b[i]) << i;
        pm |= (uint64_t)(b[i] == '@' || b[i] == '+') << i;
    }
    *k = km;
    *punct = pm;
#endif
}

/* A candidate event at p[pos]: '@', or '+' before a digit 1-9. */
static void on_punct(struct scan *c, size_t pos)
{
    if (c->p[pos] == '@')
        on_at(c, pos);
    else if (pos + 1 < c->n && c->p[pos + 1] >= '1' && c->p[pos + 1] <= '9')
        on_plus(c, pos);
}

/* Short pieces (most values): the same events, a byte at a time, which
   beats copying them into a padded block. */
#define SHORT_PIECE 32

static void find_candidates_short(struct scan *c)
{
    const uint8_t *p = c->p;
    unsigned run = 0;
    for (size_t i = 0; i < c->n && !c->nomem; i++) {
        uint8_t k = cls[p[i]];
        if (k & (C_DIGIT | C_HEXL | C_SEP)) {
            if (++run == 12)
                on_k_run(c, i - 11);
            continue;
        }
        run = 0;
        if (k & C_PUNCT)
            on_punct(c, i);
    }
}

static void find_candidates(struct scan *c)
{
    const uint8_t *p = c->p;
    size_t n = c->n;
    if (n < SHORT_PIECE) {
        find_candidates_short(c);
        return;
    }
    uint64_t h_p = 0, a2_p = 0, a4_p = 0, a12_p = 0;
    uint8_t tail[64];
    for (size_t base = 0; base < n; base += 64) {
        const uint8_t *b = p + base;
        if (n - base < 64) {
            memset(tail, 0, sizeof tail); /* NUL is in no class */
            memcpy(tail, b, n - base);
            b = tail;
        }
        uint64_t h, punct;
        block_masks(b, &h, &punct);
        uint64_t a2 = h & (h << 1 | h_p >> 63);
        uint64_t a4 = a2 & (a2 << 2 | a2_p >> 62);
        uint64_t a8 = a4 & (a4 << 4 | a4_p >> 60);
        uint64_t a12 = a8 & (a4 << 8 | a4_p >> 56);
        uint64_t starts = a12 & ~(a12 << 1 | a12_p >> 63);
        h_p = h, a2_p = a2, a4_p = a4, a12_p = a12;
        for (uint64_t ev = starts | punct; ev; ev &= ev - 1) {
            unsigned bit = (unsigned)__builtin_ctzll(ev);
            size_t pos = base + bit;
            if (starts >> bit & 1)
                on_k_run(c, pos - 11);
            else
                on_punct(c, pos);
            if (c->nomem)
                return;
        }
    }
}

/* ---- coordinates and bare MSISDNs (field-gated C passes) ------------------ */

/*
 * |value| within limit degrees, exactly: int part ip (digits), fraction
 * fr (digits). A value of zero (0, 0.0, -0.000) is no location.
 */
static bool decimal_ok(const uint8_t *ip, size_t ni, const uint8_t *fr, size_t nf,
                       unsigned limit)
{
    if (ni == 0 || ni > 3 || nf == 0)
        return false;
    unsigned v = 0;
    bool nonzero = false;
    for (size_t i = 0; i < ni; i++) {
        v = v * 10 + (unsigned)(ip[i] - '0');
        nonzero |= ip[i] != '0';
    }
    bool frac_zero = true;
    for (size_t i = 0; i < nf; i++)
        frac_zero &= fr[i] == '0';
    if (!nonzero && frac_zero)
        return false;
    return v < limit || (v == limit && frac_zero);
}

/* An integer scaled by 1e6 or 1e7: 1e5 <= |v| <= limit * 1e7 (so that
   small counts and ids are not taken). */
static bool scaled_ok(const uint8_t *d, size_t nd, unsigned limit)
{
    if (nd < 6 || nd > 10 || d[0] == '0')
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < nd; i++)
        v = v * 10 + (uint64_t)(d[i] - '0');
    return v >= 100000 && v <= (uint64_t)limit * 10000000u;
}

static void scan_numbers(struct scan *c)
{
    const uint8_t *p = c->p;
    size_t n = c->n;
    unsigned f = field_flags(c);
    bool pair = (f & LT__SF_LAT) && (f & LT__SF_LON);
    unsigned n_nums = 0;
    for (size_t i = 0; i < n; i++) {
        if (!is_digit(p[i]) || (i > 0 && (is_alnum(p[i - 1]) || p[i - 1] == '.' ||
                                          p[i - 1] == '_')))
            continue;
        /* a number: [sign] digits [. digits], standing alone */
        size_t ds = i, ie = i;
        while (ie < n && is_digit(p[ie]))
            ie++;
        bool dec = ie + 1 < n && p[ie] == '.' && is_digit(p[ie + 1]);
        size_t fe = ie;
        if (dec)
            for (fe = ie + 1; fe < n && is_digit(p[fe]);)
                fe++;
        i = fe; /* the loop's i++ then skips p[fe], never a digit */
        if (fe < n && (is_alnum(p[fe]) || p[fe] == '.' || p[fe] == '_'))
            continue;
        size_t s = ds;
        uint8_t sign = 0;
        if (s > 0 && (p[s - 1] == '-' || p[s - 1] == '+'))
            sign = p[--s];
        if (s > 0 && (is_alnum(p[s - 1]) || p[s - 1] == '_'))
            continue;
        size_t ni = ie - ds;
        if (f & LT__SF_MSISDN) {
            /* an MSISDN is an E.164 number, often written without its
               '+' ("+..." itself is P_PLUS's) */
            if (!dec && !sign && ni >= 8 && ni <= 15 && p[ds] != '0' &&
                !add_hit(c, "phone", ds, ie, 0))
                return;
            continue;
        }
        uint8_t coord;
        if (pair) {
            if (n_nums >= 2)
                break;
            bool first = n_nums++ == 0;
            bool lat = (f & LT__SF_LONFIRST) ? !first : first;
            coord = lat ? 'a' : 'o';
        } else {
            coord = (f & LT__SF_LAT) ? 'a' : 'o';
        }
        unsigned limit = coord == 'a' ? 90 : 180;
        bool ok = dec ? decimal_ok(p + ds, ni, p + ie + 1, fe - ie - 1, limit)
                      : scaled_ok(p + ds, ni, limit);
        if (ok && !add_hit(c, "location", s, fe, coord))
            return;
    }
}

/* ---- scan ----------------------------------------------------------------- */

static int hit_before(const struct lt_shape_hit *a, const struct lt_shape_hit *b)
{
    return a->from < b->from || (a->from == b->from && a->to < b->to);
}

/* The hits in position order (insertion sort: they come nearly in order,
   the number pass first); equal spans found twice (two windows, two
   patterns) are reported once. */
static enum lt_err emit(struct scan *c, lt_shape_cb cb, void *ud)
{
    struct lt_shapes_scratch *sc = c->sc;
    if (c->nomem) {
        sc->n_hits = 0;
        return LT_E_NOMEM;
    }
    struct lt_shape_hit *h = sc->hits;
    for (size_t i = 1; i < sc->n_hits; i++) {
        struct lt_shape_hit t = h[i];
        size_t j = i;
        while (j > 0 && hit_before(&t, &h[j - 1])) {
            h[j] = h[j - 1];
            j--;
        }
        h[j] = t;
    }
    size_t n_hits = sc->n_hits;
    sc->n_hits = 0;
    for (size_t i = 0; i < n_hits; i++) {
        if (i > 0 && h[i].from == h[i - 1].from && h[i].to == h[i - 1].to &&
            strcmp(h[i].kind, h[i - 1].kind) == 0)
            continue;
        cb(ud, &h[i]);
    }
    return LT_OK;
}

/* The number pass, when the field asks for it. Every name that asks
   (lat, lon, lng, ll, latitude, longitude, msisdn) has an 'l' or an 'm':
   other names are not classified here. */
static void scan_begin(struct scan *c)
{
    c->sc->n_hits = 0;
    const uint8_t *f = c->field.p;
    bool maybe = false;
    for (size_t i = 0; i < c->field.len && !maybe; i++)
        maybe = (f[i] | 0x20) == 'l' || (f[i] | 0x20) == 'm';
    if (maybe && (field_flags(c) & (LT__SF_LAT | LT__SF_LON | LT__SF_MSISDN)))
        scan_numbers(c);
}

enum lt_err lt__shapes_scan_window(const struct lt_shapes *s, struct lt_shapes_scratch *sc,
                                   struct lt_span data, struct lt_span field, size_t win,
                                   lt_shape_cb cb, void *ud)
{
    if (!s || !sc || !sc->hs)
        return LT_E_MALFORMED;
    if (data.len == 0)
        return LT_OK;
    struct scan c = { .s = s, .sc = sc, .p = data.p, .n = data.len, .field = field };
    scan_begin(&c);
    /* the shortest candidate ("a@b.co") has 6 bytes */
    if (data.len >= 6 && !c.nomem) {
        if (win > (size_t)1 << 30)
            win = (size_t)1 << 30;
        if (win < 2 * WIN_OVERLAP)
            win = 2 * WIN_OVERLAP;
        for (;;) {
            size_t len = data.len - c.base < win ? data.len - c.base : win;
            hs_error_t he = hs_scan(s->db, (const char *)data.p + c.base, (unsigned)len, 0,
                                    sc->hs, on_hs_match, &c);
            if (c.nomem)
                break;
            if (he != HS_SUCCESS) {
                sc->n_hits = 0;
                return he == HS_NOMEM ? LT_E_NOMEM : LT_E_MALFORMED;
            }
            if (c.base + len >= data.len)
                break;
            c.min_end = c.base + len;
            c.base = c.min_end - WIN_OVERLAP;
        }
    }
    return emit(&c, cb, ud);
}

enum lt_err lt_shapes_scan(const struct lt_shapes *s, struct lt_shapes_scratch *sc,
                           struct lt_span data, struct lt_span field, lt_shape_cb cb, void *ud)
{
    if (!s || !sc)
        return LT_E_MALFORMED;
    if (data.len == 0)
        return LT_OK;
    struct scan c = { .s = s, .sc = sc, .p = data.p, .n = data.len, .field = field };
    scan_begin(&c);
    if (data.len >= 6 && !c.nomem)
        find_candidates(&c);
    return emit(&c, cb, ud);
}
