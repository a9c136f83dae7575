/**
 * Maintainer script: commits the openclaw.json schema of a gateway version, so preview can check
 * a stack's `openclaw` settings against that version without downloading the gateway.
 *
 *   npm run openclaw-schema -- <version> [--package-dir DIR]
 *
 * It runs `openclaw config schema` of the installed package (`--package-dir`, or
 * `$OPENCLAW_FLY_GATEWAY_PACKAGES/<version>/node_modules/openclaw`), normalizes it
 * (scripts/openclaw-schema/schema-normalize.ts) and writes
 * components/openclaw-schemas/openclaw-schema-<version>.json. Commit that file: the versions with
 * a file there are the versions preview supports.
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { schemaFile } from "../components/openclaw-version";
import { findGatewayPackage, GATEWAY_PACKAGES_ENV } from "./openclaw-schema/gateway-package";
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
  const gateway = findGatewayPackage(version, values["package-dir"]);
  if (gateway === undefined) {
    console.error(
      `openclaw@${version} is not installed: pass --package-dir, or set ${GATEWAY_PACKAGES_ENV} ` +
        `to a folder holding ${version}/node_modules/openclaw ` +
        `(npm install --prefix <folder>/${version} openclaw@${version})`,
    );
    return 1;
  }
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
