package dev.procpool.bootapp;

import dev.procpool.SerializableCallable;
import org.apache.commons.lang3.StringUtils;

/** A task class from {@code BOOT-INF/classes} that needs commons-lang3 from {@code BOOT-INF/lib}. */
record Capitalize(String text) implements SerializableCallable<String> {
    @Override
    public String call() {
        return StringUtils.swapCase(StringUtils.capitalize(text)) + " (commons-lang3 from "
                + StringUtils.class.getProtectionDomain().getCodeSource().getLocation().getPath()
                .replaceAll(".*/", "") + ")";
    }
}
