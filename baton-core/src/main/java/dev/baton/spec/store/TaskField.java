package dev.baton.spec.store;

/** The task fields that outside agents and Baton both write, as the file names them. */
public enum TaskField {
    STATUS("status"), ASSIGNED_TO("assignedTo"), STARTED_AT("startedAt");

    private final String key;

    TaskField(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }
}
