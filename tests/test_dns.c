/* SPDX-License-Identifier: MIT */
/*
 * test_dns.c - lt_dns_parse on real messages (from the shared corpus) and
 * built ones: compression, CNAME chains, pointer loops and bounds, name
 * caps and escapes, counts, every truncation, random byte flips.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/proto/dns.h"
#include "tb_buf.h"

/* ---- fixtures ---------------------------------------------------------- */

struct rec {
    int n;
    struct lt_dns_answer a[64];
};

static void on_answer(void *ud, const struct lt_dns_answer *a)
{
    struct rec *r = ud;
    cr_assert_lt(r->n, 64);
    r->a[r->n++] = *a;
}

static size_t unhex(const char *h, uint8_t *out)
{
    size_t n = 0;
    for (; h[0] && h[1]; h += 2) {
        unsigned v;
        sscanf(h, "%2x", &v);
        out[n++] = (uint8_t)v;
    }
    return n;
}

static void hdr(struct tb_buf *b, uint16_t id, uint16_t flags, uint16_t qd, uint16_t an,
                uint16_t ns, uint16_t ar)
{
    tb_buf_be16(b, id);
    tb_buf_be16(b, flags);
    tb_buf_be16(b, qd);
    tb_buf_be16(b, an);
    tb_buf_be16(b, ns);
    tb_buf_be16(b, ar);
}

/* Labels of a dotted name, without the root byte (so a pointer may follow). */
static void labels(struct tb_buf *b, const char *dotted)
{
    while (*dotted) {
        const char *dot = strchr(dotted, '.');
        const size_t k = dot ? (size_t)(dot - dotted) : strlen(dotted);
        tb_buf_u8(b, (uint8_t)k);
        tb_buf_put(b, dotted, k);
        dotted += k + (dot != NULL);
    }
}

static void name(struct tb_buf *b, const char *dotted)
{
    labels(b, dotted);
    tb_buf_u8(b, 0);
}

static void ptr(struct tb_buf *b, size_t off)
{
    tb_buf_be16(b, (uint16_t)(0xc000 | off));
}

static void question(struct tb_buf *b, const char *q, uint16_t type)
{
    name(b, q);
    tb_buf_be16(b, type);
    tb_buf_be16(b, 1);
}

/* type, class, ttl, rdlength after an owner name the caller wrote */
static void rr(struct tb_buf *b, uint16_t type, uint16_t cls, uint16_t rdlen)
{
    tb_buf_be16(b, type);
    tb_buf_be16(b, cls);
    tb_buf_be32(b, 300);
    tb_buf_be16(b, rdlen);
}

static enum lt_err parse(const struct tb_buf *b, struct lt_dns_msg *m, struct rec *r)
{
    memset(r, 0, sizeof *r);
    return lt_dns_parse(b->p, b->len, m, on_answer, r);
}

static enum lt_err parse_qname(const struct tb_buf *b, char *qname)
{
    struct lt_dns_msg m;
    struct rec r;
    const enum lt_err e = parse(b, &m, &r);
    strcpy(qname, m.qname);
    return e;
}

/*
 * A response exercising compression: www.Example.COM CNAME cdn.example.com
 * (pointer into the question), cdn.example.com CNAME edge.cdn.example.com,
 * edge... A 192.0.2.7, edge... AAAA 2001:db8::1, an MX (skipped), an NS in
 * authority and an OPT in additional.
 */
