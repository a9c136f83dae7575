import { describe, expect, it } from "vitest";
import { resolveGuest, SIZE_PRESETS } from "../../emulator/guest";
import { REGIONS } from "../../emulator/regions";
import {
  DEFAULT_HEALTH_CHECK,
  DEFAULT_HEALTH_TIMEOUT_SECONDS,
  DEFAULT_IMAGE,
  DEFAULT_ORG,
} from "../../rules/deployment-defaults";
import {
  appNameProblem,
  envNameProblem,
  hostnameProblem,
  machineNameProblem,
  orgSlugProblem,
  volumeNameProblem,
} from "../../rules/fly-names";
import { FLY_REGIONS, regionProblem } from "../../rules/fly-regions";
import {
  cpuCountProblem,
  memoryProblem,
  VM_SIZE_NAMES,
  VM_SIZE_PRESETS,
} from "../../rules/fly-sizes";

/** Whether the emulator, which models Fly on its own, accepts a machine of this guest. */
function emulatorAccepts(cpuKind: string, cpus: number, memoryMb: number): boolean {
  try {
    resolveGuest(undefined, { cpu_kind: cpuKind, cpus, memory_mb: memoryMb });
    return true;
  } catch {
    return false;
  }
}

describe("Fly's regions", () => {
  it("are the 18 of Fly's regions reference", () => {
    expect(FLY_REGIONS).toEqual(
      "ams arn bom cdg dfw ewr fra gru iad jnb lax lhr nrt ord sin sjc syd yyz".split(" "),
    );
  });

  it("are the regions the emulator places machines in, so the emulator refuses nothing the rules accept", () => {
    expect(REGIONS.map((region) => region.code)).toEqual(FLY_REGIONS);
  });

  it("names every region when one is unknown", () => {
    expect(regionProblem("iad")).toBeUndefined();
    expect(regionProblem("mars")).toBe(
      'unknown Fly region "mars" (known: ams arn bom cdg dfw ewr fra gru iad jnb lax lhr nrt ord sin sjc syd yyz)',
    );
  });
});

describe("Fly's naming rules", () => {
  it.each<[string, boolean]>([
    ["a", true],
    ["my-claw", true],
    ["claw2", true],
    ["a".repeat(63), true],
    // Fly's rule is the alphabet and the length; a dash at either end is within it.
    ["-claw", true],
    ["claw-", true],
    ["a".repeat(64), false],
    ["my_claw", false],
    ["MyClaw", false],
    ["", false],
  ])("app name %j valid: %s", (name, valid) => {
    expect(appNameProblem(name) === undefined).toBe(valid);
  });

  it("quotes the name it refuses", () => {
    expect(appNameProblem("My_Claw")).toBe(
      'must be 1 to 63 lowercase letters, digits and dashes, got "My_Claw"',
    );
    expect(orgSlugProblem("Acme")).toBe(
      'must be an organization slug (lowercase letters, digits and dashes, e.g. "personal"), got "Acme"',
    );
    expect(volumeNameProblem("openclaw-data")).toBe(
      'may contain only lowercase letters, digits and underscores, got "openclaw-data"',
    );
    expect(volumeNameProblem("a".repeat(31))).toBe("must be 1 to 30 characters long, got 31");
    expect(machineNameProblem("gw iad")).toBe(
      'must be 1 to 63 characters of letters, digits, dashes and underscores, got "gw iad"',
    );
    expect(envNameProblem("1PORT")).toBe(
      'name "1PORT" must start with a letter or underscore and contain only letters, digits and underscores',
    );
    expect(envNameProblem("")).toBe("names must not be empty");
  });

  it.each<[string, boolean]>([
    ["gw.example.com", true],
    ["*.example.com", true],
    ["example", false],
    ["-gw.example.com", false],
    ["gw-.example.com", false],
    ["GW.example.com", false],
    [`${"a".repeat(64)}.com`, false],
  ])("hostname %j valid: %s", (hostname, valid) => {
    expect(hostnameProblem(hostname) === undefined).toBe(valid);
  });
});

