import { badRequest, unprocessable } from "../api-errors";
import type { Emulator } from "../emulator";
import { appId } from "../ids";
import { readJsonObject, type Router } from "../router";
import type { AppRecord } from "../state";

/** Fly's app name rule: lowercase letters, digits and dashes, at most 63 characters. */
const APP_NAME = /^[a-z0-9-]{1,63}$/;

/** Apps: list by org, create, get, delete. */
export function registerAppRoutes(router: Router): void {
  router.add(
    "GET",
    "/v1/apps",
    ({ emulator, query }) => {
      const org = query.get("org_slug");
      if (!org) throw badRequest("org_slug is required");
      const apps = Object.values(emulator.state.apps).filter((a) => a.org_slug === org);
      return {
        status: 200,
        body: { total_apps: apps.length, apps: apps.map((a) => appJson(emulator, a)) },
      };
    },
    { action: "app_list" },
  );

  router.add(
    "POST",
    "/v1/apps",
    (ctx) => {
      const body = readJsonObject(ctx, "main.CreateAppRequest");
      // The spec and fly-go send `name`; the prose docs send `app_name`. Fly accepts both.
      const name = body.name ?? body.app_name;
      if (typeof name !== "string" || !APP_NAME.test(name)) {
        throw unprocessable(
          "Validation failed: Name may only contain lowercase letters, numbers, and dashes, and be at most 63 characters",
        );
      }
      const state = ctx.emulator.state;
      if (state.apps[name]) {
        throw unprocessable("Validation failed: Name has already been taken", "name_taken");
      }
      const org = typeof body.org_slug === "string" && body.org_slug ? body.org_slug : "personal";
      const network = typeof body.network === "string" && body.network ? body.network : "default";
      state.counters.app += 1;
      const app: AppRecord = {
        id: appId(),
        name,
        org_slug: org,
        network,
        status: "pending",
        internal_numeric_id: 100_000 + state.counters.app,
        created_at: ctx.emulator.now(),
      };
      state.apps[name] = app;
      state.secrets[name] = { version: 0, secrets: {} };
      return { status: 201, body: appJson(ctx.emulator, app) };
    },
    { action: "app_create" },
  );

  router.add(
    "GET",
    "/v1/apps/{app_name}",
    ({ emulator, params }) => ({
      status: 200,
      body: appJson(emulator, emulator.app(params.app_name)),
    }),
    { action: "app_get", scopeParam: "app_name" },
  );

  router.add(
    "DELETE",
    "/v1/apps/{app_name}",
    ({ emulator, params }) => {
      const name = emulator.app(params.app_name).name;
      deleteAppAndEverythingIn(emulator, name);
      return { status: 202 };
    },
    { action: "app_delete", scopeParam: "app_name" },
  );
}

/**
 * Removes an app with its machines, volumes, IP assignments, secrets and certificates. Real
 * machines' processes are killed and their folders and volumes' folders removed.
 */
function deleteAppAndEverythingIn(emulator: Emulator, name: string): void {
  const state = emulator.state;
  if (emulator.real) {
    const machines = Object.values(state.machines).filter((m) => m.app === name);
    const volumes = Object.values(state.volumes).filter((v) => v.app === name);
    void emulator.real.forgetApp(
      machines.map((m) => m.id),
      volumes.map((v) => v.id),
      volumes.flatMap((v) => v.snapshots.map((s) => s.id)),
    );
    emulator.secretValues?.forgetApp(name);
  }
  for (const [id, machine] of Object.entries(state.machines)) {
    if (machine.app === name) delete state.machines[id];
  }
  for (const [id, volume] of Object.entries(state.volumes)) {
    if (volume.app === name) delete state.volumes[id];
  }
  state.ipAddresses = state.ipAddresses.filter((ip) => ip.app !== name);
  state.certificates = state.certificates.filter((c) => c.app !== name);
  delete state.secrets[name];
  delete state.apps[name];
}

/** The App object as Fly returns it, with live machine and volume counts. */
function appJson(emulator: Emulator, app: AppRecord): Record<string, unknown> {
  const machines = Object.values(emulator.state.machines).filter(
    (m) => m.app === app.name && m.state !== "destroyed",
  );
  const volumes = Object.values(emulator.state.volumes).filter((v) => v.app === app.name);
  return {
    id: app.id,
    name: app.name,
    status: machines.length > 0 ? "deployed" : app.status,
    organization: { name: app.org_slug, slug: app.org_slug, internal_numeric_id: 1 },
    network: app.network,
    machine_count: machines.length,
    volume_count: volumes.length,
    internal_numeric_id: app.internal_numeric_id,
    created_at: app.created_at,
  };
}
