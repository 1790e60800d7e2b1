/* SPDX-License-Identifier: MIT */
/* test_inputs.c - which files are read (io/walk) and where each goes:
   device from path, safe names, shards (conf/assign). */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/base/alloc.h"
#include "core/conf/assign.h"
#include "core/io/walk.h"
#include "tb_buf.h"

/* ---- device_from_path / safe names ------------------------------------ */

static void expect_dev(const char *rel, const char *want)
{
    char out[64];
    memset(out, 'z', sizeof out);
    lt_device_from_path(rel, out, sizeof out);
    cr_assert_str_eq(out, want, "'%s' -> '%s', want '%s'", rel, out, want);
}

Test(assign, device_from_path)
{
    expect_dev("dev1/a/b.pcap", "dev1");
    expect_dev("dev1/b.pcap", "dev1");
    expect_dev("phone.2020-05.pcap", "phone");
    expect_dev("phone", "phone");
    expect_dev("phone.pcap", "phone");
    expect_dev("dev.x/a.pcap", "dev.x"); /* a directory keeps its dots */
    expect_dev(".hidden", "_");
    expect_dev("/abs", "_");
    expect_dev("", "_");
    expect_dev("a b/c", "a b"); /* the id as is: safe names are a separate step */
}

Test(assign, device_from_path_truncates_to_out_cap)
{
    char out[5];
    lt_device_from_path("longdevicename/x", out, sizeof out);
    cr_assert_str_eq(out, "long");
    char one[1] = { 'x' };
    lt_device_from_path("abc", one, 1);
    cr_assert_eq(one[0], '\0');
    lt_device_from_path("abc", one, 0); /* writes nothing */
}

static void expect_safe(const char *id, const char *want)
{
    char out[64];
    lt_device_safe_name(id, out, sizeof out);
    cr_assert_str_eq(out, want, "'%s' -> '%s', want '%s'", id, out, want);
}

Test(assign, safe_names)
{
    expect_safe("redmi-note8-01", "redmi-note8-01");
    expect_safe("A.b_c-9", "A.b_c-9");
    expect_safe("a/b", "a_b");
    expect_safe("../etc/passwd", ".._etc_passwd");
    expect_safe("a b\tc\n", "a_b_c_");
    expect_safe("caf\xc3\xa9", "caf__"); /* every byte */
    expect_safe("", "_");
    expect_safe(".", "_");
    expect_safe("..", "__");
    expect_safe("...", "...");
    expect_safe("\\:*?\"<>|", "________");
    char out[4];
    lt_device_safe_name("abcdef", out, sizeof out);
    cr_assert_str_eq(out, "abc");
}

/* ---- shards -------------------------------------------------------------- */

Test(shard, parse_good)
{
    struct lt_shard s;
    char msg[128];
    cr_assert_eq(lt_shard_parse("0/1", &s, msg, sizeof msg), LT_OK);
    cr_assert(s.index == 0 && s.count == 1);
    cr_assert_eq(lt_shard_parse("3/8", &s, msg, sizeof msg), LT_OK);
    cr_assert(s.index == 3 && s.count == 8);
    cr_assert_eq(lt_shard_parse("007/010", &s, msg, sizeof msg), LT_OK);
    cr_assert(s.index == 7 && s.count == 10);
    cr_assert_eq(lt_shard_parse("4294967294/4294967295", &s, msg, sizeof msg), LT_OK);
    cr_assert(s.index == 4294967294u && s.count == 4294967295u);
}

Test(shard, parse_bad)
{
    static const char *bad[] = { "", "/", "1", "1/", "/2", "2/2", "3/2", "0/0", "-1/4", "+1/4",
                                 "1/+4", " 1/4", "1/4 ", "1 /4", "1/ 4", "1/4x", "a/4", "1/4/5",
                                 "0x1/4", "1.0/4", "0/4294967296", "4294967296/4294967297",
                                 "0/99999999999999999999999" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct lt_shard s = { 77, 77 };
        char msg[128] = "";
        cr_assert_eq(lt_shard_parse(bad[i], &s, msg, sizeof msg), LT_E_MALFORMED, "'%s'", bad[i]);
        cr_assert(s.index == 77 && s.count == 77, "'%s' changed *out", bad[i]);
        cr_assert(strncmp(msg, "invalid shard '", 15) == 0, "'%s': %s", bad[i], msg);
    }
    struct lt_shard s;
    char msg[128];
    lt_shard_parse("2/2", &s, msg, sizeof msg);
    cr_assert_str_eq(msg, "invalid shard '2/2': need 0 <= I < N");
    cr_assert_eq(lt_shard_parse("x", &s, NULL, 0), LT_E_MALFORMED);
}

