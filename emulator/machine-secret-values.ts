/**
 * The values of app secrets, kept only when machines run for real (a real gateway needs its
 * token in its environment). They never enter the emulator's state: `GET /__emulator/state` and
 * the `--state` file hold digests only. With `--state FILE` the values are also written to
 * `FILE.secrets`, created with mode 0600, so that machines booted again after an emulator restart
 * get the secrets they had (as they would on Fly); without `--state` they live in memory only.
 */
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";

/** App name -> secret name -> value. */
type Values = Record<string, Record<string, string>>;

/** Secret values of every app. */
export class SecretValues {
  private values: Values = {};

  /** `file`: where values persist (mode 0600), or none to keep them in memory only. */
  constructor(private readonly file?: string) {
    if (file && existsSync(file)) {
      chmodSync(file, 0o600);
      this.values = JSON.parse(readFileSync(file, "utf8")) as Values;
    }
  }

  /** The secrets file that goes with a state file. */
  static fileFor(statePath: string): string {
    return `${statePath}.secrets`;
  }

  set(app: string, name: string, value: string): void {
    (this.values[app] ??= {})[name] = value;
    this.persist();
  }

  delete(app: string, name: string): void {
    if (this.values[app]) delete this.values[app][name];
    this.persist();
  }

  forgetApp(app: string): void {
    delete this.values[app];
    this.persist();
  }

  clear(): void {
    this.values = {};
    this.persist();
  }

  /** An app's secrets as a machine's environment receives them. */
  of(app: string): ReadonlyMap<string, string> {
    return new Map(Object.entries(this.values[app] ?? {}));
  }

  private persist(): void {
    if (!this.file) return;
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.values), { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.file);
  }
}
