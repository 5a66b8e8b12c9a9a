// Constant-time check of build/aes.wasm: scripts/ct-taint.mjs must find no secret-dependent
// address, branch, select, division or float op in any export (public fields and roles in
// test/ct/public-fields.mjs), and planted leaks in small modules prove it can find them.
// Run alone: npx vitest run test/constant-time.test.ts --project node
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

interface Finding { export: string; path: string[]; func: string; kind: string; op: string; wat: string }
interface Spec {
  roles: Record<string, string[]>;
  publicFields: Record<string, { global: string; bytes: number }[]>;
  publicRanges: { from: string; to: string; optional?: boolean }[];
}
interface CtTaint {
  analyzeModule(bytes: Uint8Array, spec: Spec): Finding[];
  analyzeWat(text: string, spec: Spec): Finding[];
  exportNames(bytes: Uint8Array): string[];
  formatFindings(findings: Finding[], options?: { limit?: number }): string;
}

// Plain .mjs modules (no type declarations): imported through a URL, typed by the interfaces above.
const ct: CtTaint = await import(new URL("../scripts/ct-taint.mjs", import.meta.url).href);
const spec: Spec = (await import(new URL("./ct/public-fields.mjs", import.meta.url).href)).default;

const WASM = fileURLToPath(new URL("../build/aes.wasm", import.meta.url));

describe("constant time: build/aes.wasm", () => {
  it("has a role entry, of the right arity, for every export (and none for a missing one)", () => {
    expect(existsSync(WASM), "build/aes.wasm missing: npm run build:wasm").toBe(true);
    const names = ct.exportNames(readFileSync(WASM));
    expect(names.filter((n) => !(n in spec.roles)), "exports without roles in test/ct/public-fields.mjs").toEqual([]);
    expect(Object.keys(spec.roles).filter((n) => !names.includes(n)), "role entries for exports that no longer exist").toEqual([]);
    const bad = ct.analyzeModule(readFileSync(WASM), spec).filter((f) => f.kind === "missing-role" || f.kind === "bad-role");
    expect(bad.map((f) => f.wat)).toEqual([]);
  });

  it("no export has a secret-dependent address, branch, select, division or float op", () => {
    const findings = ct.analyzeModule(readFileSync(WASM), spec);
    const flagged = new Set(findings.map((f) => f.export));
    const summary = `${flagged.size} export(s) flagged, ${findings.length} finding(s):\n${ct.formatFindings(findings, { limit: 3 })}`;
    expect(findings.length, summary).toBe(0);
  });
});

// ---- planted modules -----------------------------------------------------------------------
// Every module exports the layout globals the real spec names (so the real public-field list is
// what these tests exercise) and functions with the roles of a mode kernel.
const LAYOUT = `
  (memory (export "memory") 1)
  (global (export "KEY_ROUNDS") i32 (i32.const 496))
  (global (export "STATE_POS") i32 (i32.const 48))
  (global (export "STATE_CTR_MASK") i32 (i32.const 32))
  (global (export "CT_TABLES") i32 (i32.const 4096))
  (global (export "CT_TABLES_END") i32 (i32.const 4608))`;
const KERNEL = `(param $key i32) (param $state i32) (param $io i32) (param $len i32)`;
const MODE = ["key", "state", "data", "length"];
const wat = (body: string) => `(module ${LAYOUT}\n${body})`;
const planted = (body: string, roles: Record<string, string[]> = { f: MODE }) =>
  ct.analyzeWat(wat(body), { ...spec, roles });
const kinds = (findings: Finding[]) => findings.map((f) => f.kind);

