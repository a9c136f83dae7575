import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { load } from "js-yaml";
import { describe, expect, it } from "vitest";
import { CHECKS } from "../../scripts/run-checks";

const root = join(__dirname, "..", "..");
const workflowDirectory = join(root, ".github", "workflows");

// Workflows are free-form YAML; the assertions below pin the parts that matter exactly.
type Workflow = Record<string, any>;

function readWorkflow(fileName: string): Workflow {
  return load(readFileSync(join(workflowDirectory, fileName), "utf8")) as Workflow;
}

/** The step that runs Pulumi's action; each Pulumi job has exactly one. */
function pulumiStep(job: Workflow): Workflow {
  const steps = job.steps.filter((step: Workflow) => step.uses?.startsWith("pulumi/actions@"));
  expect(steps).toHaveLength(1);
  return steps[0];
}

const workflowFiles = ["ci.yml", "deploy.yml", "preview.yml"];
const ci = readWorkflow("ci.yml");
const preview = readWorkflow("preview.yml");
const deploy = readWorkflow("deploy.yml");
const packageJson = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

const pulumiEnv = {
  PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}",
  PULUMI_CONFIG_PASSPHRASE: "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}",
  FLY_API_TOKEN: "${{ secrets.FLY_API_TOKEN }}",
};
/**
 * The CI step fetching the spec the emulator's conformance tests read: into the runner's temp
 * directory, which the test step's FLY_OPENAPI_SPEC names as `${{ runner.temp }}`.
 */
const SPEC_DOWNLOAD =
  "curl --fail --silent --show-error --location --retry 3 " +
  '--output "$RUNNER_TEMP/fly-machines-openapi.json" ' +
  "https://docs.machines.dev/spec/openapi3.json";
const matrixStackName =
  "${{ vars.PULUMI_ORG && format('{0}/{1}', vars.PULUMI_ORG, matrix.stack) || matrix.stack }}";

describe("ci.yml", () => {
  it("runs on every push and every pull request", () => {
    expect(ci.on).toEqual({ push: null, pull_request: null });
  });

  it("installs from the lockfile and runs the README's test command with npm on Node 24", () => {
    const job = ci.jobs.test;
    expect(Object.keys(ci.jobs)).toEqual(["test"]);
    expect(job.strategy).toBeUndefined();
    expect(job.steps.map((step: Workflow) => step.uses ?? step.run)).toEqual([
      "actions/checkout@v4",
      "actions/setup-node@v4",
      "npm ci",
      SPEC_DOWNLOAD,
      "npm test",
    ]);
    expect(job.steps[1].with).toEqual({ "node-version": 24, cache: "npm" });
  });

  it("downloads Fly's published spec before npm test and names the file for that step alone", () => {
    const steps: Workflow[] = ci.jobs.test.steps;
    const download = steps.findIndex((step) => step.run === SPEC_DOWNLOAD);
    const test = steps.findIndex((step) => step.run === "npm test");
    expect(download).toBeGreaterThan(-1);
    expect(download).toBe(test - 1);
    expect(steps[test].env).toEqual({
      FLY_OPENAPI_SPEC: "${{ runner.temp }}/fly-machines-openapi.json",
      CHROMIUM_PATH: "/usr/bin/google-chrome",
    });
    expect(steps.filter((step) => step.env !== undefined)).toEqual([steps[test]]);
  });

  it("lints, including the workflow check, as the first part of npm test", () => {
    expect(packageJson.scripts.test).toBe("tsx scripts/run-checks.ts && vitest run");
    expect(CHECKS).toEqual([
      ["npm", "run", "--silent", "lint"],
      ["npm", "run", "--silent", "typecheck"],
    ]);
    expect(packageJson.scripts.typecheck).toBe("tsc --noEmit -p .");
    expect(packageJson.scripts.lint).toBe(
      "eslint . && prettier --check . && npm run lint:workflows",
    );
    expect(packageJson.scripts["lint:workflows"]).toBe("tsx scripts/check-workflows.ts");
  });
});

