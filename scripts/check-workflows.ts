/**
 * Validates the GitHub Actions workflows with GitHub's own parser, `@actions/workflow-parser`
 * (the one behind the Actions VS Code extension): YAML syntax, the workflow schema (keys,
 * events, permissions, strategy values), `${{ }}` expressions and the job graph (`needs`).
 * Runs offline: the schema ships inside the package.
 *
 * Usage: `tsx scripts/check-workflows.ts [directory]` (default `.github/workflows`). Prints one
 * line per problem on stderr and exits 1 if there is any, 2 if the check itself could not run.
 *
 * It must run under tsx: the parser is ESM-only and imports its schema JSON without an import
 * attribute, which plain Node rejects (actions/languageservices#387); tsx's loader adds the
 * attribute. For the same reason vitest cannot load the parser in-process, so tests run this
 * file as a child process.
 */
import type { Dirent } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { extname, join } from "node:path";

/** Where GitHub looks for workflows, relative to the repository root. */
const DEFAULT_WORKFLOW_DIRECTORY = join(".github", "workflows");

/** GitHub only runs files with these extensions placed directly in the workflow directory. */
const WORKFLOW_EXTENSIONS = new Set([".yml", ".yaml"]);

/** The result of checking one directory. */
export interface WorkflowCheckResult {
  /** Workflow files that were parsed, as `<directory>/<name>`, in name order. */
  readonly checked: readonly string[];
  /** One message per problem, each naming the file (and the line and column when known). */
  readonly problems: readonly string[];
}

/**
 * Parses one workflow and returns the parser's messages, empty when the workflow is valid.
 * `fileName` is only used to prefix the messages.
 */
export async function validateWorkflow(fileName: string, content: string): Promise<string[]> {
  const { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } = await loadParser();
  const parsed = parseWorkflow({ name: fileName, content }, new NoOperationTraceWriter());
  if (parsed.value === undefined) {
    const messages = parsed.context.errors.getErrors().map((error) => error.message);
    return messages.length > 0 ? messages : [`${fileName}: the file holds no workflow`];
  }
  // Conversion returns the schema errors found while parsing and, when there are none, goes on
  // to the checks that need the whole workflow, such as `needs` naming a job that exists.
  const template = await convertWorkflowTemplate(parsed.context, parsed.value);
  return (template.errors ?? []).map((error) => error.Message);
}

/**
 * Validates every entry of `directory`. Anything GitHub would silently ignore there (another
 * extension, a subdirectory) is reported too, since it is almost always a misplaced workflow,
 * and so is an empty or missing directory, so that the check cannot pass by finding nothing.
 */
export async function checkWorkflowDirectory(directory: string): Promise<WorkflowCheckResult> {
  let entries: Dirent[];
  try {
    entries = await readdir(directory, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      return { checked: [], problems: [`${directory}: directory not found`] };
    }
    throw error;
  }
  const checked: string[] = [];
  const problems: string[] = [];
  // Code-unit order, not locale order, so every machine reports problems in the same order.
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(directory, entry.name);
    if (!entry.isFile() || !WORKFLOW_EXTENSIONS.has(extname(entry.name))) {
      problems.push(
        `${path}: GitHub only runs .yml and .yaml files placed directly in ${directory}`,
      );
      continue;
    }
    checked.push(path);
    problems.push(...(await validateWorkflow(path, await readFile(path, "utf8"))));
  }
  if (entries.length === 0) {
    problems.push(`${directory}: no workflow files found`);
  }
  return { checked, problems };
}

type WorkflowParser = typeof import("@actions/workflow-parser");

/** Loads the ESM-only parser from this CommonJS project, explaining the one known failure. */
async function loadParser(): Promise<WorkflowParser> {
  try {
    return await import("@actions/workflow-parser");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ERR_IMPORT_ATTRIBUTE_MISSING" || code === "ERR_IMPORT_ASSERTION_TYPE_MISSING") {
      throw new Error("@actions/workflow-parser cannot load under plain node: run this with tsx", {
        cause: error,
      });
    }
    throw error;
  }
}

async function main(): Promise<number> {
  const directory = process.argv[2] ?? DEFAULT_WORKFLOW_DIRECTORY;
  const { checked, problems } = await checkWorkflowDirectory(directory);
  if (problems.length > 0) {
    process.stderr.write(problems.map((problem) => `${problem}\n`).join(""));
    return 1;
  }
  process.stdout.write(`${checked.length} workflow files valid: ${checked.join(", ")}\n`);
  return 0;
}

if (require.main === module) {
  main().then(
    (status) => {
      process.exitCode = status;
    },
    (error: unknown) => {
      process.stderr.write(`check-workflows: ${error instanceof Error ? error.message : error}\n`);
      process.exitCode = 2;
    },
  );
}
