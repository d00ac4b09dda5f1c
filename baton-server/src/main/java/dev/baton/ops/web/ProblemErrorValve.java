package dev.baton.ops.web;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Requests Tomcat refuses before Spring sees them (an encoded slash or NUL in the path, an oversize
 * header) get the same problem+json as every other error instead of Tomcat's HTML page.
 */
public class ProblemErrorValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.isCommitted()) return;
        String body = "{\"type\":\"https://baton.dev/problems/request.rejected\",\"title\":\"" + reason(status)
                + "\",\"status\":" + status + ",\"detail\":\"the server refused this request before reading it (HTTP " + status
                + "): check the path and the size of the headers\",\"code\":\"request.rejected\",\"problems\":[]}";
        try {
            response.setContentType("application/problem+json");
            response.setCharacterEncoding("UTF-8");
            response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
            response.finishResponse();
        } catch (IOException | IllegalStateException e) {
            // The client went away; nothing left to tell it.
        }
    }

    private static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 413 -> "Content Too Large";
            case 431 -> "Request Header Fields Too Large";
            default -> status >= 500 ? "Server Error" : "Client Error";
        };
    }
}
