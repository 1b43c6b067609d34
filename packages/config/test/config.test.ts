import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  DEV_SECRETS_KEYRING,
  loadApiConfig,
  loadDatabaseConfig,
} from '../src/index.ts';

describe('loadApiConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadApiConfig({});
    expect(config.port).toBe(3000);
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.db.platformDomain).toBe('tenantkit.localhost');
    expect(config.db.adminDatabaseUrl).toBe('postgres://postgres@127.0.0.1:5432/tenantkit');
  });

  it('derives the runtime role URL from DATABASE_URL, dropping the admin password', () => {
    const config = loadDatabaseConfig({ DATABASE_URL: 'postgres://admin:s3cret@db:6543/tk' });
    expect(config.appDatabaseUrl).toBe('postgres://tenantkit_app@db:6543/tk');
  });

  it('keeps an explicit APP_DATABASE_URL', () => {
    const config = loadDatabaseConfig({ APP_DATABASE_URL: 'postgres://app:pw@db/tk' });
    expect(config.appDatabaseUrl).toBe('postgres://app:pw@db/tk');
  });

  it('reports one line per bad variable across both schemas', () => {
    try {
      loadApiConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', PLATFORM_DOMAIN: 'Bad_Host' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const lines = (e as ConfigError).lines;
      expect(lines).toHaveLength(3);
      expect(lines.some((l) => l.startsWith('PORT:'))).toBe(true);
      expect(lines.some((l) => l.startsWith('DATABASE_URL:'))).toBe(true);
      expect(lines.some((l) => l.startsWith('PLATFORM_DOMAIN:'))).toBe(true);
    }
  });

  it('treats empty strings as unset', () => {
    expect(loadApiConfig({ PORT: '' }).port).toBe(3000);
  });

  it('uses the development key ring outside production and refuses to start without one in it', () => {
    expect(loadApiConfig({}).secretsKeyRing).toBe(DEV_SECRETS_KEYRING);
    const ring = `k2:${Buffer.alloc(32, 7).toString('base64')},k1:${Buffer.alloc(32, 1).toString('base64')}`;
    expect(loadApiConfig({ NODE_ENV: 'production', SECRETS_KEYRING: ring }).secretsKeyRing).toBe(
      ring,
    );
    expect(() => loadApiConfig({ NODE_ENV: 'production' })).toThrow(/SECRETS_KEYRING: is required/);
    expect(() => loadApiConfig({ SECRETS_KEYRING: 'k1:short' })).toThrow(
      /SECRETS_KEYRING: must be/,
    );
  });
});
