import { expect, it } from "vitest";
import type { StackChain } from "../support/chain";
import type { E2eStack } from "../support/e2e-stack";
import { changes } from "./local-modes";

/** One change the README documents, how an operator makes it, and the plan it must preview. */
interface DocumentedChange {
  readonly name: string;
  readonly make: (stack: E2eStack) => void;
  readonly plan: readonly string[];
}

/**
 * The changes the README documents, in an order each can follow the one before on the dev
 * stack. Every plan is the preview's, and `up` must then perform exactly those steps.
 */
const DOCUMENTED_CHANGES: readonly DocumentedChange[] = [
  {
    // The Node heap is sized from the memory, so the environment changes with it.
    name: "a memory resize updates the machine in place",
    make: (stack) => (stack.config.memoryMb = "2048"),
    plan: ["update gateway-iad-machine [env, guest]"],
  },
  {
    name: "an image change updates the machine in place",
    make: (stack) => (stack.config.image = "ghcr.io/openclaw/openclaw:2026.9.5"),
    plan: ["update gateway-iad-machine [image]"],
  },
  {
    name: "an extra environment variable updates the machine in place",
    make: (stack) => (stack.config.extraEnv = JSON.stringify({ LOG_LEVEL: "debug" })),
    plan: ["update gateway-iad-machine [env]"],
  },
  {
    name: "a secret rotation updates the secrets, then the machine with the new version",
    make: (stack) =>
      (stack.secretConfig.providerKeys = JSON.stringify({
        ANTHROPIC_API_KEY: "sk-e2e-preview-truth-rotated-5d1f",
      })),
    plan: ["update gateway-iad-machine [minSecretsVersion]", "update gateway-secrets [values]"],
  },
  {
    name: "a volume grow updates the volume and then the machine, replacing nothing",
    make: (stack) => (stack.config.volumeSizeGb = "2"),
    plan: ["update gateway-iad-machine [volumeSizeGb]", "update gateway-iad-volume [sizeGb]"],
  },
  {
    name: "adding a region creates its volume and machine",
    make: (stack) => (stack.config.regions = JSON.stringify(["iad", "ams"])),
    plan: ["create gateway-ams-machine []", "create gateway-ams-volume []"],
  },
  {
    name: "removing a region deletes its machine and lets its volume go from the stack",
    make: (stack) => (stack.config.regions = JSON.stringify(["iad"])),
    plan: ["delete gateway-ams-machine []", "delete gateway-ams-volume []"],
  },
  {
    name: "public to private releases the addresses and removes the services",
    make: (stack) => (stack.config.mode = "private"),
    plan: [
      "delete gateway-ipv4 []",
      "delete gateway-ipv6 []",
      "update gateway-iad-machine [files, services]",
    ],
  },
];

/**
 * Preview truth on the dev stack: for each change the README documents, the preview plans
 * exactly the steps `up` then performs.
 */
export function devPreviewTruthScenarios(chain: StackChain): void {
  it("a fresh up", async () => {
    const result = await chain.stack.up();
    expect(result.error).toBeUndefined();
  });

  for (const change of DOCUMENTED_CHANGES) {
    it(`${change.name}: preview plans what up does`, async () => {
      const { stack } = chain;
      change.make(stack);
      const preview = await stack.preview();
      expect(preview.error).toBeUndefined();
      expect(changes(preview.steps)).toEqual(change.plan);
      const result = await stack.up();
      expect(result.error).toBeUndefined();
      expect(changes(result.steps)).toEqual(change.plan);
    });
  }
}
