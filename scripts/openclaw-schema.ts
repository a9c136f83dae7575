/**
 * Maintainer script: commits the openclaw.json schema of a gateway version, so preview can check
 * a stack's `openclaw` settings against that version without downloading the gateway.
 *
 *   npm run openclaw-schema -- <version> [--package-dir DIR]
 *
 * It runs `openclaw config schema` of the version's pinned gateway runtime (gateway-runtime/,
 * installed on first use), or of a package installed by hand (`--package-dir`), normalizes it
 * (scripts/openclaw-schema/schema-normalize.ts) and writes
 * components/openclaw-schemas/openclaw-schema-<version>.json. Commit that file: the versions with
 * a file there are the versions preview supports.
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { schemaFile } from "../components/openclaw-version";
import { gatewayPackage, packageAt } from "./openclaw-schema/gateway-package";
import { printGatewaySchema } from "./openclaw-schema/print-gateway-schema";
import { probeGatewayFacts } from "./openclaw-schema/probe-gateway-facts";
import {
  normalizeGatewaySchema,
  serializeNormalizedSchema,
} from "./openclaw-schema/schema-normalize";

const USAGE = "usage: npm run openclaw-schema -- <version> [--package-dir DIR]";

async function main(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { "package-dir": { type: "string" } },
  });
  const [version, ...rest] = positionals;
  if (version === undefined || rest.length > 0) {
    console.error(USAGE);
    return 2;
  }
  const dir = values["package-dir"];
  const gateway = dir !== undefined ? packageAt(dir, version) : await gatewayPackage(version);
  const printed = await printGatewaySchema(gateway);
  const normalized = normalizeGatewaySchema(printed, version, await probeGatewayFacts(gateway));
  const target = schemaFile(version);
  writeFileSync(target, serializeNormalizedSchema(normalized));
  console.log(
    `OpenClaw ${version}: ${printed.length} bytes printed, ${JSON.stringify(normalized).length} ` +
      `kept, written to ${target}`,
  );
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
