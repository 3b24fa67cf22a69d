// recipe_check.h: what `gendang run` would fail on, found before any work starts.
//
// pl_recipe_load checks a recipe's form; pl_recipe_check checks it against the world:
//   - out is not a file, and neither the root folder, the home folder, the folder gendang
//     runs from (the git checkout holding its bin/, else bin/'s parent: an install prefix)
//     nor a folder holding one of them;
//   - the manifest exists, loads, and its splits do not leak (split_check.h);
//   - the sources select train recordings, and test recordings when the recipe evaluates;
//   - every instrument in synth.fit has train recordings in the manifest;
//   - every synth preset loads (`gendang-synth presets P...`, the loader `synth render` uses);
//   - augment.ops parses (`gendang-augment check`, the parser `augment run` uses);
//   - every eval.transfer input is an audio file.
// Each problem is one error line naming the recipe's file:line:column of the value at fault.
// The split check reads every recording (about a second for the default manifest): with a
// cache path, a pass is remembered there under the sha256 of the manifest and of the
// running gendang binary, and a later check with the same key skips it.
#ifndef PL_RECIPE_CHECK_H
#define PL_RECIPE_CHECK_H

#include "pipeline/recipe.h" // defines: pl_recipe

// tool_dir: the folder of the gendang binary (where gendang-synth and gendang-augment are
// looked for first, then PATH). split_cache: NULL, or the key file described above.
// Returns the number of problems found (0: the recipe can run).
int pl_recipe_check(const pl_recipe *r, const char *tool_dir, const char *split_cache);

#endif
