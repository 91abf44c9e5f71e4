'use strict';
// A node-postgres smoke test: run it against a server or through the sidecar, with the
// connection taken from PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE (and PGSSLMODE).
// Prints one JSON summary line on stdout; exits 1 on any mismatch, 2 on an unexpected error.
//
//   npm ci --prefix clients/node && PGPORT=6432 ... node clients/node/smoke.js

const { Pool } = require('pg');

const CLIENTS = 4;
const TABLE = 'node_smoke';
const mismatches = [];

function expectEqual(what, actual, expected) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) mismatches.push(`${what}: expected ${e}, got ${a}`);
}

// Parameterized queries in parallel over every client of the pool.
async function parameterized(pool) {
  const n = 40;
  const results = await Promise.all(Array.from({ length: n }, (_, i) =>
    pool.query('select $1::int + $2::int as sum, $3::text as label', [i, 1000, `row-${i}`])));
  results.forEach((r, i) => {
    expectEqual(`parameterized #${i}`, r.rows, [{ sum: i + 1000, label: `row-${i}` }]);
  });
  return n;
}

// The same named prepared statement from several connections at once: node-postgres parses
// 'fetch' once per connection and then only binds and executes it.
async function preparedStatement(pool) {
  const perClient = 25;
  const runs = await Promise.all(Array.from({ length: CLIENTS }, async (_, c) => {
    const client = await pool.connect();
    try {
      for (let i = 0; i < perClient; i++) {
        const r = await client.query({
          name: 'fetch',
          text: 'select $1::int * 2 as doubled, $2::text as who',
          values: [i, `client-${c}`],
        });
        expectEqual(`prepared client ${c} run ${i}`, r.rows, [{ doubled: i * 2, who: `client-${c}` }]);
      }
      return perClient;
    } finally {
      client.release();
    }
  }));
  return runs.reduce((a, b) => a + b, 0);
}

// A committed and a rolled-back transaction: only the committed rows remain.
async function transactions(pool) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    for (let i = 1; i <= 3; i++) await client.query(`insert into ${TABLE} (id, note) values ($1, $2)`, [i, `committed ${i}`]);
    const inside = await client.query(`select count(*)::int as n from ${TABLE}`);
    expectEqual('rows seen inside the transaction', inside.rows[0].n, 3);
    await client.query('COMMIT');

    await client.query('BEGIN');
    await client.query(`insert into ${TABLE} (id, note) values (99, 'rolled back')`);
    await client.query('ROLLBACK');
  } finally {
    client.release();
  }
  const after = await pool.query(`select id, note from ${TABLE} order by id`);
  expectEqual('rows after commit and rollback', after.rows.map((r) => r.id), [1, 2, 3]);
  return after.rows.length;
}

// Errors carry the server's SQLSTATE, and the pool stays usable after them.
async function errors(pool) {
  const codes = {};
  for (const [name, sql, params] of [
    ['divisionByZero', 'select 1 / $1::int', [0]],
    ['uniqueViolation', `insert into ${TABLE} (id, note) values (1, 'duplicate')`, []],
    ['undefinedTable', 'select * from no_such_table_node_smoke', []],
  ]) {
    try {
      await pool.query(sql, params);
      mismatches.push(`${name}: the query succeeded but should have failed`);
    } catch (e) {
      codes[name] = e.code;
    }
  }
  expectEqual('error codes', codes, { divisionByZero: '22012', uniqueViolation: '23505', undefinedTable: '42P01' });
  // inside a transaction the error aborts it, and ROLLBACK recovers the connection
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const failed = await client.query('select 1 / 0').then(() => null, (e) => e.code);
    expectEqual('error inside a transaction', failed, '22012');
    const aborted = await client.query('select 1').then(() => null, (e) => e.code);
    expectEqual('statement after an error in a transaction', aborted, '25P02');
    await client.query('ROLLBACK');
    const ok = await client.query('select 1 as one');
    expectEqual('statement after rollback', ok.rows, [{ one: 1 }]);
  } finally {
    client.release();
  }
  return codes;
}

async function main() {
  const pool = new Pool({ max: CLIENTS, application_name: 'node-smoke' });
  pool.on('error', (e) => mismatches.push(`idle client error: ${e.message}`));
  try {
    await pool.query(`create table if not exists ${TABLE} (id int primary key, note text)`);
    await pool.query(`truncate ${TABLE}`);
    const summary = {
      client: 'node-postgres',
      parameterized: await parameterized(pool),
      prepared: await preparedStatement(pool),
      committedRows: await transactions(pool),
      errorCodes: await errors(pool),
    };
    summary.mismatches = mismatches;
    console.log(JSON.stringify(summary));
  } finally {
    await pool.end();
  }
  process.exitCode = mismatches.length === 0 ? 0 : 1;
}

main().catch((e) => {
  console.error(`smoke.js failed: ${e.stack || e} (code ${e.code})`);
  process.exitCode = 2;
});
