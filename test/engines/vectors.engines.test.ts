// The GCM and GMAC known-answer suites and those of the constructions WebCrypto lacks (CCM,
// CMAC, AES-SIV, GCM-SIV, XTS, OCB3), unchanged, in Firefox and WebKit, on both backends.
import "../gcm-vectors.test.js";
import "../browser/constructions-vectors.browser.test.js";
