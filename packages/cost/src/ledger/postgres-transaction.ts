import type { Pool, PoolClient } from 'pg';

/**
 * Runs `work` in a transaction on one pooled client: committed when it resolves, rolled back
 * when it throws (the first error is the one rethrown).
 */
export async function inTransaction<T>(
  pool: Pool,
  work: (client: PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  // A checked-out client has no pool listener: a connection lost mid-transaction would emit an
  // unhandled 'error' and end the process. The query in flight fails with it anyway.
  const ignore = () => {};
  client.on('error', ignore);
  let failed = false;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    failed = true;
    // On a dead connection ROLLBACK fails too; the error worth reporting is the first one.
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    // A client that failed is destroyed rather than handed, half-broken, to the next caller;
    // it keeps the listener because ending it may still report the lost connection.
    if (!failed) client.off('error', ignore);
    client.release(failed);
  }
}
