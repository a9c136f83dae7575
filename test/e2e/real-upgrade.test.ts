import { beforeAll, describe } from "vitest";
import { ensureRuntime } from "../../gateway-runtime/runtime-install";
import { useStack } from "./support/chain";
import { REAL_CONFIG, REAL_OPERATION_MS, realEmulator } from "./support/real-gateway";
import { NEW_VERSION, OLD_VERSION, realUpgradeScenarios } from "./scenarios/real-upgrade";

// The real program through the offline engine against an emulator whose machines run the real
// OpenClaw gateway, from 2026.9.5 to 2026.9.6: 2026.9.6 migrates 2026.9.5's SQLite state, after
// which 2026.9.5 refuses it, so only a rollback that restores the data brings the old version
// back. Seven real boots and two deliberate health timeouts: bounds are generous.
beforeAll(async () => {
  for (const version of [OLD_VERSION, NEW_VERSION]) {
    await ensureRuntime(version, { onProgress: (line) => console.log(line) });
  }
}, 1_200_000);

describe("real gateways: upgrades that cannot lose data", { timeout: REAL_OPERATION_MS }, () => {
  const chain = useStack({
    stack: "dev",
    token: "environment",
    emulator: realEmulator("upgrade"),
    config: {
      ...REAL_CONFIG,
      image: `ghcr.io/openclaw/openclaw:${OLD_VERSION}`,
      upgradeRehearsal: "true",
    },
    timeoutMs: REAL_OPERATION_MS,
  });
  realUpgradeScenarios(chain);
});
