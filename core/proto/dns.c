/* SPDX-License-Identifier: MIT */
/*
 * dns.c - DNS message parsing (RFC 1035 §4, RFC 3596 for AAAA) for host
 * names: the first question and the A/AAAA/CNAME answers. Names are decoded
 * to text like dig prints them (lower case, no final dot, \DDD escapes).
 * Not done here: TCP length framing (caller), EDNS, DNSSEC, other RR types.
 */
#include "dns.h"

#include <string.h>

enum {
    DNS_HDR_LEN = 12,
    DNS_QD_MAX = 16,        /* real queries carry 1; more is not DNS */
    DNS_RR_MAX = 512,       /* ancount + nscount + arcount */
    DNS_JUMPS_MAX = 64,
    DNS_WIRE_MAX = 255,     /* RFC 1035 §3.1: octets incl. length bytes, root */
    DNS_T_A = 1, DNS_T_CNAME = 5, DNS_T_AAAA = 28,
    DNS_C_IN = 1,
};

static inline uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

/* Append one byte of a label to the text form, escaped as dig does:
   '.' and '\' get a backslash, bytes outside 0x21..0x7e become \DDD. */
static bool put_label_byte(char *txt, size_t *tlen, uint8_t c)
{
    char tmp[4];
    size_t k = 1;
    if (c >= 'A' && c <= 'Z') {
        tmp[0] = (char)(c - 'A' + 'a');
    } else if (c == '.' || c == '\\') {
        tmp[0] = '\\';
        tmp[1] = (char)c;
        k = 2;
    } else if (c < 0x21 || c > 0x7e) {
        tmp[0] = '\\';
        tmp[1] = (char)('0' + c / 100);
        tmp[2] = (char)('0' + c / 10 % 10);
        tmp[3] = (char)('0' + c % 10);
        k = 4;
    } else {
        tmp[0] = (char)c;
    }
    if (k > LT_DNS_NAME_MAX - 1 - *tlen)
        return false;
    if (txt)
        memcpy(txt + *tlen, tmp, k);
    *tlen += k;
    return true;
}

/*
 * Decode the name starting at *off. Inline labels must end before lim (the
 * end of the enclosing rdata, or n); running past lim is LT_E_TRUNCATED when
 * lim == n (the message was cut) and LT_E_MALFORMED otherwise. On LT_OK *off
 * is just past the inline part and txt (NULL: only validate) holds the text.
 *
 * Compression (RFC 1035 §4.1.4): a pointer names a *prior* occurrence. We
 * follow a pointer only when its target lies strictly before the start of
 * the segment being read (the name's start, or the previous target). Every
 * jump therefore moves backwards, so no loop is possible, and nothing valid
 * is lost: a target inside the current segment would read this very pointer
 * again (a loop), and forward pointers are refused outright. The 64-jump and
 * 255-octet caps bound the work even so. Pointers into the 12-byte header
 * and the extended label types 0x40/0x80 (RFC 6891 §5) are malformed.
 */
static enum lt_err dns_name_(const uint8_t *p, size_t n, size_t lim, size_t *off,
                             char *txt)
{
    const enum lt_err cut = lim == n ? LT_E_TRUNCATED : LT_E_MALFORMED;
    size_t pos = *off, seg = *off, end = 0, wire = 1, tlen = 0;
    unsigned jumps = 0;

    for (;;) {
        /* after a jump labels may run up to n; inline ones up to lim */
        const size_t stop = jumps ? n : lim;
        if (pos >= stop)
            return jumps ? LT_E_MALFORMED : cut;
        const uint8_t c = p[pos];
        if ((c & 0xc0) == 0xc0) {
            if (stop - pos < 2)
                return jumps ? LT_E_MALFORMED : cut;
            const size_t t = (size_t)(c & 0x3f) << 8 | p[pos + 1];
            if (t >= seg || t < DNS_HDR_LEN || ++jumps > DNS_JUMPS_MAX)
                return LT_E_MALFORMED;
            if (jumps == 1)
                end = pos + 2;
            pos = seg = t;
            continue;
        }
        if (c & 0xc0)
            return LT_E_MALFORMED;
        if (c == 0) {
            pos++;
            break;
        }
        /* RFC 1035 §3.1: 255 octets at most, counting length bytes and root */
        wire += 1u + c;
        if (wire > DNS_WIRE_MAX)
            return LT_E_MALFORMED;
        if (c > stop - pos - 1)
            return jumps ? LT_E_MALFORMED : cut;
        if (tlen) {
            if (tlen >= LT_DNS_NAME_MAX - 1)
                return LT_E_MALFORMED;
            if (txt)
                txt[tlen] = '.';
            tlen++;
        }
        for (size_t i = 1; i <= c; i++)
            if (!put_label_byte(txt, &tlen, p[pos + i]))
                return LT_E_MALFORMED;  /* text form over 255: only escapes do that */
        pos += 1u + c;
    }
    if (txt)
        txt[tlen] = '\0';
    *off = jumps ? end : pos;
    return LT_OK;
}

