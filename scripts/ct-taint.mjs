// Static constant-time check of a WASM module: a taint analysis over binaryen's IR.
//
// Every exported function is analysed with its parameters as public integers of declared roles
// (a key slot pointer, a state slot pointer, a data pointer, a length; see
// test/ct/public-fields.mjs), following calls into internal functions context-sensitively (one
// analysis per function and abstract arguments). Anything loaded from memory is SECRET, unless
// the load reads only a declared public field of a role (e.g. KEY_ROUNDS of a key slot) or a
// declared public absolute range (constant tables); anything computed from a secret is secret
// (through locals, globals, call arguments and results, v128 lanes as one value).
//
// Findings (kinds):
//   secret-address    load/store/atomic/v128 load-store (lanes, splat, extend, zero) address,
//                     memory.fill/copy/init dest/src/size, memory.grow delta depends on a secret
//   secret-branch     if / br_if condition, br_table index (loop exits are br_if), call_indirect
//                     target depends on a secret
//   secret-select     select condition depends on a secret (select is not guaranteed to be a cmov)
//   secret-division   i32/i64 div_s/div_u/rem_s/rem_u with a secret operand (variable latency on x86)
//   secret-float      float arithmetic/comparison/conversion on a secret (subnormals are slow)
//   secret-bitcount   clz/ctz/popcnt on a secret: without LZCNT/TZCNT/POPCNT, engines emit
//                     bsr/bsf with a branch for zero
//   secret-to-public  a secret stored (or filled/copied) into a declared public field or range,
//                     which would launder it into a "public" load
//   unsupported       an instruction the analysis does not model (fails loudly instead of
//                     letting it through), a call to an import, recursion, call_indirect
//   missing-role / bad-role   an export without (or with a wrong) role entry in the spec
// Not findings (register operations, assumed constant-time): add/sub/mul (i32.mul AND i64.mul),
// shifts and rotations by secret amounts, bitwise ops, comparisons producing a value,
// i8x16.swizzle/shuffle with secret indices, all integer SIMD ops, bitselect, eqz, extend/wrap.
//
// Precision and limits (documented in the test and the report):
//   - one abstract value per local: { secret, role/base + delta (number | unknown) }; memory is
//     not modelled, so a value stored at a public address and loaded back is secret;
//   - a store with an UNKNOWN delta into a role that has public fields is not checked against
//     them (it could overwrite STATE_POS with a secret and nothing would say so);
//   - v128 taint is per vector, not per lane; an i64 never carries a pointer base;
//   - implicit flows are not tracked separately: every secret condition is already a finding;
//   - the start function is not analysed (it runs before the host writes any secret).
import binaryen from "binaryen";
import { readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

const B = binaryen;

// ---- abstract values ------------------------------------------------------------------------
// { s: secret, r: base role ("abs" = absolute address/constant) or null, d: delta or null }.
// A secret value keeps no base: its address use is a finding whatever it points at.
const PUB = Object.freeze({ s: false, r: null, d: null });
const SEC = Object.freeze({ s: true, r: null, d: null });
const abs = (c) => ({ s: false, r: "abs", d: c >>> 0 });
const based = (r, d) => ({ s: false, r, d });

function join(a, b) {
  if (a === null) return b;
  if (b === null || a === b) return a;
  if (a.s || b.s) return SEC;
  if (a.r === null || a.r !== b.r) return PUB;
  return a.d === b.d ? a : based(a.r, null);
}
const same = (a, b) => a === b || (a !== null && b !== null && a.s === b.s && a.r === b.r && a.d === b.d);
const key = (v) => (v === null ? "_" : v.s ? "S" : v.r === null ? "P" : `${v.r}${v.d === null ? "?" : v.d}`);

// Environments: an array of local values, or null when the point is unreachable.
function joinEnv(a, b) {
  if (a === null) return b === null ? null : b.slice();
  if (b === null) return a.slice();
  return a.map((v, i) => join(v, b[i]));
}
const sameEnv = (a, b) => a === b || (a !== null && b !== null && a.every((v, i) => same(v, b[i])));

// ---- operation tables (by name, so a binaryen upgrade that renames one fails loudly) --------
function opSet(names) {
  const set = new Set();
  for (const n of names) {
    if (typeof B[n] !== "number") throw new Error(`ct-taint: binaryen has no operation ${n}`);
    set.add(B[n]);
  }
  return set;
}
const I = ["Int32", "Int64"];
const F = ["Float32", "Float64"];
const VF = ["VecF32x4", "VecF64x2"];
const cross = (a, b) => a.flatMap((x) => b.map((y) => x + y));

const DIVISION = opSet(cross(["DivS", "DivU", "RemS", "RemU"], I));
const BITCOUNT = opSet(cross(["Clz", "Ctz", "Popcnt"], I));
const FLOAT_BINARY = opSet([
  ...cross(["Add", "Sub", "Mul", "Div", "CopySign", "Min", "Max", "Eq", "Ne", "Lt", "Le", "Gt", "Ge"], F),
  ...cross(["Eq", "Ne", "Lt", "Gt", "Le", "Ge", "Add", "Sub", "Mul", "Div", "Min", "Max", "PMin", "PMax", "RelaxedMin", "RelaxedMax"], VF),
]);
const FLOAT_UNARY = opSet([
  ...cross(["Neg", "Abs", "Ceil", "Floor", "Trunc", "Nearest", "Sqrt"], F),
  ...cross(["TruncS", "TruncU", "TruncSatS", "TruncSatU"], cross(F, ["ToInt32", "ToInt64"])),
  ...cross(["ConvertS", "ConvertU"], cross(I, ["ToFloat32", "ToFloat64"])),
  "PromoteFloat32", "DemoteFloat64",
  ...cross(["Abs", "Neg", "Sqrt", "Ceil", "Floor", "Trunc", "Nearest"], VF),
  "TruncSatSVecF32x4ToVecI32x4", "TruncSatUVecF32x4ToVecI32x4",
  "ConvertSVecI32x4ToVecF32x4", "ConvertUVecI32x4ToVecF32x4",
  "ConvertLowSVecI32x4ToVecF64x2", "ConvertLowUVecI32x4ToVecF64x2",
  "TruncSatZeroSVecF64x2ToVecI32x4", "TruncSatZeroUVecF64x2ToVecI32x4",
  "DemoteZeroVecF64x2ToVecF32x4", "PromoteLowVecF32x4ToVecF64x2",
  "RelaxedTruncSVecF32x4ToVecI32x4", "RelaxedTruncUVecF32x4ToVecI32x4",
  "RelaxedTruncZeroSVecF64x2ToVecI32x4", "RelaxedTruncZeroUVecF64x2ToVecI32x4",
]);
const FLOAT_TERNARY = opSet(["RelaxedMaddVecF32x4", "RelaxedNmaddVecF32x4", "RelaxedMaddVecF64x2", "RelaxedNmaddVecF64x2"]);
const SIMD_LOAD_BYTES = new Map([
  ["Load8SplatVec128", 1], ["Load16SplatVec128", 2], ["Load32SplatVec128", 4], ["Load64SplatVec128", 8],
  ["Load8x8SVec128", 8], ["Load8x8UVec128", 8], ["Load16x4SVec128", 8], ["Load16x4UVec128", 8],
  ["Load32x2SVec128", 8], ["Load32x2UVec128", 8], ["Load32ZeroVec128", 4], ["Load64ZeroVec128", 8],
].map(([n, b]) => [[...opSet([n])][0], b]));
const LANE = new Map([
  ["Load8LaneVec128", [1, false]], ["Load16LaneVec128", [2, false]], ["Load32LaneVec128", [4, false]], ["Load64LaneVec128", [8, false]],
  ["Store8LaneVec128", [1, true]], ["Store16LaneVec128", [2, true]], ["Store32LaneVec128", [4, true]], ["Store64LaneVec128", [8, true]],
].map(([n, v]) => [[...opSet([n])][0], v]));
// i32 folding of absolute constants (binaryen has folded most; this covers what the analysis
// builds itself from base + delta).
const FOLD = new Map([
  [B.AddInt32, (a, b) => a + b], [B.SubInt32, (a, b) => a - b], [B.MulInt32, (a, b) => Math.imul(a, b)],
  [B.ShlInt32, (a, b) => a << (b & 31)], [B.ShrUInt32, (a, b) => a >>> (b & 31)], [B.ShrSInt32, (a, b) => (a | 0) >> (b & 31)],
  [B.AndInt32, (a, b) => a & b], [B.OrInt32, (a, b) => a | b], [B.XorInt32, (a, b) => a ^ b],
]);

// ---- the public specification, resolved against the module's exported constants -------------
export const ROLES = Object.freeze(["key", "state", "gcm", "ocb", "data", "length"]);
const POINTER_ROLES = new Set(["key", "state", "gcm", "ocb", "data"]);

function exportedConstants(module) {
  const out = new Map();
  for (let i = 0; i < module.getNumExports(); i++) {
    const e = B.getExportInfo(module.getExportByIndex(i));
    if (e.kind !== B.ExternalGlobal) continue;
    const g = B.getGlobalInfo(module.getGlobal(e.value));
    const init = g.init ? B.getExpressionInfo(g.init) : null;
    if (!g.mutable && init && init.id === B.ConstId && g.type === B.i32) out.set(e.name, init.value >>> 0);
  }
  return out;
}

/** Turns names of exported globals into offsets; throws when a required one is missing. */
export function resolveSpec(module, spec) {
  const consts = exportedConstants(module);
  const fields = new Map();
  for (const [role, list] of Object.entries(spec.publicFields ?? {})) {
    if (!ROLES.includes(role)) throw new Error(`ct-taint: unknown role "${role}" in publicFields`);
    fields.set(role, list.filter(({ global, optional }) => consts.has(global) || !optional).map(({ global, bytes }) => {
      if (!consts.has(global)) throw new Error(`ct-taint: public field ${global} (${role}) is not an exported i32 constant of the module`);
      if (!(bytes > 0)) throw new Error(`ct-taint: public field ${global} needs a byte size`);
      return { name: global, start: consts.get(global), end: consts.get(global) + bytes };
    }));
  }
  const ranges = [];
  for (const { from, to, optional } of spec.publicRanges ?? []) {
    const has = [consts.has(from), consts.has(to)];
    if (has[0] && has[1]) {
      ranges.push({ name: `${from}..${to}`, start: consts.get(from), end: consts.get(to) });
    } else if (has[0] || has[1] || !optional) {
      throw new Error(`ct-taint: public range ${from}..${to} needs both globals exported (found: ${from}=${has[0]}, ${to}=${has[1]})`);
    }
  }
  for (const [name, roles] of Object.entries(spec.roles ?? {})) {
    for (const r of roles) if (!ROLES.includes(r)) throw new Error(`ct-taint: export ${name}: unknown role "${r}"`);
  }
  return { fields, ranges, roles: spec.roles ?? {} };
}

/** Names of the module's exported functions (what the spec must give roles for). */
export function functionExports(module) {
  const out = [];
  for (let i = 0; i < module.getNumExports(); i++) {
    const e = B.getExportInfo(module.getExportByIndex(i));
    if (e.kind === B.ExternalFunction) out.push({ name: e.name, internal: e.value });
  }
  return out;
}

// ---- the analysis -----------------------------------------------------------------------------
// One line of WAT; the memory name ("$0") after memory instructions is dropped (one memory).
const oneLine = (text, max = 200) => {
  const s = text.replace(/\s+/g, " ").replace(/\( /g, "(").replace(/ \)/g, ")")
    .replace(/((?:\.(?:load|store)[0-9a-z_]*|memory\.[a-z]+)) \$0\b/g, "$1").trim();
  return s.length > max ? s.slice(0, max - 1) + "…" : s;
};

class Analysis {
  constructor(module, resolved) {
    this.m = module;
    this.spec = resolved;
    this.info = new Map(); // expression ref -> getExpressionInfo, read once
    this.memo = new Map(); // "func|args" -> { ret, returns, findings }
    this.stack = new Set(); // functions being analysed (recursion guard)
    this.globalSecret = new Map(); // mutable global -> tainted
    this.globalsChanged = false;
    this.constGlobals = new Map(); // immutable i32 const globals -> abstract value
    for (let i = 0; i < module.getNumGlobals(); i++) {
      const g = B.getGlobalInfo(module.getGlobalByIndex(i));
      const init = g.init ? B.getExpressionInfo(g.init) : null;
      if (!g.mutable) this.constGlobals.set(g.name, init && init.id === B.ConstId && g.type === B.i32 ? abs(init.value) : PUB);
    }
    this.displayName = new Map(functionExports(module).map((e) => [e.internal, e.name]));
  }

  ex(e) {
    let i = this.info.get(e);
    if (i === undefined) {
      const id = B.getExpressionId(e);
      // binaryen.js's getExpressionInfo throws on a nop (version 131); leaves need no fields.
      i = id === B.NopId || id === B.UnreachableId ? { id } : B.getExpressionInfo(e);
      this.info.set(e, i);
    }
    return i;
  }

  name(fn) {
    return this.displayName.get(fn) ?? `$${fn}`;
  }

  /** Analyses `fn` with abstract arguments; memoised per (function, arguments). */
  call(fn, args) {
    const k = `${fn}|${args.map(key).join(",")}`;
    const hit = this.memo.get(k);
    if (hit) return hit;
    if (this.stack.has(fn)) {
      return { ret: SEC, returns: true, findings: [{ path: [this.name(fn)], kind: "unsupported", op: "call", wat: `recursive call of ${this.name(fn)} (not analysed)`, expr: 0 }] };
    }
    this.stack.add(fn);
    const f = B.getFunctionInfo(this.m.getFunction(fn));
    const frame = { fn, findings: new Map(), ret: null, returns: false, labels: [] };
    const params = B.expandType(f.params);
    const locals = [...args];
    for (const t of f.vars) locals.push(t === B.i32 ? abs(0) : PUB);
    if (args.length !== params.length) throw new Error(`ct-taint: ${this.name(fn)} takes ${params.length} arguments, got ${args.length}`);
    const st = { L: locals };
    const v = this.eval(f.body, st, frame);
    if (st.L !== null) {
      frame.returns = true;
      frame.ret = join(frame.ret, v);
    }
    this.stack.delete(fn);
    const result = {
      ret: frame.ret,
      returns: frame.returns,
      findings: [...frame.findings.values()].map((x) => ({ ...x, path: [this.name(fn), ...x.path] })),
    };
    this.memo.set(k, result);
    return result;
  }

  report(frame, e, kind, why) {
    const k = `${e}|${kind}`;
    if (frame.findings.has(k)) return;
    const text = B.emitText(e);
    const op = oneLine(text.split("\n")[0].replace(/^\(/, ""), 80);
    frame.findings.set(k, { path: [], kind, op, wat: (why ? why + ": " : "") + oneLine(text), expr: e });
  }

  address(frame, e, v, what) {
    if (v !== null && v.s) this.report(frame, e, "secret-address", `${what} from a secret`);
  }

  /** Public when [addr+offset, +bytes) lies inside one public field of its role or a public range. */
  isPublic(v, offset, bytes) {
    if (v === null || v.s || v.r === null || v.d === null) return false;
    const a = v.d + offset;
    const list = v.r === "abs" ? this.spec.ranges : this.spec.fields.get(v.r) ?? [];
    return list.some((f) => a >= f.start && a + bytes <= f.end);
  }

  overlapsPublic(v, offset, bytes) {
    if (v === null || v.s || v.r === null || v.d === null) return null;
    const a = v.d + offset;
    const list = v.r === "abs" ? this.spec.ranges : this.spec.fields.get(v.r) ?? [];
    return list.find((f) => a < f.end && a + bytes > f.start) ?? null;
  }

  secretStore(frame, e, ptr, offset, bytes, value) {
    if (value === null || !value.s) return;
    const f = this.overlapsPublic(ptr, offset, bytes);
    if (f) this.report(frame, e, "secret-to-public", `secret written into public ${f.name}`);
  }

  // Unknown instruction: a finding, and every local becomes secret (it may have written them).
  unsupported(frame, e, st, what) {
    this.report(frame, e, "unsupported", what);
    if (st.L) st.L = st.L.map(() => SEC);
    return SEC;
  }

  label(frame, name) {
    for (let i = frame.labels.length - 1; i >= 0; i--) if (frame.labels[i].name === name) return frame.labels[i];
    throw new Error(`ct-taint: branch to unknown label ${name}`);
  }

  jump(frame, name, st, value) {
    const t = this.label(frame, name);
    t.env = joinEnv(t.env, st.L);
    if (!t.loop) t.value = join(t.value, value);
  }

  /** Abstract value of expression `e`; updates st.L (null = unreachable from here on). */
  eval(e, st, frame) {
    if (e === 0 || st.L === null) return null;
    const x = this.ex(e);
    const ev = (c) => this.eval(c, st, frame);
    switch (x.id) {
      case B.NopId: return null;
      case B.ConstId: return x.type === B.i32 ? abs(x.value) : PUB;
      case B.LocalGetId: return st.L[x.index];
      case B.LocalSetId: {
        const v = ev(x.value);
        if (st.L === null) return null;
        st.L[x.index] = v;
        return x.isTee ? v : null;
      }
      case B.GlobalGetId: {
        if (this.constGlobals.has(x.name)) return this.constGlobals.get(x.name);
        return this.globalSecret.get(x.name) ? SEC : PUB;
      }
      case B.GlobalSetId: {
        const v = ev(x.value);
        if (v && v.s && !this.globalSecret.get(x.name)) {
          this.globalSecret.set(x.name, true);
          this.globalsChanged = true;
        }
        return null;
      }
      case B.BlockId: {
        const t = x.name ? { name: x.name, loop: false, env: null, value: null } : null;
        if (t) frame.labels.push(t);
        let v = null;
        for (const c of x.children) v = ev(c);
        if (t) {
          frame.labels.pop();
          v = st.L === null ? t.value : join(v, t.value);
          st.L = joinEnv(st.L, t.env);
        }
        return v;
      }
      case B.LoopId: {
        // Fixpoint: the loop head's environment is the entry joined with every back edge.
        let head = st.L.slice();
        for (let round = 0; ; round++) {
          if (round > 100) throw new Error(`ct-taint: loop in ${this.name(frame.fn)} did not converge`);
          const t = { name: x.name, loop: true, env: null, value: null };
          frame.labels.push(t);
          st.L = head.slice();
          const v = ev(x.body);
          frame.labels.pop();
          const next = joinEnv(head, t.env);
          if (sameEnv(next, head)) return v;
          head = next;
        }
      }
      case B.IfId: {
        const c = ev(x.condition);
        if (st.L === null) return null;
        if (c.s) this.report(frame, e, "secret-branch", "if on a secret");
        const entry = st.L;
        st.L = entry.slice();
        const a = ev(x.ifTrue);
        const afterTrue = st.L;
        st.L = entry;
        const b = x.ifFalse ? ev(x.ifFalse) : null;
        const v = afterTrue === null ? b : st.L === null ? a : join(a, b);
        st.L = joinEnv(afterTrue, st.L);
        return c.s && v ? SEC : v;
      }
      case B.BreakId: {
        const v = x.value ? ev(x.value) : null;
        const c = x.condition ? ev(x.condition) : null;
        if (st.L === null) return null;
        if (c && c.s) this.report(frame, e, "secret-branch", "br_if on a secret");
        this.jump(frame, x.name, st, v);
        if (!x.condition) st.L = null;
        return v;
      }
      case B.SwitchId: {
        const v = x.value ? ev(x.value) : null;
        const c = ev(x.condition);
        if (st.L === null) return null;
        if (c.s) this.report(frame, e, "secret-branch", "br_table index from a secret");
        for (const n of new Set([...x.names, x.defaultName])) this.jump(frame, n, st, v);
        st.L = null;
        return null;
      }
      case B.ReturnId: {
        const v = x.value ? ev(x.value) : null;
        if (st.L === null) return null;
        frame.returns = true;
        frame.ret = join(frame.ret, v);
        st.L = null;
        return null;
      }
      case B.UnreachableId: st.L = null; return null;
      case B.DropId: ev(x.value); return null;
      case B.CallId: {
        const args = x.operands.map(ev);
        if (st.L === null) return null;
        const f = B.getFunctionInfo(this.m.getFunction(x.target));
        if (f.module) return this.unsupported(frame, e, st, `call to import ${f.module}.${f.base}`);
        const r = this.call(x.target, args);
        for (const fd of r.findings) {
          const k = `${fd.expr}|${fd.kind}|${fd.path.join(">")}`;
          if (!frame.findings.has(k)) frame.findings.set(k, fd);
        }
        if (x.isReturn) {
          if (r.returns) { frame.returns = true; frame.ret = join(frame.ret, r.ret); }
          st.L = null;
          return null;
        }
        if (!r.returns) st.L = null;
        return r.ret;
      }
      case B.CallIndirectId: {
        const t = ev(x.target);
        x.operands.map(ev);
        if (st.L === null) return null;
        if (t.s) this.report(frame, e, "secret-branch", "call_indirect target from a secret");
        return this.unsupported(frame, e, st, "call_indirect: callee not analysed");
      }
      case B.LoadId: {
        const p = ev(x.ptr);
        if (st.L === null) return null;
        this.address(frame, e, p, "load address");
        return this.isPublic(p, x.offset, x.bytes) ? PUB : SEC;
      }
      case B.StoreId: {
        const p = ev(x.ptr);
        const v = ev(x.value);
        if (st.L === null) return null;
        this.address(frame, e, p, "store address");
        this.secretStore(frame, e, p, x.offset, x.bytes, v);
        return null;
      }
      case B.AtomicRMWId: case B.AtomicCmpxchgId: {
        const p = ev(x.ptr);
        const vs = x.id === B.AtomicRMWId ? [ev(x.value)] : [ev(x.expected), ev(x.replacement)];
        if (st.L === null) return null;
        this.address(frame, e, p, "atomic address");
        this.secretStore(frame, e, p, x.offset, x.bytes, vs.reduce(join, null));
        return this.isPublic(p, x.offset, x.bytes) ? PUB : SEC;
      }
      case B.AtomicNotifyId: {
        const p = ev(x.ptr);
        const n = ev(x.notifyCount);
        if (st.L === null) return null;
        this.address(frame, e, p, "atomic.notify address");
        return n.s ? SEC : PUB;
      }
      case B.AtomicWaitId:
        // Its duration depends on memory contents (secret by definition): never constant-time.
        return this.unsupported(frame, e, st, "memory.atomic.wait (duration depends on memory)");
      case B.AtomicFenceId: return null;
      case B.SIMDLoadId: {
        const p = ev(x.ptr);
        if (st.L === null) return null;
        this.address(frame, e, p, "v128 load address");
        const bytes = SIMD_LOAD_BYTES.get(x.op);
        if (bytes === undefined) return this.unsupported(frame, e, st, `unknown SIMD load op ${x.op}`);
        return this.isPublic(p, x.offset, bytes) ? PUB : SEC;
      }
      case B.SIMDLoadStoreLaneId: {
        const p = ev(x.ptr);
        const v = ev(x.vec);
        if (st.L === null) return null;
        const lane = LANE.get(x.op);
        if (lane === undefined) return this.unsupported(frame, e, st, `unknown SIMD lane op ${x.op}`);
        this.address(frame, e, p, "v128 lane address");
        if (lane[1]) {
          this.secretStore(frame, e, p, x.offset, lane[0], v);
          return null;
        }
        return join(v, this.isPublic(p, x.offset, lane[0]) ? PUB : SEC);
      }
      case B.MemoryFillId: {
        const d = ev(x.dest);
        const v = ev(x.value);
        const n = ev(x.size);
        if (st.L === null) return null;
        this.address(frame, e, d, "memory.fill dest");
        this.address(frame, e, n, "memory.fill size");
        if (n.r === "abs" && n.d !== null) this.secretStore(frame, e, d, 0, n.d, v);
        return null;
      }
      case B.MemoryCopyId: {
        const d = ev(x.dest);
        const s = ev(x.source);
        const n = ev(x.size);
        if (st.L === null) return null;
        this.address(frame, e, d, "memory.copy dest");
        this.address(frame, e, s, "memory.copy source");
        this.address(frame, e, n, "memory.copy size");
        if (n.r === "abs" && n.d !== null && !this.isPublic(s, 0, n.d)) this.secretStore(frame, e, d, 0, n.d, SEC);
        return null;
      }
      case B.MemoryInitId: {
        const vs = [ev(x.dest), ev(x.offset), ev(x.size)];
        if (st.L === null) return null;
        ["dest", "offset", "size"].forEach((w, i) => this.address(frame, e, vs[i], `memory.init ${w}`));
        return null;
      }
      case B.DataDropId: return null;
      case B.MemorySizeId: return PUB;
      case B.MemoryGrowId: {
        const d = ev(x.delta);
        if (st.L === null) return null;
        this.address(frame, e, d, "memory.grow delta");
        return d.s ? SEC : PUB;
      }
      case B.UnaryId: {
        const v = ev(x.value);
        if (st.L === null) return null;
        if (v.s && BITCOUNT.has(x.op)) this.report(frame, e, "secret-bitcount", "clz/ctz/popcnt of a secret");
        if (v.s && FLOAT_UNARY.has(x.op)) this.report(frame, e, "secret-float", "float op on a secret");
        return v.s ? SEC : PUB;
      }
      case B.BinaryId: {
        const a = ev(x.left);
        const b = ev(x.right);
        if (st.L === null) return null;
        const secret = a.s || b.s;
        if (secret && DIVISION.has(x.op)) this.report(frame, e, "secret-division", "division by/of a secret");
        if (secret && FLOAT_BINARY.has(x.op)) this.report(frame, e, "secret-float", "float op on a secret");
        if (secret) return SEC;
        return this.pointerArith(x.op, a, b);
      }
      case B.SelectId: {
        const a = ev(x.ifTrue);
        const b = ev(x.ifFalse);
        const c = ev(x.condition);
        if (st.L === null) return null;
        if (c.s) this.report(frame, e, "secret-select", "select on a secret");
        return c.s ? SEC : join(a, b);
      }
      case B.SIMDExtractId: {
        const v = ev(x.vec);
        return st.L === null ? null : v.s ? SEC : PUB;
      }
      case B.SIMDReplaceId: {
        const v = join(ev(x.vec), ev(x.value));
        return st.L === null ? null : v.s ? SEC : PUB;
      }
      case B.SIMDShuffleId: {
        const v = join(ev(x.left), ev(x.right));
        return st.L === null ? null : v.s ? SEC : PUB;
      }
      case B.SIMDTernaryId: {
        const v = [ev(x.a), ev(x.b), ev(x.c)].reduce(join, null);
        if (st.L === null) return null;
        if (v.s && FLOAT_TERNARY.has(x.op)) this.report(frame, e, "secret-float", "float op on a secret");
        return v.s ? SEC : PUB;
      }
      case B.SIMDShiftId: {
        const v = join(ev(x.vec), ev(x.shift));
        return st.L === null ? null : v.s ? SEC : PUB;
      }
      default:
        return this.unsupported(frame, e, st, `expression id ${x.id} is not modelled`);
    }
  }

  // Public i32 arithmetic: keeps "role + delta" through constant adds/subtracts, so that
  // load(state + 48) is still known to read STATE_POS.
  pointerArith(op, a, b) {
    const aAbs = a.r === "abs" && a.d !== null;
    const bAbs = b.r === "abs" && b.d !== null;
    if (aAbs && bAbs && FOLD.has(op)) return abs(FOLD.get(op)(a.d, b.d));
    const ptr = (v) => v.r !== null && v.r !== "abs";
    if (op === B.AddInt32) {
      if (ptr(a) && !ptr(b)) return based(a.r, a.d !== null && bAbs ? a.d + b.d : null);
      if (ptr(b) && !ptr(a)) return based(b.r, b.d !== null && aAbs ? b.d + a.d : null);
      if (a.r === "abs" || b.r === "abs") return based("abs", null);
    }
    if (op === B.SubInt32) {
      if (ptr(a) && !ptr(b)) return based(a.r, a.d !== null && bAbs ? a.d - b.d : null);
      if (a.r === "abs" && !ptr(b)) return based("abs", null);
    }
    return PUB;
  }
}

function argumentsFor(roles, params) {
  return roles.map((r, i) => (POINTER_ROLES.has(r) && params[i] === B.i32 ? based(r, 0) : PUB));
}

/**
 * Analyses a binaryen module. Returns findings: { export, path (call chain, export first),
 * func (innermost), kind, op (instruction), wat (why + one-line WAT of the expression) }.
 */
export function analyzeBinaryenModule(module, publicSpec) {
  const resolved = resolveSpec(module, publicSpec);
  const a = new Analysis(module, resolved);
  const exports = functionExports(module);
  let findings;
  // Mutable globals are module-wide: repeat until no export taints another one.
  for (let round = 0; ; round++) {
    if (round > module.getNumGlobals() + 2) throw new Error("ct-taint: globals did not converge");
    a.memo.clear();
    a.globalsChanged = false;
    findings = [];
    for (const { name, internal } of exports) {
      const roles = resolved.roles[name];
      const f = B.getFunctionInfo(module.getFunction(internal));
      const params = B.expandType(f.params);
      if (!roles) {
        findings.push({ export: name, path: [name], func: name, kind: "missing-role", op: name, wat: `export ${name} has no role entry in the public spec (it takes ${params.length} parameters)` });
        continue;
      }
      const bad = roles.length !== params.length
        ? `${roles.length} roles for ${params.length} parameters`
        : roles.map((r, i) => (POINTER_ROLES.has(r) && params[i] !== B.i32 ? `parameter ${i} (${r}) is not an i32` : null)).find(Boolean);
      if (bad) {
        findings.push({ export: name, path: [name], func: name, kind: "bad-role", op: name, wat: `export ${name}: ${bad}` });
        continue;
      }
      if (f.module) {
        findings.push({ export: name, path: [name], func: name, kind: "unsupported", op: name, wat: `export ${name} re-exports import ${f.module}.${f.base}` });
        continue;
      }
      const r = a.call(internal, argumentsFor(roles, params));
      for (const fd of r.findings) {
        findings.push({ export: name, path: fd.path, func: fd.path[fd.path.length - 1], kind: fd.kind, op: fd.op, wat: fd.wat });
      }
    }
    if (!a.globalsChanged) return findings;
  }
}

/** Analyses WASM bytes (see analyzeBinaryenModule). */
export function analyzeModule(bytes, publicSpec) {
  const module = B.readBinary(bytes);
  try {
    return analyzeBinaryenModule(module, publicSpec);
  } finally {
    module.dispose();
  }
}

/** Analyses a module given as WAT text (for planted test cases). */
export function analyzeWat(text, publicSpec) {
  const module = B.parseText(text);
  try {
    module.setFeatures(B.Features.All);
    if (!module.validate()) throw new Error("ct-taint: the WAT module does not validate");
    return analyzeBinaryenModule(module, publicSpec);
  } finally {
    module.dispose();
  }
}

/** Function export names of WASM bytes. */
export function exportNames(bytes) {
  const module = B.readBinary(bytes);
  try {
    return functionExports(module).map((e) => e.name);
  } finally {
    module.dispose();
  }
}

/** Findings grouped per export: counts per kind, then up to `limit` lines per export. */
export function formatFindings(findings, { limit = 5 } = {}) {
  const by = new Map();
  for (const f of findings) {
    if (!by.has(f.export)) by.set(f.export, []);
    by.get(f.export).push(f);
  }
  const out = [];
  for (const [name, list] of by) {
    const kinds = new Map();
    for (const f of list) kinds.set(f.kind, (kinds.get(f.kind) ?? 0) + 1);
    out.push(`${name}: ${list.length} finding(s) (${[...kinds].map(([k, n]) => `${k} ${n}`).join(", ")})`);
    for (const f of list.slice(0, limit)) out.push(`  [${f.kind}] ${f.path.join(" > ")}: ${f.wat}`);
    if (list.length > limit) out.push(`  … ${list.length - limit} more`);
  }
  return out.join("\n");
}

// CLI: node scripts/ct-taint.mjs [build/aes.wasm] [--spec test/ct/public-fields.mjs] [--all]
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const all = args.includes("--all");
  const specAt = args.indexOf("--spec");
  const root = new URL("../", import.meta.url);
  const specPath = specAt >= 0 ? pathToFileURL(args[specAt + 1]).href : new URL("test/ct/public-fields.mjs", root).href;
  const file = args.find((a, i) => !a.startsWith("--") && (specAt < 0 || i !== specAt + 1)) ?? fileURLToPath(new URL("build/aes.wasm", root));
  try {
    const spec = (await import(specPath)).default;
    const bytes = readFileSync(file);
    const t0 = performance.now();
    const findings = analyzeModule(bytes, spec);
    const ms = (performance.now() - t0).toFixed(0);
    const names = exportNames(bytes);
    const flagged = new Set(findings.map((f) => f.export));
    if (findings.length) console.log(formatFindings(findings, { limit: all ? Infinity : 5 }) + "\n");
    console.log(`${file}: ${flagged.size} of ${names.length} exports flagged, ${findings.length} finding(s), ${ms} ms`);
    console.log(`clean: ${names.filter((n) => !flagged.has(n)).join(", ") || "(none)"}`);
    process.exit(findings.length ? 1 : 0);
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(2);
  }
}
