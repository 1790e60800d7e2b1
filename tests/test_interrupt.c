/* SPDX-License-Identifier: MIT */
/*
 * test_interrupt.c - the run as a batch system sees it (SPEC §4, §6, §7):
 * output bytes that do not depend on -j or on splitting a file across
 * flows; SIGTERM and SIGKILL at any moment, then --resume, ending with the
 * bytes of an uninterrupted run; new inputs picked up; a changed input, an
 * OUT that cannot be written and a full disk are fatal (exit 1) and leave
 * nothing half-written looking complete.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tb_conv.h"
#include "tb_run.h"

static char tmp[512];

static void setup(void)
{
    snprintf(tmp, sizeof tmp, "%s", tb_tempdir("interrupt"));
}

static void teardown(void)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(interrupt, .init = setup, .fini = teardown, .timeout = 600);

static char *path_in(const char *rel)
{
    static char p[64][1024];
    static int i;
    i = (i + 1) % 64;
    snprintf(p[i], sizeof p[i], "%s/%s", tmp, rel);
    return p[i];
}

static void sh(const char *fmt, const char *a, const char *b)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, fmt, a, b);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
}

/* One capture of n_convs interleaved conversations (round robin, so flows
   overlap and ticks fall inside them), each leaking the Android ID in
   reqs requests, with a DNS answer naming the server first. */
static void write_capture(const char *path, unsigned seed, int n_convs, int reqs)
{
    struct tb_capfile f;
    tb_capfile_begin(&f, seed % 2);
    struct tb_conv *c = calloc((size_t)n_convs, sizeof *c);
    char cli[48], srv[48];
    for (int i = 0; i < n_convs; i++) {
        snprintf(cli, sizeof cli, "192.168.1.%u", 20 + seed % 3);
        snprintf(srv, sizeof srv, "10.%u.%u.%u", seed % 200, i / 200, i % 200 + 1);
        tb_conv_open(&c[i], &f, cli, srv, (uint16_t)(20000 + i), 80,
                     (uint32_t)(i * 7919 + seed), 5000);
    }
    char req[512];
    for (int k = 0; k < reqs; k++)
        for (int i = 0; i < n_convs; i++) {
            int n = snprintf(req, sizeof req,
                             "GET /c?android_id=a1b2c3d4e5f60718&s=%u&i=%d&k=%d HTTP/1.1\r\n"
                             "Host: h%d.example\r\n\r\n", seed, i, k, i % 37);
            tb_conv_send(&c[i], true, req, (size_t)n);
            tb_conv_send(&c[i], false, "HTTP/1.1 204 No Content\r\n\r\n", 27);
        }
    for (int i = 0; i < n_convs; i++) {
        if ((i + (int)seed) % 5) /* some flows never close: finished at the end */
            tb_conv_close(&c[i]);
        tb_conv_release(&c[i]);
    }
    free(c);
    tb_buf_write_file(&f.cap.b, path);
    tb_capfile_release(&f);
}

static void write_manifest(void)
{
    struct tb_buf m = { 0 };
    tb_buf_puts(&m, "{\"devices\":[{\"id\":\"phone-a\",\"captures\":[\"phone-a/**\"],"
                    "\"identifiers\":{\"android_id\":\"a1b2c3d4e5f60718\"}},"
                    "{\"id\":\"phone-b\",\"captures\":[\"phone-b/**\"],"
                    "\"identifiers\":{\"android_id\":\"a1b2c3d4e5f60718\"}}]}\n");
    tb_buf_write_file(&m, path_in("manifest.json"));
    tb_buf_release(&m);
}

/* n_files small captures per device. */
static void write_dataset(int n_files, int n_convs, int reqs)
{
    sh("mkdir -p '%s/in/phone-a' '%s/in/phone-b'", tmp, tmp);
    for (int i = 0; i < n_files; i++) {
        char rel[64];
        snprintf(rel, sizeof rel, "in/phone-%c/%03d.pcap", i % 2 ? 'b' : 'a', i);
        write_capture(path_in(rel), (unsigned)i, n_convs, reqs);
    }
    write_manifest();
}

