#!/usr/bin/env bash
# The logic of Forge's GitHub Action (action.yml runs this script; the integration tests run it locally, unchanged).
#
# What it does depends on the command (INPUT_COMMAND, default auto = chosen by GITHUB_EVENT_NAME):
#   pull_request  validate, plan and run pruned (INPUT_PRUNE concat keys) into a per-PR scratch target
#   push          validate, plan, full run into the configured target
#   schedule, workflow_dispatch (update)  validate, plan, run: appends new inputs, a no-op when nothing changed
#   validate | plan | run                 just that verb
# Validation errors become ::error file=…,line=…,col=…:: annotations; the plan and the run summary go to
# $GITHUB_STEP_SUMMARY as Markdown; outputs (status, targets) go to $GITHUB_OUTPUT.
#
# Inputs (environment; action.yml maps its inputs here):
#   INPUT_FEEDSTOCK         feedstock folder or recipe file (default: .; a folder without meta.yaml uses feedstock/)
#   INPUT_FEEDSTOCK_SUBDIR  subfolder holding meta.yaml (optional)
#   INPUT_RECIPE            one recipe id (optional; default every recipe)
#   INPUT_TARGET            production target (optional; default each recipe's target.url; {id} = recipe id)
#   INPUT_SCRATCH_TARGET    pull-request target; {pr} = PR number, {id} = recipe id
#                           (default $RUNNER_TEMP/forge-scratch/pr-{pr}/{id}.zarr)
#   INPUT_PRUNE             concat keys of a pull-request run (default 2)
#   INPUT_ARGS              extra arguments for plan and run (split on spaces), e.g. "--max-memory 4GiB"
#   FORGE                   the forge executable (default: forge on PATH)
set -uo pipefail

forge=${FORGE:-forge}
event=${GITHUB_EVENT_NAME:-workflow_dispatch}
command=${INPUT_COMMAND:-auto}
feedstock=${INPUT_FEEDSTOCK:-.}
prune=${INPUT_PRUNE:-2}
summary_file=${GITHUB_STEP_SUMMARY:-/dev/null}
output_file=${GITHUB_OUTPUT:-/dev/null}
workspace=${GITHUB_WORKSPACE:-$PWD}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

read -r -a extra <<< "${INPUT_ARGS:-}"
selection=()
[ -n "${INPUT_FEEDSTOCK_SUBDIR:-}" ] && selection+=(--feedstock-subdir "$INPUT_FEEDSTOCK_SUBDIR")
[ -n "${INPUT_RECIPE:-}" ] && selection+=(--recipe "$INPUT_RECIPE")

if [ "$command" = auto ]; then
  case "$event" in
    pull_request|pull_request_target) command=pr ;;
    push) command=publish ;;
    schedule|workflow_dispatch|repository_dispatch) command=update ;;
    *) echo "::error title=forge::event '$event' has no default command; set the action's 'command' input" >&2; exit 2 ;;
  esac
fi

# The target of this event: a pull request never writes the production store.
target_args=()
case "$command" in
  pr|scratch)
    pr_number=""
    if [ -n "${GITHUB_EVENT_PATH:-}" ] && [ -f "$GITHUB_EVENT_PATH" ]; then
      pr_number=$(jq -r '.pull_request.number // .number // empty' "$GITHUB_EVENT_PATH")
    fi
    pr_number=${pr_number:-local}
    scratch=${INPUT_SCRATCH_TARGET:-}
    [ -z "$scratch" ] && scratch="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/forge-scratch/pr-{pr}/{id}.zarr"
    target_args=(--prune "$prune" --target "${scratch//'{pr}'/$pr_number}") ;;
  *)
    [ -n "${INPUT_TARGET:-}" ] && target_args=(--target "$INPUT_TARGET") ;;
esac

