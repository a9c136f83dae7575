/**
 * The gateway's own verdict on an openclaw.json document, reproduced offline for one version:
 * its JSON Schema (committed per version) and the cross-field rules ported from its source.
 * `test/gateway/openclaw-agreement.test.ts` holds this verdict against the real gateway's
 * `openclaw config validate` over the corpus in `test/openclaw-corpus/`.
 *
 * Not ported, because they depend on the machine the gateway runs on rather than on the config:
 * the exec secret provider's command-path checks (file ownership and permissions), duplicate
 * agent directories resolved through symlinks, web-search providers and model suppressions that
 * installed plugins contribute, and plugins installed into the state directory.
 */
import type { ConfigIssue } from "./openclaw-issue";
import { checkAgainstSchema, committedSchema } from "./openclaw-schema-check";
import { schemaIssues } from "./openclaw-schema-issues";
import * as agents from "./openclaw-rules-agents";
import * as channels from "./openclaw-rules-channels";
import * as gateway from "./openclaw-rules-gateway";
import * as integrations from "./openclaw-rules-integrations";
import * as models from "./openclaw-rules-models";
import * as sandbox from "./openclaw-rules-sandbox";
import * as secrets from "./openclaw-rules-secrets";
import * as values from "./openclaw-rules-values";
import * as web from "./openclaw-rules-web";
import { dmPolicyWarnings, heartbeatOwnerWarnings } from "./openclaw-warnings";

/** What the gateway would refuse (`issues`) and what it would warn about (`warnings`). */
export interface GatewayVerdict {
  issues: ConfigIssue[];
  warnings: ConfigIssue[];
}

function comparePaths(a: ConfigIssue, b: ConfigIssue): number {
  const length = Math.min(a.path.length, b.path.length);
  for (let i = 0; i < length; i += 1) {
    const [x, y] = [a.path[i], b.path[i]];
    if (x === y) continue;
    if (typeof x === "number" && typeof y === "number") return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return a.path.length - b.path.length;
}

/**
 * The gateway's verdict on `document` for `version`, every problem at once, sorted by path.
 *
 * @throws Error when no schema is committed for `version` (see `openclaw-version.ts`)
 */
export function gatewayVerdict(document: Record<string, unknown>, version: string): GatewayVerdict {
  const schema = committedSchema(version);
  const bundled = channels.bundledNames(schema);
  const { errors, checked } = checkAgainstSchema(document, version);
  const unknownChannels = channels.unknownChannelIssues(document, bundled);
  const plugins = channels.pluginReferenceIssues(document, bundled, version);
  const search = web.webSearchIssues(document, schema);
  const issues = [
    ...schemaIssues(errors, checked),
    ...agents.agentRosterIssues(document),
    ...agents.agentReferenceIssues(document),
    ...agents.acpBindingIssues(document),
    ...agents.broadcastShapeIssues(document),
    ...agents.avatarIssues(document),
    ...models.modelPolicyIssues(document),
    ...models.modelMapIssues(document),
    ...models.agentModelIssues(document),
    ...models.modelProviderIssues(document, schema),
    ...sandbox.sandboxEnvIssues(document),
    ...sandbox.sandboxSecurityIssues(document),
    ...sandbox.toolPolicyIssues(document),
    ...sandbox.execPolicyIssues(document),
    ...unknownChannels.issues,
    ...channels.channelAcpBindingIssues(document),
    ...channels.heartbeatTargetIssues(document, bundled),
    ...plugins.issues,
    ...secrets.secretProviderSourceIssues(document),
    ...secrets.fileSecretRefIssues(document),
    ...search.issues,
    ...web.httpUrlIssues(document),
    ...gateway.publicOriginIssues(document),
    ...gateway.sandboxOriginIssues(document),
    ...gateway.portalIssues(document),
    ...gateway.gatewayRoleIssues(document),
    ...gateway.talkProviderIssues(document),
    ...integrations.mcpServerIssues(document),
    ...integrations.hookMappingIssues(document),
    ...integrations.browserProfileIssues(document),
    ...values.durationIssues(document),
    ...values.activeHoursIssues(document),
    ...values.byteSizeIssues(document),
    ...values.pathIssues(document),
    ...values.cloudWorkerIssues(document),
  ];
  const warnings = [
    ...unknownChannels.warnings,
    ...plugins.warnings,
    ...search.warnings,
    ...dmPolicyWarnings(document),
    ...heartbeatOwnerWarnings(document),
  ];
  return { issues: issues.sort(comparePaths), warnings: warnings.sort(comparePaths) };
}
