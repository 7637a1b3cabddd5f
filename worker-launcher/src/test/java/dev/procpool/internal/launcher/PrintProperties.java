package dev.procpool.internal.launcher;

/**
 * Run in a child JVM: prints {@code name=value} for each system property named in its arguments, the value
 * escaped to printable ASCII so that no console encoding can alter what the test compares. Uses only the JDK,
 * so it runs from a class path holding nothing but itself.
 */
public final class PrintProperties {
    private PrintProperties() {
    }

    public static void main(String[] names) {
        for (String name : names) {
            String value = System.getProperty(name);
            System.out.println(name + "=" + (value == null ? "<unset>" : escape(value)));
        }
    }

    static String escape(String value) {
        StringBuilder out = new StringBuilder();
        for (char c : value.toCharArray()) {
            if (c == '\\') {
                out.append("\\\\");
            } else if (c >= 0x20 && c < 0x7f) {
                out.append(c);
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
        }
        return out.toString();
    }
}
