import { parseArgs } from "node:util";
import { startEmulator } from "./server";
import { stopOnSignals } from "./shutdown-signals";

const USAGE = `usage: npm run emulator -- [--port 4280] [--token T] [--state FILE] [--latency MS]
                            [--boot-ms MS] [--checks-ms MS] [--transition-ms MS] [--no-rate-limit]
                            [--manual-clock] [--real-machines [--machines-dir DIR]]

  --real-machines  machines with an OpenClaw image (ghcr.io/openclaw/openclaw:<version>) run the
                   real gateway of that version; GET /__emulator/state lists each one's local_url
  --machines-dir   where real machines keep their files (default: <state FILE>.machines, or a
                   temporary folder removed on exit)`;

function numberOption(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    process.stderr.write(`--${name} must be a non-negative integer, got "${value}"\n${USAGE}\n`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string" },
      token: { type: "string" },
      state: { type: "string" },
      latency: { type: "string" },
      "boot-ms": { type: "string" },
      "checks-ms": { type: "string" },
      "transition-ms": { type: "string" },
      "no-rate-limit": { type: "boolean" },
      "manual-clock": { type: "boolean" },
      "real-machines": { type: "boolean" },
      "machines-dir": { type: "string" },
      help: { type: "boolean" },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const handle = await startEmulator({
    port: numberOption("port", values.port, 4280),
    token: values.token,
    statePath: values.state,
    latencyMs: numberOption("latency", values.latency, 0),
    bootMs: numberOption("boot-ms", values["boot-ms"], 1000),
    checksMs: numberOption("checks-ms", values["checks-ms"], 2000),
    transitionMs: numberOption("transition-ms", values["transition-ms"], 300),
    rateLimit: !values["no-rate-limit"],
    manualClock: values["manual-clock"] === true,
    realMachines: values["real-machines"]
      ? {
          ...(values["machines-dir"] ? { root: values["machines-dir"] } : {}),
          onLog: (line) => process.stderr.write(`${line}\n`),
        }
      : false,
  });
  process.stdout.write(`listening on ${handle.url}\n`);
  process.stdout.write(`token ${handle.token}\n`);
  const real = handle.emulator.real;
  if (real) {
    process.stdout.write(
      `real machines: OpenClaw images run the real gateway; their files are in ${real.folders.root}\n`,
    );
  }
  stopOnSignals(handle);
}

main().catch((err: unknown) => {
  process.stderr.write(
    `emulator failed to start: ${err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exit(1);
});
