#!/usr/bin/env bash
# The quick start: make a scratch repository, commit the example plan into it, and run it with
# waveplan. Usage: examples/auth-integration/run.sh [DIR] (default .scratch/auth-integration)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
dir=${1:-$root/.scratch/auth-integration}
"$here/scratch-repo.sh" "$dir"
cp "$here/plan.yml" "$dir/plan.yml"
git -C "$dir" add plan.yml
git -C "$dir" commit -qm "add the waveplan plan"
echo "scratch repository: $dir"
cd "$dir"
node "$root/bin/waveplan.js" run plan.yml
echo
git --no-pager log --stat --format='the commit in the scratch repository: %h %s' -1
