// `aes-wasm enc`'s command line, parsed as openssl 3's `enc` parses its own: single-dash long
// options (a second dash is accepted too, as openssl does), values as the next argument, the
// cipher as `-aes-256-cbc` (any case, openssl's aliases) or `-cipher <name>`, the last of
// repeated options winning. Options openssl has and aes-wasm does not (engines, providers,
// -rand, -none, -z, -debug) are refused by name rather than ignored.
import { findCipher } from "./ciphers.js";
import { UsageError } from "./errors.js";

export interface EncOptions {
  encrypt: boolean;
  cipher?: string;
  in?: string;
  out?: string;
  pass?: string;
  /** -k <password> or -kfile <path>, whichever came last (they share openssl's one slot). */
  k?: { password: string } | { file: string };
  K?: string;
  iv?: string;
  S?: string;
  md?: string;
  iter?: number;
  pbkdf2: boolean;
  nosalt: boolean;
  base64: boolean;
  singleLine: boolean;
  nopad: boolean;
  /** 1: -p (print salt/key/iv, then run), 2: -P (print and stop). */
  print: 0 | 1 | 2;
  verbose: boolean;
  bufsize?: number;
  list: boolean;
  help: boolean;
}

type Flag = (o: EncOptions) => void;
type Valued = (o: EncOptions, v: string) => void;

const FLAGS: Record<string, Flag> = Object.assign(Object.create(null) as Record<string, Flag>, {
  e: (o: EncOptions) => void (o.encrypt = true),
  d: (o: EncOptions) => void (o.encrypt = false),
  p: (o: EncOptions) => void (o.print = 1),
  P: (o: EncOptions) => void (o.print = 2),
  v: (o: EncOptions) => void (o.verbose = true),
  a: (o: EncOptions) => void (o.base64 = true),
  base64: (o: EncOptions) => void (o.base64 = true),
  A: (o: EncOptions) => void (o.singleLine = true),
  nopad: (o: EncOptions) => void (o.nopad = true),
  salt: (o: EncOptions) => void (o.nosalt = false),
  nosalt: (o: EncOptions) => void (o.nosalt = true),
  pbkdf2: (o: EncOptions) => void (o.pbkdf2 = true), // an -iter count, before or after, is kept
  list: (o: EncOptions) => void (o.list = true),
  ciphers: (o: EncOptions) => void (o.list = true),
  help: (o: EncOptions) => void (o.help = true),
  h: (o: EncOptions) => void (o.help = true),
});

const VALUED: Record<string, Valued> = Object.assign(Object.create(null) as Record<string, Valued>, {
  in: (o: EncOptions, v: string) => void (o.in = v),
  out: (o: EncOptions, v: string) => void (o.out = v),
  pass: (o: EncOptions, v: string) => void (o.pass = v),
  k: (o: EncOptions, v: string) => void (o.k = { password: v }),
  kfile: (o: EncOptions, v: string) => void (o.k = { file: v }),
  K: (o: EncOptions, v: string) => void (o.K = v),
  iv: (o: EncOptions, v: string) => void (o.iv = v),
  S: (o: EncOptions, v: string) => void (o.S = v),
  md: (o: EncOptions, v: string) => void (o.md = v),
  cipher: (o: EncOptions, v: string) => {
    if (!findCipher(v)) throw new UsageError(`enc: -cipher ${JSON.stringify(v)}: unknown cipher (aes-wasm enc -list shows them)`);
    o.cipher = v;
  },
  iter: (o: EncOptions, v: string) => {
    const n = /^\d+$/.test(v) ? Number(v) : NaN;
    if (!Number.isSafeInteger(n) || n < 1 || n > 0x7fffffff) throw new UsageError(`enc: -iter must be a positive integer, got ${JSON.stringify(v)}`);
    o.iter = n;
    o.pbkdf2 = true; // as openssl: -iter implies -pbkdf2
  },
  bufsize: (o: EncOptions, v: string) => {
    const m = /^(\d+)(k?)$/.exec(v);
    const n = m ? Number(m[1]) * (m[2] ? 1024 : 1) : NaN;
    if (!Number.isSafeInteger(n) || n > 0x7fffffff) throw new UsageError(`enc: -bufsize must be a number of bytes (or Nk), got ${JSON.stringify(v)}`);
    o.bufsize = Math.max(80, n);
  },
});

