// Preloaded into a real machine's Node processes (NODE_OPTIONS --import). A Fly machine's
// listeners on 0.0.0.0 face only Fly's proxy and private network; on a shared computer they must
// face nobody, so a listener on all interfaces is moved to 127.0.0.1. The process still believes
// it listens on all interfaces, so it behaves as on Fly (OpenClaw refuses `--bind lan` without
// auth, and keeps its LAN-bind origin rules). A listener on a port the machine's config declares
// (`?ports=3000:41234`) is moved to the host port the emulator gave it.
import net from "node:net";

const ports = new Map(
  (new URL(import.meta.url).searchParams.get("ports") ?? "")
    .split(",")
    .filter(Boolean)
    .map((pair) => pair.split(":").map(Number)),
);
const ALL_INTERFACES = new Set([undefined, null, "", "0.0.0.0", "::", "::0", "0:0:0:0:0:0:0:0"]);

function placed(port, host) {
  const hostPort = ports.get(Number(port));
  return {
    port: hostPort === undefined ? port : hostPort,
    host: ALL_INTERFACES.has(host) ? "127.0.0.1" : host,
  };
}

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  const [first] = args;
  if (typeof first === "object" && first !== null && !(first instanceof net.Server)) {
    // listen(options[, callback]): only TCP listeners (with a port) are moved.
    if (first.port !== undefined && first.path === undefined && first.handle === undefined) {
      args[0] = { ...first, ...placed(first.port, first.host) };
    }
  } else if (typeof first === "number" || (typeof first === "string" && /^\d+$/.test(first))) {
    // listen(port[, host][, backlog][, callback])
    const host = typeof args[1] === "string" ? args[1] : undefined;
    const where = placed(first, host);
    args[0] = where.port;
    if (typeof args[1] === "string") args[1] = where.host;
    else args.splice(1, 0, where.host);
  }
  return listen.apply(this, args);
};
