package dev.baton.logs.store;

/** A worker's log stream: the de-duplication scope of sequence numbers. */
public record StreamKey(String workerId, String streamId) {
}
