package io.fulcrum.core.event;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The node's bounded in-memory log of {@link Event}s, also written to the SLF4J logger
 * {@code fulcrum.events} (the shipped Logback configuration can send it to its own JSON
 * file). Subscribers (the admin API's event stream, tests) get each event as it is
 * published, on the publishing thread, so they must not block.
 *
 * <p>Thread-safe. The oldest events are dropped once {@link #capacity()} is reached.
 */
public final class EventLog {

    private static final Logger LOG = LoggerFactory.getLogger("fulcrum.events");

    /** Default number of events kept in memory. */
    public static final int DEFAULT_CAPACITY = 10_000;

    private final int capacity;
    private final ArrayDeque<Event> events;
    private final CopyOnWriteArrayList<Consumer<Event>> subscribers = new CopyOnWriteArrayList<>();
    private long lastSequence;

    public EventLog() {
        this(DEFAULT_CAPACITY);
    }

    public EventLog(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, not " + capacity);
        }
        this.capacity = capacity;
        this.events = new ArrayDeque<>(Math.min(capacity, 1024));
    }

    /** Records an event made by Fulcrum itself and returns it as published. */
    public Event publish(String kind, String subject, String reason, Map<String, String> details) {
        return publish(Event.of(kind, subject, reason, details));
    }

    /** Records an event (its sequence is assigned here) and hands it to every subscriber. */
    public Event publish(Event event) {
        Event published;
        synchronized (events) {
            published = event.withSequence(++lastSequence);
            if (events.size() == capacity) {
                events.removeFirst();
            }
            events.addLast(published);
        }
        if (LOG.isInfoEnabled()) {
            LOG.info("{} {} {}{} (by {})", published.kind(), published.subject(), published.reason(),
                    published.details().isEmpty() ? "" : " " + published.details(), published.actor());
        }
        for (Consumer<Event> subscriber : subscribers) {
            try {
                subscriber.accept(published);
            } catch (RuntimeException e) {
                LOG.warn("event subscriber failed on {}: {}", published.kind(), e.toString());
            }
        }
        return published;
    }

    /** Events after {@code afterSequence} (0 for all kept), oldest first, at most {@code limit}. */
    public List<Event> since(long afterSequence, int limit) {
        synchronized (events) {
            List<Event> out = new ArrayList<>();
            for (Event e : events) {
                if (e.sequence() > afterSequence) {
                    out.add(e);
                    if (out.size() >= limit) {
                        break;
                    }
                }
            }
            return out;
        }
    }

    /** The newest {@code limit} events, oldest first. */
    public List<Event> latest(int limit) {
        synchronized (events) {
            int skip = Math.max(0, events.size() - limit);
            List<Event> out = new ArrayList<>(Math.min(limit, events.size()));
            int i = 0;
            for (Event e : events) {
                if (i++ >= skip) {
                    out.add(e);
                }
            }
            return out;
        }
    }

    /** Calls {@code subscriber} with every event published from now on; returns the way to stop. */
    public AutoCloseable subscribe(Consumer<Event> subscriber) {
        subscribers.add(subscriber);
        return () -> subscribers.remove(subscriber);
    }

    public int capacity() {
        return capacity;
    }
}
