#!/usr/bin/env node
// The aes-wasm command (package.json "bin"): the compiled CLI in dist/cli/.
import { main } from "../dist/cli/main.js";

process.exitCode = await main(process.argv.slice(2));
