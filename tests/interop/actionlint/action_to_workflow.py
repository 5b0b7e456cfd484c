#!/usr/bin/python3
"""Checks a composite action's metadata and prints it as a workflow that actionlint can check.

actionlint checks workflows, not action.yml; a composite action's steps are workflow steps, so they are linted as
the steps of a job in a workflow whose workflow_call inputs are the action's inputs (so ${{ inputs.x }} is
type-checked against the declared inputs). The metadata rules actionlint cannot see are checked here: name,
description, runs.using composite, a shell on every run step, every input has a description, every output has a value.
"""
import sys

import yaml

path = sys.argv[1]
with open(path, encoding="utf-8") as f:
    action = yaml.safe_load(f)
errors = []
for key in ("name", "description", "runs"):
    if key not in action:
        errors.append(f"missing required key '{key}'")
runs = action.get("runs") or {}
if runs.get("using") != "composite":
    errors.append(f"runs.using must be 'composite', found {runs.get('using')!r}")
inputs = action.get("inputs") or {}
for name, spec in inputs.items():
    if not (spec or {}).get("description"):
        errors.append(f"input '{name}' has no description")
for name, spec in (action.get("outputs") or {}).items():
    if "value" not in (spec or {}):
        errors.append(f"output '{name}' of a composite action needs 'value'")
steps = runs.get("steps") or []
for i, step in enumerate(steps):
    if "run" in step and "shell" not in step:
        errors.append(f"runs.steps[{i}] has 'run' without 'shell' (required in composite actions)")
if errors:
    for e in errors:
        print(f"{path}: {e}", file=sys.stderr)
    sys.exit(1)

workflow = {
    "name": f"action {action['name']}",
    "on": {"workflow_call": {"inputs": {
        name: {"type": "string", "required": bool((spec or {}).get("required", False)), "description": spec.get("description", "")}
        for name, spec in inputs.items()}}},
    "jobs": {"action": {"runs-on": "ubuntu-latest", "steps": steps}},
}
# github.action_path exists only inside an action; in the stand-in workflow it reads as github.workspace.
text = yaml.safe_dump(workflow, sort_keys=False, width=1000)
print(text.replace("github.action_path", "github.workspace"))
