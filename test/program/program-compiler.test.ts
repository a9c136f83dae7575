import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as yaml from "js-yaml";
import * as ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// How `pulumi up` compiles index.ts for this project: the nodejs language host passes Pulumi.yaml's
// `tsconfig` option as PULUMI_NODEJS_TSCONFIG_PATH, and `run` in @pulumi/pulumi's cmd/run/run.js
// registers ts-node with `transpileOnly` taken from that file's raw `compilerOptions.noCheck`
// (PULUMI_NODEJS_TRANSPILE_ONLY unset), so a run only transpiles; `npm test` type-checks.
const ROOT = join(__dirname, "..", "..");
const pulumiDir = join(ROOT, "node_modules", "@pulumi", "pulumi");

interface PulumiTsUtils {
  loadTypeScriptCompilerOptions(path: string): Record<string, unknown>;
  typeScriptRequireStrings(): { tsnodeRequire: string; typescriptRequire: string };
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const tsutils = require(join(pulumiDir, "tsutils.js")) as PulumiTsUtils;

function runtimeOptions(): Record<string, unknown> {
  const project = yaml.load(readFileSync(join(ROOT, "Pulumi.yaml"), "utf8")) as {
    runtime: { options: Record<string, unknown> };
  };
  return project.runtime.options;
}

function parsedConfig(file: string): ts.ParsedCommandLine {
  const { config } = ts.readConfigFile(join(ROOT, file), ts.sys.readFile);
  return ts.parseJsonConfigFileContent(config, ts.sys, ROOT, undefined, join(ROOT, file));
}

describe("the program's compiler settings under pulumi", () => {
  it("names tsconfig.pulumi.json, whose own compilerOptions say noCheck, as cmd/run reads them", () => {
    expect(runtimeOptions()).toEqual({ typescript: true, tsconfig: "tsconfig.pulumi.json" });
    expect(tsutils.loadTypeScriptCompilerOptions(join(ROOT, "tsconfig.pulumi.json"))).toEqual({
      noCheck: true,
    });
    // The project's main tsconfig leaves it unset: without the option, ts-node type-checks.
    expect(tsutils.loadTypeScriptCompilerOptions(join(ROOT, "tsconfig.json")).noCheck).toBe(
      undefined,
    );
  });

  it("compiles with tsconfig.json's options and names only the entry point", () => {
    const pulumiConfig = parsedConfig("tsconfig.pulumi.json");
    const { noCheck, configFilePath, ...options } = pulumiConfig.options;
    const { configFilePath: baseFile, ...base } = parsedConfig("tsconfig.json").options;
    expect(noCheck).toBe(true);
    expect([configFilePath, baseFile]).toEqual([
      join(ROOT, "tsconfig.pulumi.json"),
      join(ROOT, "tsconfig.json"),
    ]);
    expect(options).toEqual(base);
    // No directory walk over the repository's include globs on every run: the entry point only.
    expect(pulumiConfig.fileNames).toEqual([join(ROOT, "index.ts")]);
  });
});

describe("ts-node registered as cmd/run registers it", { timeout: 120_000 }, () => {
  let dir: string;
  beforeAll(() => {
    // A program with a type error beside this project's compiler settings and packages.
    dir = mkdtempSync(join(tmpdir(), "program-compiler-"));
    for (const file of ["tsconfig.json", "tsconfig.pulumi.json"]) {
      copyFileSync(join(ROOT, file), join(dir, file));
    }
    symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
    writeFileSync(
      join(dir, "index.ts"),
      'const port: number = "18789";\nprocess.stdout.write(`ran with ${port}\\n`);\n',
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // The registration of `run` in cmd/run/run.js (CommonJS programs), decision included.
  const register = `
    const path = require("node:path");
    const tsutils = require(${JSON.stringify(join(pulumiDir, "tsutils.js"))});
    const tsConfigPath = process.env.TSCONFIG;
    const compilerOptions = tsutils.loadTypeScriptCompilerOptions(tsConfigPath);
    const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
    require(tsnodeRequire).register({
      compiler: typescriptRequire,
      transpileOnly: compilerOptions.noCheck,
      project: tsConfigPath,
      skipProject: false,
      compilerOptions: {
        target: "ES2020", module: "nodenext", moduleResolution: "nodenext", sourceMap: "true",
        ...compilerOptions,
      },
    });
    require(path.join(process.cwd(), "index.ts"));
  `;
  const run = (tsconfig: string) =>
    spawnSync(process.execPath, ["-e", register], {
      cwd: dir,
      // A private ts-node cache: an earlier run's output must not stand in for this compile.
      env: {
        ...process.env,
        TSCONFIG: tsconfig,
        TS_NODE_CACHE_DIRECTORY: join(dir, `cache-${tsconfig}`),
      },
      encoding: "utf8",
    });

  it("only transpiles with tsconfig.pulumi.json: the program runs", () => {
    const result = run("tsconfig.pulumi.json");
    expect(result.stdout).toBe("ran with 18789\n");
    expect(result.status).toBe(0);
  });

  it("type-checks with tsconfig.json alone: the same program stops at its type error", () => {
    const result = run("tsconfig.json");
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(
      "index.ts(1,7): error TS2322: Type 'string' is not assignable to type 'number'.",
    );
    expect(result.status).toBe(1);
  });
});
