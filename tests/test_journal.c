/* SPDX-License-Identifier: MIT */
/*
 * test_journal.c - the resume journal (workers/journal.h), the input
 * fingerprint, and the torn-frame cutter (workers/zst_cut.h) that shares
 * its crash model. Everything runs in a fresh temporary OUT per test.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zstd.h>

#include "core/base/alloc.h"
#include "tb_buf.h"
#include "workers/journal.h"
#include "workers/zst_cut.h"

static char out[512];
static char msg[8192];

static void setup(void)
{
    snprintf(out, sizeof out, "%s", tb_tempdir("journal"));
}

static void teardown(void)
{
    char cmd[1024];
    chmod(out, 0755);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", out);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(journal, .init = setup, .fini = teardown, .timeout = 60);
TestSuite(fingerprint, .init = setup, .fini = teardown, .timeout = 60);
TestSuite(zst_cut, .init = setup, .fini = teardown, .timeout = 120);

/* ---- helpers -------------------------------------------------------- */

static const char *in_out(const char *name)
{
    static char path[4][1024];
    static int k;
    k = (k + 1) % 4;
    snprintf(path[k], sizeof path[k], "%s/%s", out, name);
    return path[k];
}

static const char *jpath(void)
{
    return in_out(LT_JOURNAL_NAME);
}

static long long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

static void put_file(const char *path, const void *p, size_t n, const char *mode)
{
    FILE *f = fopen(path, mode);
    cr_assert(f, "%s", path);
    cr_assert_eq(fwrite(p, 1, n, f), n);
    cr_assert_eq(fclose(f), 0);
}

static struct tb_buf get_file(const char *path)
{
    struct tb_buf b = { 0 };
    FILE *f = fopen(path, "rb");
    cr_assert(f, "%s", path);
    uint8_t tmp[65536];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
        tb_buf_put(&b, tmp, n);
    fclose(f);
    return b;
}

/* A 64-hex-digit fingerprint made from i. */
static const char *fp_of(unsigned i)
{
    static char fp[2][LT_JOURNAL_FP_HEX];
    static int k;
    k ^= 1;
    snprintf(fp[k], sizeof fp[k], "%016x%016x%016x%016x", i, i * 7u, i * 13u, i + 1u);
    return fp[k];
}

static const char *key_of(unsigned i)
{
    static char key[2][64];
    static int k;
    k ^= 1;
    snprintf(key[k], sizeof key[k], "dev%u/capture-%03u.pcapng", i % 3, i);
    return key[k];
}

static struct lt_journal *jopen(const char *opts, unsigned flags)
{
    struct lt_journal *j = NULL;
    enum lt_err e = lt_journal_open(&j, out, opts, flags, msg, sizeof msg);
    cr_assert_eq(e, LT_OK, "%s: %s", lt_err_str(e), msg);
    cr_assert(j);
    return j;
}

/* Commit input i: one device, with its length. */
static void commit_i(struct lt_journal *j, unsigned i, const char *dev, uint64_t len)
{
    json_t *res = json_pack("{s:s,s:i,s:{s:i}}", "status", "ok", "packets", (int)i,
                            "leaks", "imei", (int)(i * 2));
    const char *names[1] = { dev };
    uint64_t lens[1] = { len };
    enum lt_err e = lt_journal_commit(j, key_of(i), 1000 + i, 5000000000ll + i,
                                      fp_of(i), res, names, lens, dev ? 1 : 0,
                                      msg, sizeof msg);
    cr_assert_eq(e, LT_OK, "%s: %s", lt_err_str(e), msg);
    json_decref(res);
}

static void expect_done(const struct lt_journal *j, unsigned i)
{
    const struct lt_journal_entry *e =
        lt_journal_done(j, key_of(i), 1000 + i, 5000000000ll + i, fp_of(i));
    cr_assert(e, "input %u should be done", i);
    cr_assert_str_eq(e->key, key_of(i));
    json_t *res = NULL;
    cr_assert_eq(lt_journal_result(j, e, &res, msg, sizeof msg), LT_OK, "%s", msg);
    cr_assert_eq(json_integer_value(json_object_get(res, "packets")), (json_int_t)i);
    json_decref(res);
}

static void add_frame(struct tb_buf *b, const void *src, size_t n, int level,
                      bool checksum, bool content_size);

/* ---- journal -------------------------------------------------------- */

Test(journal, commit_then_resume_restores_entries_and_lengths)
{
    struct lt_journal *j = jopen("opts-1", 0);
    uint64_t want_a = 0, want_b = 0;
    for (unsigned i = 0; i < 50; i++) {
        const char *dev = i % 2 ? "b.jsonl.zst" : "a.jsonl.zst";
        uint64_t len = 100 * (i + 1);
        *(i % 2 ? &want_b : &want_a) = len;
        commit_i(j, i, dev, len);
    }
    cr_assert_eq(lt_journal_count(j), 50);
    lt_journal_close(j);

    j = jopen("opts-1", LT_JOURNAL_RESUME);
    cr_assert_str_eq(msg, "", "no note for a journal that exists");
    cr_assert_eq(lt_journal_count(j), 50);
    for (unsigned i = 0; i < 50; i++) {
        expect_done(j, i);
        cr_assert_str_eq(lt_journal_entry_at(j, i)->key, key_of(i), "commit order");
    }
    cr_assert_null(lt_journal_entry_at(j, 50));
    cr_assert_eq(lt_journal_device_len(j, "a.jsonl.zst"), want_a);
    cr_assert_eq(lt_journal_device_len(j, "b.jsonl.zst"), want_b);
    cr_assert_eq(lt_journal_device_len(j, "c.jsonl.zst"), 0);
    cr_assert_null(lt_journal_find(j, "dev0/never.pcap"));
    lt_journal_close(j);
}

