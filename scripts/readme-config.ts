/**
 * Writes the README's configuration table from the tables that declare every config key
 * (`stack-config/configuration-table.ts`), formatted by Prettier. `npm run readme:config`;
 * the test suite fails while the README and the tables disagree.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as prettier from "prettier";
import { configurationTable } from "../stack-config/configuration-table";
import { replaceConfigurationTable } from "../stack-config/readme-table";

async function main(): Promise<void> {
  const file = join(__dirname, "..", "README.md");
  const updated = replaceConfigurationTable(readFileSync(file, "utf8"), configurationTable());
  const options = (await prettier.resolveConfig(file)) ?? {};
  writeFileSync(file, await prettier.format(updated, { ...options, filepath: file }));
  process.stdout.write(`wrote the configuration table into ${file}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
