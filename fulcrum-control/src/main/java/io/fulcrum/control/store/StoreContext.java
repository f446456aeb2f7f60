package io.fulcrum.control.store;

import io.fulcrum.control.reload.CompileCheck;

import java.nio.file.Path;

/**
 * What a store is opened with besides its own settings.
 *
 * @param bootstrapFile the file the node was started from (the one naming the store); relative
 *                      paths in the store's settings are resolved next to it
 * @param check         how the node compiles a configuration ({@code FulcrumNode::check}), for a store
 *                      that chooses between candidates before the node exists
 */
public record StoreContext(Path bootstrapFile, CompileCheck check) {

    /** The bootstrap file's directory. */
    public Path baseDir() {
        return bootstrapFile.toAbsolutePath().getParent();
    }
}
