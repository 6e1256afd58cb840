package dev.opendesk.protocol;

/** Which end of a session a peer is: the one that connected ({@link #CLIENT}) or accepted. */
public enum Role {
  /** The connecting side (the controller in the desktop use case). */
  CLIENT("client"),
  /** The accepting side (the controlled machine). */
  SERVER("server");

  private final String wire;

  Role(String wire) {
    this.wire = wire;
  }

  /** The string carried in HELLO's {@code role}. */
  public String wire() {
    return wire;
  }

  /** The role whose wire string is {@code wire}, or {@code null} if there is none. */
  static Role fromWire(String wire) {
    for (Role role : values()) {
      if (role.wire.equals(wire)) {
        return role;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return wire;
  }
}
