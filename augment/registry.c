// registry.c: the effect lookup table built from effects.def, and parameter lookup.
#include <stdio.h>
#include <string.h>

#include "augment/augment.h"   // defines: aug_effects_print
#include "augment/effect.h"    // defines: aug_effect, effects.def

static const aug_effect *const effects[] = {
#define AUG_EFFECT(name) &aug_effect_##name,
#include "augment/effects.def"
#undef AUG_EFFECT
};
#define N_EFFECTS ((int)(sizeof effects / sizeof effects[0]))

const aug_effect *aug__effect_find(const char *name, int len) {
    for (int i = 0; i < N_EFFECTS; i++)
        if ((int)strlen(effects[i]->name) == len && !memcmp(effects[i]->name, name, len))
            return effects[i];
    return NULL;
}

int aug__effect_count(void) { return N_EFFECTS; }
const aug_effect *aug__effect_at(int i) { return effects[i]; }

int aug__param_find(const aug_effect *e, const char *key, int len) {
    for (int i = 0; i < e->n_params; i++)
        if ((int)strlen(e->params[i].name) == len && !memcmp(e->params[i].name, key, len))
            return i;
    return -1;
}

int aug__enum_find(const char *choices, const char *word, int len) {
    int idx = 0;
    const char *p = choices;
    while (*p) {
        const char *bar = strchr(p, '|');
        int wl = bar ? (int)(bar - p) : (int)strlen(p);
        if (wl == len && !memcmp(p, word, len)) return idx;
        if (!bar) break;
        p = bar + 1;
        idx++;
    }
    return -1;
}

void aug__enum_word(char *buf, int cap, const char *choices, int i) {
    const char *p = choices;
    for (; i > 0 && p; i--) {
        p = strchr(p, '|');
        if (p) p++;
    }
    if (!p) { snprintf(buf, cap, "?"); return; }
    const char *bar = strchr(p, '|');
    int wl = bar ? (int)(bar - p) : (int)strlen(p);
    snprintf(buf, cap, "%.*s", wl, p);
}

void aug_effects_print(void *file) {
    FILE *f = file;
    for (int i = 0; i < N_EFFECTS; i++) {
        const aug_effect *e = effects[i];
        fprintf(f, "  %-9s %s\n", e->name, e->help);
        for (int j = 0; j < e->n_params; j++) {
            const aug_param *p = &e->params[j];
            if (p->type == AUG_P_NUM)
                fprintf(f, "      %-12s [%g, %g] default %g  %s\n", p->name, p->lo, p->hi,
                        p->def, p->help);
            else if (p->type == AUG_P_ENUM) {
                char w[64];
                aug__enum_word(w, sizeof w, p->choices, (int)p->def);
                fprintf(f, "      %-12s %s, default %s  %s\n", p->name, p->choices, w, p->help);
            } else
                fprintf(f, "      %-12s path  %s\n", p->name, p->help);
        }
    }
}
