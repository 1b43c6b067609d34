// packages/tenancy does not list @tenantkit/testing as a dependency, so the test helpers are
// reached by path. One place to change if that dependency is ever added.
export {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
} from '../../testing/src/index.ts';
