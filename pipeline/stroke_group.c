// stroke_group.c: the default import grouping rule (see stroke_group.h).
#include "pipeline/stroke_group.h" // defines: pl_stroke_group

#include <ctype.h>
#include <string.h>
#include <strings.h>

#define MAX_TOKENS 64

typedef struct { const char *s; size_t n; } token;

static int all_digits(const char *s, size_t n) {
    if (!n) return 0;
    for (size_t i = 0; i < n; i++) if (!isdigit((unsigned char)s[i])) return 0;
    return 1;
}

static int word_is(const token *t, const char *const *words) {
    for (int i = 0; words[i]; i++)
        if (strlen(words[i]) == t->n && !strncasecmp(t->s, words[i], t->n)) return 1;
    return 0;
}

// 1 if t names a take of a stroke rather than the stroke (see the header's list).
static int is_take_suffix(const token *t) {
    static const char *const prefixes[] = {"velocity", "layer", "vel", "rr", "v", "l", NULL};
    static const char *const words[] = {"vel", "velocity", "rr", "layer", "ppp", "pp", "p",
        "mp", "mf", "f", "ff", "fff", "soft", "softer", "softest", "med", "medium", "hard",
        "harder", "hardest", "loud", "louder", "loudest", "ghost", NULL};
    if (all_digits(t->s, t->n) || word_is(t, words)) return 1;
    for (int i = 0; prefixes[i]; i++) {
        size_t k = strlen(prefixes[i]);
        if (t->n > k && !strncasecmp(t->s, prefixes[i], k) && all_digits(t->s + k, t->n - k))
            return 1;
    }
    return 0;
}

void pl_stroke_group(const char *path, char *out, size_t cap) {
    token tok[MAX_TOKENS];
    int n = 0;
    for (const char *p = path; *p;) {
        if (!isalnum((unsigned char)*p)) { p++; continue; }
        const char *start = p++;
        while (isalnum((unsigned char)*p) &&
               !(islower((unsigned char)p[-1]) && isupper((unsigned char)*p)))
            p++;
        if (n < MAX_TOKENS) tok[n++] = (token){start, (size_t)(p - start)};
        else tok[MAX_TOKENS - 1].n = (size_t)(p - tok[MAX_TOKENS - 1].s);  // glue the overflow
    }
    while (n > 1 && is_take_suffix(&tok[n - 1])) n--;
    size_t k = 0;
    for (int i = 0; i < n && cap; i++) {
        if (i && k + 1 < cap) out[k++] = '-';
        for (size_t j = 0; j < tok[i].n && k + 1 < cap; j++) {
            unsigned char ch = (unsigned char)tok[i].s[j];
            if (isalnum(ch)) out[k++] = (char)tolower(ch);
            else if (out[k - 1] != '-') out[k++] = '-';   // inside a glued overflow token
        }
    }
    if (cap) out[k] = '\0';
}
