// The published types, as consumers compile them: tsc over the fixtures in test/types/ against
// the built package (dist/, through a node_modules/aes-wasm link in a scratch project, so
// "exports", "types" and "typesVersions" are resolved as an installed package's), once per
// consumer setting. The fixtures hold `@ts-expect-error` lines (cipher-name typos, tag lengths
// in bits, internals), so a type that became too loose fails the compile as surely as one
// that became too strict.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");
const FIXTURES = join(ROOT, "test/types");
const TSC = join(ROOT, "node_modules/typescript/bin/tsc");
const run = promisify(execFile);

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

const SETTINGS: Setting[] = [
  // Node consumers with @types/node: the "node" export condition (node:crypto-shaped facade,
  // FileNonceStore, aes-wasm/node-stream). skipLibCheck as most projects have it.
  { name: "node16, ESM", type: "module", nodeTypes: true, fixtures: [...ALL, "node.ts"],
    compilerOptions: { ...STRICT, module: "node16", moduleResolution: "node16", lib: ["ES2022"], types: ["node"], skipLibCheck: true } },
  { name: "node16, CommonJS", type: "commonjs", nodeTypes: true, fixtures: [...ALL, "node.ts"],
    compilerOptions: { ...STRICT, module: "node16", moduleResolution: "node16", lib: ["ES2022"], types: ["node"], skipLibCheck: true } },
  // No @types/node at all: the root types must not need it. skipLibCheck off, so every .d.ts
  // of the package is checked too (an unresolved import in one is an error).
  { name: "bundler, no @types/node", type: "module", nodeTypes: false, fixtures: ALL,
    compilerOptions: { ...STRICT, module: "esnext", moduleResolution: "bundler", lib: ["ES2022", "DOM"], types: [], skipLibCheck: false } },
  { name: "node10, no @types/node", type: "commonjs", nodeTypes: false, fixtures: ALL,
    compilerOptions: { ...STRICT, module: "commonjs", moduleResolution: "node10", lib: ["ES2022", "DOM"], types: [], skipLibCheck: false } },
  // A Node project without @types/node (skipLibCheck on, as `tsc --init` writes it): compiles.
  { name: "node16, ESM, no @types/node", type: "module", nodeTypes: false, fixtures: ALL,
    compilerOptions: { ...STRICT, module: "node16", moduleResolution: "node16", lib: ["ES2022", "DOM"], types: [], skipLibCheck: true } },
];

let scratch: string;

beforeAll(() => {
  // The built types must exist: tsc's output (dist/*.d.ts) and the CommonJS copies (dist/cjs/).
  for (const f of ["dist/index.d.ts", "dist/index.node.d.ts", "dist/cjs/index.node.d.ts"]) readFileSync(join(ROOT, f));
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
  for (const f of s.fixtures) writeFileSync(join(dir, f), readFileSync(join(FIXTURES, f)));
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
});