/* A fake environment for lt_shard_from_env(). */
static const char *env_vals[4];
static const char *fake_get(const char *name)
{
    if (strcmp(name, "SLURM_ARRAY_TASK_ID") == 0)
        return env_vals[0];
    if (strcmp(name, "SLURM_ARRAY_TASK_COUNT") == 0)
        return env_vals[1];
    if (strcmp(name, "SLURM_ARRAY_TASK_MIN") == 0)
        return env_vals[2];
    if (strcmp(name, "SLURM_ARRAY_TASK_STEP") == 0)
        return env_vals[3];
    return NULL;
}

static enum lt_err from_env(const char *id, const char *count, const char *min, const char *step,
                            struct lt_shard *s, bool *found, char *msg)
{
    env_vals[0] = id;
    env_vals[1] = count;
    env_vals[2] = min;
    env_vals[3] = step;
    s->index = s->count = 99;
    return lt_shard_from_env(s, found, fake_get, msg, 256);
}

Test(shard, from_env)
{
    struct lt_shard s;
    bool found;
    char msg[256];
    /* not in an array */
    cr_assert_eq(from_env(NULL, NULL, NULL, NULL, &s, &found, msg), LT_OK);
    cr_assert(!found && s.index == 0 && s.count == 1);
    cr_assert_eq(from_env("3", NULL, "0", "1", &s, &found, msg), LT_OK);
    cr_assert(!found && s.index == 0 && s.count == 1);
    cr_assert_eq(from_env(NULL, "4", NULL, NULL, &s, &found, msg), LT_OK);
    cr_assert(!found);
    cr_assert_eq(from_env("", "", NULL, NULL, &s, &found, msg), LT_OK);
    cr_assert(!found);
    /* defaults MIN = 0, STEP = 1 */
    cr_assert_eq(from_env("2", "4", NULL, NULL, &s, &found, msg), LT_OK, "%s", msg);
    cr_assert(found && s.index == 2 && s.count == 4);
    /* --array=1-8 */
    cr_assert_eq(from_env("1", "8", "1", "1", &s, &found, msg), LT_OK, "%s", msg);
    cr_assert(found && s.index == 0 && s.count == 8);
    cr_assert_eq(from_env("8", "8", "1", "1", &s, &found, msg), LT_OK, "%s", msg);
    cr_assert(s.index == 7 && s.count == 8);
    /* --array=10-40:10 -> 10, 20, 30, 40 */
    cr_assert_eq(from_env("30", "4", "10", "10", &s, &found, msg), LT_OK, "%s", msg);
    cr_assert(found && s.index == 2 && s.count == 4);
    cr_assert_eq(from_env("40", "4", "10", "10", &s, &found, msg), LT_OK, "%s", msg);
    cr_assert(s.index == 3);
}

