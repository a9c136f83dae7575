/**
 * The stack config keys only the providers read (in `configure()`, inside Pulumi's provider
 * host): documented and checked here, with the program's config, so that a bad value stops the
 * program before anything is registered instead of failing the first provider call.
 */
import { DEFAULT_FLY_API_URL, baseUrlProblem } from "../providers/fly-client/credentials";
import { tuningProblems } from "../providers/provider-kit/provider-settings";
import type { ConfigKeySpec } from "../components/argument-table";
import {
  FLY_API_URL_ENV,
  FLY_API_URL_KEY,
  PROVIDER_TUNING_KEY,
} from "../rules/provider-config-keys";

/** The providers' own keys; `flyApiToken` is a gateway argument too (the build step uses it). */
export const PROVIDER_CONFIG: Readonly<Record<string, ConfigKeySpec>> = {
  [FLY_API_URL_KEY]: {
    kind: "text",
    secret: false,
    type: "URL",
    defaultText: `\`${FLY_API_URL_ENV}\`, else \`${DEFAULT_FLY_API_URL}\``,
    doc: "the Machines API endpoint; `http://127.0.0.1:4280` for the local emulator",
    check(raw, key) {
      const problem = typeof raw === "string" ? baseUrlProblem(raw) : "must be a string";
      return problem === undefined
        ? { ok: true, value: raw }
        : { ok: false, problems: [`${key}: ${problem}`] };
    },
  },
  [PROVIDER_TUNING_KEY]: {
    kind: "json",
    secret: false,
    type: "object",
    defaultText: "the values for the real Fly API",
    doc: 'provider timing overrides for tests, e.g. `{"pollIntervalMs":20,"pacing":false}`',
    check(raw) {
      const problems = tuningProblems(raw);
      return problems.length === 0 ? { ok: true, value: raw } : { ok: false, problems };
    },
  },
};