# GitHub workflow-command escaping: data escapes % CR LF; properties also escape : and ,.
escape_data() { local s=${1//'%'/'%25'}; s=${s//$'\r'/'%0D'}; s=${s//$'\n'/'%0A'}; printf '%s' "$s"; }
escape_property() { local s; s=$(escape_data "$1"); s=${s//:/'%3A'}; s=${s//,/'%2C'}; printf '%s' "$s"; }

# Turns forge's error lines into annotations: "file:line:col: message" gets a file position, other errors none.
annotate() {
  local title=$1 file=$2 line
  while IFS= read -r line; do
    if [[ $line =~ ^(.+):([0-9]+):([0-9]+):\ (.*)$ ]]; then
      local path=${BASH_REMATCH[1]}
      path=$(realpath -m --relative-to="$workspace" "$path")
      echo "::error file=$(escape_property "$path"),line=${BASH_REMATCH[2]},col=${BASH_REMATCH[3]},title=$(escape_property "$title")::$(escape_data "${BASH_REMATCH[4]}")"
    elif [[ $line =~ ^forge(\ [a-z]+)?:\ (.*)$ ]]; then
      local message=${BASH_REMATCH[2]}
      [[ $message =~ (succeeded|is up to date|summary of|recipes succeeded|recipes failed) ]] && continue
      echo "::error title=$(escape_property "$title")::$(escape_data "$message")"
    fi
  done < "$file"
}

# Runs forge, teeing stderr to the log and a file; returns forge's exit code.
run_forge() {
  local err=$1; shift
  echo "+ forge $*" >&2
  "$forge" "$@" 2> >(tee "$err" >&2)
  local rc=$?
  wait
  return $rc
}

status=succeeded
{
  echo "## Forge: \`$command\` of \`$feedstock\`${INPUT_RECIPE:+ (recipe \`$INPUT_RECIPE\`)}"
  echo
} >> "$summary_file"

# 1. validate (every event): annotations point at the recipe lines.
if [ "$command" != plan ] && [ "$command" != run ]; then
  if ! run_forge "$work/validate.err" validate "$feedstock" ${INPUT_FEEDSTOCK_SUBDIR:+--feedstock-subdir "$INPUT_FEEDSTOCK_SUBDIR"} > "$work/validate.out"; then
    annotate "forge validate" "$work/validate.err"
    {
      echo "### Validation failed"
      echo
      echo '```'
      cat "$work/validate.err"
      echo '```'
    } >> "$summary_file"
    echo "status=invalid" >> "$output_file"
    exit 2
  fi
  cat "$work/validate.out"
  { echo "### Validation"; echo; sed 's/^/- /' "$work/validate.out"; echo; } >> "$summary_file"
  [ "$command" = validate ] && { echo "status=valid" >> "$output_file"; exit 0; }
fi

# 2. plan: the target schema of each recipe, as a table.
probe=first
[ "$command" = pr ] && probe=all
if run_forge "$work/plan.err" plan "$feedstock" "${selection[@]}" "${target_args[@]}" --json --probe "$probe" "${extra[@]}" > "$work/plan.json"; then
  {
    echo "### Plan"
    echo
    echo "| recipe | target | inputs | concat length | arrays | objects | memory estimate |"
    echo "|---|---|---|---|---|---|---|"
    jq -r '(if has("recipes") then .recipes else [.] end)[]
      | "| `\(.recipe)` | `\(.target)` | \(.inputs) | \(.plan.concat_length // "-") | "
        + ([.plan.arrays[]? | "`\(.name)` \(.dtype) (\(.shape | map(tostring) | join("×")))"] | join("<br>"))
        + " | \([.plan.arrays[]?.objects] | add // 0) | \((.plan.memory_estimate_bytes // 0) / 1048576 | floor) MiB |"' "$work/plan.json"
    echo
  } >> "$summary_file"
else
  # A plan failure (say, one recipe's first input is missing) does not stop the run: it reports every recipe.
  annotate "forge plan" "$work/plan.err"
  { echo "### Plan failed"; echo; echo '```'; grep -v '^+ forge' "$work/plan.err" | tail -20; echo '```'; echo; } >> "$summary_file"
  [ "$command" = plan ] && { echo "status=failed" >> "$output_file"; exit 1; }
fi
[ "$command" = plan ] && { echo "status=planned" >> "$output_file"; exit 0; }

# 3. run: per-recipe summary from the JSON progress events.
overwrite=()
# A pull request's scratch store is rewritten when the recipe changed between pushes; production never is.
[ "$command" = pr ] && overwrite=(--overwrite)
run_forge "$work/run.err" run "$feedstock" "${selection[@]}" "${target_args[@]}" "${overwrite[@]}" --progress json "${extra[@]}" > "$work/run.jsonl"
rc=$?
[ $rc -ne 0 ] && { status=failed; annotate "forge run" "$work/run.err"; }
{
  echo "### Run"
  echo
  echo "| recipe | status | target | inputs | bytes in | bytes out | objects written | seconds |"
  echo "|---|---|---|---|---|---|---|---|"
  jq -r 'select(.event == "summary")
    | "| `\(.recipe)` | \(if .status == "succeeded" and .chunks_written == 0 then "up to date (no-op)" else .status end) | `\(.target)` | \(.inputs) | \(.bytes_in) | \(.bytes_out) | \(.chunks_written) | \(.seconds) |"' "$work/run.jsonl"
  jq -r 'select(.event == "feedstock_summary") | .recipes[] | select(.status == "skipped") | "| `\(.recipe)` | skipped | | | | | | |"' "$work/run.jsonl"
  echo
  if [ $rc -ne 0 ]; then
    echo "**forge run failed (exit $rc):**"
    echo
    echo '```'
    grep -E '^(forge|/|[^ ]+:[0-9]+:[0-9]+:)' "$work/run.err" | grep -v '^+ forge' | tail -20
    echo '```'
  fi
} >> "$summary_file"
echo "status=$status" >> "$output_file"
echo "targets=$(jq -c -s '[.[] | select(.event == "summary") | {recipe, target, status}]' "$work/run.jsonl")" >> "$output_file"
exit $rc