describe("Fly's sizes", () => {
  it("offers each CPU kind its own counts", () => {
    expect(cpuCountProblem("shared", 8)).toBeUndefined();
    expect(cpuCountProblem("shared", 16)).toBe(
      'must be one of 1, 2, 4, 6, 8 for cpuKind "shared", got 16',
    );
    expect(cpuCountProblem("performance", 16)).toBeUndefined();
  });

  it("holds memory within the kind's range per CPU, in 256 MB steps", () => {
    expect(memoryProblem("shared", 2, 4096)).toBeUndefined();
    expect(memoryProblem("shared", 2, 4352)).toBe(
      "must be from 512 to 4096 MB for 2 shared CPUs (Fly allows 256 to 2048 MB per shared CPU), got 4352",
    );
    expect(memoryProblem("performance", 1, 1024)).toBe(
      "must be from 2048 to 8192 MB for 1 performance CPU (Fly allows 2048 to 8192 MB per performance CPU), got 1024",
    );
    expect(memoryProblem("shared", 2, 1000)).toBe("must be a multiple of 256 MB, got 1000");
    expect(memoryProblem("shared", 2, 1536.5)).toBe(
      "must be a positive whole number of megabytes, got 1536.5",
    );
  });

  it("are the emulator's: it accepts exactly the guests the rules accept", () => {
    const disagreements: string[] = [];
    let accepted = 0;
    for (const cpuKind of ["shared", "performance"]) {
      for (let cpus = 1; cpus <= 17; cpus++) {
        // Just past the kind's per-CPU maximum, in half steps.
        const beyond = (cpuKind === "shared" ? 2048 : 8192) * cpus + 256;
        for (let memoryMb = 128; memoryMb <= beyond; memoryMb += 128) {
          const rules =
            cpuCountProblem(cpuKind, cpus) === undefined &&
            memoryProblem(cpuKind as "shared" | "performance", cpus, memoryMb) === undefined;
          if (rules) accepted += 1;
          if (rules !== emulatorAccepts(cpuKind, cpus, memoryMb)) {
            disagreements.push(
              `${cpuKind} ${cpus}x ${memoryMb} MB: rules ${rules ? "accept" : "refuse"}`,
            );
          }
        }
      }
    }
    expect(disagreements).toEqual([]);
    // 5 shared counts and 9 performance counts, each with its own span of 256 MB steps.
    expect(accepted).toBe(
      [1, 2, 4, 6, 8].reduce((sum, n) => sum + (2048 * n - 256 * n) / 256 + 1, 0) +
        [1, 2, 4, 6, 8, 10, 12, 14, 16].reduce(
          (sum, n) => sum + (8192 * n - 2048 * n) / 256 + 1,
          0,
        ),
    );
  });

  it("give each named size the guest of the emulator's preset of that name", () => {
    for (const name of VM_SIZE_NAMES) {
      const { cpuKind, cpus, memoryMb } = VM_SIZE_PRESETS[name];
      expect(SIZE_PRESETS[name]).toEqual({ cpu_kind: cpuKind, cpus, memory_mb: memoryMb });
    }
  });

  it("gives every named size memory Fly accepts for it", () => {
    for (const guest of Object.values(VM_SIZE_PRESETS)) {
      expect(memoryProblem(guest.cpuKind, guest.cpus, guest.memoryMb)).toBeUndefined();
      expect(cpuCountProblem(guest.cpuKind, guest.cpus)).toBeUndefined();
    }
  });
});

describe("the defaults the component and the providers share", () => {
  it("are the values the README documents", () => {
    expect(DEFAULT_ORG).toBe("personal");
    expect(DEFAULT_HEALTH_CHECK).toEqual({ gracePeriod: "2m", interval: "15s", timeout: "5s" });
    expect(DEFAULT_HEALTH_TIMEOUT_SECONDS).toBe(600);
    expect(DEFAULT_IMAGE).toBe("ghcr.io/openclaw/openclaw:2026.9.6");
  });
});
