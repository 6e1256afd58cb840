package dev.opendesk.peer;

import dev.opendesk.protocol.FrameCodec;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * Limits and resources of a {@link Peer}.
 *
 * <pre>{@code
 * PeerOptions options = PeerOptions.builder()
 *     .maxConcurrentInboundCalls(256)
 *     .maxConcurrentInboundStreams(16)
 *     .streamBufferFrames(32)
 *     .defaultCallTimeout(Duration.ofSeconds(30))
 *     .build();
 * }</pre>
 *
 * <p>Immutable, thread-safe.
 *
 * @param maxConcurrentInboundCalls how many inbound calls may be in flight at once (default {@value
 *     #DEFAULT_MAX_CONCURRENT_INBOUND_CALLS}); the excess is answered with error code {@code busy}
 * @param maxConcurrentInboundStreams how many of those inbound calls may be stream calls at once
 *     (default {@value #DEFAULT_MAX_CONCURRENT_INBOUND_STREAMS}); a stream holds a handler for as
 *     long as it runs, so this lower cap keeps long streams from taking every call slot. The excess
 *     is answered with error code {@code busy}. Outbound streams are bounded by the caller (each
 *     buffers at most {@code streamBufferFrames} items)
 * @param streamBufferFrames how many stream items the caller side buffers per stream before the
 *     peer stops reading the connection (default {@value #DEFAULT_STREAM_BUFFER_FRAMES}); see
 *     {@link CallStream} for what that means for other calls
 * @param handlerExecutor runs handlers that may block, push handlers, stream subscribers, the
 *     {@code *Async} stages of call futures (their default executor) and, with {@code
 *     callbacksMayBlock}, the delivery of results to callers; {@code null} (the default) uses one
 *     executor shared by all peers, all of whose threads are gone once the last peer closes: on JDK
 *     21 and later it starts a virtual thread per task ({@code opendesk-peer-vthread-*}), so
 *     blocking handlers across many sessions cost no platform threads; on JDK 17–20 it is a pool of
 *     max(2, CPUs) threads that starts more only when all of them are held up for a millisecond (a
 *     burst of short handlers takes no new threads, a blocked one holds up the others for a few
 *     milliseconds at most), its threads ended after 30 s idle. A supplied executor is used as
 *     given (never replaced by virtual threads), is not shut down by the peer, and must not run
 *     tasks on the calling thread if handlers may block.
 * @param callbacksMayBlock whether stages attached to a unary call's future without an executor
 *     ({@code thenApply}, {@code whenComplete}, ...) may block: then each result is handed to the
 *     handler executor before the future completes, one thread hand-off per call. By default
 *     ({@code false}) a result completes the future on the thread that received it, so such stages
 *     run there and must not block, as with {@link Dispatcher.Builder#unaryAsync} handlers; the
 *     {@code *Async} stages run on the handler executor, and waiting for a result of the same peer
 *     there fails at once with {@link IllegalStateException} instead of deadlocking (see {@link
 *     Peer}, "Threads")
 * @param codec the frame codec (default {@link FrameCodec#standard()})
 * @param defaultCallTimeout the timeout of calls that do not set one, or {@code null} for none (the
 *     default)
 */
public record PeerOptions(
    int maxConcurrentInboundCalls,
    int maxConcurrentInboundStreams,
    int streamBufferFrames,
    @Nullable Executor handlerExecutor,
    boolean callbacksMayBlock,
    FrameCodec codec,
    @Nullable Duration defaultCallTimeout) {

  /** Default of {@link #maxConcurrentInboundCalls()}. */
  public static final int DEFAULT_MAX_CONCURRENT_INBOUND_CALLS = 1024;

  /** Default of {@link #maxConcurrentInboundStreams()}. */
  public static final int DEFAULT_MAX_CONCURRENT_INBOUND_STREAMS = 256;

  /** Default of {@link #streamBufferFrames()}. */
  public static final int DEFAULT_STREAM_BUFFER_FRAMES = 64;

  private static final PeerOptions DEFAULTS = builder().build();

  /** Validates every field; the messages name the field. */
  public PeerOptions {
    if (maxConcurrentInboundCalls < 1) {
      throw new IllegalArgumentException(
          "maxConcurrentInboundCalls must be positive: " + maxConcurrentInboundCalls);
    }
    if (maxConcurrentInboundStreams < 1) {
      throw new IllegalArgumentException(
          "maxConcurrentInboundStreams must be positive: " + maxConcurrentInboundStreams);
    }
    if (streamBufferFrames < 1) {
      throw new IllegalArgumentException(
          "streamBufferFrames must be positive: " + streamBufferFrames);
    }
    Objects.requireNonNull(codec, "codec");
    if (defaultCallTimeout != null
        && (defaultCallTimeout.isNegative() || defaultCallTimeout.isZero())) {
      throw new IllegalArgumentException(
          "defaultCallTimeout must be positive: " + defaultCallTimeout);
    }
  }

  /** The defaults. */
  public static PeerOptions defaults() {
    return DEFAULTS;
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these options. */
  public Builder toBuilder() {
    return new Builder()
        .maxConcurrentInboundCalls(maxConcurrentInboundCalls)
        .maxConcurrentInboundStreams(maxConcurrentInboundStreams)
        .streamBufferFrames(streamBufferFrames)
        .handlerExecutor(handlerExecutor)
        .callbacksMayBlock(callbacksMayBlock)
        .codec(codec)
        .defaultCallTimeout(defaultCallTimeout);
  }

  /** Builds {@link PeerOptions}; not thread-safe. */
  public static final class Builder {
    private int maxConcurrentInboundCalls = DEFAULT_MAX_CONCURRENT_INBOUND_CALLS;
    private int maxConcurrentInboundStreams = DEFAULT_MAX_CONCURRENT_INBOUND_STREAMS;
    private int streamBufferFrames = DEFAULT_STREAM_BUFFER_FRAMES;
    private Executor handlerExecutor;
    private boolean callbacksMayBlock;
    private FrameCodec codec = FrameCodec.standard();
    private Duration defaultCallTimeout;

    private Builder() {}

    /** See {@link PeerOptions#maxConcurrentInboundCalls()}. */
    public Builder maxConcurrentInboundCalls(int max) {
      this.maxConcurrentInboundCalls = max;
      return this;
    }

    /** See {@link PeerOptions#maxConcurrentInboundStreams()}. */
    public Builder maxConcurrentInboundStreams(int max) {
      this.maxConcurrentInboundStreams = max;
      return this;
    }

    /** See {@link PeerOptions#streamBufferFrames()}. */
    public Builder streamBufferFrames(int frames) {
      this.streamBufferFrames = frames;
      return this;
    }

    /** See {@link PeerOptions#handlerExecutor()}; {@code null} restores the peer-owned pool. */
    public Builder handlerExecutor(Executor executor) {
      this.handlerExecutor = executor;
      return this;
    }

    /** See {@link PeerOptions#callbacksMayBlock()}; default {@code false}. */
    public Builder callbacksMayBlock(boolean mayBlock) {
      this.callbacksMayBlock = mayBlock;
      return this;
    }

    /** See {@link PeerOptions#codec()}. */
    public Builder codec(FrameCodec codec) {
      this.codec = Objects.requireNonNull(codec, "codec");
      return this;
    }

    /** See {@link PeerOptions#defaultCallTimeout()}; {@code null} for none. */
    public Builder defaultCallTimeout(@Nullable Duration timeout) {
      this.defaultCallTimeout = timeout;
      return this;
    }

    /**
     * The options.
     *
     * @throws IllegalArgumentException if a value is out of range; the message names it
     */
    public PeerOptions build() {
      return new PeerOptions(
          maxConcurrentInboundCalls,
          maxConcurrentInboundStreams,
          streamBufferFrames,
          handlerExecutor,
          callbacksMayBlock,
          codec,
          defaultCallTimeout);
    }
  }
}
