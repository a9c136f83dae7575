import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  SpecValidator,
  defaultSpecPath,
  resolveSpecPath,
  toJsonSchema,
} from "../support/openapi-validator";

describe("toJsonSchema", () => {
  it("turns nullable into a type that admits null and points $refs into the spec", () => {
    expect(
      toJsonSchema({
        type: "object",
        example: { a: 1 },
        "x-enum-varnames": ["A"],
        properties: {
          example: { type: "string", nullable: true, enum: ["a"] },
          guest: { $ref: "#/components/schemas/fly.MachineGuest" },
          items: { type: "array", items: { $ref: "#/components/schemas/Volume" } },
        },
      }),
    ).toEqual({
      type: "object",
      properties: {
        example: { type: ["string", "null"], enum: ["a", null] },
        guest: { $ref: "fly-machines-spec#/definitions/fly.MachineGuest" },
        items: { type: "array", items: { $ref: "fly-machines-spec#/definitions/Volume" } },
      },
    });
  });

  it("wraps a nullable reference in anyOf", () => {
    expect(toJsonSchema({ $ref: "#/components/schemas/Lease", nullable: true })).toEqual({
      anyOf: [{ $ref: "fly-machines-spec#/definitions/Lease" }, { type: "null" }],
    });
  });
});

describe("SpecValidator", () => {
  const plain = SpecValidator.load();

  it("validates a body through references, arrays and nested objects", () => {
    const volumes = [{ id: "vol_1", size_gb: 3, host_status: "ok" }];
    expect(plain.checkResponse("GET", "/apps/{app_name}/volumes", 200, volumes)).toEqual({
      kind: "valid",
    });
    const bad = [{ id: "vol_1", host_status: "fine" }];
    expect(plain.checkResponse("GET", "/apps/{app_name}/volumes", 200, bad)).toEqual({
      kind: "invalid",
      errors: ["/0/host_status must be equal to one of the allowed values"],
    });
  });

  it("tells an undeclared status, a body-less status and an unknown operation apart", () => {
    expect(plain.checkResponse("GET", "/apps/{app_name}", 404, {})).toEqual({
      kind: "undeclared-status",
      declared: ["200"],
    });
    expect(plain.checkResponse("DELETE", "/apps/{app_name}", 202, undefined)).toEqual({
      kind: "no-schema",
    });
    expect(plain.checkResponse("GET", "/nowhere", 200, {})).toEqual({ kind: "unknown-operation" });
  });

  it("takes documented amendments: a nullable property and extra enum values", () => {
    const volume = { id: "vol_1", attached_machine_id: null };
    const path = "/apps/{app_name}/volumes/{volume_id}";
    expect(plain.checkResponse("GET", path, 200, volume).kind).toBe("invalid");
    const amended = SpecValidator.load([
      { kind: "nullable", schema: "Volume", property: "attached_machine_id", reason: "docs" },
      { kind: "enum", schema: "main.statusCode", values: ["name_taken"], reason: "newer spec" },
    ]);
    expect(amended.checkResponse("GET", path, 200, volume)).toEqual({ kind: "valid" });
    const taken = { error: "Validation failed: Name has already been taken", status: "name_taken" };
    expect(plain.checkSchema("ErrorResponse", taken).kind).toBe("invalid");
    expect(amended.checkSchema("ErrorResponse", taken)).toEqual({ kind: "valid" });
  });

  it("refuses an amendment naming something the spec does not have", () => {
    expect(() =>
      SpecValidator.load([{ kind: "nullable", schema: "Volume", property: "nope", reason: "" }]),
    ).toThrow("amendment names unknown property Volume.nope");
  });

  // CI validates against the spec Fly publishes today, so the operation count is not pinned.
  it("lists the spec's operations once each, as METHOD and its own path template", () => {
    const operations = plain.operations();
    expect(operations).toEqual(expect.arrayContaining(["GET /apps", "POST /apps"]));
    expect(operations).toContain("POST /apps/{app_name}/machines/{machine_id}/lease");
    expect(operations).toContain("GET /apps/{app_name}/machines/{machine_id}/wait");
    expect(new Set(operations).size).toBe(operations.length);
    expect(operations.filter((op) => !/^(GET|POST|PUT|PATCH|DELETE|HEAD) \/\S*$/.test(op))).toEqual(
      [],
    );
  });
});

describe("resolveSpecPath", () => {
  const root = mkdtempSync(path.join(tmpdir(), "spec-path-"));
  const project = path.join(root, "project");
  const besideProject = path.join(root, "shared", "reference", "fly-machines-openapi.json");
  const downloaded = path.join(root, "downloaded.json");
  mkdirSync(project);
  writeFileSync(downloaded, "{}");
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("looks beside the project by default", () => {
    expect(defaultSpecPath(project)).toBe(besideProject);
  });

  it("takes FLY_OPENAPI_SPEC when set, even when the default exists", () => {
    mkdirSync(path.dirname(besideProject), { recursive: true });
    writeFileSync(besideProject, "{}");
    try {
      expect(resolveSpecPath({ FLY_OPENAPI_SPEC: downloaded }, project)).toBe(downloaded);
      expect(resolveSpecPath({}, project)).toBe(besideProject);
      expect(resolveSpecPath({ FLY_OPENAPI_SPEC: "" }, project)).toBe(besideProject);
    } finally {
      rmSync(path.join(root, "shared"), { recursive: true });
    }
  });

  it("fails naming the default path and how to provide the spec when there is none", () => {
    expect(() => resolveSpecPath({}, project)).toThrow(
      `Fly's Machines API OpenAPI spec not found: looked at ${besideProject} ` +
        "(FLY_OPENAPI_SPEC is unset). Download https://docs.machines.dev/spec/openapi3.json " +
        "and set FLY_OPENAPI_SPEC to the file's path.",
    );
  });

  it("fails naming the variable's path when FLY_OPENAPI_SPEC names no file", () => {
    const missing = path.join(root, "nowhere.json");
    expect(() => resolveSpecPath({ FLY_OPENAPI_SPEC: missing }, project)).toThrow(
      `Fly's Machines API OpenAPI spec not found: looked at ${missing} ` +
        `(FLY_OPENAPI_SPEC=${missing}). Download https://docs.machines.dev/spec/openapi3.json ` +
        "and set FLY_OPENAPI_SPEC to the file's path.",
    );
  });
});
