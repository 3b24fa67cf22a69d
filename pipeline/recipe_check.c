// recipe_check.c: a loaded recipe against the file system, the manifest and the stage tools
// (see recipe_check.h). Errors point at the values in the recipe's parsed document (r->doc).
#include "pipeline/recipe_check.h" // defines: pl_recipe_check
#include "core/manifest.h"     // defines: gd_manifest_*
#include "pipeline/split_check.h"  // defines: pl_split_check
#include "core/audio.h"            // defines: gd_audio_info_read
#include "core/error.h"            // defines: GD_ERR_FORMAT
#include "core/fileio.h"           // defines: gd_path_*, gd_read_file, gd_atomic_*, gd_mkdir_p
#include "core/log.h"              // defines: gd_error
#include "core/sha256.h"           // defines: gd_sha256_*
#include "core/yaml.h"             // defines: gd_yaml_*

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct {
    const pl_recipe *r;
    const char      *tool_dir;
} chk;

// The node of section.key (key NULL: the section), its item-th item when item >= 0 and it is
// a list; the nearest enclosing node that exists otherwise (so an error always has a place).
static const gd_yaml_node *node_at(chk *c, const char *section, const char *key, int item) {
    const gd_yaml_node *n = gd_yaml_root(c->r->doc), *v;
    if (section && (v = gd_yaml_get(n, section))) n = v;
    else if (section) return n;
    if (key && (v = gd_yaml_get(n, key))) n = v;
    else if (key) return n;
    if (item >= 0 && n->kind == GD_YAML_LIST && item < n->n) n = n->items[item];
    return n;
}

// ---------------------------------------------------------------------------- out

// Absolute form of path with "." and ".." resolved and symbolic links followed as far as
// the path exists (the rest may be made later).
static void resolve(const char *path, char out[PATH_MAX]) {
    char abs[2 * PATH_MAX] = "", cwd[PATH_MAX];
    if (path[0] != '/' && getcwd(cwd, sizeof cwd)) snprintf(abs, sizeof abs, "%s/", cwd);
    strncat(abs, path, sizeof abs - strlen(abs) - 1);
    char norm[2 * PATH_MAX] = "";
    for (char *save, *t = strtok_r(abs, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
        if (!strcmp(t, ".")) continue;
        if (!strcmp(t, "..")) { char *s = strrchr(norm, '/'); if (s) *s = '\0'; continue; }
        strncat(norm, "/", sizeof norm - strlen(norm) - 1);
        strncat(norm, t, sizeof norm - strlen(norm) - 1);
    }
    if (!norm[0]) snprintf(norm, sizeof norm, "/");
    // The longest existing prefix through realpath, then the rest as written.
    for (size_t cut = strlen(norm); cut > 0;) {
        char head[2 * PATH_MAX], real[PATH_MAX];
        snprintf(head, sizeof head, "%.*s", (int)cut, norm);
        if (realpath(head, real)) {
            snprintf(out, PATH_MAX, "%s%s", strcmp(real, "/") ? real : "", norm + cut);
            if (!out[0]) snprintf(out, PATH_MAX, "/");
            return;
        }
        while (cut > 0 && norm[cut - 1] != '/') cut--;   // up one component
        if (cut > 1) cut--;
        else break;
    }
    size_t len = strnlen(norm, PATH_MAX - 1);   // nothing exists: the path as written
    memcpy(out, norm, len);
    out[len] = '\0';
}

// 1 when folder a is b or holds b (both resolved).
static int holds(const char *a, const char *b) {
    size_t n = strlen(a);
    if (!strcmp(a, "/")) return 1;
    return !strncmp(a, b, n) && (b[n] == '\0' || b[n] == '/');
}

// The folder gendang runs from: the git checkout holding tool_dir (bin/, build/san/bin/), or
// else tool_dir's parent (an install prefix).
static void gendang_home(const char *tool_dir, char home[PATH_MAX]) {
    char p[PATH_MAX], git[PATH_MAX + 8];
    resolve(tool_dir, p);
    for (char *s; strcmp(p, "/"); *s = '\0') {
        snprintf(git, sizeof git, "%s/.git", p);
        if (gd_path_exists(git)) { snprintf(home, PATH_MAX, "%s", p); return; }
        s = strrchr(p, '/');
        if (s == p) s++;
    }
    snprintf(git, sizeof git, "%s/..", tool_dir);
    resolve(git, home);
}

static int check_out(chk *c) {
    const pl_recipe *r = c->r;
    const gd_yaml_node *n = node_at(c, "out", NULL, -1);
    struct stat st;
    if (stat(r->out, &st) == 0 && !S_ISDIR(st.st_mode)) {
        gd_yaml_fail(n, "'out' (%s) is a file, not a folder", r->out);
        return 1;
    }
    char out[PATH_MAX], home[PATH_MAX] = "", repo[PATH_MAX] = "";
    resolve(r->out, out);
    const char *h = getenv("HOME");
    if (h && *h) resolve(h, home);
    if (c->tool_dir && c->tool_dir[0]) gendang_home(c->tool_dir, repo);
    const char *what = !strcmp(out, "/") ? "the root folder"
                       : home[0] && holds(out, home) ? "your home folder"
                       : repo[0] && holds(out, repo) ? "the folder gendang runs from" : NULL;
    if (!what) return 0;
    gd_yaml_fail(n, "'out' (%s) is or holds %s; every stage writes and cleans folders "
                  "there: give a folder of its own (default out/%s)", r->out, what, r->name);
    return 1;
}

// ---------------------------------------------------------------------------- stage tools

// Runs gendang-<tool> args... (tool_dir's, else PATH's) with its output captured; msg gets
// its first line without the "gendang-<tool>: " prefix. Returns its exit status, or -1 when
// it cannot be run.
static int tool_says(const char *tool_dir, const char *tool, const char *const *args, char *msg,
                     size_t cap) {
    char name[64], path[PATH_MAX + 64];
    snprintf(name, sizeof name, "gendang-%s", tool);
    snprintf(path, sizeof path, "%s/%s", tool_dir ? tool_dir : ".", name);
    const char *argv[40] = {name};
    int n = 1;
    for (; args[n - 1] && n < 39; n++) argv[n] = args[n - 1];
    argv[n] = NULL;
    int fds[2];
    msg[0] = '\0';
    if (pipe(fds) != 0) return -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], 1);
        dup2(fds[1], 2);
        close(fds[0]);
        close(fds[1]);
        if (tool_dir && access(path, X_OK) == 0) execv(path, (char *const *)argv);
        execvp(name, (char *const *)argv);
        _exit(127);
    }
    close(fds[1]);
    size_t k = 0;
    char buf[512];
    for (ssize_t got; pid > 0 && (got = read(fds[0], buf, sizeof buf)) > 0;)
        for (ssize_t i = 0; i < got; i++) if (k + 1 < cap) msg[k++] = buf[i];
    close(fds[0]);
    msg[k] = '\0';
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) < 0) return -1;
    char *eol = strchr(msg, '\n');
    if (eol) *eol = '\0';
    size_t pl = strlen(name);
    if (!strncmp(msg, name, pl) && !strncmp(msg + pl, ": ", 2)) memmove(msg, msg + pl + 2, strlen(msg + pl + 2) + 1);
    if (!WIFEXITED(status)) return -1;
    return WEXITSTATUS(status) == 127 ? -1 : WEXITSTATUS(status);
}

