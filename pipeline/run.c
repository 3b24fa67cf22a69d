// run.c: the plan executor (fork/exec of /bin/sh per rule, at most N at once).
#include "pipeline/run.h" // defines: pl_run
#include "core/cli.h"     // defines: GD_VERSION
#include "core/fileio.h"  // defines: gd_mkdir_p, gd_read_file, gd_atomic_*
#include "core/log.h"     // defines: gd_error
#include "core/outdir.h"  // defines: gd_is_tmp_name
#include "pipeline/lock.h" // defines: pl_out_lock
#include "core/progress.h" // defines: gd_now
#include "core/sha256.h"  // defines: gd_sha256_*

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

// SKIPPED: an earlier stage's output taken as it is; IGNORED: a later stage not asked for.
enum { PENDING, RUNNING, DONE, CACHED, FAILED, SKIPPED, IGNORED };

typedef struct {
    int    state;
    pid_t  pid;
    double t_start, seconds;
    char   key[GD_SHA256_HEX_LEN];
} rule_state;

static char *state_path(const pl_recipe *r, const char *kind, const pl_rule *ru, const char *ext) {
    char flat[256], *p = malloc(strlen(r->out) + 600);
    snprintf(flat, sizeof flat, "%s", ru->name);
    for (char *c = flat; *c; c++) if (*c == '/') *c = '_';
    sprintf(p, "%s/.gendang/%s/%s%s", r->out, kind, flat, ext);
    return p;
}

static void hash_file_into(gd_sha256_ctx *ctx, const char *path) {
    char hex[GD_SHA256_HEX_LEN] = "missing";
    gd_log_level lvl = gd_log_get_level();
    gd_log_set_level(GD_LOG_QUIET);
    gd_sha256_file(hex, path);
    gd_log_set_level(lvl);
    gd_sha256_update(ctx, path, strlen(path) + 1);
    gd_sha256_update(ctx, hex, strlen(hex));
}

static int is_tool(const struct dirent *e) { return !strncmp(e->d_name, "gendang", 7); }

// sha256 over the name and bytes of every gendang* program beside the gendang binary, in name
// order: a rebuilt tool changes every key, so no stage is taken from an older build's output.
static void tools_fingerprint(const char *gendang, char fp[GD_SHA256_HEX_LEN]) {
    gd_sha256_ctx *ctx;
    gd_sha256_init(&ctx);
    char *dir = gendang ? gd_path_dirname(gendang) : NULL;
    struct dirent **list = NULL;
    int n = dir ? scandir(dir, &list, is_tool, alphasort) : 0;
    for (int i = 0; i < n; i++) {
        char *path = gd_path_join(dir, list[i]->d_name), hex[GD_SHA256_HEX_LEN] = "missing";
        if (path) gd_sha256_file(hex, path);
        gd_sha256_update(ctx, list[i]->d_name, strlen(list[i]->d_name) + 1);
        gd_sha256_update(ctx, hex, strlen(hex) + 1);
        free(path);
        free(list[i]);
    }
    free(list);
    free(dir);
    gd_sha256_final_hex(ctx, fp);
}

// Key of a rule whose dependencies are made.
static void rule_key(const pl_plan *p, int i, const char *tools, char key[GD_SHA256_HEX_LEN]) {
    const pl_rule *ru = &p->rules[i];
    gd_sha256_ctx *ctx;
    gd_sha256_init(&ctx);
    gd_sha256_update(ctx, GD_VERSION, strlen(GD_VERSION) + 1);
    gd_sha256_update(ctx, tools, strlen(tools) + 1);
    gd_sha256_update(ctx, ru->cmd, strlen(ru->cmd) + 1);
    for (int d = 0; d < ru->n_deps; d++) hash_file_into(ctx, p->rules[ru->deps[d]].target);
    if (ru->extra_input) hash_file_into(ctx, ru->extra_input);
    gd_sha256_final_hex(ctx, key);
}

static int cached(const pl_recipe *r, const pl_rule *ru, const char *key) {
    if (!gd_path_exists(ru->target)) return 0;
    char *kp = state_path(r, "keys", ru, ".key"), *old = NULL;
    int same = gd_path_exists(kp) && gd_read_file(kp, &old, NULL) == 0 && !strcmp(old, key);
    free(kp);
    free(old);
    return same;
}

static pid_t start(const pl_recipe *r, const pl_rule *ru, const pl_run_opts *o) {
    char *log = state_path(r, "logs", ru, ".log"), *dir = gd_path_dirname(log);
    gd_mkdir_p(dir);
    free(dir);
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) { dup2(fd, 1); dup2(fd, 2); close(fd); }
        setenv("GENDANG", o->gendang, 1);
        execl("/bin/sh", "sh", "-c", ru->cmd, (char *)NULL);
        _exit(127);
    }
    free(log);
    return pid;
}

static void show_failure(const pl_recipe *r, const pl_rule *ru, int status) {
    char *log = state_path(r, "logs", ru, ".log");
    fprintf(stderr, "\nstage %s failed: %s\n  command: %s\n  exit status: %d\n  log: %s\n",
            ru->stage, ru->name, ru->cmd, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), log);
    FILE *f = fopen(log, "r");
    char line[1024];
    for (int n = 0; f && n < 12 && fgets(line, sizeof line, f); n++) fprintf(stderr, "  | %s", line);
    if (f) fclose(f);
    free(log);
}

static void save_key(const pl_recipe *r, const pl_rule *ru, const char *key) {
    char *kp = state_path(r, "keys", ru, ".key"), *dir = gd_path_dirname(kp);
    gd_mkdir_p(dir);
    gd_atomic a;
    if (gd_atomic_open(&a, kp, "w") == 0) { fputs(key, a.f); gd_atomic_commit(&a); }
    free(kp);
    free(dir);
}

