// Runs the gateway's own `openclaw config validate` on many files in one process, so a corpus of
// configs costs one gateway start-up instead of one each. It calls the steps the CLI command
// runs (dist/config-cli-*.mjs `runConfigValidate`), in the shape of the release at hand:
// - 2026.9.6: read the snapshot with plugin metadata and strict preparation, then
//   `finishConfigValidationForCli(read)`;
// - 2026.9.5: read the snapshot with plugin metadata, then
//   `strictlyValidateConfigSnapshotForCli(read.snapshot, read.pluginMetadataSnapshot)`.
// A release with neither exits 3, and the caller falls back to one CLI process per file.
//
//   node validate-configs.mjs <openclaw package dir> <config file>...
//
// Prints one JSON array: { file, valid, issues, warnings } per file, issues and warnings as the
// CLI's --json output gives them. Run it with the package's Node and an isolated HOME and
// OPENCLAW_STATE_DIR (see print-gateway-schema.ts `isolatedGatewayEnv`).
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [packageDir, ...files] = process.argv.slice(2);
const dist = join(packageDir, "dist");
const load = (file) => import(pathToFileURL(join(dist, file)).href);

const config = await load(join("config", "config.js"));
let validateFile;
for (const name of readdirSync(dist)) {
  if (!name.startsWith("config-cli-validation-") || !name.endsWith(".mjs")) continue;
  const module = await load(name);
  if (typeof module.finishConfigValidationForCli === "function") {
    const finish = module.finishConfigValidationForCli;
    validateFile = async () =>
      finish(
        await config.readConfigFileSnapshotWithPluginMetadata({
          observe: false,
          prepareValidation: "strict",
        }),
      );
  } else if (typeof module.strictlyValidateConfigSnapshotForCli === "function") {
    const strictly = module.strictlyValidateConfigSnapshotForCli;
    validateFile = async () => {
      const read = await config.readConfigFileSnapshotWithPluginMetadata({ observe: false });
      return strictly(read.snapshot, read.pluginMetadataSnapshot);
    };
  }
}
if (validateFile === undefined) {
  process.stderr.write(`no known config validation entry in ${dist}\n`);
  process.exit(3);
}

const results = [];
for (const file of files) {
  process.env.OPENCLAW_CONFIG_PATH = file;
  config.clearConfigCache();
  const snapshot = await validateFile();
  const valid = snapshot.exists && snapshot.valid;
  results.push({
    file,
    valid,
    issues: valid ? [] : (snapshot.issues ?? []),
    warnings: valid ? (snapshot.warnings ?? []) : [],
  });
}
process.stdout.write(`${JSON.stringify(results)}\n`);
process.exit(0);
