package dev.procpool.internal.launcher;

import org.junit.jupiter.api.Test;

import static dev.procpool.internal.launcher.Platform.Os.LINUX;
import static dev.procpool.internal.launcher.Platform.Os.MAC;
import static dev.procpool.internal.launcher.Platform.Os.WINDOWS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CodeSourceLocationTest {
    private static CodeSourceLocation at(String file, String entry) {
        return new CodeSourceLocation(file, entry);
    }

    @Test
    void fileUrl_jarOrFolder_plainPath() {
        assertEquals(at("/app/lib/a.jar", null), CodeSourceLocation.parse("file:/app/lib/a.jar", LINUX));
        assertEquals(at("/app/classes", null), CodeSourceLocation.parse("file:/app/classes/", MAC));
        assertEquals(at("/app/lib/a.jar", null), CodeSourceLocation.parse("file:///app/lib/a.jar", LINUX));
        assertFalse(CodeSourceLocation.parse("file:/app/lib/a.jar", LINUX).nested());
    }

    @Test
    void fileUrl_percentEncoded_decodedAsUtf8() {
        assertEquals(at("/my apps/Zürich/a+b.jar", null),
                CodeSourceLocation.parse("file:/my%20apps/Z%C3%BCrich/a+b.jar", LINUX));
    }

    @Test
    void jarFileUrl_jarItself_plainPath() {
        assertEquals(at("/app/a.jar", null), CodeSourceLocation.parse("jar:file:/app/a.jar!/", LINUX));
    }

    @Test
    void jarFileUrl_springBoot2_nestedJarAndFolder() {
        CodeSourceLocation lib = CodeSourceLocation.parse("jar:file:/app/app.jar!/BOOT-INF/lib/a-1.0.jar!/", LINUX);
        assertEquals(at("/app/app.jar", "BOOT-INF/lib/a-1.0.jar"), lib);
        assertTrue(lib.nested());
        assertEquals(at("/app/app.jar", "BOOT-INF/classes"),
                CodeSourceLocation.parse("jar:file:/app/app.jar!/BOOT-INF/classes!/", LINUX));
    }

    @Test
    void jarNestedUrl_springBoot32_nestedJarAndFolder() {
        assertEquals(at("/home/me/my app.jar", "BOOT-INF/lib/commons-lang3-3.17.0.jar"),
                CodeSourceLocation.parse("jar:nested:/home/me/my%20app.jar/!BOOT-INF/lib/commons-lang3-3.17.0.jar!/", LINUX));
        assertEquals(at("/home/me/app.jar", "BOOT-INF/classes/"),
                CodeSourceLocation.parse("jar:nested:/home/me/app.jar/!BOOT-INF/classes/!/", LINUX));
        assertEquals(at("/home/me/app.jar", "BOOT-INF/lib/a.jar"),
                CodeSourceLocation.parse("nested:/home/me/app.jar/!BOOT-INF/lib/a.jar", LINUX));
    }

    @Test
    void windows_driveLetterAndUnc_nativePaths() {
        assertEquals(at("C:\\Users\\me\\app.jar", "BOOT-INF/lib/a.jar"),
                CodeSourceLocation.parse("jar:nested:/C:/Users/me/app.jar/!BOOT-INF/lib/a.jar!/", WINDOWS));
        assertEquals(at("C:\\Program Files\\app\\a.jar", null),
                CodeSourceLocation.parse("file:/C:/Program%20Files/app/a.jar", WINDOWS));
        assertEquals(at("C:\\app\\classes", null), CodeSourceLocation.parse("file:/C:/app/classes/", WINDOWS));
        assertEquals(at("C:\\app\\app.jar", "BOOT-INF/classes"),
                CodeSourceLocation.parse("jar:file:/C:/app/app.jar!/BOOT-INF/classes!/", WINDOWS));
        assertEquals(at("\\\\server\\share\\a.jar", null), CodeSourceLocation.parse("file://server/share/a.jar", WINDOWS));
        assertEquals(at("C:\\", null), CodeSourceLocation.parse("file:/C:/", WINDOWS));
    }

    @Test
    void unusableForms_null() {
        assertNull(CodeSourceLocation.parse("vfs:/content/app.war/WEB-INF/lib/a.jar", LINUX));
        assertNull(CodeSourceLocation.parse("https://example.com/a.jar", LINUX));
        assertNull(CodeSourceLocation.parse("jar:file:/app/app.jar!/lib/inner.jar!/deeper.jar!/", LINUX),
                "two levels of nesting");
    }
}
