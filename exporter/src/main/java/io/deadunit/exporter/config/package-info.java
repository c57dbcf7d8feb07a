/**
 * The agent's settings: {@link io.deadunit.exporter.config.ConfigParser} turns agent arguments, {@code deadunit.*}
 * system properties and {@code DEADUNIT_*} environment variables (in that order of precedence) into one immutable
 * {@link io.deadunit.exporter.config.AgentConfig} plus a one-line warning for whatever was wrong.
 *
 * <table>
 *   <caption>Keys</caption>
 *   <tr><th>key</th><th>meaning</th><th>default</th></tr>
 *   <tr><td>enabled</td><td>{@code false}: the agent does nothing, training runs untouched</td><td>true</td></tr>
 *   <tr><td>host</td><td>address the endpoint binds to (name, IPv4, IPv6)</td><td>127.0.0.1</td></tr>
 *   <tr><td>port</td><td>endpoint port, 0 = any free port</td><td>9404</td></tr>
 *   <tr><td>sampleEvery</td><td>observe every k-th training iteration (1..1000000)</td><td>10</td></tr>
 *   <tr><td>window</td><td>window length in training iterations (1..1000000)</td><td>100</td></tr>
 *   <tr><td>phases</td><td>{@code train}, {@code inference} or both: {@code train+inference},
 *       {@code train;inference} or {@code train,inference} (a token without '=' right after {@code phases=}
 *       continues its list)</td><td>train</td></tr>
 *   <tr><td>model</td><td>label value for the first model (1..100 printable characters)</td><td>unset</td></tr>
 *   <tr><td>summary</td><td>per-layer summary on stderr at exit</td><td>true</td></tr>
 *   <tr><td>maxLayers</td><td>most layers given their own meters (1..100000)</td><td>1000</td></tr>
 *   <tr><td>jmx</td><td>also publish the meters as JMX MBeans</td><td>true</td></tr>
 *   <tr><td>user</td><td>basic-auth user for the endpoint (no ':'); needs passwordFile</td><td>unset</td></tr>
 *   <tr><td>passwordFile</td><td>file holding the basic-auth password (trailing line break ignored)</td>
 *       <td>unset</td></tr>
 *   <tr><td>keystore</td><td>PKCS12 or JKS keystore: the endpoint serves HTTPS; needs keystorePasswordFile</td>
 *       <td>unset</td></tr>
 *   <tr><td>keystorePasswordFile</td><td>file holding the keystore (and key) password</td><td>unset</td></tr>
 * </table>
 *
 * <p>Booleans accept true/false, yes/no, on/off, 1/0. {@code password} and {@code keystorePassword} are refused
 * because command lines are visible in {@code ps}. A bad value leaves its key at the default (not at a
 * lower-precedence source's value); half a security pair stops the endpoint from starting rather than serving
 * unprotected.
 */
package io.deadunit.exporter.config;
