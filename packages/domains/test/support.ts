// The testing package depends on db, which domains depends on too; importing it by path
// keeps the workspace graph one-way (as in packages/db and packages/tenancy).
export {
  createTestDatabase,
  startTestDnsServer,
  type TestDatabase,
  type TestDnsServer,
} from '../../testing/src/index.ts';
