package dev.opendesk.transport.ws;

import dev.opendesk.protocol.Connection;
import dev.opendesk.protocol.ConnectionClosedException;
import dev.opendesk.protocol.ReceiveFuture;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a WebSocket pipeline: turns whole binary frames into {@code byte[]} messages
 * and back, and implements the {@link dev.opendesk.protocol.Connection} semantics (bounded reads,
 * writability-aware sends, the close handshake). Copies every inbound payload out of its buffer and
 * releases it, so nothing reference-counted leaves the pipeline.
 *
 * <p>Thread model: Netty callbacks run on the channel's event loop; {@link #send}, {@link #receive}
 * and {@link #close} may be called from any thread. State shared between the two is guarded by
 * {@code lock}; futures are completed outside it.
 */
final class MessageBridge extends ChannelDuplexHandler {

  private static final Logger log = LoggerFactory.getLogger(WebSocketConnection.class);

  /** Inbound messages buffered beyond receive() demand before reading from the socket pauses. */
  static final int MAX_BUFFERED_MESSAGES = 32;

  /** Inbound bytes buffered beyond receive() demand before reading from the socket pauses. */
  static final long MAX_BUFFERED_BYTES = 1024 * 1024;

  /**
   * Bytes of sends queued here (not yet handed to Netty) up to which a send is taken at once: its
   * future completes in {@link #send}, so a sender that waits for each send (a stream handler) does
   * not wait for an event-loop round trip per message, and a burst of messages goes out in one
   * flush. Beyond it a send is taken when the event loop hands it to Netty, which it does only
   * while the channel is writable: that is the backpressure.
   */
  static final long MAX_QUEUED_SEND_BYTES = 1024 * 1024;

  /**
   * Written-but-unflushed bytes after which a send burst flushes, so writability stays accurate.
   */
  private static final int FLUSH_THRESHOLD = 64 * 1024;

  /** A queued send not taken yet: it is taken when it is written. */
  private record PendingSend(byte[] message, CompletableFuture<Void> taken) {}

  /** Why the connection ended, and whether that was an error. */
  private record Ending(String message, Throwable cause, boolean error) {
    ConnectionClosedException exception() {
      return cause == null
          ? new ConnectionClosedException(message)
          : new ConnectionClosedException(message, cause);
    }
  }

  private static final Ending LOCAL_CLOSE = new Ending("connection closed", null, false);

  private final Duration closeTimeout;
  private final int maxMessageSize;
  private final boolean maskOutbound;
  private final Object lock = new Object();
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();

  // Guarded by lock.
  private final ArrayDeque<byte[]> inbound = new ArrayDeque<>();
  private long inboundBytes;
  private BiConsumer<? super byte[], ? super Throwable> receiver;
  // A send taken at once is queued as its byte[], one taken later as a PendingSend.
  private final ArrayDeque<Object> outbound = new ArrayDeque<>();
  private long outboundBytes;
  private boolean localClosed;
  private Ending ending;
  private boolean readPaused;

  // Event loop only.
  private ChannelHandlerContext ctx;
  private boolean active;
  // Inside a read burst (channelRead until channelReadComplete): sends made on the event loop
  // meanwhile are drained and flushed once, at channelReadComplete.
  private boolean reading;
  private boolean drainAtReadComplete;
  private boolean closeFrameSent;
  private ScheduledFuture<?> forceClose;
  private String remote = "?";

  /**
   * @param maskOutbound whether frames sent are masked: a client's are, a server's are not
   */
  MessageBridge(WebSocketOptions options, boolean maskOutbound) {
    this.closeTimeout = options.closeTimeout();
    this.maxMessageSize = options.maxMessageSize();
    this.maskOutbound = maskOutbound;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  /**
   * Called on the event loop once the upgrade completed: from now on reads follow receive() demand.
   */
  void activate(String remoteDescription) {
    remote = remoteDescription;
    active = true;
    ctx.channel().config().setAutoRead(false);
    log.debug("{}: WebSocket open", remote);
    ctx.read();
  }

  /**
   * Whether inbound reading is paused because the application is not receiving (keepalive asks).
   */
  boolean readPaused() {
    synchronized (lock) {
      return readPaused;
    }
  }

  CompletableFuture<Void> closeFuture() {
    return closeFuture;
  }

  boolean isOpen() {
    synchronized (lock) {
      return ending == null;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Application side (any thread).

  CompletableFuture<Void> send(byte[] message) {
    if (message == null) {
      return CompletableFuture.failedFuture(new NullPointerException("message"));
    }
    CompletableFuture<Void> taken;
    boolean firstQueued;
    synchronized (lock) {
      if (ending != null) {
        return CompletableFuture.failedFuture(ending.exception());
      }
      firstQueued = outbound.isEmpty();
      outboundBytes += message.length;
      if (outboundBytes <= MAX_QUEUED_SEND_BYTES) {
        taken = Connection.taken();
        outbound.add(message);
      } else {
        taken = new CompletableFuture<>();
        outbound.add(new PendingSend(message, taken));
      }
    }
    if (ctx.executor().inEventLoop() && reading) {
      drainAtReadComplete = true; // one drain and flush for everything this read burst sends
    } else if (firstQueued) {
      // Behind other queued sends the event loop drains on by itself (see drain): a task per send
      // from a flooding producer would keep the loop in its task queue, away from its I/O.
      scheduleDrain();
    }
    return taken;
  }

  CompletableFuture<byte[]> receive() {
    ReceiveFuture next = new ReceiveFuture();
    receive(next);
    return next;
  }

  /** Hands the next message (or the failure) to {@code to}, now or when one is read. */
  void receive(BiConsumer<? super byte[], ? super Throwable> to) {
    byte[] message = null;
    Throwable failure = null;
    boolean resume = false;
    synchronized (lock) {
      if (receiver != null) {
        failure = new IllegalStateException("a receive is already outstanding");
      } else {
        message = inbound.poll();
        if (message != null) {
          inboundBytes -= message.length;
        } else if (ending != null) {
          failure = ending.exception();
        } else {
          receiver = to;
        }
        if (readPaused && hasRoom()) {
          readPaused = false;
          resume = true;
        }
      }
    }
    if (resume) {
      ctx.read(); // thread-safe: Netty hops to the event loop
    }
    if (message != null || failure != null) {
      to.accept(message, failure);
    }
  }

  void close() {
    close(WebSocketCloseStatus.NORMAL_CLOSURE);
  }

  void close(WebSocketCloseStatus status) {
    BiConsumer<? super byte[], ? super Throwable> r;
    synchronized (lock) {
      if (localClosed) {
        return;
      }
      localClosed = true;
      if (ending == null) {
        ending = LOCAL_CLOSE;
      }
      inbound.clear();
      inboundBytes = 0;
      r = receiver;
      receiver = null;
      // Queued sends stay: startClose writes them before the close frame.
    }
    if (r != null) {
      r.accept(null, LOCAL_CLOSE.exception());
    }
    try {
      ctx.executor().execute(() -> startClose(status.code(), status.reasonText()));
    } catch (RejectedExecutionException e) {
      // The event loop is gone, so the channel is closed already.
      ctx.channel().close();
    }
  }

  private boolean hasRoom() {
    return inbound.size() < MAX_BUFFERED_MESSAGES && inboundBytes < MAX_BUFFERED_BYTES;
  }

  // ---------------------------------------------------------------------------------------------
  // Outbound (event loop).

  private void scheduleDrain() {
    if (drainScheduled.compareAndSet(false, true)) {
      try {
        ctx.executor().execute(this::drain);
      } catch (RejectedExecutionException e) {
        drainScheduled.set(false);
        end(new Ending("connection closed: event loop shut down", e, true));
      }
    }
  }

  private void drain() {
    drainScheduled.set(false);
    drainAtReadComplete = false;
    if (closeFrameSent || !ctx.channel().isActive()) {
      failQueuedSends();
      return;
    }
    // One flush's worth per task. A flooding sender keeps the queue full and the channel
    // writable (the peer reads as fast as we write), so a drain that wrote while writable would
    // keep the event loop in its task queue and starve its I/O: the peer's frames (a CANCEL for
    // this very flood) would then sit unread for seconds.
    boolean wrote = false;
    long unflushed = 0;
    while (unflushed < FLUSH_THRESHOLD && ctx.channel().isWritable()) {
      Object next = pollOutbound();
      if (next == null) {
        break;
      }
      unflushed += write(next);
      wrote = true;
    }
    if (wrote) {
      ctx.flush();
    }
    if (unflushed >= FLUSH_THRESHOLD && ctx.channel().isWritable() && hasQueuedSends()) {
      continueDrainAfterIo();
    }
  }

  /**
   * Continues the drain on the event loop's next turn: a scheduled task (even with no delay) runs
   * only after the loop has polled its channels again, unlike an executed one, which the loop runs
   * in the same batch of tasks.
   */
  private void continueDrainAfterIo() {
    if (drainScheduled.compareAndSet(false, true)) {
      try {
        ctx.executor().schedule(this::drain, 0, TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        drainScheduled.set(false);
        end(new Ending("connection closed: event loop shut down", e, true));
      }
    }
  }

  private boolean hasQueuedSends() {
    synchronized (lock) {
      return !outbound.isEmpty();
    }
  }

  /**
   * Before the close frame: writes every queued send, writable or not (what was taken must go out;
   * the queue is bounded by senders waiting for their futures beyond {@link
   * #MAX_QUEUED_SEND_BYTES}).
   */
  private void writeAllQueued() {
    for (Object next; (next = pollOutbound()) != null; ) {
      write(next);
    }
  }

  private Object pollOutbound() {
    synchronized (lock) {
      Object next = outbound.poll();
      if (next != null) {
        outboundBytes -= message(next).length;
      }
      return next;
    }
  }

  private static byte[] message(Object queued) {
    return queued instanceof PendingSend pending ? pending.message : (byte[]) queued;
  }

  /**
   * Hands one queued message to Netty as a binary frame (it is taken now, if not already) and
   * returns its size. Write failures reach {@link #exceptionCaught} through the void promise, and
   * close the connection.
   */
  private int write(Object queued) {
    byte[] message = message(queued);
    ctx.write(BinaryFrames.encode(ctx.alloc(), message, maskOutbound), ctx.voidPromise());
    if (queued instanceof PendingSend pending) {
      pending.taken.complete(null);
    }
    return message.length;
  }

  private void failQueuedSends() {
    List<PendingSend> sends;
    synchronized (lock) {
      sends = takeQueuedSends();
    }
    ConnectionClosedException closed = new ConnectionClosedException("connection closed");
    sends.forEach(s -> s.taken.completeExceptionally(closed));
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable()) {
      // Not drain() here: this fires inside our own flush once the socket took a batch, and a
      // drain from here would write the next batch, flush, fire again, and so keep the event
      // loop writing (never reading) for as long as the peer reads.
      continueDrainAfterIo();
    }
    ctx.fireChannelWritabilityChanged();
  }

  // ---------------------------------------------------------------------------------------------
  // Inbound (event loop).

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    reading = true;
    try {
      if (msg instanceof byte[] message) {
        onMessage(message);
      } else if (msg instanceof CloseWebSocketFrame frame) {
        onCloseFrame(frame.statusCode(), frame.reasonText());
      }
      // Anything else (a pong already seen by the keepalive handler, ...) carries nothing for us.
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void onMessage(byte[] message) {
    BiConsumer<? super byte[], ? super Throwable> r = null;
    synchronized (lock) {
      if (localClosed || ending != null) {
        return;
      }
      if (receiver != null) {
        r = receiver;
        receiver = null;
      } else {
        inbound.add(message);
        inboundBytes += message.length;
      }
    }
    if (r != null) {
      r.accept(message, null);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    reading = false;
    if (drainAtReadComplete) {
      drain();
    }
    if (active) {
      boolean read;
      synchronized (lock) {
        if (localClosed || ending != null) {
          read = false; // closing: auto-read is back on to drain until the peer's close
        } else if (hasRoom()) {
          read = true;
        } else {
          readPaused = true;
          read = false;
        }
      }
      if (read) {
        ctx.read();
      }
    }
    ctx.fireChannelReadComplete();
  }

  private void onCloseFrame(int status, String reason) {
    if (closeFrameSent) {
      // The peer answered our close: the handshake is complete.
      ctx.close();
      return;
    }
    boolean normal = status == -1 || status == 1000 || status == 1001;
    String text =
        status == -1
            ? "closed by peer"
            : "closed by peer with status "
                + status
                + (reason == null || reason.isEmpty() ? "" : ": " + reason);
    log.debug("{}: {}", remote, text);
    end(new Ending(text, null, !normal));
    closeFrameSent = true;
    CloseWebSocketFrame echo =
        status == -1 ? new CloseWebSocketFrame() : new CloseWebSocketFrame(status, "");
    ctx.writeAndFlush(echo).addListener(ChannelFutureListener.CLOSE);
    armForceClose();
  }

  // ---------------------------------------------------------------------------------------------
  // Closing (event loop).

  private void startClose(int status, String reason) {
    if (!ctx.channel().isActive()) {
      ctx.close();
      return;
    }
    if (closeFrameSent) {
      return;
    }
    writeAllQueued();
    closeFrameSent = true;
    // Keep reading (and discarding) so the peer's close frame is seen and its sends never stall.
    ctx.channel().config().setAutoRead(true);
    ctx.writeAndFlush(new CloseWebSocketFrame(status, reason))
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                ctx.close();
              }
            });
    armForceClose();
  }

  private void armForceClose() {
    if (forceClose == null) {
      forceClose =
          ctx.executor().schedule(() -> ctx.close(), closeTimeout.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  /**
   * Closes after a failure: sends {@code status} when it is a close status, then waits for the
   * peer's close.
   */
  private void failClose(int status, String message, Throwable cause) {
    log.debug("{}: closing: {}", remote, message);
    end(new Ending(message, cause, true));
    if (status == ConnectionFailure.NO_CLOSE_FRAME
        || closeFrameSent
        || !active
        || !ctx.channel().isActive()) {
      ctx.close();
      return;
    }
    startClose(status, "");
  }

  /**
   * Records how the input ended, fails the waiting receive (if nothing is left to drain) and queued
   * sends.
   */
  private void end(Ending why) {
    BiConsumer<? super byte[], ? super Throwable> r = null;
    List<PendingSend> sends;
    synchronized (lock) {
      if (ending == null) {
        ending = why;
      }
      if (receiver != null && inbound.isEmpty()) {
        r = receiver;
        receiver = null;
      }
      sends = takeQueuedSends();
    }
    Ending e = endingNow();
    if (r != null) {
      r.accept(null, e.exception());
    }
    sends.forEach(s -> s.taken.completeExceptionally(e.exception()));
  }

  /** Under the lock: empties the send queue and returns the sends that wait to be taken. */
  private List<PendingSend> takeQueuedSends() {
    List<PendingSend> waiting = new ArrayList<>();
    for (Object queued : outbound) {
      if (queued instanceof PendingSend pending) {
        waiting.add(pending);
      }
    }
    outbound.clear();
    outboundBytes = 0;
    return waiting;
  }

  private Ending endingNow() {
    synchronized (lock) {
      return ending;
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!active) {
      // Upgrade failures are reported by the upgrade handlers; just make sure the channel goes.
      log.debug("{}: failure before the upgrade completed", ctx.channel().remoteAddress(), cause);
      ctx.close();
      return;
    }
    if (cause instanceof ConnectionFailure failure) {
      failClose(failure.closeStatus, failure.getMessage(), null);
    } else if (cause instanceof TooLongFrameException
        || (cause instanceof CorruptedWebSocketFrameException corrupt
            && corrupt.closeStatus().code() == WebSocketCloseStatus.MESSAGE_TOO_BIG.code())) {
      failClose(
          WebSocketCloseStatus.MESSAGE_TOO_BIG.code(),
          "peer sent a message larger than " + maxMessageSize + " bytes (closed with status 1009)",
          cause);
    } else if (cause instanceof CorruptedWebSocketFrameException corrupt) {
      failClose(
          corrupt.closeStatus().code(),
          "peer violated the WebSocket protocol (closed with status "
              + corrupt.closeStatus().code()
              + "): "
              + corrupt.getMessage(),
          cause);
    } else if (cause instanceof IOException) {
      failClose(ConnectionFailure.NO_CLOSE_FRAME, "connection lost: " + cause.getMessage(), cause);
    } else {
      log.warn("{}: unexpected failure, closing with status 1011", remote, cause);
      failClose(
          WebSocketCloseStatus.INTERNAL_SERVER_ERROR.code(), "internal error: " + cause, cause);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (forceClose != null) {
      forceClose.cancel(false);
    }
    end(
        active
            ? new Ending(
                "connection lost: the peer closed the TCP connection without a WebSocket close",
                null,
                true)
            : new Ending("connection closed before the WebSocket upgrade completed", null, true));
    Ending e = endingNow();
    if (e.error()) {
      log.debug("{}: WebSocket closed: {}", remote, e.message());
      closeFuture.completeExceptionally(e.exception());
    } else {
      log.debug("{}: WebSocket closed", remote);
      closeFuture.complete(null);
    }
    ctx.fireChannelInactive();
  }
}
