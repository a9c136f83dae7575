import { Agent } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { machineBody, testClient } from "./fixtures";
import { startScriptedServer } from "./scripted-server";
import type { ScriptedServer } from "./scripted-server";

let server: ScriptedServer;
const dispatcher = new Agent();
beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(async () => {
  await server.close();
  await dispatcher.close();
});

const createTag = { key: "openclaw_fly_create_id", value: "c-7f3a" };
const config = { image: "ghcr.io/openclaw/openclaw:1.0.0", metadata: { role: "gateway" } };

/** Method and path of every request the server saw since request number `since`, in order. */
const trail = (since: number) => server.requests.slice(since).map((r) => `${r.method} ${r.path}`);

describe("machine create", () => {
  it("adopts the tagged machine after a 408 instead of creating a second one", async () => {
    const since = server.requests.length;
    const made = machineBody({ id: "m408", metadata: { ...config.metadata, ...tagEntry() } });
    server.on("POST /v1/apps/a1/machines", { status: 408, json: { error: "deadline exceeded" } });
    server.on("GET /v1/apps/a1/machines", (request) => ({
      json: request.query.get("metadata.openclaw_fly_create_id") === "c-7f3a" ? [made] : [],
    }));
    const machine = await testClient(server.url, dispatcher).machines.create(
      "a1",
      { config, region: "iad" },
      { createTag },
    );
    expect(machine.id).toBe("m408");
    expect(trail(since)).toEqual(["POST /v1/apps/a1/machines", "GET /v1/apps/a1/machines"]);
    expect(server.requestsTo("POST /v1/apps/a1/machines")[0].body).toEqual({
      config: { ...config, metadata: { role: "gateway", openclaw_fly_create_id: "c-7f3a" } },
      region: "iad",
    });
  });

  it("creates again when the lookup after a dropped connection finds nothing", async () => {
    const since = server.requests.length;
    server.on("POST /v1/apps/a2/machines", { reset: true }, { json: machineBody({ id: "m2" }) });
    server.on("GET /v1/apps/a2/machines", { json: [] });
    const machine = await testClient(server.url, dispatcher).machines.create(
      "a2",
      { config },
      { createTag },
    );
    expect(machine.id).toBe("m2");
    expect(trail(since)).toEqual([
      "POST /v1/apps/a2/machines",
      "GET /v1/apps/a2/machines",
      "POST /v1/apps/a2/machines",
    ]);
  });

  it("adopts by tag when a named create clashes with the machine its own lost attempt made", async () => {
    const since = server.requests.length;
    const made = machineBody({ id: "m409", metadata: { ...config.metadata, ...tagEntry() } });
    const clash = {
      status: 409,
      json: {
        error:
          'already_exists: unique machine name violation, machine ID m409 already exists with name "gw"',
      },
    };
    server.on("POST /v1/apps/a6/machines", { status: 503 }, clash);
    // The first lookup runs before the list shows the new machine (Fly's list reads lag).
    server.on("GET /v1/apps/a6/machines", { json: [] }, { json: [made] });
    const machine = await testClient(server.url, dispatcher).machines.create(
      "a6",
      { config, name: "gw", region: "iad" },
      { createTag },
    );
    expect(machine.id).toBe("m409");
    expect(trail(since)).toEqual([
      "POST /v1/apps/a6/machines",
      "GET /v1/apps/a6/machines",
      "POST /v1/apps/a6/machines",
      "GET /v1/apps/a6/machines",
    ]);
  });

  it("reports a name clash on a first attempt: the name belongs to another machine", async () => {
    server.on("POST /v1/apps/a7/machines", {
      status: 409,
      json: { error: 'already_exists: machine ID m1 already exists with name "gw"' },
    });
    const failure = await testClient(server.url, dispatcher)
      .machines.create("a7", { config, name: "gw" }, { createTag })
      .catch((e: unknown) => e);
    expect(failure).toMatchObject({
      status: 409,
      message: 'already_exists: machine ID m1 already exists with name "gw"',
    });
    expect(server.requestsTo("POST /v1/apps/a7/machines")).toHaveLength(1);
  });

  it("does not adopt an untagged machine from a server that ignores the filter", async () => {
    server.on("POST /v1/apps/a3/machines", { status: 503 }, { json: machineBody({ id: "mine" }) });
    server.on("GET /v1/apps/a3/machines", {
      json: [machineBody({ id: "stranger", metadata: { openclaw_fly_create_id: "other" } })],
    });
    const machine = await testClient(server.url, dispatcher).machines.create(
      "a3",
      { config },
      { createTag },
    );
    expect(machine.id).toBe("mine");
    expect(server.requestsTo("POST /v1/apps/a3/machines")).toHaveLength(2);
  });

  it("reports a 500 it cannot resolve without sending the create again", async () => {
    const since = server.requests.length;
    server.on("POST /v1/apps/a4/machines", { status: 500, json: { error: "flyd exploded" } });
    server.on("GET /v1/apps/a4/machines", { json: [] });
    await expect(
      testClient(server.url, dispatcher).machines.create("a4", { config }, { createTag }),
    ).rejects.toMatchObject({ status: 500, message: "flyd exploded" });
    expect(trail(since)).toEqual(["POST /v1/apps/a4/machines", "GET /v1/apps/a4/machines"]);
  });

  it("repeats a create that was rate limited without looking anything up", async () => {
    const since = server.requests.length;
    server.on("POST /v1/apps/a5/machines", { status: 429 }, { json: machineBody({ id: "m5" }) });
    await testClient(server.url, dispatcher).machines.create("a5", { config }, { createTag });
    expect(trail(since)).toEqual(["POST /v1/apps/a5/machines", "POST /v1/apps/a5/machines"]);
  });
});