static int scan(const char *out, const char *const *extra, const char *const *env)
{
    const char *args[32] = { "scan", "-q", "-m", path_in("manifest.json"), "-o",
                             path_in(out) };
    int n = 6;
    for (int i = 0; extra && extra[i]; i++)
        args[n++] = extra[i];
    args[n++] = path_in("in");
    args[n] = NULL;
    struct tb_run_opts o = { .env = env, .err_path = path_in("stderr.txt") };
    return tb_run(&o, args);
}

static bool same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    if (stat(a, &sa) || stat(b, &sb) || sa.st_size != sb.st_size)
        return false;
    char cmd[2200];
    snprintf(cmd, sizeof cmd, "cmp -s '%s' '%s'", a, b);
    return system(cmd) == 0;
}

static void expect_same_output(const char *out, const char *ref)
{
    static const char *const files[] = { "phone-a.jsonl.zst", "phone-b.jsonl.zst" };
    for (int i = 0; i < 2; i++) {
        char a[1024], b[1024];
        snprintf(a, sizeof a, "%s/%s/%s", tmp, out, files[i]);
        snprintf(b, sizeof b, "%s/%s/%s", tmp, ref, files[i]);
        cr_expect(same_file(a, b), "%s differs from %s", a, b);
    }
}

static json_t *summary(const char *out)
{
    char p[1024];
    snprintf(p, sizeof p, "%s/%s/summary.json", tmp, out);
    json_error_t err;
    json_t *s = json_load_file(p, 0, &err);
    cr_assert_not_null(s, "%s: %s", p, err.text);
    return s;
}

static uint64_t leak_records(const char *out)
{
    json_t *s = summary(out);
    uint64_t n = 0;
    json_t *d;
    size_t i;
    json_array_foreach(json_object_get(s, "devices"), i, d)
        n += (uint64_t)json_integer_value(json_object_get(d, "leak_records"));
    json_decref(s);
    return n;
}

Test(interrupt, output_bytes_do_not_depend_on_threads_or_splits)
{
    write_dataset(4, 700, 3); /* ~17k packets a file: several ticks */
    const char *split[] = { "LEAKTRAWL_SPLIT_BYTES=0", NULL };
    /* a short idle timeout expires flows between their own packets */
    for (int t = 0; t < 2; t++) {
        const char *idle = t ? "--flow-timeout" : NULL;
        const char *j1[] = { "-j", "1", "--requests", path_in("r1.tsv"), idle, "400", NULL };
        const char *j2[] = { "-j", "2", "--requests", path_in("r2.tsv"), idle, "400", NULL };
        const char *j3[] = { "-j", "3", "--requests", path_in("r3.tsv"), idle, "400", NULL };
        cr_assert_eq(scan("o1", j1, NULL), 0, "%s", tb_slurp(path_in("stderr.txt")));
        cr_assert_eq(scan("o2", j2, NULL), 0, "%s", tb_slurp(path_in("stderr.txt")));
        cr_assert_eq(scan("o3", j3, split), 0, "%s", tb_slurp(path_in("stderr.txt")));
        cr_assert_eq(scan("o4", j2, split), 0, "%s", tb_slurp(path_in("stderr.txt")));
        cr_expect_eq(leak_records("o1"), 4u * 700 * 3, "%llu",
                     (unsigned long long)leak_records("o1"));
        expect_same_output("o2", "o1");
        expect_same_output("o3", "o1");
        expect_same_output("o4", "o1");
        cr_expect(same_file(path_in("r1.tsv"), path_in("r2.tsv")));
        cr_expect(same_file(path_in("r1.tsv"), path_in("r3.tsv")));
        /* destinations too: the same flows, counted the same way */
        json_t *a = summary("o1"), *b = summary("o3");
        json_t *ta = json_object_get(a, "totals"), *tb = json_object_get(b, "totals");
        cr_expect(json_equal(json_object_get(a, "devices"), json_object_get(b, "devices")));
        cr_expect(json_equal(json_object_get(ta, "tcp"), json_object_get(tb, "tcp")));
        cr_expect(json_equal(json_object_get(ta, "http"), json_object_get(tb, "http")));
        json_decref(a);
        json_decref(b);
    }
}

