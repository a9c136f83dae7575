/**
 * The loader as Pulumi's provider host meets it: required by path in a plain Node process with no
 * TypeScript hook, asked for providers by stub spec. It installs its own hook, hands out one
 * adapter per name, refuses what it cannot serve with a reason, and reuses its transpile cache.
 */
import { describe, expect, it } from "vitest";
import { runNodeChild } from "../support/node-child";

/** The child: asks the loader for providers and reports what it saw. */
const CHILD = `
const path = require("node:path");
(async () => {
  const hookBefore = require.extensions[".ts"] !== undefined;
  const loader = require(path.resolve("providers/provider-kit/provider-loader.cjs"));
  const app = loader.provider("loaded-provider@1 fly:FlyApp");
  const attempt = (spec) => {
    try {
      loader.provider(spec);
      return "served";
    } catch (error) {
      return error.message;
    }
  };
  const report = {
    hookBefore,
    hookAfter: typeof require.extensions[".ts"],
    methods: Object.keys(app).sort(),
    sameAdapter: loader.provider("loaded-provider@1 fly:FlyApp") === app,
    check: await app.check({}, { name: "My_App", stack: "openclaw-fly/dev" }),
    newer: attempt("loaded-provider@2 fly:FlyApp"),
    unknown: attempt("loaded-provider@1 fly:FlySprocket"),
    malformed: attempt("fly:FlyApp"),
    every: ["fly:FlyCertificate", "fly:FlyIpAddress", "fly:FlyMachine", "fly:FlySecrets",
      "fly:FlyVolume", "openclaw:GeneratedToken"].map((name) => attempt("loaded-provider@1 " + name)),
    transpiled: loader.transpiled,
  };
  process.stdout.write(JSON.stringify(report));
})().catch((error) => {
  process.stderr.write(String((error && error.stack) || error));
  process.exit(1);
});
`;

type Report = {
  hookBefore: boolean;
  hookAfter: string;
  methods: string[];
  sameAdapter: boolean;
  check: unknown;
  newer: string;
  unknown: string;
  malformed: string;
  every: string[];
  transpiled: { fromCache: number; compiled: number };
};

describe("the provider loader in a plain Node process", () => {
  it("installs its own .ts hook and serves each provider through one adapter", async () => {
    const report = (await runNodeChild(CHILD)) as Report;
    expect(report.hookBefore).toBe(false);
    expect(report.hookAfter).toBe("function");
    expect(report.methods).toEqual([
      "check",
      "configure",
      "create",
      "delete",
      "diff",
      "read",
      "update",
    ]);
    expect(report.sameAdapter).toBe(true);
    expect(report.every).toEqual(Array(6).fill("served"));
    // The installed provider's own rule ran: zod, rules/ and all, loaded from the .ts sources.
    expect(report.check).toEqual({
      failures: [
        {
          property: "name",
          reason: 'must be 1 to 63 lowercase letters, digits and dashes, got "My_App"',
        },
      ],
    });
  });

  it("refuses a stub it cannot serve, saying why", async () => {
    const report = (await runNodeChild(CHILD)) as Report;
    expect(report.newer).toBe(
      "provider-loader: the state names provider fly:FlyApp with stub protocol 2, which this " +
        "checkout does not know (it knows 1): the state was written by a newer version of this " +
        "project; run pulumi from that version",
    );
    expect(report.unknown).toBe(
      "no provider named fly:FlySprocket in providers/provider-kit/provider-registry.ts (known: " +
        "fly:FlyApp, fly:FlyCertificate, fly:FlyIpAddress, fly:FlyMachine, fly:FlySecrets, " +
        "fly:FlyVolume, openclaw:GeneratedToken)",
    );
    expect(report.malformed).toBe('provider-loader: not a provider stub: "fly:FlyApp"');
  });

  it("compiles nothing once every file it needs is in its cache", async () => {
    await runNodeChild(CHILD);
    const warm = (await runNodeChild(CHILD)) as Report;
    expect(warm.transpiled.compiled).toBe(0);
    expect(warm.transpiled.fromCache).toBeGreaterThan(40);
  });
});
