// Every code block of README.md and docs/*.md, so no snippet can rot:
// - ```js / ```ts blocks run as written, each as an ES module in a scratch project whose
//   node_modules/aes-wasm links to this checkout, so `import ... from "aes-wasm"` resolves to
//   the built dist/ through the package's "exports" as a user's install would (ts blocks: types
//   stripped by esbuild). Exit code 0 and nothing on stderr, or the block fails.
// - A js/ts block that cannot run here says so in its info string: ```js no-run (counted).
// - Every other block names its language (```sh, ```text, ...), so that no JavaScript block can
//   hide behind a missing tag; those are counted, not run.
// - Relative links of those files point at files that exist and that the package ships
//   ("files" of package.json), so they also work in the installed package.
// Needs the built dist/ (npx tsc -p tsconfig.build.json).
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, normalize, relative, resolve } from "node:path";
import { promisify } from "node:util";
import { transform } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");
const FILES = ["README.md", ...readdirSync(join(ROOT, "docs")).filter((f) => f.endsWith(".md")).sort().map((f) => `docs/${f}`)];
const RUNNABLE = new Set(["js", "javascript", "mjs", "ts", "typescript"]);
const run = promisify(execFile);

interface Block { file: string; line: number; lang: string; flags: string[]; code: string }

/** The fenced code blocks of a markdown text (``` or ~~~ fences, any indent). */
function codeBlocks(file: string, text: string): Block[] {
  const lines = text.split("\n");
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const [, indent, fence, info] = open as unknown as [string, string, string, string];
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = new RegExp(`^\\s*${fence[0] === "`" ? "`" : "~"}{${fence.length},}\\s*$`).exec(lines[j]!);
      if (close) break;
      body.push(lines[j]!.startsWith(indent) ? lines[j]!.slice(indent.length) : lines[j]!);
    }
    const [lang = "", ...flags] = info.trim().split(/\s+/).filter(Boolean);
    blocks.push({ file, line: i + 1, lang: lang.toLowerCase(), flags, code: body.join("\n") });
    i = j;
  }
  return blocks;
}

const blocks = FILES.flatMap((f) => codeBlocks(f, readFileSync(join(ROOT, f), "utf8")));
const toRun = blocks.filter((b) => RUNNABLE.has(b.lang) && !b.flags.includes("no-run"));
const optedOut = blocks.filter((b) => RUNNABLE.has(b.lang) && b.flags.includes("no-run"));
const other = blocks.filter((b) => !RUNNABLE.has(b.lang));

const scratch = mkdtempSync(join(tmpdir(), "aes-wasm-snippets-"));
mkdirSync(join(scratch, "node_modules"));
symlinkSync(ROOT, join(scratch, "node_modules/aes-wasm"), "dir");
writeFileSync(join(scratch, "package.json"), JSON.stringify({ name: "readme-snippets", private: true, type: "module" }));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs one block in its own directory of the scratch project (relative paths in it land there). */
async function runBlock(b: Block, index: number): Promise<{ code: number; stdout: string; stderr: string }> {
  const dir = join(scratch, `block-${index}`);
  mkdirSync(dir);
  const source = b.lang.startsWith("t") ? (await transform(b.code, { loader: "ts", format: "esm", target: "es2022" })).code : b.code;
  const file = join(dir, "snippet.mjs");
  writeFileSync(file, source);
  try {
    const { stdout, stderr } = await run(process.execPath, [file], { cwd: dir, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const { code, stdout, stderr } = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof code === "number" ? code : 1, stdout: stdout ?? "", stderr: stderr ?? String(e) };
  }
}

describe("README and docs/ code blocks", () => {
  it(`every block names its language (${blocks.length} blocks: ${toRun.length} run, ${optedOut.length} js/ts marked no-run, ${other.length} of other languages)`, () => {
    console.log(`snippets: ${toRun.length} run, ${optedOut.length} no-run (${optedOut.map((b) => `${b.file}:${b.line}`).join(", ") || "none"}), ` +
      `${other.length} not JavaScript (${[...new Set(other.map((b) => b.lang))].join(", ")})`);
    expect(blocks.filter((b) => b.lang === "").map((b) => `${b.file}:${b.line}`), "blocks without a language").toEqual([]);
    expect(FILES).toContain("docs/nonces.md");
    expect(toRun.length).toBeGreaterThanOrEqual(8); // the parser found the examples
  });

  // Two at a time (the machine has two vCPUs); each block is its own test.
  const started = new Map<number, ReturnType<typeof runBlock>>();
  const start = (i: number) => {
    if (i < toRun.length && !started.has(i)) started.set(i, runBlock(toRun[i]!, i));
    return started.get(i)!;
  };
  for (const [i, b] of toRun.entries()) {
    it(`${b.file}:${b.line} (${b.lang}) runs`, async () => {
      const pending = start(i);
      void start(i + 1);
      const r = await pending;
      expect({ code: r.code, stderr: r.stderr }, `${b.file}:${b.line}\n${b.code}\n--- stdout:\n${r.stdout}`).toEqual({ code: 0, stderr: "" });
    }, 90_000);
  }

  it("relative links point at files that exist and that the package ships", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { files: string[] };
    // An entry of "files" is a path, a directory (everything under it) or a glob with `*`.
    const patterns = pkg.files.filter((f) => !f.startsWith("!")).map((f) =>
      new RegExp(`^${f.replace(/\/$/, "").replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*")}(/.*)?$`));
    const shipped = (path: string) => path === "README.md" || patterns.some((p) => p.test(path));
    const bad: string[] = [];
    let count = 0;
    for (const file of FILES) {
      const text = readFileSync(join(ROOT, file), "utf8");
      for (const m of text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)|<img[^>]+src="([^"]+)"/g)) {
        const target = (m[1] ?? m[2])!.split("#")[0]!;
        if (!target || /^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // an anchor in the same file, or absolute
        count++;
        const path = normalize(relative(ROOT, join(ROOT, dirname(file), target))).replace(/\\/g, "/");
        if (!existsSync(join(ROOT, path))) bad.push(`${file}: ${target} does not exist`);
        else if (!shipped(path)) bad.push(`${file}: ${target} is not in the package's "files"`);
      }
    }
    expect(bad).toEqual([]);
    expect(count).toBeGreaterThan(0);
  });
});
