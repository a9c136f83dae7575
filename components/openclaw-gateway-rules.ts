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
import {
  acpBindingIssues,
  agentReferenceIssues,
  agentRosterIssues,
  avatarIssues,
  modelPolicyIssues,
  sandboxEnvIssues,
} from "./openclaw-rules-agents";
import {
  bundledNames,
  channelAcpBindingIssues,
  heartbeatTargetIssues,
  pluginReferenceIssues,
  secretProviderSourceIssues,
  unknownChannelIssues,
  webSearchIssues,
} from "./openclaw-rules-channels";
import {
  gatewayRoleIssues,
  hookMappingIssues,
  mcpServerIssues,
  portalIssues,
  publicOriginIssues,
  sandboxOriginIssues,
  talkProviderIssues,
} from "./openclaw-rules-gateway";
import {
  agentModelIssues,
  broadcastShapeIssues,
  browserProfileIssues,
  cloudWorkerIssues,
  execPolicyIssues,
  fileSecretRefIssues,
  httpUrlIssues,
  modelProviderIssues,
  pathIssues,
} from "./openclaw-rules-refinements";
import {
  activeHoursIssues,
  byteSizeIssues,
  durationIssues,
  modelMapIssues,
  sandboxSecurityIssues,
  toolPolicyIssues,
} from "./openclaw-rules-values";
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
  const bundled = bundledNames(schema);
  const { errors, checked } = checkAgainstSchema(document, version);
  const channels = unknownChannelIssues(document, bundled);
  const plugins = pluginReferenceIssues(document, bundled, version);
  const search = webSearchIssues(document, schema);
  const issues = [
    ...schemaIssues(errors, checked),
    ...agentRosterIssues(document),
    ...agentReferenceIssues(document),
    ...acpBindingIssues(document),
    ...avatarIssues(document),
    ...modelPolicyIssues(document),
    ...sandboxEnvIssues(document),
    ...channels.issues,
    ...channelAcpBindingIssues(document),
    ...heartbeatTargetIssues(document, bundled),
    ...plugins.issues,
    ...secretProviderSourceIssues(document),
    ...publicOriginIssues(document),
    ...sandboxOriginIssues(document),
    ...portalIssues(document),
    ...gatewayRoleIssues(document),
    ...talkProviderIssues(document),
    ...mcpServerIssues(document),
    ...hookMappingIssues(document),
    ...search.issues,
    ...durationIssues(document),
    ...activeHoursIssues(document),
    ...byteSizeIssues(document),
    ...toolPolicyIssues(document),
    ...sandboxSecurityIssues(document),
    ...modelMapIssues(document),
    ...modelProviderIssues(document, schema),
    ...broadcastShapeIssues(document),
    ...fileSecretRefIssues(document),
    ...execPolicyIssues(document),
    ...httpUrlIssues(document),
    ...pathIssues(document),
    ...agentModelIssues(document),
    ...browserProfileIssues(document),
    ...cloudWorkerIssues(document),
  ];
  const warnings = [
    ...channels.warnings,
    ...plugins.warnings,
    ...search.warnings,
    ...dmPolicyWarnings(document),
    ...heartbeatOwnerWarnings(document),
  ];
  return { issues: issues.sort(comparePaths), warnings: warnings.sort(comparePaths) };
}