describe("preview.yml", () => {
  const job = preview.jobs.preview;

  it("runs on pull requests to main only", () => {
    expect(preview.on).toEqual({ pull_request: { branches: ["main"] } });
  });

  it("previews dev and prod independently, each of them a stack of this project", () => {
    expect(job.strategy).toEqual({ "fail-fast": false, matrix: { stack: ["dev", "prod"] } });
    for (const stack of job.strategy.matrix.stack) {
      expect(existsSync(join(root, `Pulumi.${stack}.yaml`))).toBe(true);
    }
  });

  it("posts pulumi preview --diff as a PR comment with Pulumi's action", () => {
    const step = pulumiStep(job);
    expect(step.uses).toBe("pulumi/actions@v7");
    expect(step.with).toEqual({
      command: "preview",
      "stack-name": matrixStackName,
      "comment-on-pr": true,
      diff: true,
      "github-token": "${{ secrets.GITHUB_TOKEN }}",
      "work-dir": ".",
      "cloud-url": "${{ vars.PULUMI_BACKEND_URL }}",
    });
    expect(step.env).toEqual(pulumiEnv);
  });

  it("skips pull requests from forks, which get no secrets", () => {
    expect(job.if).toBe("github.event.pull_request.head.repo.full_name == github.repository");
  });

  it("cancels a stale preview when the pull request gets a new push", () => {
    expect(preview.concurrency).toEqual({
      group: "preview-${{ github.event.pull_request.number }}",
      "cancel-in-progress": true,
    });
  });
});

describe("deploy.yml", () => {
  const { dev, prod } = deploy.jobs;

  it("runs on pushes to main only", () => {
    expect(deploy.on).toEqual({ push: { branches: ["main"] } });
  });

  it("brings dev up first, without waiting for an approval", () => {
    expect(Object.keys(deploy.jobs)).toEqual(["dev", "prod"]);
    expect(dev.needs).toBeUndefined();
    expect(dev.environment).toBeUndefined();
    expect(pulumiStep(dev).with).toEqual({
      command: "up",
      "stack-name": "${{ vars.PULUMI_ORG && format('{0}/dev', vars.PULUMI_ORG) || 'dev' }}",
      "comment-on-summary": true,
      "work-dir": ".",
      "cloud-url": "${{ vars.PULUMI_BACKEND_URL }}",
    });
    expect(pulumiStep(dev).env).toEqual(pulumiEnv);
  });

  it("brings the prod stacks up after dev, one at a time, behind the production environment", () => {
    expect(prod.needs).toBe("dev");
    expect(prod.environment).toBe("production");
    expect(prod.strategy).toEqual({
      "max-parallel": 1,
      "fail-fast": true,
      matrix: { stack: ["prod"] },
    });
    expect(existsSync(join(root, "Pulumi.prod.yaml"))).toBe(true);
    expect(pulumiStep(prod).uses).toBe("pulumi/actions@v7");
    expect(pulumiStep(prod).with).toEqual({
      ...pulumiStep(dev).with,
      "stack-name": matrixStackName,
    });
    expect(pulumiStep(prod).env).toEqual(pulumiEnv);
  });

  it("never runs two rollouts at once and never cancels one half-way", () => {
    expect(deploy.concurrency).toEqual({ group: "pulumi-rollout", "cancel-in-progress": false });
  });
});

describe("every workflow", () => {
  const workflows = workflowFiles.map((file) => [file, readWorkflow(file)] as const);

  it("is one of the three known workflow files", () => {
    expect(readdirSync(workflowDirectory).sort()).toEqual(workflowFiles);
  });

  it("grants nothing by default and only what each job needs", () => {
    const permissions = Object.fromEntries(
      workflows.flatMap(([file, workflow]) =>
        Object.entries(workflow.jobs).map(([id, job]) => [
          `${file}:${id}`,
          (job as Workflow).permissions,
        ]),
      ),
    );
    expect(workflows.map(([, workflow]) => workflow.permissions)).toEqual([{}, {}, {}]);
    expect(permissions).toEqual({
      "ci.yml:test": { contents: "read" },
      "deploy.yml:dev": { contents: "read" },
      "deploy.yml:prod": { contents: "read" },
      "preview.yml:preview": { contents: "read", "pull-requests": "write" },
    });
  });

  it("uses only the pinned major versions of the three actions, with the npm cache", () => {
    const steps = workflows.flatMap(([, workflow]) =>
      Object.values(workflow.jobs).flatMap((job) => (job as Workflow).steps as Workflow[]),
    );
    const actions = new Set(steps.filter((step) => step.uses).map((step) => step.uses));
    expect([...actions].sort()).toEqual([
      "actions/checkout@v4",
      "actions/setup-node@v4",
      "pulumi/actions@v7",
    ]);
    for (const step of steps.filter((candidate) => candidate.uses === "actions/setup-node@v4")) {
      expect(step.with.cache).toBe("npm");
    }
  });

  it("hands secrets to the Pulumi step alone, never to npm ci or a whole job", () => {
    for (const [, workflow] of workflows) {
      expect(workflow.env).toBeUndefined();
      for (const job of Object.values(workflow.jobs) as Workflow[]) {
        expect(job.env).toBeUndefined();
        const otherSteps = job.steps.filter((step: Workflow) => !step.uses?.startsWith("pulumi/"));
        expect(JSON.stringify(otherSteps)).not.toContain("secrets.");
      }
    }
  });
});
