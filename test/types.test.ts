// The published types, as consumers compile them: tsc over the fixtures in test/types/ and
// test/fixtures/types/ against the built package (dist/, through a node_modules/aes-wasm link in
// a scratch project, so "exports", "types" and "typesVersions" are resolved as an installed
// package's), once per consumer setting. The fixtures hold `@ts-expect-error` lines (cipher-name
// typos, tag lengths in bits, internals, wrong argument types), so a type that became too loose
// fails the compile as surely as one that became too strict.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");
const TSC = join(ROOT, "node_modules/typescript/bin/tsc");
const run = promisify(execFile);

/** Fixture name -> its file: test/types/ (the whole API) and test/fixtures/types/ (host types). */
const FIXTURES: Record<string, string> = {
  "consumer.ts": "test/types/consumer.ts",
  "subpaths.ts": "test/types/subpaths.ts",
  "node.ts": "test/types/node.ts",
  "node-entry.ts": "test/fixtures/types/node-entry.ts",
  "node-types.ts": "test/fixtures/types/node-types.ts",
  "dom.ts": "test/fixtures/types/dom.ts",
};

interface Setting {
  name: string;
  /** package.json "type" of the consumer: how node16 reads its .ts files. */
  type: "module" | "commonjs";
  compilerOptions: Record<string, unknown>;
  /** Whether the consumer has @types/node (node_modules/@types linked from this checkout). */
  nodeTypes: boolean;
  fixtures: string[];
}

const STRICT = { strict: true, noEmit: true, target: "ES2022", exactOptionalPropertyTypes: false };
const ALL = ["consumer.ts", "subpaths.ts"];
const NODE16 = { module: "node16", moduleResolution: "node16" };

const SETTINGS: Setting[] = [
  // Node consumers with @types/node: the "node" export condition (node:crypto-shaped facade,
  // FileNonceStore, aes-wasm/node-stream). skipLibCheck as most projects have it.
  { name: "node16, ESM", type: "module", nodeTypes: true, fixtures: [...ALL, "node.ts"],
    compilerOptions: { ...STRICT, ...NODE16, lib: ["ES2022"], types: ["node"], skipLibCheck: true } },
  { name: "node16, CommonJS", type: "commonjs", nodeTypes: true, fixtures: [...ALL, "node.ts"],
    compilerOptions: { ...STRICT, ...NODE16, lib: ["ES2022"], types: ["node"], skipLibCheck: true } },
  // From here on skipLibCheck is off: every .d.ts of the package is checked too (an unresolved
  // import or an unknown global in one is an error), as a strict project compiles them.
  // No @types/node at all: the root types must not need it.
  { name: "bundler, no @types/node", type: "module", nodeTypes: false, fixtures: [...ALL, "dom.ts"],
    compilerOptions: { ...STRICT, module: "esnext", moduleResolution: "bundler", lib: ["ES2022", "DOM"], types: [], skipLibCheck: false } },
  { name: "node10, no @types/node", type: "commonjs", nodeTypes: false, fixtures: [...ALL, "dom.ts"],
    compilerOptions: { ...STRICT, module: "commonjs", moduleResolution: "node10", lib: ["ES2022", "DOM"], types: [], skipLibCheck: false } },
  { name: "node16, ESM, no @types/node, lib DOM", type: "module", nodeTypes: false, fixtures: [...ALL, "node-entry.ts", "dom.ts"],
    compilerOptions: { ...STRICT, ...NODE16, lib: ["ES2022", "DOM"], types: [], skipLibCheck: false } },
  // Node projects with lib ES2022 only (no DOM), without and with @types/node: the Node entry's
  // Buffers, streams, URL, AbortSignal, IDBFactory and WebAssembly types come from
  // src/host-types.ts's stand-ins or from @types/node, never from a global that is not there.
  { name: "node16, ESM, no @types/node, no DOM", type: "module", nodeTypes: false, fixtures: [...ALL, "node-entry.ts"],
    compilerOptions: { ...STRICT, ...NODE16, lib: ["ES2022"], types: [], skipLibCheck: false } },
  { name: "node16, CommonJS, no @types/node, no DOM", type: "commonjs", nodeTypes: false, fixtures: [...ALL, "node-entry.ts"],
    compilerOptions: { ...STRICT, ...NODE16, lib: ["ES2022"], types: [], skipLibCheck: false } },
  { name: "node16, ESM, @types/node, no DOM, skipLibCheck off", type: "module", nodeTypes: true, fixtures: [...ALL, "node.ts", "node-entry.ts", "node-types.ts"],
    compilerOptions: { ...STRICT, ...NODE16, lib: ["ES2022"], types: ["node"], skipLibCheck: false } },
  { name: "node16, CommonJS, @types/node, no DOM, skipLibCheck off", type: "commonjs", nodeTypes: true, fixtures: [...ALL, "node.ts", "node-entry.ts", "node-types.ts"],
    compilerOptions: { ...STRICT, ...NODE16, lib: ["ES2022"], types: ["node"], skipLibCheck: false } },
];

let scratch: string;

/** The dist/ .d.ts files (tsc's) whose CommonJS copy in dist/cjs/ (rollup.config.mjs makes it) is missing or older. */
function staleCommonJsDeclarations(): string[] {
  const dist = join(ROOT, "dist");
  const stale: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      const rel = relative(dist, path);
      if (e.isDirectory()) {
        if (!["cjs", "browser", "cli"].includes(rel)) walk(path);
      } else if (e.name.endsWith(".d.ts")) {
        let copy: string | undefined;
        try {
          copy = readFileSync(join(dist, "cjs", rel), "utf8");
        } catch {
          // missing
        }
        if (copy !== readFileSync(path, "utf8")) stale.push(rel);
      }
    }
  };
  walk(dist);
  return stale;
}