describe("app create", () => {
  it("adopts the app by name after a 503", async () => {
    const since = server.requests.length;
    server.on("POST /v1/apps", { status: 503 });
    server.on("GET /v1/apps/b1", { json: { id: "app1", name: "b1", status: "pending" } });
    const app = await testClient(server.url, dispatcher).apps.create({
      name: "b1",
      org_slug: "personal",
    });
    expect(app).toEqual({ id: "app1", name: "b1", status: "pending" });
    expect(trail(since)).toEqual(["POST /v1/apps", "GET /v1/apps/b1"]);
    expect(server.requestsTo("POST /v1/apps").at(-1)?.body).toEqual({
      name: "b1",
      org_slug: "personal",
    });
  });

  it("treats name_taken after its own ambiguous attempt as proof the app is ours", async () => {
    const since = server.requests.length;
    server.on(
      "POST /v1/apps",
      { status: 504 },
      {
        status: 422,
        json: { error: "Validation failed: Name has already been taken", status: "name_taken" },
      },
    );
    server.on(
      "GET /v1/apps/b2",
      { status: 404, json: { error: "app not found" } },
      { json: { id: "app2", name: "b2" } },
    );
    const app = await testClient(server.url, dispatcher).apps.create({
      name: "b2",
      org_slug: "personal",
    });
    expect(app.id).toBe("app2");
    expect(trail(since)).toEqual([
      "POST /v1/apps",
      "GET /v1/apps/b2",
      "POST /v1/apps",
      "GET /v1/apps/b2",
    ]);
  });

  it("reports name_taken on a first attempt: the name belongs to someone else", async () => {
    const since = server.requests.length;
    server.on("POST /v1/apps", {
      status: 422,
      json: { error: "Validation failed: Name has already been taken", status: "name_taken" },
    });
    await expect(
      testClient(server.url, dispatcher).apps.create({ name: "b3", org_slug: "personal" }),
    ).rejects.toMatchObject({ status: 422, code: "name_taken" });
    expect(trail(since)).toEqual(["POST /v1/apps"]);
  });

  it("reads the app back when the create answers with a partial body", async () => {
    server.on("POST /v1/apps", { status: 201, json: { id: "app4", created_at: 1708631799000 } });
    server.on("GET /v1/apps/b4", { json: { id: "app4", name: "b4", status: "deployed" } });
    const app = await testClient(server.url, dispatcher).apps.create({
      name: "b4",
      org_slug: "personal",
    });
    expect(app).toEqual({ id: "app4", name: "b4", status: "deployed" });
  });
});

describe("volume, IP and certificate creates", () => {
  it("adopts the unattached volume with the same name and region after a timeout", async () => {
    const volume = (id: string, fields: Record<string, unknown>) => ({
      id,
      name: "data",
      state: "created",
      region: "iad",
      size_gb: 1,
      created_at: "2026-11-21T10:00:00Z",
      ...fields,
    });
    server.on("POST /v1/apps/c1/volumes", { hang: true });
    server.on("GET /v1/apps/c1/volumes", {
      json: [
        volume("vol_attached", { attached_machine_id: "m1" }),
        volume("vol_other_region", { region: "ams" }),
        volume("vol_deleted", { state: "pending_destroy" }),
        volume("vol_older", { created_at: "2026-11-20T10:00:00Z" }),
        volume("vol_ours", { created_at: "2026-11-21T11:00:00Z", attached_machine_id: null }),
      ],
    });
    const client = testClient(server.url, dispatcher, { requestTimeoutMs: 50 });
    const adopted = await client.volumes.create("c1", { name: "data", region: "iad", size_gb: 1 });
    expect(adopted.id).toBe("vol_ours");
    expect(server.requestsTo("POST /v1/apps/c1/volumes")).toHaveLength(1);
  });

  it("adopts an assigned address of the same type after a 502", async () => {
    server.on("POST /v1/apps/c2/ip_assignments", { status: 502 });
    server.on("GET /v1/apps/c2/ip_assignments", {
      json: {
        ips: [
          { ip: "2a09:8280:1::1", region: "global", shared: false },
          { ip: "66.241.124.10", region: "global", shared: true },
        ],
      },
    });
    const ip = await testClient(server.url, dispatcher).ipAddresses.allocate("c2", {
      type: "shared_v4",
    });
    expect(ip.ip).toBe("66.241.124.10");
    expect(server.requestsTo("POST /v1/apps/c2/ip_assignments")).toHaveLength(1);
  });

  it("adopts the certificate for the hostname after a dropped connection", async () => {
    server.on("POST /v1/apps/c3/certificates/acme", { reset: true });
    server.on("GET /v1/apps/c3/certificates/gw.example.com", {
      json: { hostname: "gw.example.com", status: "pending_validation" },
    });
    const certificate = await testClient(server.url, dispatcher).certificates.create(
      "c3",
      "gw.example.com",
    );
    expect(certificate).toEqual({ hostname: "gw.example.com", status: "pending_validation" });
    expect(server.requestsTo("POST /v1/apps/c3/certificates/acme")).toHaveLength(1);
  });
});

function tagEntry(): Record<string, string> {
  return { [createTag.key]: createTag.value };
}
