package io.poolkeeper.sidecar.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.poolkeeper.sidecar.session.SessionStateScanner.Effects;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the scanner finds in query texts: the statements that leave state on a server session,
 * and nothing in comments, literals, quoted identifiers or dollar-quoted bodies.
 */
class SessionStateScannerTest {

    private static Effects scan(String sql) {
        return SessionStateScanner.scan(sql);
    }

    @Nested
    class Settings {
        @Test
        void whenASettingIsSetThenItsLowercasedNameIsTouched() {
            Effects e = scan("SET Search_Path TO app, public");
            assertThat(e.has(Effects.SETTING)).isTrue();
            assertThat(e.touchedSettings()).containsExactly("search_path");
        }

        @Test
        void whenSetUsesAnEqualsSignWithoutSpacesThenTheNameStillStandsAlone() {
            assertThat(scan("set statement_timeout='5s'").touchedSettings()).containsExactly("statement_timeout");
        }

        @Test
        void whenACustomDottedSettingIsSetThenTheWholeNameIsTouched() {
            assertThat(scan("SET myapp.tenant_id = 7").touchedSettings()).containsExactly("myapp.tenant_id");
        }

        @Test
        void whenSetSessionIsUsedThenItIsASessionSetting() {
            assertThat(scan("SET SESSION work_mem = '8MB'").touchedSettings()).containsExactly("work_mem");
        }

        @Test
        void whenSetLocalIsUsedThenNothingOutlivesTheTransaction() {
            assertThat(scan("SET LOCAL work_mem = '8MB'")).isEqualTo(Effects.NONE);
            assertThat(scan("set local time zone 'UTC'")).isEqualTo(Effects.NONE);
        }

        @Test
        void whenTheTimeZoneIsSetOrResetThenTimeZoneIsTouched() {
            assertThat(scan("SET TIME ZONE 'Europe/Berlin'").touchedSettings()).containsExactly("TimeZone");
            assertThat(scan("set session time zone local").touchedSettings()).containsExactly("TimeZone");
            assertThat(scan("RESET TIME ZONE").touchedSettings()).containsExactly("TimeZone");
        }

        @Test
        void whenTheRoleIsSetOrResetThenRoleIsTouched() {
            assertThat(scan("SET ROLE reporting").touchedSettings()).containsExactly("role");
            assertThat(scan("SET SESSION ROLE reporting").touchedSettings()).containsExactly("role");
            assertThat(scan("RESET ROLE").touchedSettings()).containsExactly("role");
        }

        @Test
        void whenSessionAuthorizationIsSetOrResetThenItIsTouched() {
            assertThat(scan("SET SESSION AUTHORIZATION alice").touchedSettings()).containsExactly("session_authorization");
            assertThat(scan("RESET SESSION AUTHORIZATION").touchedSettings()).containsExactly("session_authorization");
        }

        @Test
        void whenSessionCharacteristicsAreSetThenTheThreeTransactionDefaultsAreTouched() {
            Effects e = scan("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE, READ ONLY");
            assertThat(e.touchedSettings()).containsExactly(
                    "default_transaction_isolation", "default_transaction_read_only", "default_transaction_deferrable");
        }

        @Test
        void whenSetTakesAShorthandThenTheRealSettingIsTouched() {
            assertThat(scan("SET NAMES 'UTF8'").touchedSettings()).containsExactly("client_encoding");
            assertThat(scan("SET SCHEMA 'app'").touchedSettings()).containsExactly("search_path");
            assertThat(scan("SET XML OPTION DOCUMENT").touchedSettings()).containsExactly("xmloption");
        }

        @Test
        void whenOnlyTheTransactionOrConstraintsAreSetThenNothingIsTracked() {
            assertThat(scan("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")).isEqualTo(Effects.NONE);
            assertThat(scan("SET CONSTRAINTS ALL DEFERRED")).isEqualTo(Effects.NONE);
        }

        @Test
        void whenAQuotedSettingNameIsSetThenItKeepsItsCase() {
            assertThat(scan("SET \"TimeZone\" = 'UTC'").touchedSettings()).containsExactly("TimeZone");
        }

