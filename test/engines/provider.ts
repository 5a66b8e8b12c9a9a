// A vitest browser-mode provider for the two engines playwright cannot drive here: Debian's
// Firefox ESR and WebKitGTK's MiniBrowser (JavaScriptCore, Safari's engine). Vitest's page
// talks to the vitest server over its own WebSocket, so a provider only has to open one page
// at the URL vitest gives and close it afterwards; nothing is driven through the page.
// - Firefox: started with the URL on its command line (headless, a throw-away profile). Debian
//   has no geckodriver, and opening a page needs no protocol at all.
// - WebKit: WebKitWebDriver (classic WebDriver over HTTP: new session, navigate, delete) runs
//   MiniBrowser under xvfb-run; GTK3's MiniBrowser has no headless mode.
// Each engine is started in its own process group (detached) and the whole group is killed on
// close, so no content process, Xvfb or driver outlives the run.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, openSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineBrowserProvider } from "@vitest/browser";

export const ENGINES = ["firefox", "webkit"] as const;
export type Engine = (typeof ENGINES)[number];

export const FIREFOX = process.env.FIREFOX_PATH ?? "/usr/bin/firefox-esr";
export const WEBKIT_DRIVER = process.env.WEBKIT_DRIVER_PATH ?? "/usr/bin/WebKitWebDriver";

/** MiniBrowser lives in the multiarch library directory of libwebkit2gtk (4.1 or 4.0). */
export function miniBrowserPath(): string {
  if (process.env.MINIBROWSER_PATH) return process.env.MINIBROWSER_PATH;
  for (const lib of existsSync("/usr/lib") ? readdirSync("/usr/lib") : []) {
    for (const api of ["webkit2gtk-4.1", "webkit2gtk-4.0", "webkitgtk-6.0"]) {
      const p = join("/usr/lib", lib, api, "MiniBrowser");
      if (existsSync(p)) return p;
    }
  }
  return "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";
}

// Quiet, deterministic Firefox: no first-run pages, updates, telemetry or safe-browsing fetches.
const FIREFOX_PREFS: Record<string, string | number | boolean> = {
  "browser.shell.checkDefaultBrowser": false,
  "browser.startup.homepage_override.mstone": "ignore",
  "browser.aboutwelcome.enabled": false,
  "startup.homepage_welcome_url": "",
  "browser.tabs.warnOnClose": false,
  "app.update.auto": false,
  "app.update.enabled": false,
  "datareporting.policy.dataSubmissionEnabled": false,
  "toolkit.telemetry.reportingpolicy.firstRun": false,
  "browser.safebrowsing.malware.enabled": false,
  "browser.safebrowsing.phishing.enabled": false,
  "extensions.update.enabled": false,
  "network.captive-portal-service.enabled": false,
  "network.connectivity-service.enabled": false,
  "browser.download.useDownloadDir": true,
  "browser.download.folderList": 2,
};

/** The engine's own output: dropped, or appended to $ENGINES_LOG_DIR/<engine>.log to debug a crash. */
function logTo(engine: string): "ignore" | ["ignore", number, number] {
  const dir = process.env.ENGINES_LOG_DIR;
  if (!dir) return "ignore";
  const fd = openSync(join(dir, `${engine}.log`), "a");
  return ["ignore", fd, fd];
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Kills a detached child's whole process group: SIGTERM, then SIGKILL if it lingers. */
export async function killGroup(child: ChildProcess | undefined): Promise<void> {
  if (!child?.pid) return;
  const pid = child.pid;
  const exited = new Promise<void>((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once("exit", () => r())));
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-pid, s);
    } catch { /* group already gone */ }
  };
  signal("SIGTERM");
  const timer = setTimeout(() => signal("SIGKILL"), 3000);
  await Promise.race([exited, new Promise((r) => setTimeout(r, 4000))]);
  clearTimeout(timer);
  signal("SIGKILL"); // whatever is left of the group (content processes, Xvfb)
}

