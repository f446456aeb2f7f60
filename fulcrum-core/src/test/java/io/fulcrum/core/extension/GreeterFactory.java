package io.fulcrum.core.extension;

/** A kind of extension for the registry's tests: something that greets. */
@ExtensionPoint("greeter")
public interface GreeterFactory<S extends Record> extends ExtensionFactory<S> {

    String greet(S settings, String who);
}