/* A dataset that takes a while, and its uninterrupted output in "clean". */
static double clean_run(void)
{
    write_dataset(40, 150, 2);
    cr_assert_eq(scan("clean", NULL, NULL), 0);
    return tb_run_last_seconds();
}

Test(interrupt, sigterm_stops_with_whole_frames_then_resume_completes)
{
    double t = clean_run();
    bool stopped = false;
    for (int k = 2; k <= 7; k++) {
        const char *args[] = { "scan", "-q", "-m", path_in("manifest.json"), "-o",
                               path_in("out"), path_in("in"), NULL };
        struct tb_run_opts o = { .err_path = path_in("stderr.txt"),
                                 .signal_after_s = t * k / 8, .signal = SIGTERM };
        int rc = tb_run(&o, args);
        if (rc == 0)
            continue; /* done before the signal came */
        cr_assert_eq(rc, 128 + SIGTERM);
        /* device files are whole frames, whenever the signal came */
        struct tb_buf text = { 0 };
        cr_expect(tb_unzstd_file(path_in("out/phone-a.jsonl.zst"), &text));
        cr_expect(tb_unzstd_file(path_in("out/phone-b.jsonl.zst"), &text));
        tb_buf_release(&text);
        char *err = tb_slurp(path_in("stderr.txt"));
        bool graceful = strstr(err, "interrupted by SIGTERM") != NULL;
        free(err);
        struct stat sb;
        if (!graceful) { /* killed while setting up: nothing written yet */
            cr_expect_neq(stat(path_in("out/summary.json"), &sb), 0);
            continue;
        }
        /* a complete summary of what was done */
        stopped = true;
        json_t *s = summary("out");
        cr_expect_lt(json_integer_value(json_object_get(json_object_get(s, "totals"),
                                                        "files_ok")), 40);
        json_decref(s);
        break;
    }
    cr_assert(stopped, "no run lasted until its signal");
    const char *resume[] = { "--resume", NULL };
    cr_assert_eq(scan("out", resume, NULL), 0);
    expect_same_output("out", "clean");
    cr_expect_eq(leak_records("out"), leak_records("clean"));
}

Test(interrupt, sigkill_at_twenty_moments_then_resume_gives_the_clean_bytes)
{
    double t = clean_run();
    struct tb_rng rng = tb_rng_seed(20261128);
    int killed = 0;
    for (int k = 0; k < 20; k++) {
        char out[32];
        snprintf(out, sizeof out, "k%d", k);
        const char *args[] = { "scan", "-q", "-j", k % 2 ? "2" : "1", "-m",
                               path_in("manifest.json"), "-o", path_in(out),
                               path_in("in"), NULL };
        double at = t * (double)(tb_rng_below(&rng, 900) + 20) / 1000.0;
        struct tb_run_opts o = { .err_path = path_in("stderr.txt"),
                                 .signal_after_s = at, .signal = SIGKILL };
        int rc = tb_run(&o, args);
        cr_assert(rc == 0 || rc == 128 + SIGKILL, "rc %d", rc);
        killed += rc != 0;
        const char *resume[] = { "--resume", k % 3 ? "-j1" : "-j2", NULL };
        cr_assert_eq(scan(out, resume, NULL), 0, "after a kill at %.3f s", at);
        expect_same_output(out, "clean");
        char dir[1100];
        snprintf(dir, sizeof dir, "%s/%s", tmp, out);
        sh("rm -rf '%s'%s", dir, "");
    }
    /* runs that ended before their moment still check the resume of a
       complete journal; most must have been killed (timing varies) */
    cr_expect_geq(killed, 5, "only %d of 20 runs were killed", killed);
}