Test(journal, changed_input_is_not_done)
{
    struct lt_journal *j = jopen("o", 0);
    commit_i(j, 7, "a.jsonl.zst", 10);
    for (int reopened = 0; reopened < 2; reopened++) {
        const char *k = key_of(7);
        cr_assert(lt_journal_done(j, k, 1007, 5000000007ll, fp_of(7)));
        cr_assert_null(lt_journal_done(j, k, 1008, 5000000007ll, fp_of(7)), "size");
        cr_assert_null(lt_journal_done(j, k, 1007, 5000000008ll, fp_of(7)), "mtime");
        cr_assert_null(lt_journal_done(j, k, 1007, 5000000007ll, fp_of(8)), "fp");
        cr_assert_null(lt_journal_done(j, k, 1007, 5000000007ll, "zz"), "bad hex");
        cr_assert_null(lt_journal_done(j, key_of(8), 1008, 5000000008ll, fp_of(8)));
        cr_assert(lt_journal_find(j, k), "a changed input still has its entry");
        lt_journal_close(j);
        j = jopen("o", LT_JOURNAL_RESUME);
    }
    lt_journal_close(j);
}

Test(journal, torn_last_line_is_ignored_and_cut)
{
    struct lt_journal *j = jopen("o", 0);
    commit_i(j, 0, "a.jsonl.zst", 100);
    commit_i(j, 1, "a.jsonl.zst", 200);
    long long size2 = file_size(jpath());
    commit_i(j, 2, "a.jsonl.zst", 999);
    long long size3 = file_size(jpath());
    lt_journal_close(j);
    /* the process died inside the third write() */
    cr_assert_eq(truncate(jpath(), size2 + (size3 - size2) / 2), 0);

    j = jopen("o", LT_JOURNAL_RESUME);
    cr_assert_eq(lt_journal_count(j), 2);
    cr_assert_eq(file_size(jpath()), size2, "the torn line is cut off");
    cr_assert_eq(lt_journal_device_len(j, "a.jsonl.zst"), 200);
    cr_assert_null(lt_journal_find(j, key_of(2)));
    commit_i(j, 2, "a.jsonl.zst", 300);
    lt_journal_close(j);

    j = jopen("o", LT_JOURNAL_RESUME);
    cr_assert_eq(lt_journal_count(j), 3, "appending after the cut gives whole lines");
    expect_done(j, 2);
    cr_assert_eq(lt_journal_device_len(j, "a.jsonl.zst"), 300);
    lt_journal_close(j);
}

Test(journal, unparsable_whole_last_line_is_ignored)
{
    struct lt_journal *j = jopen("o", 0);
    commit_i(j, 0, "a.jsonl.zst", 100);
    lt_journal_close(j);
    long long size1 = file_size(jpath());
    static const char *tails[] = {
        "{\"path\":\n", "\n", "{\"path\":\"x\"}\n", "\0\0\0\0\0\0", "[1,2]\n",
    };
    for (size_t t = 0; t < sizeof tails / sizeof *tails; t++) {
        size_t n = t == 3 ? 6 : strlen(tails[t]);
        put_file(jpath(), tails[t], n, "ab");
        j = jopen("o", LT_JOURNAL_RESUME);
        cr_assert_eq(lt_journal_count(j), 1, "tail %zu", t);
        cr_assert_eq(file_size(jpath()), size1, "tail %zu cut", t);
        lt_journal_close(j);
    }
}

/* Replace line no (1-based) of the journal with repl. */
static void replace_line(int no, const char *repl)
{
    struct tb_buf b = get_file(jpath());
    struct tb_buf n = { 0 };
    int line = 1;
    size_t start = 0;
    for (size_t i = 0; i < b.len; i++) {
        if (b.p[i] != '\n')
            continue;
        if (line == no)
            tb_buf_puts(&n, repl);
        else
            tb_buf_put(&n, b.p + start, i - start);
        tb_buf_puts(&n, "\n");
        start = i + 1;
        line++;
    }
    tb_buf_write_file(&n, jpath());
    tb_buf_release(&b);
    tb_buf_release(&n);
}

Test(journal, damaged_middle_line_fails_naming_it)
{
    char *huge = malloc(LT_JOURNAL_LINE_MAX + 10);
    cr_assert(huge);
    memset(huge, ' ', LT_JOURNAL_LINE_MAX + 9);
    memcpy(huge, "{\"pad\":1}", 9); /* valid JSON, but too long */
    huge[LT_JOURNAL_LINE_MAX + 9] = '\0';
    const char *bad[] = { "garbage", "{\"path\":\"x\"}", huge, "" };
    for (size_t t = 0; t < sizeof bad / sizeof *bad; t++) {
        struct lt_journal *j = jopen("o", 0);
        for (unsigned i = 0; i < 4; i++)
            commit_i(j, i, "a.jsonl.zst", 10 * (i + 1));
        lt_journal_close(j);
        replace_line(3, bad[t]);
        long long size = file_size(jpath());
        j = NULL;
        enum lt_err e = lt_journal_open(&j, out, "o", LT_JOURNAL_RESUME, msg, sizeof msg);
        cr_assert_eq(e, LT_E_MALFORMED, "case %zu: %s", t, lt_err_str(e));
        cr_assert_null(j);
        cr_assert(strstr(msg, "line 3"), "case %zu: %s", t, msg);
        cr_assert(strstr(msg, jpath()), "%s", msg);
        cr_assert_eq(file_size(jpath()), size, "a damaged journal is left as it is");
    }
    free(huge);
}

