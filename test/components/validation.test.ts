import { describe, expect, it } from "vitest";
import { z } from "zod";
import { envNameProblems } from "../../components/env-names";
import {
  APP_NAME_PATTERN,
  CONFIG_PATH,
  DEFAULT_HEALTH_CHECK,
  DEFAULT_HEALTH_TIMEOUT_SECONDS,
  DEFAULT_IMAGE,
  FLY_REGION_CODES,
  GATEWAY_COMMAND,
  GATEWAY_PORT,
  STALE_LOCK_GLOB,
  flyDevOrigin,
} from "../../components/gateway-constants";
import { ValidationError, formatPath, zodIssueLines } from "../../components/validation";

describe("formatPath", () => {
  it.each<[string, PropertyKey[], string]>([
    ["openclaw", [], "openclaw"],
    ["openclaw", ["bindings", 0, "agentId"], "openclaw.bindings[0].agentId"],
    ["openclaw", ["channels", "nextcloud-talk"], "openclaw.channels.nextcloud-talk"],
    ["extraEnv", ["MY VAR"], 'extraEnv["MY VAR"]'],
    ["", ["appName"], "appName"],
    ["", ["regions", 2], "regions[2]"],
    ["", ["a.b"], '["a.b"]'],
  ])("%j + %j reads %s", (prefix, path, text) => {
    expect(formatPath(prefix, path)).toBe(text);
  });
});

describe("ValidationError", () => {
  it("puts every problem on its own line under a counted heading", () => {
    const error = new ValidationError("widget settings", ["a: bad", "b: worse"]);
    expect(error.message).toBe("widget settings are invalid (2 problems):\n- a: bad\n- b: worse");
    expect(error.problems).toEqual(["a: bad", "b: worse"]);
    expect(error.name).toBe("ValidationError");
    expect(error).toBeInstanceOf(Error);
  });

  it("says 1 problem in the singular", () => {
    expect(new ValidationError("widget settings", ["a: bad"]).message).toBe(
      "widget settings are invalid (1 problem):\n- a: bad",
    );
  });
});

describe("zodIssueLines", () => {
  it("reports each unknown key on its own line and names the root when the path is empty", () => {
    const schema = z.strictObject({ a: z.strictObject({ b: z.string() }) });
    const result = schema.safeParse({ a: { b: 1, x: 1, y: 2 } });
    expect(result.success).toBe(false);
    expect(zodIssueLines("cfg", result.error?.issues ?? [], "unknown key")).toEqual([
      "cfg.a.b: Invalid input: expected string, received number",
      "cfg.a.x: unknown key",
      "cfg.a.y: unknown key",
    ]);
    const root = schema.safeParse(7);
    expect(zodIssueLines("", root.error?.issues ?? [], "unknown key", "arguments")).toEqual([
      "arguments: Invalid input: expected object, received number",
    ]);
  });
});

describe("envNameProblems", () => {
  it("accepts ordinary names in each group", () => {
    expect(
      envNameProblems({
        extraEnv: { TZ: "UTC", http_proxy: "http://proxy:3128" },
        providerKeys: { OPENAI_API_KEY: "x" },
        channelTokens: { DISCORD_BOT_TOKEN: "y" },
      }),
    ).toEqual([]);
  });

  it("ignores groups that are not objects (their type error is reported elsewhere)", () => {
    expect(envNameProblems({ extraEnv: "A=1", providerKeys: ["X"] })).toEqual([]);
  });
});

describe("gateway constants", () => {
  it("holds the exact strings the machine and config agree on", () => {
    expect(GATEWAY_PORT).toBe(3000);
    expect(CONFIG_PATH).toBe("/etc/openclaw/openclaw.json");
    expect(STALE_LOCK_GLOB).toBe("/data/tmp/openclaw-*/gateway.*.lock");
    expect(GATEWAY_COMMAND).toEqual([
      "node",
      "openclaw.mjs",
      "gateway",
      "--allow-unconfigured",
      "--port",
      "3000",
      "--bind",
      "lan",
    ]);
    expect(DEFAULT_HEALTH_CHECK).toEqual({ gracePeriod: "2m", interval: "15s", timeout: "5s" });
    expect(DEFAULT_HEALTH_TIMEOUT_SECONDS).toBe(600);
    expect(DEFAULT_IMAGE).toBe("ghcr.io/openclaw/openclaw:2026.9.6");
    expect(flyDevOrigin("my-claw")).toBe("https://my-claw.fly.dev");
    expect(FLY_REGION_CODES).toEqual(
      "ams arn bom cdg dfw ewr fra gru iad jnb lax lhr nrt ord sin sjc syd yyz".split(" "),
    );
  });

  it.each<[string, boolean]>([
    ["a", true],
    ["my-claw", true],
    ["claw2", true],
    ["a".repeat(63), true],
    ["a".repeat(64), false],
    ["-claw", false],
    ["claw-", false],
    ["my_claw", false],
    ["MyClaw", false],
    ["", false],
  ])("app name %j valid: %s", (name, valid) => {
    expect(APP_NAME_PATTERN.test(name)).toBe(valid);
  });
});
