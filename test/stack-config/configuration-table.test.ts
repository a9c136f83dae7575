import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { GATEWAY_ARGUMENTS } from "../../components/gateway-arguments";
import {
  CONFIG_KEYS,
  CONFIGURATION_HEADER,
  configurationRows,
  configurationTable,
} from "../../stack-config/configuration-table";
import { PROVIDER_CONFIG } from "../../stack-config/provider-config";
import {
  readmeConfigurationCells,
  replaceConfigurationTable,
} from "../../stack-config/readme-table";

const README = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8");

describe("the README's configuration table", () => {
  it("is the table the argument tables derive, cell for cell (npm run readme:config)", () => {
    expect(readmeConfigurationCells(README)).toEqual([
      [...CONFIGURATION_HEADER],
      ...configurationRows(),
    ]);
  });

  it("lists every gateway argument, then the providers' own keys", () => {
    const keys = readmeConfigurationCells(README)
      .slice(1)
      .map((row) => row[0]);
    expect(keys).toEqual(
      [...Object.keys(GATEWAY_ARGUMENTS), ...Object.keys(PROVIDER_CONFIG)].map((k) => `\`${k}\``),
    );
  });

  it("calls exactly the secret keys secret", () => {
    const secretRows = readmeConfigurationCells(README)
      .slice(1)
      .filter((row) => row[1].startsWith("secret "))
      .map((row) => row[0].replace(/`/g, ""));
    const secretKeys = Object.entries(CONFIG_KEYS)
      .filter(([, spec]) => spec.secret)
      .map(([key]) => key);
    expect(secretRows).toEqual(secretKeys);
    expect(secretKeys).toEqual(["gatewayToken", "providerKeys", "channelTokens", "flyApiToken"]);
  });

  it("derives each fixed default from the value the component applies", () => {
    expect(GATEWAY_ARGUMENTS.org.defaultText).toBe("`personal`");
    expect(GATEWAY_ARGUMENTS.healthTimeoutSeconds.defaultText).toBe("`600`");
    expect(GATEWAY_ARGUMENTS.domains.defaultText).toBe("`[]`");
    expect(GATEWAY_ARGUMENTS.healthCheck.defaultText).toBe("`2m` / `15s` / `5s`");
    expect(GATEWAY_ARGUMENTS.org.settle(undefined, {})).toBe("personal");
    expect(GATEWAY_ARGUMENTS.healthTimeoutSeconds.settle(undefined, {})).toBe(600);
  });
});

describe("replaceConfigurationTable", () => {
  const readme = [
    "# title",
    "",
    "## Configuration",
    "",
    "text",
    "",
    "| key | type | default | what it sets |",
    "| --- | --- | --- | --- |",
    "| `old` | a \\| b | x | y |",
    "",
    "## Next",
  ].join("\n");

  it("swaps the table under the Configuration heading and leaves the rest alone", () => {
    const replaced = replaceConfigurationTable(readme, configurationTable());
    expect(replaced.startsWith("# title\n\n## Configuration\n\ntext\n\n| key | type |")).toBe(true);
    expect(replaced.endsWith("|\n\n## Next")).toBe(true);
    expect(readmeConfigurationCells(replaced)).toEqual([
      [...CONFIGURATION_HEADER],
      ...configurationRows(),
    ]);
  });

  it("reads an escaped bar as part of its cell", () => {
    expect(readmeConfigurationCells(readme)).toEqual([
      ["key", "type", "default", "what it sets"],
      ["`old`", "a \\| b", "x", "y"],
    ]);
  });

  it("names what is missing when the README has no table", () => {
    expect(() => readmeConfigurationCells("# title\n\n## Configuration\n\nnone\n")).toThrow(
      'README\'s "## Configuration" section has no table starting "| key |"',
    );
  });
});
