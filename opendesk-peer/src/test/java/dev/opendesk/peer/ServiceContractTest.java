package dev.opendesk.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opendesk.protocol.ErrorInfo;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;

/**
 * Bind-time validation of typed service interfaces: each invalid shape fails when the proxy is made
 * and when the dispatcher registers it, naming the interface and the method.
 */
class ServiceContractTest {

  record Text(String text) {}

  record Box<T>(T value) {}

  interface ReturnsString {
    String name(Text text);
  }

  interface ReturnsLong {
    long count(Text text);
  }

  interface ReturnsList {
    List<Text> all(Text text);
  }

  interface ReturnsRawFuture {
    @SuppressWarnings("rawtypes")
    CompletableFuture later(Text text);
  }

  interface ReturnsFutureOfString {
    CompletableFuture<String> later(Text text);
  }

  interface ReturnsCompletionStage {
    CompletionStage<Text> later(Text text);
  }

  interface ReturnsOptional {
    Optional<Text> maybe(Text text);
  }

  interface ReturnsGenericRecord {
    Box<Text> boxed(Text text);
  }

  interface StreamsStrings {
    Flow.Publisher<String> names(Text text);
  }

  interface ReturnsIntegerKeyedMap {
    Map<Integer, Object> byNumber(Text text);
  }

  interface Overloaded {
    Text find(Text text);

    Text find(@Param("name") String name, @Param("limit") long limit);
  }

  interface ClashingWireNames {
    @WireName("go")
    Text first(Text text);

    @WireName("go")
    Text second(Text text);
  }

  interface UnnamedParameters {
    Text join(String a, long b);
  }

  interface UnnamedSingleValue {
    Text find(String name);
  }

  interface OptionsNotLast {
    Text wait(CallOptions options, @Param("ms") long ms);
  }

  interface DuplicateParamNames {
    Text pair(@Param("x") long a, @Param("x") long b);
  }

  interface IntegerKeyedParams {
    Text take(Map<Integer, Object> params);
  }

  interface GenericMethod {
    <T> T anything(Text text);
  }

  public static final class UnannotatedFailure extends ProtocolException {
    private static final long serialVersionUID = 1L;

    public UnannotatedFailure(ErrorInfo error) {
      super(error);
    }
  }

  @RemoteError("gone")
  public static final class NoErrorInfoConstructor extends ProtocolException {
    private static final long serialVersionUID = 1L;

    public NoErrorInfoConstructor(String message) {
      super("gone", message, null);
    }
  }

  interface DeclaresUnannotatedException {
    Text open(Text text) throws UnannotatedFailure;
  }

  interface DeclaresExceptionWithoutConstructor {
    Text open(Text text) throws NoErrorInfoConstructor;
  }

  interface Empty {}

  @ServicePrefix("bad.")
  interface PrefixEndingInDot {
    Text echo(Text text);
  }

  interface EmptyWireName {
    @WireName("")
    Text echo(Text text);
  }

  /** Each case: the interface and the words its message must contain. */
  private static void assertRejected(Class<?> type, String method, String problem) {
    Peer peer = Peer.client(dev.opendesk.protocol.LoopbackConnection.pair().first());
    try {
      assertThatThrownBy(() -> peer.service(type))
          .as("proxy of %s", type.getSimpleName())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(type.getName())
          .hasMessageContaining(method)
          .hasMessageContaining(problem);
    } finally {
      peer.close();
    }
    assertThatThrownBy(() -> bindServer(type))
        .as("dispatcher for %s", type.getSimpleName())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(type.getName())
        .hasMessageContaining(method)
        .hasMessageContaining(problem);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void bindServer(Class<?> type) {
    Object implementation =
        java.lang.reflect.Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (proxy, method, args) -> {
              throw new AssertionError("never called");
            });
    Dispatcher.builder().service((Class) type, implementation);
  }

  @Test
  void plainValueResultIsRejected() {
    assertRejected(ReturnsString.class, "name(Text)", "unsupported return type java.lang.String");
  }

  @Test
  void primitiveResultIsRejected() {
    assertRejected(ReturnsLong.class, "count(Text)", "unsupported return type long");
  }

  @Test
  void listResultIsRejected() {
    assertRejected(ReturnsList.class, "all(Text)", "unsupported return type");
  }

  @Test
  void rawFutureIsRejected() {
    assertRejected(ReturnsRawFuture.class, "later(Text)", "without a type argument");
  }

