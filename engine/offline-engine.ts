import { DeploymentState } from "./deployment-state";
import {
  type EngineOptions,
  type OperationKind,
  type OperationResult,
  type RefreshOptions,
  type ResourceState,
} from "./engine-types";
import { Operation } from "./operation";
import { buildResult } from "./operation-result";
import { pendingOperationsWarning } from "./pending-warning";
import { defaultParallel } from "./step-executor";
import { resolvePassphrase, SecretsCrypter, type Passphrase } from "./secrets-crypter";
import { readProject, readStackFile, resolveStackConfig, type StackFile } from "./stack-files";
import { readStateFile, stateFilePath, StateStore, type StateFileContents } from "./state-store";

const DEFAULT_TIMEOUT_MS = 120_000;

/**
 * An offline stand-in for the Pulumi CLI, for tests and CI: it runs a project's TypeScript program
 * through Pulumi's own language runtime against a local resource monitor, sends dynamic resources
 * to Pulumi's own dynamic-provider host, runs `command:local:Command` locally, and keeps state in
 * `<projectDir>/.pulumi-offline/<stack>/state.json`. Test equipment: real deployments use the
 * real `pulumi` CLI.
 *
 * @example
 *   const engine = new OfflineEngine({ projectDir, stack: "dev", config: { storeUrl } });
 *   const result = await engine.up(); // { ok, summary, steps, outputs, logs, error? }
 */
export class OfflineEngine {
  /** Where this stack's state lives. */
  readonly stateFile: string;
  private current: Operation | undefined;
  private running = false;

  constructor(private readonly options: EngineOptions) {
    this.stateFile = stateFilePath(options.projectDir, options.stack, options.stateDirectory);
  }

  /** Runs the program as a dry run: Check and Diff only, no Create, Update or Delete. */
  preview(): Promise<OperationResult> {
    return this.execute("preview");
  }

  /** Runs the program and converges the stack, then deletes what the program no longer declares. */
  up(): Promise<OperationResult> {
    return this.execute("up");
  }

  /** Reads every resource back through its provider and records drift in the state. */
  refresh(options: RefreshOptions = {}): Promise<OperationResult> {
    return this.execute("refresh", options);
  }

  /** Deletes every resource of the stack in reverse dependency order. */
  destroy(): Promise<OperationResult> {
    return this.execute("destroy");
  }

  /** The state file as stored, secrets still encrypted; undefined before the first `up`. */
  readState(): StateFileContents | undefined {
    return readStateFile(this.stateFile);
  }

  /** The state's resources with secrets decrypted (as `{ [SIG_KEY]: SECRET_SIG, value }`). */
  async loadState(): Promise<ResourceState[]> {
    const contents = this.readState();
    if (contents === undefined) return [];
    const passphrase = resolvePassphrase({ ...process.env, ...this.options.env });
    const crypter = await SecretsCrypter.fromEncryptionSalt(
      passphrase.value,
      contents.secretsProvider.salt,
    );
    return new StateStore(this.stateFile, crypter, contents).decode(contents);
  }

  /**
   * The CLI's first Ctrl-C: the running operation stops taking on work (Cancel RPC to the
   * provider host, the program interrupted), lets the steps in flight finish and record their
   * outcome, and ends as `update canceled`.
   */
  async cancel(): Promise<void> {
    await this.current?.cancel();
  }

  /**
   * The CLI's second Ctrl-C: nothing more is written to the state file (operations in flight stay
   * pending there) and every child process is stopped at once.
   */
  async terminate(): Promise<void> {
    const operation = this.current;
    if (operation === undefined) return;
    operation.state.freeze();
    await operation.close();
  }

  /** SIGKILLs the provider host of the running operation (crash simulations). */
  killProviderHost(): void {
    this.current?.killProviderHost();
  }