static struct tb_buf chain_response(void)
{
    struct tb_buf b = { 0 };
    hdr(&b, 0xbeef, 0x8180, 1, 5, 1, 1);
    question(&b, "www.Example.COM", 1);            /* name at 12, example at 16 */
    ptr(&b, 12);                                   /* www.example.com */
    const size_t rd1 = b.len + 10;
    rr(&b, 5, 1, 6);
    labels(&b, "cdn");                             /* cdn.example.com at rd1 */
    ptr(&b, 16);
    ptr(&b, rd1);
    const size_t rd2 = b.len + 10;
    rr(&b, 5, 1, 7);
    labels(&b, "edge");                            /* edge.cdn.example.com */
    ptr(&b, rd1);
    ptr(&b, rd2);
    rr(&b, 1, 1, 4);
    tb_buf_put(&b, "\xc0\x00\x02\x07", 4);
    ptr(&b, rd2);
    rr(&b, 28, 1, 16);
    tb_buf_put(&b, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
    ptr(&b, 16);
    rr(&b, 15, 1, 4);                              /* MX 10 example.com */
    tb_buf_be16(&b, 10);
    ptr(&b, 16);
    ptr(&b, 16);
    rr(&b, 2, 1, 6);                               /* NS ns1.example.com */
    labels(&b, "ns1");
    ptr(&b, 16);
    tb_buf_u8(&b, 0);                              /* OPT: root owner */
    rr(&b, 41, 1232, 0);
    return b;
}

static void check_chain(const struct rec *r, int upto)
{
    static const char *const want[][3] = {
        { "www.example.com", "5", "cdn.example.com" },
        { "cdn.example.com", "5", "edge.cdn.example.com" },
        { "edge.cdn.example.com", "1", "" },
        { "edge.cdn.example.com", "28", "" },
    };
    cr_assert_leq(r->n, 4);
    cr_assert_leq(r->n, upto);
    for (int i = 0; i < r->n; i++) {
        cr_assert_str_eq(r->a[i].name, want[i][0], "answer %d", i);
        cr_assert_eq(r->a[i].type, atoi(want[i][1]), "answer %d", i);
        cr_assert_str_eq(r->a[i].target, want[i][2], "answer %d", i);
    }
    if (r->n > 2)
        cr_assert_eq(memcmp(r->a[2].addr, "\xc0\x00\x02\x07\0\0\0\0\0\0\0\0\0\0\0\0", 16), 0);
    if (r->n > 3)
        cr_assert_eq(memcmp(r->a[3].addr, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16), 0);
}

/* ---- real messages ----------------------------------------------------- */

Test(dns, real_query_and_response)
{
    uint8_t p[512];
    struct lt_dns_msg m;
    struct rec r = { 0 };
    /* chrissanders-packets dns_query_response.pcapng */
    size_t n = unhex("180f010000010000000000000977697265736861726b036f72670000010001", p);
    cr_assert_eq(lt_dns_parse(p, n, &m, on_answer, &r), LT_OK);
    cr_assert_eq(m.id, 0x180f);
    cr_assert(!m.is_response);
    cr_assert_str_eq(m.qname, "wireshark.org");
    cr_assert_eq(m.qtype, 1);
    cr_assert_eq(r.n, 0);

    n = unhex("180f818000010001000000000977697265736861726b036f72670000010001c00c00"
              "0100010000384000048079327a", p);
    cr_assert_eq(lt_dns_parse(p, n, &m, on_answer, &r), LT_OK);
    cr_assert(m.is_response);
    cr_assert_eq(r.n, 1);
    cr_assert_str_eq(r.a[0].name, "wireshark.org");
    cr_assert_eq(r.a[0].type, 1);
    cr_assert_eq(memcmp(r.a[0].addr, "\x80\x79\x32\x7a", 4), 0);
}

Test(dns, real_cname_chain_with_authority_and_glue)
{
    /* zeek wikipedia-filtered-plus-udp.pcap: CNAME, A, 3 NS, 3 glue A */
    uint8_t p[512];
    const size_t n = unhex(
        "65f0818000010002000300030675706c6f61640977696b696d65646961036f72"
        "670000010001c00c000500010000007c000f0675706c6f616405706d747061c0"
        "13c032000100010000086c0004d0509803c013000200010000c0480006036e73"
        "31c013c013000200010000c0480006036e7332c013c013000200010000c04800"
        "06036e7330c013c081000100010000085d0004d0509882c05d00010001000008"
        "5d0004d050988ec06f000100010000085d00045bc6ae04", p);
    struct lt_dns_msg m;
    struct rec r = { 0 };
    cr_assert_eq(lt_dns_parse(p, n, &m, on_answer, &r), LT_OK);
    cr_assert_str_eq(m.qname, "upload.wikimedia.org");
    cr_assert_eq(r.n, 2, "glue records are not answers: %d", r.n);
    cr_assert_str_eq(r.a[0].name, "upload.wikimedia.org");
    cr_assert_eq(r.a[0].type, 5);
    cr_assert_str_eq(r.a[0].target, "upload.pmtpa.wikimedia.org");
    cr_assert_str_eq(r.a[1].name, "upload.pmtpa.wikimedia.org");
    cr_assert_eq(memcmp(r.a[1].addr, "\xd0\x50\x98\x03", 4), 0);
}

Test(dns, real_cname_in_additional_is_not_an_answer)
{
    /* suricata-verify 20250224-dns-additionals-with-cname.pcap */
    uint8_t p[512];
    const size_t n = unhex(
        "000085800001000100000001076578616d706c6503636f6d0000010001076578"
        "616d706c6503636f6d00000100010000012c0004c0a801010773657276696365"
        "076578616d706c6503636f6d00000500010000012c001e10696e7465726e616c"
        "2d73657276696365076578616d706c65036e657400", p);
    struct lt_dns_msg m;
    struct rec r = { 0 };
    cr_assert_eq(lt_dns_parse(p, n, &m, on_answer, &r), LT_OK);
    cr_assert_eq(r.n, 1);
    cr_assert_str_eq(r.a[0].name, "example.com");
    cr_assert_eq(memcmp(r.a[0].addr, "\xc0\xa8\x01\x01", 4), 0);
}

/* ---- built messages ---------------------------------------------------- */

Test(dns, compressed_cname_chain)
{
    struct tb_buf b = chain_response();
    struct lt_dns_msg m;
    struct rec r;
    cr_assert_eq(parse(&b, &m, &r), LT_OK);
    cr_assert_eq(m.id, 0xbeef);
    cr_assert(m.is_response);
    cr_assert_str_eq(m.qname, "www.example.com");
    cr_assert_eq(r.n, 4);
    check_chain(&r, 4);
    /* no callback: same result, same message */
    struct lt_dns_msg m2;
    cr_assert_eq(lt_dns_parse(b.p, b.len, &m2, NULL, NULL), LT_OK);
    cr_assert_eq(memcmp(&m, &m2, sizeof m), 0);
    /* trailing bytes after the last record are ignored */
    tb_buf_put(&b, "junk", 4);
    cr_assert_eq(parse(&b, &m, &r), LT_OK);
    cr_assert_eq(r.n, 4);
    tb_buf_release(&b);
}

Test(dns, every_truncation_is_truncated_with_a_prefix_of_the_answers)
{
    struct tb_buf b = chain_response();
    for (size_t k = 0; k < b.len; k++) {
        struct lt_dns_msg m;
        struct rec r = { 0 };
        cr_assert_eq(lt_dns_parse(b.p, k, &m, on_answer, &r), LT_E_TRUNCATED, "k=%zu", k);
        check_chain(&r, 4);
    }
    tb_buf_release(&b);
}

Test(dns, queries_and_other_opcodes_report_no_answers)
{
    struct tb_buf b = chain_response();
    struct lt_dns_msg m;
    struct rec r;
    b.p[2] &= 0x7f;                          /* QR=0: a query with answers */
    cr_assert_eq(parse(&b, &m, &r), LT_OK);
    cr_assert(!m.is_response);
    cr_assert_eq(r.n, 0);
    b.p[2] = 0x80 | 5 << 3;                  /* UPDATE response */
    cr_assert_eq(parse(&b, &m, &r), LT_OK);
    cr_assert(m.is_response);
    cr_assert_eq(r.n, 0);
    tb_buf_release(&b);
}

Test(dns, classes_and_types)
{
    struct tb_buf b = { 0 };
    hdr(&b, 1, 0x8400, 1, 4, 0, 0);
    question(&b, "x.test", 255);
    ptr(&b, 12);
    rr(&b, 1, 3, 9);                       /* CHAOS A: other rdata, skipped */
    tb_buf_put(&b, "\x01q\x00\x00\x01\x02\x03\x04\x05", 9);
    ptr(&b, 12);
    rr(&b, 1, 0x8001, 4);                  /* mDNS cache-flush IN: reported */
    tb_buf_put(&b, "\x0a\0\0\x01", 4);
    ptr(&b, 12);
    rr(&b, 16, 1, 3);                      /* TXT skipped */
    tb_buf_put(&b, "\x02hi", 3);
    ptr(&b, 12);
    rr(&b, 99, 1, 0);                      /* unknown type, empty rdata */
    struct lt_dns_msg m;
    struct rec r;
    cr_assert_eq(parse(&b, &m, &r), LT_OK);
    cr_assert_eq(m.qtype, 255);
    cr_assert_eq(r.n, 1);
    cr_assert_str_eq(r.a[0].name, "x.test");
    cr_assert_eq(memcmp(r.a[0].addr, "\x0a\0\0\x01", 4), 0);
    tb_buf_release(&b);
}

Test(dns, no_question_and_root_name)
{
    struct tb_buf b = { 0 };
    struct lt_dns_msg m;
    struct rec r;
    hdr(&b, 7, 0x8180, 0, 0, 0, 0);
    cr_assert_eq(parse(&b, &m, &r), LT_OK);
    cr_assert_str_eq(m.qname, "");
    cr_assert_eq(m.id, 7);
    b.len = 0;
    hdr(&b, 7, 0x0100, 1, 0, 0, 0);
    question(&b, "", 2);                   /* ". NS" */
    cr_assert_eq(parse(&b, &m, &r), LT_OK);
    cr_assert_str_eq(m.qname, "");
    cr_assert_eq(m.qtype, 2);
    tb_buf_release(&b);
}

Test(dns, labels_are_lowered_and_escaped_like_dig)
{
    struct tb_buf b = { 0 };
    char q[LT_DNS_NAME_MAX];
    hdr(&b, 1, 0x0100, 1, 0, 0, 0);
    tb_buf_put(&b, "\x03" "a.B" "\x04" "x\x01 \\" "\x03" "\xff~Z" "\0", 14);
    tb_buf_be16(&b, 1);
    tb_buf_be16(&b, 1);
    cr_assert_eq(parse_qname(&b, q), LT_OK);
    cr_assert_str_eq(q, "a\\.b.x\\001\\032\\\\.\\255~z");
    tb_buf_release(&b);
}

Test(dns, name_caps)
{
    char q[LT_DNS_NAME_MAX];
    char l63[64];
    memset(l63, 'a', 63);
    l63[63] = 0;
    /* 3*(1+63) + (1+61) + 1 = 255 wire octets: the longest legal name */
    struct tb_buf b = { 0 };
    hdr(&b, 1, 0x0100, 1, 0, 0, 0);
    for (int i = 0; i < 3; i++)
        labels(&b, l63);
    labels(&b, l63 + 2);
    name(&b, "");
    tb_buf_be32(&b, 0x00010001);
    cr_assert_eq(parse_qname(&b, q), LT_OK);
    cr_assert_eq(strlen(q), 253);
    /* one more octet: 256 */
    b.len = 0;
    hdr(&b, 1, 0x0100, 1, 0, 0, 0);
    for (int i = 0; i < 3; i++)
        labels(&b, l63);
    labels(&b, l63 + 1);
    name(&b, "");
    tb_buf_be32(&b, 0x00010001);
    cr_assert_eq(parse_qname(&b, q), LT_E_MALFORMED);

    /* text overflow by escapes: 63 x \001 is 252 chars, ".ab" makes 255 */
    uint8_t esc[64];
    esc[0] = 63;
    memset(esc + 1, 1, 63);
    b.len = 0;
    hdr(&b, 1, 0x0100, 1, 0, 0, 0);
    tb_buf_put(&b, esc, 64);
    name(&b, "ab");
    tb_buf_be32(&b, 0x00010001);
    cr_assert_eq(parse_qname(&b, q), LT_OK);
    cr_assert_eq(strlen(q), 255);
    b.len = 0;
    hdr(&b, 1, 0x0100, 1, 0, 0, 0);
    tb_buf_put(&b, esc, 64);
    name(&b, "abc");
    tb_buf_be32(&b, 0x00010001);
    cr_assert_eq(parse_qname(&b, q), LT_E_MALFORMED);
    /* extended (0x40) and reserved (0x80) label types */
    for (int t = 0; t < 2; t++) {
        b.len = 0;
        hdr(&b, 1, 0x0100, 1, 0, 0, 0);
        tb_buf_put(&b, t ? "\x81" "a\0" : "\x41" "a\0", 3);
        tb_buf_be32(&b, 0x00010001);
        cr_assert_eq(parse_qname(&b, q), LT_E_MALFORMED, "type %d", t);
    }
    tb_buf_release(&b);
}

/* A response whose single answer's owner name is `owner` bytes. */
static enum lt_err owner_case(const uint8_t *owner, size_t k)
{
    struct tb_buf b = { 0 };
    hdr(&b, 1, 0x8180, 1, 1, 0, 0);
    question(&b, "a.b", 1);                 /* 12: a, 14: b */
    tb_buf_put(&b, owner, k);
    rr(&b, 1, 1, 4);
    tb_buf_be32(&b, 0x01020304);
    struct lt_dns_msg m;
    struct rec r;
    const enum lt_err e = parse(&b, &m, &r);
    if (e == LT_E_MALFORMED)
        cr_assert_eq(r.n, 0);
    tb_buf_release(&b);
    return e;
}

Test(dns, pointer_rules)
{
    /* backwards into the question: fine */
    cr_assert_eq(owner_case((const uint8_t *)"\xc0\x0e", 2), LT_OK);
    cr_assert_eq(owner_case((const uint8_t *)"\x01x\xc0\x0c", 4), LT_OK);
    /* itself (the answer name starts at 21) */
    cr_assert_eq(owner_case((const uint8_t *)"\xc0\x15", 2), LT_E_MALFORMED);
    /* forward, and past the end */
    cr_assert_eq(owner_case((const uint8_t *)"\xc0\x17", 2), LT_E_MALFORMED);
    cr_assert_eq(owner_case((const uint8_t *)"\xc3\xff", 2), LT_E_MALFORMED);
    /* into the header */
    cr_assert_eq(owner_case((const uint8_t *)"\xc0\x02", 2), LT_E_MALFORMED);
    /* a label then a pointer back to it: the classic loop */
    cr_assert_eq(owner_case((const uint8_t *)"\x01x\xc0\x15", 4), LT_E_MALFORMED);
}

Test(dns, two_pointer_loop_in_rdata_is_refused)
{
    /* CNAME rdata at R: "\x01a" ptr(R+4) ; at R+4: ptr(R). R+4 > R+2 is a
       forward jump from R+2; its reverse (R+4 -> R -> R+4) loops. */
    struct tb_buf b = { 0 };
    hdr(&b, 1, 0x8180, 1, 2, 0, 0);
    question(&b, "a.b", 1);
    ptr(&b, 12);
    const size_t R = b.len + 10;
    rr(&b, 10, 1, 6);                       /* NULL rdata holds the bytes */
    tb_buf_put(&b, "\x01" "a", 2);
    ptr(&b, R + 4);
    ptr(&b, R);
    ptr(&b, R + 4);                         /* owner -> R+4 -> R -> (R+4) */
    rr(&b, 1, 1, 4);
    tb_buf_be32(&b, 1);
    struct lt_dns_msg m;
    struct rec r;
    cr_assert_eq(parse(&b, &m, &r), LT_E_MALFORMED);
    cr_assert_eq(r.n, 0);
    tb_buf_release(&b);
}

/* owner name reached through a chain of `jumps` pointers */
static enum lt_err jumps_case(int jumps)
{
    struct tb_buf b = { 0 };
    hdr(&b, 1, 0x8180, 1, 2, 0, 0);
    question(&b, "a.b", 1);
    ptr(&b, 12);
    const size_t R = b.len + 10;
    const int k = jumps - 1;                /* pointers stored in rdata */
    rr(&b, 10, 1, (uint16_t)(3 + 2 * k));
    name(&b, "z");                          /* at R */
    for (int i = 0; i < k; i++)
        ptr(&b, i == 0 ? R : R + 3 + 2 * (size_t)(i - 1));
    ptr(&b, k ? R + 3 + 2 * (size_t)(k - 1) : R);
    rr(&b, 1, 1, 4);
    tb_buf_be32(&b, 1);
    struct lt_dns_msg m;
    struct rec r;
    const enum lt_err e = parse(&b, &m, &r);
    if (e == LT_OK) {
        cr_assert_eq(r.n, 1);
        cr_assert_str_eq(r.a[0].name, "z");
    }
    tb_buf_release(&b);
    return e;
}

Test(dns, at_most_64_jumps)
{
    cr_assert_eq(jumps_case(1), LT_OK);
    cr_assert_eq(jumps_case(64), LT_OK);
    cr_assert_eq(jumps_case(65), LT_E_MALFORMED);
    cr_assert_eq(jumps_case(300), LT_E_MALFORMED);
}

Test(dns, count_sanity)
{
    struct tb_buf b = { 0 };
    struct lt_dns_msg m;
    struct rec r;
    hdr(&b, 1, 0x0100, 16, 0, 0, 0);
    for (int i = 0; i < 16; i++)
        question(&b, "q", 1);
    cr_assert_eq(parse(&b, &m, &r), LT_OK);
    cr_assert_str_eq(m.qname, "q");
    b.p[5] = 17;
    question(&b, "q", 1);
    cr_assert_eq(parse(&b, &m, &r), LT_E_MALFORMED);
    b.len = 0;
    hdr(&b, 1, 0x8180, 0, 200, 200, 113);
    cr_assert_eq(parse(&b, &m, &r), LT_E_MALFORMED);
    b.p[11] = 112;                         /* 512: allowed, but not present */
    cr_assert_eq(parse(&b, &m, &r), LT_E_TRUNCATED);
    b.p[6] = b.p[8] = b.p[10] = 0xff;      /* 16-bit sums do not wrap */
    cr_assert_eq(parse(&b, &m, &r), LT_E_MALFORMED);
    tb_buf_release(&b);
}

Test(dns, rdata_rules)
{
    struct lt_dns_msg m;
    struct rec r;
    static const struct {
        uint16_t type, rdlen;
        const char *rdata;
        enum lt_err want;
    } cases[] = {
        { 1, 5, "\1\2\3\4\5", LT_E_MALFORMED },                   /* A of 5 */
        { 28, 4, "\1\2\3\4", LT_E_MALFORMED },                    /* AAAA of 4 */
        { 5, 5, "\x01" "a\0zz", LT_E_MALFORMED },                 /* junk after */
        { 5, 3, "\x03" "abc\0", LT_E_MALFORMED },                 /* runs past */
        { 5, 2, "\xc0\x0c", LT_OK },                              /* pointer */
        { 5, 1, "\0", LT_OK },                                    /* root */
        { 5, 0, "", LT_E_MALFORMED },                             /* empty */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct tb_buf b = { 0 };
        hdr(&b, 1, 0x8180, 1, 1, 0, 0);
        question(&b, "a.b", 1);
        ptr(&b, 12);
        rr(&b, cases[i].type, 1, cases[i].rdlen);
        tb_buf_put(&b, cases[i].rdata, cases[i].rdlen);
        tb_buf_put(&b, "\x01q\0", 3);        /* more bytes after the rdata */
        cr_assert_eq(parse(&b, &m, &r), cases[i].want, "case %zu", i);
        cr_assert_eq(r.n, cases[i].want == LT_OK, "case %zu", i);
        tb_buf_release(&b);
    }
    /* rdata beyond the message */
    struct tb_buf b = { 0 };
    hdr(&b, 1, 0x8180, 1, 1, 0, 0);
    question(&b, "a.b", 1);
    ptr(&b, 12);
    rr(&b, 16, 1, 100);
    tb_buf_put(&b, "xx", 2);
    cr_assert_eq(parse(&b, &m, &r), LT_E_TRUNCATED);
    /* a short message */
    cr_assert_eq(lt_dns_parse(b.p, 11, &m, NULL, NULL), LT_E_TRUNCATED);
    cr_assert_eq(lt_dns_parse(NULL, 0, &m, NULL, NULL), LT_E_TRUNCATED);
    tb_buf_release(&b);
}

Test(dns, late_malformation_reports_nothing)
{
    struct tb_buf b = chain_response();
    tb_buf_u8(&b, 0x41);                   /* one more additional RR, bad label */
    tb_buf_zero(&b, 12);
    b.p[11] = 2;
    struct lt_dns_msg m;
    struct rec r;
    cr_assert_eq(parse(&b, &m, &r), LT_E_MALFORMED);
    cr_assert_eq(r.n, 0);
    tb_buf_release(&b);
}

static void check_name_text(const char *s)
{
    const size_t k = strnlen(s, LT_DNS_NAME_MAX);
    cr_assert_lt(k, LT_DNS_NAME_MAX);
    for (size_t i = 0; i < k; i++) {
        const unsigned char c = (unsigned char)s[i];
        cr_assert(c >= 0x21 && c <= 0x7e && !(c >= 'A' && c <= 'Z'), "byte %02x", c);
    }
    cr_assert(k == 0 || s[k - 1] != '.' || (k > 1 && s[k - 2] == '\\'));
}

Test(dns, random_flips_never_break_invariants)
{
    struct tb_buf base = chain_response();
    struct tb_rng rng = tb_rng_seed(0xd05);
    int ok = 0;
    for (int i = 0; i < 20000; i++) {
        struct tb_buf b = { 0 };
        tb_buf_put(&b, base.p, base.len);
        const int flips = 1 + (int)tb_rng_below(&rng, 4);
        for (int f = 0; f < flips; f++)
            b.p[tb_rng_below(&rng, b.len)] = (uint8_t)tb_rng_next(&rng);
        const size_t n = i & 1 ? b.len : (size_t)tb_rng_below(&rng, b.len + 1);
        struct lt_dns_msg m;
        struct rec r = { 0 };
        const enum lt_err e = lt_dns_parse(b.p, n, &m, on_answer, &r);
        cr_assert(e == LT_OK || e == LT_E_TRUNCATED || e == LT_E_MALFORMED,
                  "case %d seed 0xd05: %d", i, e);
        ok += e == LT_OK;
        if (e == LT_E_MALFORMED)
            cr_assert_eq(r.n, 0, "case %d seed 0xd05", i);
        check_name_text(m.qname);
        for (int j = 0; j < r.n; j++) {
            check_name_text(r.a[j].name);
            check_name_text(r.a[j].target);
            cr_assert(r.a[j].type == 1 || r.a[j].type == 5 || r.a[j].type == 28);
        }
        tb_buf_release(&b);
    }
    cr_assert_gt(ok, 100);
    tb_buf_release(&base);
}
