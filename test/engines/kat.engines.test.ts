// The Node known-answer suites, unchanged, in Firefox and WebKit (as test/browser/kat.browser.test.ts
// runs them in Chromium): FIPS 197, SP 800-38A and every NIST AESAVS file, on both backends.
import "../fips197.test.js";
import "../sp800-38a.test.js";
import "../aesavs.test.js";
