// The known-answer suites of the constructions WebCrypto lacks (CCM, CMAC, AES-SIV, GCM-SIV,
// XTS, OCB3), unchanged, in the browser: each file reads its vectors through the node:fs shim
// and runs on both backends. (Their differential halves need node:crypto and stay in Node.)
import "../xts-vectors.test.js";
import "../gcm-siv-vectors.test.js";
import "../cmac-vectors.test.js";
import "../siv-vectors.test.js";
import "../ccm-vectors.test.js";
import "../ocb-vectors.test.js";
import "../gmac-vectors.test.js";
