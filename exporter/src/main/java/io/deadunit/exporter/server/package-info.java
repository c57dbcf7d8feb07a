/**
 * The HTTP endpoint Prometheus scrapes, served by our own accept loop with
 * deadlines ({@link io.deadunit.exporter.server.SocketServer}) and the Prometheus client's {@code MetricsHandler}:
 * {@code /metrics}, {@code /-/healthy} (alias {@code /health}), {@code /deadunits} (JSON: which units) and a
 * plain-text index at {@code /}; GET and HEAD only, optional basic auth and TLS, daemon threads only. See
 * {@link io.deadunit.exporter.server.MetricsEndpoint}.
 */
package io.deadunit.exporter.server;