Test(journal, other_options_are_refused)
{
    struct lt_journal *j = jopen("threads-independent opts A", 0);
    commit_i(j, 0, "a.jsonl.zst", 10);
    lt_journal_close(j);
    long long size = file_size(jpath());
    j = NULL;
    enum lt_err e = lt_journal_open(&j, out, "opts B", LT_JOURNAL_RESUME, msg, sizeof msg);
    cr_assert_eq(e, LT_E_UNSUPPORTED);
    cr_assert_null(j);
    cr_assert(strstr(msg, "other options") && strstr(msg, "--resume"), "%s", msg);
    cr_assert_eq(file_size(jpath()), size, "the refused journal is kept");
    j = jopen("threads-independent opts A", LT_JOURNAL_RESUME);
    cr_assert_eq(lt_journal_count(j), 1);
    lt_journal_close(j);
}

Test(journal, other_format_version_is_refused)
{
    const char *h = "{\"journal\":2,\"options\":\"o\"}\n";
    put_file(jpath(), h, strlen(h), "wb");
    struct lt_journal *j = NULL;
    cr_assert_eq(lt_journal_open(&j, out, "o", LT_JOURNAL_RESUME, msg, sizeof msg),
                 LT_E_UNSUPPORTED);
    cr_assert(strstr(msg, "format 2"), "%s", msg);
}

Test(journal, fresh_open_drops_earlier_entries)
{
    struct lt_journal *j = jopen("o", 0);
    commit_i(j, 0, "a.jsonl.zst", 10);
    commit_i(j, 1, "a.jsonl.zst", 20);
    lt_journal_close(j);
    j = jopen("other options are fine without resume", 0);
    cr_assert_eq(lt_journal_count(j), 0);
    cr_assert_eq(lt_journal_device_len(j, "a.jsonl.zst"), 0);
    lt_journal_close(j);
    j = jopen("other options are fine without resume", LT_JOURNAL_RESUME);
    cr_assert_eq(lt_journal_count(j), 0);
    cr_assert_str_eq(msg, "");
    lt_journal_close(j);
}

Test(journal, resume_without_journal_starts_afresh)
{
    const char *half_header = "{\"journal\":1,\"opt";
    for (int t = 0; t < 3; t++) {
        if (t == 1)
            put_file(jpath(), "", 0, "wb");
        if (t == 2)
            put_file(jpath(), half_header, strlen(half_header), "wb");
        struct lt_journal *j = jopen("o", LT_JOURNAL_RESUME);
        cr_assert(strstr(msg, "nothing to resume"), "case %d: '%s'", t, msg);
        cr_assert_eq(lt_journal_count(j), 0);
        commit_i(j, 0, "a.jsonl.zst", 10);
        lt_journal_close(j);
        j = jopen("o", LT_JOURNAL_RESUME);
        cr_assert_eq(lt_journal_count(j), 1, "case %d", t);
        lt_journal_close(j);
        unlink(jpath());
    }
}

Test(journal, restore_cuts_longer_files_and_removes_uncommitted)
{
    static const char frames[300] = "three hundred bytes of frames";
    put_file(in_out("a.jsonl.zst"), frames, sizeof frames, "wb");
    struct lt_journal *j = jopen("o", 0);
    const char *names[2] = { "a.jsonl.zst", "empty.jsonl.zst" };
    uint64_t lens[2] = { 300, 0 };
    json_t *res = json_object();
    cr_assert_eq(lt_journal_commit(j, "k", 1, 2, fp_of(1), res, names, lens, 2, msg,
                                   sizeof msg), LT_OK, "%s", msg);
    json_decref(res);
    lt_journal_close(j);
    /* killed after appending more frames, before their commit */
    put_file(in_out("a.jsonl.zst"), "GARBAGE-GARBAGE", 15, "ab");
    put_file(in_out("b.jsonl.zst"), "uncommitted", 11, "wb");
    put_file(in_out("notes.txt"), "mine", 4, "wb");

    j = jopen("o", LT_JOURNAL_RESUME);
    cr_assert_eq(lt_journal_restore_devices(j, msg, sizeof msg), LT_OK, "%s", msg);
    struct tb_buf a = get_file(in_out("a.jsonl.zst"));
    cr_assert_eq(a.len, 300);
    cr_assert(memcmp(a.p, frames, 300) == 0);
    tb_buf_release(&a);
    cr_assert_eq(file_size(in_out("b.jsonl.zst")), -1, "never committed: removed");
    cr_assert_eq(file_size(in_out("empty.jsonl.zst")), 0, "committed empty: exists");
    cr_assert_eq(file_size(in_out("notes.txt")), 4, "not a device file: untouched");
    lt_journal_close(j);

    /* a fresh journal: the run starts from no device files at all */
    j = jopen("o", 0);
    cr_assert_eq(lt_journal_restore_devices(j, msg, sizeof msg), LT_OK, "%s", msg);
    cr_assert_eq(file_size(in_out("a.jsonl.zst")), -1);
    cr_assert_eq(file_size(in_out("empty.jsonl.zst")), -1);
    cr_assert_eq(file_size(in_out("notes.txt")), 4);
    lt_journal_close(j);
}

