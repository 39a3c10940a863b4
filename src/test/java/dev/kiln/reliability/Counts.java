package dev.kiln.reliability;

import com.google.gson.GsonBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The reliability suite's tallies (inputs tried, answered cleanly, kills survived, bytes lost),
 * written to {@code target/reliability/NAME.json} when a test class ends, for the closing
 * note. Tests never print; this file is their report.
 */
final class Counts {
    private final String name;
    private final Map<String, AtomicLong> values = new ConcurrentHashMap<>();

    Counts(String name) {
        this.name = name;
    }

    void add(String key, long n) {
        values.computeIfAbsent(key, k -> new AtomicLong()).addAndGet(n);
    }

    void inc(String key) {
        add(key, 1);
    }

    long get(String key) {
        AtomicLong v = values.get(key);
        return v == null ? 0 : v.get();
    }

    /** Writes the tallies; called from an {@code @AfterAll}. */
    void write() {
        Map<String, Long> sorted = new TreeMap<>();
        values.forEach((k, v) -> sorted.put(k, v.get()));
        try {
            Path dir = Path.of("target", "reliability");
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(name + ".json"), new GsonBuilder().setPrettyPrinting().create().toJson(sorted),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
