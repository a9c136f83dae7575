import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv from "ajv";
import { describe, expect, it } from "vitest";
import { checkAgainstSchema, committedSchema } from "../../components/openclaw-schema-check";
import { schemaIssues } from "../../components/openclaw-schema-issues";
import { pruneSchema } from "../../components/openclaw-schema-prune";
import { renderOpenClawConfig } from "../../components/openclaw-config";

const CORPUS = join(__dirname, "..", "openclaw-corpus");

/** Every corpus config as rendered, plus documents that exercise the schema's corners. */
function documents(): unknown[] {
  const corpus = readdirSync(CORPUS)
    .filter((name) => name.endsWith(".json"))
    .map((name) => JSON.parse(readFileSync(join(CORPUS, name), "utf8")).settings)
    .map((settings) => renderOpenClawConfig(settings, { appName: "corpus-claw", mode: "public" }));
  return [
    ...corpus,
    {},
    { gateway: { bind: "everywhere" } },
    { agents: { defaults: { model: 5 } } },
    { agents: { entries: { "Bad Id": {} } } },
    { channels: { telegram: { dmPolicy: "open", groups: { "*": { requireMention: "yes" } } } } },
    { plugins: { entries: { imap: { config: { accounts: { a: { password: 5 } } } } } } },
    { bindings: [{ agentId: "a", match: { channel: "x", peer: { kind: "user", id: 1 } } }, "x"] },
  ];
}

describe("pruneSchema", () => {
  it("gives exactly the errors of the whole schema, for every corpus config and more", () => {
    const schema = committedSchema("2026.9.6");
    // The whole schema, compiled once as a reference (a few seconds).
    const whole = new Ajv({
      allErrors: true,
      strict: false,
      useDefaults: true,
      formats: { uri: true },
    }).compile(schema);
    for (const document of documents()) {
      const copy = structuredClone(document);
      whole(copy);
      const pruned = new Ajv({
        allErrors: true,
        strict: false,
        useDefaults: true,
        formats: { uri: true },
      }).compile(pruneSchema(schema, [document]));
      const prunedCopy = structuredClone(document);
      pruned(prunedCopy);
      const strip = (errors: typeof whole.errors) =>
        (errors ?? []).map(({ instancePath, keyword, params }) => ({
          instancePath,
          keyword,
          params,
        }));
      expect(strip(pruned.errors)).toEqual(strip(whole.errors));
      // Defaults fill the same keys either way.
      expect(prunedCopy).toEqual(copy);
    }
  }, 240_000);

  it("keeps what a missing value needs: nothing but defaults", () => {
    expect(
      pruneSchema(
        {
          type: "object",
          properties: { a: { type: "string", default: "x" }, b: { type: "number" } },
          required: ["b"],
        },
        [{}],
      ),
    ).toEqual({
      type: "object",
      properties: { a: { default: "x" }, b: true },
      required: ["b"],
    });
    expect(pruneSchema({ type: "string" }, [])).toBe(true);
  });
});

describe("checkAgainstSchema", () => {
  it("fills channel defaults before checking, as the gateway does (Discord requires dmPolicy but defaults it)", () => {
    const { errors, checked } = checkAgainstSchema(
      { channels: { discord: { enabled: true } } },
      "2026.9.6",
    );
    expect(errors).toEqual([]);
    expect((checked as { channels: unknown }).channels).toEqual({
      discord: expect.objectContaining({
        enabled: true,
        dmPolicy: "pairing",
        groupPolicy: "allowlist",
      }),
    });
  });

  it("does not change the document it checks", () => {
    const document = { channels: { discord: { enabled: true } } };
    checkAgainstSchema(document, "2026.9.6");
    expect(document).toEqual({ channels: { discord: { enabled: true } } });
  });

  it("checks URLs by parsing them, in the core and in channel settings alike", () => {
    const of = (document: unknown) => {
      const { errors, checked } = checkAgainstSchema(document, "2026.9.6");
      return schemaIssues(errors, checked);
    };
    expect(of({ gateway: { publicOrigin: " https://claw.example.com " } })).toEqual([]);
    expect(of({ channels: { telegram: { apiRoot: "https://api.example.com" } } })).toEqual([]);
    expect(of({ gateway: { publicOrigin: "claw.example.com" } })).toEqual([
      { path: ["gateway", "publicOrigin"], rule: "must be a URL" },
    ]);
    expect(of({ channels: { telegram: { apiRoot: "api.example.com" } } })).toEqual([
      { path: ["channels", "telegram", "apiRoot"], rule: "must be a URL" },
    ]);
  });
});

describe("schemaIssues: how schema errors read", () => {
  const issues = (document: unknown) => {
    const { errors, checked } = checkAgainstSchema(document, "2026.9.6");
    return schemaIssues(errors, checked);
  };

  it.each<[string, unknown, { path: (string | number)[]; rule: string }[]]>([
    [
      "an unknown key",
      { agents: { defaults: { instructions: "x" } } },
      [
        {
          path: ["agents", "defaults", "instructions"],
          rule: "unknown key (the gateway refuses keys its schema does not name)",
        },
      ],
    ],
    [
      "a missing key",
      { bindings: [{ agentId: "main" }] },
      [{ path: ["bindings", 0, "match"], rule: "is required" }],
    ],
    [
      "a wrong type",
      { agents: { defaults: { maxConcurrent: "4" } } },
      [{ path: ["agents", "defaults", "maxConcurrent"], rule: "must be a whole number" }],
    ],
    [
      "a value out of its set",
      { channels: { telegram: { dmPolicy: "friends" } } },
      [
        {
          path: ["channels", "telegram", "dmPolicy"],
          rule: 'must be one of "pairing", "allowlist", "open", "disabled"',
        },
      ],
    ],
    [
      "a key against its pattern",
      { agents: { entries: { "Bad Id": {} } } },
      [
        {
          path: ["agents", "entries", "Bad Id"],
          rule: "key must match the pattern ^[a-zA-Z0-9_][a-zA-Z0-9_-]{0,63}$",
        },
      ],
    ],
    [
      "a choice between shapes, by the shape given",
      { agents: { defaults: { model: { primary: 5 } } } },
      [{ path: ["agents", "defaults", "model", "primary"], rule: "must be a string" }],
    ],
    [
      "a choice between shapes, none given",
      { agents: { defaults: { model: 5 } } },
      [{ path: ["agents", "defaults", "model"], rule: "must be a string or an object" }],
    ],
    [
      "a choice between constants",
      { gateway: { reload: { mode: "sometimes" } } },
      [{ path: ["gateway", "reload", "mode"], rule: 'must be one of "off", "hybrid"' }],
    ],
    [
      "a number out of range",
      { agents: { defaults: { maxConcurrent: 0 } } },
      [{ path: ["agents", "defaults", "maxConcurrent"], rule: "must be greater than 0" }],
    ],
  ])("%s", (_label, document, expected) => {
    expect(issues(document)).toEqual(expected);
  });
});
