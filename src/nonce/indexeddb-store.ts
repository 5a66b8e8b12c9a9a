// IndexedDbNonceStore: the nonce mark in IndexedDB, for browsers. One readwrite transaction per
// advance(): IndexedDB runs overlapping readwrite transactions one at a time, also across tabs
// of one origin, so reservations are exclusive. The promise resolves on the transaction's
// `complete` event, with durability "strict" where the browser supports it: durable first,
// returned second.
import { NonceStoreError, NonceStoreLockError, NonceStoreUnavailableError } from "./errors.js";
import { booleanOption, ownOptions, stringOption } from "./own.js";
import { checkMark, type NonceStore } from "./stores.js";
import type { IDBFactoryLike } from "../host-types.js";

const OBJECT_STORE = "marks";

export interface IndexedDbNonceStoreOptions {
  /** Database name (default "aes-wasm-nonce"). */
  database?: string;
  /** Key of the record within the database, for several independent sources (default "default"). */
  name?: string;
  /** The IDBFactory to use (default globalThis.indexedDB). */
  indexedDB?: IDBFactoryLike;
  /** Treat a record that is not a valid mark as empty (start from the clock). Default false. */
  recoverFromClock?: boolean;
}

export class IndexedDbNonceStore implements NonceStore {
  readonly database: string;
  readonly name: string;
  readonly #factory: IDBFactory;
  readonly #recover: boolean;
  #db: Promise<IDBDatabase> | undefined;

  constructor(options?: IndexedDbNonceStoreOptions) {
    // Own properties only (own.ts): a polluted Object.prototype cannot pick the database.
    const o = ownOptions(options, ["database", "name", "indexedDB", "recoverFromClock"], "IndexedDbNonceStore options");
    this.database = stringOption(o.database, "aes-wasm-nonce", "database");
    this.name = stringOption(o.name, "default", "name");
    this.#recover = booleanOption(o.recoverFromClock, false, "recoverFromClock");
    const factory = (o.indexedDB ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB) as IDBFactory | undefined;
    if (!factory || typeof factory.open !== "function") throw new NonceStoreUnavailableError("IndexedDB is not available here; use another NonceStore");
    this.#factory = factory;
  }

  async advance(decide: (stored: number | null) => number): Promise<number> {
    const db = await this.#open();
    const where = `IndexedDB ${this.database}/${this.name}`;
    return new Promise<number>((resolve, reject) => {
      // "strict" asks the browser to flush to disk before `complete` (Chromium defaults to relaxed).
      let tx: IDBTransaction;
      try {
        tx = (db.transaction as (s: string, m: IDBTransactionMode, o?: object) => IDBTransaction)
          .call(db, OBJECT_STORE, "readwrite", { durability: "strict" });
      } catch (e) {
        this.#db = undefined; // e.g. the connection was closed: reopen next time
        reject(new NonceStoreError(`${where}: cannot start a transaction (${errorName(e)})`, "transaction", where, e));
        return;
      }
      const records = tx.objectStore(OBJECT_STORE);
      let mark = -1;
      let failure: unknown;
      const get = records.get(this.name);
      get.onsuccess = () => {
        try {
          mark = checkMark(decide(this.#stored(get.result)), `IndexedDB ${this.database}/${this.name}`);
          records.put(mark, this.name);
        } catch (e) {
          failure = e;
          tx.abort();
        }
      };
      tx.oncomplete = () => resolve(mark);
      // A QuotaExceededError (the disk or the origin's quota is full) or another abort: typed,
      // and nothing was handed out.
      tx.onabort = () => reject(failure ?? new NonceStoreError(
        `${where}: the transaction was aborted${tx.error ? ` (${errorName(tx.error)})` : ""}; no nonce was handed out`, "write", where, tx.error ?? undefined));
      tx.onerror = () => undefined; // onabort follows and reports
    });
  }

  /** Closes the database connection (it reopens on the next advance). */
  close(): void {
    const db = this.#db;
    this.#db = undefined;
    db?.then((d) => d.close(), () => undefined);
  }

  #stored(value: unknown): number | null {
    if (value === undefined) return null;
    try {
      return checkMark(value, `IndexedDB ${this.database}/${this.name}`);
    } catch (e) {
      if (this.#recover) return null;
      throw e;
    }
  }

  #open(): Promise<IDBDatabase> {
    this.#db ??= new Promise<IDBDatabase>((resolve, reject) => {
      const req = this.#factory.open(this.database, 1);
      req.onupgradeneeded = () => {
        if (!req.result.objectStoreNames.contains(OBJECT_STORE)) req.result.createObjectStore(OBJECT_STORE);
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(new NonceStoreError(`IndexedDB ${this.database}: cannot open the database (${errorName(req.error)})`,
        "open", `IndexedDB ${this.database}`, req.error ?? undefined));
      req.onblocked = () => reject(new NonceStoreLockError(`IndexedDB ${this.database} is blocked by another connection`));
    }).catch((e) => {
      this.#db = undefined; // let a later call try again
      throw e;
    });
    return this.#db;
  }
}

function errorName(e: unknown): string {
  const named = e as { name?: unknown; message?: unknown } | null;
  return named && typeof named.name === "string" ? `${named.name}${typeof named.message === "string" && named.message ? ": " + named.message : ""}` : String(e);
}
