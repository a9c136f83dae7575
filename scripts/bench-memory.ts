/**
 * The real gateway's memory on each size the program offers: each VM preset at the memory the
 * program gives it by default (presets with the same memory share a row), and smaller memories
 * of the smallest preset to find where the gateway stops fitting. Each is the machine the program deploys (command, env with the Node
 * heap setting, config file, volume) booted as a real machine in the emulator under that
 * memory limit; see bench/memory-run.ts for the phases. Prints the README's sizing table in
 * Markdown (or JSON), with the date, the gateway version and how the limit was enforced.
 *
 *   npm run bench:memory -- [--presets shared-cpu-1x,performance-1x] [--probe 512,1024,1536]
 *                           [--idle-s 30] [--sessions 5] [--json]
 *
 * CPUs are the host's: the emulator does not emulate `guest.cpus`. Progress goes to stderr.
 */
import { parseArgs } from "node:util";
import { defaultMemoryMb } from "../components/vm-sizes";
import { openclawVersionOf } from "../emulator/real-machines/guest-image";
import { memoryLimiter } from "../emulator/real-machines/memory-limit";
import { ensureRuntime } from "../gateway-runtime/runtime-install";
import { DEFAULT_IMAGE } from "../rules/deployment-defaults";
import { VM_SIZE_NAMES, VM_SIZE_PRESETS, isVmSizePreset } from "../rules/fly-sizes";
import { measureMemory, type MemoryCase, type MemoryResult } from "./bench/memory-run";

const USAGE =
  "usage: npm run bench:memory -- [--presets a,b] [--probe 512,1024] [--idle-s S] [--sessions N] [--json]";

function cases(presets: string | undefined, probe: string | undefined): MemoryCase[] {
  const names = presets === undefined ? VM_SIZE_NAMES : presets.split(",").map((p) => p.trim());
  const chosen: MemoryCase[] = [];
  const smallest = VM_SIZE_PRESETS["shared-cpu-1x"];
  for (const mb of (probe ?? "512,1024,1536").split(",").filter(Boolean).map(Number)) {
    if (!Number.isInteger(mb) || mb % 256 !== 0 || mb < 256 || mb > 2048) {
      throw new Error(`--probe takes shared-cpu-1x memories (256..2048, steps of 256)\n${USAGE}`);
    }
    chosen.push({ label: `shared-cpu-1x @ ${mb} MB`, guest: { ...smallest, memoryMb: mb } });
  }
  // Presets the program gives the same memory share one measurement: the emulator runs every
  // machine on the host's CPUs, so they would boot the very same machine.
  const byMemory = new Map<number, string[]>();
  for (const name of names) {
    if (!isVmSizePreset(name)) throw new Error(`--presets: unknown size "${name}"\n${USAGE}`);
    const memoryMb = defaultMemoryMb(name);
    byMemory.set(memoryMb, [...(byMemory.get(memoryMb) ?? []), name]);
  }
  for (const [memoryMb, sizes] of byMemory) {
    const guest = { ...VM_SIZE_PRESETS[sizes[0] as keyof typeof VM_SIZE_PRESETS], memoryMb };
    chosen.push({ label: sizes.join(", "), guest });
  }
  return chosen;
}

const mb = (value: number | undefined) => (value === undefined ? "–" : `${value} MB`);

function outcomeText(result: MemoryResult): string {
  if (result.outcome === "ok") return "ok";
  return `${result.outcome === "oom-killed" ? "OOM-killed" : result.outcome} (${result.detail})`;
}

/** The README's table. */
export function formatTable(results: readonly MemoryResult[], header: string): string {
  const rows = results.map((r) =>
    [
      r.label,
      mb(r.guest.memoryMb),
      mb(r.heapMb),
      r.readySeconds === undefined ? "–" : `${r.readySeconds} s`,
      mb(r.bootPeakMb),
      mb(r.idleMb),
      mb(r.loadPeakMb),
      outcomeText(r),
    ].join(" | "),
  );
  return [
    header,
    "",
    "| Size | Memory | Node heap | Ready in | Boot peak | Idle | Under load (peak) | Outcome |",
    "|---|---|---|---|---|---|---|---|",
    ...rows.map((row) => `| ${row} |`),
  ].join("\n");
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      presets: { type: "string" },
      probe: { type: "string" },
      "idle-s": { type: "string" },
      sessions: { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  const chosen = cases(values.presets, values.probe);
  const say = (line: string) => process.stderr.write(`${line}\n`);
  const version = openclawVersionOf(DEFAULT_IMAGE) ?? "";
  const runtime = await ensureRuntime(version, { onProgress: say });
  const limiter = memoryLimiter("auto");
  const mechanism = limiter.mechanism;
  limiter.close();
  const results: MemoryResult[] = [];
  for (const size of chosen) {
    say(`${size.label}: booting OpenClaw ${version} with ${size.guest.memoryMb} MB`);
    const result = await measureMemory(size, {
      idleMs: Number(values["idle-s"] ?? 30) * 1000,
      sessions: Number(values.sessions ?? 5),
      onProgress: say,
    });
    // Each figure as it comes, so a run cut short still tells what it measured.
    say(`${size.label}: ${outcomeText(result)} ${JSON.stringify(result)}`);
    results.push(result);
  }
  const date = new Date().toISOString().slice(0, 10);
  const header =
    `Measured ${date} with \`npm run bench:memory\`: OpenClaw ${version} on Node ` +
    `${runtime.node.version}, memory limited by ${mechanism}; memory is the PSS of the ` +
    "machine's whole process tree (MB = MiB).";
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ date, version, mechanism, results }, null, 2)}\n`);
  } else {
    process.stdout.write(`${formatTable(results, header)}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
