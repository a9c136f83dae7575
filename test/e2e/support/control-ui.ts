import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

/**
 * The browser the Control UI test drives: Debian's Chromium (no browser download; `.ci/run`
 * installs the `chromium` package when it is missing), or the one CHROMIUM_PATH names.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

/** What a browser saw when it opened the Control UI. */
export interface ControlUiVisit {
  title: string;
  /** The gateway's answer to the UI's WebSocket `connect` request. */
  connect: { ok: boolean; type?: string; serverVersion?: string; error?: string } | undefined;
  /** Every text the gateway sent that speaks of an origin (an origin refusal would). */
  originComplaints: string[];
}

/**
 * Opens `url` in headless Chromium once per token, each in a fresh browser context, with the
 * token in the fragment (`#token=`, which the Control UI takes and never sends in an HTTP
 * request), and watches the UI's WebSocket until the gateway answers its `connect` request
 * (60 s at most per visit).
 */
export async function openControlUi(url: string, tokens: string[]): Promise<ControlUiVisit[]> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium), or name a Chromium in CHROMIUM_PATH`,
    );
  }
  // --no-sandbox: Chromium's sandbox refuses to run as root, which CI is.
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox"],
  });
  try {
    const visits: ControlUiVisit[] = [];
    for (const token of tokens) visits.push(await visit(browser, url, token));
    return visits;
  } finally {
    await browser.close();
  }
}

async function visit(browser: Browser, url: string, token: string): Promise<ControlUiVisit> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const originComplaints: string[] = [];
    let connectId: string | undefined;
    let connect: ControlUiVisit["connect"];
    const answered = new Promise<void>((resolve) => {
      page.on("websocket", (socket) => {
        socket.on("framesent", (frame) => {
          const message = parse(frame.payload);
          if (message?.method === "connect") connectId = message.id;
        });
        socket.on("framereceived", (frame) => {
          const text = String(frame.payload);
          if (/origin/i.test(text) && /not allowed|denied|reject/i.test(text)) {
            originComplaints.push(text);
          }
          const message = parse(frame.payload);
          if (message?.type === "res" && message.id === connectId) {
            connect = {
              ok: message.ok === true,
              type: message.payload?.type,
              serverVersion: message.payload?.server?.version,
              error: message.error?.message,
            };
            resolve();
          }
        });
        socket.on("close", () => resolve());
      });
    });
    await page.goto(`${url}/#token=${token}`, { timeout: 60_000 });
    await Promise.race([answered, page.waitForTimeout(60_000)]);
    return { title: await page.title(), connect, originComplaints };
  } finally {
    await context.close();
  }
}

function parse(payload: string | Buffer): any {
  try {
    return JSON.parse(String(payload));
  } catch {
    return undefined;
  }
}
