#!/usr/bin/env bash
# Lists the feedstock folders (folders with meta.yaml) below ROOT as a JSON array; with BASE (a commit), only those
# with a file changed between BASE and HEAD. Used by the reusable workflow so a pull request bakes only what it touches.
#   eng/action/changed-feedstocks.sh ROOT [BASE]
# Writes "feedstocks=<json>" to $GITHUB_OUTPUT when set. A change outside every feedstock selects none; a changed
# shared file (forge.yaml at ROOT) selects all.
set -euo pipefail
root=${1:?usage: changed-feedstocks.sh ROOT [BASE]}
base=${2:-}
root=${root%/}

mapfile -t all < <(find "$root" -name .git -prune -o -name node_modules -prune -o -type f -name meta.yaml -print \
  | xargs -r -n1 dirname | sed 's|^\./||' | sort -u)

selected=()
if [ -z "$base" ] || [[ $base =~ ^0+$ ]]; then
  selected=("${all[@]}")   # schedule, manual run, or the first push of a branch: every feedstock
else
  mapfile -t changed < <(git diff --name-only "$base" HEAD -- "$root")
  shared=0
  for f in "${changed[@]}"; do
    case "$f" in forge.yaml|forge.json|"$root"/forge.yaml|"$root"/forge.json) shared=1 ;; esac
  done
  for dir in "${all[@]}"; do
    for f in "${changed[@]}"; do
      if [ "$shared" -eq 1 ] || [ "$dir" = . ] || [[ $f == "$dir"/* ]]; then selected+=("$dir"); break; fi
    done
  done
fi

json=$(printf '%s\n' "${selected[@]}" | jq -R . | jq -c -s 'map(select(length > 0))')
echo "$json"
[ -n "${GITHUB_OUTPUT:-}" ] && echo "feedstocks=$json" >> "$GITHUB_OUTPUT"
exit 0
