package dev.opendesk.peer;

import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * One dispatcher route wrapped by a {@link CallInterceptor}: {@code before} ahead of the handler,
 * {@code completed} exactly once when the call ends, however it ends. Wrapping routes leaves the
 * peer's call machinery untouched. Stateless apart from the wrapped pieces; thread-safe.
 */
final class InterceptedRoute {

  private InterceptedRoute() {}

  static Dispatcher.Route wrap(Dispatcher.Route route, CallInterceptor interceptor) {
    if (route instanceof Dispatcher.UnaryRoute unary) {
      return new Dispatcher.UnaryRoute(
          (ctx, params) -> {
            CallCompletion done = begin(ctx, params, interceptor);
            Object result;
            try {
              result = unary.handler().handle(ctx, params);
            } catch (Exception | Error e) {
              done.failed(e);
              throw e;
            }
            if (result instanceof CompletionStage<?> stage) {
              stage.whenComplete((value, failure) -> done.finished(failure));
            } else {
              done.finished(null);
            }
            return result;
          },
          // An interceptor must return quickly (CallInterceptor), so a receive-path handler keeps
          // its fast path when intercepted.
          unary.onReceivePath());
    }
    if (route instanceof Dispatcher.StreamRoute stream) {
      return new Dispatcher.StreamRoute(
          (ctx, params, sink) -> {
            CallCompletion done = begin(ctx, params, interceptor);
            try {
              stream.handler().handle(ctx, params, sink);
            } catch (Exception | Error e) {
              done.failed(e);
              throw e;
            }
            done.finished(null);
          });
    }
    if (route instanceof Dispatcher.AsyncStreamRoute asyncStream) {
      return new Dispatcher.AsyncStreamRoute(
          (ctx, params) -> {
            CallCompletion done = begin(ctx, params, interceptor);
            Iterator<?> items;
            try {
              items = asyncStream.handler().handle(ctx, params);
            } catch (Exception | Error e) {
              done.failed(e);
              throw e;
            }
            return items == null ? null : new ObservedItems(items, done);
          });
    }
    Dispatcher.PublisherRoute publisher = (Dispatcher.PublisherRoute) route;
    return new Dispatcher.PublisherRoute(
        (ctx, params) -> {
          CallCompletion done = begin(ctx, params, interceptor);
          Flow.Publisher<?> items;
          try {
            items = publisher.handler().handle(ctx, params);
          } catch (Exception | Error e) {
            done.failed(e);
            throw e;
          }
          return observed(items, done);
        });
  }

  /** Runs {@code before}; a denial completes the call's outcome and propagates. */
  private static CallCompletion begin(
      CallContext ctx, Map<String, Object> params, CallInterceptor interceptor) {
    InterceptedCall call =
        new InterceptedCall(
            InterceptedCall.Direction.INBOUND, ctx.method(), ctx.isStream(), ctx.remotePublicKey());
    CallCompletion done = new CallCompletion(call, interceptor);
    try {
      interceptor.before(call, Collections.unmodifiableMap(params));
    } catch (RuntimeException | Error e) {
      done.failed(e);
      throw e;
    }
    // A CANCEL (or the peer closing) ends the call for the caller at once, whatever the handler
    // still does.
    ctx.onCancel(done::cancelled);
    return done;
  }

  /** An async stream's items, reporting the end of the iteration or its failure. */
  private record ObservedItems(Iterator<?> items, CallCompletion done)
      implements Iterator<Object>, AutoCloseable {
    @Override
    public boolean hasNext() {
      boolean more;
      try {
        more = items.hasNext();
      } catch (RuntimeException | Error e) {
        done.failed(e);
        throw e;
      }
      if (!more) {
        done.finished(null);
      }
      return more;
    }

    @Override
    public Object next() {
      try {
        return items.next();
      } catch (RuntimeException | Error e) {
        done.failed(e);
        throw e;
      }
    }

    @Override
    public void close() throws Exception {
      if (items instanceof AutoCloseable closeable) {
        closeable.close();
      }
    }
  }

  private static <T> Flow.Publisher<T> observed(Flow.Publisher<T> items, CallCompletion done) {
    return subscriber ->
        items.subscribe(
            new Flow.Subscriber<T>() {
              @Override
              public void onSubscribe(Flow.Subscription subscription) {
                subscriber.onSubscribe(
                    new Flow.Subscription() {
                      @Override
                      public void request(long n) {
                        subscription.request(n);
                      }

                      @Override
                      public void cancel() {
                        done.cancelled();
                        subscription.cancel();
                      }
                    });
              }

              @Override
              public void onNext(T item) {
                subscriber.onNext(item);
              }

              @Override
              public void onError(Throwable failure) {
                done.failed(failure);
                subscriber.onError(failure);
              }

              @Override
              public void onComplete() {
                done.finished(null);
                subscriber.onComplete();
              }
            });
  }
}
