/**
 * Readers for the Civitai data: the model catalog ({@code models.jsonl} or Civitai's own API
 * JSON), demonstrations ({@code demos.jsonl}) and chat requests ({@code chats.jsonl}). Strict
 * reading fails on the first malformed line naming file and line; lenient reading skips and
 * counts such lines.
 */
@NullMarked
package io.chatgen.core.data;

import org.jspecify.annotations.NullMarked;
