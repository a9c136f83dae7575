import { badRequest } from "../api-errors";

const TRUE = new Set(["1", "t", "T", "TRUE", "true", "True"]);
const FALSE = new Set(["0", "f", "F", "FALSE", "false", "False"]);

/**
 * A boolean query parameter read the way Go's `strconv.ParseBool` reads it; absent is `false`, and
 * anything Go would not parse answers 400 naming the parameter.
 */
export function queryBool(query: URLSearchParams, name: string): boolean {
  const value = query.get(name);
  if (value === null || value === "") return false;
  if (TRUE.has(value)) return true;
  if (FALSE.has(value)) return false;
  throw badRequest(`invalid ${name} ${JSON.stringify(value)}: must be true or false`);
}

/** An integer query parameter, `undefined` when absent; anything else answers 400 naming it. */
export function queryInt(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  if (value === null || value === "") return undefined;
  if (!/^-?\d+$/.test(value)) {
    throw badRequest(`invalid ${name} ${JSON.stringify(value)}: must be a whole number`);
  }
  return Number(value);
}

/** Every value of a list parameter, whether repeated (`?state=a&state=b`) or comma-separated. */
export function queryList(query: URLSearchParams, name: string): string[] {
  return query
    .getAll(name)
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter((v) => v !== "");
}