  @Test
  void futureOfPlainValueIsRejected() {
    assertRejected(
        ReturnsFutureOfString.class,
        "later(Text)",
        "unsupported return type CompletableFuture<java.lang.String>");
  }

  @Test
  void completionStageIsRejected() {
    assertRejected(ReturnsCompletionStage.class, "later(Text)", "unsupported return type");
  }

  @Test
  void optionalResultIsRejected() {
    assertRejected(ReturnsOptional.class, "maybe(Text)", "unsupported return type");
  }

  @Test
  void genericRecordResultIsRejected() {
    assertRejected(ReturnsGenericRecord.class, "boxed(Text)", "generic result types");
  }

  @Test
  void streamOfPlainValuesIsRejected() {
    assertRejected(StreamsStrings.class, "names(Text)", "unsupported return type");
  }

  @Test
  void mapResultKeyedByIntegerIsRejected() {
    assertRejected(ReturnsIntegerKeyedMap.class, "byNumber(Text)", "keyed by String");
  }

  @Test
  void overloadsWithOneWireNameAreRejected() {
    assertRejected(Overloaded.class, "find(String, long)", "same wire name overloaded.find");
  }

  @Test
  void methodsRenamedToOneWireNameAreRejected() {
    assertRejected(ClashingWireNames.class, "first(Text) and second(Text)", "clashingWireNames.go");
  }

  @Test
  void parametersWithoutNamesAreRejected() {
    assertRejected(UnnamedParameters.class, "join(String, long)", "annotate it with @Param");
  }

  @Test
  void singlePlainValueParameterWithoutNameIsRejected() {
    assertRejected(UnnamedSingleValue.class, "find(String)", "has no name");
  }

  @Test
  void callOptionsBeforeOtherParametersAreRejected() {
    assertRejected(OptionsNotLast.class, "wait(CallOptions, long)", "must be the last parameter");
  }

  @Test
  void twoParametersWithOneNameAreRejected() {
    assertRejected(DuplicateParamNames.class, "pair(long, long)", "two parameters are named x");
  }

  @Test
  void paramsMapKeyedByIntegerIsRejected() {
    assertRejected(IntegerKeyedParams.class, "take(Map)", "keyed by String");
  }

  @Test
  void genericMethodIsRejected() {
    assertRejected(GenericMethod.class, "anything(Text)", "generic methods");
  }

  @Test
  void declaredExceptionWithoutRemoteErrorIsRejected() {
    assertRejected(DeclaresUnannotatedException.class, "open(Text)", "without @RemoteError");
  }

  @Test
  void declaredExceptionWithoutErrorInfoConstructorIsRejected() {
    assertRejected(
        DeclaresExceptionWithoutConstructor.class, "open(Text)", "constructor taking ErrorInfo");
  }

  @Test
  void prefixEndingInADotIsRejected() {
    assertRejected(PrefixEndingInDot.class, "", "must not end with a dot");
  }

  @Test
  void emptyWireNameIsRejected() {
    assertRejected(EmptyWireName.class, "echo(Text)", "must not be empty");
  }

  @Test
  void interfaceWithoutMethodsIsRejected() {
    assertRejected(Empty.class, "", "declares no service methods");
  }

  @Test
  void classIsRejected() {
    assertThatThrownBy(() -> ServiceContract.of(String.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "java.lang.String is not an interface: a typed service contract is a Java interface");
  }

  @Test
  void implementationOfAnotherTypeIsRejected() {
    interface Echo {
      Text echo(Text text);
    }
    @SuppressWarnings({"unchecked", "rawtypes"})
    Class<Object> raw = (Class) Echo.class;
    assertThatThrownBy(() -> Dispatcher.builder().service(raw, "not an Echo"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not implement");
  }

  @Test
  void wireNameRegisteredTwiceIsRejectedBeforeAnyRouteIsAdded() {
    interface Echo {
      Text echo(Text text);

      Text other(Text text);
    }
    Echo impl =
        new Echo() {
          @Override
          public Text echo(Text text) {
            return text;
          }

          @Override
          public Text other(Text text) {
            return text;
          }
        };
    Dispatcher.Builder builder = Dispatcher.builder().unary("echo.other", (ctx, p) -> p);

    assertThatThrownBy(() -> builder.service(Echo.class, impl))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("method already registered: echo.other");
    assertThat(builder.build().methods()).containsExactly("echo.other");
  }
}