describe("constant time: the checker catches planted leaks", () => {
  it("a secret-indexed table lookup", () => {
    const f = planted(`(func (export "f") ${KERNEL}
      (drop (i32.load offset=4096 (i32.load (local.get $io)))))`);
    expect(kinds(f)).toEqual(["secret-address"]);
    expect(f[0].wat).toContain("i32.load offset=4096");
  });

  it("a secret if", () => {
    const f = planted(`(func (export "f") ${KERNEL}
      (if (i32.load8_u (local.get $io)) (then (i32.store (local.get $io) (i32.const 1)))))`);
    expect(kinds(f)).toEqual(["secret-branch"]);
  });

  it("a secret br_if inside a loop (a data-dependent loop exit)", () => {
    const f = planted(`(func (export "f") ${KERNEL} (local $i i32)
      (loop $l
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.ne (i32.load8_u (i32.add (local.get $io) (local.get $i))) (i32.const 0)))))`);
    expect(kinds(f)).toEqual(["secret-branch"]);
  });

  it("a select on a secret", () => {
    const f = planted(`(func (export "f") ${KERNEL}
      (i32.store (local.get $io) (select (i32.const 1) (i32.const 2) (i32.load (local.get $io)))))`);
    expect(kinds(f)).toEqual(["secret-select"]);
  });

  it("a secret br_table index", () => {
    const f = planted(`(func (export "f") ${KERNEL}
      (block $a (block $b (br_table $a $b (i32.and (i32.load (local.get $io)) (i32.const 1))))))`);
    expect(kinds(f)).toEqual(["secret-branch"]);
  });

  it("a secret address reached only through a call (context-sensitively: the public caller is clean)", () => {
    const body = `
      (func $lookup (param $x i32) (result i32) (i32.load offset=4096 (i32.and (local.get $x) (i32.const 255))))
      (func (export "leaky") ${KERNEL} (i32.store (local.get $io) (call $lookup (i32.load (local.get $io)))))
      (func (export "fine") ${KERNEL} (i32.store (local.get $io) (call $lookup (local.get $len))))`;
    const f = planted(body, { leaky: MODE, fine: MODE });
    expect(f.map((x) => [x.export, x.path.join(" > "), x.kind])).toEqual([["leaky", "leaky > $lookup", "secret-address"]]);
  });

  it("a secret address through a local, only on the second loop iteration", () => {
    const f = planted(`(func (export "f") ${KERNEL} (local $x i32) (local $i i32)
      (local.set $x (i32.const 4096))
      (loop $l
        (drop (i32.load (local.get $x))) ;; public address on the first pass only
        (local.set $x (i32.load (i32.add (local.get $io) (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br_if $l (i32.lt_u (local.get $i) (local.get $len)))))`);
    expect(kinds(f)).toEqual(["secret-address"]);
  });

  it("a secret memory.fill size", () => {
    const f = planted(`(func (export "f") ${KERNEL}
      (memory.fill (local.get $io) (i32.const 0) (i32.load8_u (local.get $io))))`);
    expect(kinds(f)).toEqual(["secret-address"]);
    expect(f[0].wat).toContain("memory.fill size");
  });

  it("a secret i32.div_u (and rem, i64 div)", () => {
    const f = planted(`(func (export "f") ${KERNEL}
      (drop (i32.div_u (i32.load (local.get $io)) (i32.const 3)))
      (drop (i32.rem_s (local.get $len) (i32.load (local.get $io))))
      (drop (i64.div_u (i64.load (local.get $io)) (i64.const 7))))`);
    expect(kinds(f)).toEqual(["secret-division", "secret-division", "secret-division"]);
  });

  it("float ops, bit counts, a secret written into a public field, a secret v128 lane address", () => {
    const f = planted(`(func (export "f") ${KERNEL}
      (drop (f64.sqrt (f64.convert_i32_u (i32.load (local.get $io)))))
      (drop (i32.ctz (i32.load (local.get $io))))
      (i32.store offset=48 (local.get $state) (i32.load (local.get $io)))
      (drop (v128.load32_lane 0 (i32.load (local.get $io)) (v128.load (local.get $io)))))`);
    expect(kinds(f).sort()).toEqual(["secret-address", "secret-bitcount", "secret-float", "secret-float", "secret-to-public"]);
  });

  it("a secret carried from one export to another through a mutable global", () => {
    const f = planted(`(global $g (mut i32) (i32.const 0))
      (func (export "put") ${KERNEL} (global.set $g (i32.load (local.get $io))))
      (func (export "use") ${KERNEL} (drop (i32.load (global.get $g))))`, { put: MODE, use: MODE });
    expect(f.map((x) => [x.export, x.kind])).toEqual([["use", "secret-address"]]);
  });

  it("a public field read with the wrong size or offset is secret", () => {
    const f = planted(`(func (export "f") ${KERNEL}
      (if (i32.load offset=50 (local.get $state)) (then (nop)))      ;; straddles STATE_POS
      (if (i32.load offset=496 (local.get $io)) (then (nop)))        ;; KEY_ROUNDS, but of a data pointer
      (if (i32.wrap_i64 (i64.load offset=496 (local.get $key))) (then (nop))) ;; 8 bytes of a 4-byte field
      )`);
    expect(kinds(f)).toEqual(["secret-branch", "secret-branch", "secret-branch"]);
  });

  it("an instruction it does not model, and an export without roles, fail loudly", () => {
    const f = planted(`(type $t (func (result i32))) (table 1 funcref)
      (func (export "f") ${KERNEL} (drop (call_indirect (type $t) (local.get $len))))
      (func (export "g") (param i32))`, { f: MODE });
    expect(kinds(f)).toEqual(["unsupported", "missing-role"]);
  });

  it("spec errors: a required public field missing from the module, half a public range", () => {
    const noRounds = `(module (memory 1) (func (export "f") ${KERNEL}))`;
    expect(() => ct.analyzeWat(noRounds, { ...spec, roles: { f: MODE } })).toThrow(/KEY_ROUNDS/);
    const half = wat(`(global (export "X_START") i32 (i32.const 0)) (func (export "f") ${KERNEL})`);
    expect(() => ct.analyzeWat(half, { ...spec, roles: { f: MODE }, publicRanges: [{ from: "X_START", to: "X_END", optional: true }] }))
      .toThrow(/X_START\.\.X_END/);
    // an optional range whose globals are both absent is simply not there
    const none = wat(`(func (export "f") ${KERNEL})`);
    expect(ct.analyzeWat(none, { ...spec, roles: { f: MODE }, publicRanges: [{ from: "NOPE", to: "NOPE_END", optional: true }] })).toEqual([]);
  });
});

