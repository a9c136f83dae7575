import { describe, expect, it } from "vitest";
import {
  agentModelIssues,
  modelMapIssues,
  modelPolicyIssues,
  modelProviderIssues,
} from "../../components/openclaw-rules-models";
import { committedSchema } from "../../components/openclaw-schema-check";

describe("modelPolicyIssues (validation-core.ts collectModelPolicyAllowIssues)", () => {
  it("accepts aliases, exact refs, prefix wildcards and OpenRouter selectors", () => {
    expect(
      modelPolicyIssues({
        agents: {
          defaults: {
            models: { "anthropic/claude-opus-4-6": { alias: "Opus" } },
            modelPolicy: {
              allow: ["opus", "openai/gpt-5.4", " x / y ", "openrouter/meta/*", "openrouter:auto"],
            },
          },
          entries: {
            work: {
              models: { "x/y": { alias: "fast" } },
              modelPolicy: { allow: ["fast", "opus"] },
            },
          },
        },
      }),
    ).toEqual([]);
  });

  it("refuses anything else, per scope", () => {
    expect(
      modelPolicyIssues({
        agents: {
          defaults: { modelPolicy: { allow: ["claude", "a/*/b", "a/b /c"] } },
          entries: { work: { modelPolicy: { allow: ["*"] } } },
        },
      }),
    ).toEqual([
      {
        path: ["agents", "defaults", "modelPolicy", "allow", 0],
        rule: '"claude" is not a model policy ref: use a configured alias, an exact "provider/model", or a prefix wildcard such as "provider/*"',
      },
      {
        path: ["agents", "defaults", "modelPolicy", "allow", 1],
        rule: '"a/*/b" is not a model policy ref: use a configured alias, an exact "provider/model", or a prefix wildcard such as "provider/*"',
      },
      {
        path: ["agents", "defaults", "modelPolicy", "allow", 2],
        rule: '"a/b /c" is not a model policy ref: use a configured alias, an exact "provider/model", or a prefix wildcard such as "provider/*"',
      },
      {
        path: ["agents", "entries", "work", "modelPolicy", "allow", 0],
        rule: '"*" is not a model policy ref: use a configured alias, an exact "provider/model", or a prefix wildcard such as "provider/*"',
      },
    ]);
  });
});

describe("modelMapIssues (AgentModelMapSchema.superRefine)", () => {
  it("needs exact provider/model keys for picker runtimes and Code Mode", () => {
    expect(
      modelMapIssues({
        agents: {
          defaults: {
            models: {
              "openai/gpt-5.4": { codeMode: true },
              "openai/*": { codeMode: true },
              opus: { pickerRuntimes: ["x"] },
              "a/b": { alias: "b" },
            },
          },
        },
      }),
    ).toEqual([
      {
        path: ["agents", "defaults", "models", "openai/*", "codeMode"],
        rule: "needs an exact provider/model entry (no wildcard, no bare model id)",
      },
      {
        path: ["agents", "defaults", "models", "opus", "pickerRuntimes"],
        rule: "needs an exact provider/model entry (no wildcard, no bare model id)",
      },
    ]);
  });
});

describe("agentModelIssues (DecisionModelSchema, pickerRuntimes refinements)", () => {
  it("needs provider/model decision models and named picker runtimes", () => {
    expect(
      agentModelIssues({
        agents: {
          defaults: { decisionModel: "", models: { "a/b": { pickerRuntimes: ["codex", "auto"] } } },
          entries: { w: { decisionModel: "gpt-5.4" }, x: { decisionModel: " openai / gpt-5.4 " } },
        },
      }),
    ).toEqual([
      {
        path: ["agents", "defaults", "models", "a/b", "pickerRuntimes", 1],
        rule: "must name a runtime; auto and default are not runtimes",
      },
      {
        path: ["agents", "entries", "w", "decisionModel"],
        rule: 'must be "provider/model", or "" to turn decision models off',
      },
    ]);
  });
});

describe("modelProviderIssues (zod-schema.core.ts ModelProvidersSchema.superRefine)", () => {
  const schema = committedSchema("2026.9.6");

  it("lets known providers leave baseUrl and models out, and asks others for both", () => {
    expect(
      modelProviderIssues({ models: { providers: { Anthropic: {}, openrouter: {} } } }, schema),
    ).toEqual([]);
    expect(
      modelProviderIssues(
        { models: { providers: { box: { api: "openai-completions" } } } },
        schema,
      ),
    ).toEqual([
      {
        path: ["models", "providers", "box", "baseUrl"],
        rule: 'is required: "box" is not a provider the gateway knows, so it needs its endpoint',
      },
      {
        path: ["models", "providers", "box", "models"],
        rule: 'is required: "box" is not a provider the gateway knows, so it needs its model list',
      },
    ]);
  });
});
