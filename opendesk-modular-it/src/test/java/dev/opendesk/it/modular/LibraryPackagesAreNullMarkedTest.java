package dev.opendesk.it.modular;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.NullMarked;
import org.junit.jupiter.api.Test;

/**
 * Every package of every library module is {@code @NullMarked} (README: nullness): unannotated
 * types are non-null, and {@code @Nullable} marks each place null is allowed.
 */
class LibraryPackagesAreNullMarkedTest {

  /** The library's modules on this test's class path: named {@code dev.opendesk*}, not this one. */
  private static List<ModuleDescriptor> libraryModules() {
    Path[] entries =
        Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .map(Path::of)
            .filter(p -> p.toFile().exists())
            .toArray(Path[]::new);
    return ModuleFinder.of(entries).findAll().stream()
        .map(ModuleReference::descriptor)
        .filter(d -> !d.isAutomatic() && d.name().startsWith("dev.opendesk"))
        .filter(d -> !d.name().equals("dev.opendesk.it.modular"))
        .toList();
  }

  @Test
  void everyPackageOfEveryLibraryModuleIsNullMarked() {
    List<ModuleDescriptor> modules = libraryModules();
    Map<String, Boolean> marked = new TreeMap<>();
    for (ModuleDescriptor module : modules) {
      for (String pkg : module.packages()) {
        marked.put(module.name() + "/" + pkg, isNullMarked(pkg));
      }
    }

    assertThat(modules)
        .extracting(ModuleDescriptor::name)
        .contains(
            "dev.opendesk.protocol",
            "dev.opendesk.auth",
            "dev.opendesk.transport.ws",
            "dev.opendesk.peer",
            "dev.opendesk",
            "dev.opendesk.micrometer");
    assertThat(marked).as("package -> @NullMarked").doesNotContainValue(false);
  }

  private static boolean isNullMarked(String pkg) {
    try {
      return Class.forName(pkg + ".package-info").isAnnotationPresent(NullMarked.class);
    } catch (ClassNotFoundException e) {
      return false; // no package-info.java, or one without annotations
    }
  }
}
