// pairs.h: turning command-line arguments into matched (reference, estimate) file pairs.
//
// REF and EST may be two audio files, two folders (audio files matched by their path relative
// to the folder, recursively), or two metadata.csv files (rows matched by file_name; paths
// relative to each CSV's folder). A name present on one side only is an error naming it.
// Items are sorted by clip name. A clip's group (clips of one recording or source, which a
// comparison should resample together) comes from the "group" column of the reference's
// metadata.csv: REF itself, or REF/metadata.csv when REF is a folder holding one.
// Ownership: the caller frees with ev_items_free.
#ifndef EV_PAIRS_H
#define EV_PAIRS_H

#include <stddef.h>

typedef struct {
    char *clip;   // relative name (file mode: the reference's base name)
    char *ref;    // path
    char *est;    // path
    char *group;  // the reference's group, or NULL
} ev_item;

// Returns 0, or GD_ERR_FORMAT/GD_ERR_IO/GD_ERR_NOMEM with a one-line reason in err.
int ev_items_build(ev_item **out, int *n, const char *ref, const char *est, char *err,
                   size_t err_len);
void ev_items_free(ev_item *items, int n);
// The audio files of one folder (recursive) or metadata.csv (file_name rows, relative to its
// folder) as items with clip, ref (the path) and group set, est NULL; sorted by clip.
// Returns 0 or GD_ERR_* with a one-line reason in err (also when there are none).
int ev_items_list(ev_item **out, int *n, const char *arg, char *err, size_t err_len);

// Sorted relative paths of the audio files under dir (recursive). Returns the count or < 0.
int ev_list_audio(char ***names, const char *dir);

#endif