Test(journal, restore_refuses_short_or_missing_file_and_changes_nothing)
{
    for (int t = 0; t < 2; t++) {
        put_file(in_out("a.jsonl.zst"), "0123456789", 10, "wb");
        put_file(in_out("b.jsonl.zst"), "0123456789", 10, "wb");
        struct lt_journal *j = jopen("o", 0);
        const char *names[2] = { "a.jsonl.zst", "b.jsonl.zst" };
        uint64_t lens[2] = { 10, 5 };
        json_t *res = json_object();
        cr_assert_eq(lt_journal_commit(j, "k", 1, 2, fp_of(1), res, names, lens, 2,
                                       msg, sizeof msg), LT_OK, "%s", msg);
        json_decref(res);
        lt_journal_close(j);
        /* a machine crash lost the tail of a (or all of it) */
        if (t == 0)
            cr_assert_eq(truncate(in_out("a.jsonl.zst"), 7), 0);
        else
            cr_assert_eq(unlink(in_out("a.jsonl.zst")), 0);
        j = jopen("o", LT_JOURNAL_RESUME);
        cr_assert_eq(lt_journal_restore_devices(j, msg, sizeof msg), LT_E_IO);
        cr_assert(strstr(msg, in_out("a.jsonl.zst")), "%s", msg);
        cr_assert(strstr(msg, "without --resume"), "%s", msg);
        cr_assert_eq(file_size(in_out("b.jsonl.zst")), 10, "nothing was changed");
        lt_journal_close(j);
    }
}

Test(journal, unwritable_out_is_io_error_naming_the_journal)
{
    if (geteuid() == 0)
        cr_skip_test("root writes every directory");
    cr_assert_eq(chmod(out, 0555), 0);
    struct lt_journal *j = NULL;
    cr_assert_eq(lt_journal_open(&j, out, "o", 0, msg, sizeof msg), LT_E_IO);
    cr_assert(strstr(msg, jpath()), "%s", msg);
    cr_assert_null(j);
}

Test(journal, journal_path_that_cannot_be_opened_is_io_error)
{
    cr_assert_eq(mkdir(jpath(), 0755), 0); /* fails for root too */
    for (unsigned flags = 0; flags < 2; flags++) {
        struct lt_journal *j = NULL;
        cr_assert_eq(lt_journal_open(&j, out, "o", flags, msg, sizeof msg), LT_E_IO);
        cr_assert(strstr(msg, jpath()), "%s", msg);
    }
}

Test(journal, failed_write_leaves_no_partial_line)
{
    signal(SIGXFSZ, SIG_IGN); /* get EFBIG instead of the signal */
    struct lt_journal *j = jopen("o", 0);
    commit_i(j, 0, "a.jsonl.zst", 10);
    long long size1 = file_size(jpath());
    struct rlimit old, lim;
    cr_assert_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
    lim = old;
    lim.rlim_cur = (rlim_t)size1 + 40; /* the next line gets 40 bytes in */
    cr_assert_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
    json_t *res = json_object();
    const char *names[1] = { "a.jsonl.zst" };
    uint64_t lens[1] = { 20 };
    cr_assert_eq(lt_journal_commit(j, key_of(1), 1, 2, fp_of(1), res, names, lens, 1,
                                   msg, sizeof msg), LT_E_IO);
    cr_assert(strstr(msg, jpath()), "%s", msg);
    cr_assert_eq(file_size(jpath()), size1, "the partial line was cut back");
    cr_assert_eq(lt_journal_count(j), 1, "nothing committed");
    cr_assert_eq(lt_journal_device_len(j, "a.jsonl.zst"), 10);
    cr_assert_eq(setrlimit(RLIMIT_FSIZE, &old), 0);
    cr_assert_eq(lt_journal_commit(j, key_of(1), 1, 2, fp_of(1), res, names, lens, 1,
                                   msg, sizeof msg), LT_OK, "%s", msg);
    json_decref(res);
    lt_journal_close(j);
    j = jopen("o", LT_JOURNAL_RESUME);
    cr_assert_eq(lt_journal_count(j), 2);
    cr_assert_eq(lt_journal_device_len(j, "a.jsonl.zst"), 20);
    lt_journal_close(j);
}

Test(journal, second_run_on_the_same_out_is_refused)
{
    struct lt_journal *j1 = jopen("o", 0), *j2 = NULL;
    cr_assert_eq(lt_journal_open(&j2, out, "o", LT_JOURNAL_RESUME, msg, sizeof msg),
                 LT_E_IO);
    cr_assert(strstr(msg, "another"), "%s", msg);
    lt_journal_close(j1);
    j2 = jopen("o", LT_JOURNAL_RESUME);
    lt_journal_close(j2);
}

Test(journal, oversized_result_is_refused)
{
    struct lt_journal *j = jopen("o", 0);
    long long size0 = file_size(jpath());
    char *big = malloc(LT_JOURNAL_LINE_MAX + 1);
    cr_assert(big);
    memset(big, 'x', LT_JOURNAL_LINE_MAX);
    big[LT_JOURNAL_LINE_MAX] = '\0';
    json_t *res = json_pack("{s:s}", "error", big);
    cr_assert_eq(lt_journal_commit(j, "k", 1, 2, fp_of(1), res, NULL, NULL, 0, msg,
                                   sizeof msg), LT_E_LIMIT);
    cr_assert(strstr(msg, "'k'"), "%s", msg);
    cr_assert_eq(lt_journal_count(j), 0);
    cr_assert_eq(file_size(jpath()), size0);
    json_decref(res);
    free(big);
    lt_journal_close(j);
}

