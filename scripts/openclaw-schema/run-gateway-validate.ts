/**
 * `openclaw config validate` of an installed gateway over many openclaw.json documents at once
 * (one gateway start-up; see validate-configs.mjs), with the same isolation as schema printing.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { isolatedGatewayEnv, type GatewayPackage } from "./print-gateway-schema";

const run = promisify(execFile);

/** One issue or warning as the gateway reports it. */
export interface GatewayMessage {
  path: string;
  message: string;
  allowedValues?: string[];
}

/** The gateway's verdict on one document. */
export interface GatewayValidation {
  valid: boolean;
  issues: GatewayMessage[];
  warnings: GatewayMessage[];
}

async function validateWithCli(
  gateway: GatewayPackage,
  file: string,
  options: { env: NodeJS.ProcessEnv; maxBuffer: number; timeout: number },
): Promise<GatewayValidation> {
  const args = ["openclaw.mjs", "config", "validate", "--json"];
  const env = { ...options.env, OPENCLAW_CONFIG_PATH: file };
  const output = await run(gateway.node, args, { ...options, cwd: gateway.packageDir, env }).catch(
    (error: { stdout?: string }) => ({ stdout: error.stdout ?? "" }),
  );
  const parsed = JSON.parse(output.stdout) as {
    valid: boolean;
    issues?: GatewayMessage[];
    warnings?: GatewayMessage[];
  };
  return { valid: parsed.valid, issues: parsed.issues ?? [], warnings: parsed.warnings ?? [] };
}

/**
 * Validates each document with the gateway, in order. `env` adds variables (e.g. the secrets
 * a deployment would set, so `${NAME}` references resolve).
 */
export async function gatewayValidate(
  gateway: GatewayPackage,
  documents: readonly unknown[],
  env: Record<string, string> = {},
): Promise<GatewayValidation[]> {
  const scratch = mkdtempSync(join(tmpdir(), "openclaw-validate-"));
  try {
    const dir = join(scratch, "configs");
    mkdirSync(dir);
    mkdirSync(join(scratch, "tmp"));
    const files = documents.map((document, index) => {
      const file = join(dir, `config-${index}.json`);
      writeFileSync(file, JSON.stringify(document));
      return file;
    });
    const options = {
      env: { ...isolatedGatewayEnv(scratch), ...env },
      maxBuffer: 64 * 1024 * 1024,
      timeout: 300_000,
    };
    try {
      const { stdout } = await run(
        gateway.node,
        [join(__dirname, "validate-configs.mjs"), gateway.packageDir, ...files],
        options,
      );
      return (JSON.parse(stdout) as (GatewayValidation & { file: string })[]).map(
        ({ valid, issues, warnings }) => ({ valid, issues, warnings }),
      );
    } catch (error) {
      if ((error as { code?: unknown }).code !== 3) throw error;
    }
    // A release whose validation steps validate-configs.mjs does not know: the CLI, file by file.
    const results: GatewayValidation[] = [];
    for (const file of files) results.push(await validateWithCli(gateway, file, options));
    return results;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
