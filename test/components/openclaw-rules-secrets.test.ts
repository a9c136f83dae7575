import { describe, expect, it } from "vitest";
import {
  fileSecretRefIssues,
  secretProviderSourceIssues,
} from "../../components/openclaw-rules-secrets";

describe("secretProviderSourceIssues (collectSecretRefProviderSourceIssues)", () => {
  it("refuses a reference asking a provider for another source", () => {
    expect(
      secretProviderSourceIssues({
        secrets: { providers: { vault: { source: "file" } } },
        channels: {
          discord: { token: { source: "env", provider: "vault", id: "X" } },
          slack: { token: { source: "file", provider: "vault", id: "/k" } },
        },
      }),
    ).toEqual([
      {
        path: ["channels", "discord", "token"],
        rule: 'secret provider "vault" has source "file", but this reference asks for "env"',
      },
    ]);
  });
});

describe("fileSecretRefIssues (zod-schema.core.ts FileSecretRefSchema)", () => {
  it("needs a JSON pointer or value in the core, and leaves channel settings to their schema", () => {
    const ref = (id: string) => ({ source: "file", provider: "vault", id });
    expect(
      fileSecretRefIssues({
        models: {
          providers: {
            a: { apiKey: ref("/a/key") },
            b: { apiKey: ref("value") },
            c: { apiKey: ref("c/key") },
          },
        },
        channels: { telegram: { botToken: ref("x/y") } },
        plugins: { entries: { p: { config: { token: ref("x/y") } } } },
      }),
    ).toEqual([
      {
        path: ["models", "providers", "c", "apiKey", "id"],
        rule: 'must be an absolute JSON pointer (e.g. "/providers/openai/apiKey"), or "value" for a single-value file',
      },
    ]);
  });
});
