import { createHash } from "node:crypto";
import { lstatSync, readFileSync, readdirSync, readlinkSync, statSync } from "node:fs";
import { join, posix, resolve } from "node:path";
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { FLY_API_TOKEN_ENV } from "../rules/provider-config-keys";

/** What an image build needs: the app whose registry receives it and the sources. */
export interface ImageBuildInput {
  /** Fly app name; the image is pushed to `registry.fly.io/<app>`. */
  appName: string;
  /** Build context directory, relative to the project directory (or absolute). */
  context: string;
  /** Dockerfile path relative to `context`. */
  dockerfile: string;
}

/** The build step and the image it produces. */
export interface ImageBuild {
  /** The `flyctl deploy --build-only --push` command. */
  command: command.local.Command;
  /** `registry.fly.io/<app>:<label>`, the reference machines run. */
  image: string;
  /** Content hash of the context (hex SHA-256), also the Command's trigger. */
  contextHash: string;
}

// Never part of what the image is built from, and often large: version control metadata,
// installed dependencies and this project's own offline state.
const SKIPPED_DIRECTORIES: ReadonlySet<string> = new Set([
  ".git",
  "node_modules",
  ".pulumi-offline",
]);

function collectFiles(root: string, relative: string, into: string[]): void {
  for (const entry of readdirSync(join(root, relative), { withFileTypes: true })) {
    const path = relative === "" ? entry.name : posix.join(relative, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRECTORIES.has(entry.name)) collectFiles(root, path, into);
    } else {
      into.push(path);
    }
  }
}

/**
 * SHA-256 over the build context: every file's path, executable bit and content (a symlink's
 * target text), in sorted path order, plus the Dockerfile's name. The same sources always give
 * the same hash on any machine, so an unchanged context never triggers a rebuild.
 */
export function hashBuildContext(context: string, dockerfile: string): string {
  const files: string[] = [];
  collectFiles(context, "", files);
  files.sort();
  const hash = createHash("sha256");
  hash.update(`dockerfile\0${dockerfile}\0`);
  for (const file of files) {
    const full = join(context, file);
    const stats = lstatSync(full);
    const executable = (stats.mode & 0o111) !== 0 ? "x" : "-";
    hash.update(`${file}\0${executable}\0`);
    hash.update(stats.isSymbolicLink() ? readlinkSync(full) : readFileSync(full));
    hash.update("\0");
  }
  return hash.digest("hex");
}

/** The image label for a context hash: short enough to read, long enough never to collide. */
export function imageLabel(contextHash: string): string {
  return `src-${contextHash.slice(0, 16)}`;
}

// Single-quotes anything a POSIX shell would otherwise interpret.
function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=@-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The build command: flyctl builds the context (with a local Docker daemon, or Fly's remote
 * builder when there is none) and pushes it to the app's registry under `label`, without
 * deploying anything; the machines are this program's job. flyctl reads FLY_API_TOKEN from
 * its environment (see `createImageBuild`), so no token is ever part of the command line.
 */
export function buildCommandLine(input: ImageBuildInput, label: string): string {
  return [
    ...["flyctl", "deploy", "--build-only", "--push"],
    ...["-a", input.appName, "--image-label", label],
    ...["--dockerfile", posix.join(input.context, input.dockerfile), input.context],
  ]
    .map(shellQuote)
    .join(" ");
}

/**
 * What is missing from a build's sources (relative paths are resolved against the working
 * directory, the project directory under Pulumi): the field at fault and why, or undefined.
 */
export function buildSourceProblem(build: {
  context: string;
  dockerfile: string;
}): { field: "context" | "dockerfile"; reason: string } | undefined {
  const context = resolve(build.context);
  const isDirectory = statSync(context, { throwIfNoEntry: false })?.isDirectory() ?? false;
  if (!isDirectory)
    return { field: "context", reason: `no directory at ${JSON.stringify(context)}` };
  const dockerfile = resolve(context, build.dockerfile);
  const isFile = statSync(dockerfile, { throwIfNoEntry: false })?.isFile() ?? false;
  return isFile
    ? undefined
    : { field: "dockerfile", reason: `no file at ${JSON.stringify(dockerfile)}` };
}

/**
 * The token flyctl authenticates with, found where the providers find theirs: the one the
 * program read from the stack config (`flyApiToken`) when there is one, else the FLY_API_TOKEN
 * environment variable. Always a secret Output; undefined when neither is set.
 */
export function flyctlToken(
  configured: pulumi.Input<string> | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): pulumi.Output<string> | undefined {
  if (configured !== undefined) {
    return pulumi.secret(pulumi.output(configured).apply((token) => token.trim()));
  }
  const fromEnv = env[FLY_API_TOKEN_ENV]?.trim();
  return fromEnv ? pulumi.secret(fromEnv) : undefined;
}

/**
 * Registers the image build as a `command.local.Command`. Its `triggers` hold the context hash,
 * so Pulumi replaces (reruns) the build exactly when the sources change, and the label carries
 * the same hash, so the machines' image reference changes with it and they roll out the new
 * image.
 *
 * `flyApiToken` (see `flyctlToken`) reaches flyctl as the secret environment variable
 * FLY_API_TOKEN: stack config is not in flyctl's environment otherwise. The Command keeps it
 * encrypted in the state, and `environment` is a secret output too. A new token changes the
 * Command's inputs, so the next `up` runs the same build again: same sources, same label, so
 * no machine changes.
 */
export function createImageBuild(
  name: string,
  input: ImageBuildInput,
  opts: pulumi.CustomResourceOptions,
  flyApiToken?: pulumi.Output<string>,
): ImageBuild {
  const contextHash = hashBuildContext(input.context, input.dockerfile);
  const label = imageLabel(contextHash);
  const build = new command.local.Command(
    name,
    {
      create: buildCommandLine(input, label),
      triggers: [contextHash],
      ...(flyApiToken !== undefined
        ? { environment: { FLY_API_TOKEN: pulumi.secret(flyApiToken) } }
        : {}),
    },
    { ...opts, additionalSecretOutputs: [...(opts.additionalSecretOutputs ?? []), "environment"] },
  );
  return { command: build, image: `registry.fly.io/${input.appName}:${label}`, contextHash };
}