Test(interrupt, resume_reads_only_new_inputs_and_refuses_changed_ones)
{
    write_dataset(6, 20, 1);
    cr_assert_eq(scan("out", NULL, NULL), 0);
    write_capture(path_in("in/phone-b/999.pcap"), 999, 20, 1);
    cr_assert_eq(scan("clean", NULL, NULL), 0);
    const char *resume[] = { "--resume", NULL };
    cr_assert_eq(scan("out", resume, NULL), 0);
    expect_same_output("out", "clean");
    json_t *s = summary("out");
    json_t *f;
    size_t i, resumed = 0;
    json_array_foreach(json_object_get(s, "files"), i, f)
        resumed += json_is_true(json_object_get(f, "resumed"));
    cr_expect_eq(resumed, 6);
    cr_expect_eq(json_integer_value(json_object_get(json_object_get(s, "totals"),
                                                    "http_requests")), 7 * 20);
    json_decref(s);
    cr_expect_eq(leak_records("out"), leak_records("clean"));

    /* an input that changed since: its old records are in the files */
    write_capture(path_in("in/phone-a/000.pcap"), 1000, 21, 1);
    cr_assert_eq(scan("out", resume, NULL), 1);
    char *err = tb_slurp(path_in("stderr.txt"));
    cr_expect_not_null(strstr(err, "000.pcap' changed"), "%s", err);
    free(err);
    /* other options than the journal's: refused too */
    const char *other[] = { "--resume", "--max-depth", "3", NULL };
    write_capture(path_in("in/phone-a/000.pcap"), 0, 20, 1);
    cr_assert_eq(scan("out", other, NULL), 1);
}

Test(interrupt, out_that_cannot_be_written_is_fatal_and_named)
{
    write_dataset(2, 5, 1);
    struct tb_buf x = { 0 };
    tb_buf_puts(&x, "a file, not a directory\n");
    tb_buf_write_file(&x, path_in("notadir"));
    tb_buf_release(&x);
    cr_assert_eq(scan("notadir", NULL, NULL), 1);
    char *err = tb_slurp(path_in("stderr.txt"));
    cr_expect_not_null(strstr(err, "notadir"), "%s", err);
    free(err);
}

Test(interrupt, full_disk_is_fatal_and_leaves_whole_frames_and_no_summary)
{
    write_dataset(8, 200, 2);
    const char *args[] = { "scan", "-q", "-m", path_in("manifest.json"), "-o",
                           path_in("out"), path_in("in"), NULL };
    /* each file's frame is a few kB: the limit falls inside the run */
    struct tb_run_opts o = { .err_path = path_in("stderr.txt"), .fsize_limit = 24000 };
    cr_assert_eq(tb_run(&o, args), 1);
    char *err = tb_slurp(path_in("stderr.txt"));
    cr_expect_not_null(strstr(err, path_in("out")), "%s", err);
    free(err);
    struct stat sb;
    cr_expect_neq(stat(path_in("out/summary.json"), &sb), 0,
                  "a failed run left a summary.json");
    struct tb_buf text = { 0 };
    cr_expect(tb_unzstd_file(path_in("out/phone-a.jsonl.zst"), &text));
    cr_expect(tb_unzstd_file(path_in("out/phone-b.jsonl.zst"), &text));
    tb_buf_release(&text);
    /* and --resume, with room again, completes it */
    cr_assert_eq(scan("clean", NULL, NULL), 0);
    const char *resume[] = { "--resume", NULL };
    cr_assert_eq(scan("out", resume, NULL), 0);
    expect_same_output("out", "clean");
}
