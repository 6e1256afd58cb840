/**
 * Short, commented programs that embed opendesk: {@link dev.opendesk.examples.embed.MinimalServer},
 * {@link dev.opendesk.examples.embed.MinimalClient} and {@link
 * dev.opendesk.examples.embed.PairThenReconnect}. Testing a dispatcher in-process over Loopback is
 * shown by {@code GreeterDispatcherTest} in this module's tests.
 */
package dev.opendesk.examples.embed;
