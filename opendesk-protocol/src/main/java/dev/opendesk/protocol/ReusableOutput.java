package dev.opendesk.protocol;

import java.util.Arrays;
import org.msgpack.core.buffer.MessageBuffer;
import org.msgpack.core.buffer.MessageBufferOutput;

/**
 * A packer's output that is reused from message to message: the packer packs into one fixed chunk,
 * whose written bytes are appended to a growable array on each flush; payloads written directly are
 * appended too. Nothing is allocated per message except the final copy, unless the array must grow.
 * (msgpack-core's own buffer output allocated a buffer slice per message and a fresh 8 KiB buffer
 * after every flush.) Not thread-safe: one per thread, via {@link FrameEncoder}.
 */
final class ReusableOutput implements MessageBufferOutput {
  private static final int CHUNK = 8192;
  private final MessageBuffer chunk = MessageBuffer.allocate(CHUNK);
  private MessageBuffer current;
  private byte[] bytes = new byte[512];
  private int size;

  /** Bytes written since the last {@link #reset}. */
  int size() {
    return size;
  }

  /** The capacity the array has grown to. */
  int capacity() {
    return bytes.length;
  }

  /** Forgets what was written, keeping the array. */
  void reset() {
    size = 0;
  }

  /** A copy of the bytes written. */
  byte[] toByteArray() {
    return Arrays.copyOf(bytes, size);
  }

  @Override
  public MessageBuffer next(int minimumSize) {
    current = minimumSize <= CHUNK ? chunk : MessageBuffer.allocate(minimumSize);
    return current;
  }

  @Override
  public void writeBuffer(int length) {
    ensure(length);
    current.getBytes(0, bytes, size, length);
    size += length;
  }

  @Override
  public void write(byte[] buffer, int offset, int length) {
    ensure(length);
    System.arraycopy(buffer, offset, bytes, size, length);
    size += length;
  }

  @Override
  public void add(byte[] buffer, int offset, int length) {
    write(buffer, offset, length);
  }

  private void ensure(int length) {
    if (length > bytes.length - size) {
      long wanted = Math.max((long) size + length, 2L * bytes.length);
      bytes = Arrays.copyOf(bytes, (int) Math.min(wanted, Integer.MAX_VALUE - 8));
    }
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}
}
