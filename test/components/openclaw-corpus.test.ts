import { describe, expect, it } from "vitest";
import { checkOpenClawSettings } from "../../components/openclaw-validate";
import { CORPUS_VERSION, readCorpus } from "../support/openclaw-corpus";

// Preview's verdict on each config of the corpus, and the exact lines a user reads. The same
// configs go through the real gateway in test/gateway/openclaw-agreement.test.ts.
const corpus = readCorpus();

describe("the openclaw.json corpus", () => {
  it("holds valid and invalid configs of every kind the issue names", () => {
    const names = corpus.map((entry) => entry.name);
    expect(corpus.length).toBeGreaterThanOrEqual(40);
    expect(corpus.filter((entry) => entry.expect === "valid").length).toBeGreaterThanOrEqual(20);
    expect(corpus.filter((entry) => entry.expect === "invalid").length).toBeGreaterThanOrEqual(20);
    for (const name of [
      "guide-example-stack-file",
      "guide-example-2026-1",
      "multi-agent-routing",
      "plugins-voice-call-ngrok",
    ]) {
      expect(names).toContain(name);
    }
    const families = names.filter(
      (name) =>
        name.startsWith("channel-") && corpus.find((e) => e.name === name)?.expect === "valid",
    );
    expect(families.length).toBeGreaterThanOrEqual(15);
  });

  it.each(corpus.map((entry) => [entry.name, entry] as const))("%s", (_name, entry) => {
    const result = checkOpenClawSettings(entry.settings, {
      appName: "corpus-claw",
      mode: entry.mode ?? "public",
      version: { version: CORPUS_VERSION },
      envNames: entry.envNames ?? [],
    });
    expect(result.problems).toEqual(entry.problems);
    expect(result.warnings).toEqual(entry.warnings);
    expect(result.problems.length === 0 ? "valid" : "invalid").toBe(entry.expect);
  });
});