Test(shard, from_env_inconsistent)
{
    struct lt_shard s;
    bool found;
    char msg[256];
    struct {
        const char *id, *count, *min, *step, *msg_has;
    } bad[] = {
        { "4", "4", NULL, NULL, "does not fit" },           /* I >= N */
        { "0", "4", "1", NULL, "does not fit" },            /* ID < MIN */
        { "15", "4", "10", "10", "does not fit" },          /* not on a step */
        { "50", "4", "10", "10", "does not fit" },          /* past the end */
        { "x", "4", NULL, NULL, "SLURM_ARRAY_TASK_ID='x' is not a decimal number" },
        { "1", "4x", NULL, NULL, "SLURM_ARRAY_TASK_COUNT='4x'" },
        { "1", "4", "-1", NULL, "SLURM_ARRAY_TASK_MIN='-1'" },
        { "1", "4", NULL, "1.5", "SLURM_ARRAY_TASK_STEP='1.5'" },
        { "1", "4", NULL, "0", "SLURM_ARRAY_TASK_STEP is 0" },
        { "0", "0", NULL, NULL, "SLURM_ARRAY_TASK_COUNT is 0" },
        { "1", "99999999999", NULL, NULL, "SLURM_ARRAY_TASK_COUNT='99999999999'" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        msg[0] = 0;
        cr_assert_eq(from_env(bad[i].id, bad[i].count, bad[i].min, bad[i].step, &s, &found, msg),
                     LT_E_MALFORMED, "case %zu", i);
        cr_assert(found, "case %zu", i);
        cr_assert(s.index == 0 && s.count == 1, "case %zu", i);
        cr_assert(strstr(msg, bad[i].msg_has), "case %zu: %s", i, msg);
    }
}

Test(shard, every_path_has_exactly_one_owner_and_spread_is_even)
{
    const uint32_t n = 7;
    uint32_t per[7] = { 0 };
    for (int i = 0; i < 1000; i++) {
        char rel[64];
        snprintf(rel, sizeof rel, "dev%d/2020-05-%02d.pcap", i % 37, i);
        int owners = 0;
        for (uint32_t k = 0; k < n; k++) {
            struct lt_shard s = { k, n };
            if (lt_shard_owns(&s, rel)) {
                owners++;
                per[k]++;
            }
        }
        cr_assert_eq(owners, 1, "'%s' has %d owners", rel, owners);
    }
    /* 1000 / 7 = 143 each on average */
    for (uint32_t k = 0; k < n; k++)
        cr_assert(per[k] > 100 && per[k] < 190, "shard %u owns %u of 1000", k, per[k]);
    /* {0, 1} owns everything */
    struct lt_shard all = { 0, 1 };
    cr_assert(lt_shard_owns(&all, "x"));
}

Test(shard, owner_is_stable)
{
    /* FNV-1a 64 of the path mod N: fixed values, so a hash change shows */
    struct lt_shard s7 = { 5, 7 }, s16 = { 3, 16 }, s1000 = { 435, 1000 };
    cr_assert(lt_shard_owns(&s7, "dev1/a.pcap"));
    cr_assert(lt_shard_owns(&s16, "dev1/a.pcap"));
    cr_assert(lt_shard_owns(&s1000, "dev1/a.pcap"));
    struct lt_shard r = { 2, 7 };
    cr_assert(lt_shard_owns(&r, "redmi-note8-01/s1.pcap"));
    r.index = 3;
    cr_assert(!lt_shard_owns(&r, "redmi-note8-01/s1.pcap"));
}

/* ---- walk ------------------------------------------------------------------ */

static void put_file(const char *dir, const char *rel, const char *content)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    struct tb_buf b = { 0 };
    tb_buf_puts(&b, content);
    tb_buf_write_file(&b, path);
    tb_buf_release(&b);
}

static void make_dir(const char *dir, const char *rel)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    cr_assert_eq(mkdir(path, 0755), 0, "mkdir %s: %s", path, strerror(errno));
}

static void make_link(const char *dir, const char *rel, const char *target)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    cr_assert_eq(symlink(target, path), 0, "symlink %s: %s", path, strerror(errno));
}

/* The test tree:
     B.pcap  a-b.pcap  a.pcap  a/x.pcap  a/y/z.pcap  caf\xc3\xa9.pcap
     .hidden  .hiddendir/f.pcap  b/.h.pcap  empty/
     c/fifo (FIFO)  c/loop -> ..  c/self -> .  c/link.pcap -> ../a.pcap
     c/dangling -> nowhere
   sorted by rel: "B.pcap" < "a-b.pcap" < "a.pcap" < "a/x.pcap" < ... because
   '-' < '.' < '/': sorting each directory's names alone would put a/x
   before a-b. */
static const char *make_tree(void)
{
    static char root[512];
    snprintf(root, sizeof root, "%s", tb_tempdir("walk"));
    put_file(root, "B.pcap", "B");
    put_file(root, "a-b.pcap", "ab");
    put_file(root, "a.pcap", "12345");
    make_dir(root, "a");
    put_file(root, "a/x.pcap", "x");
    make_dir(root, "a/y");
    put_file(root, "a/y/z.pcap", "zz");
    put_file(root, "caf\xc3\xa9.pcap", "e");
    put_file(root, ".hidden", "h");
    make_dir(root, ".hiddendir");
    put_file(root, ".hiddendir/f.pcap", "h");
    make_dir(root, "b");
    put_file(root, "b/.h.pcap", "h");
    make_dir(root, "empty");
    make_dir(root, "c");
    char fifo[1024];
    snprintf(fifo, sizeof fifo, "%s/c/fifo", root);
    cr_assert_eq(mkfifo(fifo, 0644), 0);
    make_link(root, "c/loop", "..");
    make_link(root, "c/self", ".");
    make_link(root, "c/link.pcap", "../a.pcap");
    make_link(root, "c/dangling", "nowhere");
    return root;
}

