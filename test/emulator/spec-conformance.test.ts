import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Router } from "../../emulator/router";
import { registerApiRoutes } from "../../emulator/routes/api-routes";
import { runConformanceScenario, type RecordedCall } from "../support/conformance-scenario";
import { SpecValidator, type SchemaAmendment } from "../support/openapi-validator";
import { startFixture, type EmulatorFixture } from "./emulator-support";

/**
 * Where Fly's documented responses show what the 2026-05 spec's generated schemas cannot say.
 * Each amendment is proven necessary below (removing it fails a recorded response).
 */
const AMENDMENTS: SchemaAmendment[] = [
  {
    kind: "nullable",
    schema: "Volume",
    property: "attached_machine_id",
    reason: "docs volumes-resource examples answer `null` for an unattached volume (§4)",
  },
  {
    kind: "nullable",
    schema: "Volume",
    property: "attached_alloc_id",
    reason: "docs volumes-resource examples answer `null` for every volume (§4)",
  },
  {
    kind: "nullable",
    schema: "CertificateDetail",
    property: "rate_limited_until",
    reason: "docs certificates-resource examples answer `null` when not rate limited (§6.3)",
  },
  {
    kind: "nullable",
    schema: "CertificateCheckResponse",
    property: "rate_limited_until",
    reason: "the check answers the certificate detail, with `null` as above (§6.3)",
  },
  {
    kind: "nullable",
    schema: "CertificateEntry",
    property: "issuer",
    reason: "docs certificates-resource examples answer `null` for Fly-issued certificates",
  },
  {
    kind: "enum",
    schema: "main.statusCode",
    values: ["volume_placement_capacity", "name_taken"],
    reason: "the newer spec adds both error codes (§10.9, §7)",
  },
];

/** A status the spec does not declare for a route, allowed for the reference's stated reason. */
interface UndeclaredStatus {
  status: number;
  /** `METHOD template`, or `*` for every route. */
  route: string;
  reason: string;
}

/** Kept minimal: every entry must be exercised by the scenario (checked below). */
const UNDECLARED_ALLOWED: UndeclaredStatus[] = [
  { status: 401, route: "*", reason: "§1: every route refuses a missing or invalid token" },
  { status: 404, route: "*", reason: "§7: app, machine, volume (etc.) not found on any route" },
  {
    status: 422,
    route: "POST /v1/apps",
    reason: "§2, §10.9: name_taken is declared only by the newer spec",
  },
  {
    status: 400,
    route: "POST /v1/apps/{app_name}/volumes",
    reason: "§7: 400 for bad parameters (volume name rule, §4)",
  },
  {
    status: 412,
    route: "POST /v1/apps/{app_name}/volumes",
    reason: "§4: require_unique_zone exhausted; volume_placement_capacity (§7, flyctl fixture)",
  },
  {
    status: 503,
    route: "POST /v1/apps/{app_name}/volumes",
    reason: "§3.1: capacity errors; fly-go's fixture answers 503 insufficient_capacity",
  },
  {
    status: 400,
    route: "PUT /v1/apps/{app_name}/volumes/{volume_id}/extend",
    reason: "§4: volumes only grow",
  },
  {
    status: 412,
    route: "DELETE /v1/apps/{app_name}/volumes/{volume_id}",
    reason: "§4, §7: a volume bound to a machine cannot be deleted",
  },
  {
    status: 412,
    route: "GET /v1/apps/{app_name}/secrets",
    reason: "§5.1: min_version newer than the app's secrets",
  },
  {
    status: 403,
    route: "GET /v1/apps/{app_name}/secrets",
    reason: "§5.1: show_secrets is privileged; §7: 403 when the token lacks access",
  },
  {
    status: 400,
    route: "POST /v1/apps/{app_name}/ip_assignments",
    reason: "§7: 400 for bad parameters (unknown address type)",
  },
  {
    status: 400,
    route: "GET /v1/apps/{app_name}/certificates",
    reason: "§6.3, §7: paging parameters out of range",
  },
  {
    status: 400,
    route: "POST /v1/apps/{app_name}/machines",
    reason: "§11.2: a config without image is refused with 400",
  },
  {
    status: 412,
    route: "POST /v1/apps/{app_name}/machines/{machine_id}/start",
    reason: "§3.5: start from a state that does not allow it",
  },
  {
    status: 409,
    route: "POST /v1/apps/{app_name}/machines/{machine_id}/lease",
    reason: "§3.9: the lease is held by someone else",
  },
];

