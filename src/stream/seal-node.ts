// sealNodeStream / openNodeStream: the sealed-stream format (src/envelope/stream-format.ts, the
// same bytes as the CLI's `aes-wasm seal` / `open` and as sealStream/openStream) as Node
// stream.Transform objects, for pipeline(). Node only: exported from the "node" entry.
import { Transform } from "node:stream";
import {
  createStreamSealer, createStreamSealerFrom, masterKeyCopy, sealStreamOptions, StreamOpener,
  type SealStreamOptions, type StreamSealer,
} from "../envelope/stream-format.js";
import type { NodeTransform } from "../host-types.js";

/**
 * A Transform that seals what is written to it under a 32-byte master key (as
 * `aes-wasm seal --key-file`). See sealStream() for the format and its guarantees.
 */
export function sealNodeStream(masterKey: Uint8Array, options?: SealStreamOptions): NodeTransform {
  const { chunkSize, nonceSource } = sealStreamOptions(options);
  const master = masterKeyCopy(masterKey);
  let pending: Promise<StreamSealer> | undefined;
  let sealer: StreamSealer | undefined;
  if (nonceSource === undefined) {
    try {
      sealer = createStreamSealer(master, chunkSize);
    } finally {
      master.fill(0);
    }
  } else {
    pending = createStreamSealerFrom(master, chunkSize, nonceSource).finally(() => master.fill(0));
    pending.catch(() => undefined); // reported by the first write or the end instead
  }
  /** Runs `step` with the sealer; with a NonceSource, the first call waits for it and sends the header. */
  const withSealer = (self: Transform, step: (s: StreamSealer) => void, callback: (e?: Error | null) => void): void => {
    if (sealer !== undefined) {
      try {
        step(sealer);
      } catch (e) {
        return callback(e as Error);
      }
      return callback();
    }
    pending!.then((s) => {
      if (sealer === undefined) {
        sealer = s;
        self.push(s.header());
      }
      step(s);
    }).then(() => callback(), (e: Error) => callback(e));
  };
  let ended = false;
  const transform = new Transform({
    transform(chunk: Uint8Array, _encoding, callback) {
      withSealer(this, (s) => {
        s.push(chunk, (record) => this.push(record));
      }, callback);
    },
    flush(callback) {
      withSealer(this, (s) => {
        ended = true;
        this.push(s.finish());
      }, callback);
    },
    destroy(error, callback) {
      master.fill(0);
      if (!ended) {
        ended = true;
        if (sealer) sealer.abort();
        else pending!.then((s) => s.abort(), () => undefined);
      }
      callback(error);
    },
  });
  if (sealer !== undefined) transform.push(sealer.header());
  return transform;
}

/**
 * A Transform that opens what sealNodeStream(), sealStream() or `aes-wasm seal` made. Every
 * chunk is verified before its plaintext is pushed; the stream is destroyed with
 * DecryptionError at the first changed, missing, reordered, duplicated or appended record, or
 * a cut (genuine chunks before it may have been pushed by then: keep the output provisional
 * until 'finish' without error, e.g. write to a temporary file and rename it). EnvelopeFormatError for a header
 * that is not a sealed stream's.
 */
export function openNodeStream(masterKey: Uint8Array): NodeTransform {
  const opener = new StreamOpener(masterKeyCopy(masterKey));
  return new Transform({
    transform(chunk: Uint8Array, _encoding, callback) {
      try {
        opener.push(chunk, (plain) => this.push(plain));
        callback();
      } catch (e) {
        callback(e as Error);
      }
    },
    flush(callback) {
      try {
        const last = opener.finish();
        callback(null, last.length > 0 ? last : undefined);
      } catch (e) {
        callback(e as Error);
      }
    },
    destroy(error, callback) {
      opener.abort();
      callback(error);
    },
  });
}
