// Browser stand-in for node:url's fileURLToPath: test modules' import.meta.url is an http URL
// here, which the readFileSync shim fetches as it is. Vite rewrites
// `new URL("dir/", import.meta.url)` without the trailing slash, so a last segment without an
// extension is taken as a directory and gets its slash back.
export function fileURLToPath(url: string | URL): string {
  const s = String(url);
  const last = s.slice(s.lastIndexOf("/") + 1);
  return last !== "" && !last.includes(".") ? s + "/" : s;
}

export default { fileURLToPath };
