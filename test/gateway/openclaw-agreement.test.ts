import { beforeAll, describe, expect, it } from "vitest";
import { renderOpenClawConfig } from "../../components/openclaw-config";
import { gatewayVerdict } from "../../components/openclaw-gateway-rules";
import { checkOpenClawSettings } from "../../components/openclaw-validate";
import {
  gatewayValidate,
  type GatewayValidation,
} from "../../scripts/openclaw-schema/run-gateway-validate";
import { CORPUS_VERSION, readCorpus, type CorpusEntry } from "../support/openclaw-corpus";
import { gatewayPackage } from "../../scripts/openclaw-schema/gateway-package";

// Preview's verdict against the real gateway's `openclaw config validate` (2026.9.6), over the
// whole corpus, in one gateway process. For every config: the document preview renders gets the
// same verdict from our port of the gateway's rules as from the gateway; a document preview
// would ship is one the gateway accepts; and an earlier form preview converts is one the
// gateway itself refuses or migrates, as the corpus says.
const corpus = readCorpus();

interface Case {
  entry: CorpusEntry;
  rendered: Record<string, unknown>;
  shipped: boolean;
}

const cases: Case[] = corpus.map((entry) => {
  const result = checkOpenClawSettings(entry.settings, {
    appName: "corpus-claw",
    mode: entry.mode ?? "public",
    version: { version: CORPUS_VERSION },
    envNames: entry.envNames ?? [],
  });
  if (result.rendered === undefined) throw new Error(`${entry.name}: nothing rendered`);
  return { entry, rendered: result.rendered, shipped: result.config !== undefined };
});
const originals = corpus.filter((entry) => entry.gatewayOnOriginal !== undefined);

let verdicts: GatewayValidation[];
let originalVerdicts: GatewayValidation[];
// The same documents through the other supported version's gateway and rules.
const OTHER_VERSION = "2026.9.5";
let otherVerdicts: GatewayValidation[];

beforeAll(async () => {
  const gateway = await gatewayPackage(CORPUS_VERSION);
  // The variables a deployment would set, so `${NAME}` references resolve as on Fly.
  const env = Object.fromEntries(
    corpus.flatMap((entry) => entry.envNames ?? []).map((name) => [name, "set-by-the-test"]),
  );
  const documents = [
    ...cases.map((c) => c.rendered),
    ...originals.map((entry) =>
      renderOpenClawConfig(entry.settings, {
        appName: "corpus-claw",
        mode: entry.mode ?? "public",
      }),
    ),
  ];
  const [all, other] = await Promise.all([
    gatewayValidate(gateway, documents, env),
    gatewayValidate(await gatewayPackage(OTHER_VERSION), documents.slice(0, cases.length), env),
  ]);
  verdicts = all.slice(0, cases.length);
  originalVerdicts = all.slice(cases.length);
  otherVerdicts = other;
}, 300_000);

describe(`preview against the real gateway's config validate (OpenClaw ${CORPUS_VERSION})`, () => {
  it("agrees with the gateway on every config of the corpus", () => {
    const disagreements = cases.flatMap((c, index) => {
      const ours = gatewayVerdict(c.rendered, CORPUS_VERSION);
      const gateway = verdicts[index];
      return (ours.issues.length === 0) === gateway.valid
        ? []
        : [{ name: c.entry.name, ours: ours.issues, gateway: gateway.issues }];
    });
    expect(disagreements).toEqual([]);
    console.log(
      `openclaw.json corpus: ${cases.length} configs, ${cases.length - disagreements.length} verdicts agree with openclaw@${CORPUS_VERSION}`,
    );
  });

  it.each(cases.map((c, index) => [c.entry.name, c, index] as const))("%s", (_name, c, index) => {
    const gateway = verdicts[index];
    // What preview ships, the gateway takes.
    if (c.shipped) expect(gateway).toMatchObject({ valid: true, issues: [] });
    // What preview refuses by the gateway's rules, the gateway refuses; by policy, it would take.
    if (!c.shipped) expect(gateway.valid).toBe(c.entry.policy === true);
  });

  it(`agrees with the gateway of OpenClaw ${OTHER_VERSION} on every config too`, () => {
    const disagreements = cases.flatMap((c, index) => {
      const ours = gatewayVerdict(c.rendered, OTHER_VERSION);
      return (ours.issues.length === 0) === otherVerdicts[index].valid
        ? []
        : [{ name: c.entry.name, ours: ours.issues, gateway: otherVerdicts[index].issues }];
    });
    expect(disagreements).toEqual([]);
  });

  it("refuses or migrates each earlier form the way the corpus says", () => {
    const seen = originals.map((entry, index) => [
      entry.name,
      originalVerdicts[index].valid ? "valid" : "invalid",
    ]);
    expect(seen).toEqual(originals.map((entry) => [entry.name, entry.gatewayOnOriginal]));
  });
});
