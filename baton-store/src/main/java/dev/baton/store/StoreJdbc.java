package dev.baton.store;

import dev.baton.shared.BatonException;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.support.SQLExceptionSubclassTranslator;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionTemplate;

import javax.sql.DataSource;
import java.util.function.Supplier;

/**
 * The JDBC plumbing the tables share: a writer and a reader template (the same pool on PostgreSQL),
 * write transactions, and the translation of SQL failures into {@link BatonException}s.
 */
final class StoreJdbc {
    final Dialect dialect;
    /** Every INSERT/UPDATE/DELETE goes here (SQLite: the single writer connection). */
    final JdbcTemplate writer;
    /** Single-statement reads; a statement sees one consistent snapshot on both databases. */
    final JdbcTemplate reader;
    private final TransactionTemplate writeTransaction;

    StoreJdbc(Dialect dialect, DataSource writer, DataSource reader) {
        this.dialect = dialect;
        this.writer = template(writer);
        this.reader = template(reader);
        this.writeTransaction = new TransactionTemplate(new DataSourceTransactionManager(writer));
    }

    private static JdbcTemplate template(DataSource dataSource) {
        JdbcTemplate t = new JdbcTemplate(dataSource);
        // The subclass translator needs no database metadata lookup; we classify failures ourselves anyway.
        t.setExceptionTranslator(new SQLExceptionSubclassTranslator());
        return t;
    }

    /** Runs {@code body} in one transaction on the writer. */
    void inWriteTransaction(Runnable body) {
        writeTransaction.executeWithoutResult(status -> body.run());
    }

    /** For failures that mean nothing special to the caller. */
    RuntimeException translate(RuntimeException failure) {
        return translate(failure, null, null);
    }

    /**
     * @param onDuplicate     what a unique violation means here, or null when it is unexpected
     * @param onMissingParent what a foreign-key violation means here, or null when it is unexpected
     * @return the exception to throw: a BatonException when the failure is understood, else the failure itself
     */
    RuntimeException translate(RuntimeException failure, Supplier<? extends BatonException> onDuplicate,
                               Supplier<? extends BatonException> onMissingParent) {
        if (failure instanceof BatonException) return failure;
        if (!(failure instanceof DataAccessException) && !(failure instanceof TransactionException)) return failure;
        Dialect.Failure kind = dialect.classify(failure);
        if (kind == Dialect.Failure.DUPLICATE_KEY && onDuplicate != null) return onDuplicate.get();
        if (kind == Dialect.Failure.MISSING_PARENT && onMissingParent != null) return onMissingParent.get();
        if (kind == Dialect.Failure.TRANSIENT || failure instanceof CannotGetJdbcConnectionException
                || failure instanceof CannotCreateTransactionException) {
            return new BatonException.Transient("store.unavailable",
                    "the database is busy or unreachable, try again: " + rootMessage(failure), failure);
        }
        return failure;
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        return DatabaseUrl.maskSecrets(String.valueOf(root.getMessage()));
    }
}