describe("constant time: no false positives from public fields and register operations", () => {
  it("a clean kernel gives zero findings", () => {
    const f = planted(`(func $xorAt (param $p i32) (param $k i32)
        (i32.store8 (local.get $p) (i32.xor (i32.load8_u (local.get $p)) (i32.load8_u (local.get $k)))))
      (func (export "f") ${KERNEL} (local $n i32) (local $nr i32) (local $r i32) (local $i i32) (local $v v128)
        ;; STATE_POS (through a constant add) in branches and as an offset
        (local.set $n (i32.load (i32.add (local.get $state) (i32.const 48))))
        (if (i32.ne (local.get $n) (i32.const 0)) (then
          (loop $resume
            (call $xorAt (i32.add (local.get $io) (local.get $i)) (i32.add (i32.add (local.get $state) (i32.const 16)) (local.get $n)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (local.set $n (i32.and (i32.add (local.get $n) (i32.const 1)) (i32.const 15)))
            (br_if $resume (i32.and (i32.ne (local.get $n) (i32.const 0)) (i32.lt_u (local.get $i) (local.get $len)))))))
        ;; KEY_ROUNDS as a loop bound; round keys XORed into data stored at public addresses
        (local.set $nr (i32.load offset=496 (local.get $key)))
        (local.set $v (v128.load (local.get $io)))
        (loop $rounds
          (local.set $v (v128.xor (local.get $v) (v128.load (i32.add (local.get $key) (i32.shl (local.get $r) (i32.const 4))))))
          ;; swizzle of a public constant table (CT_TABLES) with secret indices
          (local.set $v (i8x16.swizzle (v128.load (i32.const 4096)) (v128.and (local.get $v) (v128.load offset=16 (i32.const 4096)))))
          (local.set $r (i32.add (local.get $r) (i32.const 1)))
          (br_if $rounds (i32.le_u (local.get $r) (local.get $nr))))
        (v128.store (local.get $io) (local.get $v))
        ;; STATE_CTR_MASK and a constant-table word steer branches and selects
        (if (i64.eq (i64.load offset=40 (local.get $state)) (i64.const -1)) (then (nop)))
        (if (v128.any_true (v128.load offset=32 (local.get $state))) (then (nop)))
        (drop (select (local.get $io) (local.get $len) (i32.load (i32.const 4100))))
        ;; secrets through multiplications, shifts and comparisons as values are fine
        (i64.store offset=8 (local.get $io) (i64.mul (i64.load (local.get $io)) (i64.shl (i64.load offset=8 (local.get $io)) (i64.const 3))))
        (i32.store (local.get $io) (i32.eqz (i32.load (local.get $io))))
        (i32.store offset=48 (local.get $state) (local.get $n)))`);
    expect(f, ct.formatFindings(f)).toEqual([]);
  });
});
