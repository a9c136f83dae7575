"use strict";
/**
 * Preloaded (`node --require`) into Pulumi's dynamic-provider host by the offline engine.
 *
 * A partial create or update is reported in the gRPC trailer `grpc-status-details-bin`, which
 * holds the resource's properties, serialized provider code included: well over 64 KB for a
 * large provider. The CLI's Go client accepts trailers of up to 16 MB; Node's HTTP/2 (nghttp2)
 * rejects any single header over 64 KB, so the offline engine could not receive it. Such a
 * trailer is written, unchanged, to a file in $OFFLINE_ENGINE_STATUS_RELAY instead, and the
 * trailer names the file. Nothing else in the host changes.
 */
const { randomUUID } = require("node:crypto");
const { writeFileSync } = require("node:fs");
const { dirname, join } = require("node:path");

const directory = process.env.OFFLINE_ENGINE_STATUS_RELAY;
const DETAILS = "grpc-status-details-bin";
const RELAYED = "x-offline-engine-status-details";
const LIMIT = 32 * 1024;

if (directory) {
  const grpcPath = require.resolve("@grpc/grpc-js", { paths: [dirname(process.argv[1])] });
  const { Metadata } = require(grpcPath);
  const toHttp2Headers = Metadata.prototype.toHttp2Headers;
  Metadata.prototype.toHttp2Headers = function relayLargeStatusDetails() {
    const headers = toHttp2Headers.call(this);
    const details = headers[DETAILS];
    if (typeof details === "string" && details.length > LIMIT) {
      const file = join(directory, `${randomUUID()}.b64`);
      writeFileSync(file, details);
      delete headers[DETAILS];
      headers[RELAYED] = file;
    }
    return headers;
  };
}
