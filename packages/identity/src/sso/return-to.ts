const BASE = 'http://return-to.invalid';

/**
 * Where to land after sign-in: only a path on the same host. `//evil.example`, `/\evil`,
 * absolute URLs and control characters are refused (browsers read `/\` as `//`).
 */
export function safeReturnTo(value: string | undefined | null): string | null {
  if (value === undefined || value === null || value === '') return '/account';
  if (value.length > 2048 || !value.startsWith('/') || value.includes('\\')) return null;
  if ([...value].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f)) return null;
  if (value.startsWith('//')) return null;
  let url: URL;
  try {
    url = new URL(value, BASE);
  } catch {
    return null;
  }
  if (url.origin !== BASE) return null;
  return `${url.pathname}${url.search}${url.hash}`;
}
