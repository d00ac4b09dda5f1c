package dev.baton.cleanup;

/** Seed 001 §7.4: OK at or above DISK_WARNING_THRESHOLD_GB free, WARNING below it, CRITICAL below DISK_CRITICAL_THRESHOLD_GB. */
public enum DiskStatus {
    OK, WARNING, CRITICAL
}