Test(journal, bad_commit_arguments_are_refused)
{
    struct lt_journal *j = jopen("o", 0);
    json_t *res = json_object(), *arr = json_array();
    const char *bad_dev[1] = { "../x.jsonl.zst" };
    const char *not_dev[1] = { "summary.json" };
    uint64_t len[1] = { 1 };
    cr_assert_eq(lt_journal_commit(j, "k", 1, 2, "xyz", res, NULL, NULL, 0, msg,
                                   sizeof msg), LT_E_MALFORMED);
    cr_assert_eq(lt_journal_commit(j, "k", 1, 2, fp_of(1), arr, NULL, NULL, 0, msg,
                                   sizeof msg), LT_E_MALFORMED);
    cr_assert_eq(lt_journal_commit(j, "k", 1, 2, fp_of(1), res, bad_dev, len, 1, msg,
                                   sizeof msg), LT_E_MALFORMED);
    cr_assert_eq(lt_journal_commit(j, "k", 1, 2, fp_of(1), res, not_dev, len, 1, msg,
                                   sizeof msg), LT_E_MALFORMED);
    cr_assert_eq(lt_journal_count(j), 0);
    json_decref(res);
    json_decref(arr);
    lt_journal_close(j);
}

Test(journal, non_utf8_key_round_trips)
{
    const char *key = "dev1/caf\xe9-\xff.pcap";
    struct lt_journal *j = jopen("o", 0);
    json_t *res = json_object();
    cr_assert_eq(lt_journal_commit(j, key, 5, 6, fp_of(3), res, NULL, NULL, 0, msg,
                                   sizeof msg), LT_OK, "%s", msg);
    json_decref(res);
    lt_journal_close(j);
    j = jopen("o", LT_JOURNAL_RESUME);
    const struct lt_journal_entry *e = lt_journal_done(j, key, 5, 6, fp_of(3));
    cr_assert(e);
    cr_assert_str_eq(e->key, key);
    lt_journal_close(j);
}

Test(journal, recommitted_key_replaces_its_entry)
{
    struct lt_journal *j = jopen("o", 0);
    for (int round = 0; round < 2; round++) {
        json_t *res = json_pack("{s:i}", "round", round);
        cr_assert_eq(lt_journal_commit(j, "k", 100 + round, 2, fp_of(1), res, NULL,
                                       NULL, 0, msg, sizeof msg), LT_OK, "%s", msg);
        json_decref(res);
    }
    cr_assert_eq(lt_journal_count(j), 1);
    lt_journal_close(j);
    j = jopen("o", LT_JOURNAL_RESUME);
    cr_assert_eq(lt_journal_count(j), 1);
    const struct lt_journal_entry *e = lt_journal_find(j, "k");
    cr_assert_eq(e->size, 101);
    json_t *res = NULL;
    cr_assert_eq(lt_journal_result(j, e, &res, msg, sizeof msg), LT_OK);
    cr_assert_eq(json_integer_value(json_object_get(res, "round")), 1);
    json_decref(res);
    lt_journal_close(j);
}

Test(journal, sync_commit_reads_lengths_from_the_files)
{
    put_file(in_out("a.jsonl.zst"), "123 bytes?", 10, "wb");
    struct lt_journal *j = jopen("o", LT_JOURNAL_RESUME | LT_JOURNAL_SYNC);
    const char *names[2] = { "a.jsonl.zst", "gone.jsonl.zst" };
    json_t *res = json_object();
    cr_assert_eq(lt_journal_commit(j, "k", 1, 2, fp_of(1), res, names, NULL, 1, msg,
                                   sizeof msg), LT_OK, "%s", msg);
    cr_assert_eq(lt_journal_device_len(j, "a.jsonl.zst"), 10);
    cr_assert_eq(lt_journal_commit(j, "k2", 1, 2, fp_of(1), res, names, NULL, 2, msg,
                                   sizeof msg), LT_E_IO);
    cr_assert(strstr(msg, in_out("gone.jsonl.zst")), "%s", msg);
    json_decref(res);
    lt_journal_close(j);
    j = jopen("o", LT_JOURNAL_RESUME);
    cr_assert_eq(lt_journal_count(j), 1);
    cr_assert_eq(lt_journal_device_len(j, "a.jsonl.zst"), 10);
    lt_journal_close(j);
}

/* Allocation failure: the k-th allocation fails, for every k up to the
   first call that needs no failure; each call ends in LT_OK or LT_E_NOMEM,
   leaks nothing (ASan) and leaves a journal that loads with what was
   committed. jansson's allocations fail too in commits, not in loads: its
   parser drops characters when an allocation fails (2.14 ignores
   strbuffer errors), so no caller can tell that from a damaged line. */
static long fail_at = -1, n_allocs;
static void *fail_malloc(size_t n)
{
    return n_allocs++ == fail_at ? NULL : malloc(n);
}
static void *fail_realloc(void *p, size_t n)
{
    return n_allocs++ == fail_at ? NULL : realloc(p, n);
}
static void arm(long k, bool jansson_too)
{
    static const struct lt_alloc_hooks hooks = { fail_malloc, fail_realloc, free };
    fail_at = k;
    n_allocs = 0;
    lt_alloc_set_hooks(&hooks);
    if (jansson_too)
        json_set_alloc_funcs(fail_malloc, free);
}
static void disarm(void)
{
    lt_alloc_set_hooks(NULL);
    json_set_alloc_funcs(malloc, free);
}

