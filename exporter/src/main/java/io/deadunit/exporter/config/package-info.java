/**
 * The agent's settings: {@link io.deadunit.exporter.config.ConfigParser} turns agent arguments, {@code deadunit.*}
 * system properties and {@code DEADUNIT_*} environment variables (in that order of precedence) into one immutable
 * {@link io.deadunit.exporter.config.AgentConfig} plus a one-line warning for whatever was wrong.
 *
 * <p>The keys, with their types, ranges and defaults, are declared once in
 * {@link io.deadunit.exporter.config.ConfigKey}; README's configuration table documents them for users and a test
 * holds the two to the same keys and defaults. Rules spanning several keys live in {@code KeyGroups}.
 *
 * <p>Booleans accept true/false, yes/no, on/off, 1/0. {@code password} and {@code keystorePassword} are refused
 * because command lines are visible in {@code ps}. A bad value leaves its key at the default (not at a
 * lower-precedence source's value); half a security pair stops the endpoint from starting rather than serving
 * unprotected.
 */
package io.deadunit.exporter.config;
