package dev.opendesk.it.modular;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opendesk.auth.CorruptTrustStoreException;
import dev.opendesk.auth.InsecureFileException;
import dev.opendesk.protocol.OpendeskException;
import java.io.File;
import java.io.IOException;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every public exception of the library extends {@link OpendeskException}, except the two thrown
 * where key and trust files are read, {@link CorruptTrustStoreException} and {@link
 * InsecureFileException}: {@link IOException}s on purpose (see {@link OpendeskException}).
 */
class LibraryExceptionsShareOneRootTest {

  /**
   * The public {@link Throwable} classes of every {@code dev.opendesk*} module on the class path.
   */
  private static List<Class<?>> publicThrowables() throws IOException {
    Path[] entries =
        Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .map(Path::of)
            .filter(p -> p.toFile().exists())
            .toArray(Path[]::new);
    List<Class<?>> found = new ArrayList<>();
    for (ModuleReference module : ModuleFinder.of(entries).findAll()) {
      String name = module.descriptor().name();
      if (module.descriptor().isAutomatic()
          || !name.startsWith("dev.opendesk")
          || name.equals("dev.opendesk.it.modular")) {
        continue;
      }
      try (ModuleReader reader = module.open()) {
        for (String resource : reader.list().toList()) {
          if (!resource.endsWith(".class") || resource.endsWith("module-info.class")) {
            continue;
          }
          String className = resource.substring(0, resource.length() - 6).replace('/', '.');
          try {
            Class<?> type =
                Class.forName(className, false, OpendeskException.class.getClassLoader());
            if (Throwable.class.isAssignableFrom(type) && Modifier.isPublic(type.getModifiers())) {
              found.add(type);
            }
          } catch (ClassNotFoundException | LinkageError e) {
            throw new AssertionError("cannot load " + className, e);
          }
        }
      }
    }
    return found;
  }

  @Test
  void everyPublicExceptionButTheFileReadingOnesExtendsOpendeskException() throws IOException {
    List<Class<?>> throwables = publicThrowables();

    assertThat(throwables)
        .contains(
            CorruptTrustStoreException.class, InsecureFileException.class, OpendeskException.class);
    assertThat(CorruptTrustStoreException.class).isAssignableTo(IOException.class);
    assertThat(InsecureFileException.class).isAssignableTo(IOException.class);
    assertThat(throwables)
        .filteredOn(t -> t != CorruptTrustStoreException.class && t != InsecureFileException.class)
        .allMatch(OpendeskException.class::isAssignableFrom, "extends OpendeskException");
  }
}
