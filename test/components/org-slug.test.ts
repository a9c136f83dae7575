import { describe, expect, it } from "vitest";
import { validateGatewayArgs, type OpenClawGatewayArgs } from "../../components/gateway-args";
import { stackConfigProblems } from "../../components/stack-config";
import { ValidationError } from "../../components/validation";
import { orgSlugProblem } from "../../rules/fly-rules";

// The component checks `org` before anything is registered; FlyApp checks it again when it runs.
// Both must draw the line in the same place, or a preview passes that the apply then refuses.

const MINIMAL = { appName: "my-claw", regions: ["iad"] };
const rule = (slug: string) =>
  `must be an organization slug (lowercase letters, digits and dashes, e.g. "personal"), got ${JSON.stringify(slug)}`;

/** The component's problems with `org`, empty when it accepts the slug. */
function orgProblems(org: string): readonly string[] {
  try {
    validateGatewayArgs({ ...MINIMAL, org } as OpenClawGatewayArgs);
    return [];
  } catch (error) {
    if (error instanceof ValidationError) return error.problems;
    throw error;
  }
}

describe("the gateway's org slug rule", () => {
  it.each(["personal", "acme-corp", "a", "0rg-2", "a".repeat(63)])("accepts %j", (org) => {
    expect(validateGatewayArgs({ ...MINIMAL, org }).org).toBe(org);
  });

  it.each(["acme_corp", "_acme", "a".repeat(64), "", "Acme", "acme.corp", "acme corp"])(
    "refuses %j with the provider's own message",
    (org) => {
      expect(orgProblems(org)).toEqual([`org: ${rule(org)}`]);
    },
  );

  it("agrees with FlyApp's rule on every boundary case", () => {
    const cases = ["personal", "acme_corp", "-acme", "acme-", "9", "a".repeat(63), "a".repeat(64)];
    const component = cases.map((org) => orgProblems(org).length === 0);
    const provider = cases.map((org) => orgSlugProblem(org) === undefined);
    expect(component).toEqual(provider);
    expect(component).toEqual([true, false, true, true, true, true, false]);
  });

  it("refuses an underscore in the stack config's org, naming the key", () => {
    const config = {
      "openclaw-fly:appName": "my-claw",
      "openclaw-fly:regions": '["iad"]',
      "openclaw-fly:org": "acme_corp",
    };
    expect(stackConfigProblems(config)).toEqual([`openclaw-fly:org: ${rule("acme_corp")}`]);
  });
});
