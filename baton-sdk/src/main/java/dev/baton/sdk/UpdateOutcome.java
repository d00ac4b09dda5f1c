package dev.baton.sdk;

/**
 * The result of one update by this client.
 *
 * @param spec    the spec as it is after the update (what this client wrote, or what it found when nothing was left to change)
 * @param written whether this call changed the file and so raised its version by one
 * @param tries   how many times the file was read and the change applied (more than 1 after retries)
 */
public record UpdateOutcome(SpecView spec, boolean written, int tries) {
}
