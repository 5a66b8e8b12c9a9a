// Browser stand-in for the one node:fs call the known-answer suites make: readFileSync of a
// vector file next to the tests. The vitest server serves the repository, so a synchronous
// XMLHttpRequest reads the same file. Aliased for the browser project only (vitest.config.ts).
export function readFileSync(path: string | URL, _encoding?: string): string {
  const xhr = new XMLHttpRequest();
  xhr.open("GET", String(path), false);
  // bytes as they are (the .rsp files are ASCII; 'latin1' in Node)
  xhr.overrideMimeType("text/plain; charset=x-user-defined");
  xhr.send();
  if (xhr.status !== 200) throw new Error(`readFileSync shim: GET ${String(path)} → ${xhr.status}`);
  let out = "";
  const t = xhr.responseText;
  for (let i = 0; i < t.length; i++) out += String.fromCharCode(t.charCodeAt(i) & 0xff);
  return out;
}

export default { readFileSync };
