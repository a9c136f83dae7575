import { badRequest, notFound } from "../api-errors";
import { goField } from "../go-fields";
import {
  IP_ADDRESS_TYPES,
  allocateIpAddress,
  ipAddressJson,
  type IpAddressType,
} from "../ip-address-store";
import { isKnownRegion } from "../regions";
import { readJsonObject, type Router } from "../router";

const STRUCT = "assignIPRequest";

/** IP assignments: list, allocate by type, release by address. */
export function registerIpRoutes(router: Router): void {
  router.add(
    "GET",
    "/v1/apps/{app_name}/ip_assignments",
    ({ emulator, params }) => {
      const app = emulator.app(params.app_name);
      const ips = emulator.state.ipAddresses.filter((r) => r.app === app.name);
      return { status: 200, body: { ips: ips.map((r) => ipAddressJson(r, app.org_slug)) } };
    },
    { action: "ip_assignment_list", scopeParam: "app_name" },
  );

  router.add(
    "POST",
    "/v1/apps/{app_name}/ip_assignments",
    (ctx) => {
      const { emulator, params } = ctx;
      const app = emulator.app(params.app_name);
      const body = readJsonObject(ctx, `main.${STRUCT}`);
      const type = goField(body, STRUCT, "type", "string");
      if (!type || !(IP_ADDRESS_TYPES as readonly string[]).includes(type)) {
        throw badRequest(`type must be one of ${IP_ADDRESS_TYPES.join(", ")}, got "${type ?? ""}"`);
      }
      // Anycast addresses are `global`; a dedicated address may be pinned to one region.
      const region = goField(body, STRUCT, "region", "string") || "global";
      if (region !== "global" && !isKnownRegion(region)) {
        throw badRequest(`region "${region}" is not a known region`);
      }
      const record = allocateIpAddress(
        emulator.state,
        app,
        {
          type: type as IpAddressType,
          region,
          serviceName: goField(body, STRUCT, "service_name", "string") ?? "",
          network: goField(body, STRUCT, "network", "string") ?? "",
        },
        emulator.isoNow(),
      );
      return { status: 200, body: ipAddressJson(record, app.org_slug) };
    },
    { action: "ip_assignment_create", scopeParam: "app_name" },
  );

  router.add(
    "DELETE",
    "/v1/apps/{app_name}/ip_assignments/{ip}",
    ({ emulator, params }) => {
      const app = emulator.app(params.app_name);
      const state = emulator.state;
      const index = state.ipAddresses.findIndex((r) => r.app === app.name && r.ip === params.ip);
      if (index < 0) throw notFound("ip assignment");
      state.ipAddresses.splice(index, 1);
      return { status: 204 };
    },
    { action: "ip_assignment_delete", scopeParam: "app_name" },
  );
}