const router = new Router();
registerApiRoutes(router);

/** `METHOD template` of the route that served a call. */
function routeOf(call: RecordedCall): string {
  const match = router.match(call.method, call.path);
  if (!("route" in match)) throw new Error(`no route serves ${call.method} ${call.path}`);
  return `${call.method} ${match.route.template}`;
}

function allowance(call: RecordedCall): UndeclaredStatus | undefined {
  const route = routeOf(call);
  return UNDECLARED_ALLOWED.find(
    (a) => a.status === call.status && (a.route === "*" || a.route === route),
  );
}

/** Problems with one call under `validator`: an invalid body or an unexplained status. */
function problems(validator: SpecValidator, call: RecordedCall): string[] {
  const route = routeOf(call);
  const specPath = route.slice(route.indexOf(" ") + 1).replace(/^\/v1/, "");
  const where = `${call.method} ${call.path} -> ${call.status}`;
  const check = validator.checkResponse(call.method, specPath, call.status, call.body);
  switch (check.kind) {
    case "valid":
    case "no-schema":
      return [];
    case "invalid":
      return check.errors.map((e) => `${where}: ${e}`);
    case "unknown-operation":
      return [`${where}: the spec has no operation ${call.method} ${specPath}`];
    case "undeclared-status": {
      if (!allowance(call)) {
        return [`${where}: status not declared (declared: ${check.declared.join(", ")})`];
      }
      const error = validator.checkSchema("ErrorResponse", call.body);
      return error.kind === "invalid" ? error.errors.map((e) => `${where}: ${e}`) : [];
    }
  }
}

let fx: EmulatorFixture;
let calls: RecordedCall[];
let validator: SpecValidator;

beforeAll(async () => {
  fx = await startFixture();
  validator = SpecValidator.load(AMENDMENTS);
});
afterAll(() => fx.close());

describe("conformance to Fly's published OpenAPI spec", () => {
  it("drives a scenario over every route, each call answering the status it expects", async () => {
    calls = await runConformanceScenario(fx);
    const statuses = [...new Set(calls.map((c) => c.status))].sort((a, b) => a - b);
    expect(statuses).toEqual([200, 201, 202, 204, 400, 401, 403, 404, 409, 412, 422, 503]);
  });

  it("answers every call with a body that validates against the spec's schema", () => {
    expect(calls.flatMap((call) => problems(validator, call))).toEqual([]);
  });

  it("exercised every route template the emulator registers", () => {
    const served = new Set(calls.map(routeOf));
    const missing = router
      .list()
      .map((r) => `${r.method} ${r.template}`)
      .filter((route) => !served.has(route));
    expect(missing).toEqual([]);
  });

  it("needs every entry of the undeclared-status allow-list", () => {
    const used = new Set(calls.map(allowance).filter((a) => a !== undefined));
    expect(UNDECLARED_ALLOWED.filter((a) => !used.has(a))).toEqual([]);
  });

  it("needs every schema amendment: without it a recorded response fails", () => {
    const unneeded = AMENDMENTS.filter((amendment) => {
      const without = SpecValidator.load(AMENDMENTS.filter((a) => a !== amendment));
      return calls.every((call) => problems(without, call).length === 0);
    });
    expect(unneeded).toEqual([]);
  });

  it("catches a body that breaks the schema", () => {
    const broken: RecordedCall = {
      method: "GET",
      path: "/v1/apps/conf-app/volumes/vol_0000000000000000",
      status: 200,
      body: { id: "vol_0000000000000000", size_gb: "3" },
    };
    expect(problems(validator, broken)).toEqual([
      "GET /v1/apps/conf-app/volumes/vol_0000000000000000 -> 200: /size_gb must be integer",
    ]);
  });
});
