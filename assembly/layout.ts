// THE memory map of the AES core. Every fixed region of linear memory is declared here and
// nowhere else; the host reads these values from the module's exports (see index.ts) and
// builds its views once.
//
//   0x00000  reserved (unused: keeps pointer 0 meaningless)
//   0x01000  VP_TABLES  the vector-permute kernel's nibble tables (vperm-tables.generated.ts),
//                       public constants written at start-up; read only from fixed addresses
//   0x04000  BS_ENC_KEYS bitsliced encryption round keys, (Nr + 1) x 128 bytes (bitsliced.generated.ts),
//                       made from the key slot by each kernel call that uses them, wiped before it returns
//   0x04800  BS_DEC_KEYS the same for decryption
//   0x05000  BS_INPUT   8 blocks to encrypt bitsliced: CTR counter blocks, CFB feedback, tails (128 bytes)
//   0x05080  BS_MASKS   the 8 per-block masks of a group (XTS tweaks, OCB offsets; 128 bytes), wiped after each call
//   0x10000  IO         the window every kernel reads and writes in place (64 KiB)
//   0x20000  end of fixed regions = asconfig "memoryBase"; compiler data starts here
//   heapBase()          key slots and state slots, allocated by the host, 64-byte aligned;
//                       also GCM slots (GCM_SLOT_SIZE, below), one per GCM stream;
//                       memory grows by whole pages when the host needs more slots.
//
// No region is a table indexed by secret data: the kernels are bitsliced (8 blocks) or
// vector-permute (one block), and GHASH multiplies carry-lessly. What is secret and what is
// public is listed for the checker in test/ct/public-fields.mjs.

export const VP_TABLES: usize = 0x1000;
/** The public constant-table region, for the constant-time checker (CT_TABLES..CT_TABLES_END). */
export const CT_TABLES: usize = VP_TABLES;
export const CT_TABLES_END: usize = VP_TABLES + 0x200;

export const BS_ENC_KEYS: usize = 0x4000;
export const BS_DEC_KEYS: usize = 0x4800;
export const BS_INPUT: usize = 0x5000;
export const BS_MASKS: usize = 0x5080;
/** From this many blocks on, a tail after whole groups of 8 is cheaper as one more bitsliced group,
 * padded in BS_INPUT, than block by block through the vperm kernel; a message shorter than a group
 * pays for the bitsliced key setup too, so it needs more blocks (measured: docs/speed.md). */
export const TAIL_BITSLICED: usize = 4;
export const SHORT_BITSLICED: usize = 6;

/** Whether the last `tail` bytes (under 128) of a `len`-byte call run as one bitsliced group. */
@inline export function tailBitsliced(len: usize, tail: usize): bool {
  return tail >= (len >= 128 ? TAIL_BITSLICED : SHORT_BITSLICED) << 4;
}

export const IO: usize = 0x10000;
export const IO_SIZE: usize = 0x10000;
export const FIXED_END: usize = 0x20000;

// Key slot: one expanded key in the forms its kernels use, 1024 bytes (each form (Nr + 1) x 16).
export const KEY_SLOT_SIZE: usize = 1024;
export const KEY_ENC: usize = 0; // encryption round keys as FIPS 197 bytes (bitsliced kernel)
export const KEY_DEC: usize = 256; // decryption round keys (equivalent inverse cipher, FIPS 197 §5.3.5)
export const KEY_VP_ENC: usize = 512; // encryption keys in the vperm kernel's form (vperm.ts)
export const KEY_VP_DEC: usize = 768; // decryption keys in the vperm kernel's form
export const KEY_ROUNDS: usize = 1008; // u32: Nr = 10, 12 or 14 (public)
export const KEY_RAW: usize = KEY_ENC; // the raw key: round keys 0..Nk-1 are the key's own bytes

// State slot: the chaining state of one mode object, 64 bytes.
export const STATE_SLOT_SIZE: usize = 64;
export const STATE_REG: usize = 0; // IV / chaining block / shift register / counter block (16 bytes, as on the wire)
export const STATE_KS: usize = 16; // CTR: keystream block being consumed (16 bytes)
export const STATE_CTR_MASK: usize = 32; // CTR: which counter bits increment (16 bytes, big-endian bit mask)
export const STATE_POS: usize = 48; // u32: bytes of the current block already used (CFB128, OFB, CTR)

// GCM slot: the GHASH state of one GCM stream, allocated by the host like a state slot (and
// wiped by it on release). Everything after GCM_BLOCK is secret (from H or the data): ghash.ts.
export const GCM_SLOT_SIZE: usize = 3648;
export const GCM_ACC: usize = 0; // GHASH accumulator Y (16 bytes, as on the wire)
export const GCM_BLOCK: usize = 16; // 16 bytes of host scratch (length block, last partial block)
// (32..63 unused.) H, H^2, …, H^8 as Karatsuba leaves split into bit classes, 8 x 336 bytes,
// made by ghashSetup; then the kernel's working area for one group of 8 blocks (896 bytes).
export const GCM_TABLE: usize = 64;
export const GCM_SCRATCH: usize = 64 + 8 * 336;

// OCB slot: the state of one OCB3 message (ocb.ts), allocated by the host like a GCM slot.
export const OCB_SLOT_SIZE: usize = 640;
export const OCB_OFFSET: usize = 0; // Offset_i of the data (16 bytes)
export const OCB_CHECKSUM: usize = 16; // XOR of the plaintext blocks
export const OCB_AAD_OFFSET: usize = 32; // Offset_i of HASH(K, A)
export const OCB_AAD_SUM: usize = 48; // Sum of HASH(K, A)
export const OCB_L_STAR: usize = 64; // L_* = E(0)
export const OCB_L_DOLLAR: usize = 80; // L_$ = double(L_*)
export const OCB_L: usize = 96; // L_0..L_31, 16 bytes each
export const OCB_BLOCKS: usize = 608; // u32: data blocks so far (public: a function of lengths)
export const OCB_AAD_BLOCKS: usize = 612; // u32: AAD blocks so far (public)
