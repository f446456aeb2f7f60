package io.fulcrum.app;

import io.fulcrum.app.node.FulcrumNode;
import io.fulcrum.cluster.store.ConfigLayout;
import io.fulcrum.cluster.store.EtcdStore;
import io.fulcrum.control.store.PushRecord;
import io.fulcrum.control.store.PushResult;
import io.fulcrum.control.store.StoreException;
import io.fulcrum.control.config.ConfigException;
import io.fulcrum.control.config.ConfigLoader;
import io.fulcrum.control.config.LoadedConfig;
import io.fulcrum.control.reload.CompileCheck;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.store.EtcdStoreConfig;
import io.fulcrum.core.config.store.StoreType;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * {@code fulcrum ctl config push|get|diff|history}: the fleet's configuration in etcd.
 *
 * <p>These talk to etcd itself, not to a node's admin API: a push must work before any node
 * runs (the first configuration of a fleet) and while nodes come and go, and etcd's own
 * credentials (TLS client certificates, users) decide who may change the fleet. Where etcd is:
 * a node's bootstrap file ({@code -c FILE}, its {@code store.etcd} section: endpoints, TLS,
 * user), else {@code --etcd URL,...} and {@code --prefix}, else {@code FULCRUM_ETCD} and
 * {@code FULCRUM_ETCD_PREFIX}.
 */
