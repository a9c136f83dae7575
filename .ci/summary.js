// Prints the plain "N passed, N failed, N skipped" closing line from vitest's JSON report.
const fs = require("node:fs");

const file = process.argv[2];
if (!file || !fs.existsSync(file)) {
  console.log("tests: 0 passed, 0 failed");
  process.exit(0);
}
const report = JSON.parse(fs.readFileSync(file, "utf8"));
const skipped = report.numPendingTests + report.numTodoTests;
console.log(
  `tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped`,
);
