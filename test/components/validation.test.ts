import { describe, expect, it } from "vitest";
import { z } from "zod";
import { envNameProblems } from "../../components/env-names";
import * as pulumi from "@pulumi/pulumi";
import {
  CONFIG_PATH,
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
    const error = new ValidationError("widget settings are invalid", ["a: bad", "b: worse"]);
    expect(error.message).toBe("widget settings are invalid (2 problems):\n- a: bad\n- b: worse");
    expect(error.problems).toEqual(["a: bad", "b: worse"]);
    expect(error.name).toBe("ValidationError");
    expect(error).toBeInstanceOf(Error);
  });

  it("is a RunError, which Pulumi reports without a stack trace", () => {
    expect(pulumi.RunError.isInstance(new ValidationError("x is invalid", ["a: bad"]))).toBe(true);
  });

  it("says 1 problem in the singular", () => {
    expect(new ValidationError("widget settings are invalid", ["a: bad"]).message).toBe(
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
    expect(flyDevOrigin("my-claw")).toBe("https://my-claw.fly.dev");
  });
});
