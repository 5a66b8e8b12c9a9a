// sealStream / openStream: the sealed-stream format (src/envelope/stream-format.ts, the same
// bytes as the CLI's `aes-wasm seal` / `open`) as WHATWG TransformStreams, for browsers, Deno,
// Bun and Node. Memory stays at about one chunk whatever the length; openStream passes on a
// chunk's plaintext only after its tag matched, and errors the stream (DecryptionError) at the
// first bad, missing, reordered, duplicated or appended record, or a cut.
import {
  createStreamSealer, createStreamSealerFrom, masterKeyCopy, sealStreamOptions, StreamOpener,
  type SealStreamOptions, type StreamSealer,
} from "../envelope/stream-format.js";
import type { BytesTransformStream } from "../host-types.js";

export type { SealStreamOptions };

/**
 * Seals a byte stream under a 32-byte master key (as `aes-wasm seal --key-file`): each stream
 * gets its own AES-256-GCM key (HKDF-SHA256 over a fresh 16-byte file nonce), and its output
 * opens with openStream() or `aes-wasm open`.
 */
export function sealStream(masterKey: Uint8Array, options?: SealStreamOptions): BytesTransformStream {
  const { chunkSize, nonceSource } = sealStreamOptions(options);
  const master = masterKeyCopy(masterKey);
  let sealer: StreamSealer | undefined;
  let cancelled = false;
  if (nonceSource === undefined) {
    try {
      sealer = createStreamSealer(master, chunkSize);
    } finally {
      master.fill(0);
    }
  }
  return new TransformStream<Uint8Array, Uint8Array>({
    async start(controller) {
      if (sealer === undefined) {
        try {
          sealer = await createStreamSealerFrom(master, chunkSize, nonceSource!);
        } finally {
          master.fill(0);
        }
        if (cancelled) return sealer.abort(); // cancelled while the nonce was on its way
      }
      controller.enqueue(sealer.header());
    },
    transform(chunk, controller) {
      sealer!.push(chunk, (record) => controller.enqueue(record));
    },
    flush(controller) {
      controller.enqueue(sealer!.finish());
    },
    cancel() {
      cancelled = true;
      master.fill(0);
      sealer?.abort();
    },
  } as Transformer<Uint8Array, Uint8Array>);
}

/**
 * Opens what sealStream() or `aes-wasm seal` made, with the same master key. Every chunk is
 * verified before its plaintext is passed on; the stream errors with DecryptionError if
 * anything was changed, cut, reordered or appended (genuine chunks before it may have been
 * passed on by then: treat the output as incomplete until the stream closes without error).
 * A header that is not a sealed stream's is EnvelopeFormatError.
 */
export function openStream(masterKey: Uint8Array): BytesTransformStream {
  const opener = new StreamOpener(masterKeyCopy(masterKey));
  return new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      opener.push(chunk, (plain) => controller.enqueue(plain));
    },
    flush(controller) {
      const last = opener.finish();
      if (last.length > 0) controller.enqueue(last);
    },
    cancel() {
      opener.abort();
    },
  } as Transformer<Uint8Array, Uint8Array>);
}