const UNSUPPORTED = new Set(["engine", "rand", "writerand", "provider", "provider-path", "propquery", "none", "z", "debug", "config"]);

export function parseEncArgs(argv: readonly string[]): EncOptions {
  const o: EncOptions = {
    encrypt: true, pbkdf2: false, nosalt: false, base64: false, singleLine: false, nopad: false, print: 0, verbose: false, list: false, help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith("-") || arg === "-" || arg === "--") {
      throw new UsageError(`enc: extra argument ${JSON.stringify(arg)} (options only; the input is -in <file> or stdin)`);
    }
    const name = arg.startsWith("--") ? arg.slice(2) : arg.slice(1);
    if (Object.hasOwn(FLAGS, name)) {
      FLAGS[name](o);
    } else if (Object.hasOwn(VALUED, name)) {
      if (i + 1 >= argv.length) throw new UsageError(`enc: option -${name} needs a value`);
      VALUED[name](o, argv[++i]);
    } else if (UNSUPPORTED.has(name)) {
      throw new UsageError(`enc: -${name} is an openssl option that aes-wasm does not have`);
    } else if (findCipher(name)) {
      o.cipher = name;
    } else {
      throw new UsageError(`enc: unknown option or cipher: ${arg} (aes-wasm enc -help shows the options, -list the ciphers)`);
    }
  }
  return o;
}

/** Whether `enc` with these arguments decrypts (for the exit code of a bad length), without failing on a bad command line. */
export function encDecrypts(argv: readonly string[]): boolean {
  let decrypt = false;
  for (const a of argv) {
    if (a === "-d" || a === "--d") decrypt = true;
    else if (a === "-e" || a === "--e") decrypt = false;
  }
  return decrypt;
}

export const ENC_USAGE = `usage: aes-wasm enc -<cipher> [options]      (openssl 3's enc command line)

  -e / -d             encrypt (default) / decrypt
  -<cipher>           e.g. -aes-256-cbc, -aes128, -id-aes256-wrap; or -cipher <name>
  -in <file>          input (default stdin)
  -out <file>         output (default stdout; a file is written privately, renamed on success)
  -pass <source>      password: pass:<pw>, env:<var>, file:<path>, fd:<n> or stdin (first line)
  -k <password>       the password itself; -kfile <path>: its first line
                      (with none of these and no -K: asked on the terminal)
  -pbkdf2             PBKDF2 (HMAC with -md) instead of openssl's old EVP_BytesToKey
  -iter <n>           PBKDF2 iterations (implies -pbkdf2; default 10000)
  -md <digest>        digest for the key derivation (default sha256)
  -salt / -nosalt     "Salted__" and a random 8-byte salt in front (default) / no salt
  -S <16 hex digits>  this salt (and, as openssl, no Salted__ header written or read)
  -K <hex> -iv <hex>  raw key and IV (exact lengths: openssl pads or cuts, aes-wasm refuses)
  -a / -base64        base64 output (encrypt) or input (decrypt), 64 columns
  -A                  with -a: base64 on one line
  -nopad              no PKCS#7 padding (ECB and CBC)
  -p / -P             print salt, key and IV (to stdout, as openssl) / print them and stop
  -v                  verbose: buffer size, bytes read and written (stderr)
  -bufsize <n>        accepted for openssl's command lines (shown by -v; reads are aes-wasm's own size)
  -list / -ciphers    the cipher names
  -help               this text

  Byte-for-byte openssl enc for the names openssl enc takes (aes-wasm enc -list). The AEAD names
  (aes-*-gcm, aes-*-ccm, aes-*-ocb, aes-*-gcm-siv, aes-*-siv) and aes-*-xts are aes-wasm's own:
  openssl enc refuses them; aes-wasm adds the 16-byte tag (AES-SIV: in front; XTS: none),
  checks it before any output is kept, and says so on stderr. Key wrap (id-aes*-wrap[-pad])
  takes the whole input as one message (openssl enc wraps each 4 KiB piece on its own, so only
  inputs below 4 KiB match). Exit codes: 0 ok, 1 failed (bad decrypt, bad magic number, bad
  base64), 2 usage error.`;
