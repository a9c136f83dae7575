import { beforeAll, describe } from "vitest";
import { useStack } from "./support/chain";
import {
  gatewayRuntime,
  REAL_CONFIG,
  REAL_OPERATION_MS,
  realEmulator,
} from "./support/real-gateway";
import { realDevScenarios } from "./scenarios/real-dev";
import { realLocalScenarios } from "./scenarios/real-local";

// The real program (index.ts) through the offline engine against emulators whose machines run
// the real OpenClaw gateway (the pinned runtime, on Node 24). Each gateway boot takes 15-60 s on
// two cores, so these are few chains that share their boots between assertions; the two stacks
// run side by side. Time bounds are generous: a loaded machine must not fail them.
const CHAIN = { concurrent: true, timeout: REAL_OPERATION_MS } as const;

beforeAll(async () => {
  // The first run installs the runtime (npm ci, a minute or two).
  await gatewayRuntime();
}, 1_200_000);

describe(
  "real gateway: npm run demo (the local stack), its Control UI and its token",
  CHAIN,
  () => {
    describe("its life", { concurrent: false }, () => realLocalScenarios());
  },
);

describe(
  "real gateway: the dev stack through a config change, a refused image and a kill",
  CHAIN,
  () => {
    const chain = useStack({
      stack: "dev",
      token: "environment",
      emulator: realEmulator("dev"),
      config: REAL_CONFIG,
      timeoutMs: REAL_OPERATION_MS,
    });
    describe("its life", { concurrent: false }, () => realDevScenarios(chain));
  },
);
