import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as jspb from "google-protobuf";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import { describe, expect, it } from "vitest";
import { useNativeUtf8Strings } from "../../engine/protobuf-strings";

// Strings of every UTF-8 length, a surrogate pair, an empty one and a provider-sized one.
const PROPERTIES = {
  __provider: `exports.handler = () => "${"é€😀a".repeat(40_000)}";`,
  name: "gateway-iad",
  empty: "",
  nested: { list: ["ß", "東京", "🚀", 3, true, null], deeper: { text: 'tab\tquote"' } },
};

function checkRequest(): provproto.CheckRequest {
  const request = new provproto.CheckRequest();
  request.setUrn("urn:pulumi:prod::openclaw-fly::fly:FlyMachine::gateway-iad-machine");
  request.setOlds(structproto.Struct.fromJavaScript(PROPERTIES));
  request.setNews(structproto.Struct.fromJavaScript({ ...PROPERTIES, name: "gateway-ams" }));
  return request;
}

describe("useNativeUtf8Strings", () => {
  it("encodes exactly the bytes google-protobuf's own codec does, and decodes them back", () => {
    const own = {
      write: jspb.BinaryWriter.prototype.writeString,
      read: jspb.BinaryReader.prototype.readString,
    };
    const before = Buffer.from(checkRequest().serializeBinary());
    useNativeUtf8Strings();
    expect(jspb.BinaryWriter.prototype.writeString).not.toBe(own.write);
    expect(jspb.BinaryReader.prototype.readString).not.toBe(own.read);
    const after = Buffer.from(checkRequest().serializeBinary());

    expect(after.equals(before)).toBe(true);
    const decoded = provproto.CheckRequest.deserializeBinary(after);
    expect(decoded.getUrn()).toBe(
      "urn:pulumi:prod::openclaw-fly::fly:FlyMachine::gateway-iad-machine",
    );
    expect(decoded.getOlds()!.toJavaScript()).toEqual(PROPERTIES);
    expect(decoded.getNews()!.toJavaScript()).toEqual({ ...PROPERTIES, name: "gateway-ams" });
  });

  it("installs itself once", () => {
    useNativeUtf8Strings();
    const installed = jspb.BinaryWriter.prototype.writeString;
    useNativeUtf8Strings();
    expect(jspb.BinaryWriter.prototype.writeString).toBe(installed);
  });
});
