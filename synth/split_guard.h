// split_guard.h: which split a recording belongs to, from a data manifest or a metadata.csv.
//
// The synthesiser's fitting must never see test-split recordings (docs/design.md, "Splits and
// leakage"). This reads just enough of data_manifest.yaml (roots, entries' root/path/split;
// relative roots are relative to the manifest's folder; GENDANG_ROOT_<NAME> overrides a root
// as in the pipeline) to answer "what split is this file?" by comparing real paths.
// The pipeline's full, strict manifest reader lives in pipeline/ and is not linked here.
#ifndef SYN_SPLIT_GUARD_H
#define SYN_SPLIT_GUARD_H

#include <stddef.h>

// Writes the split of hit_path per manifest into split (cap bytes) and returns 1; 0 when the
// manifest has no entry for it; a GD_ERR_* when the manifest cannot be read (logged).
int syn_manifest_split(const char *manifest, const char *hit_path, char *split, size_t cap);

#endif
