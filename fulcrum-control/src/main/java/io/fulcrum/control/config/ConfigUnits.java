package io.fulcrum.control.config;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The duration and byte-size syntax of the configuration file.
 *
 * <p>Durations: a number followed by a unit, {@code ms}, {@code s}, {@code m}, {@code h}
 * or {@code d} ({@code 250ms}, {@code 10s}, {@code 1.5s}), several of them in a row
 * ({@code 1h30m}), or ISO-8601 ({@code PT10S}). A bare number is refused: {@code 10}
 * could mean seconds or milliseconds.
 *
 * <p>Byte sizes: a whole number of bytes, or a number followed by {@code k}, {@code m}
 * or {@code g} (powers of 1024; {@code kb}, {@code KiB} and the like are accepted too).
 */
public final class ConfigUnits {

    /** Units of the duration syntax, for messages. */
    public static final String DURATION_UNITS = "ms, s, m, h, d";

    private static final Pattern DURATION_PART = Pattern.compile("\\G(\\d+(?:\\.\\d+)?)(ms|s|m|h|d)");
    private static final Pattern BARE_NUMBER = Pattern.compile("-?\\d+(?:\\.\\d+)?");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(?:([kmg])(?:i?b)?|b)?", Pattern.CASE_INSENSITIVE);
    private static final BigDecimal NANOS_PER_SECOND = BigDecimal.valueOf(1_000_000_000L);
    private static final BigInteger MAX_NANOS = BigInteger.valueOf(Long.MAX_VALUE);

    private ConfigUnits() {
    }

    /**
     * Parses a duration written {@code 250ms}, {@code 10s}, {@code 5m}, {@code 1h}, {@code 2d},
     * {@code 1h30m}, {@code 1.5s} or ISO-8601 {@code PT10S}. A leading {@code -} is accepted so that
     * validation can report negative values by their meaning.
     *
     * @throws IllegalArgumentException with a message fit for an operator
     */
    public static Duration parseDuration(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty duration; write e.g. 10s (units: " + DURATION_UNITS + ")");
        }
        String s = text.strip();
        if (BARE_NUMBER.matcher(s).matches()) {
            throw new IllegalArgumentException("a duration needs a unit: write " + s + "s or " + s
                    + "ms, for example (units: " + DURATION_UNITS + "; got " + s + ")");
        }
        boolean negative = s.startsWith("-");
        String body = negative ? s.substring(1) : s;
        if (!body.isEmpty() && (body.charAt(0) == 'P' || body.charAt(0) == 'p')) {
            try {
                Duration d = Duration.parse(s);
                checkNanos(d, text);
                return d;
            } catch (DateTimeParseException e) {
                throw notADuration(text);
            }
        }
        Matcher m = DURATION_PART.matcher(body);
        BigDecimal nanos = BigDecimal.ZERO;
        int end = 0;
        while (m.find()) {
            BigDecimal value = new BigDecimal(m.group(1));
            nanos = nanos.add(value.multiply(unitNanos(m.group(2))));
            end = m.end();
        }
        if (end == 0 || end != body.length()) {
            throw notADuration(text);
        }
        BigInteger whole = nanos.toBigInteger();
        if (whole.compareTo(MAX_NANOS) > 0) {
            throw tooLong(text);
        }
        Duration d = Duration.ofNanos(whole.longValueExact());
        return negative ? d.negated() : d;
    }

    /**
     * Parses a byte size: a whole number, or a number with {@code k}, {@code m} or {@code g}
     * (powers of 1024), e.g. {@code 16k}, {@code 1m}, {@code 1g}.
     *
     * @throws IllegalArgumentException with a message fit for an operator
     */
    public static long parseByteSize(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty size; write a number of bytes or e.g. 16k, 1m, 1g");
        }
        Matcher m = SIZE.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a byte size: \"" + text
                    + "\" (write a number of bytes, or e.g. 16k, 1m, 1g: powers of 1024)");
        }
        BigInteger value = new BigInteger(m.group(1));
        String unit = m.group(2);
        if (unit != null) {
            int shift = switch (unit.toLowerCase(Locale.ROOT)) {
                case "k" -> 10;
                case "m" -> 20;
                default -> 30;
            };
            value = value.shiftLeft(shift);
        }
        if (value.bitLength() > 63) {
            throw new IllegalArgumentException("size too large: \"" + text + "\"");
        }
        return value.longValueExact();
    }

    /** Writes a duration in the file syntax, e.g. {@code 250ms}, {@code 10s}, {@code 1h30m}, {@code 0s}. */
    public static String formatDuration(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        if (d.isNegative()) {
            return "-" + formatDuration(d.negated());
        }
        if (d.getNano() % 1_000_000 != 0) {
            return d.toString();
        }
        long ms = d.toMillis();
        StringBuilder sb = new StringBuilder();
        long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1_000L, 1L};
        String[] names = {"d", "h", "m", "s", "ms"};
        for (int i = 0; i < sizes.length; i++) {
            long n = ms / sizes[i];
            if (n > 0) {
                sb.append(n).append(names[i]);
                ms -= n * sizes[i];
            }
        }
        return sb.toString();
    }

    private static BigDecimal unitNanos(String unit) {
        return switch (unit) {
            case "ms" -> BigDecimal.valueOf(1_000_000L);
            case "s" -> NANOS_PER_SECOND;
            case "m" -> NANOS_PER_SECOND.multiply(BigDecimal.valueOf(60));
            case "h" -> NANOS_PER_SECOND.multiply(BigDecimal.valueOf(3_600));
            default -> NANOS_PER_SECOND.multiply(BigDecimal.valueOf(86_400));
        };
    }

    private static void checkNanos(Duration d, String text) {
        try {
            d.toNanos();
        } catch (ArithmeticException e) {
            throw tooLong(text);
        }
    }

    private static IllegalArgumentException tooLong(String text) {
        return new IllegalArgumentException("duration too long: \"" + text + "\" (at most about 292 years)");
    }

    private static IllegalArgumentException notADuration(String text) {
        return new IllegalArgumentException("not a duration: \"" + text
                + "\" (write e.g. 250ms, 10s, 5m, 1h, 2d, 1h30m, or ISO-8601 PT10S)");
    }
}
