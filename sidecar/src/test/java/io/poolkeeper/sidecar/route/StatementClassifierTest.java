package io.poolkeeper.sidecar.route;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What may go to a replica. A read sent to the primary costs a little load; a write sent to a
 * replica fails with 25006, so every doubt must land on the write side.
 */
class StatementClassifierTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "select 1",
        "SELECT abalance FROM pgbench_accounts WHERE aid = $1",
        "  \n\t select 1;",
        "select 1 ;  \n",
        "(select 1) union (select 2)",
        "with t as (select 1 as x) select x from t",
        "values (1), (2)",
        "table pgbench_branches",
        "show search_path",
        "set search_path = app, public",
        "reset all",
        "explain select * from t",
        "begin read only",
        "BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY",
        "start transaction read only",
        "-- a comment first\nselect 1",
        "/* a block comment */ select 1",
        "select 'no insert here, this is text' as note",
        "select \"into\" from t",
        "select lo_get(42)",
    })
    void certainReadsGoToReplicas(String sql) {
        assertThat(StatementClassifier.isRead(sql)).as(sql).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "insert into t values (1)",
        "update t set x = 1",
        "delete from t",
        "merge into t using s on t.id = s.id when matched then delete",
        "copy t from stdin",
        "call p()",
        "do $$ begin perform 1; end $$",
        "create table t (x int)",
        "truncate t",
        "vacuum",
        "begin",
        "begin read write",
        "start transaction",
        "start transaction isolation level serializable",
        "begin read only; insert into t values (1)",
        "select * from t for update",
        "select * from t for share",
        "select * from t for no key update skip locked",
        "select * into copy_of_t from t",
        "with d as (delete from t returning *) select * from d",
        "with u as (update t set x = 1 returning *) select * from u",
        "select nextval('s')",
        "select setval('s', 1)",
        "select pg_advisory_lock(1)",
        "select pg_try_advisory_lock(1)",
        "select set_config('x.y', '1', false)",
        "select pg_notify('c', 'm')",
        "select txid_current()",
        "select lo_create(0)",
        "select pg_terminate_backend(42)",
        "select 1; select 2",
        "select 1; insert into t values (1)",
        "explain analyze select * from t",
        "explain (analyze, buffers) delete from t",
        "explain analyse select 1",
        "set transaction read only",
        "set session characteristics as transaction read write",
        "show all; delete from t",
        "select E'it\\'s' , 1 from t for update",
        "select e'\\'' from t for update",
        "",
        "   ",
        "-- only a comment",
        "listen channel",
        "prepare p as insert into t values (1)",
        "execute p",
        "lock table t",
    })
    void writesAndAnythingInDoubtGoToThePrimary(String sql) {
        assertThat(StatementClassifier.isRead(sql)).as(sql).isFalse();
    }
}
