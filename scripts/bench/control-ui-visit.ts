/**
 * Opens a gateway's Control UI in headless Chromium with its token, as a user would, and waits
 * until the gateway accepted the UI's WebSocket `connect` (its `hello-ok`): the load a browser
 * session puts on the gateway, for `npm run bench:memory`. Debian's Chromium, or CHROMIUM_PATH.
 */
import { existsSync } from "node:fs";
import { chromium } from "playwright-core";

const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

/** Resolves once the UI connected; rejects when it did not within `timeoutMs`. */
export async function visitControlUi(url: string, token: string, timeoutMs = 120_000) {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium, or set CHROMIUM_PATH`);
  }
  // --no-sandbox: Chromium's sandbox refuses to run as root.
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox"],
  });
  try {
    const page = await browser.newPage();
    const connected = new Promise<void>((resolve) => {
      page.on("websocket", (socket) =>
        socket.on("framereceived", (frame) => {
          if (String(frame.payload).includes('"type":"hello-ok"')) resolve();
        }),
      );
    });
    await page.goto(`${url}/#token=${token}`, { timeout: timeoutMs });
    const timedOut = page.waitForTimeout(timeoutMs).then(() => "timeout" as const);
    if ((await Promise.race([connected, timedOut])) === "timeout") {
      throw new Error(`the Control UI did not connect within ${timeoutMs / 1000} s`);
    }
  } finally {
    await browser.close();
  }
}
