package dev.opendesk.auth;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The two approvers that confirm nothing. They differ only in what a server lets them cover: {@link
 * #V2_ONLY} (the default, {@link PairingApprover#approveAll()}) is refused for legacy v1 pairing,
 * whose codes can be cracked offline, so a server never trusts a legacy peer that nobody looked at;
 * {@link #INCLUDING_LEGACY_V1} ({@link PairingApprover#insecureApproveAllIncludingLegacyV1()}) is
 * the explicit opt-in. Immutable and thread-safe.
 */
enum UnconfirmedApproval implements PairingApprover {
  V2_ONLY,
  INCLUDING_LEGACY_V1;

  private static final CompletableFuture<Boolean> YES = CompletableFuture.completedFuture(true);

  @Override
  public CompletionStage<Boolean> approve(PairingRequest request) {
    return YES.copy();
  }

  /** Whether a server may pair legacy v1 with {@code approver} deciding. */
  static boolean confirmsLegacy(PairingApprover approver) {
    return approver != V2_ONLY;
  }
}
