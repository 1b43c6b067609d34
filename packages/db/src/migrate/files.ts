import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
  /** `-- tenantkit:run-as admin` files run as the connecting admin; all others as the owner. */
  runAsAdmin: boolean;
}

const NAME = /^\d{4}_[a-z0-9_]+\.sql$/;

export async function readMigrations(dir: string): Promise<MigrationFile[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.sql')).sort();
  const files: MigrationFile[] = [];
  for (const name of names) {
    if (!NAME.test(name))
      throw new Error(`migration file name must look like 0001_name.sql: ${name}`);
    const sql = await readFile(join(dir, name), 'utf8');
    files.push({
      name,
      sql,
      checksum: createHash('sha256').update(sql).digest('hex'),
      runAsAdmin: /^--\s*tenantkit:run-as admin\s*$/m.test(sql.split('\n', 1)[0] ?? ''),
    });
  }
  return files;
}
