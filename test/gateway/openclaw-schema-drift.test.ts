import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { schemaFile, supportedVersions } from "../../components/openclaw-version";
import { printGatewaySchema } from "../../scripts/openclaw-schema/print-gateway-schema";
import { probeGatewayFacts } from "../../scripts/openclaw-schema/probe-gateway-facts";
import {
  normalizeGatewaySchema,
  serializeNormalizedSchema,
} from "../../scripts/openclaw-schema/schema-normalize";
import { gatewayPackage } from "../../scripts/openclaw-schema/gateway-package";

// The committed schema of each supported version is what that version's gateway prints today,
// normalized (scripts/openclaw-schema.ts). It fails when the gateway package and the committed
// file part ways (a republished version, a changed normalization): run
// `npm run openclaw-schema -- <version>` and review the diff.
describe("committed openclaw.json schemas", () => {
  it.each(supportedVersions())(
    "%s is what openclaw config schema prints for it",
    async (version) => {
      const gateway = await gatewayPackage(version);
      const [printed, facts] = await Promise.all([
        printGatewaySchema(gateway),
        probeGatewayFacts(gateway),
      ]);
      const fresh = serializeNormalizedSchema(normalizeGatewaySchema(printed, version, facts));
      const committed = readFileSync(schemaFile(version), "utf8");
      // Compared as text: the file is deterministic; a mismatch prints the first differing line.
      const [freshLines, committedLines] = [fresh.split("\n"), committed.split("\n")];
      const first = freshLines.findIndex((line, i) => line !== committedLines[i]);
      expect(
        first === -1
          ? "identical"
          : `line ${first + 1}: printed ${freshLines[first]} / committed ${committedLines[first]}`,
      ).toBe("identical");
      expect(fresh.length).toBe(committed.length);
    },
    180_000,
  );
});