/** A headless Firefox showing `url`, in a fresh profile that is deleted on close. */
export function launchFirefox(url: string, extraPrefs: Record<string, string | number | boolean> = {}) {
  const profile = mkdtempSync(join(tmpdir(), "aes-wasm-firefox-"));
  const prefs = { ...FIREFOX_PREFS, "browser.download.dir": join(profile, "downloads"), ...extraPrefs };
  writeFileSync(join(profile, "user.js"), Object.entries(prefs).map(([k, v]) => `user_pref(${JSON.stringify(k)}, ${JSON.stringify(v)});\n`).join(""));
  const child = spawn(FIREFOX, ["--headless", "--no-remote", "--profile", profile, "--new-instance", url], {
    detached: true,
    stdio: logTo("firefox"),
    env: { ...process.env, MOZ_CRASHREPORTER_DISABLE: "1", MOZ_DISABLE_AUTO_SAFE_MODE: "1" },
  });
  return {
    child,
    async close() {
      await killGroup(child);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A WebDriver session on MiniBrowser through WebKitWebDriver, under xvfb-run. */
export async function launchWebKit() {
  const port = await freePort();
  const child = spawn("xvfb-run", ["-a", "-s", "-screen 0 1280x1024x24", WEBKIT_DRIVER, `--port=${port}`], { detached: true, stdio: logTo("webkit") });
  const base = `http://127.0.0.1:${port}`;
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(base + path, { method, headers: { "Content-Type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    const json = (await res.json()) as { value: unknown };
    if (!res.ok) throw new Error(`WebKitWebDriver ${method} ${path}: ${JSON.stringify(json.value)}`);
    return json.value;
  };
  let session: { sessionId: string; capabilities: { browserVersion?: string } } | undefined;
  for (let i = 0; ; i++) { // the driver needs a moment to listen
    try {
      session = (await call("POST", "/session", {
        capabilities: { alwaysMatch: {
          browserName: "MiniBrowser",
          pageLoadStrategy: "eager",
          "webkitgtk:browserOptions": { binary: miniBrowserPath(), args: ["--automation"] },
        } },
      })) as typeof session;
      break;
    } catch (e) {
      if (i >= 50 || !(e instanceof TypeError)) {
        await killGroup(child);
        throw e;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const id = session!.sessionId;
  return {
    child,
    version: session!.capabilities.browserVersion,
    navigate: (url: string) => call("POST", `/session/${id}/url`, { url }),
    /** Runs `script` (a function body; `arguments[last]` is the callback) and returns its result. */
    executeAsync: (script: string, args: unknown[] = []) => call("POST", `/session/${id}/execute/async`, { script, args }),
    setTimeouts: (script: number) => call("POST", `/session/${id}/timeouts`, { script }),
    async close() {
      await call("DELETE", `/session/${id}`).catch(() => undefined);
      await killGroup(child);
    },
  };
}

class EngineProvider {
  name = "engines";
  supportsParallelism = false;
  private closers: (() => Promise<void>)[] = [];

  constructor(private readonly engine: Engine) {}

  getCommandsContext(): Record<string, unknown> {
    return {};
  }

  async openPage(_sessionId: string, url: string): Promise<void> {
    if (this.engine === "firefox") {
      const ff = launchFirefox(url);
      this.closers.push(() => ff.close());
    } else {
      const wk = await launchWebKit();
      this.closers.push(() => wk.close());
      await wk.navigate(url);
    }
  }

  async close(): Promise<void> {
    const closers = this.closers.splice(0);
    await Promise.all(closers.map((c) => c()));
  }
}

/** vitest `browser.provider` for Firefox ESR and WebKitGTK (instances: { browser: "firefox" | "webkit" }). */
export function engines() {
  return defineBrowserProvider({
    name: "engines",
    supportedBrowser: ENGINES,
    options: {},
    providerFactory: (project) => new EngineProvider(project.config.browser.name as Engine),
  });
}
