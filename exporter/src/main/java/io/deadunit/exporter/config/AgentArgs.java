package io.deadunit.exporter.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits the {@code -javaagent:deadunit-agent.jar=key=value,key=value} string.
 *
 * <p>A value may contain '=' (only the first one separates). Empty tokens ({@code ,,}) are skipped. Because ','
 * also separates pairs, a token without '=' that directly follows a {@code phases=} token (or another such
 * continuation) is appended to the phases list: {@code phases=train,inference} means
 * {@code phases=train+inference}. Any other token without '=' is a problem.
 */
final class AgentArgs {
    private AgentArgs() {
    }

    static List<RawSetting> split(String args, Problems problems) {
        List<RawSetting> settings = new ArrayList<>();
        if (args == null) {
            return settings;
        }
        boolean continuesPhases = false;
        for (String rawToken : args.split(",", -1)) {
            String token = rawToken.strip();
            if (token.isEmpty()) {
                continue;
            }
            int eq = token.indexOf('=');
            if (eq < 0) {
                if (continuesPhases) {
                    int last = settings.size() - 1;
                    settings.set(last, settings.get(last).withValueAppended(token));
                } else {
                    problems.notKeyValue(token);
                }
                continue;
            }
            String name = token.substring(0, eq).strip();
            String value = token.substring(eq + 1).strip();
            if (name.isEmpty()) {
                problems.notKeyValue(token);
                continuesPhases = false;
                continue;
            }
            settings.add(new RawSetting(RawSetting.Source.AGENT_ARGS, name, value, name));
            continuesPhases = name.equalsIgnoreCase(ConfigKey.PHASES.key());
        }
        return settings;
    }
}
