package dev.procpool.internal.ipc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChronicleFlagsTest {
    private static final List<String> REQUIRED = List.of(
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED");

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {17, 21})
    void forJavaVersion_beforeJdk22_onlyAccessFlags(int feature) {
        assertEquals(REQUIRED, ChronicleFlags.forJavaVersion(feature));
    }

    @Test
    void forJavaVersion_jdk22_addsNativeAccess() {
        assertEquals(concat(REQUIRED, "--enable-native-access=ALL-UNNAMED"), ChronicleFlags.forJavaVersion(22));
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {23, 25})
    void forJavaVersion_jdk23On_addsNativeAccessAndUnsafeMemoryAccess(int feature) {
        assertEquals(concat(REQUIRED, "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"),
                ChronicleFlags.forJavaVersion(feature));
    }

    @Test
    void parentPom_parentJvmFlags_equalTheRequiredFlags() throws Exception {
        Element properties = child(parentPom().getDocumentElement(), "properties");

        assertEquals(String.join(" ", ChronicleFlags.REQUIRED), text(properties, "procpool.parentJvmFlags"));
    }

    @Test
    void parentPom_jdkProfiles_addTheWarningFlagsFromTheSameVersions() throws Exception {
        Element profiles = child(parentPom().getDocumentElement(), "profiles");
        List<String> found = new ArrayList<>();
        NodeList all = profiles.getElementsByTagName("profile");
        for (int i = 0; i < all.getLength(); i++) {
            Element profile = (Element) all.item(i);
            Element activation = child(profile, "activation");
            if (activation == null) {
                continue; // activated by hand (the release profile): no JDK flags there
            }
            String jdk = text(activation, "jdk");
            Element properties = child(profile, "properties");
            for (String name : List.of("procpool.nativeAccessFlag", "procpool.unsafeAccessFlag")) {
                if (properties != null && properties.getElementsByTagName(name).getLength() > 0) {
                    found.add(jdk + " " + text(properties, name));
                }
            }
        }

        assertEquals(List.of(
                "[" + ChronicleFlags.NATIVE_ACCESS_FROM_JDK + ",) " + ChronicleFlags.ENABLE_NATIVE_ACCESS,
                "[" + ChronicleFlags.UNSAFE_MEMORY_ACCESS_FROM_JDK + ",) " + ChronicleFlags.ALLOW_UNSAFE_MEMORY_ACCESS),
                found);
    }

    /** The repository's root pom: the parent of this module's folder (Surefire runs tests there). */
    private static Document parentPom() throws Exception {
        Path pom = Path.of(System.getProperty("basedir", "")).toAbsolutePath().resolveSibling("pom.xml");
        assertTrue(Files.isRegularFile(pom), "no parent pom at " + pom);
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
    }

    private static Element child(Element parent, String name) {
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && element.getTagName().equals(name)) {
                return element;
            }
        }
        return null;
    }

    private static String text(Element parent, String name) {
        Element element = child(parent, name);
        return element == null ? null : element.getTextContent().trim();
    }

    private static List<String> concat(List<String> first, String... more) {
        List<String> all = new ArrayList<>(first);
        all.addAll(List.of(more));
        return all;
    }
}
