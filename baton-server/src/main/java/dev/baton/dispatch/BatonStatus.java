package dev.baton.dispatch;

import dev.baton.shared.BatonException;
import io.grpc.Status;

/** The one mapping of Baton's failure taxonomy to gRPC statuses, for the services that call application code. */
final class BatonStatus {
    private BatonStatus() {
    }

    static Status of(BatonException e) {
        Status s = switch (e) {
            case BatonException.NotFound ignored -> Status.NOT_FOUND;
            case BatonException.Conflict ignored -> Status.FAILED_PRECONDITION;
            case BatonException.Invalid ignored -> Status.INVALID_ARGUMENT;
            case BatonException.Transient ignored -> Status.UNAVAILABLE;
        };
        return s.withDescription(e.getMessage());
    }
}
