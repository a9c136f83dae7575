import { describe } from "vitest";
import { useStack } from "./support/chain";
import { configRefusalScenarios } from "./scenarios/config-refusals";
import { demoScenarios } from "./scenarios/demo-run";
import { devResilienceScenarios } from "./scenarios/dev-resilience";
import { localDriftScenarios } from "./scenarios/local-drift";
import { localModeScenarios, LOCAL } from "./scenarios/local-modes";
import { prodRegionScenarios } from "./scenarios/prod-regions";
import { unhealthyDestroyScenarios, unhealthyStartScenarios } from "./scenarios/unhealthy-start";
import { PROD, prodRolloutScenarios } from "./scenarios/prod-rollout";

// The real program (index.ts) run through the offline engine against in-process emulators, one
// stack per suite. Each suite is a chain: its tests run in order over one stack, each starting
// from the world the one before left. The suites share nothing, so they run side by side
// (`concurrent`): on two cores vitest runs test files one at a time, and most of a suite's time
// is spent in Pulumi's program and provider host processes or waiting on emulated machines.
const CHAIN = { concurrent: true, timeout: 150_000 } as const;

describe("prod: a private two-region gateway, rolled out canary-first", CHAIN, () => {
  const chain = useStack({
    stack: "prod",
    token: "environment",
    recordHeaders: true,
    secretConfig: { providerKeys: JSON.stringify({ ANTHROPIC_API_KEY: PROD.providerKey }) },
  });
  describe("its life", { concurrent: false }, () => {
    prodRolloutScenarios(chain);
    prodRegionScenarios(chain);
  });
});

describe("local: a public two-region gateway, its mode, secrets and drift", CHAIN, () => {
  const chain = useStack({
    stack: "local",
    token: "stack-config",
    recordHeaders: true,
    secretConfig: {
      gatewayToken: LOCAL.gatewayToken,
      providerKeys: JSON.stringify({ OPENAI_API_KEY: LOCAL.firstKey }),
    },
  });
  describe("its life", { concurrent: false }, () => {
    localModeScenarios(chain);
    localDriftScenarios(chain);
  });
});

describe("dev: a one-region gateway grown through a misbehaving API", CHAIN, () => {
  const chain = useStack({ stack: "dev", token: "environment" });
  describe("its life", { concurrent: false }, () => devResilienceScenarios(chain));
});

describe(
  "dev: a first machine that never turns healthy, refreshed, refused an org move, moved",
  CHAIN,
  () => {
    const chain = useStack({ stack: "dev", token: "environment" });
    describe("its life", { concurrent: false }, () => unhealthyStartScenarios(chain));
  },
);

describe("dev: a first machine that never turns healthy, destroyed at once", CHAIN, () => {
  const chain = useStack({ stack: "dev", token: "stack-config" });
  describe("its life", { concurrent: false }, () => unhealthyDestroyScenarios(chain));
});

describe("dev: config that would leak a secret, refused before anything reaches Fly", CHAIN, () => {
  const chain = useStack({ stack: "dev", token: "environment" });
  describe("its life", { concurrent: false }, () => configRefusalScenarios(chain));
});

describe("npm run demo -- --simulated", CHAIN, () => {
  describe("a first run", { concurrent: false }, () => demoScenarios());
});