struct want {
    const char *rel;
    uint64_t size;
    bool error;
};

static const struct want tree_want[] = {
    { "B.pcap", 1, false },     { "a-b.pcap", 2, false },   { "a.pcap", 5, false },
    { "a/x.pcap", 1, false },   { "a/y/z.pcap", 2, false }, { "c/dangling", 0, true },
    { "c/link.pcap", 5, false }, { "caf\xc3\xa9.pcap", 1, false },
};
#define N_TREE (sizeof tree_want / sizeof tree_want[0])

static void expect_tree(const struct lt_input_list *l, size_t first, const char *root,
                        uint32_t root_idx)
{
    for (size_t i = 0; i < N_TREE; i++) {
        const struct lt_input_file *f = &l->files[first + i];
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", root, tree_want[i].rel);
        cr_assert_str_eq(f->rel, tree_want[i].rel, "entry %zu: '%s'", i, f->rel);
        cr_assert_str_eq(f->path, path, "entry %zu: '%s'", i, f->path);
        cr_assert_eq(f->root, root_idx);
        cr_assert(!f->named);
        cr_assert_eq(f->size, tree_want[i].size, "%s: size %llu", f->rel,
                     (unsigned long long)f->size);
        if (tree_want[i].error)
            cr_assert(f->error && strcmp(f->error, "No such file or directory") == 0, "%s: %s",
                      f->rel, f->error ? f->error : "(none)");
        else
            cr_assert_null(f->error, "%s: %s", f->rel, f->error);
    }
}

Test(walk, directory_gives_sorted_visible_files)
{
    const char *root = make_tree();
    struct lt_input_list l;
    const char *in[] = { root };
    cr_assert_eq(lt_walk_inputs(in, 1, &l), LT_OK);
    for (size_t i = 0; i < l.n; i++)
        cr_log_info("%s", l.files[i].rel);
    cr_assert_eq(l.n, N_TREE, "%zu entries", l.n);
    expect_tree(&l, 0, root, 0);
    lt_input_list_release(&l);
    cr_assert_eq(l.n, 0);
    cr_assert_null(l.files);
}

Test(walk, trailing_slashes_do_not_change_rel)
{
    const char *root = make_tree();
    char slashed[600];
    snprintf(slashed, sizeof slashed, "%s//", root);
    struct lt_input_list l;
    const char *in[] = { slashed };
    cr_assert_eq(lt_walk_inputs(in, 1, &l), LT_OK);
    cr_assert_eq(l.n, N_TREE);
    expect_tree(&l, 0, root, 0);
    lt_input_list_release(&l);
}