  private async execute(
    kind: OperationKind,
    refresh: RefreshOptions = {},
  ): Promise<OperationResult> {
    if (this.running) {
      throw new Error(`${kind}: another operation is still running on stack ${this.options.stack}`);
    }
    this.running = true;
    const startedAt = Date.now();
    const errors: string[] = [];
    let operation: Operation | undefined;
    try {
      const { projectDir, stack } = this.options;
      const project = readProject(projectDir);
      const stackFile = readStackFile(projectDir, project.name, stack);
      const stored = readStateFile(this.stateFile);
      const passphrase = resolvePassphrase({ ...process.env, ...this.options.env });
      const crypters = await openCrypters(passphrase, stackFile, stored);
      const config = resolveStackConfig({
        project: project.name,
        stackFile,
        ...(crypters.config ? { crypter: crypters.config } : {}),
        ...(this.options.config ? { config: this.options.config } : {}),
        ...(this.options.secretConfig ? { secretConfig: this.options.secretConfig } : {}),
      });
      const store = new StateStore(this.stateFile, crypters.state, {
        project: project.name,
        stack,
      });
      const preview = kind === "preview";
      const snapshot = store.decodeSnapshot(stored);
      const state = new DeploymentState(
        snapshot,
        preview ? undefined : (next) => store.save(next.resources, next.pendingOperations),
      );
      if (refresh.clearPendingCreates) state.clearPendingCreates();
      const parallel =
        this.options.parallel ?? defaultParallel({ ...process.env, ...this.options.env });
      const started = new Operation({
        options: this.options,
        project,
        config,
        state,
        preview,
        parallel,
      });
      operation = started;
      this.current = started;
      if (passphrase.source === "default") {
        started.log({
          severity: "warning",
          source: "engine",
          message:
            "PULUMI_CONFIG_PASSPHRASE is not set: secrets are encrypted with the public test " +
            "passphrase of the offline engine",
        });
      }
      const warning = pendingOperationsWarning(kind, snapshot.pendingOperations);
      if (warning !== undefined) {
        const stackUrn = `urn:pulumi:${stack}::${project.name}::pulumi:pulumi:Stack::${project.name}-${stack}`;
        started.log({ severity: "warning", message: warning, urn: stackUrn, source: "engine" });
      }
      const work =
        kind === "refresh"
          ? started.refresh()
          : kind === "destroy"
            ? started.destroy()
            : started.runProgram();
      await withTimeout(work, this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS, async () => {
        state.freeze();
        await started.close();
      });
    } catch (error) {
      errors.push((error as Error).message);
    } finally {
      await operation?.close();
      this.current = undefined;
      this.running = false;
    }
    return buildResult(kind, operation, [...errors, ...(operation?.errors ?? [])], startedAt);
  }
}

async function openCrypters(
  passphrase: Passphrase,
  stackFile: StackFile,
  stored: StateFileContents | undefined,
): Promise<{ config?: SecretsCrypter; state: SecretsCrypter }> {
  const config =
    stackFile.encryptionSalt === undefined
      ? undefined
      : await SecretsCrypter.fromEncryptionSalt(passphrase.value, stackFile.encryptionSalt);
  const stateSalt = stored?.secretsProvider.salt;
  if (stateSalt === undefined) {
    return {
      ...(config ? { config } : {}),
      state: config ?? (await SecretsCrypter.create(passphrase.value)),
    };
  }
  const state =
    config !== undefined && stateSalt === config.encryptionSalt
      ? config
      : await SecretsCrypter.fromEncryptionSalt(passphrase.value, stateSalt);
  return { ...(config ? { config } : {}), state };
}

function withTimeout(
  work: Promise<void>,
  ms: number,
  onTimeout: () => Promise<void>,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      void onTimeout();
      reject(new Error(`the operation did not finish within ${ms} ms and was stopped`));
    }, ms);
  });
  // After a timeout the work settles on its own once its processes are gone; nothing awaits it.
  work.catch(() => undefined);
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
