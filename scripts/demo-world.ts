/**
 * What the demo shows of the emulated world once the stack is up.
 */
import type { EmulatorHandle } from "../emulator/server";

/** The emulated world, app by app: machines, volumes, IPs and secret names (never values). */
export function describeWorld(emulator: EmulatorHandle): string[] {
  const { apps, machines, volumes, ipAddresses, secrets } = emulator.emulator.state;
  const lines = ["On the emulator now:"];
  if (Object.keys(apps).length === 0) lines.push("  nothing");
  for (const app of Object.values(apps)) {
    lines.push(`  app ${app.name} (org ${app.org_slug})`);
    for (const m of Object.values(machines).filter((m) => m.app === app.name)) {
      if (m.state === "destroyed") continue;
      lines.push(
        `    machine ${m.id} ${m.name} region ${m.region} ${m.state} ${String(m.config.image)}`,
      );
    }
    for (const v of Object.values(volumes).filter((v) => v.app === app.name)) {
      if (v.destroyed_at !== undefined) continue;
      const attached = v.attached_machine_id
        ? `attached to ${v.attached_machine_id}`
        : "unattached";
      lines.push(`    volume ${v.id} ${v.name} region ${v.region} ${v.size_gb} GB ${attached}`);
    }
    for (const ip of ipAddresses.filter((ip) => ip.app === app.name)) {
      lines.push(`    ip ${ip.type} ${ip.ip}`);
    }
    const appSecrets = secrets[app.name];
    if (appSecrets !== undefined) {
      const names = Object.keys(appSecrets.secrets).sort().join(", ") || "none";
      lines.push(`    secrets ${names} (version ${appSecrets.version})`);
    }
  }
  return lines;
}
