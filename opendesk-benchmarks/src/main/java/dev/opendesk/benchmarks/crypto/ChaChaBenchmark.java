package dev.opendesk.benchmarks.crypto;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The ceiling encryption allows: raw ChaCha20-Poly1305 seal and open of one message, as the
 * encrypted connection does per message (PROTOCOL.md §7: a fresh counter nonce each message, no
 * associated data, a new array for the ciphertext and for the plaintext), with no framing, codec or
 * transport around it. The score is seal+open pairs/s; MB/s is that × {@code size}.
 *
 * <p>{@code BC}: Bouncy Castle's lightweight {@link ChaCha20Poly1305} engine; {@code JDK}: the
 * JDK's {@code ChaCha20-Poly1305} {@link Cipher}. Each side keeps its engine, as a connection does.
 * The faster of the two at a size is the ceiling for the encrypted connection, which picks between
 * them at run time (Bouncy Castle below 256 B, the JDK's cipher from there where it is
 * intrinsified); run the encrypted unary and stream benchmarks with {@code -jvmArgsAppend
 * -Ddev.opendesk.aead=bouncy_castle} or {@code =jdk} to compare with one engine forced.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ChaChaBenchmark {

  /** The implementation. */
  @Param({"BC", "JDK"})
  public String impl;

  /** Plaintext bytes per message. */
  @Param({"64", "4096", "65536"})
  public int size;

  private byte[] plaintext;
  private Sealer sealer;

  /** Makes a key, the plaintext and the engines, and checks one round trip. */
  @Setup
  public void setUp() throws GeneralSecurityException {
    SplittableRandom random = new SplittableRandom(7);
    byte[] key = new byte[32];
    random.nextBytes(key);
    plaintext = new byte[size];
    random.nextBytes(plaintext);
    if (impl.equals("BC")) {
      sealer = new BcSealer(key);
    } else if (impl.equals("JDK")) {
      sealer = new JdkSealer(key);
    } else {
      throw new IllegalArgumentException("unknown impl: " + impl);
    }
    if (!Arrays.equals(plaintext, sealer.sealOpen(plaintext))) {
      throw new IllegalStateException(impl + ": open(seal(p)) != p");
    }
  }

  /** Seals one message and opens it again. */
  @Benchmark
  public byte[] sealOpen() throws GeneralSecurityException {
    return sealer.sealOpen(plaintext);
  }

  /** PROTOCOL.md §7: 4 zero bytes, then the 64-bit counter big-endian. */
  static byte[] nonce(long counter) {
    byte[] nonce = new byte[12];
    for (int i = 0; i < 8; i++) {
      nonce[11 - i] = (byte) (counter >>> (8 * i));
    }
    return nonce;
  }

  private interface Sealer {
    byte[] sealOpen(byte[] plaintext) throws GeneralSecurityException;
  }

  private static final class BcSealer implements Sealer {
    private final KeyParameter key;
    private final ChaCha20Poly1305 seal = new ChaCha20Poly1305();
    private final ChaCha20Poly1305 open = new ChaCha20Poly1305();
    private long sent;
    private long received;

    BcSealer(byte[] key) {
      this.key = new KeyParameter(key);
    }

    @Override
    public byte[] sealOpen(byte[] plaintext) throws GeneralSecurityException {
      try {
        seal.init(true, new ParametersWithIV(key, nonce(sent++)));
        byte[] ciphertext = new byte[seal.getOutputSize(plaintext.length)];
        int n = seal.processBytes(plaintext, 0, plaintext.length, ciphertext, 0);
        seal.doFinal(ciphertext, n);

        open.init(false, new ParametersWithIV(key, nonce(received++)));
        byte[] opened = new byte[open.getOutputSize(ciphertext.length)];
        int m = open.processBytes(ciphertext, 0, ciphertext.length, opened, 0);
        open.doFinal(opened, m);
        return opened;
      } catch (InvalidCipherTextException e) {
        throw new GeneralSecurityException(e);
      }
    }
  }

  private static final class JdkSealer implements Sealer {
    private final SecretKeySpec key;
    private final Cipher seal;
    private final Cipher open;
    private long sent;
    private long received;

    JdkSealer(byte[] key) throws GeneralSecurityException {
      this.key = new SecretKeySpec(key, "ChaCha20");
      this.seal = Cipher.getInstance("ChaCha20-Poly1305");
      this.open = Cipher.getInstance("ChaCha20-Poly1305");
    }

    @Override
    public byte[] sealOpen(byte[] plaintext) throws GeneralSecurityException {
      seal.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(nonce(sent++)));
      byte[] ciphertext = seal.doFinal(plaintext);
      open.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(nonce(received++)));
      return open.doFinal(ciphertext);
    }
  }
}