Test(journal, allocation_failure_is_nomem)
{
    struct lt_journal *j = jopen("o", 0);
    for (unsigned i = 0; i < 5; i++)
        commit_i(j, i, i % 2 ? "a.jsonl.zst" : "b.jsonl.zst", i);
    lt_journal_close(j);
    struct tb_buf saved = get_file(jpath());
    for (long k = 0;; k++) { /* open */
        arm(k, false);
        enum lt_err e = lt_journal_open(&j, out, "o", LT_JOURNAL_RESUME, msg, sizeof msg);
        disarm();
        cr_assert(e == LT_OK || e == LT_E_NOMEM, "fail at %ld: %s", k, msg);
        if (e == LT_OK)
            lt_journal_close(j);
        struct tb_buf now = get_file(jpath());
        cr_assert(tb_buf_eq(&now, &saved), "fail at %ld: journal unchanged", k);
        tb_buf_release(&now);
        if (n_allocs <= k)
            break;
    }
    json_t *res = json_pack("{s:i}", "leaks", 3);
    const char *names[2] = { "c.jsonl.zst", "a.jsonl.zst" };
    uint64_t lens[2] = { 9, 10 };
    for (long k = 0;; k++) { /* commit */
        tb_buf_write_file(&saved, jpath());
        j = jopen("o", LT_JOURNAL_RESUME);
        arm(k, true);
        enum lt_err e = lt_journal_commit(j, "new", 1, 2, fp_of(9), res, names, lens,
                                          2, msg, sizeof msg);
        disarm();
        cr_assert(e == LT_OK || e == LT_E_NOMEM, "fail at %ld: %s", k, msg);
        size_t want = e == LT_OK ? 6 : 5;
        cr_assert_eq(lt_journal_count(j), want, "fail at %ld", k);
        cr_assert_eq(lt_journal_device_len(j, "c.jsonl.zst"), e == LT_OK ? 9 : 0);
        lt_journal_close(j);
        j = jopen("o", LT_JOURNAL_RESUME);
        cr_assert_eq(lt_journal_count(j), want, "fail at %ld: reloaded", k);
        lt_journal_close(j);
        if (n_allocs <= k)
            break;
    }
    json_decref(res);
    tb_buf_release(&saved);
}

/* A simulated scan: input i appends one frame to device i % 3, then
   commits. die_at (step = 4 * input + phase) makes the process SIGKILL
   itself: 0 before the append, 1 in the middle of the frame, 2 between
   the frame and its commit, 3 in the middle of the journal line. With
   resume, done inputs are skipped. */
#define SIM_INPUTS 6
static void sim_run(int die_at, unsigned flags)
{
    struct lt_journal *j = jopen("o", flags);
    cr_assert_eq(lt_journal_restore_devices(j, msg, sizeof msg), LT_OK, "%s", msg);
    for (unsigned i = 0; i < SIM_INPUTS; i++) {
        if (lt_journal_done(j, key_of(i), 1000 + i, 5000000000ll + i, fp_of(i)))
            continue;
        char dev[32];
        snprintf(dev, sizeof dev, "d%u.jsonl.zst", i % 3);
        struct tb_buf text = { 0 }, frame = { 0 };
        for (unsigned k = 0; k < 50 + 20 * i; k++)
            tb_buf_printf(&text, "{\"input\":%u,\"line\":%u}\n", i, k);
        add_frame(&frame, text.p, text.len, 3, true, true);
        if (die_at == (int)(4 * i))
            raise(SIGKILL);
        put_file(in_out(dev), frame.p, die_at == (int)(4 * i + 1) ? frame.len / 2
                                                                   : frame.len, "ab");
        if (die_at == (int)(4 * i + 1) || die_at == (int)(4 * i + 2))
            raise(SIGKILL);
        long long before = file_size(jpath());
        commit_i(j, i, dev, (uint64_t)file_size(in_out(dev)));
        if (die_at == (int)(4 * i + 3)) {
            cr_assert_eq(truncate(jpath(), (before + file_size(jpath())) / 2), 0);
            raise(SIGKILL);
        }
        tb_buf_release(&text);
        tb_buf_release(&frame);
    }
    lt_journal_close(j);
}

Test(journal, resume_after_a_kill_at_any_step_gives_the_uninterrupted_output)
{
    struct tb_buf want[3];
    sim_run(-1, 0);
    for (int d = 0; d < 3; d++) {
        char dev[32];
        snprintf(dev, sizeof dev, "d%d.jsonl.zst", d);
        want[d] = get_file(in_out(dev));
    }
    for (int die_at = 0; die_at < 4 * SIM_INPUTS; die_at++) {
        fflush(NULL);
        pid_t pid = fork();
        cr_assert_neq(pid, -1);
        if (pid == 0) {
            sim_run(die_at, 0);
            _exit(0);
        }
        int st;
        cr_assert_eq(waitpid(pid, &st, 0), pid);
        cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "step %d", die_at);
        sim_run(-1, LT_JOURNAL_RESUME);
        for (int d = 0; d < 3; d++) {
            char dev[32];
            snprintf(dev, sizeof dev, "d%d.jsonl.zst", d);
            struct tb_buf got = get_file(in_out(dev));
            cr_assert(tb_buf_eq(&got, &want[d]), "step %d, device %d", die_at, d);
            tb_buf_release(&got);
        }
    }
    for (int d = 0; d < 3; d++)
        tb_buf_release(&want[d]);
}

/* ---- fingerprint ---------------------------------------------------- */

static void fp_file(const char *path, uint64_t size, char *hex)
{
    enum lt_err e = lt_journal_fingerprint(path, size, hex, msg, sizeof msg);
    cr_assert_eq(e, LT_OK, "%s", msg);
    cr_assert_eq(strlen(hex), 64);
}

Test(fingerprint, is_sha256_of_size_and_content_for_small_files)
{
    const char *path = in_out("small.pcap");
    put_file(path, "hello", 5, "wb");
    char hex[LT_JOURNAL_FP_HEX];
    fp_file(path, 5, hex);
    /* the format pins old journals: sha256(le64 size || bytes) */
    uint8_t in[13] = { 5, 0, 0, 0, 0, 0, 0, 0, 'h', 'e', 'l', 'l', 'o' };
    uint8_t md[32];
    unsigned md_len;
    cr_assert_eq(EVP_Digest(in, sizeof in, md, &md_len, EVP_sha256(), NULL), 1);
    char want[65];
    for (int i = 0; i < 32; i++)
        snprintf(want + 2 * i, 3, "%02x", md[i]);
    cr_assert_str_eq(hex, want);
}

