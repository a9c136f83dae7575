import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { signalProcessGroup, trackProcessGroup } from "./child-processes";
import { programConfigJson, type ProjectInfo, type StackConfig } from "./stack-files";

/** How to run the Pulumi program. */
export interface ProgramLaunch {
  readonly project: ProjectInfo;
  readonly stack: string;
  /** The monitor's address; it serves the Engine service too. */
  readonly monitorAddress: string;
  readonly preview: boolean;
  readonly parallel: number;
  readonly config: StackConfig;
  readonly env: NodeJS.ProcessEnv;
  readonly onLine: (stream: "stdout" | "stderr", line: string) => void;
}

/** How the program process ended. */
export interface ProgramExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * The program, run the way pulumi-language-nodejs runs it (`constructArguments` and `execRuntime`
 * in its main.go): `node @pulumi/pulumi/cmd/run --monitor --engine --project --root-directory
 * --stack --pwd [--dry-run] --parallel <entry point>`, with the config in PULUMI_CONFIG and
 * PULUMI_CONFIG_SECRET_KEYS, and TypeScript loaded through ts-node in CommonJS mode, so what the
 * program registers (and any dynamic provider it serializes) is exactly what `pulumi up` sees.
 */
export class ProgramProcess {
  /** Resolves when the process has exited and its output is drained. */
  readonly exit: Promise<ProgramExit>;

  private constructor(private readonly child: ChildProcess) {
    this.exit = new Promise((resolve) =>
      child.once("close", (code, signal) => resolve({ code, signal })),
    );
  }

  /** Starts the program in its own process group. */
  static start(launch: ProgramLaunch): ProgramProcess {
    const { project } = launch;
    const runScript = require.resolve("@pulumi/pulumi/cmd/run", {
      paths: [project.programDirectory],
    });
    const options = project.runtimeOptions;
    const nodeArgs = options.nodeargs ? options.nodeargs.split(/\s+/).filter(Boolean) : [];
    const args = [
      ...nodeArgs,
      runScript,
      ...["--monitor", launch.monitorAddress, "--engine", launch.monitorAddress],
      ...["--project", project.name, "--root-directory", project.rootDirectory],
      ...["--stack", launch.stack, "--pwd", project.programDirectory],
      ...(launch.preview ? ["--dry-run"] : []),
      ...["--parallel", String(launch.parallel), project.entryPoint],
    ];
    const env: NodeJS.ProcessEnv = {
      ...launch.env,
      PULUMI_CONFIG: programConfigJson(launch.config),
      PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(launch.config.secretKeys),
      // Type checking is `tsc --noEmit` in the project's test command; here ts-node only
      // transpiles. `pulumi up` does the same for this project, whose tsconfig.pulumi.json sets
      // `noCheck` (cmd/run reads it when PULUMI_NODEJS_TRANSPILE_ONLY is unset), and for any
      // project when PULUMI_NODEJS_TRANSPILE_ONLY is set.
      PULUMI_NODEJS_TRANSPILE_ONLY: "true",
    };
    // The nodejs language host treats `typescript` as on unless the project turns it off.
    if (options.typescript !== "false") env.PULUMI_NODEJS_TYPESCRIPT = "true";
    if (options.tsconfig) env.PULUMI_NODEJS_TSCONFIG_PATH = options.tsconfig;
    const child = spawn(process.execPath, args, {
      cwd: project.programDirectory,
      env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    child.once("close", trackProcessGroup(child.pid));
    createInterface({ input: child.stdout }).on("line", (line) => launch.onLine("stdout", line));
    createInterface({ input: child.stderr }).on("line", (line) => launch.onLine("stderr", line));
    return new ProgramProcess(child);
  }

  /** The process id (also its process group id). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /**
   * SIGINT, then SIGKILL after `graceMs`: how pulumi-language-nodejs cancels a running program
   * (its command context sends SIGINT and waits 5 s, `WaitDelay`, before killing).
   */
  interrupt(graceMs = 5_000): void {
    this.signal("SIGINT");
    const timer = setTimeout(() => this.kill(), graceMs);
    void this.exit.then(() => clearTimeout(timer));
  }

  /** SIGKILLs the program's process group (anything it spawned goes with it). */
  kill(): void {
    this.signal("SIGKILL");
  }

  private signal(signal: NodeJS.Signals): void {
    signalProcessGroup(this.child.pid, signal);
  }
}
