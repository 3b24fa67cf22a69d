#!/usr/bin/env bash
# scripts/demo.sh: what `make demo` runs. Today: verify the default data and summarise it.
# Later stages (augment, synth, train, eval) extend this into the quickstart recipe.
set -euo pipefail
bin/gendang data verify
bin/gendang data info
