/* SPDX-License-Identifier: MIT */
/*
 * corpus_agree.c - conformance against real captures (ctest: corpus).
 *
 * Runs `leaktrawl scan --requests` over ../shared/corpus and compares, per
 * capture, the (host, method, uri) rows with what tshark saw
 * (corpus/expected/<file>.tsv, same escaping as ours). Agreement of a file
 * = rows of the expected multiset that we also produced; the run must agree
 * on at least 99% of all expected rows, and leaktrawl must exit 0 or 3
 * (never a crash). Prints every file that differs, with samples.
 * Exits 77 (ctest: skipped) when the corpus is absent, as on a fresh clone.
 *
 * usage: corpus_agree LEAKTRAWL CORPUS_DIR WORK_DIR
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

struct row {
    char *file;   /* capture name */
    char *key;    /* "host\tmethod\turi" */
    int used;
};

struct rows {
    struct row *v;
    size_t n, cap;
};

static void add_row(struct rows *r, const char *file, const char *key)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 1024;
        r->v = realloc(r->v, r->cap * sizeof *r->v);
        if (!r->v)
            abort();
    }
    r->v[r->n].file = strdup(file);
    r->v[r->n].key = strdup(key);
    r->v[r->n].used = 0;
    r->n++;
}

static void free_rows(struct rows *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->v[i].file);
        free(r->v[i].key);
    }
    free(r->v);
}

static int cmp_row(const void *a, const void *b)
{
    const struct row *x = a, *y = b;
    int c = strcmp(x->file, y->file);
    return c ? c : strcmp(x->key, y->key);
}

static void chomp(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = '\0';
}

/* Our TSV: capture, frame, host, method, uri. */
static int load_ours(const char *path, struct rows *out)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char *line = NULL;
    size_t cap = 0;
    int first = 1;
    while (getline(&line, &cap, f) > 0) {
        chomp(line);
        if (first) { first = 0; continue; } /* header */
        char *cap_name = line;
        char *t1 = strchr(cap_name, '\t');
        if (!t1) continue;
        *t1 = '\0';
        char *t2 = strchr(t1 + 1, '\t');
        if (!t2) continue;
        add_row(out, cap_name, t2 + 1);
    }
    free(line);
    fclose(f);
    return 0;
}

static void load_expected(const char *dir, const char *name, struct rows *out)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/expected/%s.tsv", dir, name);
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, f) > 0) {
        chomp(line);
        add_row(out, name, line);
    }
    free(line);
    fclose(f);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: corpus_agree LEAKTRAWL CORPUS_DIR WORK_DIR\n");
        return 2;
    }
    const char *bin = argv[1], *corpus = argv[2], *work = argv[3];
    char path[4096], cmd[12288];
    snprintf(path, sizeof path, "%s/expected", corpus);
    struct stat sb;
    if (stat(path, &sb) != 0) {
        printf("corpus_agree: SKIPPED: no corpus at '%s' (../shared is absent "
               "in a fresh clone)\n", corpus);
        return 77;
    }
    snprintf(cmd, sizeof cmd,
             "rm -rf '%s' && '%s' scan -q -j 1 -o '%s' --requests '%s/requests.tsv' '%s'",
             work, bin, work, work, corpus);
    int st = system(cmd);
    if (st == -1 || !WIFEXITED(st) ||
        (WEXITSTATUS(st) != 0 && WEXITSTATUS(st) != 3)) {
        fprintf(stderr, "corpus_agree: FAIL: leaktrawl did not finish cleanly "
                        "(status %d, signal %d)\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1,
                WIFSIGNALED(st) ? WTERMSIG(st) : 0);
        return 1;
    }

    struct rows ours = { 0 }, exp = { 0 };
    snprintf(path, sizeof path, "%s/requests.tsv", work);
    if (load_ours(path, &ours) != 0) {
        fprintf(stderr, "corpus_agree: FAIL: no '%s'\n", path);
        return 1;
    }
    DIR *d = opendir(corpus);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.' || !strstr(e->d_name, "__"))
            continue;
        load_expected(corpus, e->d_name, &exp);
    }
    if (d)
        closedir(d);
    qsort(ours.v, ours.n, sizeof *ours.v, cmp_row);
    qsort(exp.v, exp.n, sizeof *exp.v, cmp_row);

    /* merge-walk the sorted lists: multiset intersection per file */
    size_t i = 0, j = 0, matched = 0;
    while (i < exp.n && j < ours.n) {
        int c = cmp_row(&exp.v[i], &ours.v[j]);
        if (c == 0) {
            exp.v[i].used = ours.v[j].used = 1;
            matched++, i++, j++;
        } else if (c < 0) {
            i++;
        } else {
            j++;
        }
    }

    /* per-file report of differences */
    size_t files_differ = 0, extra_total = 0;
    for (size_t a = 0; a < exp.n;) {
        size_t b = a, n_exp = 0, n_hit = 0;
        while (b < exp.n && !strcmp(exp.v[b].file, exp.v[a].file)) {
            n_exp++;
            n_hit += exp.v[b].used;
            b++;
        }
        if (n_hit < n_exp) {
            files_differ++;
            printf("%-90s %4zu/%-4zu %.1f%%\n", exp.v[a].file, n_hit, n_exp,
                   100.0 * n_hit / n_exp);
            int shown = 0;
            for (size_t k = a; k < b && shown < 3; k++)
                if (!exp.v[k].used) {
                    printf("    missing: %.160s\n", exp.v[k].key);
                    shown++;
                }
        }
        a = b;
    }
    for (size_t k = 0; k < ours.n; k++)
        extra_total += !ours.v[k].used;
    double pct = exp.n ? 100.0 * matched / exp.n : 100.0;
    printf("corpus_agree: %zu of %zu expected requests found (%.2f%%); %zu "
           "files differ; %zu requests only leaktrawl reports\n",
           matched, exp.n, pct, files_differ, extra_total);
    free_rows(&ours);
    free_rows(&exp);
    if (pct < 99.0) {
        printf("corpus_agree: FAIL: agreement below 99%%\n");
        return 1;
    }
    printf("corpus_agree: PASS\n");
    return 0;
}
