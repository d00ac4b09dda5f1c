package dev.baton.logs.store;

/** Told once per appended batch, on the writer thread: keep it short (hand off, do not block). */
public interface AppendCallback {

    /** The batch is durably stored; {@code highWaterMark} is the stream's highest stored sequence. */
    void stored(long highWaterMark);

    /** The batch could not be stored. */
    void failed(Throwable failure);
}
