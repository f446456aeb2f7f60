package io.fulcrum.control.store;

import java.util.List;

/**
 * One push in the history.
 *
 * @param revision the store revision it made
 * @param time     when, as the pushing client's clock said (ISO-8601)
 * @param author   who pushed
 * @param put      keys written
 * @param deleted  keys deleted
 */
public record PushRecord(long revision, String time, String author, List<String> put, List<String> deleted) {
}
