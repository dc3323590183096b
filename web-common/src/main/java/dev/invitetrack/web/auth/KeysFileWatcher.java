package dev.invitetrack.web.auth;

import static java.util.Objects.requireNonNull;

import io.dropwizard.lifecycle.Managed;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the keys file into the key ring at start and again whenever the file changes (checked every two
 * seconds), so that {@code invitetrack keys create} and {@code revoke} take effect on a running server. A file
 * that cannot be read leaves the keys in force as they were, with a warning.
 */
public final class KeysFileWatcher implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(KeysFileWatcher.class);
    static final long CHECK_MILLIS = 2_000;

    private final Path file;
    private final KeyRing keyRing;
    private ScheduledExecutorService scheduler;
    private FileTime lastModified;
    private long lastSize = -1;

    public KeysFileWatcher(Path file, KeyRing keyRing) {
        this.file = requireNonNull(file, "file is null");
        this.keyRing = requireNonNull(keyRing, "keyRing is null");
    }

    /** Reads the file if it changed since the last time. */
    void check() {
        try {
            FileTime modified = Files.exists(file) ? Files.getLastModifiedTime(file) : null;
            long size = modified == null ? -1 : Files.size(file);
            if (Objects.equals(modified, lastModified) && size == lastSize) {
                return;
            }
            int inForce = keyRing.replaceFileKeys(KeysFile.read(file));
            lastModified = modified;
            lastSize = size;
            LOG.info("keys file {}: {} keys in force", file, inForce);
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("cannot read the keys file {} ({}); keeping the keys in force", file, e.getMessage());
        }
    }

    /** Loads the file and starts watching it; calling it again does nothing. */
    @Override
    public synchronized void start() {
        if (scheduler != null) {
            return;
        }
        check();
        scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "keys-file");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.scheduleWithFixedDelay(this::check, CHECK_MILLIS, CHECK_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }
}