Test(walk, several_inputs_named_files_and_missing_ones)
{
    const char *root = make_tree();
    char file[600], missing[600], sub[600], fifo[600], linkdir[600];
    snprintf(file, sizeof file, "%s/a/y/z.pcap", root);
    snprintf(missing, sizeof missing, "%s/nope.pcap", root);
    snprintf(sub, sizeof sub, "%s/a/", root);
    snprintf(fifo, sizeof fifo, "%s/c/fifo", root);
    snprintf(linkdir, sizeof linkdir, "%s/c/self", root); /* a link to a directory, named */
    const char *in[] = { file, missing, sub, root, fifo, linkdir, ".hiddenname-missing" };
    struct lt_input_list l;
    cr_assert_eq(lt_walk_inputs(in, 7, &l), LT_OK);
    cr_assert_eq(l.n, 1 + 1 + 2 + N_TREE + 1 + 2 + 1, "%zu entries", l.n);

    const struct lt_input_file *f = &l.files[0];
    cr_assert_str_eq(f->rel, "z.pcap");
    cr_assert_str_eq(f->path, file);
    cr_assert(f->named && f->root == 0 && f->size == 2 && !f->error);

    f = &l.files[1];
    cr_assert_str_eq(f->rel, "nope.pcap");
    cr_assert_str_eq(f->path, missing);
    cr_assert(f->named && f->root == 1 && f->size == 0);
    cr_assert_str_eq(f->error, "No such file or directory");

    cr_assert_str_eq(l.files[2].rel, "x.pcap");
    cr_assert_str_eq(l.files[3].rel, "y/z.pcap");
    char p[700];
    snprintf(p, sizeof p, "%s/a/y/z.pcap", root);
    cr_assert_str_eq(l.files[3].path, p);
    cr_assert(l.files[2].root == 2 && l.files[3].root == 2 && !l.files[3].named);

    expect_tree(&l, 4, root, 3);

    f = &l.files[4 + N_TREE];
    cr_assert_str_eq(f->rel, "fifo");
    cr_assert(f->named && f->root == 4 && !f->error && f->size == 0);

    /* c/self -> . : walked as the directory c (its loop and self links not followed) */
    cr_assert_str_eq(l.files[5 + N_TREE].rel, "dangling");
    cr_assert_str_eq(l.files[6 + N_TREE].rel, "link.pcap");
    cr_assert_eq(l.files[6 + N_TREE].root, 5);

    f = &l.files[7 + N_TREE];
    cr_assert_str_eq(f->rel, ".hiddenname-missing"); /* named: not skipped, just missing */
    cr_assert_str_eq(f->error, "No such file or directory");
    lt_input_list_release(&l);
}

Test(walk, no_inputs_and_empty_directory)
{
    struct lt_input_list l;
    cr_assert_eq(lt_walk_inputs(NULL, 0, &l), LT_OK);
    cr_assert_eq(l.n, 0);
    lt_input_list_release(&l);
    const char *in[] = { tb_tempdir("walk-empty") };
    cr_assert_eq(lt_walk_inputs(in, 1, &l), LT_OK);
    cr_assert_eq(l.n, 0);
    lt_input_list_release(&l);
}

Test(walk, unreadable_directory_is_an_error_entry)
{
    if (geteuid() == 0)
        cr_skip_test("root reads every directory");
    char root[512];
    snprintf(root, sizeof root, "%s", tb_tempdir("walk-perm"));
    make_dir(root, "locked");
    put_file(root, "locked/a.pcap", "a");
    put_file(root, "z.pcap", "z");
    char locked[600];
    snprintf(locked, sizeof locked, "%s/locked", root);
    chmod(locked, 0);
    struct lt_input_list l;
    const char *in[] = { root, locked };
    cr_assert_eq(lt_walk_inputs(in, 2, &l), LT_OK);
    chmod(locked, 0755);
    cr_assert_eq(l.n, 3);
    cr_assert_str_eq(l.files[0].rel, "locked");
    cr_assert_str_eq(l.files[0].error, "Permission denied");
    cr_assert(!l.files[0].named);
    cr_assert_str_eq(l.files[1].rel, "z.pcap");
    cr_assert_str_eq(l.files[2].rel, "locked");
    cr_assert(l.files[2].named && l.files[2].error);
    lt_input_list_release(&l);
}

static long fail_after;
static void *fail_malloc(size_t n)
{
    return fail_after-- > 0 ? malloc(n) : NULL;
}
static void *fail_realloc(void *p, size_t n)
{
    return fail_after-- > 0 ? realloc(p, n) : NULL;
}

Test(walk, every_allocation_failure_is_nomem_without_leaks)
{
    const char *root = make_tree();
    char missing[600];
    snprintf(missing, sizeof missing, "%s/nope", root);
    const char *in[] = { root, missing };
    static const struct lt_alloc_hooks hooks = { fail_malloc, fail_realloc, free };
    lt_alloc_set_hooks(&hooks);
    int n_nomem = 0;
    for (long k = 0;; k++) {
        struct lt_input_list l = { (void *)1, 99 };
        fail_after = k;
        enum lt_err e = lt_walk_inputs(in, 2, &l);
        if (e == LT_OK) {
            cr_assert_eq(l.n, N_TREE + 1);
            lt_input_list_release(&l);
            break;
        }
        cr_assert_eq(e, LT_E_NOMEM, "k=%ld", k);
        cr_assert(l.n == 0 && l.files == NULL, "k=%ld", k);
        n_nomem++;
        cr_assert_lt(k, 10000);
    }
    lt_alloc_set_hooks(NULL);
    cr_assert_gt(n_nomem, 30);
}
