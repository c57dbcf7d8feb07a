package io.deadunit.exporter.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.regex.Pattern;

/** Parsers and checks for single values. Each throws {@link IllegalArgumentException} on a bad value. */
final class Values {
    private static final Pattern USER_INFO = Pattern.compile("//[^/?#@]*@");
    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]{1,18}");
    private static final Pattern DECIMAL = Pattern.compile("[+]?([0-9]{1,9}(\\.[0-9]{0,9})?|\\.[0-9]{1,9})");
    private static final Pattern IPV4 = Pattern.compile("[0-9.]+");
    // RFC 1123 labels; '_' is tolerated because container and VM host names use it.
    private static final Pattern HOST_NAME = Pattern.compile(
            "(?=.{1,253}\\.?$)[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(\\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\\.?");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+(%[A-Za-z0-9_.-]+)?");
    private static final Pattern PHASE_SEPARATORS = Pattern.compile("[+;,\\s]+");
    private static final int SHOWN_LENGTH = 40;
    /** Longest {@code model} label value and {@code user} name, in code points. */
    static final int MAX_NAME_LENGTH = 100;

    private Values() {
    }

    /** {@code true/false}, also {@code yes/no}, {@code on/off}, {@code 1/0}, in any case. */
    static boolean bool(String v) {
        switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true": case "yes": case "on": case "1":
                return true;
            case "false": case "no": case "off": case "0":
                return false;
            default:
                throw new IllegalArgumentException("not a boolean");
        }
    }

    /**
     * ASCII digits only (Long.parseLong would take other scripts' digits); at most 18 so a long never overflows.
     */
    static int integer(String v) {
        String s = v.trim();
        if (!INTEGER.matcher(s).matches()) {
            throw new IllegalArgumentException("not a whole number");
        }
        long n = Long.parseLong(s);
        if (n != (int) n) {
            throw new IllegalArgumentException("out of range");
        }
        return (int) n;
    }

    /** A plain decimal number: {@code 0.5}, {@code .25}, {@code 1}; no sign but '+', no exponent, no NaN. */
    static double decimal(String v) {
        String s = v.trim();
        if (!DECIMAL.matcher(s).matches()) {
            throw new IllegalArgumentException("not a decimal number");
        }
        return Double.parseDouble(s);
    }

    /**
     * Checks the syntax only: resolving a name here could block startup on DNS. Brackets around an IPv6 literal
     * are removed; a dotted all-digit string must be a real IPv4 address (otherwise the JDK would look it up).
     */
    static String host(String v) {
        String h = v == null ? "" : v.trim();
        if (h.startsWith("[") && h.endsWith("]") && h.length() > 2) {
            h = h.substring(1, h.length() - 1);
        }
        boolean ok;
        if (h.indexOf(':') >= 0) {
            ok = IPV6_CHARS.matcher(h).matches() && isIpv6Literal(h);
        } else if (IPV4.matcher(h).matches()) {
            ok = isIpv4(h);
        } else {
            ok = HOST_NAME.matcher(h).matches();
        }
        if (!ok) {
            throw new IllegalArgumentException("not a host name or IP address");
        }
        return h;
    }

    private static boolean isIpv4(String h) {
        String[] parts = h.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }

    // With brackets the JDK parses the text as an IPv6 literal and never asks DNS.
    private static boolean isIpv6Literal(String h) {
        try {
            java.net.InetAddress.getByName("[" + h + "]");
            return true;
        } catch (Exception | Error e) {
            return false;
        }
    }

    /** A label value or user name: 1..MAX_NAME_LENGTH code points, nothing that breaks a line or a header. */
    static String name(String v, boolean forbidColon) {
        int length = v.codePointCount(0, v.length());
        boolean ok = length >= 1 && length <= MAX_NAME_LENGTH && v.trim().equals(v)
                && v.codePoints().allMatch(Values::isPrintable) && !(forbidColon && v.indexOf(':') >= 0);
        if (!ok) {
            throw new IllegalArgumentException("not a name");
        }
        return v;
    }

    static Path readableFile(String v) {
        if (v.isEmpty()) {
            throw new IllegalArgumentException("empty path");
        }
        Path p = Paths.get(v);
        if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
            throw new IllegalArgumentException("not a readable file");
        }
        return p;
    }

    static Path writableDirectory(String v) {
        if (v.isEmpty()) {
            throw new IllegalArgumentException("empty path");
        }
        Path p = Paths.get(v);
        if (!Files.isDirectory(p)) {
            throw new BadValue(Values.shown(v) + " is not an existing directory");
        }
        if (!Files.isWritable(p)) {
            throw new BadValue("directory " + Values.shown(v) + " is not writable");
        }
        return p;
    }

    static java.net.URI httpUrl(String v) {
        java.net.URI uri;
        try {
            uri = new java.net.URI(v.trim());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new BadValue("the URL must start with http:// or https://");
        }
        if (uri.getHost() == null) {
            throw new BadValue("the URL has no host");
        }
        if (uri.getRawUserInfo() != null) {
            throw new BadValue("credentials in the URL are visible in ps; use user and passwordFile");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new BadValue("the URL may not have a ?query or #fragment");
        }
        host(uri.getHost());
        return uri;
    }

    /** Accepts {@code train}, {@code inference} in any case, separated by {@code + ; ,} or spaces. */
    static Phases phases(String v) {
        boolean training = false;
        boolean inference = false;
        for (String token : PHASE_SEPARATORS.split(v.trim(), -1)) {
            if (token.equalsIgnoreCase("train")) {
                training = true;
            } else if (token.equalsIgnoreCase("inference")) {
                inference = true;
            } else if (!token.isEmpty()) {
                throw new IllegalArgumentException("unknown phase");
            }
        }
        return new Phases(training, inference);
    }

    /**
     * A value as quoted in a warning: line breaks, controls and lone surrogates become '?', so the warning stays
     * on one line, and long values are cut. The user-info part of a URL ({@code //user:password@}) is masked:
     * the line goes to stderr and on into log files, which outlive the command line.
     */
    static String shown(String v) {
        if (v == null) {
            return "";
        }
        v = USER_INFO.matcher(v).replaceAll("//***@");
        StringBuilder sb = new StringBuilder();
        int count = 0;
        for (int i = 0; i < v.length(); ) {
            int cp = v.codePointAt(i);
            i += Character.charCount(cp);
            if (count++ == SHOWN_LENGTH) {
                return sb.append("...").toString();
            }
            sb.appendCodePoint(isPrintable(cp) ? cp : '?');
        }
        return sb.toString();
    }

    private static boolean isPrintable(int cp) {
        int type = Character.getType(cp);
        return !Character.isISOControl(cp) && type != Character.LINE_SEPARATOR
                && type != Character.PARAGRAPH_SEPARATOR && type != Character.SURROGATE
                && type != Character.UNASSIGNED && type != Character.FORMAT;
    }
}
