package io.synod.storage;

import org.rocksdb.InfoLogLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends RocksDB's own log (warnings and errors) to SLF4J instead of a LOG file in the data
 * directory, so the host configures all logging in one place and opening a directory only to
 * inspect it writes nothing there.
 */
final class RocksDbLogBridge extends org.rocksdb.Logger {
    private static final Logger LOG = LoggerFactory.getLogger("io.synod.storage.rocksdb");

    RocksDbLogBridge() {
        super(InfoLogLevel.WARN_LEVEL);
    }

    @Override
    protected void log(InfoLogLevel level, String message) {
        switch (level) {
            case FATAL_LEVEL, ERROR_LEVEL -> LOG.error(message);
            case WARN_LEVEL -> LOG.warn(message);
            case INFO_LEVEL, HEADER_LEVEL -> LOG.info(message);
            default -> LOG.debug(message);
        }
    }
}
