export type Cell = string | number;

/** A plain, aligned text table: numbers right-aligned, text left-aligned. */
export function formatTable(headers: string[], rows: Cell[][]): string {
  const text = rows.map((row) =>
    row.map((cell) => (typeof cell === 'number' ? format(cell) : cell)),
  );
  const widths = headers.map((h, i) =>
    Math.max(h.length, ...text.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: string[], numeric: boolean[]) =>
    cells
      .map((cell, i) => (numeric[i] ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const numericColumns = headers.map((_, i) => rows.some((row) => typeof row[i] === 'number'));
  return [
    line(headers, numericColumns),
    line(
      widths.map((w) => '-'.repeat(w)),
      numericColumns,
    ),
    ...text.map((cells) => line(cells, numericColumns)),
  ].join('\n');
}

function format(value: number): string {
  if (!Number.isFinite(value)) return '-';
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(2);
}

/** The machine-readable tail: one JSON object per line, always the last thing printed. */
export function printJsonLines(records: object[]): void {
  for (const record of records) process.stdout.write(`${JSON.stringify(record)}\n`);
}

export const CPU_NOTE =
  '(node/pg cpu ms/req: CPU time per request of the server process and of its PostgreSQL\n' +
  ' backends, which competing load inflates far less than req/s and latency. cpu: what the\n' +
  ' server, backends and load generator used over all cores x wall time; well under ~90% means\n' +
  ' something else on the machine competed, so req/s and latency deserve less trust)';