Test(fingerprint, changes_with_a_byte_in_either_end_or_the_size)
{
    static const size_t sizes[] = { 1000, (3u << 20) / 2, 5u << 20 };
    struct tb_rng rng = tb_rng_seed(0xf1);
    for (size_t s = 0; s < 3; s++) {
        size_t n = sizes[s];
        uint8_t *p = malloc(n + 1);
        cr_assert(p);
        for (size_t i = 0; i <= n; i++)
            p[i] = (uint8_t)tb_rng_next(&rng);
        const char *path = in_out("f.pcap");
        char base[LT_JOURNAL_FP_HEX], hex[LT_JOURNAL_FP_HEX];
        put_file(path, p, n, "wb");
        fp_file(path, n, base);
        fp_file(path, n, hex);
        cr_assert_str_eq(hex, base, "deterministic");
        size_t at[] = { 0, 100, n / 2, n - 100, n - 1 };
        for (size_t k = 0; k < 5; k++) {
            p[at[k]] ^= 0x01;
            put_file(path, p, n, "wb");
            fp_file(path, n, hex);
            bool in_ends = at[k] < (1u << 20) || at[k] >= n - (1u << 20);
            if (in_ends)
                cr_assert_str_neq(hex, base, "size %zu, byte %zu", n, at[k]);
            else /* the documented blind spot: the middle of a big file */
                cr_assert_str_eq(hex, base, "size %zu, byte %zu", n, at[k]);
            p[at[k]] ^= 0x01;
        }
        put_file(path, p, n + 1, "wb");
        fp_file(path, n + 1, hex);
        cr_assert_str_neq(hex, base, "size %zu + 1", n);
        fp_file(path, n, hex); /* same bytes, the size that was stat'ed */
        cr_assert_str_eq(hex, base);
        free(p);
    }
}

Test(fingerprint, unreadable_short_or_special_files_are_errors)
{
    char hex[LT_JOURNAL_FP_HEX];
    const char *missing = in_out("missing.pcap");
    cr_assert_eq(lt_journal_fingerprint(missing, 1, hex, msg, sizeof msg), LT_E_IO);
    cr_assert(strstr(msg, missing), "%s", msg);
    const char *path = in_out("short.pcap");
    put_file(path, "abc", 3, "wb");
    cr_assert_eq(lt_journal_fingerprint(path, 10, hex, msg, sizeof msg), LT_E_IO);
    cr_assert(strstr(msg, "changed"), "%s", msg);
    const char *fifo = in_out("fifo.pcap");
    cr_assert_eq(mkfifo(fifo, 0644), 0);
    cr_assert_eq(lt_journal_fingerprint(fifo, 0, hex, msg, sizeof msg),
                 LT_E_UNSUPPORTED);
    cr_assert(strstr(msg, fifo), "%s", msg);
}

/* ---- zst_cut -------------------------------------------------------- */

/* Append one frame of src[0..n) to b; checksum and content size as asked. */
static void add_frame(struct tb_buf *b, const void *src, size_t n, int level,
                      bool checksum, bool content_size)
{
    ZSTD_CCtx *c = ZSTD_createCCtx();
    cr_assert(c);
    ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, level);
    ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, checksum);
    ZSTD_CCtx_setParameter(c, ZSTD_c_contentSizeFlag, content_size);
    size_t cap = ZSTD_compressBound(n);
    uint8_t *dst = malloc(cap);
    cr_assert(dst);
    size_t r = ZSTD_compress2(c, dst, cap, src, n);
    cr_assert(!ZSTD_isError(r), "%s", ZSTD_getErrorName(r));
    tb_buf_put(b, dst, r);
    free(dst);
    ZSTD_freeCCtx(c);
}

static void add_skippable(struct tb_buf *b, uint32_t len)
{
    tb_buf_le32(b, 0x184D2A5Au);
    tb_buf_le32(b, len);
    tb_buf_zero(b, len);
}

static void write_prefix(const char *path, const struct tb_buf *b, size_t n)
{
    put_file(path, b->p, n, "wb");
}

static uint64_t cut(const char *path)
{
    uint64_t len = 12345;
    enum lt_err e = lt_zst_cut_torn(path, &len, msg, sizeof msg);
    cr_assert_eq(e, LT_OK, "%s: %s", lt_err_str(e), msg);
    cr_assert_eq((long long)len, file_size(path));
    return len;
}

Test(zst_cut, three_frames_and_half_a_frame_cut_to_three)
{
    struct tb_buf b = { 0 }, text = { 0 };
    for (int f = 0; f < 4; f++) {
        size_t start = text.len;
        for (int i = 0; i < 200; i++)
            tb_buf_printf(&text, "{\"frame\":%d,\"line\":%d}\n", f, i);
        add_frame(&b, text.p + start, text.len - start, 3, true, true);
    }
    /* the length of three frames, from libzstd */
    size_t len3 = 0;
    for (int f = 0; f < 3; f++)
        len3 += ZSTD_findFrameCompressedSize(b.p + len3, b.len - len3);
    size_t half = len3 + (b.len - len3) / 2;
    const char *path = in_out("d.jsonl.zst");
    write_prefix(path, &b, half);
    cr_assert_eq(cut(path), len3);
    struct tb_buf got = get_file(path);
    size_t want_len = text.len * 3 / 4 + 100; /* about the first three frames */
    char *dec = malloc(want_len * 2);
    size_t r = ZSTD_decompress(dec, want_len * 2, got.p, got.len);
    cr_assert(!ZSTD_isError(r), "the cut file decodes: %s", ZSTD_getErrorName(r));
    cr_assert(r > 0 && memcmp(dec, text.p, r) == 0 && dec[r - 1] == '\n');
    cr_assert_eq(cut(path), len3, "a whole file is left alone");
    free(dec);
    tb_buf_release(&got);
    tb_buf_release(&text);
    tb_buf_release(&b);
}

