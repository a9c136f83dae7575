/**
 * How a resource's `__provider` names its provider. Pulumi's provider host runs whatever text a
 * resource's `__provider` holds (`require-from-string`, then `exports.handler()`). Instead of the
 * provider's code, that text is a stub of a line or two: it requires the loader of the project
 * installed in the host's working directory and asks it for the provider by name. So the state
 * carries a few hundred bytes per resource, and every operation runs the installed code.
 *
 * The stub's text is part of the state format: the protocol, the provider names and the loader's
 * path must keep working for every state ever written (see `provider-loader.cjs`).
 */

/** Version of the stub/loader contract; the loader lists every version it still accepts. */
export const STUB_PROTOCOL = 1;

/** `loaded-provider@1 fly:FlyMachine`: what the stub hands the loader. */
export function stubSpec(name: string, protocol = STUB_PROTOCOL): string {
  return `loaded-provider@${protocol} ${name}`;
}

/**
 * The `__provider` text of the provider called `name`, with the loader at `entry` (a path
 * relative to the working directory, which the program and the provider host share).
 */
export function stubText(name: string, entry: string): string {
  const loader = JSON.stringify(entry);
  return (
    `exports.handler = () => require(require("path").resolve(${loader}))` +
    `.provider(${JSON.stringify(stubSpec(name))});\n`
  );
}