static int check_presets(chk *c) {
    int bad = 0;
    for (int i = 0; i < c->r->synth_presets.n; i++) {
        char msg[2048];
        const char *args[] = {"presets", c->r->synth_presets.v[i], NULL};
        int rc = tool_says(c->tool_dir, "synth", args, msg, sizeof msg);
        if (rc == 0) continue;
        const gd_yaml_node *n = node_at(c, "synth", "presets", i);
        if (rc < 0) gd_yaml_fail(n, "cannot run gendang-synth to check the preset");
        else gd_yaml_fail(n, "synth.presets: %s", msg);
        bad++;
    }
    return bad;
}

static int check_ops(chk *c) {
    if (!c->r->has_augment) return 0;
    char msg[2048];
    const char *args[] = {"check", "--ops", c->r->aug_ops, NULL};
    int rc = tool_says(c->tool_dir, "augment", args, msg, sizeof msg);
    if (rc == 0) return 0;
    const gd_yaml_node *n = node_at(c, "augment", "ops", -1);
    if (rc < 0) gd_yaml_fail(n, "cannot run gendang-augment to check the ops");
    else gd_yaml_fail(n, "augment.ops: %s", msg);
    return 1;
}

static int check_transfer(chk *c) {
    int bad = 0;
    for (int i = 0; i < c->r->eval_transfer.n; i++) {
        const char *p = c->r->eval_transfer.v[i];
        gd_audio_info info;
        gd_log_level lvl = gd_log_get_level();
        gd_log_set_level(GD_LOG_QUIET);
        int rc = gd_is_dir(p) ? GD_ERR_FORMAT : gd_audio_info_read(p, &info);
        gd_log_set_level(lvl);
        if (rc == 0) continue;
        gd_yaml_fail(node_at(c, "eval", "transfer", i), "eval.transfer: %s: %s", p,
                      !gd_path_exists(p) ? "no such file" : gd_is_dir(p) ? "a folder, not an audio file"
                                                                          : "not an audio file libsndfile reads");
        bad++;
    }
    return bad;
}

