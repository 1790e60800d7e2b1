/* SPDX-License-Identifier: MIT */
#include "tb_run.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zstd.h>

static double last_s;
static long last_rss_kb;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

const char *tb_leaktrawl(void)
{
    static char path[1024];
    const char *dir = getenv("LT_BINARY_DIR");
    snprintf(path, sizeof path, "%s/cmd/leaktrawl", dir ? dir : "build");
    return path;
}

int tb_run(const struct tb_run_opts *o, const char *const *args)
{
    double t0 = now_s();
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        if (!freopen(o->err_path ? o->err_path : "/dev/null", "w", stderr) ||
            !freopen("/dev/null", "w", stdout))
            _exit(99);
        unsetenv("SLURM_ARRAY_TASK_ID");
        unsetenv("SLURM_ARRAY_TASK_MIN");
        unsetenv("SLURM_ARRAY_TASK_STEP");
        unsetenv("SLURM_ARRAY_TASK_COUNT");
        for (int i = 0; o->env && o->env[i]; i++)
            putenv((char *)o->env[i]);
        if (o->cpu_limit_s > 0) {
            struct rlimit cpu = { (rlim_t)o->cpu_limit_s, (rlim_t)o->cpu_limit_s + 5 };
            setrlimit(RLIMIT_CPU, &cpu);
        }
        if (o->fsize_limit > 0) {
            struct rlimit rl = { (rlim_t)o->fsize_limit, (rlim_t)o->fsize_limit };
            signal(SIGXFSZ, SIG_IGN); /* writes then fail with EFBIG */
            setrlimit(RLIMIT_FSIZE, &rl);
        }
        const char *argv[64] = { "leaktrawl" };
        for (int i = 0; args[i] && i < 62; i++)
            argv[i + 1] = args[i];
        execv(tb_leaktrawl(), (char *const *)argv);
        _exit(98);
    }
    int st = 0;
    struct rusage ru;
    memset(&ru, 0, sizeof ru);
    if (o->signal_after_s > 0) {
        /* poll, so a run that ends before the moment is not signalled */
        double until = t0 + o->signal_after_s;
        while (wait4(pid, &st, WNOHANG, &ru) == 0) {
            if (now_s() >= until) {
                kill(pid, o->signal);
                wait4(pid, &st, 0, &ru);
                break;
            }
            usleep(2000);
        }
    } else {
        wait4(pid, &st, 0, &ru);
    }
    last_s = now_s() - t0;
    last_rss_kb = ru.ru_maxrss;
    if (WIFSIGNALED(st))
        return 128 + WTERMSIG(st);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

double tb_run_last_seconds(void)
{
    return last_s;
}

long tb_run_last_rss_kb(void)
{
    return last_rss_kb;
}

char *tb_slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct tb_buf b = { 0 };
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        tb_buf_put(&b, chunk, n);
    fclose(f);
    tb_buf_u8(&b, 0);
    return (char *)b.p;
}

bool tb_unzstd_file(const char *path, struct tb_buf *out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    struct tb_buf zb = { 0 };
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        tb_buf_put(&zb, chunk, n);
    fclose(f);
    ZSTD_DStream *ds = ZSTD_createDStream();
    ZSTD_inBuffer in = { zb.p, zb.len, 0 };
    size_t r = 0;
    bool ok = true;
    bool full = false; /* output may be pending while the output was full */
    while (in.pos < in.size || full) {
        ZSTD_outBuffer o = { chunk, sizeof chunk, 0 };
        r = ZSTD_decompressStream(ds, &o, &in);
        if (ZSTD_isError(r)) {
            ok = false;
            break;
        }
        tb_buf_put(out, chunk, o.pos);
        full = o.pos == o.size;
    }
    /* r != 0 at the end: the last frame is not whole */
    if (ok && r != 0)
        ok = false;
    ZSTD_freeDStream(ds);
    tb_buf_release(&zb);
    return ok;
}
