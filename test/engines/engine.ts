// Which engine the page runs in, and what it offers: the engine suites assert these instead of
// assuming them, so a page without crypto.subtle or without cross-origin isolation says so.
export type PageEngine = "firefox" | "webkit" | "chromium";

const ua = navigator.userAgent;
export const ENGINE: PageEngine = /Firefox\//.test(ua) ? "firefox" : /Chrome\//.test(ua) ? "chromium" : "webkit";
/** crypto.subtle exists only in a secure context (https, or http on localhost). */
export const web: SubtleCrypto | undefined = globalThis.crypto?.subtle;
export const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
