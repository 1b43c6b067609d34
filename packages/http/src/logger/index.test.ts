import { describe, expect, it } from 'vitest';
import { captureLogger } from './capture.ts';
import { createLogger } from './index.ts';

describe('createLogger', () => {
  it('redacts secret keys at the top level and nested', () => {
    const { logger, lines } = captureLogger();
    logger.info(
      {
        password: 'top-pw',
        user: { email: 'a@example.com', password: 'nested-pw' },
        input: { credentials: { clientSecret: 'cs', apiKey: 'ak', token: 'tk', secret: 's' } },
      },
      'signup',
    );
    const raw = JSON.stringify(lines);
    for (const value of ['top-pw', 'nested-pw', '"cs"', '"ak"', '"tk"', '"s"']) {
      expect(raw).not.toContain(value);
    }
    expect(lines[0]).toMatchObject({
      password: '[REDACTED]',
      user: { email: 'a@example.com', password: '[REDACTED]' },
    });
  });

  it('redacts authorization, cookie and set-cookie headers', () => {
    const { logger, lines } = captureLogger();
    logger.info({
      req: { headers: { authorization: 'Bearer abc', cookie: 'sid=1', accept: 'json' } },
      res: { headers: { 'set-cookie': 'sid=2' } },
    });
    expect(lines[0]).toMatchObject({
      req: { headers: { authorization: '[REDACTED]', cookie: '[REDACTED]', accept: 'json' } },
      res: { headers: { 'set-cookie': '[REDACTED]' } },
    });
  });

  it('redacts at any realistic depth, in arrays, and regardless of key case', () => {
    const { logger, lines } = captureLogger();
    logger.info({
      a: { b: { c: { d: { e: { password: 'deep-pw' } } } } },
      items: [{ token: 'arr-token' }],
      headers: { Authorization: 'Bearer upper', 'Set-Cookie': 'sid=3' },
    });
    const raw = JSON.stringify(lines);
    for (const value of ['deep-pw', 'arr-token', 'upper', 'sid=3']) {
      expect(raw).not.toContain(value);
    }
  });

  it('does not mutate the logged object', () => {
    const { logger } = captureLogger();
    const input = { user: { password: 'pw' }, items: [{ token: 't' }] };
    logger.info(input);
    expect(input.user.password).toBe('pw');
    expect(input.items[0]?.token).toBe('t');
  });

  it('redacts secrets carried on errors and still serializes the error', () => {
    const { logger, lines } = captureLogger();
    const err = Object.assign(new Error('upstream 401'), {
      config: { headers: { Authorization: 'Bearer leaked' } },
    });
    logger.error({ err }, 'call failed');
    expect(JSON.stringify(lines)).not.toContain('leaked');
    expect(lines[0]).toMatchObject({ err: { type: 'Error', message: 'upstream 401' } });
    expect(lines[0]?.err).toHaveProperty('stack');
  });

  it('redacts secrets in child bindings', () => {
    const { logger, lines } = captureLogger();
    logger.child({ token: 'child-token' }).info('hi');
    expect(JSON.stringify(lines)).not.toContain('child-token');
  });

  it('writes nothing at level silent', () => {
    const { logger, lines } = captureLogger('silent');
    logger.error('boom');
    expect(lines).toEqual([]);
  });

  it('formats readable lines when pretty, still redacted', () => {
    const out: string[] = [];
    const logger = createLogger({ pretty: true, destination: { write: (s) => out.push(s) } });
    logger.info({ password: 'pw', tenant: 'acme' }, 'hello');
    expect(out[0]).toMatch(/^\d\d:\d\d:\d\d INFO hello \{.*"tenant":"acme".*\}\n$/);
    expect(out[0]).not.toContain('"pw"');
  });
});
