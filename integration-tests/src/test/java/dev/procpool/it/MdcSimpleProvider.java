package dev.procpool.it;

import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.simple.SimpleServiceProvider;
import org.slf4j.spi.MDCAdapter;

/**
 * slf4j-simple, the tests' binding, with SLF4J's basic MDC instead of its no-op one, so that the tests can read
 * what the pool puts in the MDC. Chosen for the tests' own JVM by the {@code slf4j.provider} property in this
 * module's pom; worker and fixture JVMs keep plain slf4j-simple. Logging itself is slf4j-simple's, unchanged.
 */
public final class MdcSimpleProvider extends SimpleServiceProvider {
    private final MDCAdapter mdc = new BasicMDCAdapter();

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }
}