        @Test
        void whenASettingIsResetThenItIsTouched() {
            Effects e = scan("RESET statement_timeout");
            assertThat(e.has(Effects.SETTING)).isTrue();
            assertThat(e.touchedSettings()).containsExactly("statement_timeout");
        }

        @Test
        void whenEverythingIsResetThenResetAllIsFlagged() {
            Effects e = scan("RESET ALL");
            assertThat(e.has(Effects.RESET_ALL)).isTrue();
            assertThat(e.has(Effects.SETTING)).isFalse();
        }

        @Test
        void whenDiscardAllIsSentThenDiscardAllIsFlaggedButOtherDiscardsAreNot() {
            assertThat(scan("DISCARD ALL").has(Effects.DISCARD_ALL)).isTrue();
            assertThat(scan("discard plans")).isEqualTo(Effects.NONE);
            assertThat(scan("DISCARD TEMP")).isEqualTo(Effects.NONE);
        }
    }

    @Nested
    class SessionObjects {
        @ParameterizedTest
        @ValueSource(strings = {
                "CREATE TEMP TABLE t (a int)",
                "create temporary table t (a int)",
                "CREATE GLOBAL TEMPORARY TABLE t (a int)",
                "CREATE GLOBAL TEMP TABLE t (a int)",
                "CREATE LOCAL TEMP TABLE t AS SELECT 1",
                "CREATE OR REPLACE TEMP VIEW v AS SELECT 1",
                "create temp sequence s"})
        void whenATemporaryObjectIsCreatedThenTempObjectsIsFlagged(String sql) {
            assertThat(scan(sql).has(Effects.TEMP_OBJECTS)).isTrue();
        }

        @ParameterizedTest
        @ValueSource(strings = {
                "CREATE TABLE t (a int)",
                "CREATE UNLOGGED TABLE t (a int)",
                "CREATE TABLE \"temp\" (a int)",
                "CREATE TABLE temp_data (a int)",
                "CREATE INDEX temp ON t (a)"})
        void whenAPermanentObjectIsCreatedThenNothingIsFlagged(String sql) {
            assertThat(scan(sql)).isEqualTo(Effects.NONE);
        }

        @Test
        void whenACursorIsDeclaredWithHoldThenHoldCursorIsFlagged() {
            assertThat(scan("DECLARE c CURSOR WITH HOLD FOR SELECT 1").has(Effects.HOLD_CURSOR)).isTrue();
            assertThat(scan("declare c binary no scroll cursor with hold for select 1").has(Effects.HOLD_CURSOR)).isTrue();
        }

        @Test
        void whenACursorIsDeclaredWithoutHoldThenNothingIsFlagged() {
            assertThat(scan("DECLARE c CURSOR WITHOUT HOLD FOR SELECT 1")).isEqualTo(Effects.NONE);
            assertThat(scan("DECLARE c CURSOR FOR SELECT 1")).isEqualTo(Effects.NONE);
        }

        @Test
        void whenWithHoldAppearsOnlyInTheCursorsQueryThenNothingIsFlagged() {
            assertThat(scan("DECLARE c CURSOR FOR WITH hold AS (SELECT 1) SELECT * FROM hold")).isEqualTo(Effects.NONE);
            assertThat(scan("DECLARE c CURSOR FOR SELECT 'with hold'")).isEqualTo(Effects.NONE);
        }

        @Test
        void whenAStatementIsPreparedInSqlThenSqlPrepareIsFlagged() {
            assertThat(scan("PREPARE q (int) AS SELECT $1").has(Effects.SQL_PREPARE)).isTrue();
        }

        @Test
        void whenATransactionIsPreparedForTwoPhaseCommitThenNothingIsFlagged() {
            assertThat(scan("PREPARE TRANSACTION 'tx-1'")).isEqualTo(Effects.NONE);
        }

        @Test
        void whenTheClientListensThenListenIsFlaggedButUnlistenIsNot() {
            assertThat(scan("LISTEN jobs").has(Effects.LISTEN)).isTrue();
            assertThat(scan("UNLISTEN *")).isEqualTo(Effects.NONE);
            assertThat(scan("NOTIFY jobs, 'listen'")).isEqualTo(Effects.NONE);
        }

