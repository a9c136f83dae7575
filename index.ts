import * as pulumi from "@pulumi/pulumi";

// The program grows into: stack config -> OpenClawGateway -> stack outputs.
const config = new pulumi.Config("openclaw-fly");

export const flyApiUrl = config.get("flyApiUrl") ?? "https://api.machines.dev";
