// The testing package depends on db, which domains depends on too; importing it by path
// keeps the workspace graph one-way (as in packages/db and packages/tenancy).
export {
  createTestDatabase,
  createTestRedis,
  startPebble,
  startPowerDns,
  startTestDnsServer,
  type TestDatabase,
  type TestDnsServer,
  type TestPebble,
  type TestPowerDns,
  type TestRedis,
} from '../../testing/src/index.ts';