/* dns_name_(), leaving txt "" when the name is not valid */
static enum lt_err dns_name(const uint8_t *p, size_t n, size_t lim, size_t *off,
                            char *txt)
{
    const enum lt_err e = dns_name_(p, n, lim, off, txt);
    if (e != LT_OK && txt)
        txt[0] = '\0';
    return e;
}

/*
 * One resource record at *off (RFC 1035 §4.1.3). With a (answer section of
 * a standard response) the owner name and rdata of A/AAAA/CNAME in class IN
 * are decoded into *a and *want is set; other records are only validated.
 */
static enum lt_err dns_rr(const uint8_t *p, size_t n, size_t *off,
                          struct lt_dns_answer *a, bool *want)
{
    *want = false;
    LT_TRY(dns_name(p, n, n, off, a ? a->name : NULL));
    size_t pos = *off;
    if (n - pos < 10)
        return LT_E_TRUNCATED;
    const uint16_t type = be16(p + pos), cls = be16(p + pos + 2);
    const size_t rdlen = be16(p + pos + 8);
    pos += 10;
    /* RFC 1035 §4.1.3: rdata must lie inside the message */
    if (rdlen > n - pos)
        return LT_E_TRUNCATED;
    const size_t rd_end = pos + rdlen;
    /* mDNS sets the top bit of the class (cache flush); IN is class 1 */
    if ((cls & 0x7fff) == DNS_C_IN) {
        if (type == DNS_T_A || type == DNS_T_AAAA) {
            /* an address record of another size is not DNS */
            if (rdlen != (type == DNS_T_A ? 4u : 16u))
                return LT_E_MALFORMED;
            if (a) {
                memcpy(a->addr, p + pos, rdlen);
                *want = true;
            }
        } else if (type == DNS_T_CNAME) {
            size_t t = pos;
            LT_TRY(dns_name(p, n, rd_end, &t, a ? a->target : NULL));
            /* the target name must fill its rdata exactly */
            if (t != rd_end)
                return LT_E_MALFORMED;
            *want = a != NULL;
        }
    }
    if (a)
        a->type = type;
    *off = rd_end;
    return LT_OK;
}

enum lt_err lt_dns_parse(const uint8_t *p, size_t n, struct lt_dns_msg *m,
                         lt_dns_answer_cb cb, void *ud)
{
    memset(m, 0, sizeof *m);
    if (n < DNS_HDR_LEN)
        return LT_E_TRUNCATED;
    m->id = be16(p);
    const uint16_t flags = be16(p + 2);
    m->is_response = flags >> 15;
    const unsigned qd = be16(p + 4);
    const unsigned rr = (unsigned)be16(p + 6) + be16(p + 8) + be16(p + 10);
    const unsigned an = be16(p + 6);
    /* RFC 1035 §4.1.1 allows more, but nothing real sends them: this is how
       random UDP payloads on port 53 are told apart from DNS */
    if (qd > DNS_QD_MAX || rr > DNS_RR_MAX)
        return LT_E_MALFORMED;

    size_t off = DNS_HDR_LEN;
    for (unsigned i = 0; i < qd; i++) {
        LT_TRY(dns_name(p, n, n, &off, i == 0 ? m->qname : NULL));
        if (n - off < 4)
            return LT_E_TRUNCATED;
        if (i == 0)
            m->qtype = be16(p + off);
        off += 4;
    }
    const size_t an_off = off;

    /* Pass 1 validates every record without callbacks, so garbage that
       fails late (LT_E_MALFORMED) reports no answers; a message cut short
       (LT_E_TRUNCATED) still reports the answers that arrived whole. */
    enum lt_err e = LT_OK;
    bool want;
    for (unsigned i = 0; i < rr && e == LT_OK; i++)
        e = dns_rr(p, n, &off, NULL, &want);
    if (e == LT_E_MALFORMED)
        return e;

    /* Only a standard query's response (QR=1, opcode 0) has answers in the
       answer section; UPDATE reuses it for prerequisites. */
    if (!cb || !m->is_response || (flags >> 11 & 0xf) != 0)
        return e;
    off = an_off;
    for (unsigned i = 0; i < an; i++) {
        struct lt_dns_answer a;
        memset(&a, 0, sizeof a);
        if (dns_rr(p, n, &off, &a, &want) != LT_OK)
            break;   /* the record pass 1 stopped at: e says why */
        if (want)
            cb(ud, &a);
    }
    return e;
}
