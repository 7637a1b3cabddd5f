package dev.procpool.internal.ipc;

/** Run in a child JVM by {@link ChronicleAccessTest}: prints each flag this JVM lacks, one a line. */
public final class PrintMissingFlags {
    private PrintMissingFlags() {
    }

    public static void main(String[] args) {
        ChronicleAccess.missingFlags().forEach(System.out::println);
    }
}
