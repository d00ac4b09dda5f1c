package dev.baton.ops.web;

import dev.baton.shared.BatonException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

import java.net.URI;
import java.util.List;

/**
 * The one mapping from the failure taxonomy to HTTP: RFC 9457 problem+json with a stable {@code code}
 * and, for invalid input, the list of problems (file, line, column, field, message).
 */
@RestControllerAdvice
public class ProblemResponses {
    private static final Logger log = LoggerFactory.getLogger(ProblemResponses.class);

    @ExceptionHandler(BatonException.class)
    ResponseEntity<ProblemDetail> baton(BatonException e) {
        HttpStatus status = switch (e) {
            case BatonException.NotFound n -> HttpStatus.NOT_FOUND;
            case BatonException.Conflict c -> HttpStatus.CONFLICT;
            case BatonException.Invalid i -> HttpStatus.BAD_REQUEST;
            case BatonException.Transient t -> HttpStatus.SERVICE_UNAVAILABLE;
        };
        if (e instanceof BatonException.Transient) log.warn("transient failure: {}", e.getMessage(), e);
        ProblemDetail p = problem(status, e.code(), e.getMessage());
        if (e instanceof BatonException.Invalid invalid && !invalid.problems().isEmpty()) {
            p.setProperty("problems", invalid.problems());
        }
        if (e instanceof BatonException.Conflict conflict && !conflict.problems().isEmpty()) {
            p.setProperty("problems", conflict.problems());
        }
        return respond(p);
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ProblemDetail> unreadable(HttpMessageNotReadableException e) {
        String detail = e.getMostSpecificCause().getMessage();
        return respond(problem(HttpStatus.BAD_REQUEST, "request.unreadable", "request body could not be read: " + firstLine(detail)));
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<ProblemDetail> mediaType(HttpMediaTypeNotSupportedException e) {
        return respond(problem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "request.media-type",
                "content type " + e.getContentType() + " is not accepted here; use one of " + e.getSupportedMediaTypes()));
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<ProblemDetail> method(HttpRequestMethodNotSupportedException e) {
        return respond(problem(HttpStatus.METHOD_NOT_ALLOWED, "request.method", e.getMessage()));
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ProblemDetail> mismatch(MethodArgumentTypeMismatchException e) {
        return respond(problem(HttpStatus.BAD_REQUEST, "request.parameter", "parameter '" + e.getName() + "' has an invalid value '" + e.getValue() + "'"));
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<ProblemDetail> noResource(NoResourceFoundException e) {
        return respond(problem(HttpStatus.NOT_FOUND, "request.not-found", "no such endpoint: /" + e.getResourcePath()));
    }

    /** Anything unexpected is a 500 problem too; the details go to the log, not to the caller. */
    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e) {
        // Spring MVC's own request errors (missing parameter, not acceptable, …) keep their status.
        if (e instanceof org.springframework.web.ErrorResponse known && known.getStatusCode().value() < 500) {
            return respond(problem(known.getStatusCode(), "request.invalid", known.getBody().getDetail() != null ? known.getBody().getDetail() : e.getMessage()));
        }
        log.error("unexpected error: {}", e.toString(), e);
        return respond(problem(HttpStatus.INTERNAL_SERVER_ERROR, "server.error", "an unexpected error occurred; see the server log"));
    }

    private static ProblemDetail problem(HttpStatusCode status, String code, String detail) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
        p.setType(URI.create("https://baton.dev/problems/" + code));
        p.setProperty("code", code);
        p.setProperty("problems", List.of());
        return p;
    }

    private static ResponseEntity<ProblemDetail> respond(ProblemDetail p) {
        return ResponseEntity.status(p.getStatus()).contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON).body(p);
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
