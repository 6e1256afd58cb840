package dev.opendesk.benchmarks.grpc;

import dev.opendesk.benchmarks.MsgpackMaps;
import io.grpc.CallOptions;
import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A gRPC-java echo server and its client channel, built by hand (a hand-built {@link
 * MethodDescriptor} with {@link ServerCalls}/{@link ClientCalls}, no protoc): a unary {@code Echo}
 * and a server-streaming {@code Stream} that sends a fixed item a fixed number of times, with
 * gRPC's own flow control ({@code isReady}/{@code onReady}).
 *
 * <p>By default gRPC gets its fastest idiomatic configuration: {@code directExecutor()} on both
 * sides (the handlers never block), the shared default Netty event loops, plaintext on 127.0.0.1.
 * With {@code directExecutor} false, server and channel keep gRPC's default executor (a shared
 * cached pool): handlers may block, the guarantee opendesk's default gives.
 *
 * <p>Thread-safe once built; {@link #close()} once.
 *
 * @param <T> the message type: {@code Map<String, Object>} or {@code byte[]}
 */
public final class GrpcEcho<T> implements AutoCloseable {

  /** Where the server and client run. */
  public enum Transport {
    /** gRPC's in-process transport ({@code grpc-inprocess}). */
    INPROCESS,
    /** gRPC over Netty on 127.0.0.1, plaintext HTTP/2. */
    NETTY
  }

  private static final String SERVICE = "bench.Echo";

  private final MethodDescriptor<T, T> echo;
  private final MethodDescriptor<T, T> stream;
  private final Server server;
  private final ManagedChannel channel;

  private GrpcEcho(
      Transport transport,
      boolean directExecutor,
      MethodDescriptor.Marshaller<T> marshaller,
      T streamItem,
      int streamItems)
      throws IOException {
    echo = method(MethodDescriptor.MethodType.UNARY, "Echo", marshaller);
    stream = method(MethodDescriptor.MethodType.SERVER_STREAMING, "Stream", marshaller);
    ServerServiceDefinition service =
        ServerServiceDefinition.builder(SERVICE)
            .addMethod(echo, ServerCalls.asyncUnaryCall(GrpcEcho::echo))
            .addMethod(
                stream,
                ServerCalls.asyncServerStreamingCall(
                    (request, observer) ->
                        new StreamSender<>(observer, streamItem, streamItems).start()))
            .build();
    if (transport == Transport.INPROCESS) {
      String name = "bench-" + UUID.randomUUID();
      InProcessServerBuilder serverBuilder = InProcessServerBuilder.forName(name);
      InProcessChannelBuilder channelBuilder = InProcessChannelBuilder.forName(name);
      if (directExecutor) {
        serverBuilder.directExecutor();
        channelBuilder.directExecutor();
      }
      server = serverBuilder.addService(service).build().start();
      channel = channelBuilder.build();
    } else {
      NettyServerBuilder serverBuilder =
          NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0));
      if (directExecutor) {
        serverBuilder.directExecutor();
      }
      server = serverBuilder.addService(service).build().start();
      NettyChannelBuilder channelBuilder =
          NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext();
      if (directExecutor) {
        channelBuilder.directExecutor();
      }
      channel = channelBuilder.build();
    }
  }

  /** An echo whose messages are maps msgpack-encoded and decoded by {@link MsgpackMaps}. */
  public static GrpcEcho<Map<String, Object>> msgpack(
      Transport transport, Map<String, Object> streamItem, int streamItems) throws IOException {
    return msgpack(transport, true, streamItem, streamItems);
  }

  /**
   * As {@link #msgpack(Transport, Map, int)}, on {@code directExecutor()} or gRPC's default
   * executor.
   */
  public static GrpcEcho<Map<String, Object>> msgpack(
      Transport transport, boolean directExecutor, Map<String, Object> streamItem, int streamItems)
      throws IOException {
    return new GrpcEcho<>(
        transport, directExecutor, new MsgpackMarshaller(), streamItem, streamItems);
  }

  /**
   * An echo whose messages are {@code byte[]} passed through: gRPC with no serialization at all.
   */
  public static GrpcEcho<byte[]> bytes(Transport transport, byte[] streamItem, int streamItems)
      throws IOException {
    return bytes(transport, true, streamItem, streamItems);
  }

  /** As {@link #bytes(Transport, byte[], int)}, on {@code directExecutor()} or the default one. */
  public static GrpcEcho<byte[]> bytes(
      Transport transport, boolean directExecutor, byte[] streamItem, int streamItems)
      throws IOException {
    return new GrpcEcho<>(
        transport, directExecutor, new BytesMarshaller(), streamItem, streamItems);
  }

  /** One unary call, waiting for its reply (gRPC's blocking stub path). */
  public T call(T request) {
    return ClientCalls.blockingUnaryCall(channel, echo, CallOptions.DEFAULT, request);
  }

  /** Starts one unary call; {@code observer} gets its reply. */
  public void callAsync(T request, StreamObserver<T> observer) {
    ClientCalls.asyncUnaryCall(channel.newCall(echo, CallOptions.DEFAULT), request, observer);
  }

  /** Starts one server stream; the future completes with the number of items received. */
  public CompletableFuture<Long> stream(T request) {
    CompletableFuture<Long> done = new CompletableFuture<>();
    ClientCalls.asyncServerStreamingCall(
        channel.newCall(stream, CallOptions.DEFAULT),
        request,
        new StreamObserver<T>() {
          private long count;

          @Override
          public void onNext(T value) {
            count++;
          }

          @Override
          public void onError(Throwable t) {
            done.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {
            done.complete(count);
          }
        });
    return done;
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow();
    server.shutdownNow();
    channel.awaitTermination(10, TimeUnit.SECONDS);
    server.awaitTermination(10, TimeUnit.SECONDS);
  }

  private static <T> void echo(T request, StreamObserver<T> observer) {
    observer.onNext(request);
    observer.onCompleted();
  }

  private static <T> MethodDescriptor<T, T> method(
      MethodDescriptor.MethodType type, String name, MethodDescriptor.Marshaller<T> marshaller) {
    return MethodDescriptor.<T, T>newBuilder()
        .setType(type)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
        .setRequestMarshaller(marshaller)
        .setResponseMarshaller(marshaller)
        .build();
  }

  /**
   * Sends a stream's items while the call is ready. gRPC serializes a call's callbacks, so the
   * handler's first send and later onReady callbacks never run at the same time.
   */
  private static final class StreamSender<T> {
    private final ServerCallStreamObserver<T> observer;
    private final T item;
    private final int items;
    private int sent;
    private boolean completed;

    StreamSender(StreamObserver<T> observer, T item, int items) {
      this.observer = (ServerCallStreamObserver<T>) observer;
      this.item = item;
      this.items = items;
    }

    void start() {
      observer.setOnReadyHandler(this::send);
      // The transport's first onReady may have come before this handler was set.
      send();
    }

    private void send() {
      while (sent < items && observer.isReady()) {
        observer.onNext(item);
        sent++;
      }
      if (sent == items && !completed) {
        completed = true;
        observer.onCompleted();
      }
    }
  }

  /**
   * Serializes for real on both sides, as a Netty transport must: {@code stream} encodes eagerly
   * and {@code parse} decodes, so the in-process transport cannot pass the object through (as
   * gRPC's protobuf marshaller does there).
   */
  static final class MsgpackMarshaller implements MethodDescriptor.Marshaller<Map<String, Object>> {
    @Override
    public InputStream stream(Map<String, Object> value) {
      return new MessageStream(MsgpackMaps.encode(value));
    }

    @Override
    public Map<String, Object> parse(InputStream stream) {
      return MsgpackMaps.decode(readAll(stream));
    }
  }

  /** The no-serialization floor: bytes in, the same bytes out. */
  static final class BytesMarshaller implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
      return new MessageStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      return readAll(stream);
    }
  }

  /**
   * Reads a whole message. gRPC's inbound streams know their length, so this allocates exactly one
   * array; {@code readAllBytes} would allocate and copy through 8–16 KB buffers per message.
   */
  private static byte[] readAll(InputStream stream) {
    try (stream) {
      if (stream instanceof KnownLength) {
        byte[] bytes = new byte[stream.available()];
        int read = stream.readNBytes(bytes, 0, bytes.length);
        if (read != bytes.length || stream.read() != -1) {
          throw new IOException("message length differs from its known length " + bytes.length);
        }
        return bytes;
      }
      return stream.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * An outbound message as gRPC's own protobuf streams present it: {@link KnownLength} and {@link
   * Drainable}, so the framer writes the array directly instead of copying it through an 8 KB
   * buffer (what a plain {@link ByteArrayInputStream} costs).
   */
  private static final class MessageStream extends ByteArrayInputStream
      implements KnownLength, Drainable {
    MessageStream(byte[] bytes) {
      super(bytes);
    }

    @Override
    public int drainTo(OutputStream target) throws IOException {
      int length = count - pos;
      target.write(buf, pos, length);
      pos = count;
      return length;
    }
  }
}
