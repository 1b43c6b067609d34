/**
 * A `timestamptz::text` value as ISO 8601 UTC with milliseconds, the shape
 * `Date.prototype.toISOString` gives. Connections from createDatabase pin `TimeZone=UTC` and
 * `DateStyle=ISO`, so the text is `YYYY-MM-DD HH:MM:SS[.ffffff]+00`; slicing it costs about a
 * tenth of parsing it into a Date (and PostgreSQL's `::text` a fraction of `to_char`), which
 * counts on a list endpoint. Fractions are truncated to milliseconds, as a Date would. Any
 * other shape (a year past 9999, another zone) goes through Date.
 */
export function isoTimestamp(text: string): string {
  const end = text.length - 3;
  if (text.length < 22 || text.charCodeAt(10) !== 32 || text.slice(end) !== '+00') {
    return new Date(text).toISOString();
  }
  const ms =
    text.charCodeAt(19) === 46 ? `${text.slice(20, Math.min(end, 23))}00`.slice(0, 3) : '000';
  return `${text.slice(0, 10)}T${text.slice(11, 19)}.${ms}Z`;
}
