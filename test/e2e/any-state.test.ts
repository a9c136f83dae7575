import { describe } from "vitest";
import { useStack } from "./support/chain";
import { E2E_TUNING } from "./support/e2e-stack";
import { ANY_STATE, localAnyStateScenarios } from "./scenarios/local-any-state";
import { localInterruptedScenarios } from "./scenarios/local-interrupted";
import { localInterruptedRestoreScenarios } from "./scenarios/local-interrupted-restore";
import { secondStackScenarios } from "./scenarios/second-stack";
import { devPreviewTruthScenarios } from "./scenarios/dev-preview-truth";

// The real program (index.ts) run through the offline engine against in-process emulators, from
// states an operator meets: resources changed behind the program's back, runs killed half way,
// a second stack file aimed at the same app. Each suite is a chain over one stack, as in
// convergence.test.ts.
const CHAIN = { concurrent: true, timeout: 150_000 } as const;

/** The local stack, with leases that outlive every operation of a chain: the lease a killed
 * run leaves is still held when the next up meets it, however slowly the machine runs the
 * operations between. */
const LOCAL_WITH_LONG_LEASES = {
  stack: "local",
  token: "environment",
  config: { providerTuning: JSON.stringify({ ...E2E_TUNING, leaseTtlSeconds: 600 }) },
  secretConfig: {
    gatewayToken: ANY_STATE.gatewayToken,
    providerKeys: JSON.stringify({ OPENAI_API_KEY: ANY_STATE.firstKey }),
  },
} as const;

describe("local: converged from any state the world or a killed run leaves", CHAIN, () => {
  const chain = useStack(LOCAL_WITH_LONG_LEASES);
  describe("its life", { concurrent: false }, () => localAnyStateScenarios(chain));
});

describe("local: converged after a run killed half way through a rotation", CHAIN, () => {
  const chain = useStack(LOCAL_WITH_LONG_LEASES);
  describe("its life", { concurrent: false }, () => localInterruptedScenarios(chain));
});

describe(
  "local: converged after a run killed at each step of restoring a failed update's data",
  CHAIN,
  () => {
    const chain = useStack(LOCAL_WITH_LONG_LEASES);
    describe("its life", { concurrent: false }, () => localInterruptedRestoreScenarios(chain));
  },
);

describe("dev and a second stack file with the same appName", CHAIN, () => {
  const chain = useStack({ stack: "dev", token: "environment" });
  describe("its life", { concurrent: false }, () => secondStackScenarios(chain));
});

describe("dev: each documented change, previewed and then applied", CHAIN, () => {
  const chain = useStack({
    stack: "dev",
    token: "environment",
    secretConfig: {
      providerKeys: JSON.stringify({ ANTHROPIC_API_KEY: "sk-e2e-preview-truth-first-8b2e" }),
    },
  });
  describe("its life", { concurrent: false }, () => devPreviewTruthScenarios(chain));
});