@Command(name = "config",
        description = "The fleet's configuration in etcd: push a file (validated first), get it, diff a file "
                + "against it, list the pushes.",
        subcommands = {ConfigCtlCommand.Push.class, ConfigCtlCommand.Get.class, ConfigCtlCommand.Diff.class,
                ConfigCtlCommand.History.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:etcd refused or could not be reached", "2:invalid file or command line"})
public final class ConfigCtlCommand implements Callable<Integer> {

    /** Environment lookups, replaceable in tests. */
    static Function<String, String> env = System::getenv;

    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "BOOTSTRAP", scope = CommandLine.ScopeType.INHERIT,
            description = "A node's bootstrap file: its store.etcd section says where etcd is and how to log in.")
    Path bootstrap;

    @Option(names = "--etcd", paramLabel = "URL[,URL...]", split = ",", scope = CommandLine.ScopeType.INHERIT,
            description = "etcd endpoints (else FULCRUM_ETCD), when no bootstrap file is given.")
    List<String> endpoints;

    @Option(names = "--prefix", paramLabel = "PREFIX", scope = CommandLine.ScopeType.INHERIT,
            description = "Key prefix (else FULCRUM_ETCD_PREFIX, else " + EtcdStoreConfig.DEFAULT_PREFIX + ").")
    String prefix;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing config command: push, get, diff or history");
    }

    /** The store these options name. */
    EtcdStore store() throws InvalidInput {
        EtcdStoreConfig settings;
        Path baseDir = null;
        if (bootstrap != null) {
            FulcrumConfig boot;
            try {
                boot = ConfigLoader.load(bootstrap);
            } catch (ConfigException e) {
                throw new InvalidInput(e.getMessage());
            }
            settings = EtcdStoreConfig.chosenIn(boot.store());
            if (settings == null) {
                throw new InvalidInput(bootstrap + ": store.etcd: this file names no etcd store");
            }
            baseDir = bootstrap.toAbsolutePath().getParent();
        } else {
            List<String> urls = endpoints;
            if (urls == null || urls.isEmpty()) {
                String e = env.apply("FULCRUM_ETCD");
                urls = e == null || e.isBlank() ? List.of() : Arrays.stream(e.split(",")).map(String::strip).toList();
            }
            if (urls.isEmpty()) {
                throw new InvalidInput("where is etcd? give -c BOOTSTRAP, --etcd URL or FULCRUM_ETCD");
            }
            String p = prefix != null ? prefix : env.apply("FULCRUM_ETCD_PREFIX");
            settings = EtcdStoreConfig.of(urls, p);
        }
        if (prefix != null && bootstrap != null) {
            settings = new EtcdStoreConfig(settings.endpoints(), prefix, settings.tls(), settings.user(),
                    settings.password(), settings.connectTimeout(), settings.requestTimeout(), settings.retryMaxDelay(),
                    settings.snapshotFile());
        }
        return new EtcdStore(settings, baseDir);
    }

    /** A file or option the command cannot use: exit 2, nothing done. */
    static final class InvalidInput extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidInput(String message) {
            super(message);
        }
    }

    /** The shape of each subcommand: open the store, act, map failures to exit codes. */
    abstract static class Action implements Callable<Integer> {
        @ParentCommand
        ConfigCtlCommand parent;

        @Spec
        CommandSpec spec;

        abstract void run(EtcdStore store, PrintWriter out, PrintWriter err) throws InvalidInput, StoreException, IOException;

        /** Checks done before etcd is contacted (a push validates its file first). */
        void before(PrintWriter err) throws InvalidInput {
        }

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try {
                before(err);
                try (EtcdStore store = parent.store()) {
                    run(store, out, err);
                }
                return ExitCodes.OK;
            } catch (InvalidInput e) {
                err.println(e.getMessage());
                return ExitCodes.INVALID;
            } catch (StoreException | IOException e) {
                err.println("fulcrum ctl config: " + e.getMessage());
                return ExitCodes.FAILURE;
            } finally {
                out.flush();
                err.flush();
            }
        }
    }

    /** Reads and validates a file as {@code fulcrum validate} does; its text when it is valid. */
    static String validated(Path file, PrintWriter err) throws InvalidInput {
        LoadedConfig loaded;
        try {
            CompileCheck asRun = FulcrumNode::check;
            loaded = asRun.compiled(ConfigLoader.loadWithWarnings(file));
        } catch (ConfigException e) {
            throw new InvalidInput(e.getMessage());
        }
        loaded.warnings().forEach(w -> err.println("warning: " + w.format(file.toString())));
        if (!StoreType.FILE.equals(loaded.config().store().name())) {
            throw new InvalidInput(loaded.locations().locate("store", "the store is each node's own (its bootstrap "
                    + "file), not part of the fleet's configuration; remove it from the pushed file")
                    .format(file.toString()));
        }
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new InvalidInput(file + ": " + e.getMessage());
        }
    }

    @Command(name = "push", description = "Validate FILE (as `fulcrum validate`), then write what differs from "
            + "etcd in one transaction; an invalid file is refused and nothing is written.")
    static final class Push extends Action {
        @Parameters(paramLabel = "FILE")
        Path file;

        @Option(names = "--author", description = "Who pushes, for the history (default user@host).")
        String author;

        private String text;

        @Override
        void before(PrintWriter err) throws InvalidInput {
            text = validated(file, err);
        }

        @Override
        void run(EtcdStore store, PrintWriter out, PrintWriter err) throws StoreException {
            PushResult r = store.push(text, author != null ? author : defaultAuthor());
            if (r.unchanged()) {
                out.println("unchanged: etcd already holds this configuration (revision " + r.revision() + ")");
                return;
            }
            out.println("pushed revision " + r.revision() + ": " + r.put().size() + " written, " + r.deleted().size()
                    + " deleted");
            r.put().forEach(k -> out.println("  put    " + k));
            r.deleted().forEach(k -> out.println("  delete " + k));
        }
    }

    @Command(name = "get", description = "Print the configuration etcd holds (YAML) and its revision.")
    static final class Get extends Action {
        @Override
        void run(EtcdStore store, PrintWriter out, PrintWriter err) throws StoreException {
            var s = store.get();
            out.println("# revision " + s.revision());
            out.print(s.yaml());
        }
    }

    @Command(name = "diff", description = "What a push of FILE would change: keys added (+), changed (~), removed (-).")
    static final class Diff extends Action {
        @Parameters(paramLabel = "FILE")
        Path file;

        @Override
        void run(EtcdStore store, PrintWriter out, PrintWriter err) throws StoreException, InvalidInput {
            Map<String, String> now = ConfigLayout.split(store.get().yaml());
            Map<String, String> wanted;
            try {
                wanted = ConfigLayout.split(Files.readString(file));
            } catch (IOException | IllegalArgumentException e) {
                throw new InvalidInput(file + ": " + e.getMessage());
            }
            Set<String> keys = new TreeSet<>(now.keySet());
            keys.addAll(wanted.keySet());
            int changes = 0;
            for (String key : keys) {
                String a = now.get(key);
                String b = wanted.get(key);
                if (a == null) {
                    out.println("+ " + key);
                    lines(b).forEach(l -> out.println("    + " + l));
                } else if (b == null) {
                    out.println("- " + key);
                } else if (!a.equals(b)) {
                    out.println("~ " + key);
                    Set<String> before = lines(a);
                    Set<String> after = lines(b);
                    before.stream().filter(l -> !after.contains(l)).forEach(l -> out.println("    - " + l));
                    after.stream().filter(l -> !before.contains(l)).forEach(l -> out.println("    + " + l));
                } else {
                    continue;
                }
                changes++;
            }
            if (changes == 0) {
                out.println("no difference");
            }
        }

        private static Set<String> lines(String text) {
            return new LinkedHashSet<>(text.lines().toList());
        }
    }

    @Command(name = "history", description = "The pushes etcd still has (newest first): revision, time, author, keys.")
    static final class History extends Action {
        @Option(names = "--limit", defaultValue = "20", description = "At most this many (default 20).")
        int limit;

        @Override
        void run(EtcdStore store, PrintWriter out, PrintWriter err) throws StoreException {
            List<PushRecord> records = store.history(limit);
            if (records.isEmpty()) {
                out.println("no pushes");
            }
            for (PushRecord r : records) {
                out.println(r.revision() + "  " + r.time() + "  " + r.author() + "  " + r.put().size() + " written, "
                        + r.deleted().size() + " deleted");
            }
        }
    }

    private static String defaultAuthor() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "unknown";
        }
        return System.getProperty("user.name") + "@" + host;
    }
}
