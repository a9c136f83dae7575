/**
 * Finding the configuration table in the README's text: the Markdown table whose header starts
 * with `| key`, under the "Configuration" heading.
 */

const HEADING = "## Configuration";

/** The table's lines, from its header to its last row. */
function tableSpan(readme: string): { start: number; end: number } {
  const lines = readme.split("\n");
  const heading = lines.indexOf(HEADING);
  if (heading < 0) throw new Error(`README has no "${HEADING}" section`);
  const start = lines.findIndex((line, index) => index > heading && /^\| *key *\|/.test(line));
  if (start < 0) throw new Error(`README's "${HEADING}" section has no table starting "| key |"`);
  let end = start;
  while (end + 1 < lines.length && lines[end + 1].startsWith("|")) end++;
  return { start, end };
}

/** The README's configuration table as cell text: one array per row, the header first. */
export function readmeConfigurationCells(readme: string): string[][] {
  const { start, end } = tableSpan(readme);
  const lines = readme.split("\n").slice(start, end + 1);
  return lines
    .filter((_, index) => index !== 1)
    .map((line) =>
      line
        .replace(/^\|/, "")
        .replace(/\|$/, "")
        // A cell may hold `\|` (an escaped bar), which is not a column break.
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim()),
    );
}

/** `readme` with its configuration table replaced by `table`. */
export function replaceConfigurationTable(readme: string, table: string): string {
  const { start, end } = tableSpan(readme);
  const lines = readme.split("\n");
  return [...lines.slice(0, start), table, ...lines.slice(end + 1)].join("\n");
}
