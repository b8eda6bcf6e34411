import pg from 'pg';

/** The PostgreSQL the tests use, and whether it answers (tests that need it skip when not). */
export const postgresUrl =
  process.env.LOOM_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export const postgresReachable = await (async () => {
  const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
})();