Test(zst_cut, every_prefix_is_cut_to_its_last_whole_frame)
{
    struct tb_rng rng = tb_rng_seed(0xc07);
    struct tb_buf b = { 0 }, big = { 0 };
    size_t ends[16], n_ends = 0;
    /* frame shapes: small with checksum, skippable, empty, multi-block
       with raw (random), RLE (zeros) and compressed blocks, no checksum
       and no content size, negative level */
    add_frame(&b, "{\"a\":1}\n", 8, 3, true, true);
    ends[n_ends++] = b.len;
    add_skippable(&b, 37);
    ends[n_ends++] = b.len;
    add_frame(&b, "", 0, 3, true, true);
    ends[n_ends++] = b.len;
    for (int i = 0; i < 150000; i++)
        tb_buf_u8(&big, (uint8_t)tb_rng_next(&rng));
    tb_buf_zero(&big, 300000);
    for (int i = 0; i < 5000; i++)
        tb_buf_printf(&big, "{\"line\":%d,\"v\":\"%u\"}\n", i,
                      (unsigned)tb_rng_below(&rng, 1000));
    add_frame(&b, big.p, big.len, 1, true, true);
    ends[n_ends++] = b.len;
    add_frame(&b, big.p + 400000, 60000, 3, false, false);
    ends[n_ends++] = b.len;
    add_frame(&b, big.p + 100000, 1000, -5, false, true);
    ends[n_ends++] = b.len;
    /* libzstd agrees on every boundary */
    for (size_t f = 0, off = 0; f < n_ends; f++) {
        size_t r = ZSTD_findFrameCompressedSize(b.p + off, b.len - off);
        cr_assert(!ZSTD_isError(r));
        off += r;
        cr_assert_eq(off, ends[f], "frame %zu", f);
    }
    const char *path = in_out("d.jsonl.zst");
    size_t tests[2000], n_tests = 0;
    for (size_t p = 0; p < ends[2] + 40; p++) /* every byte of the small frames */
        tests[n_tests++] = p;
    for (size_t f = 2; f < n_ends; f++)
        for (int d = -20; d <= 3; d++)
            if ((long)ends[f] + d >= 0 && ends[f] + d <= b.len)
                tests[n_tests++] = ends[f] + d;
    for (int i = 0; i < 150; i++)
        tests[n_tests++] = tb_rng_below(&rng, b.len + 1);
    for (size_t t = 0; t < n_tests; t++) {
        size_t p = tests[t], want = 0;
        for (size_t f = 0; f < n_ends; f++)
            if (ends[f] <= p)
                want = ends[f];
        write_prefix(path, &b, p);
        cr_assert_eq(cut(path), want, "prefix %zu, seed 0xc07", p);
    }
    tb_buf_release(&big);
    tb_buf_release(&b);
}

Test(zst_cut, damage_before_the_end_is_left_alone)
{
    struct tb_buf b = { 0 };
    add_frame(&b, "one\n", 4, 3, true, true);
    size_t first = b.len;
    tb_buf_puts(&b, "not a frame at all");
    add_frame(&b, "two\n", 4, 3, true, true);
    const char *path = in_out("d.jsonl.zst");
    write_prefix(path, &b, b.len);
    uint64_t len = 0;
    cr_assert_eq(lt_zst_cut_torn(path, &len, msg, sizeof msg), LT_E_MALFORMED);
    cr_assert(strstr(msg, path) && strstr(msg, "offset"), "%s", msg);
    char off[32];
    snprintf(off, sizeof off, "offset %zu", first);
    cr_assert(strstr(msg, off), "%s", msg);
    cr_assert_eq(file_size(path), (long long)b.len, "left as it was");
    /* a header with its reserved bit set; a reserved block type */
    static const uint8_t reserved_bit[] = { 0x28, 0xb5, 0x2f, 0xfd, 0x28, 0x00,
                                            0x01, 0x00, 0x00 };
    static const uint8_t reserved_type[] = { 0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x00,
                                             0x07, 0x00, 0x00 };
    put_file(path, reserved_bit, sizeof reserved_bit, "wb");
    cr_assert_eq(lt_zst_cut_torn(path, &len, msg, sizeof msg), LT_E_MALFORMED);
    cr_assert(strstr(msg, "reserved bit"), "%s", msg);
    put_file(path, reserved_type, sizeof reserved_type, "wb");
    cr_assert_eq(lt_zst_cut_torn(path, &len, msg, sizeof msg), LT_E_MALFORMED);
    cr_assert(strstr(msg, "reserved block type"), "%s", msg);
    cr_assert_eq(file_size(path), (long long)sizeof reserved_type);
    tb_buf_release(&b);
}

Test(zst_cut, empty_and_missing_files)
{
    const char *path = in_out("e.jsonl.zst");
    put_file(path, "", 0, "wb");
    cr_assert_eq(cut(path), 0);
    put_file(path, "\x28\xb5", 2, "wb"); /* two bytes of a magic */
    cr_assert_eq(cut(path), 0);
    uint64_t len;
    const char *missing = in_out("missing.jsonl.zst");
    cr_assert_eq(lt_zst_cut_torn(missing, &len, msg, sizeof msg), LT_E_IO);
    cr_assert(strstr(msg, missing), "%s", msg);
}
