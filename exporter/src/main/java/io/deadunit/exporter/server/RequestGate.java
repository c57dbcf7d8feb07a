package io.deadunit.exporter.server;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;

import java.util.HashSet;
import java.util.Set;

/**
 * Runs before every handler of the endpoint ({@link Router}): only GET and HEAD (else 405), then credentials when
 * basic auth is on (401, before anything reveals which paths exist), then only the exact known paths (404). Rejections carry no body, hence no stack traces.
 */
final class RequestGate extends Authenticator {
    /** The paths every endpoint serves. */
    static final Set<String> PATHS = Set.of(RootHandler.INDEX_PATH, MetricsEndpoint.METRICS_PATH,
            MetricsEndpoint.HEALTH_PATH, MetricsEndpoint.HEALTH_ALIAS_PATH);
    private static final Success ANONYMOUS = new Success(new HttpPrincipal("anonymous", PasswordCheck.REALM));

    private final Authenticator credentials;
    private final Set<String> paths;

    /**
     * @param credentials checks user and password, or {@code null} when basic auth is off
     * @param extraPaths  paths served beyond {@link #PATHS}, e.g. {@code /deadunits}
     */
    RequestGate(Authenticator credentials, Set<String> extraPaths) {
        this.credentials = credentials;
        Set<String> all = new HashSet<>(PATHS);
        all.addAll(extraPaths);
        this.paths = Set.copyOf(all);
    }

    @Override
    public Result authenticate(HttpExchange exchange) {
        String method = exchange.getRequestMethod();
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            return new Failure(405);
        }
        Result result = credentials == null ? ANONYMOUS : credentials.authenticate(exchange);
        if (!(result instanceof Success)) {
            return result;
        }
        if (!paths.contains(exchange.getRequestURI().getPath())) {
            return new Failure(404);
        }
        return result;
    }
}