        @ParameterizedTest
        @ValueSource(strings = {
                "SELECT pg_advisory_lock(42)",
                "select pg_try_advisory_lock(1, 2)",
                "SELECT PG_ADVISORY_LOCK_SHARED(7)",
                "select pg_catalog.pg_advisory_lock(1)",
                "DO $$ BEGIN PERFORM pg_advisory_lock(1); END $$"})
        void whenASessionAdvisoryLockIsTakenThenAdvisoryLockIsFlagged(String sql) {
            assertThat(scan(sql).has(Effects.ADVISORY_LOCK)).isTrue();
        }

        @ParameterizedTest
        @ValueSource(strings = {
                "SELECT pg_advisory_xact_lock(42)",
                "select pg_try_advisory_xact_lock_shared(1)",
                "SELECT pg_advisory_unlock(42)"})
        void whenOnlyATransactionAdvisoryLockIsTakenThenNothingIsFlagged(String sql) {
            assertThat(scan(sql)).isEqualTo(Effects.NONE);
        }
    }

    @Nested
    class MultiStatementTexts {
        @Test
        void whenATextHoldsSeveralStatementsThenEachIsRead() {
            Effects e = scan("BEGIN; SET LOCAL a.b = 1; SET search_path = x; CREATE TEMP TABLE t (a int); COMMIT; LISTEN ch");
            assertThat(e.touchedSettings()).containsExactly("search_path");
            assertThat(e.has(Effects.TEMP_OBJECTS)).isTrue();
            assertThat(e.has(Effects.LISTEN)).isTrue();
            assertThat(e.has(Effects.SQL_PREPARE)).isFalse();
        }

        @Test
        void whenStatementsHaveNoSpaceAfterTheSemicolonThenTheNextIsStillRead() {
            assertThat(scan("select 1;set work_mem='1MB';;;reset statement_timeout;").touchedSettings())
                    .containsExactly("work_mem", "statement_timeout");
        }

        @Test
        void whenOneStatementEndsWithASemicolonThenItIsReadAsOneAndWhatFollowsASemicolonIsStillRead() {
            assertThat(scan("SELECT abalance FROM pgbench_accounts WHERE aid = 42;")).isEqualTo(Effects.NONE);
            assertThat(scan("select 1; \n\t")).isEqualTo(Effects.NONE);
            assertThat(scan("select 1;\nset work_mem = '1MB'").touchedSettings()).containsExactly("work_mem");
            assertThat(scan("select 'a;b';")).isEqualTo(Effects.NONE);
            assertThat(scan("select pg_advisory_lock(1);").has(Effects.ADVISORY_LOCK)).isTrue();
        }

        @Test
        void whenOrdinaryStatementsAreSentThenTheAnswerIsNone() {
            assertThat(scan("select * from settings where name = 'x'; update t set role = 'admin'; insert into listen values (1)"))
                    .isEqualTo(Effects.NONE);
            assertThat(scan("")).isEqualTo(Effects.NONE);
            assertThat(scan("  ;  ")).isEqualTo(Effects.NONE);
        }
    }

    @Nested
    class QuotingAndComments {
        @Test
        void whenKeywordsAreInCommentsThenTheyAreNotRead() {
            assertThat(scan("-- SET search_path = x\nSELECT 1")).isEqualTo(Effects.NONE);
            assertThat(scan("/* LISTEN ch; */ SELECT 1")).isEqualTo(Effects.NONE);
            assertThat(scan("/* outer /* nested ; listen ch */ still comment; set a = 1 */ SELECT 1")).isEqualTo(Effects.NONE);
            assertThat(scan("SELECT 1 -- ; LISTEN ch")).isEqualTo(Effects.NONE);
            assertThat(scan("SELECT 1 /* ; CREATE TEMP TABLE t (a int) */")).isEqualTo(Effects.NONE);
        }

        @Test
        void whenACommentComesBeforeTheStatementThenTheStatementIsStillRead() {
            assertThat(scan("/* app: checkout */ SET search_path = shop").touchedSettings()).containsExactly("search_path");
            assertThat(scan("-- tag\n  -- another\nLISTEN ch").has(Effects.LISTEN)).isTrue();
        }

