import { describe, expect, it } from "vitest";
import { SpecValidator, toJsonSchema } from "../support/openapi-validator";

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

  it("lists the spec's operations with its own path templates", () => {
    expect(plain.operations()).toContain("POST /apps/{app_name}/machines/{machine_id}/lease");
    expect(plain.operations()).toHaveLength(76);
  });
});
