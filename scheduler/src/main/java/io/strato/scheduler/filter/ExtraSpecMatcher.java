package io.strato.scheduler.filter;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Nova's {@code extra_specs_ops.match(value, requirement)}: a requirement is either a plain
 * string (equality) or an operator followed by operands: {@code =} (numeric at least),
 * {@code ==}, {@code !=}, {@code >=}, {@code <=} (numeric), {@code s==}, {@code s!=}, {@code s<},
 * {@code s<=}, {@code s>}, {@code s>=} (string), {@code <in>} (substring), {@code <all-in>} and
 * {@code <or>}. A numeric comparison with a non-number fails.
 */
public final class ExtraSpecMatcher {

    private static final Set<String> OPERATORS = Set.of(
            "=", "==", "!=", ">=", "<=", "s==", "s!=", "s<", "s<=", "s>", "s>=", "<in>", "<all-in>", "<or>");

    private ExtraSpecMatcher() {
    }

    /** True when {@code requirement} has no operator, so it matches exactly one value. */
    public static boolean isPlain(String requirement) {
        String[] words = words(requirement);
        return words.length == 0 || !OPERATORS.contains(words[0]);
    }

    public static boolean matches(String value, String requirement) {
        String[] words = words(requirement);
        if (words.length == 0 || !OPERATORS.contains(words[0])) {
            return requirement.equals(value);
        }
        if (value == null) {
            return false;
        }
        String op = words[0];
        List<String> operands = Arrays.asList(words).subList(1, words.length);
        if (op.equals("<or>")) {
            // "<or> v1 <or> v2 ...": every other word is a candidate value.
            for (int i = 0; i < operands.size(); i += 2) {
                if (operands.get(i).equals(value)) {
                    return true;
                }
            }
            return false;
        }
        if (operands.isEmpty()) {
            return false;
        }
        String operand = operands.get(0);
        return switch (op) {
            case "<in>" -> value.contains(operand);
            case "<all-in>" -> operands.stream().allMatch(value::contains);
            case "s==" -> value.equals(operand);
            case "s!=" -> !value.equals(operand);
            case "s<" -> value.compareTo(operand) < 0;
            case "s<=" -> value.compareTo(operand) <= 0;
            case "s>" -> value.compareTo(operand) > 0;
            case "s>=" -> value.compareTo(operand) >= 0;
            default -> numeric(op, value, operand);
        };
    }

    private static boolean numeric(String op, String value, String operand) {
        double x;
        double y;
        try {
            x = Double.parseDouble(value.trim());
            y = Double.parseDouble(operand);
        } catch (NumberFormatException e) {
            return false;
        }
        return switch (op) {
            case "=", ">=" -> x >= y;
            case "==" -> x == y;
            case "!=" -> x != y;
            case "<=" -> x <= y;
            default -> false;
        };
    }

    private static String[] words(String requirement) {
        String trimmed = requirement == null ? "" : requirement.trim();
        return trimmed.isEmpty() ? new String[0] : trimmed.split("\\s+");
    }
}
