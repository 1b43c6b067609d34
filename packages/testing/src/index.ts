export { createTestDatabase, type TestDatabase } from './database.ts';
export { startTestDnsServer, type TestDnsServer } from './dns-server.ts';
export { databaseUrl, templateDatabase, testServices } from './env.ts';
export { startPebble, type TestPebble } from './pebble.ts';
export { startPowerDns, type TestPowerDns } from './powerdns.ts';
export { createTestRedis, type TestRedis } from './redis.ts';
export { type ReceivedMail, startTestSmtpServer, type TestSmtpServer } from './smtp.ts';