// Temporaries of cache keys that an interrupted run left (only the lock holder writes keys).
static void remove_key_temporaries(const pl_recipe *r) {
    char *dir = gd_path_join(r->out, ".gendang/keys");
    DIR *d = dir ? opendir(dir) : NULL;
    for (struct dirent *e; d && (e = readdir(d));) {
        if (!gd_is_tmp_name(e->d_name)) continue;
        char *p = gd_path_join(dir, e->d_name);
        if (p) unlink(p);
        free(p);
    }
    if (d) closedir(d);
    free(dir);
}

static int selected(const pl_rule *ru, const pl_run_opts *o) {
    int s = pl_stage_index(ru->stage);
    return o->only >= 0 ? s == o->only : s >= o->from;
}

static void summary(const pl_plan *p, const rule_state *st, double t0) {
    fprintf(stderr, "\n%-10s %5s %7s %7s %9s\n", "stage", "rules", "made", "cached", "seconds");
    for (int s = 0; pl_stages[s]; s++) {
        int n = 0, made = 0, cach = 0;
        double sec = 0;
        for (int i = 0; i < p->n; i++) {
            if (strcmp(p->rules[i].stage, pl_stages[s])) continue;
            n++;
            made += st[i].state == DONE;
            cach += st[i].state == CACHED;
            sec += st[i].seconds;
        }
        if (made + cach) fprintf(stderr, "%-10s %5d %7d %7d %9.1f\n", pl_stages[s], n, made, cach, sec);
    }
    fprintf(stderr, "total wall time %.1f s\n", gd_now() - t0);
}

int pl_run(const pl_plan *p, const pl_recipe *r, const pl_run_opts *o) {
    int lock = o->dry_run ? -1 : pl_out_lock(r->out);
    if (!o->dry_run && lock < 0) return 1;
    if (lock >= 0) remove_key_temporaries(r);
    rule_state *st = calloc((size_t)p->n, sizeof *st);
    int running = 0, failed = 0;
    double t0 = gd_now();
    int first = o->only >= 0 ? o->only : o->from;
    for (int i = 0; i < p->n; i++) {
        if (selected(&p->rules[i], o)) continue;
        if (pl_stage_index(p->rules[i].stage) > first) { st[i].state = IGNORED; continue; }
        st[i].state = SKIPPED;
        if (!gd_path_exists(p->rules[i].target)) {
            fprintf(stderr, "%s: not made yet (%s); run the earlier stages first\n",
                    p->rules[i].name, p->rules[i].target);
            failed = 1;
        }
    }
    if (failed) { free(st); if (lock >= 0) close(lock); return 1; }
    char tools[GD_SHA256_HEX_LEN];
    tools_fingerprint(o->gendang, tools);
    for (;;) {
        // Resolve or launch every rule that can go now; a cached rule may unblock others.
        int moved;
        do {
            moved = 0;
            for (int i = 0; i < p->n && !failed; i++) {
                if (st[i].state != PENDING) continue;
                int ready = 1, dep_failed = 0;
                for (int d = 0; d < p->rules[i].n_deps; d++) {
                    int s = st[p->rules[i].deps[d]].state;
                    ready &= s == DONE || s == CACHED || s == SKIPPED;
                    dep_failed |= s == FAILED;
                }
                if (dep_failed) { st[i].state = FAILED; moved = 1; continue; }
                if (!ready || running >= o->jobs) continue;
                moved = 1;
                const pl_rule *ru = &p->rules[i];
                rule_key(p, i, tools, st[i].key);
                int fresh = !o->force && cached(r, ru, st[i].key);
                if (o->dry_run) {
                    // In a dry run DONE means "would run": so must everything downstream.
                    int would = !fresh;
                    for (int d = 0; d < ru->n_deps; d++) would |= st[ru->deps[d]].state == DONE;
                    printf("%s%s\n", would ? "" : "# up to date: ", ru->cmd);
                    st[i].state = would ? DONE : CACHED;
                } else if (fresh) {
                    st[i].state = CACHED;
                    fprintf(stderr, "[%s] %s: up to date\n", ru->stage, ru->name);
                } else {
                    fprintf(stderr, "[%s] %s: running\n", ru->stage, ru->name);
                    st[i].t_start = gd_now();
                    st[i].pid = start(r, ru, o);
                    st[i].state = RUNNING;
                    running++;
                }
            }
        } while (moved && !failed);
        if (running == 0) break;
        int status;
        pid_t pid = wait(&status);
        if (pid < 0) break;
        for (int i = 0; i < p->n; i++) {
            if (st[i].state != RUNNING || st[i].pid != pid) continue;
            running--;
            st[i].seconds = gd_now() - st[i].t_start;
            const pl_rule *ru = &p->rules[i];
            if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && gd_path_exists(ru->target)) {
                st[i].state = DONE;
                save_key(r, ru, st[i].key);
                fprintf(stderr, "[%s] %s: done in %.1f s\n", ru->stage, ru->name, st[i].seconds);
            } else {
                st[i].state = FAILED;
                if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
                    fprintf(stderr, "\nstage %s: %s exited 0 but did not make %s\n", ru->stage, ru->name, ru->target);
                else
                    show_failure(r, ru, status);
                failed = 1;
            }
        }
    }
    while (running > 0 && wait(NULL) > 0) running--;
    if (!o->dry_run) summary(p, st, t0);
    int bad = failed;
    for (int i = 0; i < p->n; i++) bad |= st[i].state == FAILED || st[i].state == PENDING;
    free(st);
    if (lock >= 0) close(lock);
    return bad ? 1 : 0;
}
