#!/bin/sh
# The extractor of an earlier commit scored on an evaluation set of today:
#     tools/score_at.sh COMMIT tests/blind3
# clones the project at COMMIT into a temporary folder, copies the set (articles and gold/) into
# it, and runs that commit's `civicgraph evaluate` on it with this project's venv. README's
# "first" scores of a blind set written after COMMIT come from this.
set -eu
commit=$1
set_dir=$2
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone --quiet "$root" "$work/at"
git -C "$work/at" checkout --quiet "$commit"
mkdir -p "$work/at/$set_dir"
cp -r "$root/$set_dir/." "$work/at/$set_dir/"
cd "$work/at"
"$root/.venv/bin/python" -c '
import sys
sys.path.insert(0, ".")  # this commit'"'"'s graph package, not the installed one
from graph.cli import main
sys.exit(main(["evaluate", "--corpus", sys.argv[1], "--gold", sys.argv[1] + "/gold"]))
' "$set_dir"
