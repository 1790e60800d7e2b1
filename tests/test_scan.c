/* SPDX-License-Identifier: MIT */
/*
 * test_scan.c - `leaktrawl scan` end to end (cmd golden behaviour): runs the
 * built binary on captures the test writes into a temporary directory and
 * checks exit codes (SPEC §7), summary.json (§5), --requests rows (§2),
 * device and shard assignment (§3), and that a bad file costs only itself.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tb_compress.h"
#include "tb_conv.h"
#include "tb_run.h"

static char tmp[512];

static void setup(void)
{
    snprintf(tmp, sizeof tmp, "%s", tb_tempdir("scan"));
}

static void teardown(void)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(scan, .init = setup, .fini = teardown, .timeout = 60);

/* Run leaktrawl with argv (NULL-terminated, without argv[0]) and
   environment additions env ("NAME=value" list, NULL-terminated, or NULL);
   stderr goes to tmp/stderr.txt. Returns the exit code (128 + a signal:
   a crash). */
static int run(const char *const *env, const char *const *args)
{
    char errpath[600];
    snprintf(errpath, sizeof errpath, "%s/stderr.txt", tmp);
    struct tb_run_opts o = { .env = env, .err_path = errpath };
    return tb_run(&o, args);
}

static char *path_in(const char *rel)
{
    static char p[4][1024];
    static int i;
    i = (i + 1) % 4;
    snprintf(p[i], sizeof p[i], "%s/%s", tmp, rel);
    return p[i];
}

static void mkdirs(const char *rel)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s/%s'", tmp, rel);
    cr_assert_eq(system(cmd), 0);
}

/* A capture with one HTTP conversation per request given; compressed as
   asked (-1: plain). Returns the frame numbers through frames[]. */
static void write_capture(const char *rel, bool pcapng, int codec,
                          const char *const *requests, uint64_t *frames)
{
    struct tb_capfile f;
    tb_capfile_begin(&f, pcapng);
    for (int i = 0; requests[i]; i++) {
        struct tb_conv c;
        tb_conv_open(&c, &f, "192.168.1.23", "47.74.10.2", (uint16_t)(40000 + i),
                     80, 1000u * (uint32_t)(i + 1), 5000);
        uint64_t fr = tb_conv_send(&c, true, requests[i], strlen(requests[i]));
        if (frames)
            frames[i] = fr;
        tb_conv_send(&c, false, "HTTP/1.1 204 No Content\r\n\r\n", 27);
        tb_conv_close(&c);
        tb_conv_release(&c);
    }
    struct tb_buf out = { 0 };
    if (codec < 0)
        tb_buf_put(&out, f.cap.b.p, f.cap.b.len);
    else
        tb_compress((enum tb_codec)codec, f.cap.b.p, f.cap.b.len, &out);
    tb_buf_write_file(&out, path_in(rel));
    tb_buf_release(&out);
    tb_capfile_release(&f);
}

static json_t *summary(void)
{
    json_error_t err;
    json_t *j = json_load_file(path_in("out/summary.json"), 0, &err);
    cr_assert_not_null(j, "summary.json does not parse: %s", err.text);
    return j;
}

/* The files[] entry of summary.json whose path is rel. */
static json_t *file_entry(json_t *sum, const char *rel)
{
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(sum, "files"), i, f)
        if (!strcmp(json_string_value(json_object_get(f, "path")), rel))
            return f;
    cr_assert_fail("no file '%s' in summary.json", rel);
    return NULL;
}

