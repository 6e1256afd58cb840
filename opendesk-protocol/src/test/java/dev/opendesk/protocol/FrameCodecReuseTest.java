package dev.opendesk.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

/**
 * The codec reuses per-thread state (the outer map of a decoded frame, a cache of short strings,
 * the packer's output): each decode and encode must still behave as if it started afresh.
 */
class FrameCodecReuseTest {
  private static final FrameCodec CODEC = FrameCodec.standard();

  @Test
  void aFrameWithMoreKeysThanTheReusableMapHoldsDecodesTheSame() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("v", 1L);
    map.put("type", "cancel");
    map.put("id", 7L);
    for (int i = 0; i < 30; i++) {
      map.put("extra" + i, (long) i);
    }
    map.put("reason", "late");

    assertThat(CODEC.decode(CODEC.encodeMap(map))).isEqualTo(new Cancel(7, "late"));
  }

  @Test
  void aRepeatedKeyTakesItsLastValue() throws IOException {
    MessageBufferPacker packer = cancelHead(4);
    packer.packString("id").packLong(1);
    packer.packString("id").packLong(2);

    assertThat(CODEC.decode(packer.toByteArray())).isEqualTo(new Cancel(2, ""));
  }

  /** The outer map keeps integers unboxed: each msgpack int form must still read the same. */
  @Test
  void anIdInEveryIntegerFormDecodesToItsValue() throws IOException {
    // {first byte of the id's form, value}: fixint, uint8/16/32/64 and int8/16/32/64.
    long[][] forms = {
      {0x7f, 127},
      {0xcc, 200},
      {0xcd, 60_000},
      {0xce, 4_000_000_000L},
      {0xcf, 1L << 40},
      {0xd0, 100},
      {0xd1, 30_000},
      {0xd2, 2_000_000_000},
      {0xd3, Long.MAX_VALUE}
    };
    for (long[] form : forms) {
      MessageBufferPacker packer = cancelHead(3);
      packer.packString("id");
      byte[] head = packer.toByteArray();
      byte[] message = withInteger(head, (int) form[0], form[1]);
      assertThat(CODEC.decode(message)).as("form 0x%x", form[0]).isEqualTo(new Cancel(form[1], ""));
    }
  }

  @Test
  void aNegativeIdInAnyFormIsRejectedNamingTheField() throws IOException {
    for (int form : new int[] {0xff, 0xd0, 0xd1, 0xd2, 0xd3}) {
      MessageBufferPacker packer = cancelHead(3);
      packer.packString("id");
      byte[] message = withInteger(packer.toByteArray(), form, -1);
      assertThatThrownBy(() -> CODEC.decode(message))
          .isInstanceOf(CodecException.class)
          .hasMessageContaining("cancel.id")
          .hasMessageContaining("must be a non-negative integer, got int");
    }
  }

  @Test
  void aRepeatedKeyTakesItsLastValueAcrossIntegerAndOtherValues() throws IOException {
    MessageBufferPacker packer = cancelHead(4);
    packer.packString("id").packLong(5);
    packer.packString("id").packString("five");
    assertThatThrownBy(() -> CODEC.decode(packer.toByteArray()))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("got str");

    MessageBufferPacker back = cancelHead(4);
    back.packString("id").packString("five");
    back.packString("id").packLong(500);
    assertThat(CODEC.decode(back.toByteArray())).isEqualTo(new Cancel(500, ""));
  }

  /** Frame keys are matched by identity when they are vocabulary words, whatever their str form. */
  @Test
  void aFrameKeyInAnyStrFormIsFoundAndForeignKeysDoNotHideIt() throws IOException {
    MessageBufferPacker packer = MessagePack.newDefaultBufferPacker();
    packer.packMapHeader(6);
    packStr8(packer, "v");
    packer.packInt(1);
    packer.packString("extra").packString("ignored");
    packStr8(packer, "type");
    packer.packString("cancel");
    packer.packString("extra").packString("again");
    packer.packRawStringHeader(2).writePayload(new byte[] {'i', 'd'}); // fixstr, as usual
    packer.packLong(300);
    packStr8(packer, "reason");
    packer.packString("late");

    assertThat(CODEC.decode(packer.toByteArray())).isEqualTo(new Cancel(300, "late"));
  }

  /** A packer holding a map header of {@code entries} and a CANCEL's {@code v} and {@code type}. */
  private static MessageBufferPacker cancelHead(int entries) throws IOException {
    MessageBufferPacker packer = MessagePack.newDefaultBufferPacker();
    packer.packMapHeader(entries);
    packer.packString("v").packInt(1);
    packer.packString("type").packString("cancel");
    return packer;
  }

  /** A str8 header even where a fixstr would do, as some encoders write short strs. */
  private static void packStr8(MessageBufferPacker packer, String s) throws IOException {
    byte[] ascii = s.getBytes(StandardCharsets.US_ASCII);
    packer.writePayload(new byte[] {(byte) 0xd9, (byte) ascii.length});
    packer.writePayload(ascii);
  }

  /** {@code head} followed by {@code value} written in the msgpack int form {@code first}. */
  private static byte[] withInteger(byte[] head, int first, long value) {
    int size =
        switch (first) {
          case 0xcc, 0xd0 -> 1;
          case 0xcd, 0xd1 -> 2;
          case 0xce, 0xd2 -> 4;
          case 0xcf, 0xd3 -> 8;
          default -> 0; // a fixint is its own first byte
        };
    byte[] out = Arrays.copyOf(head, head.length + 1 + size);
    out[head.length] = (byte) (size == 0 ? value : first);
    for (int i = 0; i < size; i++) {
      out[head.length + 1 + i] = (byte) (value >>> (8 * (size - 1 - i)));
    }
    return out;
  }

  @Test
  void aFailedDecodeLeavesNothingBehindForTheNextOne() {
    byte[] bad = CODEC.encodeMap(Map.of("v", 1L, "type", "req", "id", "not a number"));
    assertThatThrownBy(() -> CODEC.decode(bad)).isInstanceOf(CodecException.class);

    byte[] good = CODEC.encodeMap(Map.of("v", 1L, "type", "cancel", "id", 3L));
    assertThat(CODEC.decode(good)).isEqualTo(new Cancel(3, ""));
  }

  @Test
  void manyDistinctShortStringsSeed42DecodeToThemselves() {
    // Far more distinct strings than the per-thread string cache has slots: collisions must
    // replace entries, never return another string's value.
    Random random = new Random(42);
    String alphabet = "abcdefghijklmnopqrstuvwxyzé€𝄞01";
    for (int round = 0; round < 200; round++) {
      Map<String, Object> params = new LinkedHashMap<>();
      for (int i = 0; i < 10; i++) {
        StringBuilder key = new StringBuilder();
        int length = random.nextInt(12);
        for (int c = 0; c < length; c++) {
          key.appendCodePoint(
              alphabet.codePointAt(alphabet.offsetByCodePoints(0, random.nextInt(31))));
        }
        params.put(key.toString(), key.reverse().toString());
      }
      Req req = Req.unary(round, "m" + random.nextInt(1000), params);

      Req decoded = (Req) CODEC.decode(CODEC.encode(req));

      assertThat(decoded.method()).isEqualTo(req.method());
      assertThat(decoded.params()).containsExactlyEntriesOf(params);
    }
  }

  /** {@code small} encoded by msgpack-core's own packer, in the spec's field order. */
  private static final class MessagePackSmallReq {
    static byte[] bytes() {
      try {
        MessageBufferPacker packer = MessagePack.newDefaultBufferPacker();
        packer.packMapHeader(6);
        packer.packString("v").packInt(1);
        packer.packString("type").packString("req");
        packer.packString("id").packLong(2);
        packer.packString("method").packString("small");
        packer.packString("stream").packBoolean(false);
        packer.packString("params").packMapHeader(1).packString("x").packLong(1);
        return packer.toByteArray();
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }
  }

  @Test
  void encodingAfterALargeMessageProducesExactlyTheNextMessage() {
    Req large = Req.unary(1, "big", Map.of("data", new byte[300_000]));
    Req small = Req.unary(2, "small", Map.of("x", 1L));
    CODEC.encode(large);

    byte[] encoded = CODEC.encode(small);

    assertThat(encoded).isEqualTo(MessagePackSmallReq.bytes());
  }

  @Test
  void strsOfEveryLengthAndAlphabetEncodeAsMsgpackJavaWritesThem() throws IOException {
    List<String> strings = new ArrayList<>();
    for (int length = 0; length <= 300; length++) {
      strings.add("k".repeat(length));
      if (length > 0) {
        // one non-ASCII char last, so the fast path has written the rest before it gives up
        strings.add("k".repeat(length - 1) + "é");
        strings.add("\u007f".repeat(length));
      }
    }
    strings.add("🙂");
    for (String s : strings) {
      MessageBufferPacker expected = MessagePack.newDefaultBufferPacker();
      expected.packMapHeader(1).packString(s).packString(s);

      assertThat(CODEC.encodeMap(Map.of(s, s)))
          .as("length %d", s.length())
          .isEqualTo(expected.toByteArray());
    }
  }

  @Test
  void mapsOfEveryKindEncodeTheirEntriesInIterationOrderNestedOrNot() throws IOException {
    Map<String, Object> inner = new TreeMap<>(Map.of("b", 2L, "a", List.of(1L, "x")));
    Map<String, Object> linked = new LinkedHashMap<>();
    linked.put("z", inner);
    linked.put("y", CODEC.decodeMap(CODEC.encodeMap(inner)));
    linked.put("x", Collections.unmodifiableMap(new LinkedHashMap<>(Map.of("c", 3L))));

    MessageBufferPacker expected = MessagePack.newDefaultBufferPacker();
    expected.packMapHeader(3);
    for (String key : List.of("z", "y")) {
      expected.packString(key).packMapHeader(2);
      expected.packString("a").packArrayHeader(2).packLong(1).packString("x");
      expected.packString("b").packLong(2);
    }
    expected.packString("x").packMapHeader(1).packString("c").packLong(3);

    assertThat(CODEC.encodeMap(linked)).isEqualTo(expected.toByteArray());
  }

  @Test
  void aBadKeyInANestedMapNamesItsPathAndTheNextEncodeStartsAfresh() {
    Map<Object, Object> bad = new LinkedHashMap<>();
    bad.put("fine", 1L);
    bad.put(7, 2L);
    Map<String, Object> outer = new LinkedHashMap<>();
    outer.put("nested", bad);

    assertThatThrownBy(() -> CODEC.encode(Req.unary(1, "m", outer)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("req.params.nested: map keys must be strings, got Integer");
    assertThat(CODEC.encode(Req.unary(2, "small", Map.of("x", 1L))))
        .isEqualTo(MessagePackSmallReq.bytes());
  }
}
