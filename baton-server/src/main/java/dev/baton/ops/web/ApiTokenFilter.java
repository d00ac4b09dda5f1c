package dev.baton.ops.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** When BATON_API_TOKEN is set, every /api call must carry {@code Authorization: Bearer <token>}. */
public class ApiTokenFilter extends OncePerRequestFilter {
    private final byte[] token;

    public ApiTokenFilter(String token) {
        this.token = token.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Decided on the path the container maps (decoded, without ;parameters), not the raw URI: otherwise
     * {@code /%61pi/…} or {@code /api;x=1/…} would reach the API without a token.
     */
    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        return !(path.equals("/api") || path.startsWith("/api/"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain) throws ServletException, IOException {
        String header = request.getHeader("Authorization");
        byte[] given = header != null && header.startsWith("Bearer ") ? header.substring(7).trim().getBytes(StandardCharsets.UTF_8) : new byte[0];
        // Constant-time comparison: the response time must not tell how much of a guessed token was right.
        if (!MessageDigest.isEqual(token, given)) {
            response.setStatus(401);
            response.setHeader("WWW-Authenticate", "Bearer");
            response.setContentType("application/problem+json");
            response.getWriter().write("{\"type\":\"https://baton.dev/problems/auth.unauthenticated\",\"title\":\"Unauthorized\",\"status\":401,"
                    + "\"detail\":\"" + (header == null ? "missing Authorization: Bearer token" : "invalid token") + "\",\"code\":\"auth.unauthenticated\",\"problems\":[]}");
            return;
        }
        chain.doFilter(request, response);
    }
}
