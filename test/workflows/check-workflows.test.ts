import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const root = join(__dirname, "..", "..");
const checker = join(root, "scripts", "check-workflows.ts");

interface CheckerRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

const running = new Set<ChildProcess>();
const temporaryDirectories: string[] = [];

/**
 * Runs the checker under tsx's loader, as `npm run lint:workflows` does, in a single process
 * (no tsx CLI wrapper) so that a kill by pid stops all of it.
 */
function runChecker(...args: string[]): Promise<CheckerRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", checker, ...args], {
      cwd: root,
      timeout: 20_000,
      stdio: ["ignore", "pipe", "pipe"],
    });
    running.add(child);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (status) => {
      running.delete(child);
      resolve({ status, stdout, stderr });
    });
  });
}

/** A fresh directory holding the given files (a name ending in "/" makes a subdirectory). */
function workflowDirectory(files: Record<string, string>): string {
  const directory = mkdtempSync(join(tmpdir(), "check-workflows-"));
  temporaryDirectories.push(directory);
  for (const [name, content] of Object.entries(files)) {
    if (name.endsWith("/")) {
      mkdirSync(join(directory, name));
    } else {
      writeFileSync(join(directory, name), content);
    }
  }
  return directory;
}

afterEach(() => {
  for (const child of running) {
    if (child.pid !== undefined) process.kill(child.pid, "SIGKILL");
  }
  running.clear();
  for (const directory of temporaryDirectories.splice(0)) {
    rmSync(directory, { recursive: true, force: true });
  }
});

const validJob = "jobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm test\n";

/** One problem per file, in file name order, with the parser's exact message for it. */
const brokenWorkflows = [
  {
    file: "duplicate-key.yml",
    content: `on: push\non: pull_request\n${validJob}`,
    message: "(Line: 2, Col: 1): 'on' is already defined",
  },
  {
    file: "needs-unknown-job.yml",
    content: `on: push\n${validJob}  deploy:\n    needs: tset\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n`,
    message: "(Line: 8, Col: 12): Job 'deploy' depends on unknown job 'tset'.",
  },
  {
    file: "permission-level.yml",
    content: `on: push\npermissions:\n  contents: reed\n${validJob}`,
    message: "(Line: 3, Col: 13): Unexpected value 'reed'",
  },
  {
    file: "unclosed-expression.yaml",
    content: `on: push\njobs:\n  test:\n    runs-on: \${{ matrix.os }\n    steps:\n      - run: echo\n`,
    message:
      "(Line: 4, Col: 14): The expression is not closed. An unescaped ${{ sequence was found, " +
      "but the closing }} sequence was not found.",
  },
  {
    file: "unknown-job-key.yml",
    content: `on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    stepz: []\n`,
    message: "(Line: 5, Col: 5): Unexpected value 'stepz'",
  },
  {
    file: "unknown-trigger.yml",
    content: `on: pull_requests\n${validJob}`,
    message: "(Line: 1, Col: 5): Unexpected value 'pull_requests'",
  },
];

describe("scripts/check-workflows.ts", () => {
  it("accepts the repository's workflows in .github/workflows by default", async () => {
    expect(await runChecker()).toEqual({
      status: 0,
      stdout:
        "3 workflow files valid: .github/workflows/ci.yml, .github/workflows/deploy.yml, " +
        ".github/workflows/preview.yml\n",
      stderr: "",
    });
  });

  it("rejects each broken workflow with a message naming the file, line, column and problem", async () => {
    const directory = workflowDirectory({
      ...Object.fromEntries(brokenWorkflows.map(({ file, content }) => [file, content])),
      "valid.yml": `on: push\n${validJob}`,
    });

    expect(await runChecker(directory)).toEqual({
      status: 1,
      stdout: "",
      stderr: brokenWorkflows
        .map(({ file, message }) => `${join(directory, file)} ${message}\n`)
        .join(""),
    });
  });

  it("reports entries GitHub would ignore, since they are misplaced workflows", async () => {
    const directory = workflowDirectory({
      "ci.yml": `on: push\n${validJob}`,
      "deploy.yml.orig": `on: push\n${validJob}`,
      "nested/": "",
    });
    const rule = `GitHub only runs .yml and .yaml files placed directly in ${directory}`;

    expect(await runChecker(directory)).toEqual({
      status: 1,
      stdout: "",
      stderr: `${join(directory, "deploy.yml.orig")}: ${rule}\n${join(directory, "nested")}: ${rule}\n`,
    });
  });

  it("fails rather than passing vacuously on an empty or missing directory", async () => {
    const empty = workflowDirectory({});
    const missing = join(empty, "workflows");

    expect(await runChecker(empty)).toEqual({
      status: 1,
      stdout: "",
      stderr: `${empty}: no workflow files found\n`,
    });
    expect(await runChecker(missing)).toEqual({
      status: 1,
      stdout: "",
      stderr: `${missing}: directory not found\n`,
    });
  });
});