beforeAll(() => {
  // The built types must exist: tsc's output (dist/*.d.ts) and the CommonJS copies (dist/cjs/).
  for (const f of ["dist/index.d.ts", "dist/index.node.d.ts", "dist/cjs/index.node.d.ts"]) readFileSync(join(ROOT, f));
  // The CommonJS settings read dist/cjs/: after `npm run build:ts` alone they would check the
  // types of an earlier build.
  const stale = staleCommonJsDeclarations();
  if (stale.length) throw new Error(`dist/cjs/ has older copies of ${stale.slice(0, 3).join(", ")}${stale.length > 3 ? ` and ${stale.length - 3} more` : ""}: run npm run build:bundle (or npm run build)`);
  scratch = mkdtempSync(join(tmpdir(), "aes-wasm-types-"));
});

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** A consumer project for one setting; returns its directory. */
function project(s: Setting, index: number): string {
  const dir = join(scratch, `p${index}`);
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  symlinkSync(ROOT, join(dir, "node_modules/aes-wasm"), "dir");
  if (s.nodeTypes) symlinkSync(join(ROOT, "node_modules/@types"), join(dir, "node_modules/@types"), "dir");
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: `consumer-${index}`, private: true, type: s.type }));
  for (const f of s.fixtures) writeFileSync(join(dir, f), readFileSync(join(ROOT, FIXTURES[f]!)));
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: s.compilerOptions, files: s.fixtures }, null, 2));
  return dir;
}

async function tsc(dir: string): Promise<string> {
  try {
    await run(process.execPath, [TSC, "-p", join(dir, "tsconfig.json")], { cwd: dir });
    return "";
  } catch (e) {
    const { stdout, stderr } = e as { stdout?: string; stderr?: string };
    return `${stdout ?? ""}${stderr ?? ""}`.trim() || String(e);
  }
}

describe("published types, as a consumer compiles them", () => {
  // Two at a time (the machine has two vCPUs): ~3-6 s each.
  const results = new Map<string, Promise<string>>();
  const start = (i: number) => {
    const s = SETTINGS[i]!;
    if (!results.has(s.name)) results.set(s.name, tsc(project(s, i)));
    return results.get(s.name)!;
  };
  for (const [i, s] of SETTINGS.entries()) {
    it(s.name, async () => {
      const pending = start(i);
      if (i + 1 < SETTINGS.length) void start(i + 1); // the next one runs alongside this one
      expect(await pending).toBe("");
    }, 120_000);
  }

  it("the fixtures can fail: a typo without its @ts-expect-error is reported", async () => {
    const s = SETTINGS[2]!;
    const dir = project({ ...s, fixtures: ["consumer.ts"] }, 99);
    const broken = readFileSync(join(dir, "consumer.ts"), "utf8").replace(/\/\/ @ts-expect-error not a cipher\n(createCipheriv\("aes-256-cbcx")/, "$1");
    expect(broken).not.toBe(readFileSync(join(dir, "consumer.ts"), "utf8"));
    writeFileSync(join(dir, "consumer.ts"), broken);
    const out = await tsc(dir);
    expect(out).toMatch(/consumer\.ts\(\d+,\d+\): error TS2769: No overload matches this call/);
    expect(out).toContain('"aes-256-cbcx"');
  }, 120_000);

  it("without @types/node and lib DOM: the globals are really missing, and wrong calls on the Node entry are reported", async () => {
    const s = SETTINGS.find((x) => x.name === "node16, CommonJS, no @types/node, no DOM")!;
    const dir = project({ ...s, fixtures: ["node-entry.ts"] }, 98);
    // The setting is what it says: none of the globals the stand-ins replace exists there.
    writeFileSync(join(dir, "globals.ts"), "export type Missing = [Buffer, TransformStream, IDBFactory, URL, AbortSignal, WebAssembly.Module];\n");
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: s.compilerOptions, files: ["node-entry.ts", "globals.ts"] }));
    const original = readFileSync(join(dir, "node-entry.ts"), "utf8");
    const broken = original
      .replace(/\/\/ @ts-expect-error not an encoding\n(part\.toString\("base32"\))/, "$1")
      .replace(/\/\/ @ts-expect-error a stream's chunks are bytes or strings\n(t\.write\(42\))/, "$1");
    expect(broken.split("\n").length).toBe(original.split("\n").length - 2);
    writeFileSync(join(dir, "node-entry.ts"), broken);
    const out = await tsc(dir);
    for (const name of ["Buffer", "TransformStream", "IDBFactory", "URL", "AbortSignal"]) {
      expect(out).toMatch(new RegExp(`globals\\.ts\\(1,\\d+\\): error TS\\d+: Cannot find name '${name}'`));
    }
    expect(out).toMatch(/globals\.ts\(1,\d+\): error TS2503: Cannot find namespace 'WebAssembly'/);
    expect(out).toMatch(/node-entry\.ts\(\d+,\d+\): error TS2345: Argument of type '"base32"' is not assignable/);
    expect(out).toMatch(/node-entry\.ts\(\d+,\d+\): error TS2345: Argument of type 'number' is not assignable/); // t.write(42)
    // Nothing else: the package's own .d.ts files compile there (skipLibCheck is off).
    expect(out.split("\n").filter((l) => /error TS/.test(l) && !/^(globals|node-entry)\.ts/.test(l))).toEqual([]);
    expect(out.split("\n").filter((l) => /error TS/.test(l))).toHaveLength(8);
  }, 120_000);
});
