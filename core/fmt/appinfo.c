/* SPDX-License-Identifier: MIT */
/* appinfo.c - app attribution metadata of PCAPdroid and AntMonitor. */
#include "appinfo.h"

#include <string.h>
#include <zlib.h>

#define ETH_HDR 14u
#define ETHERTYPE_IPV4 0x0800u
#define ETHERTYPE_IPV6 0x86ddu

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

/* zlib's crc32 takes a uInt length: feed it in pieces. */
static uint32_t crc32_of(const uint8_t *p, size_t n)
{
    uLong crc = crc32(0L, Z_NULL, 0);
    while (n > 0) {
        const uInt k = n > (1u << 30) ? (1u << 30) : (uInt)n;
        crc = crc32(crc, p, k);
        p += k;
        n -= k;
    }
    return (uint32_t)crc;
}

/* Padding between the IP packet and the trailer (which starts at end),
   from the IP length field; 0 when that field does not explain it. */
static size_t ip_padding(const uint8_t *frame, size_t end, uint16_t ethertype)
{
    const size_t room = end - ETH_HDR; /* IP packet + padding */
    const uint8_t *ip = frame + ETH_HDR;
    size_t ip_len;
    if (ethertype == ETHERTYPE_IPV4) {
        if (room < 4)
            return 0;
        ip_len = be16(ip + 2);
    } else {
        if (room < 6)
            return 0;
        ip_len = 40u + be16(ip + 4);
    }
    if (ip_len > room || room - ip_len > 3)
        return 0;
    for (size_t i = ETH_HDR + ip_len; i < end; i++)
        if (frame[i] != 0)
            return 0;
    return room - ip_len;
}

enum lt_pdt_result lt_pcapdroid_trailer_parse(const uint8_t *frame, size_t caplen,
                                              struct lt_pcapdroid_trailer *t,
                                              size_t *payload_len)
{
    t->uid = -1;
    t->app[0] = '\0';
    *payload_len = caplen;
    if (caplen < ETH_HDR + LT_PCAPDROID_TRAILER_LEN || caplen % 4 != 0)
        return LT_PDT_NONE;
    for (size_t i = 0; i < 12; i++)
        if (frame[i] != 0)
            return LT_PDT_NONE;
    const uint16_t ethertype = be16(frame + 12);
    if (ethertype != ETHERTYPE_IPV4 && ethertype != ETHERTYPE_IPV6)
        return LT_PDT_NONE;
    const size_t end = caplen - LT_PCAPDROID_TRAILER_LEN;
    const uint8_t *tr = frame + end;
    if (be32(tr) != LT_PCAPDROID_MAGIC)
        return LT_PDT_NONE;
    *payload_len = end - ip_padding(frame, end, ethertype);
    if (crc32_of(frame, caplen - 4) != le32(tr + 28))
        return LT_PDT_BAD_CRC;
    t->uid = (int32_t)be32(tr + 4);
    size_t k = 0;
    while (k < LT_PCAPDROID_APPNAME_LEN && tr[8 + k] != 0)
        k++;
    memcpy(t->app, tr + 8, k);
    t->app[k] = '\0';
    return LT_PDT_OK;
}

bool lt_pcapdroid_trailer(const uint8_t *frame, size_t caplen,
                          struct lt_pcapdroid_trailer *t, size_t *payload_len)
{
    return lt_pcapdroid_trailer_parse(frame, caplen, t, payload_len) == LT_PDT_OK;
}

#define UID_MAP_VERSION 1u
#define UID_MAP_TYPE 1u
#define UID_MAP_FIXED 10u /* version, type, reserved, uid, two lengths */

bool lt_pcapdroid_uid_map(struct lt_span body, lt_uid_cb cb, void *ud)
{
    const uint8_t *p = body.p;
    if (body.len < UID_MAP_FIXED)
        return false;
    bool le;
    if (p[0] == UID_MAP_VERSION && p[1] == 0)
        le = true;
    else if (p[0] == 0 && p[1] == UID_MAP_VERSION)
        le = false;
    else
        return false;
    if (p[2] != UID_MAP_TYPE)
        return false;
    const int32_t uid = (int32_t)(le ? le32(p + 4) : be32(p + 4));
    const size_t pkg_len = p[8], app_len = p[9];
    if (body.len - UID_MAP_FIXED < pkg_len + app_len)
        return false;
    cb(ud, uid, lt_span_make(p + UID_MAP_FIXED, pkg_len),
       lt_span_make(p + UID_MAP_FIXED + pkg_len, app_len));
    return true;
}

/* comment without its trailing NULs */
static struct lt_span trim_nuls(struct lt_span s)
{
    while (s.len > 0 && s.p[s.len - 1] == 0)
        s.len--;
    return s;
}

bool lt_epb_comment_uid(struct lt_span comment, int32_t *uid)
{
    const struct lt_span s = trim_nuls(comment);
    if (s.len < 3 || s.p[0] != 'u' || s.p[1] != '-')
        return false;
    size_t i = 2;
    const bool neg = s.p[i] == '-';
    if (neg)
        i++;
    const size_t digits = s.len - i;
    if (digits == 0 || digits > 10)
        return false;
    int64_t v = 0;
    for (; i < s.len; i++) {
        if (s.p[i] < '0' || s.p[i] > '9')
            return false;
        v = v * 10 + (s.p[i] - '0');
    }
    if (neg)
        v = -v;
    if (v < INT32_MIN || v > INT32_MAX)
        return false;
    *uid = (int32_t)v;
    return true;
}

bool lt_epb_comment_app(struct lt_span comment, struct lt_span *app)
{
    const struct lt_span s = trim_nuls(comment);
    size_t i = s.len;
    while (i > 0 && s.p[i - 1] != '#')
        i--;
    if (i <= 1) /* no '#', or nothing before it */
        return false;
    *app = lt_span_make(s.p, i - 1);
    return true;
}
