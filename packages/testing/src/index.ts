export { createTestDatabase, type TestDatabase } from './database.ts';
export { databaseUrl, TEMPLATE_DATABASE, testServices } from './env.ts';
export { createTestRedis, type TestRedis } from './redis.ts';