        @Test
        void whenKeywordsAreInStringLiteralsThenTheyAreNotRead() {
            assertThat(scan("SELECT '; SET search_path = x'")).isEqualTo(Effects.NONE);
            assertThat(scan("SELECT 'it''s; LISTEN ch'")).isEqualTo(Effects.NONE);
            assertThat(scan("SELECT '--', 1; SET work_mem = '1MB'").touchedSettings()).containsExactly("work_mem");
            assertThat(scan("SELECT '/*'; SET work_mem = '1MB'").touchedSettings()).containsExactly("work_mem");
        }

        @Test
        void whenAnEscapeStringHidesAQuoteBehindABackslashThenTheStringEndsWhereSqlSaysItDoes() {
            assertThat(scan("SELECT E'\\'; LISTEN ch; --'")).isEqualTo(Effects.NONE);
            assertThat(scan("SELECT e'a\\\\'; SET work_mem = '1MB'").touchedSettings()).containsExactly("work_mem");
        }

        @Test
        void whenAStandardStringEndsInABackslashThenTheNextStatementIsRead() {
            assertThat(scan("SELECT 'C:\\'; LISTEN ch").has(Effects.LISTEN)).isTrue();
        }

        @Test
        void whenATypedLiteralsTypeNameEndsInEThenItIsNotTakenForAnEscapeString() {
            // date'...' is a standard string: the backslash is a character, the quote after it ends the literal
            assertThat(scan("SELECT date'\\'; SET work_mem = '1MB'; --'").touchedSettings()).containsExactly("work_mem");
        }

        @Test
        void whenKeywordsAreInDollarQuotesThenTheyAreNotRead() {
            assertThat(scan("SELECT $$; SET search_path = x; $$")).isEqualTo(Effects.NONE);
            assertThat(scan("DO $body$ BEGIN EXECUTE 'LISTEN x'; END $body$; SET work_mem = '1MB'").touchedSettings())
                    .containsExactly("work_mem");
            assertThat(scan("SELECT $a$ $b$ ; listen ch $b$ $a$")).isEqualTo(Effects.NONE);
        }

        @Test
        void whenParametersLookLikeDollarQuotesThenTheyAreNotTakenForOne() {
            assertThat(scan("SELECT $1, $2; SET work_mem = '1MB'").touchedSettings()).containsExactly("work_mem");
        }

        @Test
        void whenAnIdentifierContainsDollarSignsThenItIsNotTakenForADollarQuote() {
            assertThat(scan("SELECT 1, a$b$c FROM t; SET work_mem = '1MB'").touchedSettings()).containsExactly("work_mem");
        }

        @Test
        void whenKeywordsAreQuotedIdentifiersThenTheyAreNotRead() {
            assertThat(scan("SELECT \";listen ch;\" FROM t")).isEqualTo(Effects.NONE);
            assertThat(scan("SELECT 1 AS \"a\"\"; set x = 1\"")).isEqualTo(Effects.NONE);
        }

        @Test
        void whenAnAdvisoryLockNameAppearsAnywhereInAStatementThenItIsFlaggedToBeSafe() {
            // deliberate: dynamic SQL can take the lock from inside a literal, and a false alarm costs
            // only one pg_advisory_unlock_all() at the end of the transaction; a miss would leak the lock
            assertThat(scan("DO $$ BEGIN EXECUTE 'SELECT pg_advisory_lock(1)'; END $$").has(Effects.ADVISORY_LOCK)).isTrue();
            assertThat(scan("SELECT 'pg_advisory_lock(1)'").has(Effects.ADVISORY_LOCK)).isTrue();
        }

        @Test
        void whenAnAdvisoryLockNameIsInAnotherStatementOfTheTextThenOnlyThatStatementIsFlagged() {
            Effects e = scan("SELECT pg_advisory_xact_lock(1); SET work_mem = '1MB'; SELECT 'no lock here'");
            assertThat(e.has(Effects.ADVISORY_LOCK)).isFalse();
            assertThat(e.touchedSettings()).containsExactly("work_mem");
        }
    }
}
