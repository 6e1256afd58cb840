package dev.opendesk.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CallIdMapTest {

  @Test
  void agreesWithAHashMapThroughGrowthShrinkingAndRemovalInsideProbeRuns() {
    CallIdMap<String> map = new CallIdMap<>();
    Map<Long, String> expected = new HashMap<>();
    Random random = new Random(13);
    for (int step = 0; step < 200_000; step++) {
      // Few distinct ids, so puts meet taken ids and removes meet present ones; the phases make
      // the table grow to thousands of entries and shrink back.
      boolean growing = (step / 20_000) % 2 == 0;
      long id = random.nextInt(5_000) - 100L;
      int op = random.nextInt(10);
      if (op < (growing ? 6 : 1)) {
        String value = "v" + step;
        String previous = map.putIfAbsent(id, value);
        assertThat(previous).isEqualTo(expected.get(id));
        expected.putIfAbsent(id, value);
      } else if (op < 8) {
        String current = expected.get(id);
        String candidate = current != null && random.nextInt(4) == 0 ? "other" : current;
        boolean removed = map.remove(id, candidate == null ? "absent" : candidate);
        assertThat(removed).isEqualTo(current != null && current.equals(candidate));
        if (removed) {
          expected.remove(id);
        }
      } else {
        assertThat(map.get(id)).isEqualTo(expected.get(id));
      }
      assertThat(map.size()).isEqualTo(expected.size());
    }
    assertThat(map.values()).containsExactlyInAnyOrderElementsOf(expected.values());
  }

  @Test
  void removeComparesIdentityNotEquality() {
    CallIdMap<String> map = new CallIdMap<>();
    String registered = new String("call");
    map.putIfAbsent(7, registered);
    assertThat(map.remove(7, new String("call"))).isFalse();
    assertThat(map.remove(7, registered)).isTrue();
    assertThat(map.get(7)).isNull();
  }

  @Test
  void extremeIdsAreKeysLikeAnyOther() {
    CallIdMap<String> map = new CallIdMap<>();
    long[] ids = {0, -1, Long.MIN_VALUE, Long.MAX_VALUE, 1L << 32, 1};
    for (long id : ids) {
      assertThat(map.putIfAbsent(id, "v" + id)).isNull();
    }
    for (long id : ids) {
      assertThat(map.get(id)).isEqualTo("v" + id);
    }
    assertThat(map.get(2)).isNull();
  }
}
