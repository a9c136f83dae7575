import { describe, expect, it } from "vitest";
import {
  execPolicyIssues,
  sandboxEnvIssues,
  sandboxSecurityIssues,
  toolPolicyIssues,
} from "../../components/openclaw-rules-sandbox";

describe("sandboxEnvIssues (validation-core.ts collectSandboxContainerEnvIssues)", () => {
  it("needs portable names and one-line values for Docker and Podman, not for other backends", () => {
    expect(
      sandboxEnvIssues({
        agents: {
          defaults: {
            sandbox: { docker: { env: { GOOD_NAME: "x", "BAD-NAME": "x", MULTI: "a\nb" } } },
          },
          entries: {
            ssh: { sandbox: { backend: "ssh", docker: { env: { "ANY-NAME": "a\nb" } } } },
          },
        },
      }),
    ).toEqual([
      {
        path: ["agents", "defaults", "sandbox", "docker", "env", "BAD-NAME"],
        rule: "must be a portable variable name (letters, digits and underscores, not starting with a digit)",
      },
      {
        path: ["agents", "defaults", "sandbox", "docker", "env", "MULTI"],
        rule: "must be one line without NUL: the sandbox's env file is line-based",
      },
    ]);
  });
});

describe("sandboxSecurityIssues (SandboxDockerSchema, SandboxBrowserSchema refinements)", () => {
  it("blocks the host network, container joins unless allowed, and unconfined profiles", () => {
    expect(
      sandboxSecurityIssues({
        agents: {
          defaults: {
            sandbox: {
              docker: { network: "host", seccompProfile: "Unconfined" },
              browser: { network: "container:x" },
            },
          },
          entries: {
            a: {
              sandbox: {
                docker: { network: "container:db", dangerouslyAllowContainerNamespaceJoin: true },
              },
            },
          },
        },
      }),
    ).toEqual([
      {
        path: ["agents", "defaults", "sandbox", "docker", "network"],
        rule: 'network mode "host" is blocked; use "bridge" or "none"',
      },
      {
        path: ["agents", "defaults", "sandbox", "docker", "seccompProfile"],
        rule: 'profile "unconfined" is blocked; name a profile or leave it out',
      },
      {
        path: ["agents", "defaults", "sandbox", "browser", "network"],
        rule: 'browser network mode "container:*" is blocked unless docker.dangerouslyAllowContainerNamespaceJoin is true',
      },
    ]);
  });
});

describe("toolPolicyIssues (ToolPolicySchema, AgentToolsSchema, ToolsSchema refinements)", () => {
  it("refuses allow beside alsoAllow in any tool policy scope", () => {
    const rule =
      "a tool policy cannot set both allow and alsoAllow (merge alsoAllow into allow, or drop allow and use profile + alsoAllow)";
    expect(
      toolPolicyIssues({
        tools: {
          allow: ["read"],
          alsoAllow: ["exec"],
          byProvider: { openai: { allow: ["a"], alsoAllow: [] } },
        },
        agents: {
          entries: { a: { tools: { sandbox: { tools: { allow: ["x"], alsoAllow: ["y"] } } } } },
        },
      }),
    ).toEqual([
      { path: ["tools", "alsoAllow"], rule },
      { path: ["agents", "entries", "a", "tools", "sandbox", "tools", "alsoAllow"], rule },
    ]);
  });
});

describe("execPolicyIssues (zod-schema.agent-runtime.ts addExecPolicyModeConflictIssue)", () => {
  it("refuses mode beside security or ask", () => {
    expect(
      execPolicyIssues({
        tools: { exec: { mode: "ask", ask: "always" } },
        agents: { entries: { a: { tools: { exec: { mode: "ask" } } } } },
      }),
    ).toEqual([
      {
        path: ["tools", "exec", "mode"],
        rule: "cannot be combined with security or ask in the same exec policy; keep mode and drop the legacy pair (or the reverse)",
      },
    ]);
  });
});
