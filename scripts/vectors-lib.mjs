// Readers for the vector files in test/vectors/, shared by scripts/embed.mjs (the built-in
// self-test's vectors) and scripts/runtime-kat.mjs (known answers under Bun and Deno). Plain
// JavaScript with no imports, so it runs unchanged in Node, Bun and Deno; callers read the files.

/**
 * NIST CAVP .rsp text → records `{ section, params, fields, fail }`. Fields keep the file's
 * upper/lower case names (KEY, IV, PLAINTEXT; GCM: Key, IV, PT, AAD, CT, Tag); a bare `FAIL`
 * line (GCM decryption files) sets `fail`. `[ENCRYPT]`/`[DECRYPT]` set `section`; other
 * bracketed lines (`[Keylen = 128]`) are parameters in force until the next section.
 */
export function parseRsp(text) {
  const records = [];
  let section;
  let params = {};
  let current;
  const close = () => {
    if (current) records.push(current);
    current = undefined;
  };
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "") {
      close();
      continue;
    }
    if (line.startsWith("#")) continue;
    if (line.startsWith("[")) {
      close();
      const m = /^\[\s*([^\]=]*?)\s*(?:=\s*([^\]]*?)\s*)?\]$/.exec(line);
      if (!m) throw new Error(`bad .rsp header ${JSON.stringify(line)}`);
      if (m[2] === undefined) {
        section = m[1].toUpperCase();
        params = {};
      } else {
        params = { ...params, [m[1]]: m[2] };
      }
      continue;
    }
    current ??= { section, params, fields: {}, fail: false };
    const eq = line.indexOf("=");
    if (eq < 0) {
      if (line === "FAIL") current.fail = true;
      else throw new Error(`bad .rsp line ${JSON.stringify(line)}`);
      continue;
    }
    current.fields[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  close();
  return records;
}

/** Wycheproof JSON (already parsed) → every test with its group's fields merged in. */
export function wycheproofTests(json) {
  return json.testGroups.flatMap((g) => g.tests.map((t) => ({ ...t, group: { ...g, tests: undefined } })));
}

/** A CAVP GCM record → the self-test's GcmKnownAnswer shape. */
export function gcmFromCavp(name, r) {
  const f = r.fields;
  return { name, key: f.Key, iv: f.IV, aad: f.AAD, plaintext: r.fail ? "" : f.PT, ciphertext: f.CT, tag: f.Tag, valid: !r.fail };
}

/** A Wycheproof aes_gcm_test case → GcmKnownAnswer. */
export function gcmFromWycheproof(t) {
  return {
    name: `Wycheproof aes_gcm tcId ${t.tcId}${t.comment ? ` (${t.comment})` : ""}`,
    key: t.key, iv: t.iv, aad: t.aad, plaintext: t.msg, ciphertext: t.ct, tag: t.tag, valid: t.result === "valid",
  };
}

/** A Wycheproof aes_wrap / aes_kwp case → KeyWrapKnownAnswer. */
export function keyWrapFromWycheproof(mode, t) {
  return {
    name: `Wycheproof ${mode === "KW" ? "aes_wrap" : "aes_kwp"} tcId ${t.tcId}${t.comment ? ` (${t.comment})` : ""}`,
    mode, key: t.key, keyData: t.msg, wrapped: t.ct, valid: t.result === "valid",
  };
}
