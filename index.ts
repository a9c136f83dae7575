import { OpenClawGateway } from "./components/gateway";
import { readGatewayStackConfig } from "./stack-config/stack-config-reader";

// The whole program: stack config -> OpenClawGateway -> stack outputs. A bad config stops here,
// before anything is registered, listing every problem with its key.
const gateway = new OpenClawGateway("gateway", readGatewayStackConfig());

// The stack outputs. Connection outputs exist per mode (public: url, and dnsRecords with custom
// domains; private: privateAddress and proxyCommand); the others are left out rather than
// exported as undefined, which Pulumi warns about on every run.
export = {
  appName: gateway.appName,
  ...(gateway.url !== undefined ? { url: gateway.url } : {}),
  ...(gateway.privateAddress !== undefined ? { privateAddress: gateway.privateAddress } : {}),
  ...(gateway.proxyCommand !== undefined ? { proxyCommand: gateway.proxyCommand } : {}),
  ...(gateway.dnsRecords !== undefined ? { dnsRecords: gateway.dnsRecords } : {}),
  machineIds: gateway.machineIds,
  volumeIds: gateway.volumeIds,
  secretsVersion: gateway.secretsVersion,
  image: gateway.image,
  monthlyCost: gateway.monthlyCost,
  // Secret: read it with `pulumi stack output gatewayToken --show-secrets`.
  gatewayToken: gateway.gatewayToken,
};
