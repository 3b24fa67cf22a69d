#!/usr/bin/env bash
# scripts/demo.sh: what `make demo` runs: verify the default data, then the quickstart recipe
# (sources -> augment + synth -> corpus -> tiny RAVE on CPU -> eval on held-out hits -> report).
set -euo pipefail
bin/gendang data verify
bin/gendang run recipes/quickstart.yaml --jobs 2 "$@"
echo
echo "Open the report: file://$(pwd)/out/quickstart/report/report.html"