// ---------------------------------------------------------------------------- manifest

static int in_list(const pl_strlist *l, const char *s) {
    if (l->n == 0) return 1;
    for (int i = 0; i < l->n; i++) if (!strcmp(l->v[i], s)) return 1;
    return 0;
}

// sha256 of the manifest's and the running binary's bytes: the split check's cache key.
static int split_key(const char *manifest, char key[GD_SHA256_HEX_LEN]) {
    char a[GD_SHA256_HEX_LEN], b[GD_SHA256_HEX_LEN], both[2 * GD_SHA256_HEX_LEN];
    if (gd_sha256_file(a, manifest) || gd_sha256_file(b, "/proc/self/exe")) return -1;
    snprintf(both, sizeof both, "%s%s", a, b);
    return gd_sha256_hex(key, both, strlen(both));
}

static int split_check_cached(const gd_manifest *m, const char *cache) {
    char key[GD_SHA256_HEX_LEN], *old = NULL;
    int have = cache && split_key(m->path, key) == 0;
    if (have && gd_path_exists(cache) && gd_read_file(cache, &old, NULL) == 0 && !strcmp(old, key)) {
        free(old);
        return 0;
    }
    free(old);
    int bad = pl_split_check(m, NULL, stderr);
    if (bad == 0 && have) {   // remember the pass
        char *dir = gd_path_dirname(cache);
        gd_atomic a;
        if (dir && gd_mkdir_p(dir) == 0 && gd_atomic_open(&a, cache, "w") == 0) {
            fputs(key, a.f);
            gd_atomic_commit(&a);
        }
        free(dir);
    }
    return bad != 0;
}

static int check_manifest(chk *c, const char *cache) {
    const pl_recipe *r = c->r;
    const gd_yaml_node *mn = node_at(c, "sources", "manifest", -1);
    gd_manifest *m;
    if (!gd_path_exists(r->manifest)) {
        gd_yaml_fail(mn, "sources.manifest: %s: no such file (a relative path is read from "
                      "the current folder)", r->manifest);
        return 1;
    }
    if (gd_manifest_load(&m, r->manifest)) {
        gd_yaml_fail(mn, "sources.manifest: %s is not a valid manifest (above)", r->manifest);
        return 1;
    }
    int bad = 0, n_train = 0, n_test = 0;
    for (int i = 0; i < m->n_entries; i++) {
        const gd_manifest_entry *e = &m->entries[i];
        if (!in_list(&r->kits, e->kit) || !in_list(&r->instruments, e->instrument) ||
            !in_list(&r->strokes, e->stroke))
            continue;
        n_train += !strcmp(e->split, "train");
        n_test += !strcmp(e->split, "test");
    }
    if (!n_train || (r->has_eval && !n_test)) {
        gd_yaml_fail(node_at(c, "sources", NULL, -1), "sources select no %s recordings of "
                      "%s (check kits, instruments and strokes against `gendang data info`)",
                      n_train ? "test" : "train", r->manifest);
        bad++;
    }
    for (int k = 0; k < r->synth_fit.n; k++) {   // `synth fit` exports train hits of any kit
        int hits = 0;
        for (int i = 0; i < m->n_entries; i++)
            hits += !strcmp(m->entries[i].instrument, r->synth_fit.v[k]) && !strcmp(m->entries[i].split, "train");
        if (hits) continue;
        gd_yaml_fail(node_at(c, "synth", "fit", k), "synth.fit: instrument '%s' has no train "
                      "recordings in %s", r->synth_fit.v[k], r->manifest);
        bad++;
    }
    if (split_check_cached(m, bad ? NULL : cache)) {
        gd_yaml_fail(mn, "sources.manifest: %s puts one recording in two splits (above)", r->manifest);
        bad++;
    }
    gd_manifest_free(m);
    return bad;
}

int pl_recipe_check(const pl_recipe *r, const char *tool_dir, const char *split_cache) {
    chk c = {.r = r, .tool_dir = tool_dir};
    int bad = check_out(&c) + check_presets(&c) + check_ops(&c) + check_transfer(&c);
    bad += check_manifest(&c, bad ? NULL : split_cache);   // a pass is cached only when all is well
    return bad;
}
