import { beforeAll, describe } from "vitest";
import { useStack } from "./support/chain";
import {
  gatewayRuntime,
  REAL_CONFIG,
  REAL_OPERATION_MS,
  realEmulator,
} from "./support/real-gateway";
import { openclawConfigScenarios } from "./scenarios/openclaw-configs";

// Valid openclaw.json configs through the real program, the offline engine and an emulator whose
// machines run the real gateway: each boots it healthy; a refused one never reaches a machine.
const CHAIN = { concurrent: true, timeout: REAL_OPERATION_MS } as const;

beforeAll(async () => {
  await gatewayRuntime();
}, 1_200_000);

describe("real gateway: openclaw.json configs on the dev stack", CHAIN, () => {
  const chain = useStack({
    stack: "dev",
    token: "environment",
    emulator: realEmulator("configs"),
    config: REAL_CONFIG,
    timeoutMs: REAL_OPERATION_MS,
  });
  describe("its life", { concurrent: false }, () => openclawConfigScenarios(chain));
});
