package dev.baton.store;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;

/**
 * Binds statement parameters in order with explicit SQL types, so that a null never makes the driver (or
 * Spring) ask the database for parameter metadata: no extra round trip per statement.
 */
final class Params {
    private final PreparedStatement ps;
    private final Dialect dialect;
    private int index;

    Params(PreparedStatement ps, Dialect dialect) {
        this.ps = ps;
        this.dialect = dialect;
    }

    Params text(String value) throws SQLException {
        if (value == null) ps.setNull(++index, Types.VARCHAR);
        else ps.setString(++index, value);
        return this;
    }

    Params integer(int value) throws SQLException {
        ps.setInt(++index, value);
        return this;
    }

    Params nullableInteger(Integer value) throws SQLException {
        if (value == null) ps.setNull(++index, Types.INTEGER);
        else ps.setInt(++index, value);
        return this;
    }

    Params bigint(long value) throws SQLException {
        ps.setLong(++index, value);
        return this;
    }

    Params bool(boolean value) throws SQLException {
        ps.setBoolean(++index, value);
        return this;
    }

    Params instant(Instant value) throws SQLException {
        dialect.setInstant(ps, ++index, value);
        return this;
    }

    /** Binds an enum by its name. */
    Params name(Enum<?> value) throws SQLException {
        return text(value == null ? null : value.name());
    }
}