static const char *get_str(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static long long get_int(json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

static const char *const two_requests[] = {
    "GET /a?x=1 HTTP/1.1\r\nHost: sa.api.intl.miui.com\r\n\r\n",
    "POST /sa?project=production HTTP/1.1\r\nHost: h.example\r\n"
    "Content-Length: 5\r\n\r\nhello",
    NULL,
};

Test(scan, every_format_and_compression_end_to_end)
{
    mkdirs("in/dev1");
    write_capture("in/dev1/a.pcap", false, -1, two_requests, NULL);
    write_capture("in/dev1/b.pcapng.gz", true, TB_GZIP, two_requests, NULL);
    write_capture("in/dev1/c.pcap.zst", false, TB_ZSTD, two_requests, NULL);
    write_capture("in/dev1/d.bin", true, TB_XZ, two_requests, NULL); /* no name hint */
    const char *args[] = { "scan", "-q", "-o", path_in("out"), "--requests",
                           path_in("out/r.tsv"), path_in("in"), NULL };
    cr_assert_eq(run(NULL, args), 0);
    json_t *s = summary();
    static const struct { const char *rel, *fmt, *comp; } want[] = {
        { "dev1/a.pcap", "pcap", "none" },
        { "dev1/b.pcapng.gz", "pcapng", "gzip" },
        { "dev1/c.pcap.zst", "pcap", "zstd" },
        { "dev1/d.bin", "pcapng", "xz" },
    };
    for (size_t i = 0; i < 4; i++) {
        json_t *f = file_entry(s, want[i].rel);
        cr_expect_str_eq(get_str(f, "format"), want[i].fmt, "%s", want[i].rel);
        cr_expect_str_eq(get_str(f, "compression"), want[i].comp, "%s", want[i].rel);
        cr_expect_str_eq(get_str(f, "status"), "ok", "%s", want[i].rel);
        cr_expect_str_eq(get_str(f, "device"), "dev1");
        cr_expect_eq(get_int(f, "http_requests"), 2, "%s", want[i].rel);
        cr_expect_eq(get_int(f, "packets"), 2 * 8, "%s", want[i].rel);
    }
    json_t *t = json_object_get(s, "totals");
    cr_expect_eq(get_int(t, "http_requests"), 8);
    cr_expect_eq(get_int(t, "flows"), 8);
    cr_expect_eq(get_int(t, "files_ok"), 4);
    json_decref(s);
}

Test(scan, requests_tsv_rows_frames_and_escaping)
{
    static const char *const reqs[] = {
        "GET /path?q=a%20b HTTP/1.1\r\nHost: a\tb\\c\r\n\r\n",
        "GET / HTTP/1.1\r\n\r\n", /* no Host: empty field */
        NULL,
    };
    uint64_t frames[2];
    write_capture("phone.2020-05.pcap", false, -1, reqs, frames);
    const char *args[] = { "scan", "-q", "-o", path_in("out"), "--requests",
                           path_in("out/r.tsv"), path_in("phone.2020-05.pcap"),
                           NULL };
    cr_assert_eq(run(NULL, args), 0);
    char *tsv = tb_slurp(path_in("out/r.tsv"));
    char want[1024];
    snprintf(want, sizeof want,
             "capture\tframe\thost\tmethod\turi\n"
             "phone.2020-05.pcap\t%llu\ta\\tb\\\\c\tGET\t/path?q=a%%20b\n"
             "phone.2020-05.pcap\t%llu\t\tGET\t/\n",
             (unsigned long long)frames[0], (unsigned long long)frames[1]);
    cr_expect_str_eq(tsv, want);
    free(tsv);
    json_t *s = summary(); /* a file in the root: device = name up to the dot */
    cr_expect_str_eq(get_str(file_entry(s, "phone.2020-05.pcap"), "device"), "phone");
    json_decref(s);
}

Test(scan, corrupt_file_costs_only_itself_and_exits_3)
{
    mkdirs("in/d");
    write_capture("in/d/1-good.pcap", false, -1, two_requests, NULL);
    write_capture("in/d/3-good.pcapng", true, -1, two_requests, NULL);
    /* a pcap whose second record claims 3 GB: the file stops there */
    struct tb_cap c = { 0 };
    tb_pcap_begin(&c, TB_PCAP_USEC_LE, 1, 65535);
    tb_pcap_packet(&c, 0, NULL, 60, 60);
    tb_pcap_record(&c, 1, 0, 3000000000u, 3000000000u, "xxxx", 4);
    tb_buf_write_file(&c.b, path_in("in/d/2-bad.pcap"));
    tb_cap_release(&c);
    const char *args[] = { "scan", "-o", path_in("out"), "--requests",
                           path_in("out/r.tsv"), path_in("in"), NULL };
    cr_assert_eq(run(NULL, args), 3);
    json_t *s = summary();
    json_t *bad = file_entry(s, "d/2-bad.pcap");
    cr_expect_str_eq(get_str(bad, "status"), "error");
    cr_expect_not_null(strstr(get_str(bad, "error"), "offset 100"),
                       "error names the offset: %s", get_str(bad, "error"));
    cr_expect_not_null(strstr(get_str(bad, "error"), "d/2-bad.pcap"));
    cr_expect_eq(get_int(bad, "packets"), 1);
    cr_expect_eq(get_int(json_object_get(s, "totals"), "http_requests"), 4);
    cr_expect_eq(get_int(json_object_get(s, "totals"), "files_error"), 1);
    json_decref(s);
    char *err = tb_slurp(path_in("stderr.txt"));
    cr_expect_not_null(strstr(err, "2-bad.pcap"), "stderr: %s", err);
    free(err);
}

Test(scan, truncated_last_record_is_counted_not_an_error)
{
    struct tb_capfile f;
    tb_capfile_begin(&f, false);
    struct tb_conv c;
    tb_conv_open(&c, &f, "10.0.0.1", "10.0.0.2", 40000, 80, 1, 2);
    tb_conv_send(&c, true, two_requests[0], strlen(two_requests[0]));
    tb_conv_send(&c, false, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", 40);
    tb_conv_release(&c);
    f.cap.b.len -= 10; /* cut inside the last record */
    tb_buf_write_file(&f.cap.b, path_in("cut.pcap"));
    tb_capfile_release(&f);
    const char *args[] = { "scan", "-q", "-o", path_in("out"), path_in("cut.pcap"), NULL };
    cr_assert_eq(run(NULL, args), 0);
    json_t *s = summary();
    json_t *e = file_entry(s, "cut.pcap");
    cr_expect_str_eq(get_str(e, "status"), "ok");
    cr_expect_eq(get_int(e, "http_requests"), 1);
    cr_expect_eq(get_int(json_object_get(json_object_get(s, "totals"), "capture"),
                         "truncated_records"), 1);
    json_decref(s);
}

Test(scan, non_captures_skipped_in_a_directory_but_an_error_when_named)
{
    mkdirs("in/dev");
    write_capture("in/dev/a.pcap", false, -1, two_requests, NULL);
    struct tb_buf t = { 0 };
    tb_buf_puts(&t, "not a capture\n");
    tb_buf_write_file(&t, path_in("in/README.md"));
    tb_buf_write_file(&t, path_in("in/dev/SHA256SUMS"));
    tb_buf_write_file(&t, path_in("in/.hidden.pcap"));
    tb_buf_release(&t);
    const char *dir_args[] = { "scan", "-o", path_in("out"), path_in("in"), NULL };
    cr_assert_eq(run(NULL, dir_args), 0);
    json_t *s = summary();
    cr_expect_str_eq(get_str(file_entry(s, "README.md"), "status"), "skipped");
    cr_expect_str_eq(get_str(file_entry(s, "dev/SHA256SUMS"), "status"), "skipped");
    cr_expect_eq(json_array_size(json_object_get(s, "files")), 3); /* not .hidden */
    json_decref(s);
    char *err = tb_slurp(path_in("stderr.txt"));
    cr_expect_not_null(strstr(err, "skipped 2 files"), "stderr: %s", err);
    free(err);

    const char *named[] = { "scan", "-q", "-o", path_in("out"), path_in("in/README.md"), NULL };
    cr_expect_eq(run(NULL, named), 3);
    const char *missing[] = { "scan", "-q", "-o", path_in("out"), path_in("nope.pcap"), NULL };
    cr_expect_eq(run(NULL, missing), 3);
}

Test(scan, bad_usage_exits_2)
{
    const char *a1[] = { "scan", NULL };
    const char *a2[] = { "scan", "--bogus", "x", NULL };
    const char *a3[] = { "scan", "--shard", "2/2", "x", NULL };
    const char *a4[] = { "scan", "--values", "maybe", "x", NULL };
    const char *a5[] = { "scan", "--max-flows", "12Q", "x", NULL };
    const char *a6[] = { "frobnicate", NULL };
    cr_expect_eq(run(NULL, a1), 2);
    cr_expect_eq(run(NULL, a2), 2);
    cr_expect_eq(run(NULL, a3), 2);
    cr_expect_eq(run(NULL, a4), 2);
    cr_expect_eq(run(NULL, a5), 2);
    cr_expect_eq(run(NULL, a6), 2);
    const char *help[] = { "scan", "--help", NULL };
    cr_expect_eq(run(NULL, help), 0);
}

Test(scan, fatal_errors_exit_1_naming_the_problem)
{
    write_capture("a.pcap", false, -1, two_requests, NULL);
    struct tb_buf m = { 0 };
    tb_buf_puts(&m, "{\"devices\": [\n  {\"id\": \"x\",}\n]}\n");
    tb_buf_write_file(&m, path_in("bad.json"));
    tb_buf_release(&m);
    const char *a1[] = { "scan", "-o", path_in("out"), "-m", path_in("bad.json"),
                         path_in("a.pcap"), NULL };
    cr_expect_eq(run(NULL, a1), 1);
    char *err = tb_slurp(path_in("stderr.txt"));
    cr_expect_not_null(strstr(err, "bad.json"), "stderr: %s", err);
    cr_expect_not_null(strstr(err, "line 2"), "stderr: %s", err);
    free(err);
    /* OUT is an existing regular file: not a directory we can write */
    const char *a2[] = { "scan", "-o", path_in("a.pcap"), path_in("a.pcap"), NULL };
    cr_expect_eq(run(NULL, a2), 1);
}

Test(scan, manifest_globs_assign_devices)
{
    mkdirs("in/router");
    mkdirs("in/phone7");
    write_capture("in/router/2020-05-01.pcapng", true, -1, two_requests, NULL);
    write_capture("in/phone7/x.pcap", false, -1, two_requests, NULL);
    struct tb_buf m = { 0 };
    tb_buf_puts(&m, "{\"devices\":[{\"id\":\"redmi note/8\",\"captures\":"
                    "[\"router/2020-05-*.pcapng\"],"
                    "\"identifiers\":{\"android_id\":\"a1b2c3d4e5f60718\"}}]}");
    tb_buf_write_file(&m, path_in("m.json"));
    tb_buf_release(&m);
    const char *args[] = { "scan", "-q", "-o", path_in("out"), "-m", path_in("m.json"),
                           path_in("in"), NULL };
    cr_assert_eq(run(NULL, args), 0);
    json_t *s = summary();
    cr_expect_str_eq(get_str(file_entry(s, "router/2020-05-01.pcapng"), "device"),
                     "redmi note/8");
    cr_expect_str_eq(get_str(file_entry(s, "phone7/x.pcap"), "device"), "phone7");
    json_decref(s);
}

/* The paths summary.json lists, as one string "a,b,". */
static void listed(char *out, size_t cap)
{
    json_t *s = summary();
    size_t i;
    json_t *f;
    out[0] = '\0';
    json_array_foreach(json_object_get(s, "files"), i, f) {
        strncat(out, get_str(f, "path"), cap - strlen(out) - 2);
        strcat(out, ",");
    }
    json_decref(s);
}

Test(scan, shards_partition_the_files_and_follow_slurm)
{
    mkdirs("in");
    char name[64];
    for (int i = 0; i < 12; i++) {
        snprintf(name, sizeof name, "in/dev%02d.pcap", i);
        write_capture(name, false, -1, two_requests + 1, NULL);
    }
    char l0[2048], l1[2048], ls[2048];
    const char *a0[] = { "scan", "-q", "-o", path_in("out"), "--shard", "0/2", path_in("in"), NULL };
    const char *a1[] = { "scan", "-q", "-o", path_in("out"), "--shard", "1/2", path_in("in"), NULL };
    cr_assert_eq(run(NULL, a0), 0);
    listed(l0, sizeof l0);
    cr_assert_eq(run(NULL, a1), 0);
    listed(l1, sizeof l1);
    for (int i = 0; i < 12; i++) { /* each file in exactly one shard */
        snprintf(name, sizeof name, "dev%02d.pcap,", i);
        cr_expect((strstr(l0, name) != NULL) != (strstr(l1, name) != NULL), "%s", name);
    }
    cr_expect(strlen(l0) > 0 && strlen(l1) > 0, "both shards got files");
    /* Slurm array tasks 6 and 7 (MIN 6, COUNT 2) are shards 0/2 and 1/2 */
    const char *as[] = { "scan", "-q", "-o", path_in("out"), path_in("in"), NULL };
    const char *env7[] = { "SLURM_ARRAY_TASK_ID=7", "SLURM_ARRAY_TASK_MIN=6",
                           "SLURM_ARRAY_TASK_COUNT=2", NULL };
    cr_assert_eq(run(env7, as), 0);
    listed(ls, sizeof ls);
    cr_expect_str_eq(ls, l1);
    const char *env6[] = { "SLURM_ARRAY_TASK_ID=6", "SLURM_ARRAY_TASK_MIN=6",
                           "SLURM_ARRAY_TASK_COUNT=2", NULL };
    cr_assert_eq(run(env6, as), 0);
    listed(ls, sizeof ls);
    cr_expect_str_eq(ls, l0);
    /* --shard wins over the environment */
    const char *a1env[] = { "scan", "-q", "-o", path_in("out"), "--shard", "1/2",
                            path_in("in"), NULL };
    cr_assert_eq(run(env6, a1env), 0);
    listed(ls, sizeof ls);
    cr_expect_str_eq(ls, l1);
}

Test(scan, flow_cap_is_counted)
{
    /* three interleaved connections under --max-flows 1 */
    struct tb_capfile f;
    struct tb_conv c[3];
    tb_capfile_begin(&f, false);
    for (int i = 0; i < 3; i++)
        tb_conv_open(&c[i], &f, "10.0.0.1", "10.0.0.2", (uint16_t)(40000 + i), 80,
                     100, 200);
    for (int i = 0; i < 3; i++)
        tb_conv_send(&c[i], true, two_requests[0], strlen(two_requests[0]));
    for (int i = 0; i < 3; i++) {
        tb_conv_close(&c[i]);
        tb_conv_release(&c[i]);
    }
    tb_buf_write_file(&f.cap.b, path_in("a.pcap"));
    tb_capfile_release(&f);
    const char *args[] = { "scan", "-q", "-o", path_in("out"), "--max-flows", "1",
                           path_in("a.pcap"), NULL };
    cr_assert_eq(run(NULL, args), 0);
    json_t *s = summary();
    json_t *t = json_object_get(s, "totals");
    cr_expect_gt(get_int(json_object_get(t, "caps_hit"), "flow_cap"), 0);
    cr_expect_eq(get_int(json_object_get(json_object_get(s, "options"), "limits"),
                         "max_flows"), 1);
    json_decref(s);
    /* without the cap all three requests are there */
    const char *args2[] = { "scan", "-q", "-o", path_in("out"), path_in("a.pcap"), NULL };
    cr_assert_eq(run(NULL, args2), 0);
    s = summary();
    t = json_object_get(s, "totals");
    cr_expect_eq(get_int(t, "http_requests"), 3);
    cr_expect_eq(get_int(json_object_get(t, "caps_hit"), "flow_cap"), 0);
    json_decref(s);
}

Test(scan, corrupt_compressed_file_does_not_stop_the_run)
{
    mkdirs("in/d");
    /* a zstd magic, then garbage: the decompressor fails on the first block */
    static const uint8_t bad[] = { 0x28, 0xb5, 0x2f, 0xfd, 0x04, 0x00, 0x51, 0x02,
                                   0xff, 0xee, 0xdd, 0xcc, 0xbb, 0xaa, 0x99, 0x88 };
    struct tb_buf b = { (uint8_t *)bad, sizeof bad, sizeof bad };
    tb_buf_write_file(&b, path_in("in/d/1-bad.pcap.zst"));
    /* and a HAR cut in the middle */
    struct tb_buf h = { 0 };
    tb_buf_puts(&h, "{\"log\":{\"entries\":[{\"request\":");
    tb_buf_write_file(&h, path_in("in/d/2-cut.har"));
    tb_buf_release(&h);
    write_capture("in/d/3-good.pcap", false, -1, two_requests, NULL);
    const char *args[] = { "scan", "-q", "-o", path_in("out"), path_in("in"), NULL };
    cr_assert_eq(run(NULL, args), 3);
    json_t *s = summary();
    cr_expect_str_eq(get_str(file_entry(s, "d/1-bad.pcap.zst"), "status"), "error");
    cr_expect_str_eq(get_str(file_entry(s, "d/1-bad.pcap.zst"), "compression"), "zstd");
    cr_expect_not_null(strstr(get_str(file_entry(s, "d/1-bad.pcap.zst"), "error"), "zstd"));
    cr_expect_str_eq(get_str(file_entry(s, "d/2-cut.har"), "status"), "error");
    cr_expect_str_eq(get_str(file_entry(s, "d/3-good.pcap"), "status"), "ok");
    cr_expect_eq(get_int(json_object_get(s, "totals"), "http_requests"), 2);
    json_decref(s);
}

Test(scan, router_capture_feeds_the_devices_its_addresses_name)
{
    /* one router capture, two phones: flows go to the device whose
       address they use; an unclaimed address stays with the file's device */
    mkdirs("in/router");
    struct tb_capfile f;
    tb_capfile_begin(&f, false);
    static const struct { const char *cli; const char *req; } flows[] = {
        { "192.168.1.23", "GET /a?aid=a1b2c3d4e5f60718 HTTP/1.1\r\nHost: t.example\r\n\r\n" },
        { "192.168.1.42", "GET /b?aid=0f1e2d3c4b5a6978 HTTP/1.1\r\nHost: t.example\r\n\r\n" },
        { "192.168.1.99", "GET /c?aid=a1b2c3d4e5f60718 HTTP/1.1\r\nHost: t.example\r\n\r\n" },
    };
    for (int i = 0; i < 3; i++) {
        struct tb_conv c;
        tb_conv_open(&c, &f, flows[i].cli, "203.0.113.5", (uint16_t)(41000 + i), 80, 7, 9);
        tb_conv_send(&c, true, flows[i].req, strlen(flows[i].req));
        tb_conv_close(&c);
        tb_conv_release(&c);
    }
    tb_buf_write_file(&f.cap.b, path_in("in/router/day1.pcap"));
    tb_capfile_release(&f);
    struct tb_buf m = { 0 };
    tb_buf_puts(&m, "{\"devices\":["
                    "{\"id\":\"phone-a\",\"addresses\":[\"192.168.1.23\"],"
                    "\"identifiers\":{\"android_id\":\"a1b2c3d4e5f60718\"}},"
                    "{\"id\":\"phone-b\",\"addresses\":[\"192.168.1.42\", \"not-an-address\"],"
                    "\"identifiers\":{\"android_id\":\"0f1e2d3c4b5a6978\"}}]}");
    tb_buf_write_file(&m, path_in("m.json"));
    tb_buf_release(&m);
    const char *args[] = { "scan", "-q", "-o", path_in("out"), "-m", path_in("m.json"),
                           path_in("in"), NULL };
    cr_assert_eq(run(NULL, args), 0);
    char cmd[2048];
    static const struct { const char *dev; const char *want; const char *not; } chk[] = {
        { "phone-a", "\"device\":\"phone-a\"", "0f1e2d3c4b5a6978" },
        { "phone-b", "\"value\":\"0f1e2d3c4b5a6978\"", "a1b2c3d4e5f60718" },
        { "router", "\"frame\":", "0f1e2d3c4b5a6978" },
    };
    for (int i = 0; i < 3; i++) {
        snprintf(cmd, sizeof cmd, "zstd -dcq '%s/out/%s.jsonl.zst' > '%s/%s.txt'", tmp,
                 chk[i].dev, tmp, chk[i].dev);
        cr_assert_eq(system(cmd), 0, "%s", chk[i].dev);
        char rel[64];
        snprintf(rel, sizeof rel, "%s.txt", chk[i].dev);
        char *t = tb_slurp(path_in(rel));
        cr_expect_not_null(strstr(t, chk[i].want), "%s: %s", chk[i].dev, t);
        cr_expect_null(strstr(t, chk[i].not), "%s: %s", chk[i].dev, t);
        free(t);
    }
    /* the unclaimed phone's record is the router file's device's, and its
       key says whose identifier it was */
    char *t = tb_slurp(path_in("router.txt"));
    cr_expect_not_null(strstr(t, "\"key\":\"android_id@phone-a\""), "%s", t);
    free(t);
}
