export { createTestDatabase, type TestDatabase } from './database.ts';
export { startTestDnsServer, type TestDnsServer } from './dns-server.ts';
export { databaseUrl, templateDatabase, testServices } from './env.ts';
export { createTestRedis, type TestRedis } from './redis.ts';
