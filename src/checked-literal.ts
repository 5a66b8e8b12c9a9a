// Parameter types that check literals only. A literal argument must be one of `Valid`, so a
// typo ("aes-256-cbcx") or a length in bits where bytes are meant (tagLength: 128) does not
// compile; a value typed as the wide type (a `string` or `number` known only at run time) is
// accepted and checked when the call runs, as before (UnknownCipherError, TagLengthError).
// `T` is inferred from the argument: the wide type itself, or the literal.

/** `T` when it is the whole of `Wide` (not a literal), else `Valid`. */
export type CheckedLiteral<T, Wide, Valid> = Wide extends T ? T : Valid;
